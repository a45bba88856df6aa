"""The command line: parse arguments, call library functions, hand results to ``output``.

Design decisions:

* This module and ``negtrack/commands/`` only parse and dispatch; every piece of
  logic lives in an importable module with its own tests.
* ``main`` is the one place errors become messages: a ``NegtrackError`` prints
  one line on stderr and exits with its code (``errors.ExitCode``); anything
  unexpected prints one line too, and a traceback only under ``--debug``.
* rich, sqlite-utils and dateutil are imported inside commands, never here,
  so ``negtrack --help`` starts fast.
* **Startup fast path.** Importing typer (and click) alone costs about 40 ms,
  three times a bare ``python -c pass``; this module therefore imports only
  ``os`` and ``sys`` at the top and builds the typer ``app`` lazily
  (``_build_app``, reached through the module attribute ``app``). ``main``
  answers two invocations without typer:

  - ``--version`` among the global options before any command: printed
    directly from ``negtrack.__version__``;
  - ``--help`` / ``-h`` with nothing else but command names
    (``negtrack --help``, ``negtrack add --help``): the text typer rendered
    the first time, cached in ``$XDG_CACHE_HOME/negtrack/`` (else
    ``~/.cache/negtrack/``). The cache key is the version, the size and
    mtime of this file, of ``negtrack/__init__.py`` and of every module in
    ``negtrack/commands/`` (so an edited help text is never served stale,
    even without a version bump), the arguments and the help width click
    would use (it wraps at ``min(columns, 80) - 2``, at least 50). Help is
    plain click text (``rich_markup_mode=None``), so the cached bytes are
    exactly what typer prints. A cache that cannot be read or written is
    ignored: the slow path always works.

  Everything else goes through typer, with only the invoked command's
  family registered (``commands.MODULE_OF``): click builds its view of
  every registered command on each run, about 15 ms for all of them.
  Without a known command (``negtrack``, a typo) every command is there, so
  help and "No such command" list them all.
* **Shutdown.** The console script is ``run``: ``main``, then at exit every
  store is closed and the heap frozen, so the interpreter's teardown skips
  the cycle collector (a few to 35 ms a command; see ``run``).
"""

from __future__ import annotations

import os
import sys

from negtrack.startup import help_cache_file as _help_cache_file
from negtrack.startup import only_version as _only_version
from negtrack.startup import printable_args as _printable_args


class Settings:
    """Global options, set by the root callback (a plain class: no dataclasses import at startup)."""

    def __init__(self, db: str | None = None, quiet: bool = False, debug: bool = False):
        self.db = db
        self.quiet = quiet
        self.debug = debug


SETTINGS = Settings()


def _build_app(command: str | None = None):
    """The typer app with every command registered, or only ``command``'s family
    (``commands.register_all``); imports typer: the slow part of startup."""
    from typing import Annotated, Optional

    import typer

    # typer resolves the callback's (string) annotations in this module's
    # globals, so the names it needs go there, only once typer is loaded.
    globals().update(Annotated=Annotated, Optional=Optional, typer=typer)

    app = typer.Typer(
        name="negtrack",
        help=(
            "Track who demanded, proposed, accepted, rejected or ignored what in a negotiation.\n\n"
            "Feed it articles, statements and transcripts; it stores actors, issues and positions "
            "in SQLite and prints timelines and status tables.\n\n"
            "Example:  negtrack add article.txt && negtrack status"
        ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        db: Annotated[Optional[str], typer.Option("--db", help="Store file (default: $NEGTRACK_DB, else $XDG_DATA_HOME/negtrack/negtrack.db).", show_default=False)] = None,
        quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing on success (for cron).")] = False,
        debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
        version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    ):
        SETTINGS.db = db
        SETTINGS.quiet = quiet
        SETTINGS.debug = debug
        from negtrack import output

        output.set_quiet(quiet)

    from negtrack.commands import register_all

    register_all(app, command)
    return app


def _version(value: bool):
    if value:
        import typer

        from negtrack import __version__

        print(f"negtrack {__version__}")
        raise typer.Exit()


_APP = None


def get_app(args: list[str] | None = None):
    """The app for ``args`` (with only their command registered), else the whole app."""
    global _APP
    if args is not None:
        from negtrack.startup import command_of

        return _build_app(command_of(args))
    if _APP is None:
        _APP = _build_app()
    return _APP


def __getattr__(name: str):
    # `from negtrack.cli import app` still works; typer is imported on first use only.
    if name == "app":
        return get_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_db(create: bool = True, later: bool = False):
    """The store the options name; ``later``: a ``db.Opener`` to call when it is needed."""
    from negtrack import db as dbmod

    path = dbmod.resolve_path(SETTINGS.db)
    return dbmod.Opener(path, create) if later else dbmod.connect(path, create=create)


def _store_error_message(e: Exception) -> str | None:
    import sqlite3

    text = str(e)
    if isinstance(e, OSError) and e.errno == 28 or "database or disk is full" in text:
        return "the disk is full; nothing from the failed step was stored"
    if isinstance(e, sqlite3.OperationalError) and ("readonly" in text or "read-only" in text):
        return "the store is read-only"
    if isinstance(e, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        from negtrack.db import busy_timeout

        return (f"the store stayed busy for {busy_timeout():g} s (another process is writing); "
                "nothing from this step was stored, try again")
    if isinstance(e, sqlite3.DatabaseError):
        return f"store error: {text}"
    return None


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn errors into one line and an exit code."""
    args = _printable_args(list(sys.argv[1:] if argv is None else argv))
    if _only_version(args):
        from negtrack import __version__

        print(f"negtrack {__version__}")
        sys.exit(0)
    help_cache = _help_cache_file(args)
    if help_cache is not None:
        try:
            with open(help_cache, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            text = ""
        if text:
            sys.stdout.write(text)
            sys.exit(0)

    from negtrack.errors import ExitCode, NegtrackError

    debug = "--debug" in args or os.environ.get("NEGTRACK_DEBUG") == "1"
    try:
        if help_cache is not None:
            code = _render_help(args, help_cache)
        else:
            rv = get_app(args)(args=args, prog_name="negtrack", standalone_mode=False)
            code = rv if isinstance(rv, int) else 0
            if code == ExitCode.INTERRUPTED:  # typer hands Ctrl-C back as this code
                print("negtrack: interrupted", file=sys.stderr)
    except NegtrackError as e:
        if debug:
            raise
        print(f"negtrack: error: {e}", file=sys.stderr)
        code = int(e.code)
    except KeyboardInterrupt:
        print("negtrack: interrupted", file=sys.stderr)
        code = int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`negtrack timeline | head`): not an error.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        code = 0
    except Exception as e:  # noqa: BLE001 - the last line of defence against tracebacks
        code = _click_exit(e)
        if code is None:
            if debug:
                raise
            msg = _store_error_message(e)
            if msg:
                print(f"negtrack: error: {msg}", file=sys.stderr)
                code = int(ExitCode.STORE)
            else:
                print(f"negtrack: error: internal error: {type(e).__name__}: {e} (rerun with --debug for details)",
                      file=sys.stderr)
                code = int(ExitCode.ERROR)
    sys.exit(code)


def run() -> None:
    """The console script and ``python -m negtrack``: ``main`` as a process of its own.

    When the process ends, the stores it opened are closed (their WAL
    checkpointed, as before) and every object is frozen (``gc.freeze``), so
    the interpreter's shutdown frees them by reference count without the
    cycle collector's passes over the whole heap: a few to 35 ms less per
    command, up to a tenth of a ``status`` or a ``timeline``. atexit handlers
    still run and stdout and stderr are still flushed; what may be skipped
    are finalizers of objects left in cycles, which Python does not promise
    to run at exit. ``main`` leaves the collector alone, so tests and
    programs that call it in their own process are unaffected.
    """
    import atexit

    atexit.register(_end_of_process)  # registered first, so it runs last
    main()


def _end_of_process() -> None:
    import gc

    db = sys.modules.get("negtrack.db")
    if db is not None:
        db.close_all()
    gc.freeze()


def _render_help(args: list[str], cache_file: str) -> int:
    """Run typer for a help request, print what it printed and keep it for next time."""
    import io

    real, buf = sys.stdout, io.StringIO()
    sys.stdout = buf
    try:
        try:
            rv = get_app()(args=args, prog_name="negtrack", standalone_mode=False)
            code = rv if isinstance(rv, int) else 0
        except Exception as e:  # noqa: BLE001 - click ends --help with an Exit(0)
            code = _click_exit(e)
            if code is None:
                raise
    finally:
        sys.stdout = real
    text = buf.getvalue()
    real.write(text)
    if code == 0 and text:
        from negtrack import cachefile

        # Failures are ignored there: a read-only home only keeps help on the slow path.
        name = os.path.basename(cache_file)
        cachefile.write(cache_file, text.encode("utf-8"), "help-", keep=name[:name.rindex("-") + 1])
    return code


def _click_exit(e: Exception) -> int | None:
    """Map the CLI framework's own exceptions (usage errors, --help exits) to exit codes.

    typer ships its own copy of click, so these are recognised by shape, not
    by importing click's classes.
    """
    name = type(e).__name__
    if name == "Exit" and hasattr(e, "exit_code"):
        return e.exit_code
    if name == "Abort":
        print("negtrack: aborted", file=sys.stderr)
        return 1
    if hasattr(e, "format_message") and hasattr(e, "exit_code"):
        msg = e.format_message()
        ctx = getattr(e, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        print(f"negtrack: error: {msg}{hint}", file=sys.stderr)
        return e.exit_code
    return None
