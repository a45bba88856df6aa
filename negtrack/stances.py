"""Stance cues: which words say demand, propose, accept, … and how negation turns them.

Design decisions:

* The engine has its own English cue lexicon per stance (``DEFAULTS``); a
  codebook's ``[stances]`` table adds cue phrases (plain or ``re:``). Each cue
  has a frame that tells the positions step whose stance it is:

  - ``verb``: the subject's ("Russia demands", "we propose");
  - ``noun``: the possessor's ("Russia's demands", "the US proposal");
  - ``eval``: the owner of what is judged ("the US response is negative" →
    the US; "a non-starter from NATO's perspective" → NATO);
  - ``modal``: obligations ("Congress must act") are the speaker's demand,
    addressed to the subject (the target);
  - ``recipient``: "the message to the OSCE remained unanswered" is the
    recipient's no-response;
  - ``threat``: "it will face severe consequences" names the target, so the
    warning is the speaker's (or the sentence's other party's);
  - ``critique``: "the extreme bill would hurt veterans" is the speaker's
    rejection of what is criticised, never its author's.

* An accept cue under future or modal ("will reach an agreement", "until we
  reach a deal") is not yet acceptance: it becomes open, or nothing after
  "until"; but "voted to pass" and a set intention to sign ("which I'm going
  to sign tomorrow") are acceptance.
* Cues that only look like stances are dropped: "warning about" a danger,
  being threatened ("we would be threatened"), "opposing demands", "as
  opposed to", "want to remind"; and an obligation under "would/could"
  ("Washington would need to devote …") is a hypothetical, unless it is
  reported speech ("agreed that any agreement would need to be bipartisan").

* Negation within the three words before a cue turns it: "not accept" is
  reject, "did not reject" and "not ruling out" are open, "has not responded"
  is no-response, "not open to" is reject; a negated demand, proposal,
  warning or meeting says nothing and is dropped. Cues that carry their own
  negation ("not for discussion", "cannot satisfy", "not exhausted") are
  never turned again.
* "If they cared about X, they would not do Y" says they do Y: a negation
  in the consequent ("would not", "couldn't") after an if-clause is not
  applied.
* Conditionals: a cue inside an "if"/"unless" clause is a hypothetical the
  actor does not own and is dropped, except warnings ("if Russia invades, we
  will impose costs" fires on the main clause anyway). Modal "could consider"
  is open, not accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from negtrack import rx
from negtrack.codebook import Codebook, CueIndex, TextIndex, compile_cue
from negtrack.models import STANCES

W = r"(?:[\w’'-]+\s+)"  # one word and its space

# (stance, frame, pattern); patterns are case-insensitive.
DEFAULTS: list[tuple[str, str, str]] = [
    # demand
    ("demand", "verb", r"\bdemand(?:s|ed|ing)?\b(?! (?:for|that the US)\b)"),
    ("demand", "noun", r"\bdemands\b"),
    ("demand", "verb", r"\binsist(?:s|ed|ing)?\s+(?:on|that)\b"),
    ("demand", "verb", r"\bcall(?:s|ed|ing)?\s+(?:on\s+\w+\s+)?for\b"),
    ("demand", "verb", r"\burg(?:e|es|ed|ing)\b"),
    ("demand", "verb", r"\b(?:wants?|wanted)\s+" + W + r"{0,3}to\b(?!\s+(?:say|thank|talk|speak|be|make|ask|know|see|go|"
                       r"start|begin|mention|point|share|give|take|welcome|announce|read|update|note|add|come|hear|"
                       r"acknowledge|recognize|express|emphasize|underscore|stress|reiterate|highlight|turn|tell|"
                       r"remind|preview|flag|clarify|describe|outline|walk|touch|answer|follow|pick)\b)"),
    ("demand", "verb", r"\bseek(?:s|ing)?\s+to\s+(?:convince|get|obtain|secure|force)\b"),
    ("demand", "verb", r"\bpress(?:es|ed|ing)?\s+(?:for|\w+\s+to)\b"),
    ("demand", "verb", r"\bagitat(?:e|es|ed|ing)\s+for\b"),
    ("demand", "verb", r"\b(?:remain|are|is|stay)\s+committed\s+to\b"),
    ("demand", "verb", r"\bpreference\s+for\b"),
    ("demand", "verb", r"\bto\s+get\s+(?:legally[- ]binding\s+)?(?:security\s+)?guarantees\b"),
    ("demand", "verb", r"\basking\s+for\b|\basks?\s+for\b"),
    ("demand", "noun", r"\b(?:key|core|main)\s+(?:security\s+)?(?:concerns|interests|demands)\b"),
    ("demand", "modal", r"\bmust\b|\bha(?:s|ve|d)\s+to\s+be\b|\bha(?:s|ve)\s+to\b|\bneeds?\s+to\b|\bwill\s+be\s+required\b"),
    ("demand", "verb", r"\bit\s+(?:is|’s|'s)\s+not\s+too\s+late\s+to\b"),
    # propose
    ("propose", "verb", r"\bpropos(?:e|es|ed|ing)\b"),
    ("propose", "noun", r"\bproposals?\b"),
    ("propose", "verb", r"\boffer(?:s|ed|ing)?\b"),
    ("propose", "verb", r"\bput\s+" + W + r"{0,6}on\s+the\s+table\b|\bput\s+forward\b|\btabled\b"),
    ("propose", "verb", r"\bsuggest(?:s|ed|ing)?\b"),
    ("propose", "verb", r"\bpresent(?:s|ed)\b"),
    ("propose", "verb", r"\bpublish(?:es|ed)?\s+" + W + r"{0,2}draft\b"),
    ("propose", "noun", r"\binitiatives?\b"),
    # accept
    ("accept", "verb", r"\baccept(?:s|ed|ing)?\b"),
    ("accept", "verb", r"\breach(?:ed|es)?\s+(?:an?\s+|the\s+)?" + W + r"{0,2}(?:agreement|deal)\b"),
    ("accept", "verb", r"\bagreed\s+to\b(?!\s+(?:meet|talk|continue|keep|hold|sit|engage|designate|negotiate))"),
    ("accept", "verb", r"\bsign(?:s|ed|ing)?\b(?!\s+(?:of|that)\b)"),
    ("accept", "verb", r"\bpass(?:ed|es|ing)\b|\bpassage\b"),
    ("accept", "verb", r"\bvot(?:e|ed|es|ing)\s+(?:for|in\s+favou?r\s+of|to\s+(?:pass|approve|adopt|support))\b"
                       r"|\bfinal\s+vote\b"),
    ("accept", "verb", r"\bendors(?:e|es|ed)\b"),
    ("accept", "verb", r"\b(?:no|not\s+have(?:\s+any)?|do\s+not\s+have)\s+plans\s+to\b"),
    ("accept", "verb", r"\bget\s+things\s+done\b"),
    # open
    ("open", "verb", r"\b(?:remain|remains|is|are|stay)\s+open\s+to\b|\bopen\s+to\s+diplomacy\b"),
    ("open", "verb", r"\bready\s+to\s+(?:\w+\s+){0,2}(?:discuss|talk|engage|negotiate|pursue|keep|continue|sit|explore)\b"),
    ("open", "verb", r"\bready\s+with\s+diplomacy\b"),
    ("open", "verb", r"\bwilling(?:ness)?\s+to\b"),
    ("open", "verb", r"\b(?:could|can|may|might|would)\s+(?:\w+\s+)?consider\b|\bto\s+consider\b"),
    ("open", "eval", r"\bconstructive\b|\bproductive\b|\bsubstantive\b"),
    ("open", "verb", r"\bnot\s+exhausted\b"),
    ("open", "verb", r"\broom\s+for\s+(?:diplomacy|negotiation|compromise)\b"),
    ("open", "verb", r"\bprogress\s+(?:could|can|may)\s+be\s+made\b"),
    ("open", "verb", r"\bdiplomacy\s+is\s+(?:always\s+)?(?:a\s+possibility|possible)\b|\bchoose\s+diplomacy\b"),
    ("open", "verb", r"\bthere\s+is\s+always\s+a\s+chance\b"),
    ("open", "verb", r"\bit[’']s\s+possible\b|\bit\s+is\s+possible\b"),
    ("open", "verb", r"\bagree(?:d|s)?\s+to\s+(?:continue|keep)\b|\bagree(?:d|s|ing)?\s+that\b"
                     r"|\bagreed\s+(?=(?:we|they)\s)"),
    ("open", "verb", r"\bproposed\s+to\s+continue\b"),
    # reject
    ("reject", "verb", r"\breject(?:s|ed|ing)?\b|\brejection\b"),
    ("reject", "verb", r"\brefus(?:e|es|ed|ing)\b"),
    ("reject", "eval", r"\bnot\s+for\s+discussion\b|\bnon-?starters?\b|\bunacceptable\b|\bcannot\s+satisfy\b|\bcan[’']t\s+satisfy\b"),
    ("reject", "eval", r"\b(?:is|was|are|were)\s+negative\b"),
    ("reject", "verb", r"(?<!\bas\s)\boppos(?:e|es|ed|ing)\b(?!\s+(?:demands|views|positions|sides|camps|parties|ideas|"
                       r"interests|goals|visions)\b)|\bopposition\s+to\b"),
    ("reject", "verb", r"\bare\s+against\b|\bis\s+against\b|\bagainst\s+it\b"),
    ("reject", "verb", r"\bsaid\s+no\b|\bsay\s+no\b"),
    ("reject", "verb", r"\brul(?:e|ed|es|ing)\s+out\b|\boff\s+the\s+table\b|\bdeal-?breaker\b"),
    ("reject", "verb", r"\b(?:will|would|won[’']t)\s+not\s+withdraw\b|\bwon[’']t\s+withdraw\b"),
    ("demand", "verb", r"\bdefend(?:s|ed|ing)?\b(?!\s+(?:every|itself|themselves|ourselves|our\s+territory))|\bfight\s+to\s+protect\b|\bpush(?:es|ed|ing)?\s+for\b"),
    ("reject", "critique", r"\b(?:extreme|devastating|harsh|reckless|dangerous|draconian|cruel)\b(?=\s+(?:[\w-]+\s+){0,2}(?:bill|cuts?|plan|proposal|restrictions|requirements|demands|policies|agenda))"),
    ("reject", "critique", r"\bwould\s+(?:hurt|jeopardize|gut|take\s+away|raise\s+costs|kick|threaten|endanger|slash)\b"),
    ("demand", "verb", r"\bwill\s+not\s+sacrifice\b|\bnever\s+compromise\b|\bnot\s+compromise\s+on\b"),
    # no-response
    ("no-response", "recipient", r"\b(?:remained|remains|went|go|goes|left)\s+unanswered\b"),
    ("no-response", "verb", r"\bignor(?:e|es|ed|ing)\b"),
    ("no-response", "verb", r"\bno\s+(?:meaningful\s+|positive\s+)?(?:response|answer|reply)\b"),
    ("no-response", "verb", r"\bneglect\b"),
    # warn
    ("warn", "verb", r"\bwarn(?:s|ed|ing)?\b(?!\s+about\b)"),
    ("warn", "verb", r"\bthreat(?:en|ens|ened|ening)\b"),
    ("warn", "verb", r"\bimpos(?:e|es|ed|ing)\s+" + W + r"{0,4}(?:costs?|sanctions|consequences|penalties)\b"),
    ("warn", "threat", r"\b(?:severe|serious|significant|swift|massive|harsh)\s+(?:\w+\s+)?(?:costs?|consequences|sanctions|penalties)\b"),
    ("warn", "verb", r"\brespond\s+(?:swiftly|decisively|forcefully|firmly)\b"),
    ("warn", "verb", r"\bdeter(?:rence|ring)?\b"),
    ("warn", "verb", r"\bpunishments?\b"),
    ("warn", "threat", r"\b(?:will|would)\s+face\s+(?:[\w\"“-]+\s+){0,3}[\"“]?(?:consequences|costs|sanctions|penalties|isolation)\b"),
    ("warn", "verb", r"\bescalate\s+sanctions\b"),
    ("warn", "verb", r"\bhostage\b"),
    ("warn", "verb", r"\bdefend\s+every\s+inch\b"),
    # consult
    ("consult", "verb", r"\bmeet(?:s|ing|ings)?\b|(?<!\bbe\s)(?<!\bbeen\s)\bmet\b"),
    ("consult", "verb", r"\btalks\b"),
    ("consult", "verb", r"\bsp(?:oke|eak|eaks|eaking)\s+(?:again\s+)?(?:with|to)\b"),
    ("consult", "verb", r"\bcalls?\s+with\b|\bphone\s+call\b|\bvideo\s+call\b"),
    ("consult", "verb", r"\bdiscuss(?:ed|es|ing|ions?)?\b"),
    ("consult", "verb", r"\bnegotiat(?:e|ed|es|ing|ions?|ors?)\b"),
    ("consult", "verb", r"\bengage(?:d|ment|ments)?\b|\bengaging\b"),
    ("consult", "verb", r"\bdialogue\b"),
    ("consult", "verb", r"\bconsult(?:s|ed|ing|ations?)?\b"),
    ("consult", "verb", r"\bsummit\b"),
    ("consult", "verb", r"\bin\s+touch\b|\bin\s+(?:constant\s+|close\s+)?contact\b"),
    ("consult", "verb", r"\bnon-stop\s+diplomacy\b|\bengaged\s+in\s+diplomacy\b"),
    # respond
    ("respond", "verb", r"\b(?:handed|delivered|sent|submitted|gave|provided|transmitted)\s+" + W + r"{0,3}(?:written\s+)?(?:responses?|replies|reply|answers?)\b"),
    ("respond", "noun", r"\bwritten\s+(?:responses?|replies)\b"),
    ("respond", "verb", r"\brespond(?:ed)?\s+in\s+writing\b"),
]

NEGATION = rx.compile(r"\b(?:not|never|no|neither|nor|cannot|without)\b|n[’']t\b", re.I)
OWN_NEGATION = rx.compile(r"\bnot\b|\bno\b|n[’']t\b|\bnever\b|\bcannot\b|unanswered|\bneglect|non-?starter|unacceptable", re.I)

# What a negated cue means instead (None: nothing).
TURN = {
    "accept": "reject",
    "reject": "open",
    "open": "reject",
    "respond": "no-response",
    "demand": None,
    "propose": None,
    "warn": None,
    "consult": None,
    "no-response": None,
}


@dataclass(frozen=True)
class Cue:
    stance: str
    frame: str
    pattern: re.Pattern
    rule: str


@dataclass(frozen=True)
class CueMatch:
    stance: str
    frame: str
    start: int
    end: int
    text: str
    rule: str
    negated: bool = False


_LEX: dict[tuple, list[Cue]] = {}
_INDEX: dict[tuple, CueIndex] = {}


def lexicon(book: Codebook | None) -> list[Cue]:
    """The engine's cues plus the codebook's ``[stances]`` extras, compiled once."""
    key = (book.name, book.version, id(book)) if book is not None else None
    cues = _LEX.get(key)
    if cues is None:
        cues = [Cue(st, fr, rx.compile(p, re.I), f"{st}:{fr}:{i}") for i, (st, fr, p) in enumerate(DEFAULTS)]
        if book is not None:
            for st, phrases in book.stances.items():
                if st in STANCES:
                    for ph in phrases:
                        cues.append(Cue(st, "verb", compile_cue(ph), f"{st}:codebook:{ph}"))
        _LEX[key] = cues
        _INDEX[key] = CueIndex([c.pattern for c in cues])
    return cues


def find(text: str, start: int, end: int, book: Codebook | None) -> list[CueMatch]:
    """Stance cues in ``text[start:end]``, negation applied; offsets into ``text``.

    Where cues overlap the longest wins (so "not for discussion" beats
    "discussion").
    """
    return find_spans(text, [(start, end)], book)[0]


def find_spans(text: str, spans: list[tuple[int, int]], book: Codebook | None,
               tix: TextIndex | None = None) -> list[list[CueMatch]]:
    """``find`` for each of many sorted, disjoint spans (sentences) of one text."""
    cues = lexicon(book)
    index = _INDEX[(book.name, book.version, id(book)) if book is not None else None]
    per_span = index.finditer_spans(text, spans, tix)
    # most sentences hold no cue: nothing to resolve there
    return [_resolve(text, a, b, [(m.start(), m.end(), cues[i]) for i, m in got]) if got else []
            for (a, b), got in zip(spans, per_span)]


def _resolve(text: str, start: int, end: int, raw: list) -> list[CueMatch]:
    """Overlaps (longest first), negation and tense applied to the raw cue matches of a span."""
    raw.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[CueMatch] = []
    last_end = -1
    for a, b, cue in raw:
        if a < last_end:
            continue
        last_end = b
        stance, negated = cue.stance, False
        # the look-back first: it is cheap to rule out, and rarely holds
        if _negated_before(text, start, a) and not OWN_NEGATION.search(text, a, b) \
                and not _counterfactual_denial(text, start, a):
            negated = True
            stance = TURN.get(stance)
            if stance is None:
                continue
        if cue.stance == "warn" and cue.frame == "verb" and _BE_BEFORE.search(text, max(start, a - 20), a):
            continue  # "we would be threatened": the subject is the one warned
        if cue.frame == "modal" and not text[a:b].lower().startswith("must") \
                and _RELATIVE.search(text, max(start, a - 30), a):
            continue  # "all the forces it needs to conduct an attack": a relative clause, no demand
        if cue.frame == "modal" and _COUNTERFACTUAL.search(text, max(start, a - 20), a) \
                and not _BACKSHIFT.search(text, max(start, a - 120), a):
            continue  # "Washington would need to devote ...": a hypothetical, no one's demand
        if stance == "accept" and not negated:
            pre = text[max(start, a - 25):a]
            if _PASSIVE_BEFORE.search(pre):
                continue  # "the Founding Act was signed": history, not a stance
            if _UNTIL_BEFORE.search(pre):
                continue
            if _FUTURE_BEFORE.search(pre) and not _COMMITTED.search(text, max(start, a - 25), b):
                stance = "open"
        out.append(CueMatch(stance, cue.frame, a, b, text[a:b], cue.rule, negated))
    return out


_PASSIVE_BEFORE = rx.compile(r"\b(?:was|were|been|be|being)\s+$", re.I)
_UNTIL_BEFORE = rx.compile(r"\buntil\s+(?:\w+\s+){0,2}$", re.I)
_FUTURE_BEFORE = rx.compile(r"\b(?:will|would|could|can|to|hope\s+to|going\s+to|want\s+to)\s+(?:\w+\s+){0,1}$", re.I)
# A vote to pass, or a set intention to sign, is acceptance already, not openness:
# "the members who voted to pass this agreement, which I'm going to sign tomorrow"
_COMMITTED = rx.compile(r"\bvoted\s+to\s+\w+$|\b(?:will|going\s+to|’ll|'ll)\s+sign\w*$", re.I)
# a noun directly followed by a pronoun subject: "the forces it needs to", "the work they have to"
_RELATIVE = rx.compile(r"\b(?!(?:that|and|but|so|because|if|what|when|why|how|as|or|then|now|said|says|say|think|"
                       r"thinks|believe|believes|know|knows|where|who|which|also|just|still|really)\b)[a-z]+s?\s+"
                       r"(?:it|they|he|she|you)\s+$")
_COUNTERFACTUAL = rx.compile(r"\b(?:would|could|might)\s+(?:also\s+|still\s+|then\s+)?$", re.I)


# "be", "get" and the verbs that link like it: "Russia feels threatened" is the one warned
_BE_BEFORE = rx.compile(r"\b(?:be|been|being|is|are|was|were|am|get|got|feels?|felt|feeling|seems?|seemed|"
                        r"remains?|remained|becomes?|became)\s+(?:\w+ly\s+)?$", re.I)
# "agreed that any agreement would need to be bipartisan": reported, not hypothetical
_BACKSHIFT = rx.compile(r"\b(?:agreed|said|insisted|made\s+clear|stressed|told\s+\w+)\s+that\b", re.I)
_WOULD_NOT = rx.compile(r"\b(?:would|could)(?:\s+not|n[’']t)\b", re.I)
_IF_BEFORE = rx.compile(r"\bif\b[^.;:]*,", re.I)


def _counterfactual_denial(text: str, floor: int, at: int) -> bool:
    """"If they really cared about the debt, they would not fight to protect tax cuts":
    the consequent of a counterfactual denies what the actor does, so it asserts it."""
    window = text[max(floor, at - 60):at]
    return bool(_WOULD_NOT.search(window)) and bool(_IF_BEFORE.search(text, floor, at))


# where a clause starts within the words before a cue: after [,;:—–] or "but". Each
# alternative starts with a literal character, which lets the regex engine skip to
# where one is ("b(?<!\wb)" is "\bb"; a \b first would make it try every position)
_CLAUSE_CUT = rx.compile(r",|;|:|—|–|b(?<!\wb)ut\b")


# A piece of every word NEGATION matches ("no" of not/no/nor/cannot, "ne" of
# never/neither, "n'" of n't, "thout" of without): a window without one holds
# no negator, whatever its clauses and words, and most windows have none.
# Cases are spelled out (no letter here has another that re.IGNORECASE takes
# for it) and the pattern opens with a class, which re skips to: twice as fast
# as "no|ne|n['’]|thout" with re.I, the same answers.
_NEGATION_HINT = rx.compile(r"[nNtT](?:(?<=[nN])[oOeE’']|(?<=[tT])[hH][oO][uU][tT])")


def _negated_before(text: str, floor: int, at: int) -> bool:
    """A negator within the three words before ``at`` (same clause).

    The words are found only where the window holds a piece of a negator
    (``_NEGATION_HINT``): the answer is the same, and the clause split and the
    word handling run for about one cue in four.
    """
    lo = max(floor, at - 40)
    if _NEGATION_HINT.search(text, lo, at) is None:
        return False
    window = text[lo:at]
    window = _CLAUSE_CUT.split(window)[-1]
    words = window.split()[-3:]
    return bool(NEGATION.search(" ".join(words)))


CONDITIONAL = rx.compile(r"\b(?:if|unless|whether)\b", re.I)
CONDITIONAL_WORDS = ("if", "unless", "whether")


def in_conditional(text: str, clause_start: int, at: int, low: str | None = None) -> bool:
    """The cue at ``at`` sits inside an if/unless clause (no comma since the 'if').

    ``low``: the text folded (``codebook.fold``: lower-cased, offsets kept), where
    whatever CONDITIONAL matches reads as one of its words: most clauses have
    none of them, and need no regex search.
    """
    if low is not None and all(low.find(w, clause_start, at) < 0 for w in CONDITIONAL_WORDS):
        return False
    seg = text[clause_start:at]
    # the last if/unless/whether counts when no comma follows it: one after the last comma
    return CONDITIONAL.search(seg, seg.rfind(",") + 1) is not None
