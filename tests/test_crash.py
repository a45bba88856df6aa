"""Crash safety: `negtrack add` of a directory killed with SIGKILL at random moments.

What it shows (10 seeded trials): after the kill the store passes
`PRAGMA integrity_check`; every article that made it in has all of its
positions (the same uids as a clean run of the same directory, nothing half
written); and rerunning the same `add` completes the set, ending exactly
where the clean run ended, with every article in the search index.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import SAMPLES

TRIALS = 10
ARTICLES = 100

TEMPLATE = """Title: Crash round {n}
Published: 2022-02-{day:02d}

Russia demanded that NATO withdraw its forces from Eastern Europe, the Kremlin said after meeting {n}.
The United States rejected the demand, and said it was open to talks on arms control (item {n}).
"""


def _positions(path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
            return {}  # killed while the store was being created: the rerun creates it
        out = {h: [] for (h,) in con.execute("SELECT hash FROM articles")}
        for h, uid in con.execute("SELECT a.hash, p.uid FROM positions p JOIN articles a ON a.id = p.article_id"):
            out[h].append(uid)
        return {h: sorted(v) for h, v in out.items()}
    finally:
        con.close()


def _stored(path) -> bool:
    """Any article in the store yet (False while it is being created)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)
        try:
            return con.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None
        finally:
            con.close()
    except sqlite3.Error:
        return False


def _add(folder, store, env, cwd):
    return subprocess.Popen([sys.executable, "-m", "negtrack", "--db", str(store), "add", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)


def test_add_killed_at_random_moments_loses_nothing(tmp_path, env):
    folder = tmp_path / "articles"
    shutil.copytree(SAMPLES / "russia-nato-2022", folder / "samples")
    for n in range(ARTICLES):
        (folder / f"round-{n:02d}.txt").write_text(TEMPLATE.format(n=n, day=n % 28 + 1), encoding="utf-8")

    clean_store = tmp_path / "clean.db"
    start = time.monotonic()
    p = _add(folder, clean_store, env, tmp_path)
    while not clean_store.exists() and p.poll() is None:
        time.sleep(0.005)
    opened = time.monotonic() - start  # interpreter start-up and imports take this long
    writing = None  # when the first article was stored (after the first extraction's set-up)
    while writing is None and p.poll() is None:
        if _stored(clean_store):
            writing = time.monotonic() - start
        time.sleep(0.005)
    _, err = p.communicate(timeout=300)
    clean_seconds = time.monotonic() - start
    assert p.returncode == 0, err.decode()
    clean = _positions(clean_store)
    assert len(clean) == ARTICLES + 6 and sum(map(len, clean.values())) > 36

    rng = random.Random(20220224)
    partial_trials = 0
    for trial in range(TRIALS):
        store = tmp_path / f"trial-{trial}.db"
        p = _add(folder, store, env, tmp_path)
        # Mostly while articles are being written; the first two trials anywhere,
        # start-up and store creation included.
        time.sleep(rng.uniform(0.0 if trial < 2 else (writing or opened), 0.9 * clean_seconds))
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=60)
        if not store.exists():
            continue  # killed before it opened the store: nothing to check
        con = sqlite3.connect(store)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"trial {trial}"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
        got = _positions(store)
        assert set(got) <= set(clean)
        for h, uids in got.items():
            assert uids == clean[h], f"trial {trial}: article {h[:12]} stored without all its positions"
        if 0 < len(got) < len(clean):
            partial_trials += 1
        rerun = _add(folder, store, env, tmp_path)
        _, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err.decode()
        assert _positions(store) == clean, f"trial {trial}: the rerun did not complete the set"
        # And the search index holds every article again, whatever the kill left waiting.
        con = sqlite3.connect(store)
        assert con.execute("SELECT count(*) FROM articles_fts_pending").fetchone()[0] == 0
        con.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        con.close()
    # The kills must have landed mid-batch at least sometimes, or the test shows little.
    assert partial_trials >= 2, partial_trials
