"""Reading article files into ``Article`` records.

Public API: ``read_path``, ``read_bytes``, ``iter_paths``, ``apply_overrides``
and ``MAX_BYTES_DEFAULT``. Helpers live in ``read_decode`` (bytes → str),
``read_html`` (saved web pages) and ``read_dates`` (publication dates).

Design decisions:

* **Formats are detected by content, helped by the extension.** ``.jsonl``/
  ``.ndjson``/``.json`` are records; ``.html``/``.htm`` are pages, as is any
  file that looks like HTML; a leading ``---`` line with a closing ``---``
  is YAML front matter (format "markdown", whatever the extension); a block
  of ``Key: value`` lines ending in a blank line, with at least one known
  key (Title, Source, URL, Published/Date, Author), is a header (format
  "header"); anything else is plain text ("markdown" for ``.md`` files).
  A file whose first line is a JSON object with a text field is read as
  JSON Lines even without the extension.
* **Stored text keeps its original line breaks.** Nothing is rewrapped or
  rendered (Markdown stays Markdown): evidence offsets point into exactly
  what was read. The only changes are: BOM removed; CRLF and lone CR become
  "\\n"; NUL bytes removed (with a warning, see ``read_decode``); Unicode
  NFC normalisation, so that "é" typed as one code point or two matches the
  same codebook term and hashes the same; leading blank lines and trailing
  whitespace of the whole text removed. Header lines and front matter are
  not part of the stored text. HTML is the one format whose text is derived
  (paragraphs separated by a blank line).
* **Size limit** ``MAX_BYTES_DEFAULT`` (20 MiB) guards memory: a regular
  file is measured with ``stat`` before it is opened, and at most
  limit + 1 bytes are ever read (stdin, pipes, growing files). Override it
  with the ``max_bytes`` argument or the ``NEGTRACK_MAX_BYTES`` environment
  variable (bytes, or with a K/M/G suffix).
* **Publication date precedence:** metadata in the file (header
  "header", front matter "front-matter", HTML "html-meta", JSON record
  "json"), then a dateline in the first lines of the text ("dateline"), then
  a date in the file name ("filename"); ``apply_overrides`` puts a
  command-line value ("option") above all. A user-written metadata date
  that does not exist or cannot be read is an error naming the file and the
  field; in scraped HTML a bad candidate is skipped for the next one.
* Warnings (NUL bytes removed, bytes replaced, bad HTML dates) go through
  ``negtrack.output.warn`` to stderr; errors are one-line ``InputError``s that name
  the file as the user gave it ("stdin" for "-").
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator

from negtrack import rx
from negtrack.errors import InputError, UsageError
from negtrack.models import Article
from negtrack.read_dates import ImpossibleDate, dateline_date, filename_date, parse_date
from negtrack.read_decode import decode, printable, warn

MAX_BYTES_DEFAULT = 20 * 1024 * 1024
MAX_BYTES_ENV = "NEGTRACK_MAX_BYTES"

JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson", ".json"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd"})

# Extensions that are never articles: skipped when expanding a directory
# (a file named explicitly is still read, and rejected by its content).
BINARY_EXTENSIONS = frozenset(
    """.pdf .png .jpg .jpeg .gif .bmp .tif .tiff .webp .ico .svgz .heic
    .zip .gz .tgz .bz2 .xz .7z .rar .tar .zst .lz4
    .doc .docx .xls .xlsx .ppt .pptx .odt .ods .odp .epub .rtf
    .exe .dll .so .dylib .o .a .class .jar .pyc .pyo .whl .egg
    .db .sqlite .sqlite3 .db-journal .db-wal .db-shm
    .mp3 .mp4 .m4a .wav .ogg .flac .avi .mov .mkv .webm
    .woff .woff2 .ttf .otf .eot .bin .dat .iso .dmg .pkl .npy .npz .parquet""".split()
)

# --- size limit ----------------------------------------------------------

_SIZE = rx.compile(r"\s*(\d+)\s*([kmg]i?b?)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def resolve_max_bytes(max_bytes: int | None = None) -> int:
    """The size limit in bytes: argument, else $NEGTRACK_MAX_BYTES, else default."""
    if max_bytes is not None:
        if max_bytes <= 0:
            raise UsageError(f"size limit must be a positive number of bytes, not {max_bytes}")
        return max_bytes
    raw = os.environ.get(MAX_BYTES_ENV)
    if raw is None or not raw.strip():
        return MAX_BYTES_DEFAULT
    m = _SIZE.fullmatch(raw)
    value = int(m[1]) * _UNITS[(m[2] or "")[:1].lower()] if m else 0
    if value <= 0:
        raise UsageError(f"{MAX_BYTES_ENV}={raw!r}: not a size (bytes, or with a K/M/G suffix)")
    return value


def _human(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def _too_large(label: str, size: int | None, limit: int) -> InputError:
    what = f"{_human(size)}" if size is not None else f"more than {_human(limit)}"
    return InputError(
        f"{label}: too large ({what}; limit {_human(limit)}, set {MAX_BYTES_ENV} to change it)"
    )


def _label(name: str) -> str:
    return "stdin" if name == "-" else name


# --- public API ----------------------------------------------------------


def read_path(path: str, *, max_bytes: int | None = None) -> list[Article]:
    """Read one file (a JSON Lines file may yield many articles); "-" is stdin."""
    limit = resolve_max_bytes(max_bytes)
    if path == "-":
        return read_bytes(_read_stdin(limit), "-", max_bytes=limit)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory, not an article file")
    if stat.S_ISREG(st.st_mode) and st.st_size > limit:
        raise _too_large(path, st.st_size, limit)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    return read_bytes(data, path, max_bytes=limit)


def _read_stdin(limit: int) -> bytes:
    """At most limit + 1 bytes of stdin, in chunks: one big ``read(limit + 1)``
    costs about twice the limit in memory even when the input is refused."""
    chunks, size = [], 0
    while size <= limit:
        chunk = sys.stdin.buffer.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise _too_large("stdin", None, limit)
    return b"".join(chunks)


def read_bytes(data: bytes, name: str, *, max_bytes: int | None = None) -> list[Article]:
    """Read article bytes; ``name`` is the path as given ("-" for stdin)."""
    limit = resolve_max_bytes(max_bytes)
    name = printable(name)  # stored and printed; the file was opened by its own bytes
    label = _label(name)
    if len(data) > limit:
        raise _too_large(label, len(data) if len(data) > limit + 1 else None, limit)
    if not data.strip():
        raise InputError(f"{label}: empty file")
    ext = os.path.splitext(name)[1].lower() if name != "-" else ""
    text, encoding = decode(data, label, html=ext in HTML_EXTENSIONS or data[:1024].lstrip()[:1] == b"<")
    text = normalise(text)
    if not text.strip():
        raise InputError(f"{label}: empty file")

    if ext in JSONL_EXTENSIONS or (ext not in HTML_EXTENSIONS and _looks_like_jsonl(text)):
        articles = _read_records(text, name, label, ext)
    elif ext in HTML_EXTENSIONS or _looks_like_html(text):
        articles = [_read_html(text, name, label)]
    else:
        articles = [_read_text(text, name, label, ext)]
    for article in articles:
        article.encoding = encoding
    return articles


def iter_paths(paths: list[str]) -> Iterator[str]:
    """Expand directories (recursively, sorted); files and "-" pass as given.

    Hidden files and directories (".name") and files with a clearly binary
    extension are skipped inside directories. A missing path, or a
    directory with no article files, raises InputError.
    """
    for path in paths:
        if path == "-":
            yield path
            continue
        if not os.path.exists(path):
            raise InputError(f"{path}: no such file or directory")
        if not os.path.isdir(path):
            yield path
            continue
        found = False
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for fname in sorted(files):
                if fname.startswith("."):
                    continue
                if os.path.splitext(fname)[1].lower() in BINARY_EXTENSIONS:
                    continue
                found = True
                yield os.path.join(root, fname)
        if not found:
            raise InputError(f"{path}: directory has no article files")


def published_option(value: str) -> str:
    """The ``--published`` value as an ISO date; ``InputError`` when it is none."""
    try:
        return parse_date(value)
    except ImpossibleDate:
        raise InputError(f"--published {value}: impossible date") from None
    except ValueError:
        raise InputError(f"--published {value!r}: not a date (use YYYY-MM-DD)") from None


def apply_overrides(
    article: Article,
    *,
    published: str | None = None,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Article:
    """A copy of ``article`` with command-line values in place of what was read."""
    changes: dict = {}
    if published is not None:
        changes["published"] = published_option(published)
        changes["published_rule"] = "option"
    for field, value in (("title", title), ("source", source), ("url", url)):
        if value is not None and value.strip():
            changes[field] = value.strip()
    return dataclasses.replace(article, **changes)


# --- text normalisation --------------------------------------------------


def normalise(text: str) -> str:
    """BOM off, newlines to "\\n", NFC. Line breaks themselves are kept."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


_LEADING_BLANK = rx.compile(r"(?:[ \t\f\v]*\n)+")


def _clean_body(text: str) -> str:
    """Drop leading blank lines and trailing whitespace; keep the rest as is."""
    m = _LEADING_BLANK.match(text)
    if m:
        text = text[m.end():]
    return text.rstrip()


def _opt(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v).strip() for v in value if str(v).strip())
    value = " ".join(str(value).split())
    return value or None


def _metadata_date(raw: str | None, label: str, field: str) -> str | None:
    if raw is None or not str(raw).strip():
        return None
    try:
        return parse_date(str(raw))
    except ImpossibleDate:
        raise InputError(f"{label}: impossible date in {field}: {str(raw).strip()}") from None
    except ValueError:
        raise InputError(f"{label}: cannot read the date in {field}: {str(raw).strip()!r}") from None


def _date_hints(article: Article, filename: str | None) -> None:
    """Fill ``published`` from a dateline, then the file name, if still empty."""
    if article.published:
        return
    found = dateline_date(article.text)
    if found:
        article.published, article.published_rule = found, "dateline"
        return
    found = filename_date(filename)
    if found:
        article.published, article.published_rule = found, "filename"


def _require_text(text: str, label: str) -> str:
    if not text.strip():
        raise InputError(f"{label}: no article text")
    return text


# --- header block and front matter ----------------------------------------

_HEADER_LINE = rx.compile(r"([A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z][A-Za-z0-9_-]*){0,2})[ \t]*:[ \t]*(.*)")
_HEADER_MAX_LINES = 60

# Canonical field for each accepted key (lower case, separators removed).
_KEYS = {
    "title": "title", "headline": "title", "subject": "title",
    "source": "source", "publisher": "source", "site": "source", "sitename": "source",
    "outlet": "source", "publication": "source",
    "url": "url", "link": "url", "canonical": "url", "canonicalurl": "url", "uri": "url",
    "permalink": "url",
    "published": "published", "publishdate": "published", "publisheddate": "published",
    "datepublished": "published", "publicationdate": "published", "pubdate": "published",
    "publishedat": "published", "publishedon": "published",
    "date": "date", "created": "date",
    "author": "author", "authors": "author", "by": "author", "byline": "author",
}


def _canon(key: str) -> str | None:
    return _KEYS.get(re.sub(r"[\s_-]+", "", key.lower()))


def _split_header(text: str) -> tuple[dict, str, dict] | None:
    """(fields, body, original keys) if ``text`` starts with a header block."""
    lines = text.split("\n", _HEADER_MAX_LINES + 1)
    fields: dict[str, str] = {}
    keys: dict[str, str] = {}
    last: str | None = None
    known = False
    for i, line in enumerate(lines[:_HEADER_MAX_LINES]):
        if not line.strip():
            if i == 0 or not known:
                return None
            body = "\n".join(lines[i + 1:])
            return fields, body, keys
        if line[0] in " \t" and last is not None:  # folded continuation line
            if last in fields:
                fields[last] += " " + line.strip()
            continue
        m = _HEADER_LINE.fullmatch(line)
        if not m:
            return None
        canon = _canon(m[1])
        last = canon
        if canon is not None:
            known = True
            fields.setdefault(canon, m[2].strip())
            keys.setdefault(canon, m[1])
        else:
            last = None
    if known and len(lines) <= _HEADER_MAX_LINES:
        return fields, "", keys  # header only: no body
    return None


_FM_OPEN = rx.compile(r"---[ \t]*\n")
_FM_CLOSE = rx.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def _split_front_matter(text: str) -> tuple[list[str], str] | None:
    if not _FM_OPEN.match(text):
        return None
    start = text.index("\n") + 1
    m = _FM_CLOSE.search(text, start)
    if not m:
        return None
    block = text[start:m.start()]
    body = text[m.end() + 1:] if m.end() < len(text) else ""
    return block.split("\n"), body


def parse_simple_yaml(lines: list[str]) -> dict:
    """The subset of YAML front matter uses: ``key: value`` at the top level.

    Supports quoted strings, ``[a, b]`` and ``- item`` lists, ``|``/``>``
    block scalars, plain multi-line scalars, ``# comments`` and a nested
    mapping's ``name:`` (for ``author:`` objects). Anything fancier is kept
    as its text; front matter only feeds a handful of metadata fields.
    """
    out: dict = {}
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#") or line[0] in " \t-":
            continue
        m = re.fullmatch(r"([^:#]+?)\s*:(?:\s+(.*)|\s*)", line)
        if not m:
            continue
        key, value = m[1].strip().strip("'\""), (m[2] or "").strip()
        # Collect the indented lines that belong to this key.
        block = []
        while i < n and (not lines[i].strip() or lines[i][0] in " \t-"):
            if lines[i][:1] == "-" and value:
                break
            block.append(lines[i])
            i += 1
        while block and not block[-1].strip():
            block.pop()
        out[key] = _yaml_value(value, block)
    return out


def _yaml_scalar(value: str):
    value = value.strip()
    if value.startswith('"'):
        end = value.rfind('"')
        inner = value[: end + 1] if end > 0 else value + '"'
        try:
            return json.loads(inner)
        except ValueError:
            return inner.strip('"')
    if value.startswith("'"):
        end = value.rfind("'")
        inner = value[1:end] if end > 0 else value[1:]
        return inner.replace("''", "'")
    value = re.sub(r"\s+#.*$", "", value)
    if value in ("~", "null", "Null", "NULL"):
        return None
    return value


def _yaml_value(value: str, block: list[str]):
    if value.startswith("[") and value.endswith("]"):
        return [_yaml_scalar(v) for v in value[1:-1].split(",") if v.strip()]
    if value[:1] in ("|", ">") and re.fullmatch(r"[|>][+-]?\d?", value.split(" #")[0].strip()):
        stripped = [b.strip() for b in block]
        if value[0] == "|":
            return "\n".join(stripped)
        return " ".join(s for s in stripped if s)
    if value:
        scalar = _yaml_scalar(value)
        extra = [b.strip() for b in block if b.strip()]
        if extra and isinstance(scalar, str) and not value.startswith(("'", '"')):
            return " ".join([scalar, *extra])
        return scalar
    items = [b.strip() for b in block if b.strip()]
    if items and all(item.startswith("-") for item in items):
        values = []
        for item in items:
            item = item[1:].strip()
            sub = re.fullmatch(r"name\s*:\s*(.*)", item)
            values.append(_yaml_scalar(sub[1] if sub else item))
        return values
    for item in items:  # nested mapping: keep its name
        sub = re.fullmatch(r"name\s*:\s*(.*)", item)
        if sub:
            return _yaml_scalar(sub[1])
    return None


# --- per-format readers --------------------------------------------------


def _read_text(text: str, name: str, label: str, ext: str) -> Article:
    fmt = "markdown" if ext in MARKDOWN_EXTENSIONS else "text"
    front = _split_front_matter(text)
    if front is not None:
        raw = parse_simple_yaml(front[0])
        fields: dict = {}
        keys: dict = {}
        for key, value in raw.items():
            canon = _canon(key)
            if canon and canon not in fields and value not in (None, "", []):
                fields[canon], keys[canon] = value, key
        body = _require_text(_clean_body(front[1]), label)
        article = _from_fields(body, name, label, fields, keys, "markdown", "front-matter", "front matter")
    else:
        text = _clean_body(text)
        header = _split_header(text)
        if header is not None:
            fields, body, keys = header
            body = _require_text(_clean_body(body), label)
            article = _from_fields(body, name, label, fields, keys, "header", "header", "header")
        else:
            article = Article(text=_require_text(text, label), path=name, format=fmt)
    if article.title is None and article.format == "markdown":
        m = re.match(r"#[ \t]+(.+)", article.text)
        if m:
            article.title = _opt(m[1].rstrip("# \t"))
    _date_hints(article, name)
    return article


def _from_fields(
    body: str, name: str, label: str, fields: dict, keys: dict, fmt: str, rule: str, where: str
) -> Article:
    """An Article from header/front-matter fields; ``keys`` are the keys as written."""
    date_key = "published" if fields.get("published") else "date"
    raw_date = fields.get(date_key)
    if isinstance(raw_date, list):
        raw_date = raw_date[0] if raw_date else None
    field_name = f"{where} field {keys.get(date_key, date_key)!r}"
    published = _metadata_date(raw_date, label, field_name)
    return Article(
        text=body,
        path=name,
        title=_opt(fields.get("title")),
        source=_opt(fields.get("source")),
        url=_opt(fields.get("url")),
        author=_opt(fields.get("author")),
        published=published,
        published_rule=rule if published else None,
        format=fmt,
    )


def _read_html(text: str, name: str, label: str) -> Article:
    from negtrack import read_html

    page = read_html.extract(text)
    body = _require_text(normalise(page["text"]).strip(), label)
    article = Article(
        text=body,
        path=name,
        title=_opt(page["title"]),
        source=_opt(page["source"]),
        url=_opt(page["url"]),
        author=_opt(page["author"]),
        format="html",
    )
    for raw in page["dates"]:
        try:
            article.published = parse_date(raw)
        except ValueError:
            warn(f"{label}: ignoring unreadable page date {raw!r}")
            continue
        article.published_rule = "html-meta"
        break
    _date_hints(article, name)
    return article


_TEXT_FIELDS = ("text", "body", "content")
_JSON_DATE_FIELDS = ("published", "date", "published_at", "datePublished", "pubdate")


def _looks_like_html(text: str) -> bool:
    """A page saved without an .html name. Here, not in ``read_html``: that
    module (with ``html.parser``, ~9 ms to import) is loaded only for pages."""
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in text[:4096].lower():
        return True
    return bool(re.search(r"<(html|head|body)\b", head)) or (
        head.startswith("<") and len(re.findall(r"</(p|div|article|h1|h2)>", head)) >= 2
    )


def _looks_like_jsonl(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0].strip()
    if not (first.startswith("{") and first.endswith("}")):
        return False
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and any(isinstance(record.get(k), str) for k in _TEXT_FIELDS)


def _read_records(text: str, name: str, label: str, ext: str) -> list[Article]:
    stripped = text.lstrip()
    records: list[tuple[int, str, object]] = []  # (number, where, record)
    whole = None
    if ext == ".json" or stripped.startswith("["):
        # A .json file (or one JSON array): one document, records numbered 1…
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None
    if whole is not None:
        items = whole if isinstance(whole, list) else [whole]
        records = [(i, f"record {i}", rec) for i, rec in enumerate(items, 1)]
    else:
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as err:
                msg = str(err).split(":")[0]
                raise InputError(f"{label} line {lineno}: invalid JSON ({msg})") from None
            records.append((lineno, f"line {lineno}", rec))
    if not records:
        raise InputError(f"{label}: no records")
    return [_read_record(rec, num, where, name, label) for num, where, rec in records]


def _read_record(rec, num: int, where: str, name: str, label: str) -> Article:
    at = f"{label} {where}"
    if not isinstance(rec, dict):
        raise InputError(f"{at}: not a JSON object")
    body = next((rec[k] for k in _TEXT_FIELDS if isinstance(rec.get(k), str) and rec[k].strip()), None)
    if body is None:
        raise InputError(f'{at}: no text (expected a "text", "body" or "content" field)')
    body = _clean_body(normalise(body))
    date_field = next((k for k in _JSON_DATE_FIELDS if rec.get(k) not in (None, "")), None)
    published = _metadata_date(rec.get(date_field), at, f'"{date_field}"') if date_field else None
    rec_path = rec.get("path") if isinstance(rec.get("path"), str) else None
    url = _opt(rec.get("url")) if isinstance(rec.get("url"), str) else None
    author, source = rec.get("author"), rec.get("source") or rec.get("publisher")
    if isinstance(author, dict):  # {"name": …} objects, as in schema.org dumps
        author = author.get("name")
    if isinstance(source, dict):
        source = source.get("name")
    article = Article(
        text=body,
        path=rec_path or url or f"{name}#{num}",
        title=_opt(rec.get("title") or rec.get("headline")),
        source=_opt(source),
        url=url,
        author=_opt(author),
        published=published,
        published_rule="json" if published else None,
        format="jsonl",
    )
    # The .jsonl file's own name says nothing about each record's date.
    _date_hints(article, rec_path)
    return article
