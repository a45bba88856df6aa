"""`negtrack explain`: the pipeline's reading of one article, without storing it.

Design: ``explain`` is ``pipeline.extract`` plus presentation. The JSON form is
a contract (``published``, ``dates`` with ``text/start/end/value/precision``,
``positions`` with offsets into the article text as read, and ``sentences``
with what matched and which rule fired), so it can be used to debug a
codebook from a script.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass

from negtrack.models import CAMEO, Article, Extraction


@dataclass
class Explanation:
    article: Article
    extraction: Extraction


def explain(article: Article, book) -> Explanation:
    from negtrack import pipeline

    return Explanation(article, pipeline.extract(article, book, trace=True))


def as_json(report: Explanation) -> dict:
    ex = report.extraction
    return {
        "published": ex.published,
        "published_rule": report.article.published_rule if report.article.published else None,
        "title": report.article.title,
        "dates": [
            {"text": t.text, "start": t.start, "end": t.end, "value": t.value, "precision": t.precision}
            for t in ex.dates
        ],
        "positions": [dict(asdict(p), cameo=CAMEO.get(p.stance, "")) for p in ex.positions],
        "sentences": ex.trace,
    }


def print_text(report: Explanation, stream=None) -> None:
    """Sentence by sentence: the text, what matched, and the positions it gave."""
    from rich.console import Console
    from rich.markup import escape

    from negtrack.output import STANCE_COLOURS

    console = Console(file=stream or sys.stdout, highlight=False)
    ex = report.extraction
    console.print(f"[bold]{escape(report.article.title or report.article.path or '-')}[/bold]")
    console.print(f"published: {ex.published or 'unknown'}"
                  + (f" (from {report.article.published_rule})" if report.article.published_rule else ""))
    console.print(f"dates found: {len(ex.dates)}; positions: {len(ex.positions)}\n")
    by_sentence: dict[int, list] = {}
    for p in ex.positions:
        by_sentence.setdefault(p.start, []).append(p)
    shown = 0
    for entry in ex.trace:
        if not any(entry.get(k) for k in ("actors", "issues", "cues", "stances", "positions", "dates")):
            continue
        shown += 1
        start, end = entry.get("start"), entry.get("end")
        text = report.article.text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
        console.print(f"[dim]{entry.get('start')}–{entry.get('end')}[/dim] {escape(' '.join(str(text).split()))}")
        for key, value in entry.items():
            if key in ("sentence", "text", "start", "end", "positions") or not value:
                continue
            console.print(f"    [cyan]{key}[/cyan]: {escape(_flat(value))}")
        for p in entry.get("positions", []) or []:
            stance = p.get("stance", "") if isinstance(p, dict) else (p[2] if isinstance(p, (list, tuple)) and len(p) > 2 else "")
            colour = STANCE_COLOURS.get(stance, "")
            line = escape(_flat(p))
            console.print(f"    [bold]→[/bold] [{colour}]{line}[/{colour}]" if colour else f"    → {line}")
        console.print()
    if not shown:
        for p in ex.positions:
            console.print(f"→ {p.actor} {p.stance} {p.issue} {p.date or ''}: {escape(p.evidence[:120])}")


def _flat(value) -> str:
    """A trace value on one line: tuples as 'a b c', lists joined by '; '."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (list, tuple)) for v in value):
        return "; ".join(" ".join(" ".join(str(x).split()) for x in v) for v in value)
    if isinstance(value, (list, tuple)):
        return " ".join(" ".join(str(x).split()) for x in value)
    return " ".join(str(value).split())
