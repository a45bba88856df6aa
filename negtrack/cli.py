"""The command line: parse arguments, call library functions, hand results to ``output``.

Design decisions:

* This module and ``negtrack/commands/`` only parse and dispatch; every piece of
  logic lives in an importable module with its own tests.
* ``main`` is the one place errors become messages: a ``NegtrackError`` prints
  one line on stderr and exits with its code (``errors.ExitCode``); anything
  unexpected prints one line too, and a traceback only under ``--debug``.
* rich, sqlite-utils and dateutil are imported inside commands, never here,
  so ``negtrack --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Annotated, Optional

import typer

from negtrack import __version__

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


@dataclass
class Settings:
    db: Optional[str] = None
    quiet: bool = False
    debug: bool = False


SETTINGS = Settings()


def _version(value: bool):
    if value:
        print(f"negtrack {__version__}")
        raise typer.Exit()


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


def open_db(create: bool = True):
    from negtrack import db as dbmod

    return dbmod.connect(dbmod.resolve_path(SETTINGS.db), create=create)


from negtrack.commands import register_all  # noqa: E402  (commands need `app` defined)

register_all(app)


def _store_error_message(e: Exception) -> str | None:
    import sqlite3

    text = str(e)
    if isinstance(e, OSError) and e.errno == 28 or "database or disk is full" in text:
        return "the disk is full; nothing from the failed step was stored"
    if isinstance(e, sqlite3.OperationalError) and ("readonly" in text or "read-only" in text):
        return "the store is read-only"
    if isinstance(e, sqlite3.DatabaseError):
        return f"store error: {text}"
    return None


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn errors into one line and an exit code."""
    from negtrack.errors import ExitCode, NegtrackError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("NEGTRACK_DEBUG") == "1"
    try:
        rv = app(args=args, prog_name="negtrack", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
    except NegtrackError as e:
        if debug:
            raise
        print(f"negtrack: error: {e}", file=sys.stderr)
        code = int(e.code)
    except KeyboardInterrupt:
        print("negtrack: interrupted", file=sys.stderr)
        code = 130
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
