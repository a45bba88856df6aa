import pytest

from negtrack import codebook, stances

BOOK = codebook.load("russia-nato-2022")


def cues(text):
    return [(c.stance, c.text) for c in stances.find(text, 0, len(text), BOOK)]


def test_basic_cues():
    assert ("demand", "demands") in cues("Russia demands guarantees.")
    assert ("propose", "proposing") in cues("We’re proposing new arms control measures.")
    assert ("no-response", "remained unanswered") in cues("The message remained unanswered.")


def test_negation_turns_or_drops():
    assert cues("They did not reject it.") == [("open", "reject")]
    assert cues("I’m not going to accept any work requirements.") == [("reject", "accept")]
    assert cues("We did not warn them.") == []


def test_own_negation_is_not_turned_again():
    assert cues("This is not for discussion.") == [("reject", "not for discussion")]
    assert cues("The response cannot satisfy us.") == [("reject", "cannot satisfy")]


def test_modal_consider_is_open():
    assert cues("Both sides could consider limits.") == [("open", "could consider")]


def test_future_acceptance_is_open_and_until_is_nothing():
    assert cues("We will reach an agreement.") == [("open", "reach an agreement")]
    assert cues("We talk until we reach an agreement.")[-1:] != [("accept", "reach an agreement")]


def test_history_is_not_acceptance():
    assert [c for c in cues("The Founding Act was signed in 1997.") if c[0] == "accept"] == []


def test_conditional_clause_detection():
    t = "If Russia agrees, we will meet."
    assert stances.in_conditional(t, 0, t.index("agrees"))
    assert not stances.in_conditional(t, t.index("we"), t.index("meet"))


def test_conditional_clause_detection_with_the_folded_text():
    # the folded text only spares the search where no conditional word is; the answers stay
    for t in ("If Russia agrees, we will meet.", "\u0130F RUSSIA AGREES we meet", "Unless they pay, we act.",
              "A different, significant offer.", "We ask whether they agree to meet."):
        low = codebook.fold(t)
        for start in range(len(t) + 1):
            for at in range(start, len(t) + 1):
                assert stances.in_conditional(t, start, at, low) == stances.in_conditional(t, start, at)
    assert stances.in_conditional("\u0130F RUSSIA AGREES", 0, 15, codebook.fold("\u0130F RUSSIA AGREES"))


def test_codebook_extras_are_added():
    assert ("reject", "non-starter") in cues("It is a non-starter.")


def find(text):
    return stances.find(text, 0, len(text), BOOK)


def test_warning_about_a_danger_is_no_threat():
    # describing a danger is not a threat of consequences; "warned of" still is
    assert not [c for c in find("Officials have been warning about a false-flag operation.") if c.stance == "warn"]
    assert [c.stance for c in find("Biden warned of severe costs.")][:1] == ["warn"]


def test_agreeing_that_is_open():
    assert [c.stance for c in find("The two presidents agreed that their teams will stay engaged.")][0] == "open"
    assert "open" in [c.stance for c in find("The leaders have all agreed we will not default.")]
    assert "open" in [c.stance for c in find("with all the leaders agreeing that America will not default")]


def test_would_need_to_is_hypothetical_not_a_demand():
    assert not [c for c in find("Washington would need to devote its attention elsewhere.") if c.stance == "demand"]
    assert [c.stance for c in find("Congress must act to prevent default.")] == ["demand"]


def test_opposing_as_an_adjective_is_no_rejection():
    assert not [c for c in find("Both sides are sticking to opposing demands.") if c.stance == "reject"]
    assert not [c for c in find("real progress, as opposed to talking") if c.stance == "reject"]
    assert [c.stance for c in find("We oppose its aggression.")] == ["reject"]


def test_being_threatened_is_no_threat():
    assert not [c for c in find("We knew that we would be threatened.") if c.stance == "warn"]


@pytest.mark.parametrize("text", ["Russia has said it feels threatened by offensive missiles.",
                                  "Moscow felt threatened.", "The talks seem threatened.",
                                  "Kyiv remains threatened by the buildup."])
def test_feeling_threatened_is_no_threat(text):
    assert not [c for c in find(text) if c.stance == "warn"]
    assert [c.stance for c in find("Moscow threatened Kyiv.")] == ["warn"]


def test_reported_would_need_to_is_still_a_demand():
    # White House, 2023-05-20: "...agreed that any budget agreement would need to be bipartisan."
    assert "demand" in [c.stance for c in find("The President and Speaker agreed that any budget agreement "
                                                 "would need to be bipartisan.")]


def test_obligation_in_a_relative_clause_is_no_demand():
    assert not [c for c in find("Russia has all the forces it needs to conduct a major military action.")
                if c.stance == "demand"]
    assert "demand" in [c.stance for c in find("And so it needs to de-escalate now.")]


def _negated_before_plain(text, floor, at):
    # the look-back without the hint that rules most windows out
    window = text[max(floor, at - 40):at]
    words = stances._CLAUSE_CUT.split(window)[-1].split()[-3:]
    return bool(stances.NEGATION.search(" ".join(words)))


def test_negation_hint_changes_no_answer():
    import random
    rnd = random.Random(7)
    pieces = ["not", "NOT", "No", "nor", "never", "Neither", "cannot", "without", "WıTHOUT", "neıther", "can't",
              "don’t", "N'T", "know", "none", "one", "new", "note", "ten", "then", "thou", "n", "'", "’", ",", ";",
              "—", "but", "But", "about", "accept", "reject", "the", "offer", "\n", "  "]
    for _ in range(20000):
        text = " ".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 12)))
        at = rnd.randrange(len(text) + 1)
        floor = rnd.randrange(at + 1)
        assert stances._negated_before(text, floor, at) == _negated_before_plain(text, floor, at), (text, floor, at)
