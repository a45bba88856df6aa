"""Publication dates for articles: metadata values, datelines, file names.

Design decisions:

* ``parse_date`` is deliberately tolerant about *form* and strict about
  *validity*: it reads ISO dates and datetimes ("2022-02-14T09:30:00+03:00"
  → "2022-02-14", the date part as written, never shifted to UTC), compact
  "20220214", "2022/02/14", "February 14, 2022", "Feb. 14 2022",
  "14 February 2022", "Monday, 14 Feb 2022 10:00:00 +0000" (RFC 2822),
  "14.02.2022" (day first, as written in Europe) and coarser "2022-02",
  "February 2022", "2022". A day that does not exist ("2022-02-30") raises
  ``ImpossibleDate``; anything unreadable raises ``ValueError``.
* Slash dates with two small numbers ("03/04/2022") are ambiguous between
  US and European order and raise ``ValueError`` rather than guess; when
  one number is above 12 the order is clear and the date is read.
* python-dateutil is only a last resort, imported lazily, and only for
  strings that contain a four-digit year, so it cannot invent a year or a
  month out of a bare number.
* Dateline and file-name dates are hints, not metadata: an impossible date
  there is ignored instead of rejecting the file.
"""

from __future__ import annotations

import datetime as _dt
import os
import re

from negtrack import rx

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY_RE = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"


class ImpossibleDate(ValueError):
    """A well-formed date that does not exist, like 2022-02-30."""


def _ymd(year: int, month: int, day: int) -> str:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        raise ImpossibleDate(f"impossible date {year:04d}-{month:02d}-{day:02d}") from None


def _ym(year: int, month: int) -> str:
    if not 1 <= month <= 12:
        raise ImpossibleDate(f"impossible date {year:04d}-{month:02d}")
    return f"{year:04d}-{month:02d}"


_ISO = rx.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?)?"
)
_COMPACT = rx.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:T\d{4,6}(?:Z|[+-]\d{4})?)?")
_YM = rx.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})")
_Y = rx.compile(r"(?P<y>\d{4})")
_MDY = rx.compile(
    _WEEKDAY_RE + _MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b.*",
    re.IGNORECASE,
)
_DMY = rx.compile(
    _WEEKDAY_RE + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?" + _MONTH_RE
    + r",?\s+(?P<y>\d{4})\b.*",
    re.IGNORECASE,
)
_MY = rx.compile(_MONTH_RE + r",?\s+(?P<y>\d{4})", re.IGNORECASE)
_NUMERIC = rx.compile(r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})")


def parse_date(value: str) -> str:
    """Read a metadata date; return ISO "YYYY-MM-DD" (or "YYYY-MM", "YYYY").

    Raises ImpossibleDate for a date that does not exist and ValueError for
    a value that is not a date.
    """
    s = " ".join(str(value).split())
    if not s:
        raise ValueError("empty date")
    m = _ISO.fullmatch(s)
    if m:
        return _ymd(int(m["y"]), int(m["m"]), int(m["d"]))
    m = _COMPACT.fullmatch(s)
    if m:
        return _ymd(int(m["y"]), int(m["m"]), int(m["d"]))
    m = _YM.fullmatch(s)
    if m:
        return _ym(int(m["y"]), int(m["m"]))
    if _Y.fullmatch(s):
        return s
    for rx in (_MDY, _DMY):
        m = rx.fullmatch(s)
        if m:
            return _ymd(int(m["y"]), MONTHS[m["month"].lower().rstrip(".")], int(m["d"]))
    m = _MY.fullmatch(s)
    if m:
        return _ym(int(m["y"]), MONTHS[m["month"].lower().rstrip(".")])
    m = _NUMERIC.fullmatch(s)
    if m:
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        if m["sep"] == ".":  # 14.02.2022: day first
            return _ymd(y, b, a)
        if a > 12 and b <= 12:
            return _ymd(y, b, a)
        if b > 12 and a <= 12:
            return _ymd(y, a, b)
        if a == b:
            return _ymd(y, a, b)
        raise ValueError(f"ambiguous date {s!r} (write it as YYYY-MM-DD)")
    return _dateutil_fallback(s)


def _dateutil_fallback(s: str) -> str:
    if not re.search(r"(?<!\d)\d{4}(?!\d)", s):
        raise ValueError(f"not a date: {s!r}")
    try:
        from dateutil import parser as du_parser
    except ImportError:  # pragma: no cover - dateutil is a declared dependency
        raise ValueError(f"not a date: {s!r}") from None
    try:
        parsed = du_parser.parse(s, default=_dt.datetime(1, 1, 1))
    except (ValueError, OverflowError) as err:
        if "out of range" in str(err) or "must be in" in str(err):
            raise ImpossibleDate(f"impossible date {s!r}") from None
        raise ValueError(f"not a date: {s!r}") from None
    if parsed.year == 1:
        raise ValueError(f"not a date: {s!r}")
    return parsed.date().isoformat()


# --- hints found outside the metadata ---------------------------------------

_DATELINE_MDY = rx.compile(
    _MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,\s*(?P<y>\d{4})\b", re.IGNORECASE
)
_DATELINE_DMY = rx.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(?P<y>\d{4})\b", re.IGNORECASE
)
DATELINE_CHARS = 300


def _fallback_dateline(text: str) -> str | None:
    """First "Month D, YYYY" or "D Month YYYY" in the opening characters."""
    head = text[:DATELINE_CHARS]
    found = []
    for rx in (_DATELINE_MDY, _DATELINE_DMY):
        m = rx.search(head)
        if m:
            found.append(m)
    for m in sorted(found, key=lambda m: m.start()):
        month = m["month"]
        # "May" alone is too often the verb; require it capitalised.
        if month.lower() == "may" and not month[0].isupper():
            continue
        try:
            return _ymd(int(m["y"]), MONTHS[month.lower().rstrip(".")], int(m["d"]))
        except ImpossibleDate:
            continue
    return None


def dateline_date(text: str) -> str | None:
    """A publication date from a dateline near the top of ``text``, or None.

    Uses ``negtrack.timex.find_dateline_date`` when that module is present
    (imported lazily: the date module is optional for reading), else a small
    regex of our own.
    """
    try:
        from negtrack.timex import find_dateline_date  # type: ignore[attr-defined]
    except ImportError:
        return _fallback_dateline(text)
    try:
        result = find_dateline_date(text)
    except TypeError:  # a signature we do not know: use our own rule
        return _fallback_dateline(text)
    if result is None:
        return None
    value = getattr(result, "value", result)
    if isinstance(value, tuple):
        value = value[0] if value else None
    if isinstance(value, _dt.date):
        return value.isoformat()[:10]
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return value
    return None


_FILENAME_DATE = rx.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[-_.]?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?!\d)"
)


def filename_date(path: str | None) -> str | None:
    """A date in the file name like ``2022-02-14_…`` or ``20220214``, or None."""
    if not path or path == "-":
        return None
    base = os.path.basename(path)
    for m in _FILENAME_DATE.finditer(base):
        try:
            return _ymd(int(m["y"]), int(m["m"]), int(m["d"]))
        except ImpossibleDate:
            continue
    return None
