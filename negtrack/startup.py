"""What `negtrack` can answer before importing typer (see ``cli``'s docstring).

Only ``os`` and ``sys`` are imported here: this module runs on every start.
"""

from __future__ import annotations

import os
import sys

HELP_FLAGS = ("-h", "--help")
GLOBAL_FLAGS = ("-q", "--quiet", "--debug")


def only_version(args: list[str]) -> bool:
    """Only global options, one of them ``--version``: answered without typer."""
    seen, i = False, 0
    while i < len(args):
        a = args[i]
        if a == "--version":
            seen = True
        elif a == "--db" and i + 1 < len(args):
            i += 1
        elif not (a.startswith("--db=") or a in GLOBAL_FLAGS):
            return False
        i += 1
    return seen


def command_of(args: list[str]) -> str | None:
    """The command ``args`` name (the first word after the global options), if any."""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--db":
            i += 2
            continue
        if not a.startswith("-"):
            return a
        i += 1
    return None


# Options whose value is a file to open or write: kept as given, bytes and all.
PATH_OPTIONS = ("--db", "--codebook", "-c", "--output", "-o", "--from-positions")
# Commands whose arguments name files (a name there that exists is kept as given).
PATH_COMMANDS = ("add", "explain", "import", "codebook", "db")
# The flags of those commands and the global ones: the word after a flag is no option's value.
FLAGS = ("--json", "--nl", "--csv", "--force", "-q", "--quiet", "--debug", "-", "--")


def printable_args(args: list[str]) -> list[str]:
    """``args`` with every byte that is no UTF-8 shown as a replacement mark, except in file names.

    Text from a Latin-1 terminal or script reaches Python as lone surrogates,
    which SQLite, JSON and UTF-8 files refuse: each text option and id would
    fail its own way. A file name keeps its bytes, or the file could not be
    opened: the value of a path option, and an existing file named (not as
    an option's value) to a command that reads files. A new file named to
    ``db backup`` gets the marks.
    """
    if all(a.isascii() for a in args):
        return args
    from negtrack.read_decode import printable

    files = command_of(args) in PATH_COMMANDS
    out = []
    for i, a in enumerate(args):
        marked = printable(a)
        if marked != a:
            before = args[i - 1] if i else ""
            path = before in PATH_OPTIONS or a.split("=", 1)[0] in PATH_OPTIONS \
                or files and not (before.startswith("-") and before not in FLAGS) and os.path.lexists(a)
            a = a if path else marked
        out.append(a)
    return out


def help_width() -> int:
    """The width click wraps help at: min(terminal columns, 80) - 2, at least 50."""
    cols = 0
    try:
        cols = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        pass
    if cols <= 0:
        try:
            cols = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            cols = 80
    return max(min(cols, 80) - 2, 50)


def help_cache_file(args: list[str]) -> str | None:
    """Where the help for ``args`` is cached, if ``args`` only asks for help (see the module docstring)."""
    if not args or args[-1] not in HELP_FLAGS or len(args) > 3:
        return None
    if any(a.startswith("-") for a in args[:-1]):
        return None
    import zlib

    from negtrack import __version__

    here = os.path.dirname(os.path.abspath(__file__))  # the package: cli.py and commands/ decide the help
    parts = [__version__]
    try:
        commands = os.path.join(here, "commands")
        files = [os.path.join(here, "cli.py"), os.path.join(here, "__init__.py")]
        files += sorted(e.path for e in os.scandir(commands) if e.name.endswith(".py"))
        for path in files:
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    except OSError:
        return None
    from negtrack import cachefile  # (imports only os)

    # help-<the code's key>-<the request's key>.txt: writing one removes the
    # help of other code versions (``cachefile.write``'s ``keep``), not of other commands.
    code = zlib.crc32("\n".join(parts).encode("utf-8", "surrogateescape"))
    asked = zlib.crc32(f"{chr(31).join(args)}\n{help_width()}".encode("utf-8", "surrogateescape"))
    return cachefile.path(f"help-{code:08x}-{asked:08x}.txt")
