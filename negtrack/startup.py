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
