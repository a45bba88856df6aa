"""Analyst work on positions: confirm, reject, edit, add, merge, split — and the audit log.

Machines extract, analysts decide. Design decisions:

* A position keeps its ``uid`` through every analyst action, so the export
  ``id`` an analyst noted down (or a script stored) keeps naming the same
  position after an edit, a merge or a reprocess.
* Statuses: ``confirmed`` (the machine was right), ``rejected`` (hidden from
  every view, and a re-extraction of the same reading stays rejected),
  ``edited`` (the analyst changed a field), ``manual`` (the analyst added it).
  Any of them is analyst work, which ``reprocess`` and ``add`` never touch
  (``store.replace_auto_positions``). Editing a manual position keeps it
  manual; confirming an edited or manual one keeps that status and only
  records the review; a note alone does not change a reviewed position's status.
* Before the first edit of a machine position, its reading is saved in
  ``origin``, so re-extraction recognises the original and does not bring it
  back as a duplicate.
* Every action writes one ``audit`` row per position, in the same
  ``BEGIN IMMEDIATE`` transaction as the change: who (``--by`` or the login
  name), when (UTC), the action, and the position before and after as JSON.
  The log is append-only and outlives the positions it names.
* Values are checked against the position's own codebook as stored (actors,
  issues), so a typo is a usage error naming the closest matches, never a
  silently new actor.
* Corroboration groups (``group_id``): ``merge`` gives its positions one new
  group id (absorbing groups they were already in), so the timeline shows them
  once; ``split`` gives a position a group of its own (its uid), so it is
  shown alone even where date, actor, issue and stance would fold it in.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re

from negtrack.errors import NotFoundError, UsageError
from negtrack.models import STANCES

ANALYST_STATUSES = ("confirmed", "rejected", "edited", "manual")
STATUSES = ("auto",) + ANALYST_STATUSES
EDITABLE = ("actor", "issue", "stance", "date", "speaker", "target", "note")

# What the audit log records of a position, before and after an action.
SNAPSHOT = ("actor", "issue", "stance", "speaker", "target", "date", "date_precision", "evidence", "start", "end",
            "confidence", "status", "note", "group_id", "article_id", "codebook")


def who(by: str | None = None) -> str:
    """The analyst: ``--by``, else the login name."""
    if by and by.strip():
        return by.strip()
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (e.g. a container without one)
        return "unknown"


def _now() -> str:
    from negtrack.store import now_iso

    return now_iso()


def get(db, uid: str) -> dict:
    """A position row by its export id; unknown ids name the closest ones."""
    row = next(db.query('SELECT * FROM positions WHERE uid = ?', [uid]), None)
    if row is None:
        close = [r[0] for r in db.execute("SELECT uid FROM positions WHERE uid LIKE ? LIMIT 3", [uid[:4] + "%"])]
        close = difflib.get_close_matches(uid, close, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else " (ids are the `id` of `negtrack export`)"
        raise NotFoundError(f"no position {uid!r}{hint}")
    return row


def _get_all(db, uids: list[str]) -> list[dict]:
    if not uids:
        raise UsageError("name at least one position id")
    seen, out = set(), []
    for uid in uids:
        if uid not in seen:
            seen.add(uid)
            out.append(get(db, uid))
    return out


def snapshot(row: dict) -> dict:
    return {k: row.get(k) for k in SNAPSHOT}


def _log(db, uid: str, action: str, by: str, at: str, before: dict | None, after: dict | None) -> None:
    db.execute(
        "INSERT INTO audit (position, action, by, at, before, after) VALUES (?, ?, ?, ?, ?, ?)",
        [uid, action, by, at,
         None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
         None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True)],
    )


def _update(db, row: dict, changes: dict, action: str, by: str, at: str) -> dict:
    """Apply ``changes`` to one position and log it; returns the new row."""
    before = snapshot(row)
    changes = dict(changes, reviewed_by=by, reviewed_at=at)
    sets = ", ".join(f'"{k}" = ?' for k in changes)
    db.execute(f"UPDATE positions SET {sets} WHERE uid = ?", [*changes.values(), row["uid"]])
    after_row = dict(row, **changes)
    _log(db, row["uid"], action, by, at, before, snapshot(after_row))
    return after_row


# -- confirm / reject ---------------------------------------------------------


def confirm(db, uids: list[str], by: str | None = None) -> list[dict]:
    """Mark positions as right. Edited and manual ones keep their status (already the analyst's)."""
    from negtrack.db import write

    by = who(by)
    with write(db):
        rows = _get_all(db, uids)
        at = _now()
        return [_update(db, r, {"status": r["status"] if r["status"] in ("edited", "manual") else "confirmed"},
                        "confirm", by, at) for r in rows]


def reject(db, uids: list[str], by: str | None = None) -> list[dict]:
    """Mark positions as wrong: hidden everywhere, and never re-extracted."""
    from negtrack.db import write

    by = who(by)
    with write(db):
        rows = _get_all(db, uids)
        at = _now()
        return [_update(db, r, {"status": "rejected"}, "reject", by, at) for r in rows]


# -- validation ---------------------------------------------------------------


def _codebook_ids(db, codebook: str, kind: str) -> list[str]:
    if kind == "actor":
        sql = "SELECT id FROM actors WHERE codebook = ?"
    else:
        sql = "SELECT slug FROM issues WHERE codebook = ?"
    return [r[0] for r in db.execute(sql, [codebook])]


def check_stance(stance: str) -> str:
    s = stance.strip().lower()
    if s not in STANCES:
        close = difflib.get_close_matches(s, STANCES, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else f"one of: {', '.join(STANCES)}"
        raise UsageError(f"unknown stance {stance!r}; {hint}")
    return s


def date_precision(date: str) -> str:
    return {4: "year", 7: "month", 10: "day"}[len(date)]


def validate(db, codebook: str, actor=None, issue=None, stance=None, date=None,
             actors: list[str] | None = None, issues: list[str] | None = None, target=None) -> dict:
    """Checked values (only those given), against one codebook's actors and issues.

    ``target`` is an actor too; an empty one clears it (``None``).
    """
    from negtrack import views

    out: dict = {}
    for field, value in (("actor", actor), ("target", target)):
        if value is None:
            continue
        value = value.strip()
        if field == "target" and not value:
            out["target"] = None
            continue
        if actors is None:
            actors = _codebook_ids(db, codebook, "actor")
        views.check_known(db, "actor", [value], actors)
        out[field] = value
    if issue is not None:
        views.check_known(db, "issue", [issue], issues if issues is not None else _codebook_ids(db, codebook, "issue"))
        out["issue"] = issue
    if stance is not None:
        out["stance"] = check_stance(stance)
    if date is not None:
        out["date"] = views.check_date(date.strip(), "--date")
        out["date_precision"] = date_precision(out["date"])
    return out


# -- edit ---------------------------------------------------------------------


def edit(db, uid: str, by: str | None = None, *, actor=None, issue=None, stance=None, date=None,
         note=None, speaker=None, target=None) -> dict:
    """Change fields of a position; returns the new row. An empty ``speaker``,
    ``target`` or ``note`` clears it."""
    from negtrack.db import write

    if all(v is None for v in (actor, issue, stance, date, note, speaker, target)):
        raise UsageError("nothing to change: give --actor, --issue, --stance, --date, --speaker, --target or --note")
    by = who(by)
    with write(db):
        row = get(db, uid)
        changes = validate(db, row["codebook"], actor=actor, issue=issue, stance=stance, date=date, target=target)
        if speaker is not None:
            changes["speaker"] = speaker.strip() or None
        if date is not None:
            changes["date_rule"] = "analyst"
        if note is not None:
            changes["note"] = note.strip() or None
        fields_changed = any(row.get(k) != v for k, v in changes.items() if k not in ("note", "date_rule"))
        status = row["status"]
        if status == "manual":
            pass
        elif fields_changed or status == "auto":
            # A note on an unreviewed position is still the analyst's work: it must survive reprocess.
            status = "edited"
        changes["status"] = status
        if status == "edited" and not row.get("origin") and row["status"] != "manual":
            changes["origin"] = json.dumps(
                {k: row.get(k) for k in ("actor", "issue", "stance", "start", "end", "date")}, sort_keys=True)
        return _update(db, row, changes, "edit", by, _now())


# -- add ----------------------------------------------------------------------


def locate(text: str, evidence: str) -> tuple[int, int] | None:
    """Where the quoted evidence is in the article text (white space may differ)."""
    k = text.find(evidence)
    if k >= 0:
        return k, k + len(evidence)
    words = evidence.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def manual_uid(article_hash: str | None, actor: str, issue: str, stance: str, date: str, evidence: str | None) -> str:
    """Deterministic, so adding the same manual position twice records it once."""
    key = "\x1f".join(["manual", article_hash or "", actor, issue, stance, date, evidence or ""])
    return "p" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


def add_manual(db, book, by: str | None = None, *, actor: str, issue: str, stance: str, date: str,
               article: str | None = None, evidence: str | None = None, note: str | None = None,
               speaker: str | None = None, target: str | None = None) -> tuple[dict, bool, bool]:
    """Record a position the analyst read themselves.

    Returns ``(row, created, located)``: ``created`` is False when the same
    manual position was already recorded; ``located`` says whether the
    evidence was found in the article's text (then ``start``/``end`` slice it).
    """
    from negtrack import store, views
    from negtrack.db import write

    by = who(by)
    with write(db):
        store.sync_codebook(db, book)
        values = validate(db, book.name, actor=actor, issue=issue, stance=stance, date=date,
                          actors=list(book.actors), issues=list(book.issues), target=target)
        art = views.find_article(db, article) if article else None
        evidence = " ".join(evidence.split()) if evidence and evidence.strip() else None
        start = end = None
        located = False
        if art and evidence:
            span = locate(art["text"], evidence)
            if span:
                start, end = span
                evidence = art["text"][start:end]
                located = True
        uid = manual_uid(art["hash"] if art else None, values["actor"], values["issue"], values["stance"],
                         values["date"], evidence)
        existing = next(db.query("SELECT * FROM positions WHERE uid = ?", [uid]), None)
        if existing is not None:
            return existing, False, located
        at = _now()
        row = {
            "uid": uid, "article_id": art["id"] if art else None, "codebook": book.name,
            "codebook_version": book.version, "actor": values["actor"], "issue": values["issue"],
            "stance": values["stance"], "speaker": speaker.strip() or None if speaker else None,
            "target": values.get("target"), "date": values["date"],
            "date_precision": values["date_precision"], "date_rule": "analyst", "evidence": evidence,
            "start": start, "end": end, "confidence": 1.0, "status": "manual", "rule": "analyst",
            "created": at, "note": note.strip() if note and note.strip() else None,
            "reviewed_by": by, "reviewed_at": at,
        }
        db["positions"].insert(row)
        _log(db, uid, "add", by, at, None, snapshot(row))
        return row, True, located


# -- merge / split --------------------------------------------------------------


def merge(db, uids: list[str], by: str | None = None) -> str:
    """Mark positions as one (corroboration); returns the group id."""
    from negtrack.db import write

    if len(set(uids)) < 2:
        raise UsageError("merge needs at least two position ids")
    by = who(by)
    with write(db):
        rows = _get_all(db, uids)
        # Absorb whole groups the named positions already belong to.
        groups = {r["group_id"] for r in rows if r.get("group_id") and r["group_id"].startswith("g")}
        members = {r["uid"]: r for r in rows}
        for g in groups:
            for r in db.query("SELECT * FROM positions WHERE group_id = ?", [g]):
                members.setdefault(r["uid"], r)
        gid = "g" + hashlib.sha256("\x1f".join(sorted(members)).encode()).hexdigest()[:15]
        at = _now()
        for r in members.values():
            if r.get("group_id") != gid:
                _update(db, r, {"group_id": gid, "status": r["status"]}, "merge", by, at)
        return gid


def split(db, uid: str, by: str | None = None) -> dict:
    """Take a position out of its group: it is shown on its own."""
    from negtrack.db import write

    by = who(by)
    with write(db):
        row = get(db, uid)
        return _update(db, row, {"group_id": row["uid"]}, "split", by, _now())


# -- reading ------------------------------------------------------------------


def history(db, uid: str) -> list[dict]:
    """Every analyst action on a position, oldest first (the position may be gone)."""
    rows = list(db.query(
        "SELECT id, position, at, by, action, before, after FROM audit WHERE position = ? ORDER BY id", [uid]))
    if not rows:
        get(db, uid)  # unknown id → not found; a known one simply has no history yet
    for r in rows:
        r["before"] = json.loads(r["before"]) if r["before"] else None
        r["after"] = json.loads(r["after"]) if r["after"] else None
        r["changed"] = describe(r["before"], r["after"])
    return rows


def describe(before: dict | None, after: dict | None) -> str:
    """'stance: reject → open; status: auto → edited' (what an action changed)."""
    if before is None:
        return "added" if after else ""
    if after is None:
        return "removed"
    parts = [f"{k}: {before.get(k)} → {after.get(k)}" for k in SNAPSHOT if before.get(k) != after.get(k)]
    return "; ".join(parts)


LIST_SQL = """
SELECT p.uid AS id, p.status, p.confidence, p.date, p.actor, p.stance, p.issue, p.speaker, p.evidence,
       p.start, p."end", p.note, p.group_id, p.reviewed_by, p.reviewed_at, p.article_id, p.codebook,
       a.title AS article_title, a.path AS article_path
FROM positions p LEFT JOIN articles a ON a.id = p.article_id
"""


def positions(db, statuses: list[str] | None = None, issues: list[str] | None = None,
              max_confidence: float | None = None, order: str = "date") -> list[dict]:
    """Positions by status and issue; ``order="queue"`` is the review order (least sure first)."""
    from negtrack import views

    where, params = [], []
    if statuses:
        for s in statuses:
            if s not in STATUSES:
                raise UsageError(f"unknown status {s!r}; one of: {', '.join(STATUSES)}")
        where.append(f"p.status IN ({','.join('?' * len(statuses))})")
        params += statuses
    if issues:
        views.check_known(db, "issue", issues)
        where.append(f"p.issue IN ({','.join('?' * len(issues))})")
        params += issues
    if max_confidence is not None:
        where.append("p.confidence <= ?")
        params.append(max_confidence)
    sql = LIST_SQL + (" WHERE " + " AND ".join(where) if where else "")
    if order == "queue":
        sql += " ORDER BY p.confidence, p.date IS NULL, p.date, p.article_id, p.start, p.uid"
    else:
        sql += " ORDER BY p.date IS NULL, p.date, p.issue, p.actor, p.article_id, p.start, p.uid"
    return list(db.query(sql, params))


def queue(db, issues: list[str] | None = None, max_confidence: float | None = None) -> list[dict]:
    """Unreviewed (auto) positions, least confident first: what `review` walks."""
    return positions(db, ["auto"], issues, max_confidence, order="queue")
