import sqlite3

import pytest

from negtrack import db as dbmod
from negtrack.errors import StoreError


def test_connect_sets_wal_busy_timeout_and_foreign_keys(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10000
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_schema_is_migrated_and_versioned(db):
    tables = set(db.table_names())
    assert {"articles", "positions", "actors", "issues", "codebooks", "articles_fts"} <= tables
    assert dbmod.schema_version(db) == len(dbmod.MIGRATIONS._migrations)
    assert dbmod.MIGRATIONS.pending(db) == []


def test_reopening_does_not_reapply_migrations(tmp_path):
    a = dbmod.connect(tmp_path / "x.db")
    n = a.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    b = dbmod.connect(tmp_path / "x.db")
    assert b.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == n


def test_write_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        with dbmod.write(db):
            db.execute("INSERT INTO codebooks (name, version) VALUES ('x', '1')")
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM codebooks").fetchone()[0] == 0
    assert not db.conn.in_transaction


def test_write_commits(db):
    with dbmod.write(db):
        db.execute("INSERT INTO codebooks (name, version) VALUES ('x', '1')")
    assert db.execute("SELECT count(*) FROM codebooks").fetchone()[0] == 1


def test_write_takes_the_lock_at_begin(tmp_path):
    a = dbmod.connect(tmp_path / "x.db")
    b = sqlite3.connect(str(tmp_path / "x.db"), timeout=0.1, isolation_level=None)
    with dbmod.write(a):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            b.execute("BEGIN IMMEDIATE")


def test_not_sqlite_is_refused_and_left_untouched(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("my precious notes\n")
    with pytest.raises(StoreError, match="not an SQLite database"):
        dbmod.connect(p)
    assert p.read_text() == "my precious notes\n"


def test_missing_store_for_read_only_commands(tmp_path):
    with pytest.raises(StoreError, match="no store here yet"):
        dbmod.connect(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("NEGTRACK_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert dbmod.resolve_path("opt.db").name == "opt.db"
    assert dbmod.resolve_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("NEGTRACK_DB")
    assert dbmod.resolve_path(None) == tmp_path / "xdg" / "negtrack" / "negtrack.db"


def test_sqlite_utils_plugins_do_not_reach_the_store(tmp_path):
    # A plugin installed for sqlite-utils' own command line must not change
    # negtrack's store (nor cost every new store a scan of installed packages).
    import pluggy
    from sqlite_utils.plugins import pm

    class Plugin:
        @pluggy.HookimplMarker("sqlite_utils")
        def prepare_connection(self, conn):
            conn.create_function("plugin_was_here", 0, lambda: 1)

    plugin = Plugin()
    pm.register(plugin, name="test-plugin")
    try:
        store = dbmod.connect(tmp_path / "p.db")  # a new store: the migrations use sqlite-utils
        assert store.utils is not None
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            store.execute("SELECT plugin_was_here()")
    finally:
        pm.unregister(plugin)


def test_close_all_closes_stores_even_when_held_in_a_cycle(tmp_path):
    a, b = dbmod.connect(tmp_path / "a.db"), dbmod.connect(tmp_path / "b.db")
    cycle = [b]
    cycle.append(cycle)
    dbmod.close_all()
    for store in (a, b):
        with pytest.raises(sqlite3.ProgrammingError):
            store.execute("SELECT 1")
    assert len(dbmod._OPEN) == 0
