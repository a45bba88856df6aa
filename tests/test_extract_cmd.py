"""`negtrack extract` (JSON Lines in, positions out) and `negtrack add --from-positions`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES


def _records(folder) -> str:
    from negtrack import read

    lines = []
    for p in read.iter_paths([str(folder)]):
        for a in read.read_path(p):
            lines.append(json.dumps({"text": a.text, "title": a.title, "source": a.source, "url": a.url,
                                     "published": a.published, "path": a.path}))
    return "\n".join(lines) + "\n"


def test_extract_then_load_equals_add(cli, tmp_path):
    folder = SAMPLES / "russia-nato-2022"
    records = _records(folder)
    r = cli("extract", input=records)
    assert r.code == 0, r.err
    out = [json.loads(line) for line in r.out.splitlines()]
    assert len(out) == len(records.splitlines())
    assert all({"text", "hash", "codebook", "codebook_version", "positions"} <= set(o) for o in out)
    for o in out:  # offsets slice the text as emitted (and as it will be stored)
        for p in o["positions"]:
            assert o["text"][p["start"]:p["end"]] == p["evidence"]
    # Pure function of the input: the same with worker processes.
    assert cli("extract", "--jobs", "2", input=records).out == r.out

    (tmp_path / "pos.jsonl").write_text(r.out)
    load = cli("--db", tmp_path / "loaded.db", "add", "--from-positions", tmp_path / "pos.jsonl")
    assert load.code == 0, load.err
    direct = cli("--db", tmp_path / "direct.db", "add", folder)
    assert direct.code == 0
    e1 = cli("--db", tmp_path / "loaded.db", "export")
    e2 = cli("--db", tmp_path / "direct.db", "export")
    assert e1.out and e1.out == e2.out
    # Loading again changes nothing; stdin works too.
    again = cli("--db", tmp_path / "loaded.db", "add", "--from-positions", "-", input=r.out)
    assert again.code == 0 and "added 0 article(s)" in again.err


def test_extract_bad_lines_are_skipped(cli):
    good = json.dumps({"text": "Russia demanded that NATO stop its expansion.", "published": "2022-01-10",
                       "path": "x"})
    r = cli("extract", input="not json\n" + good + "\n" + json.dumps({"title": "no text"}) + "\n")
    assert r.code == 11
    assert len(r.out.splitlines()) == 1
    assert "line 1" in r.err and "line 3" in r.err


def test_from_positions_rejects_tampered_or_foreign_lines(cli, tmp_path):
    r = cli("extract", input=json.dumps({"text": "Russia demanded guarantees.", "path": "x"}) + "\n")
    rec = json.loads(r.out)
    rec["text"] += " tampered"
    bad = json.dumps(rec) + "\n" + json.dumps({"text": "plain article"}) + "\n"
    load = cli("add", "--from-positions", "-", input=bad)
    assert load.code == 11 and "line 1" in load.err and "line 2" in load.err


def test_add_needs_paths_or_from_positions(cli, tmp_path):
    assert cli("add").code == 2
    assert cli("add", tmp_path, "--from-positions", "x").code == 2


def test_dask_example(tmp_path):
    pytest.importorskip("dask.bag")
    out = tmp_path / "pos.jsonl"
    p = subprocess.run([sys.executable, str(ROOT / "examples" / "dask_extract.py"),
                        str(SAMPLES / "russia-nato-2022"), "-o", str(out), "--workers", "2"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    direct = subprocess.run([sys.executable, "-m", "negtrack", "extract"], input=_records(SAMPLES / "russia-nato-2022"),
                            capture_output=True, text=True, timeout=300)
    assert out.read_text() == direct.stdout
