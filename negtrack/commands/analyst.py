"""Analyst commands: `review`, `position confirm|reject|edit|add|merge|split|list`, `history`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from negtrack.commands import CsvOpt, JsonOpt, NlOpt

ByOpt = Annotated[Optional[str], typer.Option("--by", help="Who is acting (default: your login name).")]
IdsArg = Annotated[list[str], typer.Argument(metavar="ID...", help="Position ids (the `id` of `negtrack export`).", show_default=False)]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="A position id (the `id` of `negtrack export`).", show_default=False)]
IssueOpt = Annotated[Optional[list[str]], typer.Option("--issue", "-i", help="Only this issue (repeatable).", show_default=False)]

position_app = typer.Typer(
    help="Analyst work on positions: confirm, reject, edit, add, merge, split, list.\n\n"
         "Example:  negtrack position confirm p3f2a9c01d4e5b67",
    no_args_is_help=True,
)

LIST_COLUMNS = ["id", "status", "confidence", "date", "actor", "stance", "issue", "evidence", "note"]
HISTORY_COLUMNS = ["at", "by", "action", "changed"]


def _say_done(verb: str, rows: list[dict]) -> None:
    from negtrack import output

    output.say(f"{verb} {len(rows)} position(s): " + ", ".join(r["uid"] for r in rows))


@position_app.command("confirm")
def confirm(ids: IdsArg, by: ByOpt = None):
    """Confirm positions: the machine read them right.

    Example:  negtrack position confirm p3f2a9c01d4e5b67 p0c1d2e3f4a5b6c7 --by alice
    """
    from negtrack import analyst
    from negtrack.cli import open_db

    _say_done("confirmed", analyst.confirm(open_db(create=False), ids, by))
    return 0


@position_app.command("reject")
def reject(ids: IdsArg, by: ByOpt = None):
    """Reject positions: hidden from every view, and never re-extracted.

    Example:  negtrack position reject p3f2a9c01d4e5b67 --by alice
    """
    from negtrack import analyst
    from negtrack.cli import open_db

    _say_done("rejected", analyst.reject(open_db(create=False), ids, by))
    return 0


@position_app.command("edit")
def edit(
    id_: IdArg,
    actor: Annotated[Optional[str], typer.Option("--actor", help="The party holding it (codebook actor id).")] = None,
    issue: Annotated[Optional[str], typer.Option("--issue", help="Codebook issue slug.")] = None,
    stance: Annotated[Optional[str], typer.Option("--stance", help="One of the nine stances.")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    speaker: Annotated[Optional[str], typer.Option("--speaker", help="The person whose words carry it (empty to clear).")] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="The party it is addressed to (codebook actor id; empty to clear).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note (empty to clear).")] = None,
    by: ByOpt = None,
):
    """Correct a position's actor, issue, stance, date, speaker or target, or attach a note.

    Example:  negtrack position edit p3f2a9c01d4e5b67 --stance open --target nato --note "conditional yes"
    """
    from negtrack import analyst, output
    from negtrack.cli import open_db

    row = analyst.edit(open_db(create=False), id_, by, actor=actor, issue=issue, stance=stance, date=date, note=note,
                       speaker=speaker, target=target)
    output.say(f"{row['uid']}: {row['actor']} {row['stance']} {row['issue']} {row['date'] or ''} ({row['status']})")
    return 0


@position_app.command("add")
def add(
    actor: Annotated[str, typer.Option("--actor", help="The party holding it (codebook actor id).", show_default=False)],
    issue: Annotated[str, typer.Option("--issue", help="Codebook issue slug.", show_default=False)],
    stance: Annotated[str, typer.Option("--stance", help="One of the nine stances.", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.", show_default=False)],
    article: Annotated[Optional[str], typer.Option("--article", help="The article it is read from (id, hash prefix or path).")] = None,
    evidence: Annotated[Optional[str], typer.Option("--evidence", help="The sentence that shows it (located in the article's text).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note.")] = None,
    speaker: Annotated[Optional[str], typer.Option("--speaker", help="The person whose words carry it.")] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="The party it is addressed to.")] = None,
    codebook: Annotated[Optional[str], typer.Option("--codebook", "-c", help="Codebook name or path (default: the article's, else $NEGTRACK_CODEBOOK, else russia-nato-2022).")] = None,
    by: ByOpt = None,
):
    """Add a position the machine missed (status manual); prints its id.

    Example:  negtrack position add --actor us --issue nato-expansion --stance reject --date 2022-01-26 --article 3
    """
    from negtrack import analyst, output, views
    from negtrack import codebook as cb
    from negtrack.cli import open_db

    db = open_db()
    if codebook is None and article:
        codebook = views.find_article(db, article)["codebook"]
    book = cb.load(codebook)
    row, created, located = analyst.add_manual(db, book, by, actor=actor, issue=issue, stance=stance, date=date,
                                               article=article, evidence=evidence, note=note, speaker=speaker,
                                               target=target)
    if evidence and article and not located:
        output.warn("the evidence was not found in the article's text; stored without offsets")
    print(row["uid"])
    output.say(f"{'added' if created else 'already recorded:'} {row['uid']}: {row['actor']} {row['stance']} "
               f"{row['issue']} {row['date']}")
    return 0


@position_app.command("merge")
def merge(ids: IdsArg, by: ByOpt = None):
    """Mark positions as one (the same position reported by several articles): shown once.

    Example:  negtrack position merge p3f2a9c01d4e5b67 p0c1d2e3f4a5b6c7
    """
    from negtrack import analyst, output
    from negtrack.cli import open_db

    gid = analyst.merge(open_db(create=False), ids, by)
    output.say(f"merged {len(set(ids))} position(s) into group {gid}")
    return 0


@position_app.command("split")
def split(id_: IdArg, by: ByOpt = None):
    """Take a position out of its corroboration group: shown on its own.

    Example:  negtrack position split p3f2a9c01d4e5b67
    """
    from negtrack import analyst, output
    from negtrack.cli import open_db

    row = analyst.split(open_db(create=False), id_, by)
    output.say(f"{row['uid']} now stands alone")
    return 0


@position_app.command("list")
def list_(
    status: Annotated[Optional[list[str]], typer.Option("--status", "-s", help="Only this status (repeatable): auto, confirmed, rejected, edited, manual.", show_default=False)] = None,
    issue: IssueOpt = None,
    json_: JsonOpt = False,
    nl: NlOpt = False,
    csv_: CsvOpt = False,
):
    """List positions with their status, notes and reviewers.

    Example:  negtrack position list --status edited --status manual --json
    """
    from negtrack import analyst, output, views
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    rows = analyst.positions(open_db(create=False), status, issue)
    if fmt == "table":
        rows = [{**r, "evidence": views.snippet(r["evidence"], 100)} for r in rows]
    output.emit(rows, fmt, LIST_COLUMNS if fmt == "table" else None, title="positions")
    return 0


def history(id_: IdArg, json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False):
    """Every analyst action on a position: who, when, what, before and after.

    Example:  negtrack history p3f2a9c01d4e5b67 --json
    """
    import json

    from negtrack import analyst, output
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    rows = analyst.history(open_db(create=False), id_)
    if fmt == "csv":
        rows = [{**r, "before": json.dumps(r["before"], ensure_ascii=False) if r["before"] else "",
                 "after": json.dumps(r["after"], ensure_ascii=False) if r["after"] else ""} for r in rows]
    output.emit(rows, fmt, HISTORY_COLUMNS if fmt == "table" else None, title=f"history of {id_}")
    return 0


def review(
    issue: IssueOpt = None,
    max_confidence: Annotated[Optional[float], typer.Option("--max-confidence", help="Only positions at or below this confidence.")] = None,
    by: ByOpt = None,
):
    """Walk unreviewed positions, least confident first: confirm, reject, edit, skip or quit.

    Shows each position's evidence in its paragraph with the cue, actor and
    issue highlighted. Keys (then Enter): c confirm, r reject, e edit a field,
    s skip, q quit. Needs a terminal; in scripts use `negtrack position`.

    Example:  negtrack review --issue nato-expansion --max-confidence 0.6 --by alice
    """
    import sys

    from negtrack import analyst, output
    from negtrack import review as rv
    from negtrack.cli import open_db
    from negtrack.errors import UsageError

    if not sys.stdin.isatty():
        raise UsageError("review is interactive and stdin is not a terminal; "
                         "use `negtrack position confirm|reject|edit` in scripts")
    db = open_db(create=False)
    items = analyst.queue(db, issue, max_confidence)
    result = rv.run(db, items, analyst.who(by))
    output.say(result.summary())
    return 0


def register(app: typer.Typer) -> None:
    app.command()(review)
    app.add_typer(position_app, name="position")
    app.command()(history)
