"""Writing articles and their positions to the store, and reading them back.

Design decisions:

* An article and all its positions land in one ``BEGIN IMMEDIATE``
  transaction or not at all: a crash mid-batch leaves every stored article
  complete.
* Articles are keyed by the sha256 of their text. Re-adding the same content
  (from any path) changes nothing; ``add`` reports it as "unchanged".
* A position's ``uid`` is a hash of the article hash, actor, issue, stance and
  evidence offsets: stable across runs and stores, so exports are
  byte-identical after a re-add and analysts' references survive reprocessing.
* Extraction (CPU work) runs before the transaction opens, so the write lock is
  held only for the inserts.
* The full-text index takes new articles in batches (``index_pending``): an
  article waits in ``articles_fts_pending`` (written in its own transaction,
  so it is never lost) until ``INDEX_BATCH`` wait or the ``add`` ends, and a
  search first indexes whatever still waits.
* Analyst work (any status but ``auto``) is never overwritten: re-adding known
  content writes nothing, and ``replace_auto_positions`` replaces machine
  positions only, dropping re-extracted readings an analyst already handled.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import datetime, timezone
from operator import attrgetter

from negtrack.db import write
from negtrack.models import CAMEO, Article, Extraction, Position


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def position_uid(article_hash: str, p: Position) -> str:
    key = "\x1f".join([article_hash, p.actor, p.issue, p.stance, str(p.start), str(p.end), p.date or ""])
    return "p" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


def sync_codebook(db, book) -> None:
    """Record the codebook, its actors and issues (idempotent; call inside ``write``)."""
    row = db.execute("SELECT version FROM codebooks WHERE name = ?", [book.name]).fetchone()
    if row and row[0] == book.version:
        return
    db["codebooks"].upsert(
        {"name": book.name, "version": book.version, "title": book.title, "path": book.path, "loaded_at": now_iso()},
        pk="name",
    )
    db["actors"].upsert_all(
        [{"codebook": book.name, "id": a.id, "name": a.name, "kind": a.kind} for a in book.actors.values()],
        pk=("codebook", "id"),
    )
    db["issues"].upsert_all(
        [
            {"codebook": book.name, "slug": i.slug, "title": i.title, "proposition": i.proposition}
            for i in book.issues.values()
        ],
        pk=("codebook", "slug"),
    )
    db.execute("DELETE FROM people WHERE codebook = ?", [book.name])
    if book.people:
        db["people"].insert_all(
            [{"codebook": book.name, "id": p.id, "name": p.name, "party": p.party} for p in book.people.values()],
            pk=("codebook", "id"),
        )


def find_article_id(db, content_hash: str) -> int | None:
    row = db.execute("SELECT id FROM articles WHERE hash = ?", [content_hash]).fetchone()
    return row[0] if row else None


_POSITION_FIELDS = tuple(f.name for f in fields(Position))
_ROW_COLUMNS = (*_POSITION_FIELDS, "uid", "article_id", "codebook", "codebook_version", "created")
# One prepared statement for every position row: sqlite-utils' insert_all
# re-reads the table's columns and builds its SQL on every call, which cost
# more than the inserts themselves when an article has a handful of positions.
_INSERT_POSITION = "INSERT INTO positions ({}) VALUES ({})".format(
    ", ".join(f'"{c}"' for c in _ROW_COLUMNS), ", ".join("?" * len(_ROW_COLUMNS)))


_FIELDS_OF = attrgetter(*_POSITION_FIELDS)


def position_tuples(article_id: int, article_hash: str, positions: list[Position], book, created: str) -> list[tuple]:
    """The rows of ``positions`` as tuples in ``_ROW_COLUMNS`` order, one per uid.

    Tuples, not dicts: storing an article builds a row per position, and the
    parallel writer does it for every worker, so it is kept to one C call per
    position for the fields.
    """
    rows = []
    seen = set()
    tail = (article_id, book.name, book.version, created)
    for p in positions:
        uid = position_uid(article_hash, p)
        if uid in seen:
            continue
        seen.add(uid)
        rows.append((*_FIELDS_OF(p), uid, *tail))
    return rows


def position_rows(article_id: int, article_hash: str, positions: list[Position], book, created: str) -> list[dict]:
    """``position_tuples`` as dicts keyed by column."""
    return [dict(zip(_ROW_COLUMNS, t)) for t in position_tuples(article_id, article_hash, positions, book, created)]


def insert_positions(db, rows: list) -> None:
    """Insert ``position_tuples`` (or ``position_rows``) output (inside ``write``)."""
    if rows and isinstance(rows[0], dict):
        rows = [tuple(r[c] for c in _ROW_COLUMNS) for r in rows]
    db.conn.executemany(_INSERT_POSITION, rows)


def save_article(db, article: Article, extraction: Extraction, book) -> tuple[int, bool]:
    """Store an article with its positions in one transaction.

    Returns ``(article_id, created)``; ``created`` is False when the same
    content was already stored (nothing is written then).
    """
    h = article.content_hash
    with write(db):
        existing = find_article_id(db, h)
        if existing is not None:
            return existing, False
        sync_codebook(db, book)
        now = now_iso()
        cur = db.execute(
            """INSERT INTO articles (hash, path, title, source, url, author, published, published_rule,
                                     format, encoding, codebook, codebook_version, added, text)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                h,
                article.path,
                article.title,
                article.source,
                article.url,
                article.author,
                extraction.published or article.published,
                article.published_rule,
                article.format,
                article.encoding,
                book.name,
                book.version,
                now,
                article.text,
            ],
        )
        article_id = cur.lastrowid
        rows = position_tuples(article_id, h, extraction.positions, book, now)
        if rows:
            insert_positions(db, rows)
        if db.execute("SELECT count(*) FROM articles_fts_pending").fetchone()[0] >= INDEX_BATCH:
            index_waiting(db)
        return article_id, True


# Articles waiting for the full-text index are indexed together once this many
# wait (and at the end of every add): one statement over a few dozen articles
# cost less than half of indexing them one by one (measured on the corpus),
# and the wait stays short.
INDEX_BATCH = 32


def index_waiting(db) -> int:
    """Inside ``write``: index every article that waits; how many did."""
    db.execute(
        """INSERT INTO articles_fts (rowid, title, text)
           SELECT a.id, a.title, a.text FROM articles_fts_pending p JOIN articles a ON a.id = p.id""")
    return db.execute("DELETE FROM articles_fts_pending").rowcount


def index_pending(db) -> int:
    """Add the articles still waiting to the full-text index; how many were waiting.

    ``add`` calls it when it ends and ``articles --search`` before searching,
    so an article stored by a run that was killed is found all the same.
    """
    if db.execute("SELECT 1 FROM articles_fts_pending LIMIT 1").fetchone() is None:
        return 0  # the usual case: a read, no write lock
    with write(db):
        return index_waiting(db)


def unindexed(db) -> int:
    """How many stored articles the full-text index does not hold yet."""
    return db.execute("SELECT count(*) FROM articles_fts_pending").fetchone()[0]


def analyst_claims(db, article_id: int) -> tuple[set[str], list[tuple]]:
    """What analysts have said about an article's text: the uids they handled and
    the readings ``(actor, issue, stance, start, end)`` those positions cover.

    An edited position covers both its current reading and the machine's
    original one (``origin``); a manual position covers its evidence when it
    was located in the text.
    """
    import json

    uids: set[str] = set()
    readings: list[tuple] = []
    for uid, actor, issue, stance, start, end, origin in db.execute(
        """SELECT uid, actor, issue, stance, start, "end", origin FROM positions
           WHERE article_id = ? AND status != 'auto'""",
        [article_id],
    ).fetchall():
        uids.add(uid)
        if start is not None and end is not None:
            readings.append((actor, issue, stance, start, end))
        if origin:
            o = json.loads(origin)
            if o.get("start") is not None and o.get("end") is not None:
                readings.append((o["actor"], o["issue"], o["stance"], o["start"], o["end"]))
    return uids, readings


def shadowed(row: dict, uids: set[str], readings: list[tuple]) -> bool:
    """A machine reading an analyst already handled: the same uid, or the same
    actor, issue and stance read from an overlapping stretch of the text.

    Overlap rather than equal offsets, so an engine change that trims or widens
    a sentence does not resurrect a rejected position; and not "anywhere in the
    article", so a second, separate report of the same stance still counts.
    """
    if row["uid"] in uids:
        return True
    s, e = row.get("start"), row.get("end")
    if s is None or e is None:
        return False
    return any(
        (a, i, st) == (row["actor"], row["issue"], row["stance"]) and rs < e and s < re_
        for a, i, st, rs, re_ in readings
    )


def replace_auto_positions(db, article_id: int, article_hash: str, positions: list[Position], book) -> tuple[int, int]:
    """Re-extraction: swap an article's machine positions, keep analyst work.

    Positions whose status is not ``auto`` are never touched. A re-extracted
    position an analyst already handled (``shadowed``: confirmed, rejected,
    the original of an edited one, or one a manual position covers) is
    dropped, so a rejected reading stays rejected and an edit never comes back
    as a duplicate. Returns ``(removed, added)``.
    """
    now = now_iso()
    with write(db):
        sync_codebook(db, book)
        kept, readings = analyst_claims(db, article_id)
        old_auto = {
            r[0]
            for r in db.execute(
                "SELECT uid FROM positions WHERE article_id = ? AND status = 'auto'", [article_id]
            ).fetchall()
        }
        rows = [r for r in position_rows(article_id, article_hash, positions, book, now)
                if not shadowed(r, kept, readings)]
        new_uids = {r["uid"] for r in rows}
        gone = old_auto - new_uids
        for uid in gone:
            db.execute("DELETE FROM positions WHERE uid = ?", [uid])
        fresh = [r for r in rows if r["uid"] not in old_auto]
        # Positions that stay keep their row (and `created`), but take the new fields.
        for r in rows:
            if r["uid"] in old_auto:
                db["positions"].update(
                    db.execute("SELECT id FROM positions WHERE uid = ?", [r["uid"]]).fetchone()[0],
                    {k: v for k, v in r.items() if k != "created"},
                )
        if fresh:
            insert_positions(db, fresh)
        db.execute(
            "UPDATE articles SET codebook = ?, codebook_version = ? WHERE id = ?",
            [book.name, book.version, article_id],
        )
        return len(gone), len(fresh)


EXPORT_SQL = """
SELECT p.uid AS id, p.actor, p.speaker, p.target, p.issue, p.stance, p.date, p.date_precision,
       p.evidence, p.start, p."end", p.confidence, p.status,
       p.article_id, a.path AS article_path, a.title AS article_title, a.published,
       p.codebook, p.codebook_version, p.date_rule, p.rule, p.note
FROM positions p LEFT JOIN articles a ON a.id = p.article_id
ORDER BY a.id, p.start, p.actor, p.issue, p.stance, p.uid
"""


def export_rows(db):
    """Every position with its article, in the contract's field names (a generator)."""
    cur = db.execute(EXPORT_SQL)
    cols = [c[0] for c in cur.description]
    for row in cur:
        d = dict(zip(cols, row))
        d["cameo"] = CAMEO.get(d["stance"], "")
        yield d

EXPORT_FIELDS = [
    "id", "actor", "speaker", "target", "issue", "stance", "date", "date_precision", "evidence", "start", "end",
    "confidence", "status", "article_id", "article_path", "article_title", "published", "cameo",
    "codebook", "codebook_version", "date_rule", "rule", "note",
]
