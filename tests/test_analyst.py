"""Analyst work: confirm, reject, edit, add, merge, split, the audit log — and that
re-extraction never loses any of it. Real CLI on real SQLite files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import SAMPLES
from negtrack import analyst, codebook, store, views
from negtrack.errors import ExitCode, NotFoundError, UsageError
from negtrack.models import Article, Extraction, Position

RN = SAMPLES / "russia-nato-2022"
ANALYST_FIELDS = ("id", "actor", "issue", "stance", "date", "date_precision", "evidence", "start", "end",
                  "status", "note", "codebook_version", "article_id")


def export(cli) -> list[dict]:
    r = cli("export", "--format", "jsonl")
    assert r.code == 0, r.err
    return [json.loads(x) for x in r.out.splitlines()]


def analyst_work(rows) -> dict:
    return {r["id"]: {k: r[k] for k in ANALYST_FIELDS} for r in rows if r["status"] != "auto"}


def audit(env) -> list[tuple]:
    con = sqlite3.connect(env["NEGTRACK_DB"])
    return con.execute("SELECT position, action, by FROM audit ORDER BY id").fetchall()


def test_analyst_work_survives_reprocess_and_readd_and_is_audited(cli, env):
    assert cli("add", RN).code == 0
    rows = export(cli)
    a, b, c = rows[0], rows[1], rows[2]
    assert {a["status"], b["status"], c["status"]} == {"auto"}

    assert cli("position", "confirm", a["id"], "--by", "alice").code == 0
    assert cli("position", "reject", b["id"], "--by", "bob").code == 0
    new_stance = "open" if c["stance"] != "open" else "reject"
    r = cli("position", "edit", c["id"], "--stance", new_stance, "--date", "2022-01", "--note", "hedged", "--by", "alice")
    assert r.code == 0, r.err
    text = sqlite3.connect(env["NEGTRACK_DB"]).execute("SELECT text FROM articles WHERE id = ?",
                                                       [a["article_id"]]).fetchone()[0]
    quote = " ".join(text[a["start"]:a["end"]].split()[:6])  # re-wrapped: white space differs from the text
    r = cli("position", "add", "--actor", "nato", "--issue", "nato-expansion", "--stance", "reject",
            "--date", "2022-01-26", "--article", a["article_id"], "--evidence", quote, "--note", "from the call",
            "--by", "carol")
    assert r.code == 0, r.err
    manual_id = r.out.strip()
    assert manual_id.startswith("p") and "warning" not in r.err

    before = analyst_work(export(cli))
    assert {v["status"] for v in before.values()} == {"confirmed", "rejected", "edited", "manual"}
    assert before[c["id"]]["stance"] == new_stance and before[c["id"]]["date"] == "2022-01"
    assert before[c["id"]]["note"] == "hedged"
    m = before[manual_id]
    assert text[m["start"]:m["end"]] == m["evidence"] and m["article_id"] == a["article_id"]
    assert m["codebook_version"] == codebook.load("russia-nato-2022").version

    assert cli("reprocess").code == 0
    r = cli("add", RN)
    assert r.code == 0 and "added 0 article(s)" in r.err
    r = cli("position", "add", "--actor", "nato", "--issue", "nato-expansion", "--stance", "reject",
            "--date", "2022-01-26", "--article", a["article_id"], "--evidence", quote)
    assert r.code == 0 and r.out.strip() == manual_id and "already recorded" in r.err

    after_rows = export(cli)
    assert analyst_work(after_rows) == before
    # The rejected reading stayed rejected, and the edit's original did not come back as a duplicate.
    autos = [r for r in after_rows if r["status"] == "auto"]
    assert b["id"] not in {r["id"] for r in autos}
    assert not [r for r in autos if (r["article_id"], r["actor"], r["issue"], r["stance"], r["start"])
                == (c["article_id"], c["actor"], c["issue"], c["stance"], c["start"])]
    assert len(after_rows) == len(rows) + 1

    assert audit(env) == [(a["id"], "confirm", "alice"), (b["id"], "reject", "bob"), (c["id"], "edit", "alice"),
                          (manual_id, "add", "carol")]
    r = cli("history", c["id"], "--json")
    assert r.code == 0, r.err
    (h,) = json.loads(r.out)
    assert (h["by"], h["action"]) == ("alice", "edit")
    assert h["before"]["stance"] == c["stance"] and h["before"]["status"] == "auto"
    assert h["after"]["stance"] == new_stance and h["after"]["status"] == "edited"
    assert f"stance: {c['stance']} → {new_stance}" in h["changed"]
    r = cli("history", b["id"], "--csv")
    assert r.code == 0 and r.out.splitlines()[0].startswith("id,position,at,by,action,before,after")
    r = cli("history", a["id"], "--nl")
    assert json.loads(r.out)["action"] == "confirm"

    # Rejected positions are gone from the views; confirmed/edited/manual ones are there.
    tl = json.loads(cli("timeline", "--json").out)
    ids = {i for row in tl for i in row["ids"]}
    assert b["id"] not in ids and {a["id"], c["id"], manual_id} <= ids


def test_review_refuses_without_a_terminal(cli):
    assert cli("add", RN).code == 0
    r = cli("review", input="c\n")
    assert r.code == ExitCode.USAGE
    assert r.err.count("\n") == 1 and "terminal" in r.err and r.out == ""


def test_usage_errors_name_closest_matches(cli):
    assert cli("add", RN).code == 0
    pid = export(cli)[0]["id"]
    r = cli("position", "edit", pid, "--actor", "rusia")
    assert r.code == ExitCode.USAGE and "did you mean russia" in r.err
    r = cli("position", "edit", pid, "--issue", "nato-expanson")
    assert r.code == ExitCode.USAGE and "nato-expansion" in r.err
    r = cli("position", "edit", pid, "--stance", "rejct")
    assert r.code == ExitCode.USAGE and "reject" in r.err
    r = cli("position", "edit", pid, "--date", "2022-02-30")
    assert r.code == ExitCode.USAGE
    r = cli("position", "edit", pid)
    assert r.code == ExitCode.USAGE and "nothing to change" in r.err
    r = cli("position", "add", "--actor", "us", "--issue", "debt-limit", "--stance", "reject", "--date", "2022")
    assert r.code == ExitCode.USAGE and "unknown issue" in r.err
    r = cli("position", "confirm", pid, "pnosuchposition0")
    assert r.code == ExitCode.NOT_FOUND
    assert export(cli)[0]["status"] == "auto"  # all or nothing
    assert cli("history", "pnosuchposition0").code == ExitCode.NOT_FOUND
    assert cli("position", "list", "--status", "done").code == ExitCode.USAGE


# -- the store rules, with an engine change simulated ---------------------------------

BOOK = codebook.load("russia-nato-2022")
TEXT = ("Russia demands that NATO stop its expansion. The US rejected that demand on Jan. 26.\n\n"
        "Later, the US again rejected the demand for an end to NATO expansion.")
S2 = TEXT.index("Later")


def pos(actor, issue, stance, start, end, date="2022-01-26"):
    return Position(actor=actor, issue=issue, stance=stance, evidence=TEXT[start:end], start=start, end=end,
                    date=date, date_precision="day", confidence=0.5)


def test_reextraction_with_shifted_offsets_keeps_analyst_decisions(db):
    machine = [pos("russia", "nato-expansion", "demand", 0, 44, "2022-01"),
               pos("us", "nato-expansion", "reject", 45, 84),
               pos("us", "risk-reduction", "consult", 45, 84)]
    art = Article(text=TEXT, path="a.txt", published="2022-02-01")
    aid, _ = store.save_article(db, art, Extraction(published="2022-02-01", positions=machine), BOOK)
    uids = {(p["actor"], p["stance"], p["issue"]): p["id"] for p in store.export_rows(db)}
    analyst.reject(db, [uids[("us", "reject", "nato-expansion")]], by="t")
    analyst.edit(db, uids[("russia", "demand", "nato-expansion")], by="t", issue="1997-configuration")
    analyst.confirm(db, [uids[("us", "consult", "risk-reduction")]], by="t")
    # A note alone does not turn a confirmed position into an edited one.
    assert analyst.edit(db, uids[("us", "consult", "risk-reduction")], by="t", note="n")["status"] == "confirmed"

    # A new engine reads the same sentences with different offsets (so different uids),
    # and finds the second, separate report of the US rejection.
    again = [pos("russia", "nato-expansion", "demand", 0, 43, "2022-01"),
             pos("us", "nato-expansion", "reject", 49, 84),
             pos("us", "risk-reduction", "consult", 46, 84),
             pos("us", "nato-expansion", "reject", S2, len(TEXT))]
    removed, added = store.replace_auto_positions(db, aid, art.content_hash, again, BOOK)
    assert added == 1
    rows = list(store.export_rows(db))
    got = sorted((r["actor"], r["stance"], r["issue"], r["status"], r["start"]) for r in rows)
    assert got == [("russia", "demand", "1997-configuration", "edited", 0),
                   ("us", "consult", "risk-reduction", "confirmed", 45),
                   ("us", "reject", "nato-expansion", "auto", S2),
                   ("us", "reject", "nato-expansion", "rejected", 45)]


def test_timeline_corroboration_merge_and_split(db):
    def add(text, positions):
        art = Article(text=text, path=text[:8] + ".txt", published="2022-01-27")
        ps = [Position(actor=a, issue=i, stance=s, evidence=text, start=0, end=len(text), date=d,
                       date_precision="day") for a, i, s, d in positions]
        return store.save_article(db, art, Extraction(published="2022-01-27", positions=ps), BOOK)[0]

    one = add("US rejects non-expansion (one)", [("us", "nato-expansion", "reject", "2022-01-26")])
    two = add("US rejects non-expansion (two)", [("us", "nato-expansion", "reject", "2022-01-26")])
    add("US open to talks (three)", [("us", "risk-reduction", "open", "2022-01-26")])
    rows = views.timeline(db)
    assert [(r["issue"], r["sources"], r["article_ids"]) for r in rows] == [
        ("nato-expansion", 2, [one, two]), ("risk-reduction", 1, [3])]
    first = rows[0]
    for field in ("id", "date", "date_precision", "actor", "stance", "issue", "speaker", "target", "evidence",
                  "confidence", "status", "article_id", "source", "article_path"):
        assert field in first

    nx, rr = rows[0]["ids"], rows[1]["ids"]
    analyst.split(db, nx[1], by="t")
    assert [r["sources"] for r in views.timeline(db)] == [1, 1, 1]
    gid = analyst.merge(db, [nx[0], rr[0]], by="t")
    rows = views.timeline(db)
    assert len(rows) == 2 and sorted(rows[0]["ids"]) == sorted([nx[0], rr[0]]) and rows[0]["sources"] == 2
    # Merging into an existing group absorbs it.
    gid2 = analyst.merge(db, [nx[1], rr[0]], by="t")
    assert gid2 != gid
    rows = views.timeline(db)
    assert len(rows) == 1 and rows[0]["sources"] == 3 and rows[0]["article_ids"] == [one, two, 3]
    with pytest.raises(UsageError):
        analyst.merge(db, [nx[0]], by="t")
    with pytest.raises(NotFoundError):
        analyst.split(db, "pnope", by="t")
    assert [h["action"] for h in analyst.history(db, rr[0])] == ["merge", "merge"]


def test_edit_speaker_and_target_and_clear_them(db):
    art = Article(text=TEXT, path="a.txt", published="2022-02-01")
    store.save_article(db, art, Extraction(published="2022-02-01",
                                           positions=[pos("us", "nato-expansion", "reject", 45, 84)]), BOOK)
    (p,) = store.export_rows(db)
    row = analyst.edit(db, p["id"], by="t", speaker=" Antony Blinken ", target="russia")
    assert (row["speaker"], row["target"], row["status"]) == ("Antony Blinken", "russia", "edited")
    assert json.loads(row["origin"])["actor"] == "us"
    with pytest.raises(UsageError, match="did you mean russia"):
        analyst.edit(db, p["id"], by="t", target="rusia")
    assert analyst.get(db, p["id"])["target"] == "russia"  # a refused edit changes nothing
    row = analyst.edit(db, p["id"], by="t", speaker="", target="")
    assert (row["speaker"], row["target"]) == (None, None)
    (h1, h2) = [h for h in analyst.history(db, p["id"]) if h["action"] == "edit"]
    assert h1["after"]["target"] == "russia" and h2["after"]["target"] is None
    manual, created, _ = analyst.add_manual(db, BOOK, "t", actor="russia", issue="nato-expansion", stance="demand",
                                            date="2022-02-01", target="nato", speaker=" ")
    assert created and (manual["target"], manual["speaker"]) == ("nato", None)
    with pytest.raises(UsageError):
        analyst.add_manual(db, BOOK, "t", actor="russia", issue="nato-expansion", stance="demand",
                           date="2022-02-01", target="natoo")


def test_note_on_unreviewed_position_survives_reprocess_and_by_defaults_to_login(db, monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "login-name")
    art = Article(text=TEXT, path="a.txt", published="2022-02-01")
    aid, _ = store.save_article(db, art, Extraction(published="2022-02-01",
                                                    positions=[pos("us", "nato-expansion", "reject", 45, 84)]), BOOK)
    (p,) = store.export_rows(db)
    row = analyst.edit(db, p["id"], note="check the transcript")
    assert row["status"] == "edited" and row["reviewed_by"] == "login-name"
    store.replace_auto_positions(db, aid, art.content_hash, [], BOOK)
    (p2,) = store.export_rows(db)
    assert (p2["id"], p2["note"], p2["status"]) == (p["id"], "check the transcript", "edited")
    analyst.confirm(db, [p["id"]], by="x")
    assert analyst.get(db, p["id"])["status"] == "edited"  # confirming an edit keeps the edit
    assert analyst.queue(db) == []


# -- a codebook negtrack does not ship, end to end ---------------------------------

KERAVA = '''
[codebook]
name = "kerava-water-2031"
title = "Kerava River water-sharing treaty, 2031"

[[issues]]
slug = "minimum-flow"
title = "Minimum flow"
proposition = "Borduria guarantees a minimum flow of the Kerava into Aqualia"
cues = ["minimum flow", "guaranteed flow", "re:\\\\bflow guarantees?\\\\b"]

[[issues]]
slug = "dam-filling"
title = "Dam filling"
proposition = "Borduria fills the Upper Kerava Dam only over seven years or more"
cues = ["filling of the dam", "dam filling", "fill the dam", "Upper Kerava Dam"]

[[issues]]
slug = "joint-commission"
title = "Joint commission"
proposition = "A joint river commission monitors flows and settles disputes"
cues = ["joint commission", "river commission"]

[[actors]]
id = "aqualia"
name = "Aqualia"
aliases = ["Aqualia"]
adjectives = ["Aqualian"]

[[actors]]
id = "borduria"
name = "Borduria"
aliases = ["Borduria"]
adjectives = ["Bordurian"]

[[people]]
id = "reyes"
name = "Tamsin Reyes"
aliases = ["Tamsin Reyes", "Reyes"]
party = "aqualia"

[[people]]
id = "okonjo"
name = "Ilse Okonjo"
aliases = ["Ilse Okonjo", "Okonjo"]
party = "borduria"

[stances]
reject = ["will never accept"]
'''

ARTICLES = {
    "2031-03-10_aqualia-presses.txt": """Title: Aqualia presses Borduria on river flow
Published: 2031-03-10

Aqualia demanded a guaranteed minimum flow of the Kerava River on Monday, Foreign Minister Tamsin Reyes said.

Bordurian officials rejected the demand for a minimum flow, saying the river belongs to those who dam it.

Okonjo proposed a joint commission to monitor the river.
""",
    "2031-03-11_borduria-says-no.txt": """Title: Borduria says no to flow guarantees
Published: 2031-03-11

Borduria rejected the demand for a minimum flow on Monday, Foreign Minister Ilse Okonjo said.

Reyes said Aqualia was open to a joint commission if it had real powers.
""",
    "2031-04-02_vellmar-warns.txt": """Title: Vellmar warns over dam
Published: 2031-04-02

Vellmar warned on Wednesday that the filling of the dam without an agreement would have serious consequences.

Borduria will never accept a joint commission, Okonjo said.
""",
}


def test_a_new_negotiation_codebook_works_end_to_end(cli, env, tmp_path):
    r = cli("codebook", "new", "kerava-water-2031")
    assert r.code == 0, r.err
    path = Path(env["XDG_CONFIG_HOME"]) / "negtrack" / "codebooks" / "kerava-water-2031.toml"
    assert path.is_file() and "[[issues]]" in path.read_text()
    assert cli("codebook", "validate", path).code == 0  # the template itself is a valid codebook
    r = cli("codebook", "new", "kerava-water-2031")
    assert r.code == ExitCode.USAGE and "refusing to overwrite" in r.err
    path.write_text(KERAVA)  # the analyst fills it in

    arts = tmp_path / "kerava"
    arts.mkdir()
    for name, text in ARTICLES.items():
        (arts / name).write_text(text)
    r = cli("explain", arts / "2031-03-10_aqualia-presses.txt", "--codebook", "kerava-water-2031", "--json")
    assert r.code == 0, r.err
    found = {(p["actor"], p["stance"], p["issue"]) for p in json.loads(r.out)["positions"]}
    assert ("aqualia", "demand", "minimum-flow") in found and ("borduria", "reject", "minimum-flow") in found

    r = cli("add", arts, "--codebook", "kerava-water-2031")
    assert r.code == 0, r.err
    tl = json.loads(cli("timeline", "--issue", "minimum-flow", "--json").out)
    rejects = [t for t in tl if (t["actor"], t["stance"]) == ("borduria", "reject")]
    assert len(rejects) == 1 and rejects[0]["sources"] == 2 and len(rejects[0]["article_ids"]) == 2
    st = {(c["issue"], c["actor"]): c for c in json.loads(cli("status", "--json").out)}
    assert st[("minimum-flow", "borduria")]["stance"] == "reject" and st[("minimum-flow", "borduria")]["sources"] == 2
    assert st[("joint-commission", "borduria")]["stance"] == "reject"
    assert ("dam-filling", "aqualia") not in st  # "Vellmar" is not a name of Aqualia yet

    # The analyst adds what the machine missed, then teaches the codebook a new alias.
    r = cli("position", "add", "--actor", "aqualia", "--issue", "joint-commission", "--stance", "open",
            "--date", "2031-03-11", "--article", arts / "2031-03-11_borduria-says-no.txt",
            "--evidence", "Reyes said Aqualia was open to a joint commission if it had real powers.")
    assert r.code == 0, r.err
    manual = r.out.strip()
    path.write_text(KERAVA.replace('aliases = ["Aqualia"]', 'aliases = ["Aqualia", "Vellmar"]'))
    r = cli("reprocess")
    assert r.code == 0 and "1 position(s) new" in r.err, r.err
    rows = export(cli)
    warn = [x for x in rows if (x["actor"], x["stance"], x["issue"]) == ("aqualia", "warn", "dam-filling")]
    assert len(warn) == 1
    # Each position records the codebook version it came from: re-extracted ones the new one,
    # the analyst's the one it was added under.
    assert {x["codebook_version"] for x in rows if x["status"] == "auto"} == {warn[0]["codebook_version"]}
    (m,) = [x for x in rows if x["id"] == manual]
    assert m["status"] == "manual" and m["codebook_version"] != warn[0]["codebook_version"]
    st = {(c["issue"], c["actor"]): c for c in json.loads(cli("status", "--json").out)}
    assert st[("dam-filling", "aqualia")]["stance"] == "warn"
    assert st[("joint-commission", "aqualia")]["stance"] == "open"
    r = cli("status")
    assert r.code == 0 and "kerava-water-2031" in r.out
