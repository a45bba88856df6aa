"""The extraction engine: one article in, its sentences, dates and positions out.

Design decisions:

* ``extract`` is a pure function of the article and the codebook: no I/O, no
  global state beyond the per-codebook caches of compiled patterns (each
  codebook's regexes are compiled once, on first use).
* Every matcher runs once over the whole text and its matches are bucketed
  into sentences by offset; the cost is linear in the text. The text is
  indexed once by its words (``codebook.TextIndex``) and each of the
  codebook's few hundred name, cue and stance patterns is tried only where
  its first word occurs (``codebook.CueIndex``), which gives exactly what
  running every pattern over the text gave. Agents, clauses and pairing are
  worked out only in the sentences that can use them: those with a stance
  cue, a counter-position, a statement date or a response noun, found from
  those matches rather than by testing every sentence (most have none). Measured
  on 68 news and White House texts (191,579 words): about 450,000 words/s,
  dates included, without the explain trace (15,000 when every pattern
  scanned the whole text).
* The temporal tagger (``negtrack.timex``) is imported lazily; without it, or
  if it fails on a text, positions fall back to the publication date (rule
  ``published``), so extraction never depends on it to succeed.
* Dates are tagged only in the sentences whose dates can matter (one that
  can hold a position, or has a reporting verb: "Lavrov said on Monday"),
  about a third of the text: those sentences are handed to the tagger as one
  text and the dates' offsets mapped back. ``Extraction.dates`` (what
  ``explain`` shows) is the whole text's, tagged on first access;
  ``negtrack add`` never needs it.
* The trace holds, per sentence, who speaks, what was matched and which rule
  produced each position: what ``negtrack explain`` shows. It is built only
  when asked for (``trace=True``, the default, which ``explain`` relies on);
  ``negtrack add``, ``extract`` and ``reprocess`` store positions alone and
  pass ``trace=False``.
* ``warm`` runs the engine once over a short built-in text, so the lazy work
  (the codebook's patterns, the tagger's import, the regexes compiled on
  first use) is done before ``negtrack add --jobs`` forks its workers, which
  inherit it instead of each doing it again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from negtrack import rx
from negtrack import actors, issues, positions, sentences, stances
from negtrack.codebook import Codebook, CueIndex, TextIndex
from negtrack.models import Article, Extraction, Mention, Sentence


_URL = rx.compile(r"\]\([^)\s]*\)|https?://\S+|www\.\S+")


def masked_spans(text: str) -> list[tuple[int, int]]:
    """Markdown link targets and bare URLs: their words are no cues or names."""
    return [(m.start(), m.end()) for m in _URL.finditer(text)]


def _bucket(sents: list[Sentence], mentions: list[Mention]) -> list[list[Mention]]:
    starts = [s.start for s in sents]
    out: list[list[Mention]] = [[] for _ in sents]
    for m in mentions:
        i = bisect_right(starts, m.start) - 1
        if 0 <= i < len(sents) and m.end <= sents[i].end:
            out[i].append(m)
    return out


def _unmasked(mentions: list[Mention], masked: list[tuple[int, int]]) -> list[Mention]:
    if not masked:
        return mentions
    out = []
    i = 0
    for m in mentions:
        while i < len(masked) and masked[i][1] <= m.start:
            i += 1
        if i < len(masked) and masked[i][0] <= m.start < masked[i][1]:
            continue
        out.append(m)
    return out


def _timexes(text: str, published: str | None, sents: list[Sentence]):
    """All dates found, and the resolver; ([], None) when the tagger is absent or fails."""
    try:
        from negtrack import timex  # noqa: PLC0415 - optional, lands separately
    except Exception:
        return [], None
    try:
        found = timex.tag(text, published, sentences=sents)
        found = sorted(found, key=lambda t: t.start)
        return found, timex.resolve_position_date
    except Exception:
        return [], None


# Between the pieces of text handed to the date tagger: a paragraph break (so
# its sentences end there) holding a full stop (so no "\s+" in a date pattern
# joins the end of one piece to the start of the next).
_GAP = "\n\n.\n\n"


def _dates_in(text: str, published: str | None, keep: list[tuple[int, int]]):
    """The dates of the spans ``keep`` only, and the resolver ((_, None) without a tagger).

    The spans are tagged as one text, neighbours joined by the white space
    between them and others by ``_GAP``; offsets are mapped back to ``text``.
    """
    pieces: list[tuple[int, int]] = []
    for a, b in keep:
        if pieces and text[pieces[-1][1]:a].isspace():
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    parts = []
    where = []  # (start in the joined text, start in text, length)
    pos = 0
    for a, b in pieces:
        if parts:
            parts.append(_GAP)
            pos += len(_GAP)
        where.append((pos, a, b - a))
        parts.append(text[a:b])
        pos += b - a
    found, resolver = _timexes("".join(parts), published, None)
    starts = [w[0] for w in where]
    out = []
    for t in found:
        i = bisect_right(starts, t.start) - 1
        if i < 0 or t.end > where[i][0] + where[i][2]:
            continue
        shift = where[i][1] - where[i][0]
        out.append(replace(t, start=t.start + shift, end=t.end + shift))
    return out, resolver


_SAYS = CueIndex([actors.REPORTING])


def _dated(text: str, spans: list[tuple[int, int]], cues, issues_by_sent, tix, book: Codebook):
    """The sentences whose dates can matter: those that can hold a position (an
    issue and a stance cue, or a cue with a default issue), the few before one
    whose cue is in the past tense (a story's day it may continue), and those
    with a reporting verb (a statement date: "Lavrov said on Monday"); and, per sentence,
    its reporting verbs, which the positions step reads the statement dates from.

    Few sentences have any of these: they are gathered from the sentences that
    have a reporting verb, a cue or an issue, not by testing every sentence."""
    says = _SAYS.finditer_spans(text, spans, tix)
    keep = {si for si, r in enumerate(says) if r}
    held = [si for si, c in enumerate(cues) if c and (issues_by_sent[si] or any(x.stance in book.defaults for x in c))]
    keep.update(held)
    keep.update(si for si, i in enumerate(issues_by_sent) if i and any(m.rule == "counter" for m in i))
    # and the few before a cue in the past tense, whose day it may continue
    # ("Yesterday, … Putin's remarks. He explicitly threatened war …": positions._narrative_date)
    for si in held:
        if any(x.text.endswith("ed") for x in cues[si]):
            keep.update(range(max(0, si - positions.NARRATIVE_REACH), si))
    return [spans[si] for si in sorted(keep)], says


class _Extraction(Extraction):
    """An Extraction whose full list of dates is tagged on first access.

    Positions need the dates of only the sentences that can carry them, so
    extraction tags just those (the rest of the text blanked, offsets kept);
    ``explain`` and anything else reading ``dates`` gets the whole text's.
    """

    @property
    def dates(self):
        if self._all_dates is None:
            text, published, sents = self._dating
            self._all_dates = _timexes(text, published, sents)[0]
        return self._all_dates

    @dates.setter
    def dates(self, value):
        self._all_dates = value


def extract(article: Article, codebook: Codebook, trace: bool = True) -> Extraction:
    """Sentences, dates, positions and a per-sentence trace for one article.

    ``trace=False`` leaves ``Extraction.trace`` empty: what storing needs, cheaper.
    """
    text = article.text or ""
    published = article.published
    paras = sentences.paragraphs(text)
    sents = sentences.split(text, paras)
    quote_spans = sentences.quotes(text, paras)
    masked = masked_spans(text)
    tix = TextIndex(text)
    actor_mentions = _unmasked(actors.find(text, codebook, tix), masked)
    issue_mentions = _unmasked(issues.find(text, codebook, tix), masked)
    by_sent_actors = _bucket(sents, actor_mentions)
    by_sent_issues = issues.resolve(text, sents, _bucket(sents, issue_mentions), tix.low)
    voice = actors.voice(article.source, article.title, codebook)
    said = actors.reporters(text, actor_mentions)  # who reports speech: for speakers and for positions
    unknown = actors.unknown_sources(text, actor_mentions, tix)  # and who the codebook does not know
    speaking, qinfo = actors.attribute(text, sents, actor_mentions, quote_spans, codebook, voice, said, unknown)
    spans = [(s.start, s.end) for s in sents]
    cues = stances.find_spans(text, spans, codebook, tix)
    dated, says = _dated(text, spans, cues, by_sent_issues, tix, codebook)
    dates, resolver = _dates_in(text, published, dated)
    ctx = positions.Context(
        text=text, book=codebook, published=published, actors=by_sent_actors, issues=by_sent_issues,
        speaking=speaking, quotes=qinfo, timexes=dates, resolve_date=resolver, masked=masked,
        reporters=set(said), unknown=unknown, tix=tix, cues=cues, says=says,
    )
    found, steps = positions.extract(ctx, sents, trace=trace)
    ext = _Extraction(published=published, sentences=sents, dates=None, positions=found, trace=steps)
    ext._dating = (text, published, sents)
    return ext


# Quotation, transcript label, dates, a question, reported speech and the common
# cue kinds: enough for one run to reach the engine's lazily compiled patterns.
_WARM_TEXT = (
    "MOSCOW, Jan. 10, 2022 — Russia's foreign minister said on Monday that Moscow demanded guarantees "
    "and rejected NATO's proposal. \"We will not accept it,\" he said, adding that talks could resume "
    "next week if the United States responded by Feb. 1.\n\n"
    "Q: Did the two presidents agree to meet in March?\n\n"
    "MS. PSAKI: Our position is clear; we have proposed talks, but they refuse to engage, "
    "and the response remained unanswered last month.\n"
)


def warm(codebook: Codebook) -> None:
    """Do extraction's one-time work for ``codebook`` now (see the module notes)."""
    ext = extract(Article(text=_WARM_TEXT, published="2022-01-10", source="Reuters", title="Talks"), codebook)
    ext.dates  # noqa: B018 - the whole-text tagging path too
