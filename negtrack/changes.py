"""`negtrack changes`: what is new since a date or since the previous run.

Design decisions:

* "Since" is about what the *store* learned: positions added (their
  ``created`` time) after the mark, and each actor's latest stance on each
  issue before the mark compared with now ("us on risk-reduction: reject →
  open"). A cell that did not exist before is reported as new, not as a change.
* ``--since last`` reads the time of the previous ``changes`` run, kept in the
  store's ``state`` table; every run records its own time, in a write
  transaction, so two cron jobs never lose a mark. A store that never ran
  ``changes`` reports everything.
"""

from __future__ import annotations

from negtrack.db import write
from negtrack.store import now_iso

LAST_RUN_KEY = "changes.last_run"


def last_run(db) -> str | None:
    row = db.execute("SELECT value FROM state WHERE key = ?", [LAST_RUN_KEY]).fetchone()
    return row[0] if row else None


def resolve_since(db, since: str) -> str | None:
    """'last' → the previous run's time (None: never ran); a date → that date's start."""
    if since == "last":
        return last_run(db)
    from negtrack.views import check_date

    return check_date(since, "--since")


def changes(db, since: str, record: bool = True) -> dict:
    from negtrack import views

    mark = resolve_since(db, since)
    now = now_iso()
    where, params = "p.status != 'rejected'", []
    if mark:
        where += " AND p.created >= ?"
        params.append(mark)
    added = list(
        db.query(
            f"""SELECT p.uid AS id, p.date, p.actor, p.stance, p.issue, p.evidence, a.path AS article_path, p.created
                FROM positions p LEFT JOIN articles a ON a.id = p.article_id
                WHERE {where} ORDER BY p.created, p.date, p.issue, p.actor""",
            params,
        )
    )
    for r in added:
        r["evidence"] = views.snippet(r["evidence"], 120)
    before = {(c["issue"], c["actor"]): c for c in views.status(db, created_before=mark)} if mark else {}
    after = {(c["issue"], c["actor"]): c for c in views.status(db)}
    changed = []
    for key, cell in sorted(after.items()):
        old = before.get(key)
        if old is None:
            if mark is None or any(r["issue"] == key[0] and r["actor"] == key[1] for r in added):
                changed.append({"issue": key[0], "actor": key[1], "before": None, "after": cell["stance"],
                                "date": cell["date"]})
        elif old["stance"] != cell["stance"]:
            changed.append({"issue": key[0], "actor": key[1], "before": old["stance"], "after": cell["stance"],
                            "date": cell["date"]})
    if record:
        with write(db):
            db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", [LAST_RUN_KEY, now])
    return {"since": mark, "until": now, "added": added, "changed": changed}


def describe(change: dict) -> str:
    before = change["before"] or "new"
    return f"{change['actor']} on {change['issue']}: {before} → {change['after']} ({change['date']})"
