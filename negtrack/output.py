"""The one output layer: every listing goes through ``emit``.

Design decisions:

* Data goes to stdout, messages and progress to stderr (``say``/``warn``), so
  ``negtrack timeline --json > out.json`` is clean and ``-q`` silences only
  messages.
* ``--json`` (one array), ``--nl`` (JSON Lines) and ``--csv`` are the same rows
  through one serializer: field names are the contract and every format carries
  the same numbers. Without a flag, a rich table (coloured on a terminal,
  plain when piped).
* rich is imported only when a table is actually drawn, so scripts using
  ``--nl`` and ``negtrack --help`` never pay for it.
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Iterable


# One colour per stance, used everywhere a stance is drawn (tables, report).
STANCE_COLOURS = {
    "demand": "red",
    "propose": "blue",
    "accept": "green",
    "open": "cyan",
    "reject": "magenta",
    "no-response": "bright_black",
    "warn": "yellow",
    "consult": "bright_blue",
    "respond": "white",
}

_state = {"quiet": False}


def set_quiet(quiet: bool) -> None:
    _state["quiet"] = quiet


def say(message: str) -> None:
    """A message for the user (stderr); silent under -q."""
    if not _state["quiet"]:
        print(message, file=sys.stderr)


def warn(message: str) -> None:
    """A warning (stderr); shown even under -q, because something was skipped."""
    print(f"negtrack: warning: {message}", file=sys.stderr)


def pick_format(json_: bool = False, nl: bool = False, csv_: bool = False) -> str:
    chosen = [f for f, on in (("json", json_), ("nl", nl), ("csv", csv_)) if on]
    if len(chosen) > 1:
        from negtrack.errors import UsageError

        raise UsageError("choose one of --json, --nl, --csv")
    return chosen[0] if chosen else "table"


def emit(rows: Iterable[dict], fmt: str, columns: list[str] | None = None, title: str | None = None,
         stream=None) -> int:
    """Write rows in the chosen format; returns how many were written."""
    out = stream or sys.stdout
    n = 0
    if fmt == "nl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            n += 1
        return n
    if fmt == "json":
        out.write("[")
        for row in rows:
            out.write(("\n " if n == 0 else ",\n ") + json.dumps(row, ensure_ascii=False, default=str))
            n += 1
        out.write("\n]\n" if n else "]\n")
        return n
    if fmt == "csv":
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=columns or list(row.keys()), extrasaction="ignore",
                                        lineterminator="\n")
                writer.writeheader()
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
            n += 1
        if writer is None and columns:
            csv.writer(out, lineterminator="\n").writerow(columns)
        return n
    rows = list(rows)
    table(rows, columns or (list(rows[0].keys()) if rows else []), title=title, stream=out)
    return len(rows)


def _width(stream) -> int | None:
    """Terminal width on a terminal; when piped, $COLUMNS or 160 so tables are not squeezed to 80."""
    import os

    if hasattr(stream, "isatty") and stream.isatty():
        return None
    try:
        return int(os.environ.get("COLUMNS", "160"))
    except ValueError:
        return 160


def stance_text(stance: str):
    from rich.text import Text

    return Text(stance or "", style=STANCE_COLOURS.get(stance, ""))


def table(rows: list[dict], columns: list[str], title: str | None = None, stream=None,
          stance_columns: Iterable[str] = ("stance",)) -> None:
    """Draw rows as a rich table on a terminal, as plain aligned text elsewhere.

    rich is for people at a terminal; piped into a file, a pager or a mail
    from cron, plain columns read as well and cost a fraction of the time on
    long listings (rich lays out every cell), and nothing imports rich.
    """
    out = stream or sys.stdout
    if not (hasattr(out, "isatty") and out.isatty()):
        return plain_table(rows, columns, title, out)
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=_width(out))
    if not rows:
        console.print(f"[dim]{title + ': ' if title else ''}nothing to show[/dim]")
        return
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    stance_columns = set(stance_columns)
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c)
            if c in stance_columns and isinstance(v, str):
                cells.append(stance_text(v))
            else:
                cells.append("" if v is None else str(v))
        t.add_row(*cells)
    console.print(t)


PLAIN_MAX_WIDTH = 70  # a wider cell is cut with "…" in plain tables


def plain_table(rows: list[dict], columns: list[str], title: str | None, out) -> None:
    """Aligned columns, two spaces apart; one line per row; over-long cells cut."""
    if not rows:
        out.write(f"{title + ': ' if title else ''}nothing to show\n")
        return

    def cell(v) -> str:
        text = " ".join(("" if v is None else str(v)).split())
        return text if len(text) <= PLAIN_MAX_WIDTH else text[: PLAIN_MAX_WIDTH - 1] + "…"

    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(line[i]) for line in body)) for i, c in enumerate(columns)]
    if title:
        out.write(f"{title}\n")
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for line in body:
        out.write("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() + "\n")


class open_output:
    """Where data goes: stdout, or a file written atomically.

    A file is written to a hidden temporary file beside ``PATH`` and renamed
    over it only when everything was written, so a failed export, dump or
    report never leaves a half-written file behind (nor destroys the previous
    one, nor any file of the user's: the temporary name is new). A path that
    cannot be written (a folder, a missing folder, no permission) is a usage
    error naming it, before anything is read.
    """

    def __init__(self, path: str | None):
        self.path = path
        self.tmp = None
        self.stream = None

    def __enter__(self):
        if self.path is None:
            return sys.stdout
        import os

        from negtrack.errors import UsageError

        if os.path.isdir(self.path):
            raise UsageError(f"--output {self.path}: is a folder, not a file")
        folder, name = os.path.split(os.path.abspath(self.path))
        tmp = os.path.join(folder, f".{name}.{os.getpid()}-{id(self):x}.tmp")
        try:  # "x": a new file, with the permissions any new file of the user's gets
            self.stream = open(tmp, "x", encoding="utf-8", newline="")
        except FileNotFoundError:
            raise UsageError(f"--output {self.path}: no such folder {folder}") from None
        except OSError as e:
            raise UsageError(f"--output {self.path}: cannot write there ({e.strerror or e})") from None
        self.tmp = tmp
        return self.stream

    def __exit__(self, exc_type, exc, tb):
        import os

        if self.stream is None:
            return False
        try:
            self.stream.close()
            if exc_type is None:
                os.replace(self.tmp, self.path)
                self.tmp = None
        finally:
            if self.tmp is not None:
                try:
                    os.unlink(self.tmp)
                except OSError:
                    pass
        return False
