"""Split an article's text into sentences with exact character offsets.

Design decisions:

* Offsets are into the text exactly as stored: every ``Sentence.text`` is
  ``text[start:end]``. Nothing is normalised or unescaped, so Markdown escapes
  (``\\[``), curly quotes and hard-wrapped lines all survive; a newline inside a
  paragraph is just white space to the splitter.
* Paragraphs are separated by blank lines (lines holding only white space) and
  by the `` , `` joins a common news scraper puts between paragraphs (a run of
  padding spaces, a comma, more space). In text kept as one paragraph a line
  (see ``_one_paragraph_a_line``) every newline ends a paragraph, so a
  headline or bullet with no full stop is a sentence of its own; elsewhere a
  newline before a bullet ("-   Item") starts a list item's paragraph. The
  bullet is not part of the sentence.
* A sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes or
  brackets) followed by white space and something that can start a sentence.
  A period after a known abbreviation ("Jan.", "Gen.", "Mr.") or an initial is
  no boundary; after a dotted acronym ("U.S.") it is one only when a typical
  sentence opener follows ("... in the U.S. The talks ...").
* Speed: most sentence ends are decided by the ``_END`` pattern itself (a
  period closing no word, or a word ending in two letters or digits that is
  no abbreviation; ``!``, ``?``, ``…``; each before a sentence opener), and
  ``_is_boundary`` sees only the rest. Sentences are made by filling the
  instance dict rather than through the frozen dataclass's ``__init__``.
* Transcript labels at the start of a paragraph ("THE PRESIDENT:", "Q",
  "MS. PSAKI:") are not part of any sentence; the label is recorded as
  ``speaker_label`` on every following sentence until the next label.
* Datelines ("MOSCOW, Feb 14 (Reuters) -", "(CNN)") are skipped the same way.
* ``quotes()`` finds quotations, including those that run over paragraphs by
  the convention that an unclosed quote continues when the next paragraph
  opens with a quote mark; the actor step uses it to attribute quoted words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter

from negtrack import rx
from negtrack.models import Sentence

# Blank lines, or the scraper's " , " join (padding spaces, comma, space). The
# join after a sentence's end, "(?<=[.!?\"”])[ \t]*,[ \t]+", is written as its two
# cases with the look-behind after the first character, so that every branch
# opens with a character set and re scans for those characters alone.
_PARA_BREAK = rx.compile(r"\n[ \t\u00a0\r]*\n\s*|[ \t]{3,},[ \t]+"
                         r"|[ \t](?<=[.!?\"”][ \t])[ \t]*,[ \t]+(?=[\"“(]?[A-Z])"
                         r"|,(?<=[.!?\"”],)[ \t]+(?=[\"“(]?[A-Z])")
# Every join holds one of these pairs; see _breaks().
_JOIN_MARK = rx.compile(r',(?<=[ \t.!?"”],)')
_BLANK_LINE = rx.compile(r"\n[ \t\u00a0\r]*\n\s*")

_LABEL = rx.compile(
    r"(?:Q(?=[ \t\u00a0]{2,}|[ \t\u00a0]*[:—–-][ \t\u00a0]|[ \t\u00a0]+[A-Z“\"(—])"
    r"|(?:[A-Z][A-Z.’'\-]*[ \t]+){0,4}[A-Z][A-Z’'\-]+(?=:))"
    r"[ \t\u00a0]*:?[ \t\u00a0]*"
)
_DATELINE = rx.compile(
    r"\((?:CNN|AP|AFP|Reuters)\)\s*[-—–]*\s*"
    r"|[A-Z][A-Z .'\-]{2,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*\((?:Reuters|AP|AFP|AA|UPI)\)\s*[-—–]+\s*"
    r"|[A-Z][A-Z .'\-]{2,40},?\s*\((?:Reuters|AP|AFP|AA|UPI)\)\s*"
)

# Zero-width characters (some news sites mark their copy with them: ". \u200dA new
# round") are invisible and may stand before the next sentence's first letter.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_NEXT_OK = rx.compile(r"\s+[" + _ZERO_WIDTH + r"]*[\"“‘'(\[*_]*(?:[A-Z0-9]|\\\[)")

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep rev st jr sr inc co corp ltd
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc e.g i.e approx dept est
    univ fig pp vol ft mt ave amb pres sec""".split()
)
# After a dotted acronym ("U.S.") a period ends the sentence only before these.
_OPENERS = frozenset(
    """the a an we i he she it they this that these those but and so yet in on at for
    our his her their there here what when why how if as after before while today
    yesterday now however still meanwhile""".split()
)
_CLOSERS = r"[\"”’')\]*_]*"


def _end_pattern() -> str:
    """Sentence ends, with the boundaries decided by the pattern itself tagged.

    "[.!?]+" is spelt out per first character: with every branch opening on a
    literal, re looks for . ! ? … alone instead of trying a match at every
    position. The first five branches match only ends that ``_is_boundary``
    would accept, and capture the white space up to the next sentence;
    the last four match every other end, for ``_is_boundary`` to decide.
    Both kinds match the same characters at the same place (the run up to
    the white space), so which branch matched changes no offset.
    """
    nxt = r"(?=(\s+)[" + _ZERO_WIDTH + r"]*[\"“‘'(\[*_]*(?:[A-Z0-9]|\\\[))"  # _NEXT_OK, its white space captured
    by_len: dict[int, list[str]] = {}
    for w in sorted(ABBREVIATIONS):
        by_len.setdefault(len(w), []).append(re.escape(w))
    # "<word>." where the word (the letters, digits and periods before the
    # period) is an abbreviation; (?i) matches every character that lower()
    # maps to the abbreviation's, and a few more, which only sends those
    # few to _is_boundary.
    not_abbr = "".join(rf"(?<!(?<![^\W_])(?<!\.)(?i:{'|'.join(ws)})\.)" for _, ws in sorted(by_len.items()))
    decided = [
        r"\.(?<![^\W_]\.)(?<!\.\.)[.!?]*",  # a period closing no word: "(AP). The"
        # a word ending in two letters or digits is no initial and no dotted
        # acronym, so only the abbreviations are left out
        rf"\.(?<=[A-Za-z0-9]{{2}}\.){not_abbr}[.!?]*",
        r"![.!?]*", r"\?[.!?]*", "…",
    ]
    undecided = [r"\.[.!?]*", r"![.!?]*", r"\?[.!?]*", "…"]
    return "|".join([b + _CLOSERS + nxt for b in decided] + [b + _CLOSERS + r"(?=\s)" for b in undecided])


# A match's lastindex is the group of a decided boundary's white space, or
# None when _is_boundary has to decide.
_END = rx.compile(_end_pattern())
_NUMBER_NEXT = rx.compile(r"\s+\d")  # "No. 5", but "I said no. And ..."
_ACRONYM = rx.compile(r"(?:[A-Za-z]\.){2,}$")
_NEXT_WORD = rx.compile(r"\s+[\"“‘'(]*([A-Za-z]+)")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs (white space and a list item's bullet trimmed), in order."""
    out = []
    pos = 0
    n = len(text)
    breaks = _breaks(text)
    if "\n" in text:
        breaks = _line_breaks(text, breaks)
    for nxt, end in breaks + [(n, n)]:
        a, b = pos, nxt
        while a < b and (text[a].isspace() or text[a] == ","):  # empty scraper cells: "  ,   , Text"
            a += 1
        if a + 1 < b and text[a] in _BULLETS and text[a + 1] in " \t":  # "-   Item", "* Item"
            a += 2
            while a < b and text[a].isspace():
                a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
        pos = end
    return out


# Text kept as one paragraph a line (news copied from a web page) has no blank
# line between paragraphs, so each newline ends one: a headline or a bullet
# with no full stop would otherwise run into the next paragraph's first
# sentence. Hard-wrapped text (transcripts wrapped at 72 columns) is told apart
# by its lines: none is longer than the wrap, and most end inside a sentence
# (in the texts measured, at most 41 % of a wrapped text's lines end with a
# sentence's last character, at least 90 % of a paragraph-a-line text's).
# In hard-wrapped text a newline before a bullet ("-   Item", "* Item") still
# starts a paragraph: a list item.
_WRAP_WIDTH = 100
_SENTENCE_LAST = ".!?…\"”’)"
_BULLETS = "-*•"
_LINE_BREAK = rx.compile(r"\n\s*")
_BULLET_BREAK = rx.compile(r"\n[ \t]*(?=[-*•][ \t])")


def _one_paragraph_a_line(text: str) -> bool:
    """A line is longer than a wrapped one can be, and either half the lines are
    or three in four end a sentence (a fact sheet wrapped at 72 columns has a few
    long lines: its links)."""
    raw = text.split("\n")
    if max(map(len, raw)) <= _WRAP_WIDTH:  # hard-wrapped (most transcripts): decided in C
        return False
    lines = [line for line in map(str.rstrip, raw) if line]
    long = sum(1 for line in lines if len(line) > _WRAP_WIDTH)
    if not long:
        return False
    ends = sum(1 for line in lines if line[-1] in _SENTENCE_LAST)
    return long * 2 >= len(lines) or ends * 4 >= len(lines) * 3


def _line_breaks(text: str, breaks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``breaks`` (from ``_breaks``) with the newlines that end a paragraph besides
    blank lines (see ``_one_paragraph_a_line``), merged where they overlap."""
    rx_ = _LINE_BREAK if _one_paragraph_a_line(text) else _BULLET_BREAK
    extra = [m.span() for m in rx_.finditer(text)]
    if not extra:
        return breaks
    out: list[tuple[int, int]] = []
    for a, b in sorted(breaks + extra):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _breaks(text: str) -> list[tuple[int, int]]:
    """Spans of the matches of ``_PARA_BREAK.finditer(text)``, found faster.

    The join branches make re stop at every space. Every join holds a
    ``_JOIN_MARK`` comma, and a join through the comma at k can only start
    at the first of the spaces and tabs just before k (k itself when there
    are none): after a space, a branch needs three spaces before the comma
    or a sentence end before the space, and one starting further in has
    fewer of the one and a space in place of the other. So _PARA_BREAK is
    tried there alone. A blank line holds no comma and a join no newline, so
    neither kind of break can start inside the other: the blank lines are
    those their own branch finds (re scans for newlines only), and a join
    is looked for after the end of the last break before it.
    """
    blanks = [m.span() for m in _BLANK_LINE.finditer(text)]
    joins = [m.start() for m in _JOIN_MARK.finditer(text)]
    if not joins:
        return blanks
    found = []
    pos = 0  # end of the last break before the comma
    for k in joins:
        i = bisect_left(blanks, (k, -1))  # the first blank line from k on
        if i and blanks[i - 1][1] > pos:
            pos = blanks[i - 1][1]
        if k < pos:
            continue
        # back over the padding before the comma (rstrip: runs of hundreds of
        # spaces are common in scraped text)
        m = _PARA_BREAK.match(text, pos + len(text[pos:k].rstrip(" \t")))
        if m is not None:
            found.append(m.span())
            pos = m.end()
    return sorted(blanks + found) if found else blanks


def _is_boundary(text: str, m: re.Match, limit: int) -> bool:
    if not _NEXT_OK.match(text, m.end(), limit):
        return False
    punct = text[m.start()]
    if punct != ".":
        return True
    # the word the period closes
    i = m.start()
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:i + 1]
    bare = word.rstrip(".").lower()
    if bare in ABBREVIATIONS and not (bare in ("no", "nos") and not _NUMBER_NEXT.match(text, m.end(), limit)):
        return False
    if len(bare) == 1 and bare.isalpha() and text[j].isupper():
        return False  # an initial: "J. Biden"
    if _ACRONYM.search(word):
        nxt = _NEXT_WORD.match(text, m.end(), limit)
        return bool(nxt and nxt.group(1).lower() in _OPENERS)
    return True


def split(text: str, paras: list[tuple[int, int]] | None = None) -> list[Sentence]:
    """Sentences of ``text`` with offsets, paragraph numbers and transcript labels.

    ``paras``: the text's ``paragraphs()`` when the caller has them already.
    """
    out: list[Sentence] = []
    if not text:
        return out
    append = out.append
    label: str | None = None
    for pno, (pa, pb) in enumerate(paras if paras is not None else paragraphs(text)):
        start = pa
        # Labels and datelines open with a capital or "(" followed by a
        # capital, white space or punctuation, never by a lower-case letter.
        if pa + 1 >= pb or not text[pa + 1].islower():
            m = _LABEL.match(text, pa, pb)
            if m:
                raw = text[pa:m.end()].strip().rstrip(":").strip()
                # A label is a short upper-case name before a colon, or "Q".
                if raw == "Q" or (raw.isupper() and ":" in text[pa:m.end()]):
                    label = raw
                    start = m.end()
            if pno == 0 or start == pa:
                d = _DATELINE.match(text, start, pb)
                if d:
                    start = d.end()
        while start < pb and text[start].isspace():
            start += 1
        s = start
        for e in _END.finditer(text, start, pb):
            g = e.lastindex
            if g:
                end, nxt = e.span(g)  # the white space after the end
            else:
                end = e.end()
                if end >= pb:
                    break
                if not _is_boundary(text, e, pb):
                    continue
                nxt = end
                while nxt < pb and text[nxt].isspace():
                    nxt += 1
            if end - s <= MAX_SENTENCE:
                # Sentence(...) without its __init__, which for a frozen
                # dataclass sets each field through object.__setattr__: filling
                # the instance dict in field order makes the same object in
                # a third of the time.
                o = _new(Sentence)
                d = o.__dict__
                d["start"] = s
                d["end"] = end
                d["text"] = text[s:end]
                d["paragraph"] = pno
                d["speaker_label"] = label
                append(o)
            else:
                _append(out, text, s, end, pno, label)
            s = nxt
        if s < pb:
            _append(out, text, s, pb, pno, label)
    return out


_new = object.__new__


# No real sentence is this long. Longer runs without a boundary (a 1 MB line,
# a table flattened into one "sentence") are cut at a space, because the
# per-sentence matchers are quadratic in a sentence's length: a hostile line
# would otherwise take hours.
MAX_SENTENCE = 2000


def _append(out: list[Sentence], text: str, s: int, e: int, pno: int, label: str | None) -> None:
    while e - s > MAX_SENTENCE:
        cut = text.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
        cut = cut if cut > s else s + MAX_SENTENCE
        out.append(Sentence(s, cut, text[s:cut], pno, label))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if s < e:
        o = _new(Sentence)  # Sentence(...) without its __init__, as in split()
        o.__dict__.update(start=s, end=e, text=text[s:e], paragraph=pno, speaker_label=label)
        out.append(o)


_OPEN_Q = "“"
_CLOSE_Q = "”"
_QUOTE_CHARS = '“”"'


def quotes(text: str, paras: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of quotations (from the opening mark to just after the closing one).

    A quotation left open at the end of a paragraph continues when the next
    paragraph opens with a quote mark; otherwise it ends with its paragraph.
    ``paras``: the text's ``paragraphs()`` when the caller has them already.

    The quote marks are found by ``str.find`` (for three characters it is
    twenty times faster than re scanning for a set of them); paragraphs
    matter only while a quotation is open (it may run on or end with each
    one), so the others are skipped by bisection.
    """
    paras = paras if paras is not None else paragraphs(text)
    spans: list[tuple[int, int]] = []
    n = len(paras)
    if not n:
        return spans
    open_at: int | None = None
    idx = 0  # the paragraph entered last
    end = paras[0][1]
    skip = -1  # the reopening mark of a quotation that runs on
    for k in _quote_marks(text, paras[0][0]):
        if k >= end:
            # enter the following paragraphs up to the one holding k
            while open_at is not None:
                if idx + 1 == n:
                    break
                idx += 1
                a = paras[idx][0]
                if text[a] in "“\"":
                    skip = a
                else:
                    spans.append((open_at, end))
                    open_at = None
                end = paras[idx][1]
                if k < end:
                    break
            if open_at is None:
                idx = bisect_right(paras, k, idx, n, key=_para_end)
                if idx == n:
                    break
                end = paras[idx][1]
            if k >= end:
                break  # past the last paragraph, the quotation open
        if k < paras[idx][0] or k == skip:
            continue
        c = text[k]
        if c == _OPEN_Q or (c == '"' and open_at is None):
            if open_at is None:
                open_at = k
        elif (c == _CLOSE_Q or c == '"') and open_at is not None:
            spans.append((open_at, k + 1))
            open_at = None
    if open_at is not None:
        spans.append((open_at, end))
    return spans


_para_end = itemgetter(1)


def _quote_marks(text: str, start: int) -> list[int]:
    """Offsets of the quote marks from ``start`` on, in order."""
    out = []
    for c in _QUOTE_CHARS:
        k = text.find(c, start)
        while k >= 0:
            out.append(k)
            k = text.find(c, k + 1)
    out.sort()
    return out
