"""`db path`, `db status` and `db backup`: where the store is, what it holds, a safe copy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from negtrack.commands import JsonOpt

db_app = typer.Typer(help="The store: where it is and what it holds.\n\nExample:  negtrack db status",
                     no_args_is_help=True)


@db_app.command("path")
def path():
    """Print the store's path (--db, else $NEGTRACK_DB, else the XDG data dir).

    Example:  negtrack db path
    """
    from negtrack import db as dbmod
    from negtrack.cli import SETTINGS

    print(dbmod.resolve_path(SETTINGS.db))
    return 0


@db_app.command("status")
def status(json_: JsonOpt = False):
    """Location, size, schema version and counts of the store.

    Example:  negtrack db status --json
    """
    from negtrack import dbinfo, output
    from negtrack.cli import SETTINGS, open_db

    from negtrack import db as dbmod

    info = dbinfo.info(open_db(create=False), dbmod.resolve_path(SETTINGS.db))
    if json_:
        output.emit([info], "nl")
    else:
        for k, v in info.items():
            print(f"{k:>16}: {v}")
    return 0


@db_app.command("backup")
def backup(
    file: Annotated[str, typer.Argument(help="Where to write the copy.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
):
    """Copy the store to FILE with SQLite's online backup API (safe while others write).

    Example:  negtrack db backup negtrack-$(date +%F).db
    """
    from negtrack import backup as bk
    from negtrack import db as dbmod
    from negtrack import output
    from negtrack.cli import SETTINGS

    info = bk.backup(dbmod.resolve_path(SETTINGS.db), Path(file), force=force)
    output.say(f"backed up {info.get('articles', 0)} article(s), {info.get('positions', 0)} position(s) "
               f"to {info['path']} ({info['bytes']} bytes)")
    return 0


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
