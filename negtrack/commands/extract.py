"""`extract`: JSON Lines of articles on stdin, their positions as JSON Lines on stdout.

Design decisions:

* A filter with no store: each output line is a pure function of one input
  line and the codebook, so any engine that runs a command over lines (Dask,
  Spark's ``RDD.pipe``, GNU parallel) can spread it over cores or machines;
  ``negtrack add --from-positions`` then loads the result with one writer.
* Output lines come in input order. A bad input line is warned about on
  stderr and skipped (exit code 11 at the end), like a bad file in ``add``.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from negtrack.commands import check_published
from negtrack.commands.add import CodebookOpt, JobsOpt


def extract(
    codebook: CodebookOpt = None,
    jobs: JobsOpt = 1,
    published: Annotated[Optional[str], typer.Option("--published", help="Publication date (YYYY-MM-DD), overriding each record's.", callback=check_published)] = None,
):
    """Extract positions from JSON Lines articles on stdin; write them as JSON Lines on stdout.

    Input: one {"text", "title", "url", "published", "path", ...} record a
    line. Output: one line per article with the article as stored, its hash,
    the codebook and its positions; load it with `negtrack add --from-positions`.

    Example:  negtrack extract --codebook us-debt-ceiling-2023 < articles.jsonl > positions.jsonl
    """
    import json

    from negtrack import codebook as cb
    from negtrack import ingest, output, parallel
    from negtrack.errors import ExitCode

    book = cb.load(codebook)
    if jobs == 0:
        jobs = parallel.default_jobs()
    overrides = ingest.Overrides(published=published) if published else None
    skipped = 0
    out = sys.stdout
    for rec, error in parallel.extract_lines(sys.stdin, book, jobs=jobs, overrides=overrides):
        if error:
            output.warn(f"skipped {error}")
            skipped += 1
            continue
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()
    return int(ExitCode.PARTIAL) if skipped else 0


def register(app: typer.Typer) -> None:
    app.command()(extract)
