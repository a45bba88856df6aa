"""Main text and metadata from a saved HTML page, with ``html.parser`` only.

Design decisions:

* Boilerplate containers are dropped whole: script, style, nav, header,
  footer, aside, noscript, form, template, svg, iframe, button, select,
  anything hidden (``hidden``, ``aria-hidden``, ``display:none``) and ARIA
  page-chrome roles (navigation, banner, contentinfo, complementary …).
  Even a ``<header>`` inside an ``<article>`` goes: it holds the headline
  and byline, which we read as metadata anyway.
* If the page has ``<article>`` elements the one with the most text is the
  article; else ``<main>``; else the whole ``<body>``. Sites that wrap every
  teaser in ``<article>`` still work because the real story is the longest.
* Whitespace inside a block collapses to single spaces as a browser would
  (except in ``<pre>``); ``<br>`` is a line break; block elements (p, h1–h6,
  li, blockquote, div, tr …) become paragraphs separated by one blank line.
  Entities are unescaped by the parser (``convert_charrefs``).
* Metadata: title from og:title, else ``<title>``, else the first ``<h1>``;
  published date candidates in order article:published_time,
  og:published_time, meta date/pubdate/publishdate/dc.date (and a few common
  variants), JSON-LD ``datePublished``, then ``<time datetime>``. The caller
  takes the first candidate that parses. URL from ``<link rel=canonical>``
  or og:url; source from og:site_name; author from meta author or JSON-LD.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from negtrack import rx

_SKIP = frozenset(
    "script style nav header footer aside noscript form template svg iframe "
    "button select head object embed canvas dialog".split()
)
_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre section article "
    "main table tr figcaption figure address hr body center details summary".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())

_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
)


_HIDDEN_STYLE = rx.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOILERPLATE_ROLES = frozenset("navigation banner contentinfo complementary search menu dialog".split())


def _hidden(a: dict) -> bool:
    """An element a reader never sees, or one whose ARIA role is page chrome."""
    return (
        "hidden" in a
        or a.get("aria-hidden", "").lower() == "true"
        or bool(_HIDDEN_STYLE.search(a.get("style", "")))
        or a.get("role", "").lower() in _BOILERPLATE_ROLES
    )


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip_depth = 0  # >0 while inside a dropped container
        self.pre_depth = 0
        # Paragraphs: (text, index of the enclosing <article> or None, inside <main>)
        self.paragraphs: list[tuple[str, int | None, bool]] = []
        self.buf: list[str] = []
        self.article_stack: list[int] = []
        self.article_count = 0
        self.main_depth = 0
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] | None = None
        self.title: str | None = None
        self.h1: str | None = None
        self.h1_parts: list[str] | None = None
        self.canonical: str | None = None
        self.jsonld: list[str] = []
        self.jsonld_buf: list[str] | None = None
        self.times: list[tuple[bool, str]] = []  # (marked as publication, datetime)

    # -- paragraphs -----------------------------------------------------
    def _flush(self) -> None:
        raw = "".join(self.buf)
        self.buf = []
        if self.pre_depth:
            text = raw.replace("\x00", "").strip("\n")
        else:
            lines = [" ".join(part.split()) for part in raw.split("\n\x00")]
            text = "\n".join(line for line in lines if line)
        if text.strip():
            art = self.article_stack[-1] if self.article_stack else None
            self.paragraphs.append((text, art, self.main_depth > 0))

    # -- parser callbacks -----------------------------------------------
    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"].strip()
            return
        if tag == "link":
            rels = a.get("rel", "").lower().split()
            if "canonical" in rels and a.get("href") and not self.canonical:
                self.canonical = a["href"].strip()
            return
        if tag == "title" and self.title is None:
            self.title_parts = []
            return
        if tag == "script" and "ld+json" in a.get("type", "").lower():
            self.jsonld_buf = []
        if tag == "time" and a.get("datetime"):
            marked = "pubdate" in a or a.get("itemprop", "").lower() == "datepublished"
            self.times.append((marked, a["datetime"].strip()))
        if tag in _VOID:
            if tag == "br" and not self.skip_depth:
                self.buf.append("\n\x00")
            elif tag == "hr" and not self.skip_depth:
                self._flush()
            return
        if tag == "body" and "head" in self.stack:
            self.handle_endtag("head")  # <head> left open: the body starts here
        self.stack.append(tag)
        if self.skip_depth or tag in _SKIP or _hidden(a):
            self.skip_depth += 1
            return
        if tag in _BLOCK:
            self._flush()
        if tag in ("td", "th"):
            self.buf.append(" ")  # cells of a row stay apart
        if tag == "h1" and self.h1 is None:
            self.h1_parts = []
        if tag == "pre":
            self.pre_depth += 1
        if tag == "article":
            self.article_count += 1
            self.article_stack.append(self.article_count)
        if tag == "main":
            self.main_depth += 1

    def handle_startendtag(self, tag, attrs):
        if tag in _VOID:
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title" and self.title_parts is not None:
            self.title = " ".join("".join(self.title_parts).split()) or None
            self.title_parts = None
            return
        if tag == "script" and self.jsonld_buf is not None:
            self.jsonld.append("".join(self.jsonld_buf))
            self.jsonld_buf = None
        if tag in _VOID or tag not in self.stack:
            return  # stray end tag: ignore, as browsers do
        # Pop up to and including the matching open tag (implicitly closing
        # unclosed children such as <p> or <li>).
        while self.stack:
            open_tag = self.stack.pop()
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in _BLOCK:
            self._flush()
        if tag == "h1" and self.h1_parts is not None:
            self.h1 = " ".join("".join(self.h1_parts).split()) or None
            self.h1_parts = None
        if tag == "pre" and self.pre_depth:
            self.pre_depth -= 1
        if tag == "article" and self.article_stack:
            self.article_stack.pop()
        if tag == "main" and self.main_depth:
            self.main_depth -= 1

    def handle_data(self, data):
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.jsonld_buf is not None:
            self.jsonld_buf.append(data)
            return
        if self.skip_depth:
            return
        self.buf.append(data)
        if self.h1_parts is not None:
            self.h1_parts.append(data)

    def close(self):
        super().close()
        while self.stack:
            self._close(self.stack.pop())
        self._flush()


def _walk_jsonld(obj, found: dict) -> None:
    if isinstance(obj, list):
        for item in obj:
            _walk_jsonld(item, found)
    elif isinstance(obj, dict):
        for key in ("datePublished", "dateCreated"):
            if isinstance(obj.get(key), str):
                found.setdefault(key, obj[key])
        if isinstance(obj.get("headline"), str):
            found.setdefault("headline", obj["headline"])
        author = obj.get("author")
        if isinstance(author, list) and author:
            author = author[0]
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            found.setdefault("author", author["name"])
        elif isinstance(author, str):
            found.setdefault("author", author)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            found.setdefault("publisher", publisher["name"])
        for value in obj.values():
            if isinstance(value, (list, dict)):
                _walk_jsonld(value, found)


def extract(text: str) -> dict:
    """Parse an HTML page; returns text plus metadata candidates.

    Keys: ``text``, ``title``, ``url``, ``source``, ``author`` and
    ``dates`` (a list of raw date strings, best first).
    """
    p = _Extractor()
    p.feed(text)
    p.close()

    by_article: dict[int, list[str]] = {}
    for para, art, _ in p.paragraphs:
        if art is not None:
            by_article.setdefault(art, []).append(para)
    if by_article:
        chosen = max(by_article.values(), key=lambda paras: sum(len(x) for x in paras))
    else:
        in_main = [para for para, _, main in p.paragraphs if main]
        chosen = in_main or [para for para, _, _ in p.paragraphs]
    body = "\n\n".join(chosen)

    ld: dict = {}
    for blob in p.jsonld:
        try:
            _walk_jsonld(json.loads(blob), ld)
        except ValueError:
            continue

    meta = p.meta
    dates = [meta[k] for k in _META_DATE_KEYS if meta.get(k)]
    if ld.get("datePublished"):
        dates.append(ld["datePublished"])
    dates += [dt for marked, dt in p.times if marked]
    dates += [dt for marked, dt in p.times if not marked]

    author = meta.get("author") or meta.get("dc.creator") or ld.get("author")
    if author and author.startswith(("http://", "https://")):
        author = ld.get("author")
    return {
        "text": body,
        "title": meta.get("og:title") or p.title or ld.get("headline") or p.h1,
        "url": p.canonical or meta.get("og:url"),
        "source": meta.get("og:site_name") or ld.get("publisher"),
        "author": author,
        "dates": dates,
    }
