"""`codebook list|show|validate|new`: the codebooks negtrack can use."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from negtrack.commands import CsvOpt, JsonOpt, NlOpt

codebook_app = typer.Typer(help="Codebooks: issues, actors and cue words of a negotiation.\n\n"
                                "Example:  negtrack codebook list", no_args_is_help=True)


@codebook_app.command("list")
def list_(json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False):
    """List shipped and user codebooks.

    A codebook that does not load is left out with a warning naming its file
    and line, and the exit code is 4; the others are listed.

    Example:  negtrack codebook list --json
    """
    from negtrack import codebook as cb
    from negtrack import output
    from negtrack.errors import CodebookError, ExitCode

    fmt = output.pick_format(json_, nl, csv_)
    rows, broken = [], 0
    for name, path in cb.available().items():
        try:
            book = cb.load(str(path))
        except CodebookError as e:
            output.warn(f"left out codebook {name}: {e}")
            broken += 1
            continue
        rows.append({"name": name, "title": book.title, "version": book.version, "issues": len(book.issues),
                     "actors": len(book.actors), "path": str(path)})
    output.emit(rows, fmt, title="codebooks")
    return int(ExitCode.CODEBOOK) if broken else 0


@codebook_app.command("show")
def show(name: Annotated[str, typer.Argument(help="Codebook name or path.")],
         json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False):
    """Show a codebook's issues (with propositions) and actors.

    Example:  negtrack codebook show us-debt-ceiling-2023
    """
    from negtrack import codebook as cb
    from negtrack import output

    book = cb.load(name)
    rows = [{"kind": "issue", "id": i.slug, "name": i.title, "detail": i.proposition} for i in book.issues.values()]
    rows += [{"kind": "actor", "id": a.id, "name": a.name, "detail": ", ".join(a.aliases)} for a in book.actors.values()]
    rows += [{"kind": "person", "id": p.id, "name": p.name, "detail": p.party} for p in book.people.values()]
    output.emit(rows, output.pick_format(json_, nl, csv_), title=f"{book.name} ({book.version})")
    return 0


@codebook_app.command("validate")
def validate(path: Annotated[str, typer.Argument(help="A codebook TOML file.")]):
    """Check a codebook file; errors name the file and line.

    Example:  negtrack codebook validate my-talks.toml
    """
    from negtrack import codebook as cb
    from negtrack import output

    book = cb.load(path if path.endswith(".toml") or "/" in path else path)
    output.say(f"{path}: ok ({len(book.issues)} issues, {len(book.actors)} actors, {len(book.people)} people)")
    return 0


@codebook_app.command("new")
def new(name: Annotated[str, typer.Argument(help="The new codebook's name (lowercase letters, digits, '-').")],
        output_path: Annotated[Optional[str], typer.Option("--output", "-o", help="Write here instead (- prints it).")] = None,
        title: Annotated[Optional[str], typer.Option("--title", help="The negotiation's title.")] = None):
    """Write a commented codebook template to start tracking a new negotiation (never overwrites).

    Example:  negtrack codebook new nile-water-2025
    """
    from negtrack import output, templates

    path = templates.write_new(name, output_path, title)
    if path is not None:
        output.say(f"wrote {path}; edit it, then `negtrack codebook validate {path}`")
    return 0


def register(app: typer.Typer) -> None:
    app.add_typer(codebook_app, name="codebook")
