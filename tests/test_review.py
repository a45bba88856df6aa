"""`negtrack review`: the loop with injected input, and the real command in a real terminal."""

from __future__ import annotations

import io
import json
import sqlite3
import sys

import pytest

from negtrack import analyst, codebook, review, store
from negtrack.models import Article, Extraction, Position

BOOK = codebook.load("russia-nato-2022")
TEXT = ("MOSCOW — Talks went on.\n\n"
        "Lavrov said Russia demands an end to NATO expansion. The talks were long.\n\n"
        "The US rejected the demand on Jan. 26.\n\n"
        "NATO held a meeting on risk reduction.\n\n"
        "Russia warned of consequences over Ukraine.")


def _span(s: str) -> tuple[int, int]:
    k = TEXT.index(s)
    return k, k + len(s)


READINGS = [  # (actor, issue, stance, evidence, confidence)
    ("russia", "nato-expansion", "demand", "Lavrov said Russia demands an end to NATO expansion.", 0.9),
    ("us", "nato-expansion", "reject", "The US rejected the demand on Jan. 26.", 0.3),
    ("nato", "risk-reduction", "consult", "NATO held a meeting on risk reduction.", 0.5),
    ("russia", "ukraine-deescalation", "warn", "Russia warned of consequences over Ukraine.", 0.7),
]


def fill(db):
    ps = []
    for actor, issue, stance, ev, conf in READINGS:
        a, b = _span(ev)
        ps.append(Position(actor=actor, issue=issue, stance=stance, evidence=ev, start=a, end=b, date="2022-01-26",
                           date_precision="day", confidence=conf, speaker="lavrov" if "Lavrov" in ev else None))
    art = Article(text=TEXT, path="talks.txt", title="Talks", published="2022-01-27")
    store.save_article(db, art, Extraction(published="2022-01-27", positions=ps), BOOK)


def status_by_stance(db) -> dict:
    return {r["stance"]: r for r in store.export_rows(db)}


def test_queue_is_least_confident_first_and_filters(db):
    fill(db)
    assert [r["confidence"] for r in analyst.queue(db)] == [0.3, 0.5, 0.7, 0.9]
    assert [r["stance"] for r in analyst.queue(db, issues=["nato-expansion"])] == ["reject", "demand"]
    assert [r["stance"] for r in analyst.queue(db, max_confidence=0.5)] == ["reject", "consult"]


def test_paragraph_and_highlights(db):
    fill(db)
    demand = next(r for r in analyst.queue(db) if r["stance"] == "demand")
    a, b = review.paragraph(TEXT, demand["start"], demand["end"])
    assert TEXT[a:b] == "Lavrov said Russia demands an end to NATO expansion. The talks were long."
    spans = {(TEXT[s:e], kind) for s, e, kind in review.highlights(TEXT, a, b, demand, BOOK)}
    assert ("Russia", "actor") in spans and ("Lavrov", "actor") in spans  # the actor and its people
    assert ("NATO", "actor") not in spans
    assert any(kind == "issue" and "expansion" in t for t, kind in spans)
    assert any(kind == "cue" and t.startswith("demand") for t, kind in spans)
    assert (demand["evidence"], "evidence") in spans


def test_loop_confirm_reject_edit_skip_quit_with_injected_input(db):
    from rich.console import Console

    fill(db)
    answers = iter(["x",  # not a key: asked again
                    "r",  # 0.3 us reject → rejected
                    "c",  # 0.5 nato consult → confirmed
                    "e", "colour", "stance", "rejct", "stance", "demand",  # 0.7 warn → demand, after two typos
                    "s",  # 0.9 skipped
                    ])
    prompts = []

    def ask(prompt):
        prompts.append(prompt)
        return next(answers)

    out = io.StringIO()
    result = review.run(db, analyst.queue(db), "tester", ask=ask, console=Console(file=out, width=120))
    assert (result.rejected, result.confirmed, len(result.edited), len(result.skipped)) == (
        [r["id"] for r in analyst.positions(db, ["rejected"])], [r["id"] for r in analyst.positions(db, ["confirmed"])],
        1, 1)
    rows = list(store.export_rows(db))
    assert sorted((r["actor"], r["issue"], r["stance"], r["status"]) for r in rows) == [
        ("nato", "risk-reduction", "consult", "confirmed"),
        ("russia", "nato-expansion", "demand", "auto"),
        ("russia", "ukraine-deescalation", "demand", "edited"),
        ("us", "nato-expansion", "reject", "rejected"),
    ]
    text = out.getvalue()
    assert "The US rejected the demand on Jan. 26." in text and "no field 'colour'" in text
    assert "unknown stance 'rejct'" in text and "type one of" in text
    assert result.left == 1 and "1 left unreviewed" in result.summary()
    assert all(h["by"] == "tester" for r in rows for h in analyst.history(db, r["id"]))


def test_loop_quits_on_end_of_input(db):
    fill(db)

    def ask(prompt):
        raise EOFError

    from rich.console import Console

    result = review.run(db, analyst.queue(db), "t", ask=ask, console=Console(file=io.StringIO()))
    assert result.summary().startswith("reviewed 0") and result.left == 4


def test_review_in_a_real_terminal(env, tmp_path):
    """The real command on a pty: confirm one, reject one, edit one, quit; then read the store."""
    pexpect = pytest.importorskip("pexpect")
    from negtrack import db as dbmod

    db = dbmod.connect(env["NEGTRACK_DB"])
    fill(db)
    queue = [r["id"] for r in analyst.queue(db)]
    db.conn.close()

    child = pexpect.spawn(sys.executable, ["-m", "negtrack", "review", "--by", "tty-analyst"], env=env,
                          cwd=str(tmp_path), encoding="utf-8", timeout=30, dimensions=(40, 140))
    prompt = r"onfirm.*uit > "
    child.expect("1/4")
    child.expect(prompt)
    child.sendline("c")
    child.expect("2/4")
    child.expect(prompt)
    child.sendline("r")
    child.expect("3/4")
    child.expect(prompt)
    child.sendline("e")
    child.expect("field")
    child.sendline("stance")
    child.expect("new stance")
    child.sendline("demand")
    child.expect("4/4")
    child.expect(prompt)
    child.sendline("q")
    child.expect("1 left unreviewed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    con = sqlite3.connect(env["NEGTRACK_DB"])
    got = dict(con.execute("SELECT uid, status FROM positions"))
    assert [got[u] for u in queue] == ["confirmed", "rejected", "edited", "auto"]
    assert con.execute("SELECT stance FROM positions WHERE uid = ?", [queue[2]]).fetchone()[0] == "demand"
    log = con.execute("SELECT position, action, by FROM audit ORDER BY id").fetchall()
    assert log == [(queue[0], "confirm", "tty-analyst"), (queue[1], "reject", "tty-analyst"),
                   (queue[2], "edit", "tty-analyst")]
    before = json.loads(con.execute("SELECT before FROM audit WHERE action = 'edit'").fetchone()[0])
    assert before["stance"] == "warn"
