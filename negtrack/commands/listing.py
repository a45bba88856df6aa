"""Listing commands: timeline, status, articles, show, export."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from negtrack.commands import CsvOpt, JsonOpt, NlOpt

IssueOpt = Annotated[Optional[list[str]], typer.Option("--issue", "-i", help="Only this issue (repeatable).", show_default=False)]
ActorOpt = Annotated[Optional[list[str]], typer.Option("--actor", "-a", help="Only this actor (repeatable).", show_default=False)]

TIMELINE_COLUMNS = ["date", "actor", "stance", "issue", "speaker", "evidence", "source", "sources"]


def timeline(
    issue: IssueOpt = None,
    actor: ActorOpt = None,
    since: Annotated[Optional[str], typer.Option("--since", help="From this date (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Up to this date.")] = None,
    answers: Annotated[bool, typer.Option("--answers", help="Show each demand or proposal with the answers it got.")] = False,
    json_: JsonOpt = False,
    nl: NlOpt = False,
    csv_: CsvOpt = False,
):
    """Positions in date order: who took which stance on which issue, with the evidence.

    With --answers, each demand or proposal carries the answers linked to it
    (same issue, another party, on or after it) and, if unanswered, how long
    it has waited.

    Example:  negtrack timeline --issue nato-expansion --since 2022-01 --answers
    """
    from negtrack import output, views
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    db = open_db(create=False)
    rows = views.timeline(db, issue, actor, since, until)
    columns = list(TIMELINE_COLUMNS)
    if answers:
        views.attach_answers(db, rows)
        if fmt in ("table", "csv"):
            for r in rows:
                if "answers" in r:
                    got = "; ".join(f"{a['actor']} {a['stance']} {a['date']}" for a in r["answers"])
                    waiting = f"waiting {r['waiting_days']} days" if r.get("waiting_days") is not None else ""
                    r["answers"] = "; ".join(x for x in (got, waiting) if x)
        columns.insert(columns.index("evidence"), "answers")
    output.emit(rows, fmt, columns if fmt == "table" else None, title="timeline")
    return 0


def status(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="As things stood on this date.")] = None,
    issue: IssueOpt = None,
    actor: ActorOpt = None,
    json_: JsonOpt = False,
    nl: NlOpt = False,
    csv_: CsvOpt = False,
):
    """Each actor's latest stance on each issue, with its date and number of sources.

    Example:  negtrack status --as-of 2022-01-31
    """
    from negtrack import output, views
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    db = open_db(create=False)
    cells = views.status(db, as_of, issue, actor)
    if fmt != "table":
        output.emit(cells, fmt)
        return 0
    for book in sorted({c["codebook"] for c in cells}) or [None]:
        mine = [c for c in cells if c["codebook"] == book]
        columns, rows = views.status_matrix(mine)
        output.table(rows, columns, title=f"status{f' ({book})' if book else ''}{f' as of {as_of}' if as_of else ''}",
                     stance_columns=())
    # Where each issue stands, and the demands still waiting for an answer.
    ds = views.linked_demands(db, as_of)
    lines = views.issue_lines(db, as_of, issue, ds=ds, cells=None if (issue or actor) else cells)
    if lines:
        print()
    for slug, line in lines:
        print(f"{slug}: {line}")
    waiting = views.demand_rows(db, open_only=True, as_of=as_of, issues_=issue, ds=ds)
    if waiting:
        print("\nopen demands:")
        for d in waiting:
            print(f"  {d['actor']} {d['stance']} {d['issue']} since {d['date']}: waiting {d['waiting_days']} days")
    return 0


def articles(
    search: Annotated[Optional[str], typer.Option("--search", "-s", help="Full-text search over titles and text.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="At most this many.", min=1)] = None,
    json_: JsonOpt = False,
    nl: NlOpt = False,
    csv_: CsvOpt = False,
):
    """List stored articles (optionally a full-text search).

    Example:  negtrack articles --search "written response"
    """
    from negtrack import output, views
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    db = open_db(create=False)
    rows = views.articles(db, search, limit)
    if search and (missed := views.unsearchable(db)):
        output.warn(f"{missed} article(s) are not in the search index yet and the store is read-only: "
                    "the search leaves them out")
    output.emit(rows, fmt, ["id", "published", "title", "positions", "path"] if fmt == "table" else None,
                title="articles")
    return 0


def show(
    article: Annotated[str, typer.Argument(help="Article id, content-hash prefix or path as added.", show_default=False)],
    json_: JsonOpt = False,
):
    """Show one article: metadata, a text excerpt, and its positions with evidence.

    Example:  negtrack show 3
    """
    from negtrack import output, views
    from negtrack.cli import open_db

    data = views.show(open_db(create=False), article)
    if json_:
        output.emit([data], "nl")
        return 0
    import sys

    for key in ("id", "title", "source", "published", "published_rule", "path", "url", "codebook", "added", "chars"):
        if data.get(key) is not None:
            print(f"{key:>15}: {data[key]}")
    print(f"\n{data['excerpt']}\n")
    sys.stdout.flush()
    output.emit(data["positions"], "table",
                ["id", "date", "actor", "stance", "issue", "speaker", "evidence", "status"], title="positions")
    return 0


def export(
    format_: Annotated[str, typer.Option("--format", "-f", help="jsonl, json or csv.")] = "jsonl",
    output_file: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
):
    """Export every position with its article, in the contract's field names.

    Example:  negtrack export --format jsonl > positions.jsonl
    """
    from negtrack import output, store
    from negtrack.cli import open_db
    from negtrack.errors import UsageError

    fmts = {"jsonl": "nl", "json": "json", "csv": "csv"}
    if format_ not in fmts:
        raise UsageError(f"--format must be one of jsonl, json, csv (got {format_!r})")
    db = open_db(create=False)
    rows = store.export_rows(db)
    with output.open_output(output_file) as stream:
        n = output.emit(rows, fmts[format_], store.EXPORT_FIELDS, stream=stream)
    if output_file:
        output.say(f"exported {n} position(s) to {output_file}")
    return 0


def register(app: typer.Typer) -> None:
    app.command()(timeline)
    app.command()(status)
    app.command()(articles)
    app.command()(show)
    app.command()(export)
