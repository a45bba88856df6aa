"""The full-text index is filled in batches, and never misses a stored article.

What it shows:

* A stored article waits in ``articles_fts_pending`` until ``INDEX_BATCH``
  wait, then they are indexed together; ``add`` ends with none waiting,
  serial or with workers.
* Articles a killed run left waiting are indexed by the next search, which
  finds them; on a read-only store the search warns that it leaves them out.
* Editing or deleting an article, waiting or indexed, keeps the index equal to
  the articles (FTS5's own integrity check, which compares the two).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import SAMPLES
from negtrack import codebook, db as dbmod, store
from negtrack.models import Article, Extraction

RN = SAMPLES / "russia-nato-2022"
BOOK = codebook.load("russia-nato-2022")


def _article(i: int, word: str = "") -> Article:
    return Article(text=f"Article {i} says {word or 'nothing'} about talks number {i}.", title=f"Title {i}",
                   published="2022-01-10")


def _save(db, i: int, word: str = "") -> int:
    return store.save_article(db, _article(i, word), Extraction(published="2022-01-10", positions=[]), BOOK)[0]


def _index_ok(db) -> None:
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def _found(db, word: str) -> set[int]:
    return {r[0] for r in db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [f'"{word}"'])}


def test_articles_wait_for_a_batch_then_are_indexed_together(db):
    ids = [_save(db, i, "zebra") for i in range(store.INDEX_BATCH - 1)]
    assert store.unindexed(db) == store.INDEX_BATCH - 1
    assert _found(db, "zebra") == set()
    ids.append(_save(db, store.INDEX_BATCH, "zebra"))
    assert store.unindexed(db) == 0
    assert _found(db, "zebra") == set(ids)
    _index_ok(db)


def test_index_pending_indexes_what_waits_and_is_a_read_when_nothing_does(db):
    a = _save(db, 1, "walrus")
    assert _found(db, "walrus") == set()
    assert store.index_pending(db) == 1
    assert _found(db, "walrus") == {a}
    assert store.index_pending(db) == 0
    assert not db.conn.in_transaction
    _index_ok(db)


def test_edits_and_deletes_of_waiting_and_indexed_articles_keep_the_index_whole(db):
    indexed = [_save(db, i, "otter") for i in range(3)]
    store.index_pending(db)
    waiting = [_save(db, i, "otter") for i in range(3, 6)]
    assert store.unindexed(db) == 3
    with dbmod.write(db):
        for aid in (indexed[0], waiting[0]):
            db.execute("UPDATE articles SET title = 'Heron report' WHERE id = ?", [aid])
        for aid in (indexed[1], waiting[1]):
            db.execute("DELETE FROM articles WHERE id = ?", [aid])
        # A change to other columns leaves the index alone.
        db.execute("UPDATE articles SET codebook_version = 'x' WHERE id = ?", [indexed[2]])
    assert store.unindexed(db) == 2  # the deleted waiting one no longer waits
    assert store.index_pending(db) == 2
    _index_ok(db)
    assert _found(db, "heron") == {indexed[0], waiting[0]}
    assert _found(db, "otter") == {indexed[0], indexed[2], waiting[0], waiting[2]}


def test_add_leaves_nothing_waiting_serial_or_with_workers(cli, tmp_path):
    for jobs in ("1", "2"):
        path = tmp_path / f"j{jobs}.db"
        r = cli("--db", path, "add", "--jobs", jobs, RN)
        assert r.code == 0, r.err
        con = sqlite3.connect(path)
        assert con.execute("SELECT count(*) FROM articles_fts_pending").fetchone()[0] == 0
        con.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        assert con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == len(list(RN.iterdir()))
        with_word = {i for i, t in con.execute("SELECT id, title || ' ' || text FROM articles") if "Putin" in t}
        con.close()
        hits = json.loads(cli("--db", path, "articles", "--search", "Putin", "--json").out)
        assert with_word and {h["id"] for h in hits} == with_word


def test_a_search_finds_what_a_killed_run_left_unindexed(cli, tmp_path):
    path = tmp_path / "left.db"
    db = dbmod.connect(path)
    a = _save(db, 1, "narwhal")
    db.conn.close()
    r = cli("--db", path, "articles", "--search", "narwhal", "--json")
    assert r.code == 0, r.err
    assert [h["id"] for h in json.loads(r.out)] == [a]
    assert r.err == ""
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM articles_fts_pending").fetchone()[0] == 0
    con.close()


def test_a_read_only_store_searches_what_is_indexed_and_says_what_it_leaves_out(tmp_path, env):
    from test_bad_input import _can_drop_dac, _drop_dac

    if not _can_drop_dac():
        pytest.skip("running as root without CAP_SETPCAP: cannot make a file read-only for this process")
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "store.db"
    db = dbmod.connect(path)
    first = _save(db, 1, "puffin")
    store.index_pending(db)
    _save(db, 2, "puffin")
    db.conn.close()  # closed cleanly: no -wal file is left
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        p = subprocess.run([sys.executable, "-m", "negtrack", "--db", str(path), "articles", "--search", "puffin",
                            "--json"], capture_output=True, env=env, cwd=tmp_path,
                           preexec_fn=_drop_dac if os.geteuid() == 0 else None, timeout=120)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert p.returncode == 0, p.stderr
    assert [h["id"] for h in json.loads(p.stdout)] == [first]
    assert p.stderr.decode().strip() == ("negtrack: warning: 1 article(s) are not in the search index yet and the store is "
                                         "read-only: the search leaves them out")
