"""`negtrack add --jobs N`: worker processes extract, the parent writes; the store is the same."""

from __future__ import annotations

import shutil

import pytest

from conftest import SAMPLES


def _corpus(tmp_path):
    d = tmp_path / "in"
    shutil.copytree(SAMPLES / "russia-nato-2022", d / "a")
    (d / "b").mkdir()
    (d / "b" / "empty.txt").write_text("")  # a bad file: skipped, not fatal
    # The same content under another name: stored once, reported unchanged.
    first = sorted((d / "a").iterdir())[0]
    shutil.copy(first, d / "b" / "copy.txt")
    return d


def test_jobs_export_equals_serial(cli, tmp_path):
    d = _corpus(tmp_path)
    serial = cli("--db", tmp_path / "serial.db", "add", d, "--jobs", "1")
    par = cli("--db", tmp_path / "par.db", "add", d, "--jobs", "2")
    assert serial.code == par.code == 11
    assert serial.err == par.err  # same summary, same warnings, same order
    e1 = cli("--db", tmp_path / "serial.db", "export", "--format", "jsonl")
    e2 = cli("--db", tmp_path / "par.db", "export", "--format", "jsonl")
    assert e1.code == e2.code == 0
    assert e1.out and e1.out == e2.out
    a1 = cli("--db", tmp_path / "serial.db", "articles", "--json")
    a2 = cli("--db", tmp_path / "par.db", "articles", "--json")
    strip = lambda s: [{k: v for k, v in r.items() if k != "added"} for r in __import__("json").loads(s)]  # noqa: E731
    assert strip(a1.out) == strip(a2.out)


def test_jobs_skip_known_content(cli, tmp_path):
    d = _corpus(tmp_path)
    cli("--db", tmp_path / "s.db", "add", d / "a")
    r = cli("--db", tmp_path / "s.db", "add", d / "a", "--jobs", "2")
    assert r.code == 0 and "added 0 article(s)" in r.err and "unchanged" in r.err


def test_library_parallel_matches_serial(tmp_path):
    from negtrack import codebook, db, ingest, store

    book = codebook.load(None)
    files = [str(p) for p in sorted((SAMPLES / "russia-nato-2022").iterdir())]
    s1, s2 = db.connect(tmp_path / "1.db"), db.connect(tmp_path / "2.db")
    r1 = ingest.add_paths(s1, files, book)
    r2 = ingest.add_paths(s2, files, book, jobs=2)
    assert (r1.added, r1.positions, r1.unchanged) == (r2.added, r2.positions, r2.unchanged)
    assert list(store.export_rows(s1)) == list(store.export_rows(s2))


def test_auto_jobs_only_for_batches_worth_the_workers(tmp_path, monkeypatch):
    from negtrack import parallel

    monkeypatch.setattr(parallel, "default_jobs", lambda: 4)
    small = [str(p) for p in sorted((SAMPLES / "russia-nato-2022").iterdir())]
    assert sum((SAMPLES / "russia-nato-2022" / p).stat().st_size for p in small) < parallel.AUTO_MIN_BYTES
    assert parallel.auto_jobs(small) == 1
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * parallel.AUTO_MIN_BYTES)
    assert parallel.auto_jobs([big.as_posix()]) == 1  # one file: nothing to share out
    assert parallel.auto_jobs([*small, big.as_posix()]) == 4
    assert parallel.auto_jobs(["-", small[0]]) == 1  # stdin's size is unknown: counted as small
    assert parallel.auto_jobs([str(tmp_path / "gone.txt"), *small]) == 1  # a missing file is reported later
    monkeypatch.setattr(parallel, "default_jobs", lambda: 1)
    assert parallel.auto_jobs([*small, big.as_posix()]) == 1


def _big_batch(tmp_path):
    """Enough text to pass the automatic threshold: the samples, each under a few variants."""
    d = tmp_path / "big"
    d.mkdir()
    n = 0
    while sum(p.stat().st_size for p in d.iterdir()) < 300 * 1024:
        for src in sorted((SAMPLES / "russia-nato-2022").iterdir()):
            (d / f"{n:03d}-{src.name}").write_text(src.read_text(encoding="utf-8") + f"\n\n({n})\n", encoding="utf-8")
            n += 1
    return d


def test_the_add_command_picks_workers_by_batch_size(tmp_path, monkeypatch):
    # In process, so the call into the parallel writer can be seen.
    from negtrack import cli, parallel

    monkeypatch.setattr(parallel, "default_jobs", lambda: 3)
    calls = []
    real = parallel.add_paths
    monkeypatch.setattr(parallel, "add_paths", lambda *a, **k: calls.append(k["jobs"]) or real(*a, **k))

    def add(*args):
        with pytest.raises(SystemExit) as e:
            cli.main(["-q", "--db", str(tmp_path / "s.db"), "add", *map(str, args)])
        return e.value.code

    assert add(SAMPLES / "russia-nato-2022") == 0 and calls == []  # under the threshold: one process
    assert add(_big_batch(tmp_path)) == 0 and calls == [3]
    assert add(tmp_path / "big", "--jobs", "1") == 0 and calls == [3]


def test_default_add_of_a_big_batch_stores_what_one_process_stores(cli, tmp_path):
    d = _big_batch(tmp_path)
    auto = cli("--db", tmp_path / "auto.db", "add", d)
    one = cli("--db", tmp_path / "one.db", "add", d, "--jobs", "1")
    assert auto.code == one.code == 0 and auto.err == one.err
    e1 = cli("--db", tmp_path / "auto.db", "export", "--format", "jsonl")
    e2 = cli("--db", tmp_path / "one.db", "export", "--format", "jsonl")
    assert e1.out and e1.out == e2.out


def test_workers_with_a_store_that_cannot_open_give_one_line(cli, tmp_path):
    # With workers the store is opened after they start; a bad one is still one line and exit 5.
    d = _corpus(tmp_path)
    bad = tmp_path / "notes.db"
    bad.write_text("not a database, and it must stay as it is\n")
    r = cli("--db", bad, "add", d, "--jobs", "2")
    assert r.code == 5 and r.err.count("\n") == 1 and "not an SQLite database" in r.err
    assert "Traceback" not in r.err
    assert bad.read_text() == "not a database, and it must stay as it is\n"
