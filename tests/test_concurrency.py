"""Concurrent cron jobs: eight `negtrack add` processes on one store at once.

What it shows: with different and overlapping sets of articles, every article
ends up stored exactly once with exactly the positions a sequential run
stores, every writer exits 0, nobody sees "database is locked", and `status`
and `timeline` run during the writes never fail.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
import time

from conftest import SAMPLES

WRITERS = 8

TEMPLATE = """Title: Talks round {n}
Published: 2022-01-{day:02d}

Russia demanded legally binding guarantees that NATO will not expand eastward, Deputy Foreign
Minister Sergei Ryabkov said after round {n} of the talks in Geneva.

The United States rejected the demand, saying NATO's open door policy is not up for negotiation.
Washington said it was open to talks on missile deployments in Europe (note {n}).
"""


def _articles(tmp_path) -> list[str]:
    mine = tmp_path / "mine"
    mine.mkdir()
    files = []
    for n in range(16):
        p = mine / f"round-{n:02d}.txt"
        p.write_text(TEMPLATE.format(n=n, day=n % 28 + 1), encoding="utf-8")
        files.append(str(p))
    samples = sorted(str(p) for p in SAMPLES.rglob("*.txt"))
    return samples + files


def _run(args, env, cwd):
    return subprocess.run([sys.executable, "-m", "negtrack", *args], capture_output=True, env=env, cwd=cwd,
                          timeout=300)


def _contents(path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        arts = con.execute("SELECT hash, count(*) FROM articles GROUP BY hash").fetchall()
        assert all(n == 1 for _, n in arts)
        out: dict[str, list[str]] = {h: [] for h, _ in arts}
        for h, uid in con.execute("SELECT a.hash, p.uid FROM positions p JOIN articles a ON a.id = p.article_id"):
            out[h].append(uid)
        return {h: sorted(v) for h, v in out.items()}
    finally:
        con.close()


def test_eight_writers_and_readers_at_once(tmp_path, env):
    files = _articles(tmp_path)
    rng = random.Random(1234)
    # Each writer gets a different, overlapping share; together they cover every file.
    shares = [rng.sample(files, k=len(files) // 3) for _ in range(WRITERS)]
    for i, f in enumerate(files):
        shares[i % WRITERS].append(f)
    shares = [sorted(set(s)) for s in shares]
    store = tmp_path / "store.db"
    assert not store.exists()

    reader_results: list[tuple[list[str], subprocess.CompletedProcess]] = []
    done = threading.Event()

    def readers():
        # Start once a writer has created the file; keep going until the writers finish.
        while not store.exists() and not done.is_set():
            time.sleep(0.01)
        while not done.is_set():
            for args in (["status", "--json"], ["timeline", "--json"]):
                reader_results.append((args, _run(args, env, tmp_path)))

    reader = threading.Thread(target=readers)
    reader.start()
    start = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "negtrack", "add", *share], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, cwd=tmp_path) for share in shares]
    outs = [p.communicate(timeout=300) for p in procs]
    elapsed = time.monotonic() - start
    done.set()
    reader.join(timeout=120)

    for p, (_, err) in zip(procs, outs):
        text = err.decode("utf-8", "replace")
        assert p.returncode == 0, text
        assert "locked" not in text and "Traceback" not in text
    assert reader_results, "no reader ran during the writes"
    for args, r in reader_results:
        err = r.stderr.decode("utf-8", "replace")
        assert r.returncode == 0, f"{args}: {err}"
        assert "locked" not in err

    # Every article exactly once, with exactly the positions a one-process run stores.
    seq_env = dict(env, NEGTRACK_DB=str(tmp_path / "sequential.db"))
    assert _run(["add", *files], seq_env, tmp_path).returncode == 0
    concurrent = _contents(store)
    sequential = _contents(tmp_path / "sequential.db")
    assert len(concurrent) == len(files)
    assert concurrent == sequential
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    added = sum(int(e.decode().split("added ")[1].split(" ")[0]) for _, e in outs)
    assert added == len(files)  # each article reported as added by exactly one writer
    print(f"{WRITERS} writers, {len(files)} articles, {len(reader_results)} reads: {elapsed:.1f} s")


def test_opening_a_store_another_process_is_creating_waits(tmp_path):
    """Switching a new store to WAL while another connection holds its write lock:
    SQLite says "locked" at once, without the busy handler; connect must wait instead."""
    from negtrack import db as dbmod

    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN")
    other.execute("INSERT INTO t VALUES (1)")  # holds RESERVED on a rollback-journal file
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    try:
        db = dbmod.connect(path)
    finally:
        timer.join()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert dbmod.MIGRATIONS.pending(db) == []
