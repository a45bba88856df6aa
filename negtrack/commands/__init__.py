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


def register_all(app: typer.Typer) -> None:
    from negtrack.commands import add, analyst, codebooks, dbcmd, extract, listing, reliability, tracker

    for module in (add, extract, listing, tracker, dbcmd, codebooks, analyst, reliability):
        module.register(app)
