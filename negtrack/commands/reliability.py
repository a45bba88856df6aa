"""`dump` and `import`: a whole store to one JSON Lines file and back (see ``negtrack.backup``)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def dump(
    output_file: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
):
    """Write the whole store (articles with text, positions with analyst work, codebooks, audit) as JSON Lines.

    `negtrack import` reads it back into any store.

    Example:  negtrack dump -o store.jsonl
    """
    from negtrack import backup, output
    from negtrack.cli import open_db

    db = open_db(create=False)
    with output.open_output(output_file) as f:  # a file: never a half-written dump
        counts = backup.dump(db, f)
    if output_file:
        output.say(f"dumped {counts.get('articles', 0)} article(s), {counts.get('positions', 0)} position(s) "
                   f"to {output_file}")
    return 0


def import_(
    file: Annotated[str, typer.Argument(help="A file written by `negtrack dump`, or - for stdin.", show_default=False)],
):
    """Merge a dump into the store: all of it in one transaction, or nothing; importing twice changes nothing.

    Example:  negtrack --db fresh.db import store.jsonl
    """
    import sys

    from negtrack import backup, output
    from negtrack.cli import open_db
    from negtrack.errors import InputError

    label = "stdin" if file == "-" else file
    try:
        stream = sys.stdin if file == "-" else open(file, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{file}: cannot read ({e.strerror or e})") from None
    try:
        db = open_db()
        try:
            stats = backup.import_dump(db, stream, label)
        except UnicodeDecodeError:
            raise InputError(f"{label}: not a negtrack dump (not UTF-8 text)") from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    output.say(f"imported {stats.get('articles', 0)} article(s), {stats.get('positions', 0)} position(s) "
               f"({sum(stats.values())} row(s) in all)")
    return 0


def register(app: typer.Typer) -> None:
    app.command()(dump)
    app.command("import")(import_)
