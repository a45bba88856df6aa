import pytest

from negtrack import codebook
from negtrack.errors import CodebookError

BASE = '''[codebook]
name = "t"

[[issues]]
slug = "a"
cues = ["alpha"]
counter = ["omega"]
weak = ["talks"]

[[actors]]
id = "x"
aliases = ["X"]
metonyms = ["the X capital"]

[[people]]
id = "p"
aliases = ["Pat"]
labels = ["MS. PAT"]
party = "x"
'''


def test_new_optional_keys_load():
    book = codebook.parse(BASE.encode() + b'\n[defaults]\nconsult = "a"\n\n[only]\nconsult = ["a"]\n', "t.toml")
    assert book.issues["a"].counter == ["omega"] and book.issues["a"].weak == ["talks"]
    assert book.actors["x"].metonyms == ["the X capital"]
    assert book.people["p"].labels == ["MS. PAT"]
    assert book.defaults == {"consult": "a"} and book.only == {"consult": ["a"]}


def test_defaults_must_name_an_issue_with_line():
    with pytest.raises(CodebookError, match=r"t\.toml:\d+: \[defaults\].*'nope'"):
        codebook.parse(BASE.encode() + b'\n[defaults]\nconsult = "nope"\n', "t.toml")


def test_broken_counter_pattern_fails_at_load():
    bad = BASE.replace('counter = ["omega"]', 'counter = ["re:(unclosed"]')
    with pytest.raises(CodebookError, match="broken pattern"):
        codebook.parse(bad.encode(), "t.toml")


@pytest.mark.parametrize("name", ["russia-nato-2022", "us-debt-ceiling-2023"])
def test_shipped_codebooks_load_with_fixed_slugs(name):
    book = codebook.load(name)
    fixed = {
        "russia-nato-2022": {"security-guarantees", "nato-expansion", "strike-weapons", "1997-configuration",
                             "indivisibility-of-security", "intermediate-range-missiles", "risk-reduction",
                             "ukraine-deescalation", "minsk-agreements"},
        "us-debt-ceiling-2023": {"debt-limit", "spending-cuts", "revenue", "irs-funding", "work-requirements",
                                 "permitting-reform", "covid-funds", "budget-agreement"},
    }[name]
    assert set(book.issues) == fixed


# --- fast matching: CueIndex gives exactly what each pattern's finditer gives ---

def _naive(patterns, text, spans=None):
    if spans is None:
        return [(i, m.span()) for i, p in enumerate(patterns) for m in p.finditer(text)]
    return [[(i, m.span()) for i, p in enumerate(patterns) for m in p.finditer(text, a, b)] for a, b in spans]


def test_lead_keys_read_the_first_word():
    import re
    assert codebook.lead_keys(re.compile(r"\bdemands?\b", re.I)) == [("word", "demand"), ("word", "demands")]
    assert codebook.lead_keys(re.compile(r"\bnegotiat\w+", re.I)) == [("word", "negotiat")]  # a long word: its start
    assert codebook.lead_keys(re.compile(r"\b(?:key|core)\s+issues", re.I)) == [("word", "core"), ("word", "key")]
    assert codebook.lead_keys(re.compile(r"\bno\w", re.I)) == [("short", "no")]
    assert codebook.lead_keys(re.compile(r"rolling back", re.I)) == [("sub", "rolling back")]
    assert codebook.lead_keys(re.compile(r"(?:\w+\s+)?talks", re.I)) is None  # no literal start: scanned
    assert codebook.lead_keys(re.compile(r"(?a)\bus\b")) is None  # ASCII word boundaries: scanned
    # an alternative that starts with a non-word character ends the word before it
    assert codebook.lead_keys(re.compile(r"\bit[’']s\s+possible\b|\bit\s+is\s+possible\b", re.I)) == [("word", "it")]
    assert codebook.lead_keys(re.compile(r"\b(?:no|not\s+have)\s+plans\b", re.I)) == [("word", "no"), ("word", "not")]
    # an optional item is read both taken and skipped
    assert codebook.lead_keys(re.compile(r"\bno(?:t)?\b", re.I)) == [("word", "no"), ("word", "not")]
    assert codebook.lead_keys(re.compile(r"\basking\s+for\b|\basks?\s+for\b", re.I)) == [
        ("word", "ask"), ("word", "asking"), ("word", "asks")]
    assert codebook.lead_keys(re.compile(r"\b(?:both(?:\s+the)?|all(?:\s+the)?(?:\s+two)?|the)\s+sides", re.I)) == [
        ("word", "all"), ("word", "both"), ("word", "the")]
    assert codebook.lead_keys(re.compile(r"\bco(?:op)*s", re.I)) == [("short", "coop"), ("short", "cos")]


def test_cue_index_equals_finditer_on_odd_text():
    import random
    import re
    pats = [re.compile(p, f) for p, f in [
        (r"\bdemand(?:s|ed|ing)?\b(?! for)", re.I), (r"\bUS\b", 0), (r"\b[Tt]he\s+[Kk]remlin\b", 0),
        (r"\bis\s+open\b", re.I), (r"\b(?:will|would|won[’']t)\s+not\b", re.I), (r"rolling back", re.I),
        (r"(?<!\w)kelvin", re.I), (r"\bstrike weapons\b", re.I), (r"\bsay\w*", re.I), (r"\b1997\b", 0),
        (r"(?:the\s+)?talks", re.I), (r"\bno\b", re.I),
        # sharing lead keys with the above, so tried together first (a gate)
        (r"\bthe\s+talks$", re.I | re.M), (r"\bThe\b", 0), (r"\b(the)\s+\1\b", re.I), (r"\bdemands?", 0),
        (r"\b(?:is|the)\s+open\b", re.I),
        # scanned, and a span's end lets it match where the whole text does not
        (r"(?:\w+\s+)?talks(?! now)", re.I),
        # a word ended by what follows in one alternative only
        (r"\bno(?:\s+plans|pe)\b", re.I), (r"\b(?:no|us)\s+talks\b", re.I),
        # optional items, taken or skipped, in the first word and after it
        (r"\bno(?:t)?\b", re.I), (r"\bsays?\s+no\b", re.I), (r"\b(?:both(?:\s+the)?|all(?:\s+the)?|the)\s+talks", re.I),
        (r"\bde(?:ma)*nds?\b", re.I), (r"\bnope?(?:\s+\w+)*\s+now", re.I), (r"\bta(?:lk)??s", re.I), (r"\bn(?:o)*w\b", re.I),
        # words longer than a key
        (r"\bnegotiations?\b", re.I), (r"\bnegotiat\w+", re.I), (r"\bwithdraw\b", re.I), (r"\bwith\b", re.I)]]
    rng = random.Random(3)
    words = ["Demand", "demands", "DEMANDED for", "US", "us", "the Kremlin", "The kremlin", "is  open", "IS\nOPEN",
             "won’t not", "enrolling back", "\u212aelvin", "ſtrike weapons", "İs open", "say", "1997", "talks", "no",
             "the talks\n", "THE the", "The", "talks now", "now", "nope", "no plans", "us  talks", "No\ttalks",
             "not", "says no", "both the talks", "all  talks", "demamands", "dends", "nope x now", "tas", "talks", "nw", "noow",
             "negotiations", "NEGOTIATION", "negotiate", "negotiat", "withdraw", "withdrawal", "with"]
    alphabet = " .,;“”’'\n\tçé漢\u0130\u0131\u017f\u212a\U0001F600"
    for _ in range(300):
        text = "".join(rng.choice(words) if rng.random() < 0.4 else rng.choice(alphabet)
                       for _ in range(rng.randint(0, 60)))
        idx = codebook.CueIndex(pats)
        tix = codebook.TextIndex(text)
        assert [(i, m.span()) for i, m in idx.finditer(text, tix)] == _naive(pats, text)
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.choice([2, 6, 12]))))
        spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2])]
        got = [[(i, m.span()) for i, m in per] for per in idx.finditer_spans(text, spans, tix)]
        want = _naive(pats, text, spans)
        assert got == want  # also in the same order: by pattern, then by place


def test_fold_keeps_offsets():
    for text in ["İstanbul", "Straße", "\u212a", "ſ", "ǅ", "ΣΑΣ", ""]:
        assert len(codebook.fold(text)) == len(text)


def test_opposite_phrases_load_and_are_checked():
    book = codebook.parse(BASE.replace('weak = ["talks"]', 'weak = ["talks"]\nopposite = ["invasion"]').encode(), "t.toml")
    assert book.issues["a"].opposite == ["invasion"]
    with pytest.raises(CodebookError, match=r"t.toml:\d+: broken pattern"):
        codebook.parse(BASE.replace('weak = ["talks"]', 'opposite = ["re:(unclosed"]').encode(), "t.toml")


def test_lead_keys_cache_is_honest_and_ignored_when_broken(tmp_path, monkeypatch):
    import re

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(codebook, "_lead_memo", None)
    pats = [re.compile(r"\bdemand(?:s|ed)?\b", re.I), re.compile(r"(?:\w+\s+)?talks", re.I)]
    idx = codebook.CueIndex(pats)
    assert idx.keys == [codebook.lead_keys(p) for p in pats]
    path = codebook._lead_cache_file()
    monkeypatch.setattr(codebook, "_lead_memo", None)
    assert codebook.CueIndex(pats).keys == idx.keys  # read back from the file
    with open(path, "w") as f:
        f.write('{"34:\\\\bdemand(?:s|ed)?\\\\b": [["bogus", ""]]}')
    monkeypatch.setattr(codebook, "_lead_memo", None)
    assert codebook.CueIndex(pats).keys == idx.keys  # malformed: ignored, recomputed


def test_text_index_answers_an_index_made_after_it():
    import re
    text = "The zyzzyva met the Kremlin; zyzzyvas, “zyz” and ZYZZ-yva."
    tix = codebook.TextIndex(text)
    first = [re.compile(r"\b[Tt]he\s+[Kk]remlin\b")]
    assert [m.span() for _, m in codebook.CueIndex(first).finditer(text, tix)] == [(16, 27)]
    later = [re.compile(r"\bzyzzyvas?\b", re.I), re.compile(r"\bzyz\b", re.I), re.compile(r"\bzy", re.I)]
    got = codebook.CueIndex(later).finditer(text, tix)  # keys no index had when tix was built
    assert [(i, m.span()) for i, m in got] == _naive(later, text)


def test_text_index_holds_every_word_a_key_asks_for():
    import random
    import re
    idx = codebook.CueIndex([re.compile(p, re.I) for p in
                             [r"\bthe\s+talks\b", r"\bno\b", r"\bnot\b", r"\bé\w+", r"\b_x", r"\bus\b", r"\bnato\b",
                              r"\bnegotiations?\b", r"\bnegotiat\w+"]])
    wanted = [k for keys in idx.keys if keys for k in keys]
    rng = random.Random(5)
    pieces = ["the", "The", "théir", "no", "not", "nor", "us", "usual", "NATO", "é", "éthe", "_the", "x_no", "negotiations", "negotiation", "negotiat",
              " ", "  ", "\n", "“", "”", "’", "-", "\u00a0", "İ", "漢", "9", "_"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        tix = codebook.TextIndex(text)
        every: dict[str, list[int]] = {}
        for m in re.finditer(r"(?<!\w)\w{1,%d}" % codebook._KEYLEN, tix.low):
            every.setdefault(m.group(), []).append(m.start())
        for kind, key in wanted:
            if kind == "word":
                assert tix.words.get(key, []) == every.get(key, []), (text, key)
            else:
                assert tix.short(key) == sorted(p for k, ps in every.items() if k.startswith(key) for p in ps)


def test_person_pronoun_is_checked_with_its_line(tmp_path):
    p = tmp_path / "talks.toml"
    p.write_text('[codebook]\nname = "talks"\n\n[[issues]]\nslug = "deal"\ntitle = "Deal"\ncues = ["deal"]\n\n'
                 '[[actors]]\nid = "a"\nname = "A"\naliases = ["A-land"]\n\n'
                 '[[people]]\nid = "x"\nname = "X"\nparty = "a"\npronoun = "it"\n', encoding="utf-8")
    with pytest.raises(CodebookError, match=r"talks\.toml:\d+: person 'x': 'pronoun' must be one of he, she, they"):
        codebook.load(str(p))
    p.write_text(p.read_text(encoding="utf-8").replace('"it"', '"she"'), encoding="utf-8")
    assert codebook.load(str(p)).people["x"].pronoun == "she"
