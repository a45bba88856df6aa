"""The tracker's nouns and news: actors, issues, demands, changes, report."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from negtrack.commands import CsvOpt, JsonOpt, NlOpt

AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="As things stood on this date (default: the latest news in the store).")]


def actors(json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False):
    """Each party with its people, how many positions it holds and on which issues.

    Example:  negtrack actors --json
    """
    from negtrack import output, views
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    rows = views.actors(open_db(create=False))
    if fmt in ("table", "csv"):
        rows = [{**r, "people": ", ".join(r["people"]), "issues": ", ".join(r["issues"])} for r in rows]
    output.emit(rows, fmt, ["codebook", "id", "name", "people", "positions", "issues"] if fmt == "table" else None,
                title="actors")
    return 0


def issues(as_of: AsOfOpt = None, json_: JsonOpt = False, nl: NlOpt = False, csv_: CsvOpt = False):
    """Each issue with its proposition and where it stands.

    Example:  negtrack issues --as-of 2022-02-14
    """
    from negtrack import output, views
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    rows = views.issues(open_db(create=False), views.check_date(as_of, "--as-of"))
    output.emit(rows, fmt, ["slug", "title", "positions", "stands"] if fmt == "table" else None, title="issues")
    return 0


def demands(
    open_: Annotated[bool, typer.Option("--open", help="Only demands still waiting for an answer.")] = False,
    issue: Annotated[Optional[list[str]], typer.Option("--issue", "-i", help="Only this issue (repeatable).")] = None,
    as_of: AsOfOpt = None,
    json_: JsonOpt = False,
    nl: NlOpt = False,
    csv_: CsvOpt = False,
):
    """Each standing demand or proposal, the answers it got, and how long an open one has waited.

    Example:  negtrack demands --open --as-of 2022-02-14
    """
    from negtrack import output, views
    from negtrack.cli import open_db

    fmt = output.pick_format(json_, nl, csv_)
    rows = views.demand_rows(open_db(create=False), open_, views.check_date(as_of, "--as-of"), issue)
    if fmt in ("table", "csv"):
        rows = [{**r, "answers": "; ".join(f"{a['actor']} {a['stance']} {a['date']}" for a in r["answers"])}
                for r in rows]
    output.emit(rows, fmt, ["issue", "actor", "stance", "date", "sources", "answers", "waiting_days"]
                if fmt == "table" else None, title="demands")
    return 0


def changes(
    since: Annotated[str, typer.Option("--since", help="A date (YYYY-MM-DD) or 'last' (the previous `changes` run).")] = "last",
    json_: JsonOpt = False,
    nl: NlOpt = False,
    csv_: CsvOpt = False,
):
    """Positions added and stance changes since a date or since the last run.

    With -q nothing is printed and the exit code says it all: 0 nothing
    changed, 10 something changed (so cron mails only on change).

    Example:  negtrack -q changes --since last || mail -s "negotiation moved" me@example.org
    """
    from negtrack import changes as ch
    from negtrack import output
    from negtrack.cli import SETTINGS, open_db
    from negtrack.errors import ExitCode

    fmt = output.pick_format(json_, nl, csv_)
    result = ch.changes(open_db(create=False), since)
    something = bool(result["added"] or result["changed"])
    if SETTINGS.quiet:
        return int(ExitCode.CHANGED) if something else 0
    if fmt == "json":
        import json

        print(json.dumps(result, ensure_ascii=False, indent=1))
    elif fmt in ("nl", "csv"):
        rows = [{"kind": "changed", **c} for c in result["changed"]] + [{"kind": "added", **a} for a in result["added"]]
        output.emit(rows, fmt, ["kind", "issue", "actor", "before", "after", "date", "stance", "id", "evidence",
                                "article_path", "created"])
    else:
        print(f"since {result['since'] or 'the beginning'}: {len(result['added'])} position(s) added, "
              f"{len(result['changed'])} stance change(s)")
        for c in result["changed"]:
            print("  " + ch.describe(c))
        if result["added"]:
            output.emit(result["added"], "table", ["date", "actor", "stance", "issue", "evidence"], title="added")
    return 0


def report(
    format_: Annotated[str, typer.Option("--format", "-f", help="html or md.")] = "html",
    output_file: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
    as_of: AsOfOpt = None,
    title: Annotated[str, typer.Option("--title", help="The report's title.")] = "negtrack report",
    codebook: Annotated[Optional[str], typer.Option("--codebook", "-c", help="Only this negotiation (codebook name).")] = None,
):
    """A self-contained report: status table, per-issue timelines and an SVG chart.

    Example:  negtrack report --format html -o report.html
    """
    from negtrack import output
    from negtrack import report as rep
    from negtrack import views
    from negtrack.cli import open_db
    from negtrack.errors import UsageError

    if format_ not in ("html", "md"):
        raise UsageError(f"--format must be html or md (got {format_!r})")
    data = rep.build(open_db(create=False), views.check_date(as_of, "--as-of"), title, codebook)
    text = rep.to_html(data) if format_ == "html" else rep.to_markdown(data)
    with output.open_output(output_file) as stream:
        stream.write(text + "\n")
    if output_file:
        output.say(f"wrote {output_file}")
    return 0


def register(app: typer.Typer) -> None:
    app.command()(actors)
    app.command()(issues)
    app.command()(demands)
    app.command()(changes)
    app.command()(report)
