"""``negtrack add`` and ``negtrack reprocess`` as library functions.

Design decisions:

* A batch never stops at one bad file: each unreadable file becomes a
  ``Skipped`` entry (the CLI warns and exits non-zero at the end) and the rest
  are stored. A single bad file given alone is just a batch of one.
* Known content is detected by hash *before* extraction, so re-adding a big
  folder costs little more than reading it.
* Each article is committed on its own, so an interrupted batch keeps every
  article finished before the interruption, complete with its positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from negtrack.errors import InputError
from negtrack.models import Article


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class AddResult:
    added: list[int] = field(default_factory=list)  # article ids
    unchanged: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    positions: int = 0
    undated: list[str] = field(default_factory=list)  # paths with no publication date found


@dataclass
class Overrides:
    published: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None


def add_article(db, article: Article, book, result: AddResult) -> None:
    from negtrack import pipeline, store

    existing = store.find_article_id(db, article.content_hash)
    if existing is not None:
        result.unchanged.append(existing)
        return
    extraction = pipeline.extract(article, book, trace=False)
    article_id, created = store.save_article(db, article, extraction, book)
    record_saved(result, article, extraction, article_id, created)


def record_saved(result: AddResult, article: Article, extraction, article_id: int, created: bool) -> None:
    """Count one ``save_article`` outcome (shared with the parallel writer)."""
    if created:
        result.added.append(article_id)
        result.positions += len(extraction.positions)
        if not (extraction.published or article.published):
            result.undated.append(article.path or "-")
    else:  # another process stored it between our check and our write
        result.unchanged.append(article_id)


def add_paths(db, paths: list[str], book, overrides: Overrides | None = None,
              progress: Callable[[str], None] | None = None, max_bytes: int | None = None,
              jobs: int = 1) -> AddResult:
    """Read, extract and store every article under ``paths``.

    ``db`` is the store, or a function that opens it: then it is opened only
    when needed, so with workers the store opens while they start.
    ``jobs > 1`` extracts in that many worker processes (``negtrack.parallel``);
    this process still writes everything, in the same order, so the store is
    the same as with ``jobs=1``.
    """
    from negtrack import read

    overrides = overrides or Overrides()
    result = AddResult()
    files = list(read.iter_paths(paths))
    if jobs > 1 and len(files) > 1:
        from negtrack import parallel

        parallel.add_paths(db, files, book, overrides, result, progress=progress, max_bytes=max_bytes, jobs=jobs)
        return result
    if callable(db):
        db = db()
    for path in files:
        if progress:
            progress(path)
        try:
            articles = read.read_path(path, max_bytes=max_bytes)
            articles = [
                read.apply_overrides(a, published=overrides.published, title=overrides.title,
                                     source=overrides.source, url=overrides.url)
                for a in articles
            ]
        except InputError as e:
            result.skipped.append(Skipped(path, str(e)))
            continue
        for article in articles:
            add_article(db, article, book, result)
    from negtrack import store

    store.index_pending(db)
    return result


@dataclass
class ReprocessResult:
    articles: int = 0
    removed: int = 0
    added: int = 0


def reprocess(db, book_for: Callable[[str | None], object], article_ids: list[int] | None = None,
              codebook: str | None = None, progress: Callable[[str], None] | None = None) -> ReprocessResult:
    """Re-run extraction over stored articles; analyst work is kept as it is."""
    from negtrack import pipeline, store

    sql = "SELECT id, hash, path, title, source, url, author, published, published_rule, format, encoding, codebook, text FROM articles"
    params: list = []
    if article_ids:
        sql += f" WHERE id IN ({','.join('?' * len(article_ids))})"
        params = list(article_ids)
    sql += " ORDER BY id"
    result = ReprocessResult()
    rows = db.execute(sql, params).fetchall()
    for row in rows:
        (aid, h, path, title, source, url, author, published, rule, fmt, enc, cb_name, text) = row
        book = book_for(codebook or cb_name)
        if progress:
            progress(path or str(aid))
        article = Article(text=text, path=path, title=title, source=source, url=url, author=author,
                          published=published, published_rule=rule, format=fmt or "text", encoding=enc)
        extraction = pipeline.extract(article, book, trace=False)
        removed, added = store.replace_auto_positions(db, aid, h, extraction.positions, book)
        result.articles += 1
        result.removed += removed
        result.added += added
    return result
