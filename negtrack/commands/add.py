"""`add`, `reprocess` and `explain`: articles in, positions out."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from negtrack.commands import JsonOpt, check_published

CodebookOpt = Annotated[
    Optional[str],
    typer.Option("--codebook", "-c", help="Codebook name or TOML path (default: $NEGTRACK_CODEBOOK, else russia-nato-2022)."),
]


def _progress_bar(total: int):
    """A progress callback for stderr: a rich bar on a terminal, nothing otherwise."""
    from negtrack.cli import SETTINGS

    if SETTINGS.quiet or total < 2 or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task("adding", total=total)

    def advance(path: str):
        progress.update(task, advance=1, description=path[-40:])

    return progress, advance


JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="Extract in this many processes (0: one per CPU).", min=0)]
AddJobsOpt = Annotated[Optional[int], typer.Option(
    "--jobs", "-j", show_default=False,
    help="Extract in this many processes (0: one per CPU; default: one per CPU for a batch of 128 KB or more, else 1).",
    min=0)]


def add(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files, directories (searched recursively) or - for stdin.", show_default=False)] = None,
    codebook: CodebookOpt = None,
    published: Annotated[Optional[str], typer.Option("--published", help="Publication date (YYYY-MM-DD), overriding the file's.", callback=check_published)] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title, overriding the file's.")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Source (publisher), overriding the file's.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="URL, overriding the file's.")] = None,
    max_bytes: Annotated[Optional[int], typer.Option("--max-bytes", help="Refuse files larger than this (default: $NEGTRACK_MAX_BYTES, else 20 MB).")] = None,
    jobs: AddJobsOpt = None,
    from_positions: Annotated[Optional[str], typer.Option("--from-positions", help="Load the output of `negtrack extract` (a file or - for stdin) instead of extracting.")] = None,
):
    """Add articles: read them, extract positions, store both.

    Re-adding the same content changes nothing. Formats: plain text, a
    `Key: value` header block, Markdown with front matter, saved HTML, JSON
    Lines of {"text", "title", "url", "published"} records. A batch of 128 KB
    or more is extracted in one process per CPU, --jobs N sets how many (the
    store is the same as with one); --from-positions
    loads articles and positions extracted elsewhere by `negtrack extract`.

    Example:  negtrack add articles/ --codebook us-debt-ceiling-2023 --jobs 2
    """
    from negtrack import codebook as cb
    from negtrack import ingest, output
    from negtrack.cli import open_db
    from negtrack.errors import ExitCode, InputError, UsageError
    from negtrack.read import iter_paths

    if from_positions is not None:
        if paths:
            raise UsageError("give either PATH... or --from-positions, not both")
        return _add_from_positions(from_positions, codebook)
    if not paths:
        raise UsageError("nothing to add: give files, directories or - (see `negtrack add --help`)")
    book = cb.load(codebook)
    if len(paths) == 1:
        files, unreadable = list(iter_paths(paths)), []
    else:
        # In a batch a missing path or an empty folder is skipped like a bad file
        # (a file can vanish between a cron job's glob and its run).
        files, unreadable = [], []
        for p in paths:
            try:
                files += iter_paths([p])
            except InputError as e:
                unreadable.append(ingest.Skipped(p, str(e)))
    # The store is opened by whoever writes first: with workers, while they
    # start extracting (creating a new store costs about 0.07 s).
    db = open_db(later=True)
    bar, advance = _progress_bar(len(files))
    overrides = ingest.Overrides(published=published, title=title, source=source, url=url)
    if jobs == 0 or jobs is None and len(files) > 1:  # one file: no need to import multiprocessing
        from negtrack.parallel import auto_jobs, default_jobs

        jobs = default_jobs() if jobs == 0 else auto_jobs(files)
    jobs = jobs or 1
    if bar:
        with bar:
            result = ingest.add_paths(db, files, book, overrides, progress=advance, max_bytes=max_bytes, jobs=jobs)
    else:
        result = ingest.add_paths(db, files, book, overrides, max_bytes=max_bytes, jobs=jobs)
    result.skipped[:0] = unreadable
    if result.skipped and len(files) + len(unreadable) == 1 and not result.added and not result.unchanged:
        # One file named alone that cannot be read is an error, not a batch with a skip: one line.
        raise InputError(result.skipped[0].reason)
    for s in result.skipped:
        output.warn(f"skipped {s.reason}")
    if result.undated:
        output.warn(f"no publication date found for {len(result.undated)} article(s) "
                    f"(e.g. {result.undated[0]}); relative dates left unresolved — pass --published")
    output.say(
        f"added {len(result.added)} article(s) with {result.positions} position(s); "
        f"{len(result.unchanged)} unchanged; {len(result.skipped)} skipped"
    )
    if result.skipped:
        if len(files) + len(unreadable) == 1 and not result.added and not result.unchanged:
            return int(ExitCode.INPUT)
        return int(ExitCode.PARTIAL)
    return 0


def _add_from_positions(source: str, codebook: str | None) -> int:
    """`add --from-positions`: store what `negtrack extract` wrote, streaming it line by line."""
    from negtrack import codebook as cb
    from negtrack import ingest, output, parallel
    from negtrack.cli import open_db
    from negtrack.errors import ExitCode, InputError

    cache: dict = {}

    def book_for(name):
        key = codebook or name
        if key not in cache:
            cache[key] = cb.load(key)
        return cache[key]

    try:
        stream = sys.stdin if source == "-" else open(source, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{source}: cannot read ({e.strerror or e})") from None
    db = open_db()
    result = ingest.AddResult()
    with stream:
        mismatched = parallel.load_records(db, stream, book_for, result)
    for name, was, now in sorted(mismatched):
        output.warn(f"positions were extracted with {name} {was}; the store records {name} {now}")
    for s in result.skipped:
        output.warn(f"skipped {s.reason}")
    output.say(
        f"added {len(result.added)} article(s) with {result.positions} position(s); "
        f"{len(result.unchanged)} unchanged; {len(result.skipped)} skipped"
    )
    return int(ExitCode.PARTIAL) if result.skipped else 0


def reprocess(
    articles: Annotated[Optional[list[str]], typer.Argument(help="Article ids (default: all).", show_default=False)] = None,
    codebook: CodebookOpt = None,
):
    """Re-run extraction over stored articles (after a codebook or engine change).

    Analyst work (confirmed, edited, rejected, manual positions) is kept as it is.

    Example:  negtrack reprocess --codebook russia-nato-2022
    """
    from negtrack import codebook as cb
    from negtrack import ingest, output, views
    from negtrack.cli import open_db

    db = open_db(create=False)
    ids = [views.find_article(db, a)["id"] for a in articles] if articles else None
    cache: dict = {}

    def book_for(name):
        if name not in cache:
            cache[name] = cb.load(name)
        return cache[name]

    result = ingest.reprocess(db, book_for, ids, codebook=codebook)
    output.say(f"reprocessed {result.articles} article(s): {result.added} position(s) new, {result.removed} gone")
    return 0


def explain(
    path: Annotated[str, typer.Argument(help="An article file, or - for stdin.", show_default=False)],
    codebook: CodebookOpt = None,
    published: Annotated[Optional[str], typer.Option("--published", help="Publication date (YYYY-MM-DD).", callback=check_published)] = None,
    json_: JsonOpt = False,
):
    """Run the pipeline on one article without storing it, showing what was found and why.

    Example:  negtrack explain article.txt --published 2022-02-14 --json
    """
    from negtrack import codebook as cb
    from negtrack import explain as ex
    from negtrack import read
    from negtrack.errors import UsageError

    book = cb.load(codebook)
    articles = read.read_path(path)
    if len(articles) != 1:
        raise UsageError(f"{path}: explain takes one article, this file holds {len(articles)}")
    article = read.apply_overrides(articles[0], published=published)
    report = ex.explain(article, book)
    if json_:
        import json

        print(json.dumps(ex.as_json(report), ensure_ascii=False, indent=1))
    else:
        ex.print_text(report)
    return 0


def register(app: typer.Typer) -> None:
    app.command()(add)
    app.command()(reprocess)
    app.command()(explain)
