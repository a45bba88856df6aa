"""The CLI's commands, one module per family; each only parses and dispatches.

Every command's help ends with an example (a test checks it), and every
listing command takes the same ``--json``/``--nl``/``--csv`` flags.
"""

from __future__ import annotations

from typing import Annotated

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Output a JSON array.")]
NlOpt = Annotated[bool, typer.Option("--nl", help="Output JSON Lines (one object per line).")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Output CSV with a header row.")]


def check_published(value: str | None) -> str | None:
    """``--published`` checked once, before any file is read (else each file would be skipped for it)."""
    if value is not None:
        from negtrack.errors import InputError
        from negtrack.read import published_option

        try:
            published_option(value)
        except InputError as e:
            raise typer.BadParameter(str(e).removeprefix("--published ")) from None
    return value


# Which module registers each command (a test checks this against what they
# register). Building click's view of every command costs a command line about
# 15 ms, so a run registers the module of its own command only; help, no
# command or an unknown word get them all.
MODULE_OF = {
    "add": "add", "reprocess": "add", "explain": "add",
    "extract": "extract",
    "timeline": "listing", "status": "listing", "articles": "listing", "show": "listing", "export": "listing",
    "actors": "tracker", "issues": "tracker", "demands": "tracker", "changes": "tracker", "report": "tracker",
    "db": "dbcmd",
    "codebook": "codebooks",
    "review": "analyst", "position": "analyst", "history": "analyst",
    "dump": "reliability", "import": "reliability",
}
MODULES = ("add", "extract", "listing", "tracker", "dbcmd", "codebooks", "analyst", "reliability")


def register_all(app: typer.Typer, command: str | None = None) -> None:
    """Register every command, or only the module that defines ``command``."""
    import importlib

    names = (MODULE_OF[command],) if command in MODULE_OF else MODULES
    for name in names:
        importlib.import_module(f"negtrack.commands.{name}").register(app)
