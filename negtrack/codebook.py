"""Codebooks: the issues, actors, people and cue words of one negotiation.

Design decisions:

* A codebook is a TOML file (``tomllib`` from the standard library), so users
  write one for their own negotiation with no code change. Shipped codebooks
  live in ``data/codebooks/`` (installed as ``negtrack/data/codebooks``);
  users' own in ``$XDG_CONFIG_HOME/negtrack/codebooks``. ``--codebook`` takes a
  name from those folders or a path.
* Everything is validated on load and every error names the file and the line
  (``russia.toml:41: issue 'nato-expansion' is defined twice``). TOML's own
  syntax errors carry a line already; for semantic errors we find the line of
  the offending key in the raw text.
* Cue phrases are plain words by default, matched case-insensitively on word
  boundaries; a phrase starting with ``re:`` is a regular expression, compiled
  here so a broken pattern fails at load time, not mid-extraction.
* ``version`` is hashed from the file's bytes when not given, so each stored
  position can record exactly which codebook text produced it.
* Where a pattern can start (``lead_keys``, a parse of the pattern) is cached
  between runs in ``$XDG_CACHE_HOME/negtrack/`` (else ``~/.cache/negtrack/``),
  per pattern text and flags, in a file named for negtrack's and Python's
  versions and this module's size and mtime; written atomically, ignored
  whole when unreadable or malformed. It saves every process parsing a few
  hundred patterns; the keys are the same either way.

File layout (see ``negtrack codebook new`` for a commented template)::

    [codebook]
    name = "russia-nato-2022"
    title = "..."
    version = "1"            # optional

    [[issues]]
    slug = "nato-expansion"
    title = "NATO expansion"
    proposition = "NATO stops enlarging"
    cues = ["NATO expansion", "re:non-?expansion"]

    [[actors]]
    id = "russia"
    name = "Russia"
    kind = "state"
    aliases = ["Russia", "Moscow", "the Kremlin"]
    adjectives = ["Russian"]

    [[people]]
    id = "lavrov"
    name = "Sergey Lavrov"
    aliases = ["Lavrov"]
    party = "russia"
    from = 2004-03-09       # optional: dates in office
    to = 2030-01-01         # optional

    [stances]                # extra cue phrases per stance, added to the engine's own
    reject = ["not for discussion"]

Optional keys the extraction engine reads (all lists of cue phrases, validated
like ``cues``):

* issue ``weak``: cues too general to name the issue when a regular cue of
  any issue is in the same sentence ("talks", "diplomacy").
* issue ``counter``: phrases naming the counter-position ("open door", "right
  to choose alliances"); an actor upholding one rejects the issue.
* issue ``opposite``: phrases naming what the proposition rules out
  ("invasion", "aggression" for de-escalation); they name the issue like
  cues, and opposing or condemning one demands the issue, where a counter
  phrase would be upheld.
* actor ``metonyms``: names that stand for the actor in context ("the
  Kremlin", "the American delegation"); matched like aliases.
* person ``labels``: transcript labels the person speaks under ("MS. PSAKI");
  a label is otherwise matched against the person's aliases.
* person ``pronoun``: "he", "she" or "they"; "she" then never stands for a
  person whose pronoun is "he" (and so on). Without one, any may.
* ``[defaults]``: stance = issue slug, the issue a cue of that stance is about
  when its sentence names none (warnings in a crisis, meetings in a
  negotiation).
* ``[only]``: stance = [issue slugs], the only issues a stance is recorded on
  (in a budget negotiation every meeting is about the deal); a cue whose
  issues are all outside the list falls back to ``[defaults]``.
"""

from __future__ import annotations

import hashlib
import os
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from negtrack import rx
from negtrack.errors import CodebookError
from negtrack.models import STANCES

DEFAULT_CODEBOOK = "russia-nato-2022"
_ENTRY = {"issues": "issue", "actors": "actor", "people": "person"}
SLUG_RE = rx.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Issue:
    slug: str
    title: str
    proposition: str
    cues: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    counter: list[str] = field(default_factory=list)  # phrases of the counter-position
    opposite: list[str] = field(default_factory=list)  # what the proposition rules out ("invasion")
    weak: list[str] = field(default_factory=list)  # general cues, used only when no regular cue is near


@dataclass
class Actor:
    id: str
    name: str
    kind: str = "state"
    aliases: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    metonyms: list[str] = field(default_factory=list)  # "the Kremlin", "the American delegation"


PRONOUNS = ("he", "she", "they")


@dataclass
class Person:
    id: str
    name: str
    party: str
    aliases: list[str] = field(default_factory=list)
    title: str | None = None
    start: str | None = None  # in office from (ISO date)
    end: str | None = None  # in office until
    extra: dict = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)  # transcript labels ("MS. PSAKI")
    pronoun: str | None = None  # "he", "she" or "they": which third-person pronouns may stand for them


@dataclass
class Codebook:
    name: str
    title: str
    version: str
    path: str
    description: str = ""
    issues: dict[str, Issue] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    stances: dict[str, list[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)  # stance -> issue when a sentence names none
    only: dict[str, list[str]] = field(default_factory=dict)  # stance -> the only issues it can take
    extra: dict = field(default_factory=dict)  # any other top-level tables, for the engine


def shipped_dir() -> Path:
    """The shipped codebooks: inside the installed package, else the checkout's data/."""
    here = Path(__file__).resolve().parent
    installed = here / "data" / "codebooks"
    if installed.is_dir():
        return installed
    return here.parent / "data" / "codebooks"


def user_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "negtrack" / "codebooks"


def available() -> dict[str, Path]:
    """Codebook names → files; a user's codebook of the same name wins over a shipped one."""
    found: dict[str, Path] = {}
    for folder in (shipped_dir(), user_dir()):
        if folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                found[p.stem] = p
    return found


def resolve(name_or_path: str | None) -> Path:
    """A codebook name (shipped or the user's) or a path to a TOML file."""
    name_or_path = name_or_path or os.environ.get("NEGTRACK_CODEBOOK") or DEFAULT_CODEBOOK
    looks_like_path = os.sep in name_or_path or name_or_path.endswith(".toml")
    if looks_like_path:
        p = Path(name_or_path)
        if not p.is_file():
            raise CodebookError(f"{name_or_path}: no such codebook file")
        return p
    books = available()
    if name_or_path in books:
        return books[name_or_path]
    names = ", ".join(sorted(books)) or "none"
    raise CodebookError(f"unknown codebook {name_or_path!r} (available: {names})")


_CACHE: dict[tuple[str, float, int], Codebook] = {}


def load(name_or_path: str | None = None) -> Codebook:
    """Load and validate a codebook by name or path (cached per file state)."""
    path = resolve(name_or_path)
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime, st.st_size)
    if key not in _CACHE:
        _CACHE[key] = parse(path.read_bytes(), str(path))
    return _CACHE[key]


def _line_of(raw: str, key: str, value: str, nth: int = 1) -> int:
    """The line of the nth ``key = "value"`` in the raw TOML (1 if not found)."""
    pat = rx.compile(r"^\s*" + re.escape(key) + r"\s*=\s*[\"']" + re.escape(value) + r"[\"']", re.M)
    for i, m in enumerate(pat.finditer(raw), 1):
        if i == nth:
            return raw.count("\n", 0, m.start()) + 1
    return _line_of_text(raw, value)


def _line_of_text(raw: str, needle: str) -> int:
    k = raw.find(needle)
    return raw.count("\n", 0, k) + 1 if k >= 0 else 1


def compile_cue(cue: str) -> re.Pattern:
    """A cue phrase as a regex: ``re:`` cues verbatim, plain phrases on word boundaries.

    Plain phrases match any run of white space between words (articles are
    hard-wrapped) and both straight and curly apostrophes.
    """
    if cue.startswith("re:"):
        return rx.compile(cue[3:], re.I)
    words = [re.escape(w).replace("'", "['’]") for w in cue.split()]
    body = r"\s+".join(words)
    left = r"\b" if cue[:1].isalnum() else ""
    right = r"\b" if cue[-1:].isalnum() else ""
    return rx.compile(left + body + right, re.I)


def parse(data: bytes, path: str) -> Codebook:
    """Parse and validate codebook TOML; every error names ``path:line``."""
    import tomllib

    name = os.path.basename(path)
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CodebookError(f"{path}: not UTF-8 text (byte {e.start})") from None
    try:
        doc = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"{path}:{m.group(1)}" if m else path
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        raise CodebookError(f"{where}: TOML syntax error: {msg}") from None

    def fail(line: int, message: str):
        raise CodebookError(f"{path}:{line}: {message}")

    def text_list(table: dict, key: str, line: int) -> list[str]:
        v = table.get(key, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            fail(line, f"'{key}' must be a list of non-empty strings")
        return v

    def check_cues(cues: list[str], line_hint: int):
        for cue in cues:
            try:
                compile_cue(cue)
            except re.error as e:
                fail(_line_of_text(raw, cue) or line_hint, f"broken pattern {cue!r}: {e}")

    def entries(items, key: str, kind: str, noun: str, taken: dict | None = None):
        """Each entry with its validated id and the line of that id; a second use of an
        id (here, or in ``taken``: people share the actors' ids) is an error."""
        seen: dict[str, int] = {}
        for n, item in enumerate(items):
            ident = item.get(key)
            if not isinstance(ident, str) or not SLUG_RE.match(ident):
                fail(_line_of_text(raw, f"[[{kind}]]"),
                     f"{_ENTRY[kind]} #{n + 1}: '{key}' must be lowercase letters, digits and '-', got {ident!r}")
            seen[ident] = seen.get(ident, 0) + 1
            earlier = seen[ident] - 1 + (1 if taken and ident in taken else 0)
            line = _line_of(raw, key, ident, earlier + 1)
            if earlier:
                fail(line, f"{noun} {ident!r} is defined twice")
            yield item, ident, line

    meta = doc.get("codebook", {})
    if not isinstance(meta, dict):
        fail(1, "[codebook] must be a table")
    cb_name = meta.get("name") or Path(path).stem
    if not isinstance(cb_name, str) or not SLUG_RE.match(cb_name):
        fail(_line_of_text(raw, "name"), f"codebook name {cb_name!r} must be lowercase letters, digits and '-'")
    version = str(meta.get("version") or hashlib.sha256(data).hexdigest()[:12])
    book = Codebook(
        name=cb_name,
        title=str(meta.get("title") or cb_name),
        version=version,
        path=path,
        description=str(meta.get("description") or ""),
    )

    issues = doc.get("issues", [])
    if not isinstance(issues, list) or not issues:
        fail(1, "a codebook needs at least one [[issues]] entry")
    for item, slug, line in entries(issues, "slug", "issues", "issue"):
        cues = text_list(item, "cues", line)
        check_cues(cues, line)
        counter = text_list(item, "counter", line)
        weak = text_list(item, "weak", line)
        opposite = text_list(item, "opposite", line)
        check_cues(counter + weak + opposite, line)
        book.issues[slug] = Issue(
            slug=slug,
            title=str(item.get("title") or slug),
            proposition=str(item.get("proposition") or ""),
            cues=cues,
            counter=counter,
            weak=weak,
            opposite=opposite,
            extra={k: v for k, v in item.items()
                   if k not in ("slug", "title", "proposition", "cues", "counter", "weak", "opposite")},
        )

    actors = doc.get("actors", [])
    if not isinstance(actors, list) or not actors:
        fail(1, "a codebook needs at least one [[actors]] entry")
    for item, aid, line in entries(actors, "id", "actors", "actor"):
        aliases = text_list(item, "aliases", line)
        adjectives = text_list(item, "adjectives", line)
        metonyms = text_list(item, "metonyms", line)
        check_cues(aliases + adjectives + metonyms, line)
        book.actors[aid] = Actor(
            id=aid,
            name=str(item.get("name") or aid),
            kind=str(item.get("kind") or "state"),
            aliases=aliases,
            adjectives=adjectives,
            metonyms=metonyms,
            extra={k: v for k, v in item.items() if k not in ("id", "name", "kind", "aliases", "adjectives", "metonyms")},
        )

    for item, pid, line in entries(doc.get("people", []), "id", "people", "id", taken=book.actors):
        party = item.get("party")
        if party not in book.actors:
            fail(line, f"person {pid!r}: party {party!r} is not an actor of this codebook")
        aliases = text_list(item, "aliases", line)
        labels = text_list(item, "labels", line)
        check_cues(aliases, line)
        dates = {}
        for key in ("from", "to"):
            v = item.get(key)
            if v is not None and not hasattr(v, "isoformat"):
                fail(line, f"person {pid!r}: '{key}' must be a TOML date like 2022-01-31")
            dates[key] = v.isoformat() if v is not None else None
        pronoun = item.get("pronoun")
        if pronoun is not None and pronoun not in PRONOUNS:
            fail(line, f"person {pid!r}: 'pronoun' must be one of {', '.join(PRONOUNS)}")
        book.people[pid] = Person(
            id=pid,
            name=str(item.get("name") or pid),
            party=party,
            aliases=aliases,
            title=item.get("title"),
            start=dates["from"],
            end=dates["to"],
            labels=[x.strip().rstrip(":").upper() for x in labels],
            pronoun=pronoun,
            extra={k: v for k, v in item.items()
                   if k not in ("id", "name", "party", "aliases", "labels", "title", "from", "to", "pronoun")},
        )

    stances = doc.get("stances", {})
    if not isinstance(stances, dict):
        fail(_line_of_text(raw, "[stances]"), "[stances] must be a table of stance = [cue, ...]")
    for stance, cues in stances.items():
        line = _line_of_text(raw, stance + " =")
        if stance not in STANCES:
            fail(line, f"unknown stance {stance!r} (one of: {', '.join(STANCES)})")
        cues = text_list(stances, stance, line)
        check_cues(cues, line)
        book.stances[stance] = cues

    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        fail(_line_of_text(raw, "[defaults]"), "[defaults] must be a table of stance = issue slug")
    for stance, slug in defaults.items():
        line = _line_of_text(raw, stance + " = ")
        if stance not in STANCES:
            fail(line, f"[defaults]: unknown stance {stance!r} (one of: {', '.join(STANCES)})")
        if slug not in book.issues:
            fail(line, f"[defaults]: {stance} = {slug!r} is not an issue of this codebook")
        book.defaults[stance] = slug

    only = doc.get("only", {})
    if not isinstance(only, dict):
        fail(_line_of_text(raw, "[only]"), "[only] must be a table of stance = [issue slug, ...]")
    for stance in only:
        line = _line_of_text(raw, stance + " = ")
        if stance not in STANCES:
            fail(line, f"[only]: unknown stance {stance!r} (one of: {', '.join(STANCES)})")
        slugs = text_list(only, stance, line)
        for slug in slugs:
            if slug not in book.issues:
                fail(line, f"[only]: {slug!r} is not an issue of this codebook")
        book.only[stance] = slugs

    book.extra = {k: v for k, v in doc.items()
                  if k not in ("codebook", "issues", "actors", "people", "stances", "defaults", "only")}
    return book


# ---------------------------------------------------------------------------
# Fast cue matching: each pattern runs only where its first word occurs
# ---------------------------------------------------------------------------
#
# A codebook has hundreds of cue, name and stance patterns; running each over
# the whole text made extraction cost (patterns x text). Instead every pattern
# is analysed once for the words its matches can start with ("demand" for
# ``\bdemand(?:s|ed)?``; "key", "core", "main" for ``\b(?:key|core|main)\s``),
# the text is indexed once by the first eight letters of the words that can
# start one (``TextIndex``: one regex scan), and a pattern is tried
# (``pattern.match``) only at the words that can start it.
# The candidate positions are a superset of where the pattern can match and
# are visited in order, skipping those inside the pattern's previous match,
# so the result is exactly what ``pattern.finditer`` returns. A pattern whose
# start cannot be read this way (an optional first word, a class like \w, the
# ASCII flag) is simply run over the text as before.

from itertools import accumulate, count, islice
from operator import add, itemgetter

try:
    from re import _constants as _sre_c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11 names
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# The text is lowered with a table that keeps every offset (str.lower may not:
# "İ" becomes two characters) and also folds the four non-ASCII letters that
# re.IGNORECASE equates with ASCII ones, so no case-insensitive match is missed.
FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(65, 91)},
                      "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_SPECIAL = ("\u0130", "\u0131", "\u017f")


def fold(text: str) -> str:
    """``text`` lower-cased character for character (same length, same offsets)."""
    low = text.lower()  # fast; falls back when a letter lowers to two or is one of re's specials
    if len(low) != len(text) or any(c in text for c in _SPECIAL):
        low = text.translate(FOLD)
    return low


_WORD_CHAR = rx.compile(r"\w")
_FINAL = "\x00"  # in a prefix: the word ends here
_KEYLEN = 8  # long enough to tell "withdraw" from "with", "russian" from "russia"
_MAX_PREFIXES = 48


def _class_chars(av) -> list[str] | None:
    chars: list[str] = []
    for op, v in av:
        if op is _sre_c.LITERAL:
            chars.append(chr(v))
        elif op is _sre_c.RANGE and v[1] - v[0] < 30:
            chars.extend(chr(c) for c in range(v[0], v[1] + 1))
        else:
            return None
    return chars


def _is_word_class(sub) -> bool:
    return (len(sub) == 1 and sub[0][0] is _sre_c.IN and len(sub[0][1]) == 1
            and sub[0][1][0] == (_sre_c.CATEGORY, _sre_c.CATEGORY_WORD))


def _nonword_start(op, av) -> bool:
    """The item surely consumes a non-word character first (white space, punctuation)."""
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1 and av[2]:
        op, av = av[2][0]
    if op is _sre_c.IN:
        return av in ([(_sre_c.CATEGORY, _sre_c.CATEGORY_SPACE)], [(_sre_c.CATEGORY, _sre_c.CATEGORY_NOT_WORD)])
    return False


def _prefixes(items, bound: bool, pre=None):
    """(prefixes, complete) of a parsed sequence, or None when its start is not literal.

    Every match of the sequence starts with one of the prefixes; each carries
    whether a word boundary comes right before it. ``complete``: the prefixes
    are the whole sequence, so what follows may be appended. ``pre``: the
    prefixes read before the sequence (all non-empty), to go on from.
    """
    pre = pre or [("", bound)]
    for at, (op, av) in enumerate(items):
        consumed = pre[0][0] != ""
        if op is _sre_c.AT:
            if av in (_sre_c.AT_BOUNDARY, _sre_c.AT_UNI_BOUNDARY):
                if not consumed:
                    pre = [(p, True) for p, _ in pre]
                    continue
                return [(p + _FINAL, b) for p, b in pre], False
            if consumed:
                return pre, False
            continue  # "^" and the like only narrow where a match starts
        if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            if not consumed and op is _sre_c.ASSERT_NOT and av[0] == -1 and _is_word_class(av[1]):
                pre = [(p, True) for p, _ in pre]  # (?<!\w): a word starts here
            continue  # look-arounds consume nothing
        if consumed and _nonword_start(op, av):
            return [(p + _FINAL, b) for p, b in pre], False
        chars = None
        if op is _sre_c.LITERAL:
            chars = [chr(av)]
        elif op is _sre_c.IN:
            chars = _class_chars(av)
        if chars is not None:
            if len(chars) * len(pre) > _MAX_PREFIXES:
                return (pre, False) if consumed else None
            pre = [(p + c, b) for p, b in pre for c in chars]
            continue
        # the alternatives, each with whether its full reading may be followed
        # by what comes after it: an optional item ("s?", "(?:\s+the)?") is
        # read both ways, taken and skipped
        if op is _sre_c.SUBPATTERN and not av[1] & (re.ASCII | re.LOCALE):
            alts, whole = [av[3]], [True]
        elif op is _sre_c.BRANCH:
            alts, whole = av[1], [True] * len(av[1])
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:
            alts, whole = [av[2]], [False]
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and consumed:
            alts, whole = [av[2], []], [av[1] == 1, True]
        else:
            return (pre, False) if consumed else None
        # an alternative that starts with white space or punctuation ends the
        # word there ("it" of "\bit(?:\s+is|'s)"), whatever the others do
        # (read on from the prefixes so far, so an alternative may start with
        # an optional item: "s?" of "\bask(?:ing|s?)\s")
        if consumed:
            got = [([(p + _FINAL, b) for p, b in pre], False) if alt and _nonword_start(*alt[0])
                   else _prefixes(alt, bound, pre) for alt in alts]
        else:
            got = [_prefixes(alt, pre[0][1]) for alt in alts]
            if any(g is None or any(q == "" for q, _ in g[0]) for g in got):
                return None
        if sum(len(g[0]) for g in got) > _MAX_PREFIXES:
            return (pre, False) if consumed else None
        # an alternative read whole goes on with what follows; one read in part
        # stops here (its prefixes still start every match through it). One
        # whose every prefix ends its word is as good as whole: what is
        # appended after a word's end changes no key
        go, stop = [], []
        for (got_pre, complete), w in zip(got, whole):
            ended = all(_FINAL in q for q, _ in got_pre)
            (go if (complete and w) or ended else stop).extend(got_pre)
        if not stop:
            pre = go
            continue
        if not go:
            return stop, False
        rest, complete = _prefixes(items[at + 1:], bound, go)
        if len(stop) + len(rest) > _MAX_PREFIXES:
            return (pre, False) if consumed else None
        return stop + rest, complete and all(_FINAL in q for q, _ in stop)
    return pre, True


def lead_keys(pattern: re.Pattern) -> list[tuple[str, str]] | None:
    """How to find where ``pattern`` can start: a list of (kind, key).

    kind ``word``: at a word whose first (up to eight) letters are ``key``;
    ``short``: at a word starting with the short ``key``; ``sub``: wherever
    the folded text contains ``key``. None: the pattern must scan the text.
    """
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.ASCII | re.LOCALE):
        return None
    try:
        got = _prefixes(_sre_parse.parse(pattern.pattern, pattern.flags), False)
    except Exception:
        return None
    if not got or not got[0][0][0]:
        return None
    pre = got[0]
    keys: set[tuple[str, str]] = set()
    for p, bound in pre:
        low = fold(p)
        n = 0
        while n < len(low) and low[n].isascii() and (low[n].isalnum() or low[n] == "_"):
            n += 1
        word = low[:n]
        final = n < len(low) and (low[n] == _FINAL or not re.match(r"\w", low[n]))
        if bound and word:
            if len(word) >= _KEYLEN:
                keys.add(("word", word[:_KEYLEN]))
            else:
                keys.add(("word" if final else "short", word))
            continue
        sub = ""
        for ch in low:
            if ch == _FINAL or not ch.isascii():
                break
            sub += ch
        if len(sub) < 2:
            return None
        keys.add(("sub", sub))
    return sorted(keys)


def non_overlapping(found: list) -> list:
    """Keep the first of overlapping matches (``found`` sorted by start, best first at a start)."""
    out = []
    last_end = -1
    for x in found:
        if x.start >= last_end:
            out.append(x)
            last_end = x.end
    return out


# The text index holds only the words some CueIndex can ask for: each CueIndex
# adds its patterns' lead keys here, and a TextIndex finds the words starting
# with any of them in one regex scan (``_scanner``), instead of a Python loop
# over every word of the text. A CueIndex made after a TextIndex was built
# changes ``_wanted_gen``, and the TextIndex scans again before answering.
_wanted: set[tuple[str, str]] = set()  # ("word" or "short", key)
_wanted_gen = 0
_scan: re.Pattern | None = None


def _want(keys) -> None:
    global _wanted_gen, _scan
    new = {k for k in keys if k[0] != "sub"} - _wanted
    if new:
        _wanted.update(new)
        _wanted_gen += 1
        _scan = None


# re tries a trie's branches in turn; English words most often start with
# these letters, so the first branch tried at a word is most often the one.
_COMMON_FIRST = "taiwsochbmfpdrenlugyvjkqxz"


def _trie(prefixes: set[str], top: bool = True) -> str:
    """An alternation matching any of ``prefixes`` (``_FINAL``: the word ends
    there), as a trie: the regex engine tries one branch per character
    instead of every prefix in turn."""
    if "" in prefixes:
        return ""
    first: dict[str, set[str]] = {}
    for p in prefixes:
        first.setdefault(p[0], set()).add(p[1:])
    rank = _COMMON_FIRST if top else ""
    order = sorted(first, key=lambda c: (c not in rank, rank.find(c), c))
    alts = [(r"(?!\w)" if c == _FINAL else re.escape(c)) + _trie(first[c], False) for c in order]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _scanner() -> re.Pattern:
    """Finds, in a folded text with a space put before it, the words starting
    with a wanted key: the character before the word, then the word's key
    (its first eight characters) as the one group, so ``re.split`` hands out
    the keys and, with the lengths of the parts between them, where they
    start.

    The scan opens with a plain character class (white space, ASCII
    punctuation, anything non-ASCII) so ``re`` skips through the text looking
    for those characters alone; the look-behind, tried only where a key
    follows, then drops the non-ASCII word characters. A full key ("negotiat"
    of "negotiations") is a prefix here like a short one: ``words`` holds the words'
    own keys, and the lookups pick theirs."""
    global _scan
    if _scan is None:
        # a full key shorter than _KEYLEN is a whole word ("us", not "usual")
        body = _trie({key + _FINAL if kind == "word" and len(key) < _KEYLEN else key
                      for kind, key in _wanted}) if _wanted else "(?!)"
        _scan = rx.compile(r"[\x00-\x20!-/:-@\[-^`{-\U0010ffff](?=" + body + r")(?<=\W)(\w{1,%d})" % _KEYLEN)
    return _scan


class _KeySet:
    """A pattern's lead keys, one object for each distinct set: a TextIndex keeps
    its answers per object, hashed by identity rather than by the keys."""

    __slots__ = ("keys", "disjoint")

    def __init__(self, keys: tuple[tuple[str, str], ...]):
        self.keys = keys
        # full keys never share a word; a short key or a substring can
        self.disjoint = all(kind == "word" for kind, _ in keys)


_keysets: dict[tuple, _KeySet] = {}


def _keyset(keys: list[tuple[str, str]]) -> _KeySet:
    t = tuple(keys)
    got = _keysets.get(t)
    if got is None:
        got = _keysets[t] = _KeySet(t)
    return got


class TextIndex:
    """Where the words of a text start, by their first eight (folded) letters:
    those words a CueIndex can ask for (see ``_wanted``)."""

    __slots__ = ("text", "low", "_words", "_gen", "_keys", "_short", "_merged")

    def __init__(self, text: str):
        self.text = text
        self.low = fold(text)
        self._gen = -1
        self._short: dict[str, list[int]] = {}
        self._merged: dict[_KeySet, list[int]] = {}

    @property
    def words(self) -> dict[str, list[int]]:
        """Key -> starts (in order) of the words with that key."""
        if self._gen != _wanted_gen:
            self._build()
        return self._words

    def _build(self) -> None:
        parts = _scanner().split(" " + self.low)
        # parts: text, key, text, key, ..., text; key n starts where the lengths
        # before it add up to, plus the n + 1 characters before keys that split
        # dropped, less the space put in front
        starts = map(add, islice(accumulate(map(len, parts)), 0, None, 2), count())
        words: dict[str, list[int]] = {}
        get = words.get
        for k, pos in zip(parts[1::2], starts):
            lst = get(k)
            if lst is None:
                words[k] = [pos]
            else:
                lst.append(pos)
        self._words = words
        self._gen = _wanted_gen
        self._keys: list[str] | None = None
        # Answers given before stay right: they are for keys wanted then, and
        # a scan for more keys finds the same words for those.

    def short(self, key: str) -> list[int]:
        """Starts of the words that begin with ``key`` (shorter than a full key)."""
        got = self._short.get(key)
        if got is None:
            words = self.words
            if self._keys is None:
                self._keys = sorted(words)
            keys = self._keys
            lo = bisect_left(keys, key)
            hi = bisect_left(keys, key[:-1] + chr(ord(key[-1]) + 1), lo)
            got = [pos for k in keys[lo:hi] for pos in words[k]]
            if hi - lo > 1:
                got.sort()
            self._short[key] = got
        return got

    def occurrences(self, key: str) -> list[int]:
        out = []
        i = self.low.find(key)
        while i >= 0:
            out.append(i)
            i = self.low.find(key, i + 1)
        return out

    def positions(self, keyset: _KeySet) -> list[int]:
        """Starts, in order and once each, of the words (or substrings) the keys name."""
        got = self._merged.get(keyset)
        if got is None:
            words = self.words
            keys = keyset.keys
            got = []
            for kind, key in keys:
                if kind == "word":
                    got += words.get(key, ())
                elif kind == "short":
                    got += self.short(key)
                else:
                    got += self.occurrences(key)
            if len(keys) > 1:
                got = sorted(got) if keyset.disjoint else sorted(set(got))
            self._merged[keyset] = got
        return got


_KINDS = ("word", "short", "sub")
_lead_memo: dict[str, list[tuple[str, str]] | None] | None = None
_lead_dirty = False


def _lead_cache_file() -> str | None:
    """Where ``lead_keys`` answers are cached: keyed by negtrack's and Python's
    versions and this file's size and mtime, so changed analysis code (even
    without a version bump) or a re parser that reads patterns differently
    never gets stale keys."""
    import sys
    import zlib

    from negtrack import __version__

    try:
        st = os.stat(__file__)
    except OSError:
        return None
    from negtrack import cachefile

    parts = [__version__, sys.version, f"{st.st_size}:{st.st_mtime_ns}"]
    key = zlib.crc32("\n".join(parts).encode("utf-8", "surrogateescape"))
    return cachefile.path(f"lead-keys-{key:08x}.json")


def _load_lead_memo() -> dict:
    global _lead_memo
    if _lead_memo is None:
        _lead_memo = {}
        path = _lead_cache_file()
        try:
            import json

            with open(path, encoding="utf-8") as f:
                got = json.load(f)
            memo = {}
            for k, v in got.items():  # anything malformed: the whole file is ignored
                if v is not None:
                    v = [(kind, key) for kind, key in v]
                    if not all(kind in _KINDS and isinstance(key, str) and key for kind, key in v):
                        raise ValueError(k)
                memo[k] = v
            _lead_memo = memo
        except Exception:
            pass
    return _lead_memo


def _save_lead_memo() -> None:
    """Write the cache (``cachefile.write``: atomic; failures are ignored)."""
    global _lead_dirty
    _lead_dirty = False
    path = _lead_cache_file()
    if path is None:
        return
    import json

    from negtrack import cachefile

    cachefile.write(path, json.dumps(_lead_memo).encode("utf-8"), "lead-keys-")


def cached_lead_keys(pattern: re.Pattern) -> list[tuple[str, str]] | None:
    """``lead_keys(pattern)``, answered from the user's cache when it holds it.

    Parsing a few hundred patterns costs every process ~17 ms; their keys
    depend only on the pattern's text and flags (and the code above), so
    they are kept between runs in ``$XDG_CACHE_HOME/negtrack/``.
    """
    global _lead_dirty
    if not isinstance(pattern.pattern, str):
        return lead_keys(pattern)
    memo = _load_lead_memo()
    k = f"{pattern.flags}:{pattern.pattern}"
    if k in memo:
        return memo[k]
    got = memo[k] = lead_keys(pattern)
    _lead_dirty = True
    return got


class CueIndex:
    """Patterns indexed by the words they can start with; see ``lead_keys``.

    Patterns that share a lead key ("the Kremlin", "the alliance", "the
    President": all at "the") are first tried together at that key's words,
    as one alternation (``_gate``): a pattern can match only where the
    alternation does, and at most words none does, so one ``match`` call
    stands for many.
    """

    def __init__(self, patterns: list[re.Pattern]):
        self.patterns = list(patterns)
        self.keys = [cached_lead_keys(p) for p in self.patterns]
        if _lead_dirty:
            _save_lead_memo()
        self._lookup = [_keyset(k) if k is not None else None for k in self.keys]
        _want(k for keys in self.keys if keys for k in keys)
        # each lead key (as a one-key set) -> the patterns that can start there
        sharing: dict[_KeySet, list[re.Pattern]] = {}
        self._sources: list[list[_KeySet] | None] = []
        for keys, pat in zip(self.keys, self.patterns):
            own = [_keyset([k]) for k in keys] if keys is not None and _joinable(pat) else None
            self._sources.append(own)
            for ks in own or ():
                sharing.setdefault(ks, []).append(pat)
        self._gates = {ks: gate for ks, pats in sharing.items()
                       if len(pats) > 1 and (gate := _gate(pats)) is not None}
        self._sources = [own if own and any(ks in self._gates for ks in own) else None
                         for own in self._sources]
        # Most texts hold the words of few patterns: one that starts only at
        # full keys is tried when one of them is in the text, found by one set
        # intersection rather than a look at every pattern.
        self._always: list[int] = []  # scanned, or with a short key or a substring
        self._at_key: dict[str, list[int]] = {}
        for i, keys in enumerate(self.keys):
            if keys is None or any(kind != "word" for kind, _ in keys):
                self._always.append(i)
            else:
                for _, key in keys:
                    self._at_key.setdefault(key, []).append(i)
        self._full_keys = frozenset(self._at_key)
        # full key -> every pattern that has it (also beside other kinds of key),
        # for the words a span's end cuts short
        self._with_word: dict[str, list[int]] = {}
        for i, keys in enumerate(self.keys):
            for kind, key in keys or ():
                if kind == "word":
                    self._with_word.setdefault(key, []).append(i)

    def _tried(self, tix: TextIndex, also=()) -> list[int]:
        """The patterns that can match in the text, in order (and ``also``)."""
        todo = set(self._always)
        todo.update(also)
        for key in tix.words.keys() & self._full_keys:
            todo.update(self._at_key[key])
        return sorted(todo)

    def _candidates(self, i: int, tix: TextIndex, passed: dict, through) -> list[int]:
        """Where pattern ``i`` can match, in order: the words of its keys, of a
        gated key only those where ``through(gate, positions)`` let them pass."""
        own = self._sources[i]
        if own is None:
            return tix.positions(self._lookup[i])
        lists = []
        for ks in own:
            gate = self._gates.get(ks)
            if gate is None:
                lists.append(tix.positions(ks))
                continue
            got = passed.get(ks)
            if got is None:
                got = passed[ks] = through(gate, tix.positions(ks))
            lists.append(got)
        return lists[0] if len(lists) == 1 else sorted(set().union(*lists))

    def finditer(self, text: str, tix: TextIndex | None = None) -> list[tuple[int, re.Match]]:
        """(pattern number, match) for every pattern, as its ``finditer(text)`` would give."""
        tix = tix if tix is not None and tix.text is text else TextIndex(text)
        out = []
        passed: dict[_KeySet, list[int]] = {}

        def through(gate: re.Pattern, positions: list[int]) -> list[int]:
            gmatch = gate.match
            return [pos for pos in positions if gmatch(text, pos) is not None]

        for i in self._tried(tix):
            pat = self.patterns[i]
            if self.keys[i] is None:
                out.extend((i, m) for m in pat.finditer(text))
                continue
            last = -1
            match = pat.match
            for pos in self._candidates(i, tix, passed, through):
                if pos < last:
                    continue
                m = match(text, pos)
                if m is not None:
                    out.append((i, m))
                    last = m.end()
        return out

    def _cut_words(self, tix: TextIndex, spans, ends: list[int]) -> dict[int, list[int]]:
        """Patterns to try where a span ends inside a word: with the end cut, a
        short word ("no") can match where the whole word ("nope") was indexed."""
        extra: dict[int, list[int]] = {}
        low = tix.low
        # the characters at the spans' ends (ends are in order: those before the
        # text's end come first), in one string: only the ends at a word
        # character (rare: spans end at punctuation) are looked at further
        inner = ends[:bisect_left(ends, len(low))]
        for hit in _WORD_CHAR.finditer("".join(map(low.__getitem__, inner))):
            si = hit.start()
            a, b = spans[si]
            if a < b and _WORD_CHAR.match(low, b - 1):
                ws = b - 1
                while ws > a and b - ws < _KEYLEN and _WORD_CHAR.match(low, ws - 1):
                    ws -= 1
                if ws > 0 and _WORD_CHAR.match(low, ws - 1):
                    continue  # the word starts further back: the full key stands
                for i in self._with_word.get(low[ws:b], ()):
                    extra.setdefault(i, []).append(ws)
        return extra

    def finditer_spans(self, text: str, spans: list[tuple[int, int]], tix: TextIndex | None = None,
                       ) -> list[list[tuple[int, re.Match]]]:
        """Per span (sorted, disjoint), what each pattern's ``finditer(text, start, end)`` gives."""
        tix = tix if tix is not None and tix.text is text else TextIndex(text)
        out: list[list[tuple[int, re.Match]]] = [[] for _ in spans]
        if not spans:
            return out
        starts = list(map(itemgetter(0), spans))
        ends = list(map(itemgetter(1), spans))
        extra = self._cut_words(tix, spans, ends)
        passed: dict[_KeySet, list[int]] = {}

        def through(gate: re.Pattern, positions: list[int]) -> list[int]:
            """The positions inside a span where ``gate`` matches within that span."""
            got = []
            gmatch = gate.match
            for pos in positions:
                si = bisect_right(starts, pos) - 1
                if si >= 0 and pos < ends[si] and gmatch(text, pos, ends[si]) is not None:
                    got.append(pos)
            return got

        for i in self._tried(tix, extra):
            pat = self.patterns[i]
            if self.keys[i] is None:
                # no look over the whole stretch first: a span's end can let a
                # match through ("talks(?! now)") that the longer text does not
                for si, (a, b) in enumerate(spans):
                    out[si].extend((i, m) for m in pat.finditer(text, a, b))
                continue
            positions = self._candidates(i, tix, passed, through)
            if i in extra:
                positions = sorted(set(positions).union(extra[i]))
            last = -1
            match = pat.match
            for pos in positions:
                if pos < last:
                    continue
                si = bisect_right(starts, pos) - 1
                if si < 0:
                    continue
                end = ends[si]
                if pos >= end:
                    continue
                m = match(text, pos, end)
                if m is not None:
                    out[si].append((i, m))
                    last = m.end()
        return out


def _joinable(pat: re.Pattern) -> bool:
    """The pattern means the same inside an alternation: no groups (their
    numbers would change) and no verbose flag (a comment would run on)."""
    return pat.groups == 0 and not pat.flags & re.VERBOSE


_INLINE = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))


def _gate(patterns: list[re.Pattern]) -> re.Pattern | None:
    """One alternation of ``patterns``, each under its own flags: it matches
    at a position exactly when one of them does. Patterns of the same flags
    share one flag group, so ``re`` can draw their common start ("\\b[Tt]he\\s+")
    out of the alternation and test it once."""
    by_flags: dict[str, dict[str, None]] = {}
    for p in patterns:
        on = "".join(c for f, c in _INLINE if p.flags & f)
        off = "".join(c for f, c in _INLINE if not p.flags & f)
        by_flags.setdefault(f"{on}-{off}" if off else on, {})[p.pattern] = None
    try:
        return rx.compile("|".join(f"(?{flags}:{'|'.join(pats)})" for flags, pats in by_flags.items()))
    except re.error:  # e.g. a flag set inside one pattern, allowed only at its start
        return None

