import pytest

from negtrack import codebook, issues, sentences
from negtrack.pipeline import _bucket

BOOK = codebook.load("russia-nato-2022")


def resolved(text):
    ss = sentences.split(text)
    per = issues.resolve(text, ss, _bucket(ss, issues.find(text, BOOK)))
    return [sorted({m.id for m in ms}) for ms in per]


def test_cues_and_counter_cues():
    found = issues.find("NATO expansion and the open door policy.", BOOK)
    assert [(m.id, m.rule) for m in found] == [("nato-expansion", "cue"), ("nato-expansion", "counter")]


@pytest.mark.parametrize("text", [
    "Russia will act if NATO expands its military capabilities further eastward.",
    "Moscow wants a pledge that NATO will not expand, in writing.",
    "The Kremlin demanded an end to expanding NATO.",
    "Russia has long objected to NATO's eastward enlargement.",
    "He asked the alliance to stop expanding toward Russia's borders.",
])
def test_the_shipped_codebook_knows_how_reporters_say_nato_expansion(text):
    assert "nato-expansion" in {m.id for m in issues.find(text, BOOK)}


def test_offensive_missile_systems_are_strike_weapons():
    assert "strike-weapons" in {m.id for m in issues.find("the prospect of offensive missile systems in Ukraine", BOOK)}


def test_numbered_enumeration_sets_the_referent_of_these_issues():
    t = ("The first part answers three key concerns: non-expansion, strike weapons and the 1997 configuration, "
         "when indivisibility of security was first raised. On these issues, the answer is negative.")
    assert resolved(t)[1] == ["1997-configuration", "nato-expansion", "strike-weapons"]


def test_part_anaphora():
    t = ("The second part covers arms control and intermediate-range missiles. "
         "On the issues of the second part, we can move forward.")
    assert resolved(t)[1] == ["intermediate-range-missiles", "risk-reduction"]


def test_weak_cues_give_way_to_regular_ones_in_the_same_clause():
    t = "Diplomatic talks on de-escalation continue."
    assert resolved(t)[0] == ["ukraine-deescalation"]
    assert resolved("Diplomatic talks continue.")[0] == ["security-guarantees"]


def test_object_pronoun_after_one_named_issue():
    from negtrack.models import Article
    from negtrack.pipeline import extract

    # White House, 2022-02-15
    text = ("THE PRESIDENT: Neither the U.S. nor NATO have missiles in Ukraine. "
            "We do not — do not have plans to put them there as well.")
    ext = extract(Article(text=text, published="2022-02-15"), codebook.load("russia-nato-2022"))
    assert ("us", "strike-weapons", "accept") in {(p.actor, p.issue, p.stance) for p in ext.positions}
    # a subject "it" ("it comes to", "it’s") refers to nothing
    ext = extract(Article(text="NATO rejects strike weapons. And it’s on that basis that we are talking.",
                          published="2022-02-15"), codebook.load("russia-nato-2022"))
    assert not [m for m in ext.trace[1]["issues"] if m[2] == "anaphora"]


def test_head_nouns_found_in_the_folded_text_match_each_sentence():
    import re

    from negtrack.codebook import fold

    words = issues.HEADS + ("part",)
    pattern = re.compile("|".join(words), re.I)
    for t in ("The ISSUES remain. İstanbul PART of it? ſuch Concerns. Nothing here.\n\nA proposaLs; the Kmatters.",
              "ΣΑΣ iſſues Σ. Part-time ı demands… “questions” topics",
              "no referring words at all", "Issue. Topic. Concern, areA, POINTs."):
        ss = sentences.split(t)
        assert issues._holding(fold(t), ss, 0, words) == [bool(pattern.search(s.text)) for s in ss]


def test_anaphora_before_any_named_issue_refers_to_nothing():
    assert resolved("These issues matter. The first part is long. NATO expansion is the first part.") == [
        [], [], ["nato-expansion"]]
