"""Combine actors, issues and stance cues into positions, with dates and evidence.

Design decisions:

* One position per stance cue × issue × actor, inside one sentence. The
  evidence is the whole sentence (its offsets are the article's, so
  ``text[start:end] == evidence`` always); the clause only decides pairing.
* Clauses are cut at ";", dashes and ", but/while/which/…"; an if, unless,
  until or although clause up to its comma is a clause of its own, and its
  parties are never the main clause's subject. The issues of a cue are
  those named in its clause, else in its sentence, else anaphora resolved
  by the issues step. An enumeration yields one position per issue; a
  criticism ("… cuts that would hurt veterans") takes only the issue named
  nearest to it.
* The actor of a cue, in this order: the cue's frame (the possessor of a
  noun cue, the owner of what an ``eval`` cue judges, the recipient of
  "remained unanswered", the holder of "from NATO's perspective"); the
  nearest subject before the cue in its clause — actor and person mentions,
  "we"/"I" (the speaker's party) and "he"/"the minister" (the last named
  person) — skipping objects of prepositions and of "told"/"urged";
  coordinated subjects ("the US and NATO") all count; a passive agent
  ("demanded by the Russian leader"); and last whoever speaks the sentence
  (transcript label, quotation, publisher), but not when an unresolved
  "they"/"he" is the subject ("they refuse to entertain it"). Obligations
  ("Congress must act") are the speaker's demand with the subject as target;
  "it had to be …" after "Blinken said" is the reporter's; a passive one
  ("must be met by strength") is no one's.
* More subjects: "he"/"she" is the last source of words (a person quoted,
  or someone the codebook does not know, who stands for no one) unless
  another person was named more than a sentence after it, else the last
  person named; "they" is the party named before it in a subject slot ("Republicans
  claim they …"), never a verb's object ("invade Ukraine"); "the two
  presidents", "both sides", "the leaders have all agreed", "we all" stand
  for the speaker's party and the parties of the people named in the last
  six sentences (people and political parties, not states named as topics);
  "he and I … we" is both; "a diplomatic offensive of his administration"
  and "members of Congress" act as the party behind "of".
* Noun cues: "its/their demands" belong to the subject; "the demands",
  "an unacceptable demand" later refer to the last owner, and take its date
  when they give none ("Those demands include …" made last month). A
  reporting verb between a party and the noun ("NATO sources say the
  demands") makes it no owner.
* Reported speech keeps the chain: the person whose words carry a position is
  its ``speaker`` when the position is another party's ("Lavrov said the US
  response was negative": actor us, speaker lavrov).
* Reporters' questions and sentences ending in "?" yield nothing.
* Dates follow the spec: a date the clause gives for the act, else the date of
  the statement ("said on Monday", also carried to that person's later
  sentences), else publication. Year-only dates in a clause are background
  ("tools not used in 2014"), not the act's date, and a possessive one
  ("during next week's talks") dates its noun's event, not the act. An act in
  the simple past with no date of its own continues the story before it: the
  last past day named in the three sentences before ("Yesterday, … Putin's
  remarks. … He explicitly threatened war").
* Confidence is higher when cue, actor and issue share a clause and the actor
  is named rather than inferred from who speaks.
* Within an article one position is kept per (actor, issue, stance, date),
  the one with the highest confidence (earliest on ties).
* Only sentences that can yield a position, date a statement or name who owns
  "the response" are worked through; what the others carry to later sentences
  (the last person named or quoted, for "he") is looked up from the mention
  lists directly.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, chain, compress, count
from operator import attrgetter
from dataclasses import dataclass

from negtrack import rx
from negtrack import stances as stances_mod
from negtrack.actors import FIRST_PERSON, REPORTING, THIRD_PERSON, Speaking, fits, party_of, source_wins
from negtrack.codebook import Codebook, CueIndex
from negtrack.models import Mention, Position, Sentence, Timex

# Clause breaks: ";", ", but/while/which/…", "but", and a dash between spaces. Each
# alternative of CLAUSE_BREAK starts with a literal character, so the regex engine
# skips straight to the few places where one is (a \b or \s first, or re.I on the
# whole pattern, would make it try every position); "b(?<!\wb)" is "\bb". A dash
# break starts with white space, so DASH_BREAK is tried only right before a dash
# (DASH). The two never overlap (a dash break holds no ";", "," or letter), so
# together they find what one pattern with all the alternatives would.
CLAUSE_BREAK = rx.compile(
    r";|,\s+(?i:but|while|whereas|although|though|because|which|who|where|when|after|before|since|as well as)\b"
    r"|b(?<!\wb)(?i:ut)\b|B(?<!\wB)(?i:ut)\b"
)
DASH_BREAK = rx.compile(r"\s[—–]\s|\s--\s")
DASH = rx.compile(r"—|–|--")
PREPOSITION = rx.compile(
    r"\b(?:to|with|on|from|against|for|of|at|toward|towards|into|between|among|about|over|in|by|than|near|"
    r"around|including|like|upon|onto|within|across|inside|outside|beyond|through|under|told|tell|tells|warned|urged|asked|convince|convinced|"
    r"deter|pressed|called|invited|helped|help|push|pushing)\s+(?:the\s+|its\s+|his\s+|her\s+|our\s+|their\s+)?"
    r"(?:(?!whom\b|which\b|whose\b)[\w’'.-]+\s+){0,2}$",
    re.I,
)
COORD = rx.compile(r"^\s*(?:,|and|&|,\s*and|or|nor|as well as|together with|along with|plus)?\s*(?:the\s+)?$"
                   r"|^\s*,\s*(?:[\w’'-]+\s+){0,3}[\w’'-]+\s*,\s*(?:and\s+)?(?:the\s+)?$", re.I)
AND = rx.compile(r"^\s*(?:,\s*)?(?:and|&|as well as)\s+(?:the\s+)?$", re.I)
AGENT_OF = rx.compile(r"\b(?:representatives|officials|diplomats|delegations?|leaders|envoys|ministers?|heads?|"
                      r"offensive|campaign|efforts?|push|drive|strategy|initiative|members|majority|"
                      r"negotiators|teams?)\s+(?:from|of)\s+(?:the\s+)?$", re.I)
PERSPECTIVE = rx.compile(r"\bfrom\s+(?:the\s+)?$", re.I)
PASSIVE_BY = rx.compile(r"^\s*(?:\w+\s+){0,1}by\s+(?:the\s+)?$", re.I)
QUESTION_END = rx.compile(r"\?[\"”’')\]]*\s*$")
RESPONSE_NOUN = rx.compile(r"\b(?:response|responses|reply|replies|answer|answers|part|papers?)\b", re.I)
# Where a response noun may be looked for: RESPONSE_NOUN without its closing
# \b, so it also finds the nouns a span's end cuts off ("part" of "partner").
# A sentence's agents can own a response only if one starts between the
# sentence's start and 20 characters past its end (``_skip_poss`` looks that
# far on from a party at the very end).
_RESPONSE_LEAD = rx.compile(r"\b(?:response|responses|reply|replies|answer|answers|part|papers?)", re.I)
_RESPONSE_REACH = 20
# tried only where its first word occurs (``codebook.CueIndex``): the same matches, at a
# fraction of a case-insensitive scan of the whole text
_RESPONSE_LEAD_IX = CueIndex([_RESPONSE_LEAD])


@dataclass
class Context:
    """What the positions step needs about one article."""

    text: str
    book: Codebook
    published: str | None
    actors: list[list[Mention]]  # per sentence
    issues: list[list[Mention]]  # per sentence, anaphora resolved
    speaking: list[Speaking]
    quotes: list[tuple[int, int, str | None, str | None]]
    timexes: list[Timex]
    resolve_date: object  # callable(Timex) -> (date, precision) | None
    masked: list[tuple[int, int]] = None  # link targets and URLs: no cue counts there
    reporters: set = None  # person mentions that are the source of words (see actors.reporters)
    unknown: list = None  # where sources the codebook does not know are named (actors.unknown_sources)
    tix: object = None  # the text's word index (codebook.TextIndex), shared by the matchers
    cues: list = None  # per sentence, its stance cues (stances.find_spans) when already found
    says: list = None  # per sentence, its reporting verbs ((0, match) for actors.REPORTING) when already found


# clauses of their own up to their comma: conditions, and "until he does, diplomacy is possible"
SUB_CLAUSE = rx.compile(r"\b(?:if|unless|until|once|although|though|should\s+(?:it|they|he|she|Russia))\b[^,;:]*,",
                        re.I)


def clauses(text: str, s: Sentence, conds: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Clause spans of a sentence; an if/unless/until/although clause up to its comma is a clause of its own.

    ``conds``: the sentence's SUB_CLAUSE matches, when known. With none in the
    sentence there is none in any of its clauses either (what matches in a part
    of the sentence matches there in the whole).
    """
    out = []
    a = s.start
    for m in _breaks(text, s.start, s.end):
        if m.start() > a:
            out.append((a, m.start()))
        a = m.end()
    if a < s.end:
        out.append((a, s.end))
    if conds is not None and not conds:
        # every piece in ``out`` is non-empty; only the whole sentence may not be
        return out if out else [(s.start, s.end)] if s.start < s.end else []
    res = []
    for a, b in out or [(s.start, s.end)]:
        for m in SUB_CLAUSE.finditer(text, a, b):
            if m.start() > a:
                res.append((a, m.start()))
            res.append((m.start(), m.end()))
            a = m.end()
        if a < b:
            res.append((a, b))
    return res


def _breaks(text: str, start: int, end: int) -> list[re.Match]:
    """The clause breaks in ``text[start:end]``, in order."""
    found = list(CLAUSE_BREAK.finditer(text, start, end))
    last = start
    if text.find("—", start, end) < 0 and text.find("–", start, end) < 0 and text.find("--", start, end) < 0:
        return found  # no dash (the common case): three plain searches say so fastest
    for d in DASH.finditer(text, start + 1, end):
        # a dash break starts just before its dash, never inside the one before
        if d.start() > last:
            m = DASH_BREAK.match(text, d.start() - 1, end)
            if m is not None:
                found.append(m)
                last = m.end()
    if last > start:
        found.sort(key=re.Match.start)
    return found


def _clause_of(cl: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in cl:
        if a <= pos < b:
            return a, b
    return cl[-1]


IT_SAYS = rx.compile(r"[\"“]?It\s+(?:says|states|proposes|offers|contains|provides|notes|suggests|reads)\b")
IT_SUBJECT = rx.compile(r"\bit\s+(?=(?:will|would|has|had|is|was|does|did|won[’']t|can|cannot|could|may|must)\b)")


@dataclass(slots=True)
class Agent:
    party: str
    person: str | None
    start: int
    end: int
    how: str




GROUP = rx.compile(r"\b(?:the\s+two|both(?:\s+the)?|all(?:\s+the)?(?:\s+(?:two|three|four|five))?|the)\s+"
                   r"(?:presidents|leaders|sides|parties|delegations|negotiators)\b|\bwe\s+all\b|\ball\s+of\s+us\b",
                   re.I)
PAIR_WITH_I = rx.compile(r"\band\s+I\b|\bI\s+and\s+")
THEY = rx.compile(r"\b(?:they|They|their|Their|them)\b")


GROUP_WINDOW = 6  # sentences back that "the leaders" may reach


# per sentence, found for all sentences at once, in one pass (see codebook.CueIndex):
# the pronouns and subjects ``_agents`` resolves, then the conditional clauses
_PRONOUN_RX = (FIRST_PERSON, THIRD_PERSON, GROUP, THEY, PAIR_WITH_I, IT_SUBJECT)
# PAIR_WITH_I is left out: it would be tried at every "and" of the text, yet it can match
# only where FIRST_PERSON finds an "I" (its "I" has a word boundary on both sides), so
# it is looked for in those few sentences alone (``_pronouns``)
_SENTENCE_IX = CueIndex([FIRST_PERSON, THIRD_PERSON, GROUP, THEY, IT_SUBJECT, SUB_CLAUSE])


def _pronouns(text: str, s: Sentence, found: list[tuple[int, re.Match]]) -> tuple[list[list[re.Match]], list]:
    """A sentence's matches of each of ``_PRONOUN_RX`` (of PAIR_WITH_I the first only) and of
    SUB_CLAUSE, from what ``_SENTENCE_IX`` found in it."""
    first, third, group, they, it, conds = _by_pattern(found, 6)
    pair = None
    if any(m.group(0) == "I" for m in first):
        pair = PAIR_WITH_I.search(text, s.start, s.end)
    return [first, third, group, they, [pair] if pair is not None else [], it], conds


def _names_people(m: Mention, book: Codebook) -> bool:
    """A mention of people who can be among "the leaders": a person, or a party of
    people (a political party), not a state or organisation named as a topic
    ("Russia's buildup")."""
    if m.kind == "person":
        return True
    actor = book.actors.get(m.id)
    return actor is not None and actor.kind == "party"


def _people_parties(mentions: list[Mention], book: Codebook) -> list[str]:
    """The parties of the mentions of people (see ``_names_people``)."""
    return [p for p in (party_of(m, book) for m in mentions if _names_people(m, book)) if p]


def _group_parties(phrase: str, recent: list[str], speaker: str | None, here: list[str]) -> list[str]:
    """The parties a group phrase stands for: the speaker's and those named lately.

    "The two presidents", "both sides": the speaker's party and the one named
    most recently besides; "the leaders", "we all": every party named lately.
    """
    order = []
    for p in [speaker] + list(reversed(here)) + list(reversed(recent)):
        if p and p not in order:
            order.append(p)
    low = phrase.lower()
    if low.startswith(("the two", "both")):
        return order[:2] if len(order) >= 2 else []
    return order[:5] if len(order) >= 2 else []


def _agents(ctx: Context, si: int, s: Sentence, last_person, response_owner=(),
            pronouns=None, recent=(), quote_at=None) -> list[Agent]:
    """Candidate agents in a sentence: named mentions and resolved pronouns, in order.

    ``last_person(si, word)``: the person a third-person ``word`` stands for at
    the start of the sentence (``_people_named``). ``pronouns``: the sentence's matches of each of ``_PRONOUN_RX`` (first and
    third person, group phrases, "they", "X and I", "it will"), when already found
    (``_pronouns``; of "X and I" only the first counts). ``recent``: the parties named in the last
    few sentences, oldest first (for group phrases). ``quote_at``: ``_quote_finder(ctx.quotes)``.
    """
    if quote_at is None:
        quote_at = _quote_finder(ctx.quotes)
    if pronouns is None:
        pronouns = [list(rx.finditer(ctx.text, s.start, s.end)) for rx in _PRONOUN_RX]
    text = ctx.text
    out: list[Agent] = []
    mentions = ctx.actors[si]
    named_issues = [(m.start, m.end) for m in ctx.issues[si] if m.rule != "anaphora"] if mentions else ()
    for m in mentions:
        if named_issues and any(a <= m.start and m.end <= b for a, b in named_issues):
            continue  # "NATO" in "NATO expansion" names the issue, not a party acting
        p = party_of(m, ctx.book)
        if p:
            out.append(Agent(p, m.id if m.kind == "person" else None, m.start, m.end, m.rule or m.kind))
    sp = ctx.speaking[si]
    for m in pronouns[0]:
        party, person = sp.party, sp.person
        q = quote_at(m.start())
        if q is not None:
            party, person = q[2], q[3]
        if party:
            out.append(Agent(party, person, m.start(), m.end(), "we"))
    named = [m for m in mentions if m.kind == "person"] if pronouns[1] else ()
    for m in pronouns[1]:
        if any(a.start <= m.start() < a.end for a in out):
            continue
        word = m.group(0)
        before = [x for x in named if x.end <= m.start() and fits(x, word, ctx.book)]
        ref = before[-1] if before and not word.lower().startswith("the ") else last_person(si, word)
        if ref is not None:
            p = party_of(ref, ctx.book)
            if p:
                out.append(Agent(p, ref.id, m.start(), m.end(), "pronoun"))
    # "the two presidents", "both sides", "the leaders have all agreed": each party in view
    for m in pronouns[2]:
        for party in _group_parties(m.group(0), recent, sp.party,
                                    [party_of(x, ctx.book) for x in ctx.actors[si]
                                     if x.end <= m.start() and _names_people(x, ctx.book)]):
            out.append(Agent(party, None, m.start(), m.end(), "group"))
    # "he and I ... we": the first person plural is both of them
    pair = pronouns[4][0] if pronouns[4] else None
    if pair:
        partner = [a for a in out if a.how not in ("we", "group") and (a.end <= pair.start() + 1 and
                   pair.start() - a.end <= 6 or a.start >= pair.end() - 1 and a.start - pair.end() <= 6)]
        if partner:
            for a in [a for a in out if a.how == "we" and a.start >= pair.start()
                      and text[a.start:a.end].lower() in ("we", "us", "our")]:
                if partner[0].party != a.party:
                    out.append(Agent(partner[0].party, partner[0].person, a.start, a.end, "we-pair"))
    # "they": the party named before it in the sentence ("Republicans claim they ..."), the
    # nearest one not in a prepositional phrase ("For Republicans in Congress, ... they")
    for m in pronouns[3]:
        prev = [a for a in out if a.end <= m.start() and a.how in ("alias", "metonym", "adjective", "actor")]
        if prev:
            heads = [a for a in prev if not _is_object(text, s.start, a)
                     and SUBJECT_SLOT.search(text[max(s.start, a.start - 30):a.start])]
            if heads:
                out.append(Agent(heads[-1].party, None, m.start(), m.end(), "they"))
            elif len(re.split(r"[:;]", text[s.start:prev[0].start])[-1].split()) <= 2:
                # a fronted topic: "Let's be clear: for Republicans, ... they"
                out.append(Agent(prev[0].party, None, m.start(), m.end(), "they"))
    # "It says …" opening a sentence about a response: the response's owner
    if response_owner and IT_SAYS.match(text, s.start, s.end):
        for a in response_owner:
            out.append(Agent(a.party, a.person, s.start, s.start, "it"))
    # "Russia's admission that it will not withdraw": "it" is the party named just before
    for m in pronouns[5]:
        prev = [a for a in out if a.end <= m.start() and a.how not in ("we", "pronoun")]
        if prev:
            out.append(Agent(prev[-1].party, prev[-1].person, m.start(), m.end(), "it"))
    out.sort(key=_START)
    return out


_START = attrgetter("start")


def _quote_finder(quotes):
    """A function giving the first of ``quotes`` that covers a position, or None.

    Quotations come in order and disjoint (``actors.attribute``): then at most
    one covers a position, the last to start at or before it, found by bisection.
    Anything else is searched in full.
    """
    qs = list(quotes)
    if any(a[1] > b[0] for a, b in zip(qs, qs[1:])) or any(q[0] > q[1] for q in qs):
        return lambda pos: _quote_covering(qs, pos)
    starts = [q[0] for q in qs]

    def covering(pos: int):
        i = bisect_right(starts, pos) - 1
        return qs[i] if i >= 0 and pos < qs[i][1] else None

    return covering


def _quote_covering(quotes, pos):
    for q in quotes:
        if q[0] <= pos < q[1]:
            return q
    return None


WITH_ING = rx.compile(r"\bwith\s+(?:all\s+)?(?:the\s+)?(?:[\w’'.-]+\s+){0,2}$", re.I)
# "thank Speaker McCarthy and his team for negotiating": the thanked negotiated
THANKED = rx.compile(r"\b(?:thank(?:s|ed|ing)?|prais(?:e|es|ed|ing)|commend(?:s|ed|ing)?|credit(?:s|ed|ing)?|"
                     r"congratulat(?:e|es|ed|ing))\s+(?:[\w’'.-]+\s+){0,2}$", re.I)
FOR_ING = rx.compile(r"(?:\s+and\s+(?:his|her|their|its)\s+\w+)?\s+for\s+(?:\w+ly\s+)?$", re.I)
ING = rx.compile(r"\w+ing\b")
COMMA_OR_SEMICOLON = rx.compile(r"[,;]")


def _is_object(text: str, clause_start: int, a: Agent, cue=None) -> bool:
    pre = text[max(clause_start, a.start - 40):a.start]
    if cue is not None and ING.match(cue.text) and WITH_ING.search(pre) and cue.start >= a.end \
            and len(text[a.end:cue.start].split()) <= 4 and not COMMA_OR_SEMICOLON.search(text[a.end:cue.start]):
        return False  # "with all the leaders agreeing that …": the leaders agree
    if cue is not None and ING.match(cue.text) and cue.start >= a.end and THANKED.search(pre) \
            and FOR_ING.match(text, a.end, cue.start):
        return False  # "thank Speaker McCarthy and his team for negotiating": they negotiated
    return bool(PREPOSITION.search(pre, _last_words(pre))) and not AGENT_OF.search(pre)


def _last_words(pre: str) -> int:
    """Where the last four runs of non-space characters of ``pre`` start.

    A PREPOSITION match ends the text and spans no more of them (the word, a
    determiner, two more words), so it starts no earlier: the search starts there.
    """
    parts = pre.rsplit(None, 4)
    return pre.find(parts[1], len(parts[0])) if len(parts) == 5 else 0


def _subject(text: str, agents: list[Agent], clause: tuple[int, int], at: int, cue=None) -> list[Agent]:
    """The nearest non-object agents before ``at`` in the clause, with coordinated ones."""
    before = [a for a in agents if clause[0] <= a.start and a.end <= at]
    i = len(before)
    while i > 0:
        i -= 1
        a = before[i]
        if a.how in ("we", "pronoun", "they") and text[a.start:a.end].lower() in POSSESSIVES:
            continue  # "my point is that they refuse": a possessive is no one's subject
        if _is_object(text, clause[0], a, cue):
            continue
        group = [a]
        j = i - 1
        while j >= 0 and COORD.match(text[before[j].end:group[0].start]):
            group.insert(0, before[j])
            j -= 1
        if len(group) > 1 and cue is not None and cue.stance != "consult" \
                and all(AND.match(text[x.end:y.start]) and "," not in text[x.end:y.start] for x, y in zip(group, group[1:])) \
                and _is_object(text, clause[0], group[0], cue):
            # "frustration with talks with Russia and the United States": the preposition takes
            # both (a consultation's partners, though, consult too)
            i = j + 1
            continue
        # "X and Y" where X is first: extend forward too
        k = i + 1
        while k < len(before) and COORD.match(text[group[-1].end:before[k].start]):
            group.append(before[k])
            k += 1
        return group
    return []


def _owner(text: str, agents: list[Agent], clause: tuple[int, int], at: int) -> list[Agent]:
    """For an eval cue: the owner named in the subject before the cue ("the US response")."""
    before = [a for a in agents if clause[0] <= a.start and a.end <= at]
    if not before:
        return []
    group = [before[-1]]
    j = len(before) - 2
    while j >= 0 and AND.match(text[before[j].end:group[0].start]):
        group.insert(0, before[j])
        j -= 1
    return group


def _perspective(text: str, agents: list[Agent], s: Sentence) -> list[Agent]:
    for a in agents:
        if PERSPECTIVE.search(text[max(s.start, a.start - 12):a.start]) and re.match(
                r"[’']s\s+(?:perspective|point of view|view)", text[a.end:a.end + 30]):
            return [a]
    return []


def _passive(text: str, agents: list[Agent], at_end: int, clause_end: int) -> list[Agent]:
    for a in agents:
        if at_end <= a.start < clause_end and PASSIVE_BY.match(text[at_end:a.start]):
            return [a]
    return []


def extract(ctx: Context, sentences: list[Sentence], trace: bool = True) -> tuple[list[Position], list[dict]]:
    """Positions of one article and a per-sentence trace of what fired (``[]`` unless ``trace``)."""
    tracing = trace
    text = ctx.text
    book = ctx.book
    positions: list[Position] = []
    trace: list[dict] = []
    response_owner: list[Agent] = []
    owners: dict[str, list[Agent]] = {}
    owner_date: dict[str, tuple] = {}  # stance -> date of the last noun cue with a named owner
    statement_date: dict[str, tuple[str, str]] = {}
    tx_starts = [t.start for t in ctx.timexes]
    spans = list(map(attrgetter("start", "end"), sentences))
    starts = list(map(attrgetter("start"), sentences))
    low = ctx.tix.low if ctx.tix is not None and ctx.tix.text is text else None
    all_cues = ctx.cues if ctx.cues is not None else stances_mod.find_spans(text, spans, book, ctx.tix)
    # Only a sentence that holds a date can date a statement ("Lavrov said on Monday").
    stmts = [None] * len(sentences)
    for si in _holding(starts, spans, tx_starts):
        stmts[si] = _statement_date(ctx, sentences[si], tx_starts, ctx.says[si] if ctx.says is not None else None)
    need, responding = _needed(ctx, sentences, starts, all_cues, stmts)
    todo = list(compress(range(len(sentences)), need))
    per_sentence = iter(_SENTENCE_IX.finditer_spans(text, [spans[si] for si in todo], ctx.tix))
    last_person = _people_named(ctx, starts)
    quote_at = _quote_finder(ctx.quotes)
    if tracing:
        for si, s in enumerate(sentences):
            trace.append({"sentence": si, "start": s.start, "end": s.end, "speaker": ctx.speaking[si].party,
                          "speaker_rule": ctx.speaking[si].rule,
                          "actors": [(m.id, m.text) for m in ctx.actors[si]],
                          "issues": [(m.id, m.text, m.rule) for m in ctx.issues[si]],
                          "cues": [], "positions": []})
            if not need[si] and _question(ctx, si, s):
                trace[-1]["skipped"] = "question"

    # Only the sentences that need work are visited: the rest change none of the
    # state carried from sentence to sentence but the last person named and the
    # last one quoted, which ``_people_named`` gives for any sentence at once.
    for si in todo:
        s = sentences[si]
        found, conds = _pronouns(text, s, next(per_sentence))
        # the parties named lately: only a group phrase ("the leaders") looks at them
        recent = [p for j in range(max(0, si - GROUP_WINDOW), si) for p in _people_parties(ctx.actors[j], book)
                  ] if found[2] else ()
        agents = _agents(ctx, si, s, last_person, response_owner, found, recent, quote_at)
        # statement dates: "Lavrov said on Monday"
        stmt = stmts[si]
        if stmt:
            for a in agents:
                if a.person and a.how != "we":
                    statement_date[a.person] = stmt
        if stmt and _question(ctx, si, s):  # without a statement date, ``_needed`` left out questions
            if tracing:
                trace[si]["skipped"] = "question"
            continue
        # who owns "the response" in this sentence, for later eval cues
        for a in agents if si in responding else ():
            if RESPONSE_NOUN.match(text, _skip_poss(text, a.end)) or RESPONSE_NOUN.search(text, a.start, a.end):
                response_owner = _owner(text, agents, (s.start, s.end), a.end + 1) or [a]
        cues = [c for c in all_cues[si] if not _masked(ctx.masked, c.start)] if ctx.masked else list(all_cues[si])
        if not cues:
            # stating the counter-position with no cue upholds it ("they have the freedom to choose")
            for m in ctx.issues[si]:
                if m.rule == "counter":
                    cues = [stances_mod.CueMatch("demand", "verb", m.start, m.start, "", "counter-assert")]
                    break
        if cues:
            conds = [(m.start(), m.end()) for m in conds]  # its if/unless clauses (SUB_CLAUSE)
            cl = clauses(text, s, conds)
            # the agents outside an if-clause (most sentences have none)
            free = [a for a in agents if not any(c0 <= a.start < c1 for c0, c1 in conds)] if conds else agents
        for cue in cues:
            clause = _clause_of(cl, cue.start)
            if cue.stance != "warn" and stances_mod.in_conditional(text, clause[0], cue.start, low):
                if tracing:
                    trace[si]["cues"].append((cue.stance, cue.text, cue.rule, "conditional"))
                continue
            if tracing:
                trace[si]["cues"].append((cue.stance, cue.text, cue.rule))
            issues, issue_how = _issues_for(_not_taken_by_another(ctx.issues[si], cue, cues, text), clause)
            if cue.frame == "critique" and issue_how == "clause" and len({m.id for m in issues}) > 1:
                # "holding the debt limit hostage to impose cuts that would hurt veterans": what
                # "would hurt" is the cuts, the issue named nearest the criticism
                near = min(issues, key=lambda m: min(abs(m.end - cue.start), abs(m.start - cue.end)))
                issues = [near]
            allowed = book.only.get(cue.stance)
            if allowed is not None:
                issues = [m for m in issues if m.id in allowed]
            if not issues and cue.stance in book.defaults:
                slug = book.defaults[cue.stance]
                issues = [Mention("issue", slug, cue.start, cue.end, cue.text, "default")]
                issue_how = "default"
            if not issues:
                continue
            if any(m.rule == "anaphora" for m in issues):
                issue_how = "anaphora"
            actors, actor_how, target = _pick_actor(ctx, si, s, cue, clause, agents, response_owner, owners, free)
            if not actors:
                continue
            if cue.stance == "no-response" and actor_how == "speaker":
                continue  # "this is neglect of the norm", the minister said: others' silence, not his
            act = _act_date(ctx, clause, cue, s, tx_starts, ctx.issues[si])  # the same for each actor and issue
            speaker = ctx.speaking[si].person
            if speaker is None:
                reps = [m for m in ctx.actors[si] if m in ctx.reporters and m.start < cue.start]
                speaker = reps[-1].id if reps else None
            for a in actors:
                sp = a.person if (a.person and actor_how not in ("frame", "frame-anaphora", "perspective")) else speaker
                for im in _unique_issues(issues, cue):
                    stance = cue.stance
                    if im.rule == "counter":
                        # opposing the counter-position demands the issue; anything else upholds it
                        stance = "demand" if (stance == "reject" and cue.frame == "verb") else "reject"
                    elif im.rule == "opposite" and stance == "reject" and cue.frame == "verb":
                        stance = "demand"  # "we will rally the world to oppose its aggression"
                    if stance == "reject" and im.start >= cue.end and \
                            WITHOUT.search(text, max(cue.end, im.start - 60), im.start) is not None:
                        stance = "demand"  # "will not accept any agreement lacking security guarantees"
                    date, prec, drule = _date(ctx, act, stmt, statement_date.get(sp) if sp else None)
                    if drule in ("published", "statement-carried") and _past_act(text, cue, s.start):
                        told = _narrative_date(ctx, sentences, si, tx_starts)
                        if told is not None:
                            date, prec, drule = told[0], told[1], "narrative"
                    if actor_how == "frame-anaphora" and drule in ("published", "statement-carried") \
                            and cue.stance in owner_date:
                        # "Those demands include …": made when their owner made them
                        date, prec, drule = owner_date[cue.stance]
                    elif actor_how == "frame":
                        owner_date[cue.stance] = (date, prec, "owner")
                    conf = 0.35
                    conf += 0.25 if actor_how in ("subject", "frame", "passive", "perspective", "reporter") else 0.1
                    conf += _ISSUE_CONFIDENCE[issue_how]
                    if cue.negated:
                        conf -= 0.05
                    if ctx.speaking[si].rule == "publisher" and actor_how == "speaker":
                        conf -= 0.05
                    pos = Position(
                        actor=a.party, issue=im.id, stance=stance, evidence=s.text, start=s.start, end=s.end,
                        date=date, date_precision=prec, date_rule=drule,
                        speaker=sp if sp and sp != a.party else None,
                        target=target, confidence=round(min(conf, 0.95), 2),
                        rule=f"{cue.rule};actor={actor_how};issue={issue_how}" + (";counter" if im.rule == "counter" else ""),
                    )
                    positions.append(pos)
                    if tracing:
                        trace[si]["positions"].append((pos.actor, pos.issue, pos.stance, pos.date, pos.rule))
    return dedupe(positions), trace


# what how a cue's issue was found adds to a position's confidence
_ISSUE_CONFIDENCE = {"clause": 0.25, "clause-weak": 0.15, "sentence": 0.1, "anaphora": 0.1, "default": 0.0}


def _people_named(ctx: Context, starts: list[int]):
    """The person "he" stands for at the start of a sentence: a function of its index
    (and of the word, whose pronoun the person's must fit: ``actors.fits``).

    The last source of words before it (one of ``ctx.reporters``, or someone
    the codebook does not know: ``ctx.unknown``, who stands for no one) or
    the last one named at all, as ``actors.source_wins`` decides.
    "Before" in the order of ``ctx.actors``, sentence by sentence, so the
    mentions' offsets need not be sorted. ``starts``: where each sentence
    starts.
    """
    flat = list(chain.from_iterable(ctx.actors))
    offsets = [0, *accumulate(map(len, ctx.actors))]  # where each sentence's mentions start in ``flat``
    named = [k for k, m in enumerate(flat) if m.kind == "person"]
    quoted = [k for k in named if flat[k] in ctx.reporters]
    unknown = [bisect_right(starts, a) - 1 for a in ctx.unknown or ()]  # the sentences of unknown sources

    def last_of(found: list[int], si: int, word: str | None) -> int | None:
        i = bisect_left(found, offsets[si]) - 1
        while i >= 0 and word is not None and not fits(flat[found[i]], word, ctx.book):
            i -= 1
        return found[i] if i >= 0 else None

    def sentence_of(k: int) -> int:
        return bisect_right(offsets, k) - 1

    def last(si: int, word: str | None = None) -> Mention | None:
        """``word`` ("she"): the last one that pronoun can stand for (``actors.fits``)."""
        q, n = last_of(quoted, si, word), last_of(named, si, word)
        u = unknown[bisect_left(unknown, si) - 1] if unknown and unknown[0] < si else None
        qs = None if q is None else sentence_of(q)
        if u is not None and (qs is None or u > qs):
            qs, q = u, None  # the last source is someone the codebook does not know
        if source_wins(qs, None if n is None else sentence_of(n)):
            return None if q is None else flat[q]
        return None if n is None else flat[n]

    return last


def _by_pattern(found: list[tuple[int, re.Match]], n: int) -> list[list[re.Match]]:
    """(pattern number, match) pairs as one list of matches per pattern, in order."""
    out: list[list[re.Match]] = [[] for _ in range(n)]
    for i, m in found:
        out[i].append(m)
    return out


def _holding(starts: list[int], spans: list[tuple[int, int]], points) -> list[int]:
    """The indices of the sorted, disjoint ``spans`` that one of ``points`` falls in, in order."""
    found = set()
    for p in points:
        i = bisect_right(starts, p) - 1
        if i >= 0 and p < spans[i][1]:
            found.add(i)
    return sorted(found)


def _question(ctx: Context, si: int, s: Sentence) -> bool:
    """A reporter's question, or a sentence ending in "?": it yields nothing."""
    return bool(ctx.speaking[si].question or "?" in s.text and QUESTION_END.search(s.text))


def _needed(ctx: Context, sentences: list[Sentence], starts: list[int], all_cues, stmts) -> tuple[list[bool], set]:
    """Per sentence, whether it can yield a position (an unmasked cue, or a counter-position),
    dates a statement, or names who owns "the response": only those need agents. And
    the sentences where a response noun is, the only ones whose agents can own one.

    Most sentences have none of these; the candidates are found from the cues,
    issues, dates and response nouns themselves rather than by testing each sentence.
    """
    # a response noun from a sentence's start to _RESPONSE_REACH characters past its end
    responding = set()
    for _, m in _RESPONSE_LEAD_IX.finditer(ctx.text, ctx.tix):
        i = bisect_right(starts, m.start()) - 1
        while i >= 0 and sentences[i].end + _RESPONSE_REACH >= m.start():
            responding.add(i)
            i -= 1
    # the indices of the sentences with a statement date, a cue or an issue (compress: no
    # Python-level look at the many sentences with none)
    candidates = responding.union(compress(count(), stmts))
    candidates.update(compress(count(), all_cues))
    candidates.update(compress(count(), ctx.issues))
    need = [False] * len(sentences)
    masked = ctx.masked
    for si in candidates:
        need[si] = bool(stmts[si]) or not _question(ctx, si, sentences[si]) and (
            (any(not _masked(masked, c.start) for c in all_cues[si]) if masked else bool(all_cues[si]))
            or any(m.rule == "counter" for m in ctx.issues[si])
            or si in responding)
    return need, responding


def _masked(spans, pos: int) -> bool:
    if not spans:
        return False
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


# "... and insisted", "... but then refused": a verb coordinated with the one before,
# sharing its subject (not ", and we are ready", a clause with a subject of its own)
_COORD = rx.compile(r"\s(?:and|but)\s+(?:(?:also|then|later|has|have|had|\w+ly)\s+)?$")


def _not_taken_by_another(found: list[Mention], cue, cues, text: str) -> list[Mention]:
    """``found`` less the issues another verb cue coordinated with ``cue`` takes as
    its object: in "ruled out ceding territory and insisted on a ceasefire" the
    territory is what was ruled out and the ceasefire what was insisted on."""
    if cue.frame != "verb":
        return found
    verbs = [c for c in cues if c.frame == "verb" and c is not cue]
    first = min((c.end for c in verbs if c.end <= cue.start), default=None)
    # a later verb coordinated with this one ("... and insisted") owns what follows it
    then = min((c.start for c in verbs if c.start >= cue.end and _COORD.search(text, cue.end, c.start) is not None),
               default=None)
    if first is None and then is None:
        return found
    return [m for m in found
            if not (first is not None and first <= m.start and m.end <= cue.start
                    and _COORD.search(text, m.end, cue.start) is not None)
            and not (then is not None and m.start >= then)]


def _issues_for(found: list[Mention], clause) -> tuple[list[Mention], str]:
    """Issues of a cue: regular cues in its clause, else weak ones there, else the sentence's."""
    inside = [m for m in found if clause[0] <= m.start < clause[1]]
    strong = [m for m in inside if m.rule != "weak"]
    if strong:
        return strong, "clause"
    if inside:
        return inside, "clause-weak"
    rest = [m for m in found if m.rule != "weak"]
    return rest, "sentence"


_POSS = rx.compile(r"(?:[’']s)?\s+(?:and\s+\w+\s+)?")


def _skip_poss(text: str, i: int) -> int:
    m = _POSS.match(text, i, i + 20)
    return m.end() if m else i


def _unique_issues(issues: list[Mention], cue=None) -> list[Mention]:
    """One mention per issue: a plain cue over a counter or opposite one, unless the
    counter phrase is what the stance cue is about ("never compromise on the right
    to choose": the counter-position comes right after the cue)."""
    seen = {}
    for m in issues:
        if m.id not in seen:
            seen[m.id] = m
        elif seen[m.id].rule in ("counter", "opposite") and m.rule not in ("counter", "opposite"):
            if not (cue is not None and _governs(cue, seen[m.id], m)):
                seen[m.id] = m
    return list(seen.values())


def _governs(cue, first: Mention, other: Mention) -> bool:
    """``first`` follows the cue closely, before ``other``: the cue's object."""
    return cue.stance == "demand" and cue.end <= first.start and first.start - cue.end <= 60 \
        and first.start < other.start


PASSIVE_AFTER = rx.compile(r"\s+be\s+(?:\w+ly\s+)?(?:\w+ed|met|made|done|seen|given|taken|kept|held|paid|put|set|"
                           r"shown|known|sent|brought|won|fought)\b", re.I)
# what comes before a party that is a subject ("..., Republicans claim"), not a verb's
# object ("invade Ukraine"): a sentence or clause start, or a conjunction or determiner
SUBJECT_SLOT = rx.compile(r"(?:^|[,;:—(“\"]|\b(?:that|and|but|while|because|as|so|if|when|the|both|all|many|some|most|"
                          r"since|whether|now|then)\s)\s*$", re.I)
POSSESSIVES = frozenset(("my", "our", "his", "her", "their", "its"))
# a third-person subject right before the cue that named no party ("they refuse")
UNRESOLVED_SUBJECT = rx.compile(r"\b(?:they|he|she)(?:[’']\w+)?\s+(?:[\w’']+\s+){0,3}$", re.I)
# a third-person subject reporting what the cue says ("they just said revenue is off the table")
UNRESOLVED_SAYER = rx.compile(r"\b(?:they|he|she)\s+(?:\w+\s+)?(?:said|say|says|claim|claims|claimed|argue|argues|"
                              r"argued|insist|insists|insisted)\b", re.I)
POSSESSIVE_WORD = rx.compile(r"\b(?:its|their|his|her|our|my)\b", re.I)
POSSESSIVE = rx.compile(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,2}$", re.I)
# "those demands": someone's named before, not the subject's that refers to them
BACK_REFERENCE = rx.compile(r"\b(?:these|those|such)\b", re.I)
BACK_REFERENCE_BEFORE = rx.compile(r"\b(?:these|those|such)\s+(?:(?!(?:are|were|is|was|have|had)\b)\w+\s+)?$", re.I)
# between a noun cue's owner and the cue: "Russia's key security demands"
OWNER_GAP = rx.compile(r"(?:[’']s)?\s+(?:[\w-]+\s+){0,3}")
DETERMINER = rx.compile(r"\b(?:the|a|an|its|their|his|her|our|these|those|this|that|unacceptable|extreme|key|main|"
                        r"new|latest|such|any)\s+$", re.I)


def _pick_actor(ctx: Context, si: int, s: Sentence, cue, clause, agents: list[Agent], response_owner, owners,
                free: list[Agent]):
    """The actors of a cue, how they were found, and the target of an obligation.

    ``free``: the sentence's agents that are not inside an if/unless clause.
    """
    text = ctx.text
    sp = ctx.speaking[si]
    speaker_agent = [Agent(sp.party, sp.person, s.start, s.start, "speaker")] if sp.party else []
    frame = cue.frame
    if frame == "verb" and cue.stance in ("demand", "propose") and DETERMINER.search(text[max(s.start, cue.start - 20):cue.start]):
        frame = "noun"
    if frame == "eval":
        persp = _perspective(text, agents, s)
        if persp:
            return persp, "perspective", None
    if frame == "critique":
        if speaker_agent:
            return speaker_agent, "speaker", None
        rep = _subject(text, free, (s.start, clause[0]), clause[0]) if clause[0] > s.start else []
        if rep and REPORTING.search(text, rep[-1].end, clause[0]):
            return rep, "reporter", None
        return [], "none", None
    if frame == "threat":
        if speaker_agent:
            return speaker_agent, "speaker", None
        others = [a for a in free if not (clause[0] <= a.start < clause[1]) and not _is_object(text, s.start, a)]
        return others[:1], "threat-other", None
    if frame == "eval":
        own = _owner(text, agents, clause, cue.start)
        if own:
            return own, "frame", None
        if RESPONSE_NOUN.search(text, clause[0], cue.start) and response_owner:
            return response_owner, "frame", None
    if frame == "recipient":
        rec = [a for a in agents if clause[0] <= a.start < cue.start and re.search(r"\bto\s+(?:the\s+)?$", text[max(0, a.start - 8):a.start])]
        if rec:
            return rec, "frame", None
    if frame == "noun":
        own = [a for a in agents if a.start < cue.start and (a.end >= cue.end or (
               a.end <= cue.start and cue.start - a.end <= 25
               and OWNER_GAP.fullmatch(text[a.end:cue.start])
               and not BACK_REFERENCE.search(text, a.end, cue.start)  # "Kyiv has rejected those demands"
               and not REPORTING.search(text, a.end, cue.start)  # "NATO sources say the demands"
               and not POSSESSIVE_WORD.search(text, a.end, cue.start)))]  # "presented to NATO its proposal"
        if not own and POSSESSIVE.search(text, max(s.start, cue.start - 30), cue.start):
            # "Moscow published draft agreements outlining its demands": the subject's
            # the clause's first subject, not a verb's object in between ("Russia is demanding
            # concessions that would weaken NATO, with its calls for …")
            lo = clause[0]
            for rep in REPORTING.finditer(text, clause[0], cue.start):
                lo = rep.end()  # "The US argues that Russia … its calls": after the reporting verb
            heads = [a for a in agents if lo <= a.start and a.end <= cue.start
                     and not _is_object(text, clause[0], a) and a.how not in ("we", "they")
                     and text[a.start:a.end].lower() not in POSSESSIVES]
            own = heads[:1]
        if own:
            got = _owner(text, own, (clause[0], cue.start), cue.start)
            owners[cue.stance] = got
            return got, "frame", None
        m = re.match(r"\s+(?:of|from|by)\s+(?:the\s+)?", text[cue.end:cue.end + 20])
        if m:
            after = [a for a in agents if a.start == cue.end + m.end()]
            if after:
                owners[cue.stance] = after
                return after, "frame", None
        if re.search(r"\b(?:these|those|the|such|this|that|an?)\s+(?:\w+\s+)?$", text[max(s.start, cue.start - 20):cue.start]) \
                and owners.get(cue.stance):
            return owners[cue.stance], "frame-anaphora", None
        if cue.text and BACK_REFERENCE_BEFORE.search(text, max(s.start, cue.start - 20), cue.start):
            return [], "none", None  # "Kyiv has rejected those demands": whose, no one named
    subj = _subject(text, agents, clause, cue.start, cue)
    if frame == "noun" and subj and REPORTING.search(text, subj[-1].end, cue.start):
        return [], "none", None  # "NATO sources say the demands …": NATO only reports them
    if frame == "modal":
        if subj and all(a.how == "we" for a in subj):
            return subj, "subject", None
        subj = [a for a in subj if a.how != "it"]  # "it had to be a two-way street": no one's target
        said = [a for a in free if a.start < clause[0] and a.person
                and any(m.start == a.start for m in ctx.reporters)] if not speaker_agent else []
        if said:  # "Blinken said … that it had to be …"
            return said[-1:], "reporter", subj[0].party if subj else None
        target = subj[0].party if subj else None
        if speaker_agent:
            if target == speaker_agent[0].party:
                target = None
            return speaker_agent, "speaker", target
        rep = _subject(text, free, (s.start, clause[0]), clause[0]) if clause[0] > s.start else []
        if rep and REPORTING.search(text, rep[-1].end, clause[0]):
            return rep, "reporter", target
        if PASSIVE_AFTER.match(text, cue.end):
            return [], "none", None  # "the standoff must be met by strength": no one's demand
        return subj, "subject", None
    if subj:
        return subj, "subject", None
    pas = _passive(text, agents, cue.end, clause[1])
    if pas:
        return pas, "passive", None
    if UNRESOLVED_SUBJECT.search(text, clause[0], cue.start) or UNRESOLVED_SAYER.search(text, clause[0], cue.start):
        return [], "none", None  # "they refuse to entertain it", "they said X is off the table": not the speaker
    # the subject of the sentence when the cue's clause has none ("X said ..., and ...")
    subj = _subject(text, free, (s.start, cue.start), cue.start)
    if subj:
        return subj, "sentence-subject", None
    return speaker_agent, "speaker", None


LEAD_DATE = rx.compile(r"[^,;:—]{0,40},")
REPORT_DATE = rx.compile(r"^\s*(?:\w+\s+){0,2}(?:on\s+|last\s+|this\s+)?$", re.I)


def _statement_date(ctx: Context, s: Sentence, tx_starts, says=None) -> tuple[str, str] | None:
    """The date a reporting verb gives the sentence ("said on Monday"); ``says``: its
    reporting verbs as (0, match), when already found."""
    text = ctx.text
    i = bisect_left(tx_starts, s.start)
    if i >= len(tx_starts) or tx_starts[i] >= s.end:
        return None  # no date in the sentence
    for rep in REPORTING.finditer(text, s.start, s.end) if says is None else (m for _, m in says):
        i = bisect_left(tx_starts, rep.end())
        if i < len(ctx.timexes):
            t = ctx.timexes[i]
            if t.start < s.end and REPORT_DATE.match(text[rep.end():t.start]):
                r = _resolve(ctx, t)
                if r:
                    return r
    return None


def _resolve(ctx: Context, t: Timex):
    try:
        r = ctx.resolve_date(t) if ctx.resolve_date else None
    except Exception:
        return None
    if not r or not r[0]:
        return None
    return str(r[0]), r[1]


# a date right after a reporting verb: the statement's, not the act's
SAID_DATE = rx.compile(r"\b(?:said|says|told|noted|added|stressed|announced)\b\s+(?:\w+\s+){0,2}(?:on\s+)?$")


# Rejecting what lacks the issue demands it: "no deal without security guarantees".
WITHOUT = rx.compile(r"\b(?:without|lacking|absent|with\s+no)\s+(?:\S+\s+){0,3}$", re.I)


# A date after the cue inside "after/since/before/following …" dates another event:
# the history the act followed, not the act.
OTHER_EVENT = rx.compile(r"\b(?:after|since|before|following|followed\s+by|prior\s+to)\b[^,;:.!?—–]*$", re.I)


def _act_date(ctx: Context, clause, cue, s: Sentence, tx_starts, issues) -> tuple[str, str] | None:
    """(date, precision) the clause gives for the cue's act, the one nearest the cue; else None."""
    text = ctx.text
    # a fronted date ("On Jan. 27, after talks, …") dates the whole sentence
    lead = LEAD_DATE.match(text, s.start, s.end)
    lo = bisect_left(tx_starts, s.start if lead else clause[0])
    hi = bisect_right(tx_starts, clause[1])
    best = None
    for t in ctx.timexes[lo:hi]:
        in_lead = lead is not None and t.end <= s.start + len(lead.group(0))
        if not in_lead and (t.start < clause[0] or t.end > clause[1]):
            continue
        if any(m.start <= t.start < m.end for m in issues):
            continue
        if SAID_DATE.search(text[max(s.start, t.start - 30):t.start]):
            continue
        if t.start > cue.end and OTHER_EVENT.search(text, max(cue.end, t.start - 80), t.start) is not None:
            continue  # "insisted on X after Russia's annexation …, followed by its invasion in February 2022"
        if cue.stance != "consult" and text.startswith(("'s ", "\u2019s "), t.end):
            continue  # "progress could be made during next week's talks": the talks' date, not the act's
        r = _resolve(ctx, t)
        if not r or r[1] == "year":
            continue
        dist = abs(t.start - cue.start)
        if best is None or dist < best[0]:
            best = (dist, r)
    return best[1] if best else None


# A cue in the simple past ("threatened", "rejected"), not "has rejected" nor "to be rejected".
_PAST_CUE_WORD = rx.compile(r"\w+ed$")
_PERFECT_BEFORE = rx.compile(r"\b(?:has|have|[’']s|[’']ve|be|been|being|is|are|to|will|would)\s+(?:\w+ly\s+)?$", re.I)
NARRATIVE_REACH = 3  # sentences back that a dated past sentence carries its date


# "has set out deadlines … and threatened sanctions": the perfect's auxiliary
# reaches the coordinated verb
_PERFECT_AND = rx.compile(r"\b(?:has|have)\b[^.;:]*\band\s+(?:\w+ly\s+)?$", re.I)


def _past_act(text: str, cue, start: int) -> bool:
    """The cue is a verb in the simple past (its sentence starting at ``start``)."""
    return _PAST_CUE_WORD.search(cue.text) is not None and \
        _PERFECT_BEFORE.search(text, max(start, cue.start - 24), cue.start) is None and \
        _PERFECT_AND.search(text, start, cue.start) is None


def _narrative_date(ctx: Context, sentences, si: int, tx_starts) -> tuple[str, str] | None:
    """The day a past-tense story is at when sentence ``si`` continues it: the
    last past day named in the ``NARRATIVE_REACH`` sentences before ("Yesterday,
    the world heard … Putin's lengthy remarks. He directly attacked Ukraine's
    right to exist. … He explicitly threatened war …"), else None."""
    lo = sentences[max(0, si - NARRATIVE_REACH)].start
    i = bisect_left(tx_starts, sentences[si].start) - 1
    while i >= 0 and ctx.timexes[i].start >= lo:
        r = _resolve(ctx, ctx.timexes[i])
        if r and r[1] == "day" and ctx.published and r[0] < ctx.published[:10]:
            return r
        i -= 1
    return None


def _date(ctx: Context, act, stmt, carried):
    """(date, precision, rule): the act's date (``_act_date``), else the statement's, else publication."""
    if act:
        return act[0], act[1], "act"
    if stmt:
        return stmt[0], stmt[1], "statement"
    if carried:
        return carried[0], carried[1], "statement-carried"
    if ctx.published:
        p = ctx.published
        prec = {10: "day", 7: "month", 4: "year"}.get(len(p), "day")
        return p, prec, "published"
    return None, None, "unknown"


def dedupe(positions: list[Position]) -> list[Position]:
    """One position per (actor, issue, stance, date): the most confident, earliest on ties."""
    best: dict[tuple, Position] = {}
    order: list[tuple] = []
    for p in positions:
        k = (p.actor, p.issue, p.stance, p.date)
        if k not in best:
            best[k] = p
            order.append(k)
        elif p.confidence > best[k].confidence:
            best[k] = p
    return [best[k] for k in order]
