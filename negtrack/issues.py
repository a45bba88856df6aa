"""Find the codebook's issues in a text, including phrases that refer back to them.

Design decisions:

* An issue is named by its codebook ``cues`` (case-insensitive, on word
  boundaries) or by a ``counter`` phrase, which names the counter-position
  ("open door", "right to choose alliances"); counter mentions carry the rule
  ``counter`` so the stance step can turn "upholds the counter-position" into
  "rejects the issue".
* Anaphora ("these issues", "the three key concerns", "these proposals") refer
  to the issues of the last sentence that named any. An enumeration announced
  with a number ("three key concerns: A, B and C") is a set of that many: a
  later "these issues" means those three, not whatever else the sentence
  mentions. "The first part" / "the second part" refer to the issues of the
  sentence that introduced that part.
* ``opposite`` phrases name what the proposition rules out ("invasion");
  they count as cues, with the rule ``opposite`` so that opposing one
  becomes demanding the issue.
* An object pronoun ("put them there", "pass it") in a sentence that names
  no issue refers to the one issue the sentence before named, when it named
  exactly one; a subject "it" ("it comes to", "it's") refers to nothing.
* ``weak`` cues ("talks", "diplomacy") count only in clauses where no
  regular cue of any issue is found, and never feed anaphora.
* Overlapping cues keep the longest match, so a cue inside a longer cue of
  another issue does not also fire.
* ``resolve`` looks for anaphora only where they can resolve: not before the
  first sentence that names an issue, and with each regex only in sentences
  that hold a word every match of it needs (one of ``HEADS`` for
  ``ANAPHORA``, "part" for ``PART``, a colon for ``NUMBERED``), found by one
  scan of the folded text per word rather than a regex run per sentence.
  Measured on 68 texts (10,855 sentences): 50 ms before, 19 ms after.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from negtrack import rx
from negtrack.codebook import Codebook, CueIndex, TextIndex, compile_cue, fold, non_overlapping
from negtrack.models import Mention, Sentence

# The nouns an anaphoric phrase ends in ("these issues"): a sentence without
# one (most) needs no ANAPHORA scan.
HEADS = ("issues", "concerns", "demands", "proposals", "questions", "points", "topics", "areas", "matters", "initiatives",
         "measures")
ANAPHORA = rx.compile(
    r"\b(?:these|those|the above|such|both|all (?:of )?(?:these|those|the))\s+(?:\w+\s+){0,2}"
    r"(?:" + "|".join(HEADS) + r")\b"
    r"|\bthe\s+(?:two|three|four|five)\s+(?:\w+\s+){0,2}(?:issues|concerns|demands|proposals|points)\b",
    re.I,
)
# A sentence opening on a bare demonstrative ("This, along with …", "That is …") points back.
LEAD_ANAPHOR = rx.compile(r"[\"“]?(?:This|That|These|Those)(?=,|\s+(?:is|was|are|were|would|will|,))")
# "them" or a non-initial "it" as an object: refers back to the one issue just named
OBJECT_PRONOUN = rx.compile(r"(?<=\w )(?:them|it)\b(?![’']|\s+(?:is|was|will|would|has|had|does|did|can|could|"
                            r"may|might|must|should|\w+s)\b)")  # not a subject: "it comes to", "it’s"
PART = rx.compile(r"\b(?:the\s+)?(first|second|third)\s+part\b", re.I)
NUMBERED = rx.compile(r"\b(two|three|four|five)\s+(?:\w+\s+){0,2}(?:issues|concerns|demands|proposals|points|areas)\s*:",
                      re.I)
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}


@dataclass
class IssueLexicon:
    patterns: list[tuple[re.Pattern, str, str]] = field(default_factory=list)  # (re, slug, rule)
    index: CueIndex | None = None  # the patterns by the words they start with


_LEX: dict[tuple, IssueLexicon] = {}


def lexicon(book: Codebook) -> IssueLexicon:
    key = (book.name, book.version, id(book))
    lex = _LEX.get(key)
    if lex is None:
        lex = IssueLexicon()
        for issue in book.issues.values():
            for c in issue.cues:
                lex.patterns.append((compile_cue(c), issue.slug, "cue"))
            for c in issue.counter:
                lex.patterns.append((compile_cue(c), issue.slug, "counter"))
            for c in issue.opposite:
                lex.patterns.append((compile_cue(c), issue.slug, "opposite"))
            for c in issue.weak:
                lex.patterns.append((compile_cue(c), issue.slug, "weak"))
        lex.index = CueIndex([p[0] for p in lex.patterns])
        _LEX[key] = lex
    return lex


def find(text: str, book: Codebook, tix: TextIndex | None = None) -> list[Mention]:
    """Issue mentions by cue or counter cue over the whole text, non-overlapping, in order.

    ``tix``: the text's word index when the caller has one.
    """
    found = []
    lex = lexicon(book)
    for i, m in lex.index.finditer(text, tix):
        if m.end() > m.start():
            _, slug, rule = lex.patterns[i]
            found.append(Mention("issue", slug, m.start(), m.end(), m.group(0), rule))
    found.sort(key=lambda x: (x.start, -(x.end - x.start), x.rule == "weak"))
    return non_overlapping(found)


def resolve(text: str, sentences: list[Sentence], by_sentence: list[list[Mention]],
            low: str | None = None) -> list[list[Mention]]:
    """Per sentence, its issue mentions plus anaphora resolved to earlier issues.

    A resolved anaphor becomes one Mention per issue it stands for, spanning the
    anaphoric phrase, with rule ``anaphora``. ``low``: the text folded
    (``codebook.fold``, as ``TextIndex.low``) when the caller has it.
    """
    if low is None:
        low = fold(text)
    out: list[list[Mention]] = []
    last: list[str] = []
    parts: dict[str, list[str]] = {}
    prev_single = False  # the sentence before named issues itself
    heads: list[bool] = []  # per sentence, whether it holds one of HEADS (from the first issue named on)
    for si, (s, found) in enumerate(zip(sentences, by_sentence)):
        lead = LEAD_ANAPHOR.match(s.text) if last else None
        if not (found or lead or prev_single or parts or (last and heads[si])):
            out.append([])  # most sentences: no issue named, and nothing that can refer back to one
            continue
        slugs: list[str] = []
        if found:
            if any(m.rule != "weak" for m in found):
                found = [m for m in found if m.rule != "weak" or _alone(m, found, s, text)]
            slugs = _unique(m.id for m in found if m.rule in ("cue", "counter", "opposite"))
        mentions = list(found)
        if lead:
            for slug in last:
                if slug not in slugs:
                    mentions.append(Mention("issue", slug, s.start + lead.start(), s.start + lead.end(),
                                            lead.group(0), "anaphora"))
        if not mentions and prev_single and len(last) == 1:
            # "Neither the US nor NATO have missiles in Ukraine. We do not have plans to put
            # them there": an object pronoun right after one named issue is that issue
            p = OBJECT_PRONOUN.search(s.text)
            if p:
                mentions.append(Mention("issue", last[0], s.start + p.start(), s.start + p.end(), p.group(0),
                                        "anaphora"))
        if not slugs and last:
            a = ANAPHORA.search(s.text) if heads[si] else None
            if a:
                for slug in last:
                    mentions.append(Mention("issue", slug, s.start + a.start(), s.start + a.end(), a.group(0),
                                            "anaphora"))
            if not mentions and parts:
                p = _part(s, low)
                if p and p.group(1).lower() in parts:
                    for slug in parts[p.group(1).lower()]:
                        mentions.append(Mention("issue", slug, s.start + p.start(), s.start + p.end(), p.group(0),
                                                "anaphora"))
        prev_single = bool(slugs)
        if slugs:
            if not last:
                heads = _holding(low, sentences, si, HEADS)
            num = NUMBERED.search(s.text) if ":" in s.text else None
            if num:
                n = NUMBERS[num.group(1).lower()]
                after = _unique(m.id for m in found if m.start >= s.start + num.end())
                last = after[:n] or slugs
            else:
                last = slugs
            p = _part(s, low)
            if p:
                parts[p.group(1).lower()] = last
        out.append(mentions)
    return out


def _part(s: Sentence, low: str) -> re.Match | None:
    """``PART.search(s.text)``, run only where the folded sentence holds "part"."""
    return PART.search(s.text) if low.find("part", s.start, s.end) >= 0 else None


_CLAUSE_MARK = rx.compile(r"[;:—–]|,\s+(?:but|while|which|although)\b|\bbut\b")


def _alone(m: Mention, found: list[Mention], s: Sentence, text: str) -> bool:
    """A weak mention is kept when no regular cue shares its clause."""
    a = s.start
    for c in _CLAUSE_MARK.finditer(text, s.start, m.start):
        a = c.end()
    nxt = _CLAUSE_MARK.search(text, m.end, s.end)
    b = nxt.start() if nxt else s.end
    return not any(x.rule != "weak" and a <= x.start < b for x in found)


def _holding(low: str, sentences: list[Sentence], first: int, words: tuple[str, ...]) -> list[bool]:
    """Per sentence from ``first`` on, whether it holds one of ``words`` (ASCII, lower case).

    One scan of the folded text per word, not one per sentence. ``fold``
    gives an ASCII letter exactly where re.IGNORECASE matches that letter,
    so a sentence a case-insensitive pattern built on ``words`` can match
    is one found here.
    """
    starts = [s.start for s in sentences]
    hit = [False] * len(sentences)
    begin = sentences[first].start
    for w in words:
        i = low.find(w, begin)
        while i >= 0:
            k = bisect_right(starts, i) - 1
            if i + len(w) <= sentences[k].end:
                hit[k] = True
            i = low.find(w, i + 1)
    return hit


def _unique(items) -> list[str]:
    seen: list[str] = []
    for x in items:
        if x not in seen:
            seen.append(x)
    return seen
