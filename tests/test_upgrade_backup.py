"""Upgrades, backups, dumps and imports.

What it shows:

* ``fixtures/store-v1.db`` (made with the first schema only, migration m001,
  with two articles and four positions, two of them analyst-reviewed) opens
  with the current negtrack, migrates in place and loses nothing.
* ``negtrack db backup FILE`` makes a complete, checked, self-contained copy
  (SQLite's online backup API), even while another process is writing, and
  refuses to overwrite FILE without ``--force``.
* ``negtrack dump`` then ``negtrack import`` round-trips a whole store into a
  fresh one: article texts, every position field and status (confirmed,
  rejected, edited, manual, with notes), codebooks, actors, issues, the audit
  trail. Importing again changes nothing; a truncated or broken dump imports
  nothing at all.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

from conftest import ROOT, SAMPLES
from negtrack.errors import ExitCode

V1 = ROOT / "tests" / "fixtures" / "store-v1.db"
RN = SAMPLES / "russia-nato-2022"


def _rows(path, sql):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _everything(path) -> dict:
    """Every row of every table but rowid-keyed bookkeeping, for comparing two stores."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        out = {}
        out["articles"] = sorted(tuple(r) for r in con.execute(
            "SELECT hash, path, title, source, url, author, published, published_rule, format, encoding, codebook, "
            "codebook_version, added, text FROM articles"))
        cols = [r[1] for r in con.execute("PRAGMA table_info(positions)") if r[1] not in ("id", "article_id")]
        sel = ", ".join(f'p."{c}"' for c in cols)
        out["positions"] = sorted(tuple(r) for r in con.execute(
            f"SELECT a.hash, {sel} FROM positions p JOIN articles a ON a.id = p.article_id"))
        for t in ("codebooks", "actors", "issues", "people", "state"):
            out[t] = sorted(tuple(r) for r in con.execute(f"SELECT * FROM {t}"))
        out["audit"] = sorted(tuple(r)[1:] for r in con.execute("SELECT * FROM audit"))
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return out
    finally:
        con.close()


def test_a_first_schema_store_upgrades_without_loss(cli, tmp_path):
    store = tmp_path / "old.db"
    shutil.copy(V1, store)
    before_articles = _rows(store, "SELECT id, hash, title, published, text FROM articles ORDER BY id")
    before_positions = _rows(store, 'SELECT uid, article_id, actor, issue, stance, date, evidence, start, "end", '
                                    "confidence, status FROM positions ORDER BY id")
    assert _rows(store, "SELECT name FROM _sqlite_migrations") == [("m001_initial",)]
    r = cli("--db", store, "timeline", "--json")
    assert r.code == 0, r.err
    from negtrack import db as dbmod

    names = [m.name for m in dbmod.MIGRATIONS._migrations]
    assert [n for (n,) in _rows(store, "SELECT name FROM _sqlite_migrations ORDER BY rowid")] == names
    assert _rows(store, "SELECT id, hash, title, published, text FROM articles ORDER BY id") == before_articles
    assert _rows(store, 'SELECT uid, article_id, actor, issue, stance, date, evidence, start, "end", '
                        "confidence, status FROM positions ORDER BY id") == before_positions
    # The views see it: the rejected position stays hidden, the others show.
    shown = {(p["actor"], p["issue"], p["stance"]) for p in json.loads(r.out)}
    assert ("us", "security-guarantees", "reject") not in shown
    assert ("russia", "nato-expansion", "demand") in shown
    assert json.loads(cli("--db", store, "articles", "--search", "guarantees", "--json").out)
    # And it takes new articles; old and new are in one whole search index.
    assert cli("--db", store, "add", RN).code == 0
    assert _rows(store, "SELECT count(*) FROM articles_fts_pending") == [(0,)]
    assert _rows(store, "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')") == []
    assert len(json.loads(cli("--db", store, "articles", "--search", "guarantees", "--json").out)) > 1


def test_backup_while_writing_and_no_overwrite(cli, tmp_path, env):
    assert cli("add", RN).code == 0
    copy = tmp_path / "copy.db"
    writer = subprocess.Popen([sys.executable, "-m", "negtrack", "add", str(SAMPLES / "us-debt-ceiling-2023"),
                               "--codebook", "us-debt-ceiling-2023"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = cli("db", "backup", copy)
    writer.wait(timeout=120)
    assert r.code == 0, r.err
    assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(copy, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert not (tmp_path / "copy.db-wal").exists()
    n = _rows(copy, "SELECT count(*) FROM articles")[0][0]
    assert n >= len(list(RN.glob("*.txt")))
    # Every article in the copy is complete.
    for aid, count in _rows(copy, "SELECT a.id, count(p.id) FROM articles a LEFT JOIN positions p "
                                  "ON p.article_id = a.id GROUP BY a.id"):
        assert count == _rows(env["NEGTRACK_DB"], f"SELECT count(*) FROM positions WHERE article_id = {aid}")[0][0]
    assert cli("--db", copy, "status", "--json").code == 0
    # No overwrite without --force.
    copy.write_bytes(b"keep me")
    r = cli("db", "backup", copy)
    assert r.code == ExitCode.USAGE and "--force" in r.err and r.err.count("\n") == 1
    assert copy.read_bytes() == b"keep me"
    r = cli("db", "backup", copy, "--force")
    assert r.code == 0 and _rows(copy, "SELECT count(*) FROM articles")[0][0] == len(
        _rows(env["NEGTRACK_DB"], "SELECT id FROM articles"))
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_dump_and_import_round_trip_a_whole_store(cli, tmp_path, env):
    assert cli("add", RN).code == 0
    assert cli("add", SAMPLES / "us-debt-ceiling-2023", "--codebook", "us-debt-ceiling-2023").code == 0
    ids = [p["id"] for p in map(json.loads, cli("export").out.splitlines())]
    assert len(ids) >= 5
    # Analyst work of every kind.
    assert cli("position", "confirm", ids[0], "--by", "alice").code == 0
    assert cli("position", "reject", ids[1], "--by", "bob").code == 0
    r = cli("position", "edit", ids[2], "--stance", "open", "--note", "reads as an opening — see para 3", "--by", "alice")
    assert r.code == 0, r.err
    r = cli("position", "add", "--actor", "nato", "--issue", "nato-expansion", "--stance", "reject",
            "--date", "2022-01-12", "--article", "1", "--note", "from the briefing", "--by", "carol")
    assert r.code == 0, r.err
    statuses = {s for (s,) in _rows(env["NEGTRACK_DB"], "SELECT DISTINCT status FROM positions")}
    assert {"auto", "confirmed", "rejected", "edited", "manual"} <= statuses
    original = _everything(env["NEGTRACK_DB"])
    assert original["audit"] and any("see para 3" in str(p) for p in original["positions"])

    dump = tmp_path / "store.jsonl"
    r = cli("dump", "-o", dump)
    assert r.code == 0, r.err
    fresh = tmp_path / "fresh.db"
    r = cli("--db", fresh, "import", dump)
    assert r.code == 0, r.err
    assert _everything(fresh) == original
    # Imported articles are in the search index at once (in the import's own transaction).
    assert _rows(fresh, "SELECT count(*) FROM articles_fts_pending") == [(0,)]
    assert _rows(fresh, "SELECT count(*) FROM articles_fts") == _rows(fresh, "SELECT count(*) FROM articles")
    assert _rows(fresh, "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')") == []
    # The views agree, analyst work included.
    for args in (["timeline", "--json"], ["status", "--json"], ["export"]):
        assert cli("--db", fresh, *args).out == cli(*args).out, args
    # Idempotent: a second import changes nothing, and so does importing into the source itself.
    assert cli("--db", fresh, "import", dump).code == 0
    assert _everything(fresh) == original
    assert cli("import", dump).code == 0
    assert _everything(env["NEGTRACK_DB"]) == original
    # Transactional: a truncated or damaged dump imports nothing.
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    for name, text in (("truncated.jsonl", "".join(lines[: len(lines) // 2])),
                       ("damaged.jsonl", "".join(lines[:-3] + ["{not json\n"] + lines[-2:])),
                       ("not-a-dump.jsonl", '{"text": "an article"}\n')):
        bad = tmp_path / name
        bad.write_text(text, encoding="utf-8")
        empty = tmp_path / f"{name}.db"
        r = cli("--db", empty, "import", bad)
        assert r.code == ExitCode.INPUT and r.err.count("\n") == 1, (name, r.err)
        assert _rows(empty, "SELECT count(*) FROM articles") == [(0,)]
        assert _rows(empty, "SELECT count(*) FROM positions") == [(0,)]
