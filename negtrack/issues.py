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
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from negtrack.codebook import Codebook, CueIndex, TextIndex, compile_cue, fold, non_overlapping
from negtrack.models import Mention, Sentence

ANAPHORA = re.compile(
    r"\b(?:these|those|the above|such|both|all (?:of )?(?:these|those|the))\s+(?:\w+\s+){0,2}"
    r"(?:issues|concerns|demands|proposals|questions|points|topics|areas|matters|initiatives|measures)\b"
    r"|\bthe\s+(?:two|three|four|five)\s+(?:\w+\s+){0,2}(?:issues|concerns|demands|proposals|points)\b",
    re.I,
)
# A sentence opening on a bare demonstrative ("This, along with …", "That is …") points back.
LEAD_ANAPHOR = re.compile(r"[\"“]?(?:This|That|These|Those)(?=,|\s+(?:is|was|are|were|would|will|,))")
# "them" or a non-initial "it" as an object: refers back to the one issue just named
OBJECT_PRONOUN = re.compile(r"(?<=\w )(?:them|it)\b(?![’']|\s+(?:is|was|will|would|has|had|does|did|can|could|"
                            r"may|might|must|should|\w+s)\b)")  # not a subject: "it comes to", "it’s"
PART = re.compile(r"\b(?:the\s+)?(first|second|third)\s+part\b", re.I)
NUMBERED = re.compile(r"\b(two|three|four|five)\s+(?:\w+\s+){0,2}(?:issues|concerns|demands|proposals|points|areas)\s*:",
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
    out: list[list[Mention]] = []
    last: list[str] = []
    parts: dict[str, list[str]] = {}
    prev_single = False  # the sentence before named issues itself
    referring = _referring(low, sentences) if low is not None else None
    for si, (s, found) in enumerate(zip(sentences, by_sentence)):
        if any(m.rule != "weak" for m in found):
            found = [m for m in found if m.rule != "weak" or _alone(m, found, s, text)]
        mentions = list(found)
        slugs = _unique(m.id for m in found if m.rule in ("cue", "counter", "opposite"))
        lead = LEAD_ANAPHOR.match(s.text) if last else None
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
        if not slugs and (referring[si] if referring is not None else _may_refer(s.text)):
            for a in ANAPHORA.finditer(s.text):
                for slug in last:
                    mentions.append(Mention("issue", slug, s.start + a.start(), s.start + a.end(), a.group(0),
                                            "anaphora"))
                break
            if not mentions:
                p = PART.search(s.text)
                if p and p.group(1).lower() in parts:
                    for slug in parts[p.group(1).lower()]:
                        mentions.append(Mention("issue", slug, s.start + p.start(), s.start + p.end(), p.group(0),
                                                "anaphora"))
        prev_single = bool(slugs)
        if slugs:
            num = NUMBERED.search(s.text)
            if num:
                n = NUMBERS[num.group(1).lower()]
                after = _unique(m.id for m in found if m.start >= s.start + num.end())
                last = after[:n] or slugs
            else:
                last = slugs
            p = PART.search(s.text)
            if p:
                parts[p.group(1).lower()] = last
        out.append(mentions)
    return out


_CLAUSE_MARK = re.compile(r"[;:—–]|,\s+(?:but|while|which|although)\b|\bbut\b")


def _alone(m: Mention, found: list[Mention], s: Sentence, text: str) -> bool:
    """A weak mention is kept when no regular cue shares its clause."""
    a = s.start
    for c in _CLAUSE_MARK.finditer(text, s.start, m.start):
        a = c.end()
    nxt = _CLAUSE_MARK.search(text, m.end, s.end)
    b = nxt.start() if nxt else s.end
    return not any(x.rule != "weak" and a <= x.start < b for x in found)


# Every ANAPHORA and PART match holds one of these words: a sentence with none
# of them (most) needs no regex scan.
_REFERRING = ("issue", "concern", "demand", "proposal", "question", "point", "topic", "area", "matter", "initiative",
              "measure", "part")


def _may_refer(sentence: str) -> bool:
    low = fold(sentence)
    return any(w in low for w in _REFERRING)


def _referring(low: str, sentences: list[Sentence]) -> list[bool]:
    """Per sentence, ``_may_refer(sentence.text)``, from one scan of the folded text.

    The words are ASCII, and folding a sentence alone or within the text gives
    the same ASCII letters, so a word found in the text inside a sentence's
    span is one ``_may_refer`` finds in the sentence.
    """
    starts = [s.start for s in sentences]
    hit = [False] * len(sentences)
    for w in _REFERRING:
        i = low.find(w)
        while i >= 0:
            k = bisect_right(starts, i) - 1
            if k >= 0 and i + len(w) <= sentences[k].end:
                hit[k] = True
            i = low.find(w, i + 1)
    return hit


def _unique(items) -> list[str]:
    seen: list[str] = []
    for x in items:
        if x not in seen:
            seen.append(x)
    return seen
