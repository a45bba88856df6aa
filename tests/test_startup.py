"""The startup fast path: `--version` and cached `--help` answer without importing typer.

Functional checks only (what gets imported, what gets printed); how fast that
is is measured by `make bench`, never here.
"""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def _run(env, *args):
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "negtrack", *args],
        capture_output=True, env=env, timeout=120,
    )
    imported = {line.split("|")[-1].strip() for line in p.stderr.decode().splitlines() if line.startswith("import time:")}
    return p.returncode, p.stdout.decode(), imported


def test_version_without_typer(env):
    code, out, imported = _run(env, "--version")
    assert code == 0 and re.fullmatch(r"negtrack \d+\.\d+\.\d+\n", out)
    assert "typer" not in imported and "click" not in imported
    # Global options before --version are still accepted on the fast path.
    code, out2, imported = _run(env, "--db", "x.db", "-q", "--version")
    assert code == 0 and out2 == out and "typer" not in imported


def test_version_with_a_command_takes_the_normal_path(env):
    code, out, imported = _run(env, "--version", "--no-such-option")
    assert code == 2 and "typer" in imported


def test_help_is_cached_per_version_and_identical(env, tmp_path):
    env = dict(env, XDG_CACHE_HOME=str(tmp_path / "cache"))
    code1, first, imported1 = _run(env, "--help")
    assert code1 == 0 and "Example:" in first and "timeline" in first
    assert "typer" in imported1  # rendered by typer the first time
    assert list((tmp_path / "cache" / "negtrack").glob("help-*.txt"))
    code2, second, imported2 = _run(env, "--help")
    assert code2 == 0 and second == first
    assert "typer" not in imported2
    # A command's help is cached too, separately.
    _, add1, _ = _run(env, "add", "--help")
    _, add2, imported = _run(env, "add", "--help")
    assert add1 == add2 and "Example:" in add1 and add1 != first and "typer" not in imported
    # Both stay; help left by another version of the code is removed when help is next written.
    folder = tmp_path / "cache" / "negtrack"
    assert len(list(folder.glob("help-*.txt"))) == 2
    stale = folder / "help-00000000-00000000.txt"
    stale.write_text("old help")
    _run(env, "timeline", "--help")
    assert not stale.exists() and len(list(folder.glob("help-*.txt"))) == 3


def test_unreadable_cache_falls_back(env, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    env = dict(env, XDG_CACHE_HOME=str(blocker))
    code, out, _ = _run(env, "--help")
    assert code == 0 and "Example:" in out


def test_unknown_command_help_is_an_error_and_not_cached(env, tmp_path):
    env = dict(env, XDG_CACHE_HOME=str(tmp_path / "cache"))
    code, out, _ = _run(env, "no-such-command", "--help")
    assert code == 2 and out == ""
    assert not list((tmp_path / "cache").glob("negtrack/help-*.txt"))


def test_app_is_still_importable():
    from negtrack.cli import app

    assert type(app).__name__ == "Typer"


def test_command_of_skips_the_global_options():
    from negtrack.startup import command_of

    assert command_of(["--db", "x.db", "-q", "add", "f.txt"]) == "add"
    assert command_of(["--db=x.db", "--debug", "position", "list"]) == "position"
    assert command_of(["-q"]) is None
    assert command_of(["--db", "status"]) is None  # "status" is --db's value here


def test_printable_args_marks_bytes_that_are_no_utf8_except_in_file_names(tmp_path, monkeypatch):
    import os

    from negtrack.startup import printable_args

    monkeypatch.chdir(tmp_path)
    bad = os.fsdecode(b"caf\xe9")  # a Latin-1 "caf\xe9", as Python keeps it
    marked = "caf\ufffd"
    (tmp_path / bad).write_text("Russia demanded guarantees.\n")
    args = ["add", "--title", "Talks", "x.txt"]
    assert printable_args(args) is args  # the usual case costs nothing
    # An existing file named to a command that reads files keeps its bytes (else it could not be opened) ...
    assert printable_args(["add", "--title", bad, bad]) == ["add", "--title", marked, bad]
    assert printable_args(["--db", bad, "status"]) == ["--db", bad, "status"]
    assert printable_args(["export", f"--output={bad}"]) == ["export", f"--output={bad}"]
    assert printable_args(["add", "-c", bad, "--source", bad, "-"]) == ["add", "-c", bad, "--source", marked, "-"]
    assert printable_args(["explain", "--json", bad]) == ["explain", "--json", bad]  # after a flag: a file
    # ... but the same word as an id or a search is text.
    assert printable_args(["show", bad]) == ["show", marked]
    assert printable_args(["articles", "--search", bad]) == ["articles", "--search", marked]
    assert printable_args(["add", "missing-" + bad]) == ["add", "missing-" + marked]


def test_each_command_is_registered_by_the_module_named_for_it():
    import typer

    from negtrack import commands

    seen = {}
    for name in commands.MODULES:
        app = typer.Typer()
        app.callback()(lambda: None)
        commands.register_all(app, next(c for c, m in commands.MODULE_OF.items() if m == name))
        for cmd in typer.main.get_command(app).commands:
            seen[cmd] = name
    assert seen == commands.MODULE_OF


def test_a_run_builds_only_its_commands_family_and_errors_list_them_all(cli):
    r = cli("status", "--no-such-flag")
    assert r.code == 2 and "no-such-flag" in r.err
    r = cli("statsu")
    assert r.code == 2 and "statsu" in r.err


def test_the_console_script_closes_its_stores_and_freezes_the_heap_at_exit(env, tmp_path):
    # An atexit handler registered before ``run`` runs after negtrack's own
    # (they run last in, first out): it sees what the process ends with.
    probe = (
        "import atexit, gc, sys\n"
        "def probe():\n"
        "    from negtrack import db\n"
        "    print('frozen', gc.get_freeze_count() > 0, 'open', len(db._OPEN), file=sys.stderr)\n"
        "atexit.register(probe)\n"
        "from negtrack.cli import run\n"
        "sys.argv = ['negtrack', *sys.argv[1:]]\n"
        "run()\n"
    )
    store = tmp_path / "s.db"
    sample = next((ROOT / "data" / "samples" / "russia-nato-2022").glob("*.txt"))
    p = subprocess.run([sys.executable, "-c", probe, "-q", "--db", str(store), "add", str(sample)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stderr.strip().splitlines()[-1] == "frozen True open 0"
    assert not (tmp_path / "s.db-wal").exists()  # closed: the WAL was checkpointed and removed


def test_main_called_in_a_process_leaves_the_collector_alone():
    import gc

    from negtrack import cli

    before = gc.get_freeze_count()
    try:
        cli.main(["--version"])
    except SystemExit:
        pass
    assert gc.get_freeze_count() == before


def test_python_m_negtrack_runs_only_as_the_main_module():
    # multiprocessing's "spawn" re-imports the main module as __mp_main__ in
    # every worker: that must not start another negtrack command.
    import runpy

    runpy.run_module("negtrack", run_name="__mp_main__")  # SystemExit here would fail the test
