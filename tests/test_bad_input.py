"""Hostile and broken input: a clear one-line error, a stable exit code, nothing stored from it.

What it shows:

* A bad file named alone is a one-line ``negtrack: error:`` and a non-zero
  exit; inside a batch it is a warning, the rest is stored and the exit code
  is 11 (``ExitCode.PARTIAL``). Covered: missing paths, empty folders, empty
  files, binary files (PDF, PNG, zip; by content, whatever the name), NUL
  bytes, impossible and unreadable dates, malformed header blocks and front
  matter, files over the size limit (with the peak memory of the process).
* Invalid UTF-8 and mixed encodings are read best-effort and stored readable.
* A 1 MB line, an HTML page full of scripts and styles: stored, readable.
* Unknown issues and actors in any option, and a ``--published`` that is no
  date, are usage errors (exit 2), said once before any file is read; so is
  an ``--output`` that cannot be written (a folder, a missing folder).
* SQL-looking strings in every text option of every command are stored
  verbatim or refused cleanly, and the tables stay intact.
* Broken codebooks (duplicate slug, bad pattern) exit 4 and touch nothing.
* A store that is not SQLite, read-only, or on a full disk: exit 5, one
  line, the store unchanged.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import SAMPLES
from negtrack.errors import ExitCode

RN = SAMPLES / "russia-nato-2022"
GOOD = sorted(RN.glob("*.txt"))
SQL = "x'); DROP TABLE articles; -- \" OR 1=1; DELETE FROM positions WHERE '1'='1"


def one_line_error(r, code: int) -> None:
    lines = r.err.strip("\n").split("\n")
    assert r.code == code, (r.code, r.err)
    assert len(lines) == 1 and lines[0].startswith("negtrack: error: "), r.err
    assert "Traceback" not in r.err


def counts(store) -> dict:
    con = sqlite3.connect(store)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def stored(store) -> list[dict]:
    con = sqlite3.connect(store)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM articles ORDER BY id")]
    finally:
        con.close()


@pytest.fixture
def store(env):
    return env["NEGTRACK_DB"]


@pytest.fixture
def run(env, tmp_path, monkeypatch):
    """The CLI in this process (see ``_inproc``), with the test's own store and folders."""
    for k in ("NEGTRACK_DB", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(k, env[k])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NEGTRACK_MAX_BYTES", raising=False)
    monkeypatch.chdir(tmp_path)
    return lambda *args: _inproc(args)


# --- files that cannot be read ----------------------------------------------------------------


def test_missing_paths_and_empty_folders(run, tmp_path, store):
    one_line_error(run("add", tmp_path / "missing.txt"), ExitCode.INPUT)
    (tmp_path / "empty-folder").mkdir()
    one_line_error(run("add", tmp_path / "empty-folder"), ExitCode.INPUT)
    assert not os.path.exists(store)  # nothing was even created
    # In a batch: warned, skipped, the rest stored.
    r = run("add", tmp_path / "missing.txt", GOOD[1], tmp_path / "empty-folder")
    assert r.code == ExitCode.PARTIAL, r.err
    assert r.err.count("warning: skipped") == 2 and "missing.txt" in r.err and "empty-folder" in r.err
    assert [a["path"] for a in stored(store)] == [str(GOOD[1])]


def test_empty_binary_and_nul_files(run, tmp_path, store):
    bad = tmp_path / "bad"
    bad.mkdir()
    cases = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n\t \n",
        "scan.txt": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 8,
        "photo.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        "bundle.txt": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8,
        "zeros.txt": b"\x00" * 5000,
    }
    for name, data in cases.items():
        (bad / name).write_bytes(data)
        one_line_error(run("add", bad / name), ExitCode.INPUT)
    # Named with their real extensions too.
    for name, data in (("a.pdf", cases["scan.txt"]), ("a.png", cases["photo.txt"]), ("a.zip", cases["bundle.txt"])):
        (tmp_path / name).write_bytes(data)
        r = run("add", tmp_path / name)
        one_line_error(r, ExitCode.INPUT)
        assert "binary" in r.err
    assert not stored(store)
    # A folder of them plus one good article: the good one is stored, each bad one warned about.
    (bad / "good.txt").write_text(GOOD[1].read_text(encoding="utf-8"), encoding="utf-8")
    r = run("add", bad)
    assert r.code == ExitCode.PARTIAL
    assert r.err.count("warning: skipped") == len(cases)
    assert [os.path.basename(a["path"]) for a in stored(store)] == ["good.txt"]
    # Stray NUL bytes in a text file are removed (with a warning), not stored.
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"Title: NUL\nPublished: 2022-01-10\n\nRussia demanded\x00 guarantees\x00 from NATO.\n")
    r = run("add", nul)
    assert r.code == 0 and "NUL" in r.err
    text = [a for a in stored(store) if a["title"] == "NUL"][0]["text"]
    assert "\x00" not in text and "Russia demanded guarantees from NATO." == text


def test_a_file_name_that_is_no_utf8_is_stored_with_a_replacement_mark(cli, tmp_path, store):
    # Linux names are bytes: a Latin-1 "é" (0xE9) is no UTF-8, which SQLite and JSON need.
    folder = tmp_path / "latin1"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9-talks.txt")
    (folder / name).write_bytes(GOOD[1].read_bytes())
    for args in (("add", folder / name), ("add", folder, GOOD[0], "--jobs", "2")):
        r = cli(*args)
        assert r.code == 0 and "Traceback" not in r.err, r.err
    rows = [json.loads(line) for line in cli("articles", "--nl").out.splitlines()]
    assert sorted(row["path"].rsplit("/", 1)[-1] for row in rows) == sorted(["caf\ufffd-talks.txt", GOOD[0].name])
    assert cli("export", "--format", "jsonl").code == 0


def test_bad_encodings_are_read_best_effort_and_stored_readable(cli, tmp_path, store):
    invalid = tmp_path / "invalid.txt"
    invalid.write_bytes(b"Title: Invalid\nPublished: 2022-01-11\n\nRussia demanded guarantees \xff\xfe\x80 "
                        b"from NATO, said the minister \xe9\xe8.\n")
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes("Title: Mixed\nPublished: 2022-01-12\n\nThe Élysée — Paris — said ".encode()
                      + "“non” — café".encode("cp1252") + " and Zoë agreed.\n".encode())
    r = cli("add", invalid, mixed)
    assert r.code == 0, r.err
    arts = {a["title"]: a for a in stored(store)}
    assert arts["Invalid"]["text"].startswith("Russia demanded guarantees ")
    assert arts["Mixed"]["text"] == "The Élysée — Paris — said “non” — café and Zoë agreed."
    assert arts["Mixed"]["encoding"] == "utf-8+cp1252"
    for a in arts.values():
        assert "\ufffd" not in a["text"]
        assert all(c.isprintable() or c in "\n\t" for c in a["text"])


# Runs negtrack's entry point and, at exit, writes the process's own peak RSS
# (VmHWM: reset at exec, unlike ru_maxrss, which Linux carries over from the
# parent that forked it) to the file named by $RSS_REPORT.
_MEASURED = """
import atexit, os, runpy, sys

def _report():
    with open("/proc/self/status") as f:
        peak = next(line.split()[1] for line in f if line.startswith("VmHWM"))
    with open(os.environ["RSS_REPORT"], "w") as out:
        out.write(peak)

atexit.register(_report)
sys.argv[0] = "negtrack"
runpy.run_module("negtrack", run_name="__main__")
"""


def _run_measured(args, env, cwd, stdin_data: bytes | None = None):
    """Run negtrack; returns (code, stderr, peak RSS of that process in MiB)."""
    report = cwd / "rss.txt"
    p = subprocess.Popen([sys.executable, "-c", _MEASURED, *map(str, args)], env=dict(env, RSS_REPORT=str(report)),
                         cwd=cwd, stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin_data is not None:
        try:
            p.stdin.write(stdin_data)
        except BrokenPipeError:
            pass  # it stopped reading at the limit, as it should
        with contextlib.suppress(BrokenPipeError):
            p.stdin.close()
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait(timeout=120)
    return p.returncode, err, int(report.read_text()) / 1024


def test_files_over_the_size_limit_are_refused_in_bounded_memory(cli, tmp_path, env, store):
    small = tmp_path / "small.txt"
    small.write_text("", encoding="utf-8")
    base_code, _, base_rss = _run_measured(["add", small], env, tmp_path)
    assert base_code == ExitCode.INPUT
    big = tmp_path / "big.txt"
    line = ("Russia demanded legally binding security guarantees from NATO on Monday. " * 20 + "\n").encode()
    with open(big, "wb") as f:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert big.stat().st_size >= 50 * 1024 * 1024
    code, err, rss = _run_measured(["add", big], env, tmp_path)
    assert code == ExitCode.INPUT and "too large" in err and "NEGTRACK_MAX_BYTES" in err, err
    assert err.count("\n") == 1
    # Refused before reading: the process is no bigger than one refusing an empty file.
    assert rss < base_rss + 8, (rss, base_rss)
    # Through stdin the size is unknown: at most limit + 1 bytes are read.
    code, err, rss_stdin = _run_measured(["add", "-"], env, tmp_path, stdin_data=big.read_bytes())
    assert code == ExitCode.INPUT and "too large" in err, err
    assert rss_stdin < base_rss + 20 + 25, (rss_stdin, base_rss)
    print(f"peak RSS: empty file {base_rss:.0f} MiB, 50 MB file {rss:.0f} MiB, 50 MB on stdin {rss_stdin:.0f} MiB")
    # The limit is configurable, by option and by environment.
    mid = tmp_path / "mid.txt"
    mid.write_bytes(line * 2000)  # about 3 MB
    one_line_error(cli("add", mid, extra_env={"NEGTRACK_MAX_BYTES": "1M"}), ExitCode.INPUT)
    one_line_error(cli("add", mid, "--max-bytes", "100000"), ExitCode.INPUT)
    one_line_error(cli("add", mid, "--max-bytes", "0"), ExitCode.USAGE)
    one_line_error(cli("add", mid, extra_env={"NEGTRACK_MAX_BYTES": "lots"}), ExitCode.USAGE)
    r = cli("add", big, GOOD[1])
    assert r.code == ExitCode.PARTIAL and "too large" in r.err
    assert len(stored(store)) == 1


def test_a_one_megabyte_line_and_a_page_of_scripts(cli, tmp_path, store):
    long_line = tmp_path / "long.txt"
    long_line.write_text("Title: Long\nPublished: 2022-01-13\n\n" + "NATO expansion talks continue " * 35000,
                         encoding="utf-8")
    start = time.monotonic()
    r = cli("add", long_line)
    seconds = time.monotonic() - start
    assert r.code == 0, r.err
    assert len(stored(store)[0]["text"]) > 1_000_000
    print(f"1 MB line: {seconds:.1f} s")
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>Talks</title>"
        "<style>body { color: red } p::before { content: 'Russia rejects' }</style>"
        "<script>var s = 'Russia demanded that NATO withdraw'; document.write('<p>evil</p>');</script>"
        "<script type='application/ld+json'>{\"datePublished\": \"2022-01-14\"}</script></head>"
        "<body><noscript>enable scripts</noscript><p>Russia demanded guarantees that NATO will not expand.</p>"
        "<script>alert('</p>')</script><p onclick=\"alert(1)\">The United States rejected the demand.</p>"
        "</body></html>", encoding="utf-8")
    r = cli("add", page)
    assert r.code == 0, r.err
    text = [a for a in stored(store) if a["title"] == "Talks"][0]["text"]
    assert "Russia demanded guarantees" in text and "rejected the demand" in text
    for junk in ("var s", "document.write", "alert", "color: red", "evil", "<p", "datePublished"):
        assert junk not in text


@pytest.mark.parametrize("value", ["notadate", "2022-02-30"])
def test_a_bad_published_option_is_refused_once_before_any_file(run, value, store):
    # Not a warning for each file of the batch, each skipped: one usage error.
    for args in (("add", "--published", value, RN), ("add", RN, "--published", value, "--jobs", "2"),
                 ("explain", "--published", value, GOOD[0]), ("extract", "--published", value)):
        r = run(*args)
        one_line_error(r, ExitCode.USAGE)
        assert "--published" in r.err and value in r.err
    assert not os.path.exists(store)


def test_malformed_headers_front_matter_and_impossible_dates(run, tmp_path, store):
    body = "\n\nRussia demanded guarantees that NATO will not expand.\n"
    refused = {
        "impossible.txt": "Title: T\nPublished: 2022-02-30" + body,
        "unreadable.txt": "Title: T\nDate: the day after the summit, probably" + body,
        "header-only.txt": "Title: Nothing else\nPublished: 2022-01-01\n",
        "fm-impossible.md": "---\ntitle: T\ndate: 2022-13-01\n---" + body,
        "fm-empty.md": "---\ntitle: No body\ndate: 2022-01-01\n---\n\n",
        "record.jsonl": json.dumps({"text": "Russia demanded guarantees.", "published": "2022-02-30"}) + "\n",
        "broken.jsonl": '{"text": "Russia demanded guarantees."\n',
    }
    for name, text in refused.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        one_line_error(run("add", tmp_path / name), ExitCode.INPUT)
    assert not os.path.exists(store) or not stored(store)
    # Malformed blocks that are not clearly metadata are read as text, best effort.
    read_as_text = {
        "fm-unclosed.md": "---\ntitle: [unclosed\nRussia demanded guarantees that NATO will not expand.\n",
        "fm-garbage.md": "---\n: : :\n- - [\ntitle: 'half\n---\nRussia demanded guarantees.\n",
        "header-garbage.txt": "Title: : : \nPublished:\nno colon here\n\nRussia demanded guarantees.\n",
        "colons.txt": "Note: this is not a header\nRussia: we demand guarantees.\n",
    }
    for name, text in read_as_text.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = run("add", tmp_path / name)
        assert r.code == 0, (name, r.err)
        assert "Traceback" not in r.err
    assert len(stored(store)) == len(read_as_text)
    # Impossible dates in options.
    one_line_error(run("add", GOOD[1], "--published", "2022-02-30"), ExitCode.USAGE)  # a bad value, as every date option
    for args in (["timeline", "--since", "2022-02-30"], ["timeline", "--until", "2022-13"],
                 ["status", "--as-of", "2022-02-30"], ["issues", "--as-of", "2023-02-29"],
                 ["demands", "--as-of", "0000-00-00"], ["changes", "--since", "2022-02-30"]):
        r = run(*args)
        assert r.code == ExitCode.USAGE, (args, r.err)
        one_line_error(r, ExitCode.USAGE)


# --- options: unknown names and SQL-looking strings, run in-process for speed --------------------


def _commands():
    import typer

    from negtrack.cli import get_app

    group = typer.main.get_command(get_app())
    out = []
    for name, cmd in group.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            out += [((name, n), c) for n, c in sub.items()]
        else:
            out.append(((name,), cmd))
    return out


class _Run:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err


def _inproc(argv) -> _Run:
    """negtrack's real entry point (``cli.main``) in this process: same code path, no start-up cost."""
    from negtrack import cli

    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(b""))
    code = None
    old_stdin, sys.stdin = sys.stdin, stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main([str(a) for a in argv])
            except SystemExit as e:
                code = e.code
    finally:
        sys.stdin = old_stdin
    return _Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def filled(cli, env, tmp_path, monkeypatch):
    """A store with the samples and one position id; the in-process runs use its environment."""
    assert cli("add", RN).code == 0
    for k in ("NEGTRACK_DB", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(k, env[k])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fresh.txt").write_text("Title: Fresh\nPublished: 2022-01-20\n\nRussia demanded guarantees.\n")
    con = sqlite3.connect(env["NEGTRACK_DB"])
    pid = con.execute("SELECT uid FROM positions ORDER BY id LIMIT 1").fetchone()[0]
    con.close()
    return pid


# Enough for each command to run; each string parameter is then replaced in turn.
def _base(pid: str) -> dict[tuple, tuple[list, dict]]:
    return {
        ("add",): (["fresh.txt"], {}),
        ("reprocess",): (["1"], {}),
        ("explain",): ([str(GOOD[1])], {}),
        ("show",): (["1"], {}),
        ("history",): ([pid], {}),
        ("codebook", "show"): (["russia-nato-2022"], {}),
        ("codebook", "validate"): (["russia-nato-2022"], {}),
        ("codebook", "new"): (["talks"], {"--output": "new.toml"}),
        ("position", "confirm"): ([pid], {}),
        ("position", "reject"): ([pid], {}),
        ("position", "edit"): ([pid], {"--note": "checked"}),
        ("position", "add"): ([], {"--actor": "russia", "--issue": "nato-expansion", "--stance": "demand",
                                   "--date": "2022-01-10", "--article": "1"}),
        ("position", "merge"): ([pid, pid], {}),
        ("position", "split"): ([pid], {}),
    }


def _text_params(cmd):
    for p in cmd.params:
        if getattr(p, "is_flag", False) or getattr(p, "count", False):
            continue
        if p.name in ("max_bytes", "jobs", "limit", "max_confidence"):
            continue  # numbers: the CLI framework refuses text there (exit 2)
        yield p


def _argv(path, base, param, value):
    args, opts = base
    args, opts = list(args), dict(opts)
    if param.param_type_name == "argument":
        args = [value] + args[1:] if args else [value]
    else:
        opts[param.opts[0]] = value
    return [*path, *args, *[x for kv in opts.items() for x in kv]]


def test_unknown_issue_or_actor_in_any_option(filled):
    tried = 0
    base = _base(filled)
    for path, cmd in _commands():
        for p in cmd.params:
            if p.name not in ("issue", "actor"):
                continue
            argv = _argv(path, base.get(path, ([], {})), p, "no-such-" + p.name)
            r = _inproc(argv)
            assert r.code == ExitCode.USAGE, (argv, r.code, r.err)
            expected = "not a terminal" if path == ("review",) else f"unknown {p.name}"  # interactive only
            assert r.err.count("\n") == 1 and expected in r.err, (argv, r.err)
            tried += 1
    assert tried >= 6


def test_numbers_out_of_range_are_usage_errors(filled):
    for argv in (["articles", "--limit", "0"], ["articles", "--limit", "-5"], ["add", "--jobs", "-1", "fresh.txt"],
                 ["add", "--max-bytes", "-1", "fresh.txt"], ["add", "--max-bytes", "0", "fresh.txt"]):
        one_line_error(_inproc(argv), ExitCode.USAGE)
    assert len(_inproc(["articles", "--limit", "2", "--nl"]).out.splitlines()) == 2


def test_an_output_file_that_cannot_be_written_is_a_usage_error(filled, env, tmp_path):
    # Every command that writes a file (`codebook new` makes its folders: not here).
    store = env["NEGTRACK_DB"]
    before = counts(store)
    (tmp_path / "a-folder").mkdir()
    tried = []
    for path, cmd in _commands():
        if path == ("codebook", "new") or not any(p.name == "output_file" for p in cmd.params):
            continue
        for where, said in (("a-folder", "is a folder"), ("no-such-folder/out.txt", "no such folder")):
            r = _inproc([*path, "--output", tmp_path / where])
            one_line_error(r, ExitCode.USAGE)
            assert said in r.err, (path, r.err)
            tried.append(path)
    assert {("export",), ("dump",), ("report",)} <= set(tried)
    assert not any((tmp_path / "a-folder").iterdir()) and not (tmp_path / "no-such-folder").exists()
    assert counts(store) == before


def test_sql_looking_strings_in_every_text_option(filled, env):
    store = env["NEGTRACK_DB"]
    tables_before = set(counts(store))
    tried = []
    for path, name, argv, r in _in_every_text_option(filled, SQL):
        tried.append(argv)
        if path == ("add",) and name in ("title", "source", "url"):
            assert r.code == 0, (argv, r.err)
            # Stored verbatim.
            con = sqlite3.connect(store)
            assert con.execute(f"SELECT count(*) FROM articles WHERE {name} = ?", [SQL]).fetchone()[0] == 1
            con.execute("UPDATE articles SET title = NULL, source = NULL, url = NULL")
            con.execute("DELETE FROM articles WHERE path = ?", ["fresh.txt"])
            con.commit()
            con.close()
    assert len(tried) >= 30
    # Searches and filters with SQL in them answer, and every table is still there and sound.
    assert _inproc(["articles", "--search", SQL, "--json"]).code == 0
    after = counts(store)
    assert tables_before <= set(after)
    assert after["articles"] >= len(GOOD) - 1 and after["positions"] > 0


def test_text_that_is_no_utf8_in_every_text_option(filled, env):
    # Arguments are bytes: in a Latin-1 terminal "é" arrives as 0xE9, which Python
    # keeps as a lone surrogate that SQLite cannot take.
    bad = os.fsdecode(b"caf\xe9 \xff")
    for path, name, argv, r in _in_every_text_option(filled, bad):
        if path == ("add",) and name == "title":
            assert r.code == 0, (argv, r.err)
            con = sqlite3.connect(env["NEGTRACK_DB"])
            assert con.execute("SELECT count(*) FROM articles WHERE title = 'caf\ufffd \ufffd'").fetchone()[0] == 1
            con.close()


def _in_every_text_option(pid, value):
    """Each command run with ``value`` in each of its text parameters: (command, parameter, argv, result).

    None may end in an internal error; a refusal is one ``negtrack: error:`` line.
    """
    base = _base(pid)
    for path, cmd in _commands():
        for p in _text_params(cmd):
            argv = _argv(path, base.get(path, ([], {})), p, value)
            r = _inproc(argv)
            assert r.code != ExitCode.ERROR and r.code is not None, (argv, r.err)
            assert "Traceback" not in r.err and "internal error" not in r.err, (argv, r.err)
            if r.code not in (0, ExitCode.CHANGED):
                assert r.err.count("\n") == 1 and r.err.startswith("negtrack: error: "), (argv, r.err)
            yield path, p.name, argv, r


# --- broken codebooks and stores -------------------------------------------------------------


def test_broken_codebooks_touch_nothing(cli, run, tmp_path, store):
    assert cli("add", GOOD[0]).code == 0
    before = counts(store)
    dup = tmp_path / "dup.toml"
    dup.write_text('[codebook]\nname = "dup"\n\n[[issues]]\nslug = "a"\ncues = ["x"]\n\n'
                   '[[issues]]\nslug = "a"\ncues = ["y"]\n\n[[actors]]\nid = "z"\naliases = ["Zed"]\n')
    pattern = tmp_path / "pattern.toml"
    pattern.write_text('[codebook]\nname = "pat"\n[[issues]]\nslug = "a"\ncues = ["re:(unclosed"]\n'
                       '[[actors]]\nid = "z"\naliases = ["Zed"]\n')
    for book in (dup, pattern):
        for args in (["add", GOOD[1], "--codebook", book], ["codebook", "validate", book],
                     ["reprocess", "--codebook", book]):
            r = run(*args)
            one_line_error(r, ExitCode.CODEBOOK)
            assert str(book) in r.err
    assert counts(store) == before


def test_a_store_that_is_not_sqlite_is_left_alone(run, tmp_path):
    for name, data in (("notes.db", b"my precious notes\n"),
                       ("torn.db", b"SQLite format 3\x00" + b"\x07" * 3000)):
        path = tmp_path / name
        path.write_bytes(data)
        for args in (["add", GOOD[1]], ["status"], ["db", "status"]):
            one_line_error(run("--db", path, *args), ExitCode.STORE)
        assert path.read_bytes() == data


def _drop_dac():
    """In the child: lose root's power to ignore file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH).

    Tests run as root, where chmod stops nothing; removing the capabilities
    from the bounding set before exec makes the permission bits count again.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _can_drop_dac() -> bool:
    if os.geteuid() != 0:
        return True  # not root: chmod is honest already
    try:
        r = subprocess.run(["sh", "-c", "exit 0"], preexec_fn=_drop_dac)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


def test_read_only_store(cli, tmp_path, env):
    if not _can_drop_dac():
        pytest.skip("running as root without CAP_SETPCAP: cannot make a file read-only for this process")
    folder = tmp_path / "ro"
    folder.mkdir()
    store = folder / "store.db"
    assert cli("--db", store, "add", GOOD[0]).code == 0
    before = counts(store)
    store.chmod(0o444)
    folder.chmod(0o555)
    ro_env = dict(env, NEGTRACK_DB=str(store))
    preexec = _drop_dac if os.geteuid() == 0 else None

    def run(*args):
        p = subprocess.run([sys.executable, "-m", "negtrack", *map(str, args)], capture_output=True, env=ro_env,
                           cwd=tmp_path, preexec_fn=preexec, timeout=120)
        from conftest import Result

        return Result(p.returncode, p.stdout.decode(), p.stderr.decode())

    try:
        r = run("add", GOOD[1])
        one_line_error(r, ExitCode.STORE)
        assert "read-only" in r.err
        # Reading still works.
        for args in (["status", "--json"], ["timeline", "--json"], ["articles", "--json"], ["db", "status"]):
            r = run(*args)
            assert r.code == 0, (args, r.err)
    finally:
        folder.chmod(0o755)
        store.chmod(0o644)
    assert counts(store) == before


def test_full_disk(cli, tmp_path, env):
    store = tmp_path / "store.db"
    assert cli("--db", store, "add", RN).code == 0
    before = counts(store)
    big = tmp_path / "big.txt"
    big.write_text("Title: Big\nPublished: 2022-02-20\n\n" + "\n\n".join(
        f"Russia demanded guarantees in statement {i}, and the United States rejected them." for i in range(6000)),
        encoding="utf-8")
    limit = store.stat().st_size + 64 * 1024  # room to open the store, not to store the article

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    p = subprocess.run([sys.executable, "-m", "negtrack", "--db", str(store), "add", str(big)], capture_output=True,
                       env=env, cwd=tmp_path, preexec_fn=small_disk, timeout=120)
    from conftest import Result

    r = Result(p.returncode, p.stdout.decode(), p.stderr.decode())
    one_line_error(r, ExitCode.STORE)
    assert "disk" in r.err
    assert counts(store) == before
    # With room again, the same add works.
    assert cli("--db", store, "add", big).code == 0
    assert counts(store)["articles"] == before["articles"] + 1
