"""Opening the store, the one write-transaction helper, and the schema migrations.

Design decisions:

* **One way to open the database** (``connect``): WAL journal, a 30 s busy
  timeout, foreign keys on, and the driver in autocommit mode
  (``isolation_level=None``) so that *we* say where transactions begin.
  Readers never block writers under WAL, so ``status`` and ``timeline`` work
  while cron jobs add articles.
* **One write helper** (``write``): ``BEGIN IMMEDIATE`` takes the write lock at
  the start, so two writers queue on the busy timeout instead of one failing
  with "database is locked" when a deferred read transaction tries to upgrade.
  sqlite-utils calls made inside it nest as savepoints.
* **Append-only migrations** with ``sqlite_utils.Migrations``: a new schema
  change is a new function at the end of this file, never an edit of an old
  one, so any store made by any earlier negtrack upgrades in place. Migrations
  run inside ``write`` too, so two processes opening a new store at once do
  not both try to create it.
* **sqlite-utils on demand.** ``connect`` returns a ``Store``: the sqlite3
  connection with ``execute`` and ``query`` of its own, and sqlite-utils'
  ``Database`` behind every other attribute (``db["positions"]``,
  ``upsert``…), created on first use, without sqlite-utils' plugins.
  Importing sqlite-utils (with click and dateutil) costs a command about
  40 ms, and the commands that run most (``add`` of an article, ``status``,
  ``timeline``) need only plain SQL. An up-to-date schema is recognised with one query of the
  migrations table, so no migration machinery is loaded either.
* The path: ``--db`` > ``$NEGTRACK_DB`` > ``$XDG_DATA_HOME/negtrack/negtrack.db``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import weakref
from pathlib import Path

from negtrack.errors import StoreError

BUSY_TIMEOUT_S = 30.0


def busy_timeout() -> float:
    """How long a command waits for another process's write lock: $NEGTRACK_BUSY_TIMEOUT or 30 s."""
    try:
        return max(0.0, float(os.environ.get("NEGTRACK_BUSY_TIMEOUT", BUSY_TIMEOUT_S)))
    except ValueError:
        return BUSY_TIMEOUT_S
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "negtrack" / "negtrack.db"


def resolve_path(db: str | None) -> Path:
    """``--db`` > ``NEGTRACK_DB`` > the XDG data dir."""
    if db:
        return Path(db)
    env = os.environ.get("NEGTRACK_DB")
    return Path(env) if env else default_path()


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a negtrack store")
    if path.exists() and path.stat().st_size > 0:
        with open(path, "rb") as f:
            head = f.read(16)
        if head != SQLITE_MAGIC:
            raise StoreError(f"{path}: not an SQLite database (refusing to touch it)")


def _wal(conn) -> None:
    """Switch to WAL, retrying while another process holds the file.

    Switching journal mode needs an exclusive lock, and SQLite answers
    "database is locked" at once, without the busy handler, when several
    processes open a new store together (eight cron jobs starting on the
    same minute). So we wait here ourselves, up to the busy timeout.
    """
    import random
    import time

    deadline = time.monotonic() + busy_timeout()
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _open_unwritable(path: Path):
    """A store in WAL mode that we may not write, in a folder we may not write.

    SQLite cannot even read it then: a WAL reader needs the ``-shm`` file,
    and nobody can create it. With no ``-wal`` file (the store was closed
    cleanly) the main file holds everything, so it is opened ``immutable``:
    reading commands work and any write fails as "read-only". Pending
    writes in a ``-wal`` file would be invisible that way, so then we refuse.
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(f"{path}: the store is read-only and has unfinished writes in {wal.name}; "
                         "open it once with write access")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None,
                               check_same_thread=False, factory=_Connection)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: cannot open the read-only store: {e}") from None
    return conn


class Store:
    """An open store: a sqlite3 connection, and sqlite-utils' ``Database`` over it on demand.

    ``execute`` and ``query`` behave as sqlite-utils' do; any other attribute
    or ``store[table]`` goes to the ``Database`` (``utils``), made on first use.
    """

    __slots__ = ("conn", "_utils")

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._utils = None
        if isinstance(conn, _Connection):
            _OPEN.add(conn)

    @property
    def utils(self):
        if self._utils is None:
            import sqlite_utils

            # No sqlite-utils plugins: they add SQL functions for sqlite-utils'
            # own command line, which negtrack never runs; a store must behave
            # the same whatever else is installed, and the plugin scan
            # (reading every installed package's entry points) cost a new
            # store about 20 ms.
            self._utils = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._utils

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def query(self, sql: str, params=None):
        """Rows as dicts (a generator), as ``sqlite_utils.Database.query``."""
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row))

    def __getitem__(self, table: str):
        return self.utils[table]

    def __getattr__(self, name: str):
        return getattr(self.utils, name)


class _Connection(sqlite3.Connection):
    """sqlite3's connection, which a ``WeakSet`` can hold (the C type cannot be weakly referenced)."""


# Every store connection of this process not yet freed. A sqlite3 connection
# refers to itself (its statement cache), so only the cycle collector frees
# one; ``close_all`` closes them when the process ends without it (``cli.run``).
_OPEN: weakref.WeakSet = weakref.WeakSet()


def close_all() -> None:
    """Close every store connection still open in this process (checkpointing its WAL)."""
    for conn in list(_OPEN):
        try:
            conn.close()
        except sqlite3.Error:
            pass
    _OPEN.clear()


class Opener:
    """``connect(path)`` put off until called: for a caller that can do other
    work while the store opens (``negtrack add`` starting its workers)."""

    def __init__(self, path: Path, create: bool = True):
        self.path = Path(path)
        self.create = create

    def __call__(self) -> Store:
        return connect(self.path, create=self.create)


def connect(path: Path, *, create: bool = True) -> Store:
    """Open the store, migrated to the current schema.

    ``create=False`` is for read-only commands: a missing store is an error
    rather than a new empty file.
    """
    path = Path(path)
    _check_file(path)
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no store here yet (run `negtrack add` first, or pass --db)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{path.parent}: cannot create the store's folder: {e.strerror}") from None
    try:
        wait = busy_timeout()
        conn = sqlite3.connect(str(path), timeout=wait, isolation_level=None, check_same_thread=False,
                               factory=_Connection)
        conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        _wal(conn)
        # NORMAL is safe against a crashed or killed process under WAL; it only
        # risks the last commits on power loss, and makes each add much cheaper.
        conn.execute("PRAGMA synchronous = NORMAL")
        # What sqlite-utils' Database sets on a connection it is given; set here
        # so the store behaves the same whether or not it was ever created.
        conn.execute("PRAGMA recursive_triggers = ON")
    except sqlite3.DatabaseError as e:
        if "readonly" not in str(e):
            raise StoreError(f"{path}: cannot open the store: {e}") from None
        conn = _open_unwritable(path)
    db = Store(conn)
    try:
        migrate(db)
    except sqlite3.OperationalError as e:
        if "readonly" in str(e) or "read-only" in str(e):
            raise StoreError(f"{path}: the store is read-only and needs an upgrade") from None
        raise
    return db


# A write that failed because the disk (or a file-size limit) ran out: SQLite
# reports ENOSPC as SQLITE_FULL and other failed writes (EFBIG) as I/O errors.
_NO_SPACE = {"SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE",
             "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR"}


def _no_space(e: BaseException) -> StoreError | None:
    if isinstance(e, sqlite3.OperationalError) and getattr(e, "sqlite_errorname", None) in _NO_SPACE:
        return StoreError(f"cannot write the store ({e}: is the disk full?); nothing from the failed step was stored")
    return None


@contextlib.contextmanager
def write(db):
    """The one write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

    A full disk becomes a one-line ``StoreError`` (exit 5); the rollback
    leaves the store as it was before the transaction.
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException as e:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite already rolled back (it does after an I/O error)
        full = _no_space(e)
        if full:
            raise full from e
        raise


def schema_version(db) -> int:
    return len(MIGRATIONS.applied(db))


def _up_to_date(db) -> bool:
    """Every migration applied, by one query (no sqlite-utils needed)."""
    try:
        done = {r[0] for r in db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATIONS.name])}
    except sqlite3.OperationalError:  # no migrations table: a new store
        return False
    return all(name in done for name in MIGRATIONS.names)


def migrate(db) -> None:
    """Apply pending migrations under the write lock (a no-op read when up to date)."""
    if _up_to_date(db) or not MIGRATIONS.pending(db):
        return
    with write(db):
        # Re-check under the lock: another process may have just migrated.
        if MIGRATIONS.pending(db):
            MIGRATIONS.apply(db)


class _Migrations:
    """``sqlite_utils.Migrations``, registered as usual but built on first use.

    The decorator only records each migration; anything else (``pending``,
    ``apply``, ``applied``) builds the real migration set and goes to it.
    """

    def __init__(self, name: str):
        self.name = name
        self._steps: list[tuple[str, object, bool]] = []
        self._real = None

    @property
    def names(self) -> list[str]:
        return [name for name, _, _ in self._steps]

    def __call__(self, *, name: str, transactional: bool = True):
        def inner(fn):
            self._steps.append((name, fn, transactional))
            self._real = None
            return fn

        return inner

    def __getattr__(self, attr: str):
        if self._real is None:
            import sqlite_utils

            real = sqlite_utils.Migrations(self.name)
            for name, fn, transactional in self._steps:
                real(name=name, transactional=transactional)(fn)
            self._real = real
        return getattr(self._real, attr)


MIGRATIONS = _Migrations("negtrack")


# ---------------------------------------------------------------------------
# Migrations: append only. Never edit one that has shipped.
# ---------------------------------------------------------------------------


@MIGRATIONS(name="m001_initial")
def m001_initial(db):
    db.execute(
        """
        CREATE TABLE codebooks (
            name TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            title TEXT,
            path TEXT,
            loaded_at TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE actors (
            codebook TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT,
            kind TEXT,
            PRIMARY KEY (codebook, id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE issues (
            codebook TEXT NOT NULL,
            slug TEXT NOT NULL,
            title TEXT,
            proposition TEXT,
            PRIMARY KEY (codebook, slug)
        )"""
    )
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            path TEXT,
            title TEXT,
            source TEXT,
            url TEXT,
            author TEXT,
            published TEXT,
            published_rule TEXT,
            format TEXT,
            encoding TEXT,
            codebook TEXT,
            codebook_version TEXT,
            added TEXT NOT NULL,
            text TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE positions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
            codebook TEXT NOT NULL,
            codebook_version TEXT,
            actor TEXT NOT NULL,
            issue TEXT NOT NULL,
            stance TEXT NOT NULL,
            speaker TEXT,
            target TEXT,
            date TEXT,
            date_precision TEXT,
            date_rule TEXT,
            evidence TEXT,
            start INTEGER,
            "end" INTEGER,
            confidence REAL,
            status TEXT NOT NULL DEFAULT 'auto',
            rule TEXT,
            created TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX positions_issue_date ON positions (issue, date)")
    db.execute("CREATE INDEX positions_actor_issue_date ON positions (actor, issue, date)")
    db.execute("CREATE INDEX positions_article ON positions (article_id)")
    db.execute("CREATE INDEX positions_created ON positions (created)")
    db.execute("CREATE INDEX articles_published ON articles (published)")
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter")


@MIGRATIONS(name="m002_people_state_views")
def m002_people_state_views(db):
    db.execute(
        """
        CREATE TABLE people (
            codebook TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT,
            party TEXT,
            PRIMARY KEY (codebook, id)
        )"""
    )
    # Small key/value memory of the store itself, e.g. when `changes` last ran.
    db.execute("CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT)")
    # Readable views for sqlite3 / Datasette users: no need to learn the schema.
    db.execute(
        """
        CREATE VIEW positions_full AS
        SELECT p.uid AS id, p.date, p.date_precision, p.actor, ac.name AS actor_name, p.stance,
               p.issue, i.title AS issue_title, p.speaker, p.target, p.evidence, p.confidence, p.status,
               p.article_id, a.title AS article_title, a.path AS article_path, a.source AS article_source,
               a.published, p.codebook, p.codebook_version, p.created
        FROM positions p
        LEFT JOIN articles a ON a.id = p.article_id
        LEFT JOIN actors ac ON ac.codebook = p.codebook AND ac.id = p.actor
        LEFT JOIN issues i ON i.codebook = p.codebook AND i.slug = p.issue"""
    )
    db.execute(
        """
        CREATE VIEW timeline AS
        SELECT date, actor_name, stance, issue_title, speaker, evidence, article_title, id, article_id
        FROM positions_full WHERE status != 'rejected'
        ORDER BY date IS NULL, date, issue_title, actor_name"""
    )
    db.execute(
        """
        CREATE VIEW latest_stances AS
        SELECT issue, actor, stance, date, count(DISTINCT article_id) AS sources
        FROM positions_full f
        WHERE status != 'rejected' AND date = (
            SELECT max(date) FROM positions q
            WHERE q.issue = f.issue AND q.actor = f.actor AND q.status != 'rejected')
        GROUP BY issue, actor, stance, date"""
    )


@MIGRATIONS(name="m003_analyst")
def m003_analyst(db):
    # Analyst work on a position: a free-text note, who reviewed it and when,
    # the corroboration group it was merged into (or split out as), and
    # `origin`: the machine's own reading (JSON) of a position an analyst
    # edited, so re-extraction recognises it and does not bring it back.
    for col in ("note", "reviewed_by", "reviewed_at", "group_id", "origin"):
        db.execute(f"ALTER TABLE positions ADD COLUMN {col} TEXT")
    # Every analyst action, append-only: never updated, never deleted, and
    # kept even when the position it names is gone.
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            position TEXT NOT NULL,
            action TEXT NOT NULL,
            by TEXT NOT NULL,
            at TEXT NOT NULL,
            before TEXT,
            after TEXT
        )"""
    )
    db.execute("CREATE INDEX audit_position ON audit (position, id)")
    db.execute("CREATE INDEX positions_status_confidence ON positions (status, confidence)")
    db.execute("CREATE INDEX positions_group ON positions (group_id)")


@MIGRATIONS(name="m004_stance_index")
def m004_stance_index(db):
    # Demand ↔ response linking reads, per (issue, party, stance), the first and
    # last dates and the dates inside each demand's window: all index seeks on
    # this covering index, so `status` costs the same on a million positions.
    db.execute("CREATE INDEX positions_stance_dates ON positions (codebook, issue, actor, stance, date, status)")


@MIGRATIONS(name="m005_search_index_later")
def m005_search_index_later(db):
    # Full-text indexing, row by row in a trigger, was most of the cost of
    # storing an article. A new article now only records its id here, and
    # ``store.index_pending`` indexes the waiting ones together (much cheaper
    # per article): every few dozen articles, at the end of each add, and
    # before a search, so a search never misses one that was stored.
    db.execute("CREATE TABLE articles_fts_pending (id INTEGER PRIMARY KEY)")
    for name in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    db.execute(
        """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
             INSERT INTO articles_fts_pending (id) VALUES (new.id);
           END"""
    )
    # An article still waiting is not in the index: removing it from the index
    # ("delete" with its old values) would damage the index, so only indexed
    # ones are removed or re-indexed; a waiting one is indexed as it is then.
    db.execute(
        """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
             INSERT INTO articles_fts (articles_fts, rowid, title, text)
               SELECT 'delete', old.id, old.title, old.text
               WHERE NOT EXISTS (SELECT 1 FROM articles_fts_pending WHERE id = old.id);
             DELETE FROM articles_fts_pending WHERE id = old.id;
           END"""
    )
    db.execute(
        """CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles
           WHEN NOT EXISTS (SELECT 1 FROM articles_fts_pending WHERE id = old.id) BEGIN
             INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
             INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
           END"""
    )
