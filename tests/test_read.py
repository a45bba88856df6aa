"""Tests for negtrack.read: formats, encodings, rejections, dates, overrides."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from negtrack.errors import ExitCode, InputError, UsageError
from negtrack.read import (
    MAX_BYTES_DEFAULT,
    apply_overrides,
    iter_paths,
    read_bytes,
    read_path,
)
from negtrack.read_dates import ImpossibleDate, _fallback_dateline, filename_date, parse_date

FIXTURES = Path(__file__).parent / "fixtures" / "read"


def one(data: bytes, name: str = "article.txt", **kw):
    articles = read_bytes(data, name, **kw)
    assert len(articles) == 1
    return articles[0]


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(p)


# --- formats ---------------------------------------------------------------


def test_plain_text():
    a = one(b"\n\nRussia said on Monday\nit would talk.\n\nSecond paragraph.\n\n", "x.txt")
    assert a.format == "text"
    assert a.text == "Russia said on Monday\nit would talk.\n\nSecond paragraph."
    assert a.encoding == "utf-8"
    assert a.published is None and a.title is None


def test_header_block_fixture():
    path = str(FIXTURES / "header.txt")
    [a] = read_path(path)
    assert a.format == "header"
    assert a.path == path
    assert a.title == "Readout of a Call on European Security"
    assert a.source == "The White House"
    assert a.url == "https://example.gov/briefing-room/2022/01/27/readout/"
    assert (a.published, a.published_rule) == ("2022-01-27", "header")
    # Origin/License are metadata, not text; the body keeps its line breaks.
    assert "Origin" not in a.text and "License" not in a.text
    assert a.text.startswith("The President spoke today")
    assert "security\nguarantees" in a.text
    assert "\n\nQ  Thank you." in a.text


def test_header_date_key_author_and_folding():
    data = (
        "Title: Talks resume\nDate: February 14, 2022\nAuthor: Jane Roe\n"
        "Source: Wire\n  service\nOrigin: somewhere\n\nBody text here.\n"
    ).encode()
    a = one(data)
    assert a.published == "2022-02-14" and a.published_rule == "header"
    assert a.author == "Jane Roe"
    assert a.source == "Wire service"
    assert a.text == "Body text here."


def test_header_after_leading_blank_lines():
    a = one(b"\r\n\r\nTitle: T\r\nURL: http://x\r\n\r\nBody\r\nline two\r\n")
    assert a.format == "header" and a.title == "T" and a.text == "Body\nline two"


def test_transcript_labels_are_not_a_header():
    a = one(b"Q: What about NATO?\nMS. PSAKI: We have said it.\n\nMore.\n")
    assert a.format == "text"
    assert a.text.startswith("Q: What about NATO?")


def test_markdown_front_matter():
    data = (
        "---\n"
        'title: "Lavrov: \\"dialogue\\" not exhausted"\n'
        "date: 2022-02-14T10:30:00+03:00\n"
        "source: 'Anadolu''s wire'\n"
        "url: https://example.com/a   # canonical\n"
        "author:\n  - Ann One\n  - Bob Two\n"
        "tags: [nato, russia]\n"
        "---\n\n# Heading\n\nBody *text*.\n"
    ).encode()
    a = one(data, "post.md")
    assert a.format == "markdown"
    assert a.title == 'Lavrov: "dialogue" not exhausted'
    assert (a.published, a.published_rule) == ("2022-02-14", "front-matter")
    assert a.source == "Anadolu's wire"
    assert a.url == "https://example.com/a"
    assert a.author == "Ann One, Bob Two"
    assert a.text == "# Heading\n\nBody *text*."


def test_markdown_without_front_matter_takes_heading_as_title():
    a = one(b"# The Title\n\nBody.\n", "note.md")
    assert a.format == "markdown"
    assert a.title == "The Title"


HTML = """<!DOCTYPE html>
<html><head>
<title>Fallback title</title>
<meta property="og:title" content="Talks &amp; Tensions">
<meta property="og:site_name" content="Example News">
<meta property="og:url" content="https://example.com/og">
<link rel="canonical" href="https://example.com/canonical">
<meta property="article:published_time" content="2022-02-14T09:00:00-05:00">
<meta name="author" content="Jane Roe">
<style>p { color: red }</style>
<script>var x = "<p>not text</p>";</script>
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="teaser"><p>Teaser outside the article.</p></div>
<main>
<article>
<h1>Talks &amp; Tensions</h1>
<p>Russia&#8217;s   foreign
minister said on Monday &quot;dialogue&quot; is possible.</p>
<p>Line one<br>line two</p>
<aside>Related: other story</aside>
<ul><li>First point<li>Second point</ul>
<form><input name="q"><button>Search</button></form>
</article>
</main>
<footer>Copyright</footer>
<noscript>Enable JS</noscript>
</body></html>
"""


def test_html_main_text_and_metadata():
    a = one(HTML.encode(), "page.html")
    assert a.format == "html"
    assert a.title == "Talks & Tensions"
    assert a.source == "Example News"
    assert a.url == "https://example.com/canonical"
    assert a.author == "Jane Roe"
    assert (a.published, a.published_rule) == ("2022-02-14", "html-meta")
    assert a.text == (
        "Talks & Tensions\n\n"
        "Russia\u2019s foreign minister said on Monday \"dialogue\" is possible.\n\n"
        "Line one\nline two\n\n"
        "First point\n\nSecond point"
    )
    for junk in ("Home", "Teaser", "Related", "Copyright", "Enable JS", "not text", "color", "Search"):
        assert junk not in a.text


def test_plain_text_is_read_without_loading_the_html_reader(tmp_path):
    import subprocess
    import sys

    f = tmp_path / "a.txt"
    f.write_text("Moscow, Jan 26. Russia rejected the plan.\n\n<p>Not a page</p>\n", encoding="utf-8")
    code = ("import sys; from negtrack import read; a = read.read_path(sys.argv[1]); "
            "print(a[0].format, 'negtrack.read_html' in sys.modules, 'html.parser' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["text", "False", "False"], out.stderr


def test_html_detected_by_content_jsonld_and_title_fallback():
    page = (
        "<html><head><title>Only &lt;title&gt;</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2021-12-17T22:20:37Z", "author": {"name": "A. Writer"}}</script>'
        "</head><body><p>First.</p><p>Second.</p></body></html>"
    )
    a = one(page.encode(), "saved")  # no extension
    assert a.format == "html"
    assert a.title == "Only <title>"
    assert (a.published, a.published_rule) == ("2021-12-17", "html-meta")
    assert a.author == "A. Writer"
    assert a.text == "First.\n\nSecond."


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="date" content="2022-02-14">',
        '<meta name="pubdate" content="20220214">',
        '<meta name="publishdate" content="February 14, 2022">',
        '<meta name="DC.date" content="2022-02-14">',
        '<meta property="og:published_time" content="2022-02-14T01:00:00Z">',
        '<time datetime="2022-02-14T08:00">Feb 14</time>',
    ],
)
def test_html_date_sources(meta):
    a = one(f"<html><body>{meta}<p>Text.</p></body></html>".encode(), "p.htm")
    assert (a.published, a.published_rule) == ("2022-02-14", "html-meta")


def test_html_bad_meta_date_is_skipped_for_the_next():
    page = (
        '<html><head><meta name="date" content="soon"><meta name="pubdate" content="2022-02-14">'
        "</head><body><p>Text.</p></body></html>"
    )
    assert one(page.encode(), "p.html").published == "2022-02-14"


def test_html_longest_article_wins_and_meta_charset():
    page = (
        '<html><head><meta charset="windows-1251"></head><body>'
        "<article><p>Short teaser.</p></article>"
        "<article><p>Переговоры продолжатся в Женеве, заявил министр.</p></article>"
        "</body></html>"
    ).encode("cp1251")
    a = one(page, "ru.html")
    assert a.text == "Переговоры продолжатся в Женеве, заявил министр."
    assert a.encoding == "cp1251"


def test_html_meta_charset_beats_the_heuristic():
    # KOI8-R bytes would pass for cp1251 by letter shape; the declaration decides.
    page = '<meta charset="koi8-r"><p>Переговоры продолжатся в Женеве.</p>'.encode("koi8-r")
    a = one(page, "ru.html")
    assert (a.text, a.encoding) == ("Переговоры продолжатся в Женеве.", "koi8-r")


def test_html_hidden_roles_tables_and_unclosed_head():
    page = (
        b"<html><head><title>T</title><body><p>Hi <b>there</b>,</p>"
        b"<table><tr><td>a</td><td>b</td></tr></table>"
        b"<div style='display: none'>secret</div><div role=navigation>menu</div>"
        b"<p hidden>also hidden</p><!-- a comment --></body></html>"
    )
    a = one(page, "x.html")
    assert a.text == "Hi there,\n\na b"


def test_html_without_paragraphs_is_empty():
    with pytest.raises(InputError, match="x.html: no article text"):
        read_bytes(b"<html><body><nav>Only a menu</nav></body></html>", "x.html")


def test_jsonl_records(tmp_path):
    lines = [
        json.dumps({"text": "First article.", "title": "One", "url": "https://e.com/1",
                    "published": "2022-02-14", "source": "Wire", "author": "A"}),
        "",
        '{"body": "Second, dated by its path.", "path": "in/2022-03-01_x.txt"}',
        '{"content": "Third.\\r\\nNo metadata.", "date": "March 2, 2022", "extra": 1}',
    ]
    path = write(tmp_path, "batch.jsonl", "\n".join(lines) + "\n")
    a, b, c = read_path(path)
    assert a.format == b.format == c.format == "jsonl"
    assert (a.path, a.title, a.source, a.author) == ("https://e.com/1", "One", "Wire", "A")
    assert (a.published, a.published_rule) == ("2022-02-14", "json")
    assert b.path == "in/2022-03-01_x.txt"
    assert (b.published, b.published_rule) == ("2022-03-01", "filename")
    assert c.path == f"{path}#4"
    assert c.text == "Third.\nNo metadata."
    assert (c.published, c.published_rule) == ("2022-03-02", "json")


def test_jsonl_detected_by_content():
    [a] = read_bytes(b'{"text": "Hello there."}\n', "-")
    assert a.format == "jsonl" and a.path == "-#1"


def test_json_array_file(tmp_path):
    path = write(tmp_path, "items.json", '[{"text": "A."}, {"text": "B."}]')
    assert [a.text for a in read_path(path)] == ["A.", "B."]


def test_jsonl_bad_line_names_file_and_line():
    data = b'{"text": "ok"}\n{"text": "broken"\n'
    with pytest.raises(InputError, match=r"^batch\.jsonl line 2: invalid JSON"):
        read_bytes(data, "batch.jsonl")


def test_jsonl_record_without_text():
    with pytest.raises(InputError, match=r"batch\.jsonl line 1: no text"):
        read_bytes(b'{"title": "no body"}\n', "batch.jsonl")


def test_jsonl_impossible_date_names_line_and_field():
    with pytest.raises(InputError, match=r'b\.jsonl line 1: impossible date in "published"'):
        read_bytes(b'{"text": "x", "published": "2022-02-30"}\n', "b.jsonl")


# --- encodings ---------------------------------------------------------------

RU = "Министр иностранных дел России Сергей Лавров заявил в понедельник, что возможности для диалога не исчерпаны."
FR = "Le ministre a déclaré lundi que les possibilités de dialogue n'étaient pas épuisées, à Genève."
DE = "Der Außenminister erklärte am Montag, dass die Gespräche in Genf fortgesetzt würden."


def test_utf8_bom_stripped():
    a = one(codecs.BOM_UTF8 + "Title: Café talks\n\nBody é.\n".encode())
    assert a.encoding == "utf-8"
    assert a.title == "Café talks" and a.text == "Body é."


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_bom(codec):
    text = "Title: Переговоры\n\n" + RU + "\r\n"
    if codec == "utf-16":
        data = text.encode("utf-16")  # native order with BOM
    else:
        bom = codecs.BOM_UTF16_BE if codec.endswith("be") else codecs.BOM_UTF16_LE
        data = bom + text.encode(codec)
    a = one(data)
    assert a.encoding in ("utf-16-le", "utf-16-be")
    assert a.title == "Переговоры" and a.text == RU


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec):
    a = one(("Talks resumed in Geneva on Monday.\n" + FR).encode(codec))
    assert a.encoding == codec
    assert a.text.endswith("Genève.")


def test_cp1251_cyrillic():
    a = one(RU.encode("cp1251"))
    assert a.encoding == "cp1251" and a.text == RU


def test_cp1252_western_with_smart_quotes():
    text = "\u201cWe are ready,\u201d the minister said \u2014 in Genève, café \u20ac5."
    a = one(text.encode("cp1252"))
    assert a.encoding == "cp1252" and a.text == text


def test_latin1():
    a = one((DE + " " + FR).encode("latin-1"))
    assert a.encoding == "latin-1" and a.text == DE + " " + FR


def test_latin1_with_c1_control_byte():
    a = one(b"Caf\xe9 \x81 ouvert.")  # 0x81 is undefined in cp1252
    assert a.encoding == "latin-1" and a.text == "Café \x81 ouvert."


def test_mixed_utf8_and_cp1252_is_read_without_replacement():
    data = ("Zürich, Genève and Kyiv — " * 3).encode("utf-8") + b"then caf\xe9 in cp1252."
    a = one(data)
    assert a.encoding == "utf-8+cp1252"
    assert "\ufffd" not in a.text
    assert a.text.endswith("then café in cp1252.")


def test_utf8_bom_with_stray_cp1252_byte():
    data = codecs.BOM_UTF8 + ("Zürich, Genève — Kyiv. " * 3).encode() + b"caf\xe9"
    a = one(data)
    assert a.encoding == "utf-8+cp1252" and a.text.endswith("Kyiv. café")


def test_stray_bytes_in_utf8_are_read_by_their_neighbours():
    ru = ("Лавров заявил, что Москва ждёт ответа. " * 3).encode("utf-8")
    # A Latin word pasted in Windows-1252 into a Russian text.
    a = one(ru + b"Caf\xe9 " + "и всё.".encode())
    assert a.encoding == "utf-8+cp1252" and a.text.endswith("Café и всё.")
    # A Windows-1251 byte inside a Russian word.
    a = one(ru + "Москв".encode() + b"\xe0.")
    assert a.encoding == "utf-8+cp1251" and a.text.endswith("Москва.")
    # Both in one text.
    a = one(ru + "Москв".encode() + b"\xe0 caf\xe9.")
    assert a.encoding == "utf-8+cp1251+cp1252" and a.text.endswith("Москва café.")
    # A Russian word in Windows-1251 inside a Western text: the run reads as Cyrillic.
    a = one(("Zürich, Genève and Kyiv — " * 3).encode("utf-8") + b"\xcc\xee\xf1\xea\xe2\xe0.")
    assert a.encoding == "utf-8+cp1251" and a.text.endswith("— Москва.")
    assert "\ufffd" not in a.text


def test_cp1251_undefined_byte_is_the_last_resort_replacement(capsys):
    a = one(RU.encode("cp1251") + b" \x98")
    assert a.encoding == "cp1251" and a.text == RU + " \ufffd"
    assert "replaced" in capsys.readouterr().err


def test_newlines_normalised_and_nfc():
    a = one("Cafe\u0301 one\r\ntwo\rthree\n".encode())
    assert a.text == "Caf\u00e9 one\ntwo\nthree"


# --- stdin -------------------------------------------------------------------


def test_stdin_via_read_bytes():
    a = one(b"Title: From a pipe\n\nPiped text.\n", "-")
    assert a.path == "-" and a.title == "From a pipe" and a.text == "Piped text."


def test_read_path_dash_reads_stdin(monkeypatch):
    class FakeStdin:
        buffer = io.BytesIO(b"Some text from stdin.")

    monkeypatch.setattr("sys.stdin", FakeStdin)
    [a] = read_path("-")
    assert a.path == "-" and a.text == "Some text from stdin."


def test_stdin_too_large_is_bounded(monkeypatch):
    class FakeStdin:
        buffer = io.BytesIO(b"x" * 5000)

    monkeypatch.setattr("sys.stdin", FakeStdin)
    with pytest.raises(InputError, match=r"^stdin: too large"):
        read_path("-", max_bytes=100)
    assert FakeStdin.buffer.tell() == 101  # read limit + 1 bytes, not all


# --- rejections ----------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\ufeff  \n".encode("utf-8"), "  \n".encode("utf-16")])
def test_empty_or_whitespace_rejected(data):
    with pytest.raises(InputError, match=r"^a\.txt: empty file$"):
        read_bytes(data, "a.txt")


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,what",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (_zip_bytes(), "ZIP"),
        (gzip.compress(b"hello"), "gzip"),
        (bytes(range(0, 32)) * 20, "control bytes"),
        (bytes([1, 0, 2, 0, 3, 0, 65, 0]) * 50, "control bytes"),  # 16-bit binary, not UTF-16
        (b"\x00\x01\x02\x03text\x00\x00\x00\x04\x05" * 40, "control bytes"),
    ],
)
def test_binary_rejected(data, what):
    with pytest.raises(InputError) as exc:
        read_bytes(data, "article.docx")
    msg = str(exc.value)
    assert msg.startswith("article.docx: binary file (") and what in msg
    assert "\n" not in msg
    assert exc.value.code == ExitCode.INPUT


def test_pdf_message_exact(tmp_path):
    path = write(tmp_path, "article.pdf", b"%PDF-1.4\n...")
    with pytest.raises(InputError, match=r"article\.pdf: binary file \(PDF\), not an article$"):
        read_path(path)


def test_stray_nul_bytes_stripped_with_warning(capsys):
    a = one(b"Talks resumed\x00 on Monday in Geneva, officials said.\x00\n")
    assert a.text == "Talks resumed on Monday in Geneva, officials said."
    err = capsys.readouterr().err
    assert "negtrack: warning: article.txt: 2 NUL byte(s) removed" in err


def test_too_large_file_rejected_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", b"a" * 2000)

    def no_open(*a, **k):  # the size is checked with stat, before opening
        raise AssertionError("file was opened")

    monkeypatch.setattr("builtins.open", no_open)
    with pytest.raises(InputError, match=r"big\.txt: too large .*limit 1000 bytes"):
        read_path(path, max_bytes=1000)


def test_size_limit_from_environment(tmp_path, monkeypatch):
    path = write(tmp_path, "a.txt", b"a" * 2048)
    monkeypatch.setenv("NEGTRACK_MAX_BYTES", "1K")
    with pytest.raises(InputError, match="too large"):
        read_path(path)
    monkeypatch.setenv("NEGTRACK_MAX_BYTES", "4096")
    assert read_path(path)[0].text == "a" * 2048
    monkeypatch.setenv("NEGTRACK_MAX_BYTES", "lots")
    with pytest.raises(UsageError, match="NEGTRACK_MAX_BYTES"):
        read_path(path)


def test_default_limit_is_documented_value():
    assert MAX_BYTES_DEFAULT == 20 * 1024 * 1024
    with pytest.raises(InputError, match="too large"):
        read_bytes(b"x" * 11, "-", max_bytes=10)


def test_one_megabyte_single_line(tmp_path):
    line = ("word " * 210_000)[: 1024 * 1024]
    path = write(tmp_path, "long.txt", "Title: Long\n\n" + line)
    [a] = read_path(path)
    assert a.title == "Long" and len(a.text) == len(line.rstrip())


def test_missing_file_and_directory_given_to_read_path(tmp_path):
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_path(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a directory"):
        read_path(str(tmp_path))


def test_header_without_body_rejected():
    with pytest.raises(InputError, match="h.txt: no article text"):
        read_bytes(b"Title: Nothing\nPublished: 2022-01-01\n", "h.txt")


# --- dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,iso",
    [
        ("2022-02-14", "2022-02-14"),
        ("2022-2-4", "2022-02-04"),
        ("2022/02/14", "2022-02-14"),
        ("20220214", "2022-02-14"),
        ("2022-02-14T23:30:00+05:00", "2022-02-14"),
        ("2022-02-14T01:00:00Z", "2022-02-14"),
        ("2022-02-14 10:00:00 +03:00", "2022-02-14"),
        ("February 14, 2022", "2022-02-14"),
        ("Feb. 14 2022", "2022-02-14"),
        ("Monday, February 14, 2022", "2022-02-14"),
        ("14 February 2022", "2022-02-14"),
        ("Mon, 14 Feb 2022 10:00:00 +0000", "2022-02-14"),
        ("14.02.2022", "2022-02-14"),
        ("02/14/2022", "2022-02-14"),
        ("2022-02", "2022-02"),
        ("February 2022", "2022-02"),
        ("2022", "2022"),
    ],
)
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize("raw", ["2022-02-30", "February 30, 2022", "2022-13", "2021-02-29"])
def test_parse_date_impossible(raw):
    with pytest.raises(ImpossibleDate):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["soon", "03/04/2022", "12", "last Tuesday"])
def test_parse_date_unreadable(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


def test_impossible_header_date_names_file_and_field():
    with pytest.raises(InputError, match=r"^a\.txt: impossible date in header field 'Published': 2022-02-30$"):
        read_bytes(b"Title: T\nPublished: 2022-02-30\n\nBody.\n", "a.txt")


def test_impossible_front_matter_date():
    with pytest.raises(InputError, match=r"post\.md: impossible date in front matter field 'date'"):
        read_bytes(b"---\ndate: 2022-02-30\n---\nBody.\n", "post.md")


def test_unreadable_header_date():
    with pytest.raises(InputError, match=r"a\.txt: cannot read the date in header field 'Date'"):
        read_bytes(b"Title: T\nDate: sometime soon\n\nBody.\n", "a.txt")


def test_dateline_date():
    a = one(b"WASHINGTON, February 14, 2022 -- The talks resumed.\n", "notes.txt")
    assert (a.published, a.published_rule) == ("2022-02-14", "dateline")


def test_fallback_dateline_forms():
    assert _fallback_dateline("MOSCOW, 14 February 2022 (TASS) - text") == "2022-02-14"
    assert _fallback_dateline("Released January 27, 2022.") == "2022-01-27"
    assert _fallback_dateline("x" * 400 + "January 27, 2022") is None
    assert _fallback_dateline("They may 5, 2022 be late") is None


def test_filename_date():
    assert filename_date("../x/2022-02-14_a.txt") == "2022-02-14"
    assert filename_date("report_20220214.txt") == "2022-02-14"
    assert filename_date("2022-02-30_a.txt") is None
    assert filename_date("1234567890.txt") is None
    a = one(b"No date in this text.", "../x/2022-02-14_a.txt")
    assert a.path == "../x/2022-02-14_a.txt"
    assert (a.published, a.published_rule) == ("2022-02-14", "filename")


def test_date_precedence_header_over_dateline_over_filename():
    name = "2020-01-01_story.txt"
    body = b"WASHINGTON, February 14, 2022 -- Talks.\n"
    a = one(b"Title: T\nPublished: 2022-03-01\n\n" + body, name)
    assert (a.published, a.published_rule) == ("2022-03-01", "header")
    b = one(b"Title: T\n\n" + body, name)
    assert (b.published, b.published_rule) == ("2022-02-14", "dateline")
    c = one(b"Title: T\n\nTalks.\n", name)
    assert (c.published, c.published_rule) == ("2020-01-01", "filename")


def test_html_meta_beats_dateline():
    page = (
        '<html><head><meta name="date" content="2022-03-01"></head>'
        "<body><p>WASHINGTON, February 14, 2022 -- Talks.</p></body></html>"
    )
    a = one(page.encode(), "2020-01-01.html")
    assert (a.published, a.published_rule) == ("2022-03-01", "html-meta")


# --- overrides -----------------------------------------------------------------


def test_overrides_win():
    a = one(b"Title: Read\nSource: S\nURL: http://a\nPublished: 2022-01-01\n\nBody.\n")
    b = apply_overrides(a, published="February 14, 2022", title=" New ", source="Src", url="http://b")
    assert (b.published, b.published_rule) == ("2022-02-14", "option")
    assert (b.title, b.source, b.url) == ("New", "Src", "http://b")
    assert (a.published, a.title) == ("2022-01-01", "Read")  # the original is untouched
    c = apply_overrides(a)
    assert c == a


def test_override_impossible_and_unreadable_dates():
    a = one(b"Body.")
    with pytest.raises(InputError, match="impossible date"):
        apply_overrides(a, published="2022-02-30")
    with pytest.raises(InputError, match="not a date"):
        apply_overrides(a, published="tomorrow")


# --- iter_paths ----------------------------------------------------------------


def test_iter_paths_expands_directories(tmp_path, monkeypatch):
    write(tmp_path, "corpus/b/2022-01-02_b.txt", "B")
    write(tmp_path, "corpus/a.txt", "A")
    write(tmp_path, "corpus/c.html", "<p>C</p>")
    write(tmp_path, "corpus/.hidden.txt", "H")
    write(tmp_path, "corpus/.git/config", "G")
    write(tmp_path, "corpus/scan.pdf", b"%PDF")
    write(tmp_path, "corpus/photo.JPG", b"\xff\xd8\xff")
    write(tmp_path, "single.txt", "S")
    monkeypatch.chdir(tmp_path)
    got = list(iter_paths(["single.txt", "-", "corpus"]))
    assert got == [
        "single.txt",
        "-",
        os.path.join("corpus", "a.txt"),
        os.path.join("corpus", "c.html"),
        os.path.join("corpus", "b", "2022-01-02_b.txt"),
    ]


def test_iter_paths_keeps_relative_prefix(tmp_path, monkeypatch):
    write(tmp_path, "x/2022-02-14_a.txt", "A")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert list(iter_paths(["../x"])) == [os.path.join("../x", "2022-02-14_a.txt")]
    [a] = read_path("../x/2022-02-14_a.txt")
    assert a.path == "../x/2022-02-14_a.txt"


def test_iter_paths_missing_and_empty_directory(tmp_path):
    with pytest.raises(InputError, match="no such file or directory"):
        list(iter_paths([str(tmp_path / "missing")]))
    write(tmp_path, "empty/.hidden", "x")
    write(tmp_path, "empty/img.png", b"\x89PNG")
    with pytest.raises(InputError, match="directory has no article files"):
        list(iter_paths([str(tmp_path / "empty")]))


def test_dateline_without_timex_module_uses_fallback(monkeypatch):
    import sys

    from negtrack.read_dates import dateline_date

    monkeypatch.setitem(sys.modules, "negtrack.timex", None)  # import now fails
    assert dateline_date("KYIV, 14 February 2022 - Talks.") == "2022-02-14"
    a = one(b"WASHINGTON, February 14, 2022 -- The talks resumed.\n", "notes.txt")
    assert (a.published, a.published_rule) == ("2022-02-14", "dateline")
