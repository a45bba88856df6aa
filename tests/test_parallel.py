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


def test_workers_go_on_while_the_store_opens(tmp_path, monkeypatch):
    # The store opens in a thread while this process keeps the workers fed and
    # holds their answers. The opener below waits until more files are done
    # than the workers could finish unfed (two each); opened in line, it would
    # wait in vain and the assertion on `seen` fails.
    import time

    from negtrack import codebook, db, ingest, parallel, store

    marks = tmp_path / "marks"
    marks.mkdir()
    task = parallel.extract_task

    def marking(t):  # inherited by the forked workers
        answer = task(t)
        (marks / str(abs(hash(str(t))))).touch()
        return answer

    monkeypatch.setattr(parallel, "extract_task", marking)
    seen = []

    class Slow(db.Opener):
        def __call__(self):
            deadline = time.monotonic() + 20
            while len(list(marks.iterdir())) < 6 and time.monotonic() < deadline:
                time.sleep(0.01)
            seen.append(len(list(marks.iterdir())))
            return super().__call__()

    files = [str(p) for p in sorted(_big_batch(tmp_path).iterdir())][:12]
    book = codebook.load(None)
    r1 = ingest.add_paths(db.connect(tmp_path / "1.db"), files, book)
    r2 = ingest.add_paths(Slow(tmp_path / "2.db"), files, book, jobs=2)
    assert seen and seen[0] >= 6
    assert (r1.added, r1.positions, r1.unchanged) == (r2.added, r2.positions, r2.unchanged)
    assert list(store.export_rows(db.connect(tmp_path / "1.db"))) == list(store.export_rows(db.connect(tmp_path / "2.db")))


# --- the worker set itself (parallel.ordered_map) ---------------------------


def _slow_square(n):
    import random
    import time

    time.sleep(random.random() / 200)
    return n * n


def _fail_on_seven(n):
    if n == 7:
        raise ValueError("seven")
    return n


def _die_on_five(n):
    import os

    if n == 5:
        os._exit(3)
    return n


def _die_on_two(n):
    import os

    if n == 2:
        os._exit(3)
    return n


def test_ordered_map_sending_to_a_worker_that_died_is_a_dead_worker_not_a_broken_pipe():
    # The first worker answers 0 and 1, then dies on 2 while the caller is
    # busy with 0; taking 1's answer, the parent sends that worker another
    # file before it could see the end of its pipe. A BrokenPipeError would
    # pass for a reader that went away (exit 0, nothing said).
    import time

    from negtrack import parallel

    got = []
    with pytest.raises(parallel.WorkerDied):
        for n in parallel.ordered_map(_die_on_two, range(40), 2, (None, None, None, None)):
            got.append(n)
            time.sleep(0.2)
    assert got == list(range(len(got)))  # in order, up to where it stopped (sooner on a busy machine)
    assert _no_children_left()


def _echo_big(item):
    return item * 2


def _no_children_left():
    import multiprocessing
    import time

    for _ in range(50):
        if not multiprocessing.active_children():
            return True
        time.sleep(0.05)
    return False


def test_ordered_map_keeps_input_order_with_uneven_work():
    from negtrack import parallel

    for jobs in (2, 3):
        got = list(parallel.ordered_map(_slow_square, range(60), jobs, (None, None, None, None)))
        assert got == [n * n for n in range(60)]
    assert _no_children_left()


def test_ordered_map_raises_a_workers_error_and_stops_the_workers():
    from negtrack import parallel

    seen = []
    with pytest.raises(ValueError, match="seven"):
        for n in parallel.ordered_map(_fail_on_seven, range(100), 2, (None, None, None, None)):
            seen.append(n)
    assert seen == list(range(7))
    assert _no_children_left()


def _unpicklable_on_two(n):
    return (lambda: n) if n == 2 else n


def test_ordered_map_turns_an_answer_it_cannot_send_into_an_error_in_turn():
    from negtrack import parallel

    seen = []
    with pytest.raises(RuntimeError, match="pickle"):
        for n in parallel.ordered_map(_unpicklable_on_two, range(6), 2, (None, None, None, None)):
            seen.append(n)
    assert seen == [0, 1]
    assert _no_children_left()


def test_ordered_map_notices_a_worker_that_dies_instead_of_waiting():
    from negtrack import parallel

    with pytest.raises(parallel.WorkerDied):
        list(parallel.ordered_map(_die_on_five, range(20), 2, (None, None, None, None)))
    assert _no_children_left()


def test_ordered_map_passes_items_and_answers_bigger_than_a_pipe_buffer():
    # Both sides sending more than a pipe holds at once would block forever
    # if a worker were sent a second big item while it answers the first.
    from negtrack import parallel

    import signal

    def hung(*_):
        raise TimeoutError("ordered_map blocked: both sides sending")

    items = [str(i) * 300_000 for i in range(10)]
    assert parallel._pipe_bytes(items[0]) > parallel.PIPE_SAFE
    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        got = list(parallel.ordered_map(_echo_big, items, 2, (None, None, None, None)))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert got == [s * 2 for s in items]


def _pid_after_a_while(n):
    import os
    import time

    time.sleep(0.02)
    return os.getpid()


def test_ordered_map_queues_small_items_deep_on_each_worker():
    # A worker goes on from its own queue while the writer is busy storing:
    # the first worker is handed DEPTH paths before the second gets any.
    from negtrack import parallel

    items = [f"/articles/2022/story-{k}.txt" for k in range(3 * parallel.DEPTH)]
    pids = list(parallel.ordered_map(_pid_after_a_while, items, 2, (None, None, None, None)))
    assert len(set(pids[:parallel.DEPTH])) == 1
    assert pids[parallel.DEPTH] != pids[0]


@pytest.mark.parametrize("item", ["", "a" * 4000, "é" * 1000, "\U0001f600" * 900, 7, 10**30,
                                  ("-", "x" * 500), ("skip", "path", "why")])
def test_pipe_bytes_is_never_less_than_the_pickle(item):
    from multiprocessing.reduction import ForkingPickler

    from negtrack import parallel

    size = parallel._pipe_bytes(item)
    assert size is not None
    assert len(ForkingPickler.dumps(item)) <= size


def test_pipe_bytes_refuses_what_could_fill_a_pipe():
    from negtrack import parallel

    assert parallel._pipe_bytes("x" * parallel.PIPE_SAFE) > parallel.PIPE_SAFE
    assert parallel._pipe_bytes(("-", ["an article"])) is None  # articles read from stdin


def test_ordered_map_stopped_early_stops_its_workers():
    from negtrack import parallel

    answers = parallel.ordered_map(_slow_square, range(1000), 2, (None, None, None, None))
    assert [next(answers) for _ in range(3)] == [0, 1, 4]
    answers.close()
    assert _no_children_left()


def test_ctrl_c_stops_add_and_its_workers_with_one_line(tmp_path, env):
    """SIGINT reaches the whole process group, as Ctrl-C in a terminal does."""
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "many"
    for k in range(80):  # long enough to be interrupted mid-batch
        shutil.copytree(SAMPLES / "russia-nato-2022", folder / f"copy{k}")
        for f in (folder / f"copy{k}").iterdir():
            f.write_text(f.read_text(encoding="utf-8") + f"\n\n(copy {k})\n", encoding="utf-8")
    store = tmp_path / "int.db"
    # Ctrl-C live as at a terminal, even when the tests run as a background
    # job, whose children inherit SIGINT ignored (and then rightly ignore it).
    p = subprocess.Popen([sys.executable, "-m", "negtrack", "--db", str(store), "add", "--jobs", "2", str(folder)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    while not store.exists() and p.poll() is None:
        time.sleep(0.01)
    time.sleep(0.3)
    os.killpg(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130
    assert err.decode().strip().splitlines() == ["negtrack: interrupted"]
    time.sleep(0.2)
    assert _group_members(p.pid) == []  # no worker outlives the run


def _group_members(pgid: int) -> list[int]:
    import os

    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    out.append(int(entry))
            except OSError:
                pass  # gone meanwhile
    return out
