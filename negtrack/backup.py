"""Backups, dumps and imports of a whole store.

Design decisions:

* **``db backup FILE`` uses SQLite's online backup API**
  (``sqlite3.Connection.backup``): a consistent copy taken while cron jobs
  keep writing, never a file copy that could catch a half-applied WAL. The
  source is not migrated first (a backup before an upgrade is the point).
  The copy is written next to FILE under a temporary name, checked with
  ``PRAGMA quick_check``, switched to a self-contained rollback-journal file
  (no ``-wal`` beside it) and renamed into place: FILE is either complete or
  absent. An existing FILE is refused unless ``force``.
* **``dump`` writes JSON Lines**: a header line (format, negtrack version,
  the schema migrations applied), then one ``{"table", "row"}`` line per row
  of every table (all columns, whatever migrations added: analyst notes,
  audit trail, …), then a footer with per-table counts. The footer lets
  ``import`` refuse a truncated dump. Full-text index tables are left out;
  the store rebuilds them.
* **``import`` is one transaction and idempotent.** Rows are matched on
  natural keys, not rowids: articles by content hash, positions by ``uid``,
  codebooks/actors/issues/people by their primary keys, audit entries by
  all their fields, state by key. What is already there is kept, except that
  an imported analyst decision (a status other than ``auto``) replaces a
  machine-only one. Article ids are kept when free and remapped otherwise,
  and positions follow their article. Importing the same dump twice changes
  nothing; a dump from a newer schema is refused.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from negtrack.errors import InputError, StoreError, UsageError

DUMP_FORMAT = "negtrack-dump"
DUMP_VERSION = 1

# Order respects foreign keys (positions need their article).
ORDER = ["codebooks", "actors", "issues", "people", "articles", "positions", "audit", "state"]
NATURAL_KEYS = {
    "codebooks": ["name"],
    "actors": ["codebook", "id"],
    "issues": ["codebook", "slug"],
    "people": ["codebook", "id"],
    "articles": ["hash"],
    "positions": ["uid"],
    "state": ["key"],
}


# --- backup -----------------------------------------------------------------


def backup(source: Path, dest: Path, *, force: bool = False) -> dict:
    """Copy the store at ``source`` to ``dest`` with the online backup API."""
    from negtrack import db as dbmod

    source, dest = Path(source), Path(dest)
    if not source.exists():
        raise StoreError(f"{source}: no store here yet")
    dbmod._check_file(source)
    if dest.exists() and not force:
        raise UsageError(f"{dest}: already exists (pass --force to overwrite it)")
    if dest.exists() and dest.resolve() == source.resolve():
        raise UsageError(f"{dest}: is the store itself")
    if dest.is_dir():
        raise UsageError(f"{dest}: is a directory")
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    try:
        src = sqlite3.connect(str(source), timeout=dbmod.busy_timeout())
        try:
            out = sqlite3.connect(str(tmp))
            try:
                src.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                check = out.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise StoreError(f"{dest}: the copy failed its check ({check})")
                counts = {t: out.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                          for t in ("articles", "positions") if _has_table(out, t)}
            finally:
                out.close()
        finally:
            src.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except sqlite3.Error as e:
        raise StoreError(f"backup to {dest} failed: {e}") from None
    except OSError as e:
        raise StoreError(f"backup to {dest} failed: {e.strerror or e}") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            if leftover.exists():
                leftover.unlink()
    return {"path": str(dest), "bytes": dest.stat().st_size, **counts}


def _has_table(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None


# --- dump ---------------------------------------------------------------------


def _tables(db) -> list[str]:
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'articles_fts%'")]
    return [t for t in ORDER if t in names] + sorted(t for t in names if t not in ORDER)


def dump(db, stream) -> dict:
    """Write the whole store to ``stream`` as JSON Lines; returns per-table counts."""
    from negtrack import __version__
    from negtrack import db as dbmod

    applied = [m.name for m in dbmod.MIGRATIONS.applied(db)]
    header = {"format": DUMP_FORMAT, "version": DUMP_VERSION, "negtrack": __version__, "schema": applied}
    stream.write(json.dumps(header, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    # One read transaction: a consistent snapshot even while others write.
    db.execute("BEGIN")
    try:
        for table in _tables(db):
            cur = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            cols = [c[0] for c in cur.description]
            n = 0
            for row in cur:
                stream.write(json.dumps({"table": table, "row": dict(zip(cols, row))}, ensure_ascii=False) + "\n")
                n += 1
            counts[table] = n
    finally:
        db.execute("COMMIT")
    stream.write(json.dumps({"end": True, "counts": counts}) + "\n")
    return counts


# --- import -------------------------------------------------------------------


def _columns(db, table: str) -> list[str]:
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


def import_dump(db, stream, label: str) -> dict:
    """Merge a dump into the store in one transaction; returns per-table rows added/updated."""
    from negtrack import db as dbmod

    first = stream.readline()
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT:
        raise InputError(f"{label}: not a negtrack dump (make one with `negtrack dump`)")
    if header.get("version") != DUMP_VERSION:
        raise InputError(f"{label}: dump format version {header.get('version')} is not supported")
    known = {m.name for m in dbmod.MIGRATIONS._migrations}
    newer = [m for m in header.get("schema", []) if m not in known]
    if newer:
        raise InputError(f"{label}: made by a newer negtrack (schema {newer[-1]}); upgrade negtrack first")

    stats: dict[str, int] = {}
    seen: dict[str, int] = {}
    article_ids: dict[int, int] = {}
    columns: dict[str, list[str]] = {}
    ended = None
    with dbmod.write(db):
        for lineno, line in enumerate(stream, 2):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                raise InputError(f"{label} line {lineno}: invalid JSON; nothing was imported") from None
            if rec.get("end"):
                ended = rec
                break
            table, row = rec.get("table"), rec.get("row")
            if not isinstance(table, str) or not isinstance(row, dict):
                raise InputError(f"{label} line {lineno}: not a dump row; nothing was imported")
            if table not in columns:
                if not _has_table(db.conn, table):
                    raise InputError(f"{label} line {lineno}: unknown table {table!r}; nothing was imported")
                columns[table] = _columns(db, table)
            row = {k: v for k, v in row.items() if k in columns[table]}
            seen[table] = seen.get(table, 0) + 1
            if _import_row(db, table, row, article_ids):
                stats[table] = stats.get(table, 0) + 1
        if ended is None:
            raise InputError(f"{label}: the dump is truncated (no end line); nothing was imported")
        expected = ended.get("counts", {})
        if {k: v for k, v in expected.items() if v} != seen:
            raise InputError(f"{label}: row counts do not match the dump's own ({expected}); nothing was imported")
        from negtrack import store

        store.index_waiting(db)  # in the import's transaction: searchable as soon as it is there
    return stats


def _import_row(db, table: str, row: dict, article_ids: dict[int, int]) -> bool:
    """Insert one row unless it is there already; True when the store changed."""
    if table == "articles":
        old_id = row.get("id")
        have = db.execute("SELECT id FROM articles WHERE hash = ?", [row["hash"]]).fetchone()
        if have:
            article_ids[old_id] = have[0]
            return False
        if old_id is not None and db.execute("SELECT 1 FROM articles WHERE id = ?", [old_id]).fetchone():
            row = {k: v for k, v in row.items() if k != "id"}
        new_id = _insert(db, table, row)
        article_ids[old_id] = new_id
        return True
    if table == "positions":
        if row.get("article_id") is not None:
            if row["article_id"] not in article_ids:
                raise InputError(f"position {row.get('uid')}: its article is not in the dump; nothing was imported")
            row["article_id"] = article_ids[row["article_id"]]
        have = db.execute("SELECT id, status FROM positions WHERE uid = ?", [row["uid"]]).fetchone()
        if have:
            if have[1] == "auto" and row.get("status", "auto") != "auto":
                # An analyst's decision beats the machine's reading of the same position.
                fields = {k: v for k, v in row.items() if k not in ("id", "uid")}
                sets = ", ".join(f'"{k}" = ?' for k in fields)
                db.execute(f"UPDATE positions SET {sets} WHERE id = ?", [*fields.values(), have[0]])
                return True
            return False
        if row.get("id") is not None and db.execute("SELECT 1 FROM positions WHERE id = ?", [row["id"]]).fetchone():
            row = {k: v for k, v in row.items() if k != "id"}
        _insert(db, table, row)
        return True
    keys = NATURAL_KEYS.get(table)
    if keys is None:
        # audit and any later table: a row identical in every field but its rowid is already there.
        keys = [k for k in row if k != "id"]
        row = {k: v for k, v in row.items() if k != "id"}
    where = " AND ".join(f'"{k}" IS ?' for k in keys)
    if db.execute(f'SELECT 1 FROM "{table}" WHERE {where}', [row.get(k) for k in keys]).fetchone():
        return False
    _insert(db, table, row)
    return True


def _insert(db, table: str, row: dict) -> int:
    cols = ", ".join(f'"{k}"' for k in row)
    marks = ", ".join("?" for _ in row)
    return db.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())).lastrowid
