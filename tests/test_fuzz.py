"""Fuzzing the reader and the extraction engine with hypothesis.

What it shows: ``pipeline.extract`` never raises on arbitrary Unicode (plain,
and salted with codebook words so that the position rules actually fire);
every position's offsets slice the article text to exactly its evidence;
every date is a valid ISO value at its stated precision (day: a real
calendar date YYYY-MM-DD, month: YYYY-MM, year: YYYY). ``read.read_bytes``
on arbitrary bytes either returns articles with text or raises
``InputError``, nothing else.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negtrack import codebook, pipeline, read
from negtrack.errors import InputError
from negtrack.models import Article

BOOK = codebook.load(None)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ACTORS = ["Russia", "Moscow", "The United States", "Washington", "NATO", "Putin", "Blinken", "The Kremlin"]
VERBS = ["demanded", "rejected", "proposed", "accepted", "is open to talks on", "refused", "warned against",
         "said it will not discuss", "insisted on", "did not respond to"]
ISSUES = ["NATO expansion", "security guarantees", "missile deployments in Europe", "the 1997 borders",
          "Ukraine's membership", "military exercises"]
WHEN = ["", " on Monday", " last week", " on January 12", " in 2022", " next month", " on Feb. 30", " in the spring",
        " on 2022-01-26", " yesterday"]
NOISE = st.text(max_size=6)
sentence = st.tuples(NOISE, st.sampled_from(ACTORS), st.just(" "), st.sampled_from(VERBS), st.just(" "), st.sampled_from(ISSUES),
                     st.sampled_from(WHEN), NOISE, st.sampled_from([". ", ".\n\n", "! ", "” ", "; "])).map("".join)
salted = st.lists(sentence, min_size=1, max_size=8).map(lambda xs: " ".join(xs))
published = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)).map(str),
                      st.sampled_from(["2022", "2022-01"]))


def _check(text: str, pub: str | None) -> None:
    article = Article(text=text, published=pub)
    result = pipeline.extract(article, BOOK)
    for p in result.positions:
        assert 0 <= p.start <= p.end <= len(text)
        assert text[p.start:p.end] == p.evidence
        if p.date is None:
            continue
        if p.date_precision == "day":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.date), p.date
            date.fromisoformat(p.date)
        elif p.date_precision == "month":
            assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", p.date), p.date
        elif p.date_precision == "year":
            assert re.fullmatch(r"\d{4}", p.date), p.date
        else:
            pytest.fail(f"unknown precision {p.date_precision!r} for {p.date!r}")


@SETTINGS
@given(st.text(max_size=400), published)
def test_extract_never_raises_on_arbitrary_unicode(text, pub):
    _check(text, pub)


@SETTINGS
@given(salted, published)
def test_extract_on_text_full_of_cues(text, pub):
    _check(text, pub)


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.md", "-", "a"]))
def test_read_bytes_returns_articles_or_raises_input_error(data, name):
    try:
        articles = read.read_bytes(data, name)
    except InputError:
        return
    assert articles
    for a in articles:
        assert a.text.strip() and "\x00" not in a.text


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16", "cp1252", "cp1251"]))
def test_read_bytes_on_encoded_text(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        articles = read.read_bytes(data, "a.txt")
    except InputError:
        return
    for a in articles:
        _check(a.text, a.published)
