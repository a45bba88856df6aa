"""Plain data passed between the pipeline's steps.

Design: each step of the pipeline (read → sentences → dates → actors →
issues → stances → positions → store → views) is a plain function over these
dataclasses, so each can be tested alone and none needs the database. Offsets
(``start``/``end``) are always character offsets into ``Article.text`` exactly
as stored, so ``article.text[start:end]`` is the evidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Article:
    """One article as read from a file, stdin or a JSON Lines record."""

    text: str
    path: str | None = None  # the file as given to `negtrack add` ("-" for stdin)
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date, "YYYY-MM-DD" (or coarser) or None
    published_rule: str | None = None  # option|header|front-matter|html-meta|json|dateline|filename
    format: str = "text"  # text|header|markdown|html|jsonl
    encoding: str | None = None

    @property
    def content_hash(self) -> str:
        """sha256 of the text: re-adding the same content changes nothing."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int = 0
    speaker_label: str | None = None  # transcript label in force ("THE PRESIDENT", "Q")


@dataclass(frozen=True)
class Timex:
    """A time expression found in the text and its TimeML value."""

    text: str
    start: int
    end: int
    value: str  # "2022-01-27", "2022-01", "2022", "2022-W02", "2021-SU", "2022-Q1", "PAST_REF" …
    precision: str  # day|week|month|season|quarter|year|decade|century|ref|unknown
    type: str = "DATE"
    rule: str | None = None


@dataclass(frozen=True)
class Mention:
    """A codebook entity (actor, person, issue) or a stance cue found in a sentence."""

    kind: str  # actor|person|issue|stance
    id: str
    start: int
    end: int
    text: str
    rule: str | None = None


@dataclass
class Position:
    actor: str
    issue: str
    stance: str
    evidence: str
    start: int
    end: int
    date: str | None = None
    date_precision: str | None = None  # day|month|year
    date_rule: str | None = None
    speaker: str | None = None
    target: str | None = None
    confidence: float = 0.5
    status: str = "auto"
    rule: str | None = None


@dataclass
class Extraction:
    """What the pipeline read in one article: the input to `store` and `explain`."""

    published: str | None
    sentences: list[Sentence] = field(default_factory=list)
    dates: list[Timex] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)  # per sentence: what matched, which rule fired


STANCES = (
    "demand",
    "propose",
    "accept",
    "open",
    "reject",
    "no-response",
    "warn",
    "consult",
    "respond",
)

# CAMEO root codes per stance (spec table); "" where there is none.
CAMEO = {
    "demand": "10",
    "propose": "03",
    "accept": "05",
    "open": "03",
    "reject": "12",
    "no-response": "",
    "warn": "13",
    "consult": "04",
    "respond": "",
}
