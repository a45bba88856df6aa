"""rx: compiled patterns kept between runs must be the very patterns re.compile gives."""

from __future__ import annotations

import marshal
import re
import subprocess
import sys

import pytest

from conftest import SAMPLES


@pytest.fixture
def fresh_rx(tmp_path, monkeypatch):
    """negtrack.rx with an empty cache folder and nothing loaded."""
    from negtrack import rx

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(rx, "_memo", None)
    monkeypatch.setattr(rx, "_kept", None)
    monkeypatch.setattr(rx, "_dirty", False)
    monkeypatch.setattr(rx, "_enabled", True)
    return rx


def test_every_pattern_of_an_extraction_rebuilds_equal_to_re_compile():
    from negtrack import codebook, pipeline, read, rx

    for name in ("russia-nato-2022", "us-debt-ceiling-2023"):
        book = codebook.load(name)
        for path in sorted((SAMPLES / name).iterdir()):
            for article in read.read_path(str(path)):
                pipeline.extract(article, book)
    assert len(rx._memo) > 300
    for (pattern, flags), compiled in rx._memo.items():
        # Pattern equality compares the pattern, the flags and the compiled program.
        assert rx._rebuild(pattern, rx._program(pattern, flags)) == re.compile(pattern, flags), pattern
        assert compiled == re.compile(pattern, flags), pattern


def test_cache_round_trip_damage_and_pruning(fresh_rx, tmp_path):
    rx = fresh_rx
    p = rx.compile(r"(?P<word>\w+)-(\d+)", re.I)
    assert p == re.compile(r"(?P<word>\w+)-(\d+)", re.I) and p.groupindex == {"word": 1}
    rx._save()
    path = rx._cache_file()
    stale = tmp_path / "cache" / "negtrack" / "rx-00000000.marshal"
    stale.write_bytes(b"old")
    kept = marshal.loads(open(path, "rb").read())
    assert (r"(?P<word>\w+)-(\d+)", int(re.I)) in kept

    # A new process's view: the program comes from the file.
    rx._memo, rx._kept = None, None
    q = rx.compile(r"(?P<word>\w+)-(\d+)", re.I)
    assert q == p and q.match("Talks-2022").group("word") == "Talks"

    # A damaged program falls back to compiling; a damaged file is ignored.
    kept[(r"x+y", 0)] = (32, [1, 2, 3, 999], 0, {}, (None,))
    open(path, "wb").write(marshal.dumps(kept))
    rx._memo, rx._kept = None, None
    assert rx.compile(r"x+y") == re.compile(r"x+y")
    open(path, "wb").write(b"\x00not marshal")
    rx._memo, rx._kept = None, None
    assert rx.compile(r"a|b") == re.compile(r"a|b")

    # Writing the cache removes other builds' files.
    rx._dirty = True
    rx._save()
    assert not stale.exists()


def test_bad_pattern_raises_re_error(fresh_rx):
    with pytest.raises(re.error):
        fresh_rx.compile(r"(unclosed")


def test_second_process_reads_the_cache_and_extracts_the_same(tmp_path, env):
    env = dict(env, XDG_CACHE_HOME=str(tmp_path / "cache"))
    article = sorted((SAMPLES / "russia-nato-2022").iterdir())[0]
    run = [sys.executable, "-m", "negtrack", "explain", str(article), "--json"]
    first = subprocess.run(run, capture_output=True, env=env, timeout=120)
    files = list((tmp_path / "cache" / "negtrack").glob("rx-*.marshal"))
    second = subprocess.run(run, capture_output=True, env=env, timeout=120)
    assert first.returncode == second.returncode == 0
    assert len(files) == 1 and files[0].stat().st_size > 10_000
    assert first.stdout == second.stdout and b'"positions"' in first.stdout
