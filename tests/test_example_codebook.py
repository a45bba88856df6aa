"""The example codebook for a negotiation negtrack does not ship for, used as a user would."""

from __future__ import annotations

import json
import shutil

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "codebooks" / "russia-ukraine-talks-2026.toml"

# A wire story laid out as copied from a web page: one paragraph a line, a
# headline and a bullet with no full stop, a dateline.
STORY = "\n".join([
    "Talks end with a prisoner swap as land remains the sticking point",
    "* Russia demands Ukraine give up the rest of the Donetsk region; Kyiv refuses",
    "GENEVA, Feb 18 (Reuters) - Ukraine and Russia agreed to an exchange of 200 prisoners of war on Wednesday "
    "after two days of U.S.-brokered talks in Geneva, officials said.",
    "Ukrainian President Volodymyr Zelenskyy rejected any withdrawal from the Donbas and insisted on a ceasefire "
    "along the current front line.",
    "The United States proposed an energy truce to both sides on Tuesday, envoy Steve Witkoff said in a post on X.",
]) + "\n"


def test_example_codebook_validates_and_tracks_its_talks(cli, tmp_path, env):
    assert cli("codebook", "validate", EXAMPLE).code == 0
    # installed the way the README says: into the user's codebook folder, then by name
    mine = tmp_path / "config" / "negtrack" / "codebooks"
    mine.mkdir(parents=True)
    shutil.copy(EXAMPLE, mine)
    story = tmp_path / "talks.txt"
    story.write_text(STORY, encoding="utf-8")
    r = cli("add", story, "--published", "2026-02-18", "--codebook", "russia-ukraine-talks-2026")
    assert r.code == 0, r.err
    rows = [json.loads(line) for line in cli("export", "--format", "jsonl").out.splitlines()]
    got = {(p["actor"], p["issue"], p["stance"]): p for p in rows}
    assert {("russia", "territory", "demand"), ("ukraine", "territory", "reject"),
            ("russia", "prisoner-exchange", "accept"), ("ukraine", "prisoner-exchange", "accept"),
            ("ukraine", "ceasefire", "demand"), ("us", "ceasefire", "propose")} <= set(got)
    # each verb keeps its own object: Zelenskyy rejected no ceasefire and demanded no land
    assert ("ukraine", "ceasefire", "reject") not in got and ("ukraine", "territory", "demand") not in got
    # the bullet is a sentence of its own, not run into the dateline's paragraph
    assert got[("russia", "territory", "demand")]["evidence"] == \
        "Russia demands Ukraine give up the rest of the Donetsk region; Kyiv refuses"
    assert got[("us", "ceasefire", "propose")]["date"] == "2026-02-17"  # "on Tuesday"
    assert {p["codebook"] for p in rows} == {"russia-ukraine-talks-2026"}
