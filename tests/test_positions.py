from negtrack import codebook
from negtrack.models import Article, Position
from negtrack.pipeline import extract
from negtrack.positions import dedupe

RN = codebook.load("russia-nato-2022")
DEBT = codebook.load("us-debt-ceiling-2023")


def triples(text, book=RN, published="2022-02-14", source=None):
    ext = extract(Article(text=text, published=published, source=source), book)
    for p in ext.positions:
        assert text[p.start:p.end] == p.evidence
    return {(p.actor, p.issue, p.stance) for p in ext.positions}, ext


def test_enumeration_yields_one_position_per_issue():
    got, _ = triples("Russia demands an end to NATO expansion and no strike weapons near its borders.")
    assert {("russia", "nato-expansion", "demand"), ("russia", "strike-weapons", "demand")} <= got


def test_coordinated_subjects_and_fronted_date():
    got, ext = triples("On Jan. 27, after a series of talks, the US and NATO handed over written responses.")
    assert {("us", "security-guarantees", "respond"), ("nato", "security-guarantees", "respond")} <= got
    assert {p.date for p in ext.positions if p.stance == "respond"} == {"2022-01-27"}


def test_statement_date_from_said_on_monday():
    _, ext = triples("Lavrov said on Monday that Russia demands security guarantees.", published="2022-02-16")
    p = [p for p in ext.positions if p.stance == "demand"][0]
    assert (p.date, p.date_rule) == ("2022-02-14", "statement")


def test_a_possessive_date_dates_its_event_not_the_act():
    _, ext = triples("Blinken said Friday that progress could be made during next week's talks on security "
                     "guarantees.", published="2022-01-09")
    (p,) = [p for p in ext.positions if p.stance == "open"]
    assert (p.date, p.date_rule) == ("2022-01-07", "statement")
    # a consultation is dated by the talks it holds
    _, ext = triples("Russia will join next week's talks on security guarantees.", published="2022-01-09")
    assert {p.date_rule for p in ext.positions if p.stance == "consult"} == {"act"}


def test_a_past_act_with_no_date_continues_the_story_before_it():
    text = ("Yesterday, the world heard Putin's lengthy remarks. He directly attacked Ukraine's right to exist. "
            "He explicitly threatened war over NATO expansion.")
    _, ext = triples(text, published="2022-02-22")
    (p,) = [p for p in ext.positions if p.stance == "warn"]
    assert (p.actor, p.date, p.date_rule) == ("russia", "2022-02-21", "narrative")
    # not a present perfect, nor one that reaches a coordinated verb
    for later in ("He has threatened war over NATO expansion.", "He’s threatened war over NATO expansion.",
                  "He has set out deadlines and threatened war over NATO expansion."):
        _, ext = triples(text.rsplit(". ", 1)[0] + ". " + later, published="2022-02-22")
        assert {p.date_rule for p in ext.positions if p.stance == "warn"} == {"published"}


def test_publication_date_is_the_fallback():
    _, ext = triples("Russia demands security guarantees.")
    assert (ext.positions[0].date, ext.positions[0].date_precision, ext.positions[0].date_rule) == (
        "2022-02-14", "day", "published")


def test_recipient_of_an_unanswered_message():
    got, _ = triples("A message to the OSCE on the indivisibility of security remained unanswered, Lavrov noted.")
    assert ("osce", "indivisibility-of-security", "no-response") in got


def test_counter_position_upheld_is_a_rejection():
    # public-domain White House wording
    got, _ = triples("SENIOR ADMINISTRATION OFFICIAL:  We are committed to upholding the rights of states to choose "
                     "their own security arrangements.")
    assert ("us", "nato-expansion", "reject") in got


def test_threat_is_the_speakers_warning():
    got, _ = triples("THE PRESIDENT:  If Russia invades, it will face severe consequences.")
    assert got == {("us", "ukraine-deescalation", "warn")}


def test_obligation_is_the_speakers_demand_with_target():
    _, ext = triples("Our position is clear and simple: Congress must act to prevent default.", book=DEBT,
                     published="2023-05-18", source="The White House")
    p = [p for p in ext.positions if p.stance == "demand"][0]
    assert (p.actor, p.issue, p.target) == ("white-house", "debt-limit", "congress")


def test_confidence_is_higher_when_all_share_a_clause():
    _, ext = triples("Russia demands security guarantees. The talks were long, and Russia demands more.")
    by = {p.evidence: p.confidence for p in ext.positions if p.stance == "demand"}
    assert by["Russia demands security guarantees."] > min(by.values()) or len(by) == 1


def test_dedupe_keeps_the_most_confident():
    a = Position("us", "x", "reject", "a", 0, 1, date="2022", confidence=0.5)
    b = Position("us", "x", "reject", "b", 2, 3, date="2022", confidence=0.9)
    c = Position("us", "x", "reject", "c", 4, 5, date="2021", confidence=0.1)
    assert [p.evidence for p in dedupe([a, b, c])] == ["b", "c"]


def test_actor_behind_of_an_action_noun():
    got, _ = triples("The latest diplomatic push of the Biden administration seeks to convince Putin to pull back troops.")
    assert ("us", "ukraine-deescalation", "demand") in got


def test_group_subjects_stand_for_each_party():
    text = ("President Biden spoke with President Putin for an hour. "
            "The two presidents agreed that their teams will stay engaged on security guarantees.")
    got, _ = triples(text, source="The White House")
    assert {("us", "security-guarantees", "open"), ("russia", "security-guarantees", "open")} <= got
    # a state named as a topic is none of "the leaders"
    got, _ = triples("Russia massed troops near Ukraine. Biden called Scholz. "
                     "The leaders discussed security guarantees.")
    assert not any(a == "russia" for a, _, _ in got)


def test_leaders_have_all_agreed():
    text = ("THE PRESIDENT: I met the Speaker and the Democratic Leader yesterday. "
            "The leaders have all agreed we will not default.")
    got, _ = triples(text, DEBT, "2023-05-17")
    assert {("republicans", "debt-limit", "open"), ("democrats", "debt-limit", "open")} <= got


def test_he_and_i_we_is_both():
    text = "THE PRESIDENT: Speaker McCarthy and I, we were able to get along and get things done on the budget agreement."
    got, _ = triples(text, DEBT, "2023-06-02")
    assert {("white-house", "budget-agreement", "accept"), ("republicans", "budget-agreement", "accept")} <= got


def test_they_is_the_party_named_before_it():
    got, _ = triples("House Republicans claim they want cuts to discretionary spending.", DEBT, "2023-05-18")
    assert ("republicans", "spending-cuts", "demand") in got
    # a party in a prepositional phrase mid-sentence is no antecedent
    got, _ = triples("Our forces will not fight inside Ukraine, but they will defend every inch of NATO territory.")
    assert not any(a == "ukraine" for a, _, _ in got)


def test_he_without_a_quoted_source_is_the_last_person_named():
    text = ("Joe Biden has had a hard year. "
            "He is offering security talks to Moscow in a bid to ease tensions.")
    got, _ = triples(text)
    assert ("us", "security-guarantees", "propose") in got


def test_owner_of_demands_by_possessive_and_later_reference():
    text = ("Last month Moscow published two draft treaties outlining its demands. "
            "Those demands include rolling back NATO deployments to some point in the 1990s. "
            "This, along with a promise of NATO not expanding further east, is an unacceptable demand.")
    got, ext = triples(text, published="2022-01-09")
    assert {("russia", "1997-configuration", "demand"), ("russia", "nato-expansion", "demand")} <= got
    assert {p.date for p in ext.positions if p.stance == "demand"} == {"2021-12"}  # when they were made


def test_reporting_verb_cuts_off_an_owner():
    got, _ = triples("NATO sources say the demands could be a performance to justify an invasion.")
    assert ("nato", "ukraine-deescalation", "demand") not in got


def test_with_the_leaders_agreeing():
    text = ("MS. HARRIS: We met the Speaker and the Democratic Leader on Tuesday. It went well, "
            "with all the leaders in that meeting agreeing that America will not default.")
    got, _ = triples(text, DEBT, "2023-05-18")
    assert ("republicans", "debt-limit", "open") in got


def test_opposing_what_the_issue_rules_out_demands_it():
    # White House, 2022-02-15: "If Russia proceeds, we will rally the world to oppose its aggression."
    got, _ = triples("THE PRESIDENT: If Russia proceeds, we will rally the world to oppose its aggression.")
    assert ("us", "ukraine-deescalation", "demand") in got and ("us", "ukraine-deescalation", "reject") not in got


def test_criticism_goes_to_the_nearest_issue():
    text = ("Congressional Republicans are holding the nation’s full faith and credit hostage in an effort "
            "to impose devastating cuts that would hurt veterans.")
    got, _ = triples(text, DEBT, "2023-05-02", source="The White House")
    assert ("white-house", "spending-cuts", "reject") in got and ("white-house", "debt-limit", "reject") not in got


def test_counterfactual_denial_asserts():
    text = ("MS. HARRIS: For Republicans in Congress, this is not about the debt, because if they really cared "
            "about the debt, they would not also fight to protect tax cuts for the wealthiest Americans.")
    got, _ = triples(text, DEBT, "2023-05-18")
    assert ("republicans", "revenue", "reject") in got and ("white-house", "revenue", "reject") not in got


def test_passive_obligation_is_no_ones_demand():
    got, _ = triples("The Ukraine standoff, she writes, must be met by strength from the US since it will echo.")
    assert not any(s == "demand" for _, _, s in got)


def test_group_reaches_only_the_last_few_sentences():
    text = ("Biden spoke with Putin. " + "The weather was mild that week. " * 8 +
            "The two leaders met in Hiroshima to discuss security guarantees.")
    got, _ = triples(text, source="The White House")
    assert ("russia", "security-guarantees", "consult") not in got


def test_possessive_names_the_owner_not_the_recipient():
    got, _ = triples("Last December, Russia presented to the US and NATO its proposal on security guarantees.")
    assert ("russia", "security-guarantees", "propose") in got
    assert not {("us", "security-guarantees", "propose"), ("nato", "security-guarantees", "propose")} & got


def test_complaining_of_neglect_is_not_the_speakers_no_response():
    got, _ = triples("“This is neglect of the indivisibility of security,” Lavrov said.")
    assert ("russia", "indivisibility-of-security", "no-response") not in got


def test_never_compromising_on_the_counter_position_rejects_the_issue():
    text = ("But we will never compromise on the right of every sovereign nation to choose its own alliances "
            "and on the principle that NATO membership is for Ukraine and NATO to decide.")
    got, _ = triples("MR. SULLIVAN: " + text)
    assert ("us", "nato-expansion", "reject") in got and ("us", "nato-expansion", "demand") not in got


def test_want_to_remind_is_no_demand():
    got, _ = triples("MR. SULLIVAN: I want to remind everyone that Russian troops moving into Donbas is no new step.")
    assert not any(s == "demand" for _, _, s in got)


def test_party_after_a_relative_pronoun_is_a_subject():
    got, _ = triples("Ukraine's regions were recognized as republics with whom Russia immediately signed treaties "
                     "on security guarantees.")
    assert ("russia", "security-guarantees", "accept") in got


def test_unresolved_they_is_not_the_speaker():
    # White House, 2023-05-21 (shortened): "... things that they refuse to entertain, and they just
    # said revenue is off the table."
    got, _ = triples("THE PRESIDENT: So my point is that they refuse to entertain new revenue.", DEBT, "2023-05-21")
    assert ("white-house", "revenue", "reject") not in got


def test_they_does_not_reach_a_verbs_object():
    got, _ = triples("It is going to be a disaster if they invade Ukraine, and they will face severe sanctions.")
    assert not any(a == "ukraine" for a, _, _ in got)


def test_impersonal_it_in_an_obligation_leaves_it_to_the_reporter():
    text = ("Blinken said Friday that progress could be made in talks with Russian officials, "
            "but that it had to be a two-way street with Russia de-escalating.")
    got, _ = triples(text, published="2022-01-09")
    assert ("us", "ukraine-deescalation", "demand") in got and ("russia", "ukraine-deescalation", "demand") not in got


def test_voting_to_pass_and_going_to_sign_are_acceptance():
    # White House, 2023-06-02: "So, I want to thank the members of Congress who voted to pass this
    # agreement, which I’m going to sign tomorrow and become the law."
    text = ("THE PRESIDENT: So, I want to thank the members of Congress who voted to pass this agreement, "
            "which I’m going to sign tomorrow and become the law.")
    got, _ = triples(text, DEBT, "2023-06-02")
    assert {("congress", "budget-agreement", "accept"), ("white-house", "budget-agreement", "accept")} <= got


def test_party_in_an_until_clause_is_not_the_main_subject():
    # White House, 2022-02-18: "There’s always — until he does, diplomacy is always a possibility."
    text = "THE PRESIDENT: Putin has not decided yet. There’s always — until he does, diplomacy is always a possibility."
    got, _ = triples(text, published="2022-02-18")
    assert ("us", "security-guarantees", "open") in got and ("russia", "security-guarantees", "open") not in got


def test_possessive_owner_is_the_clause_subject_after_the_reporting_verb():
    text = ("The United States argues that Russia is demanding concessions that would weaken NATO in Europe "
            "with its calls for the withdrawal of troops from former Warsaw Pact countries.")
    got, _ = triples(text, published="2022-01-10")
    assert ("russia", "1997-configuration", "demand") in got
    assert not {("nato", "1997-configuration", "demand"), ("us", "1997-configuration", "demand")} & got


def test_clause_breaks_are_those_of_the_single_pattern():
    # CLAUSE_BREAK and DASH_BREAK are split out of one case-insensitive pattern for speed
    import itertools
    import re

    from negtrack.positions import _breaks

    one = re.compile(r";|\s[—–]\s|\s--\s|,\s+(?:but|while|whereas|although|though|because|which|who|where|when|"
                     r"after|before|since|as well as)\b|\bbut\b", re.I)
    parts = [" ", ",", ";", "—", "-", "but", "BuT", "b", "x", "while", "ſince", "as well as"]
    for n in range(4):
        for combo in itertools.product(parts, repeat=n):
            t = "".join(combo)
            for a in range(len(t) + 1):
                for b in range(a, len(t) + 1):
                    assert [m.span() for m in _breaks(t, a, b)] == [m.span() for m in one.finditer(t, a, b)], (t, a, b)


def test_preposition_is_looked_for_in_the_last_words_only():
    import itertools

    from negtrack.positions import PREPOSITION, _last_words

    parts = [" ", "\n", "to", "(to", "the", "whom", "Russia", "x.", "told"]
    for n in range(6):
        for combo in itertools.product(parts, repeat=n):
            pre = "".join(combo)
            assert bool(PREPOSITION.search(pre, _last_words(pre))) == bool(PREPOSITION.search(pre)), pre


def test_person_for_he_is_the_last_quoted_else_named_before_the_sentence():
    import random
    from types import SimpleNamespace

    from negtrack.models import Mention
    from negtrack.actors import RECENT_SOURCE
    from negtrack.positions import _people_named

    rng = random.Random(7)
    for _ in range(200):
        actors = [[Mention(rng.choice(["person", "actor"]), f"p{rng.randrange(5)}", rng.randrange(100), 0, "")
                   for _ in range(rng.randrange(3))] for _ in range(rng.randrange(12))]
        reporters = {m for ms in actors for m in ms if rng.random() < 0.3}
        last = _people_named(SimpleNamespace(actors=actors, reporters=reporters, unknown=[], text="", book=None,
                                            tix=None), [])
        # the rule sentence by sentence: the last one quoted, unless the last one
        # named came more than RECENT_SOURCE sentences after it
        quoted = named = None
        for si, ms in enumerate(actors):
            if quoted is not None and named[1] - quoted[1] <= RECENT_SOURCE:
                assert last(si) is quoted[0]
            else:
                assert last(si) is (named[0] if named else None)
            for m in ms:
                if m.kind == "person":
                    named = (m, si)
                    if m in reporters:
                        quoted = (m, si)


def test_quote_finder_gives_the_first_covering_quotation():
    import random

    from negtrack.positions import _quote_covering, _quote_finder

    rng = random.Random(3)
    for _ in range(300):
        cuts = sorted(rng.sample(range(60), 2 * rng.randrange(6)))
        quotes = [(a, b, "p", None) for a, b in zip(cuts[::2], cuts[1::2])]
        if rng.random() < 0.3 and quotes:  # overlapping or out of order: searched in full
            quotes.append((rng.randrange(60), rng.randrange(60), "q", None))
        at = _quote_finder(quotes)
        for pos in range(-1, 62):
            assert at(pos) == _quote_covering(quotes, pos)


def test_pronouns_from_the_index_are_each_patterns_own():
    import random

    from negtrack.codebook import TextIndex
    from negtrack.models import Sentence
    from negtrack.positions import _PRONOUN_RX, _SENTENCE_IX, SUB_CLAUSE, _pronouns

    words = ["I", "and", "we", "I’m", "I'd", "AND", "i", "he", "they", "both", "the", "leaders", "it", "will",
             "if", "x", ",", ".", "—", "\n", "Iran", "Ian", "us", "me", "and I", "I and", "all"]
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(words) + rng.choice(["", " ", "  ", "\n", ", "]) for _ in range(rng.randrange(30)))
        cuts = sorted({0, len(text), *(rng.randrange(len(text) + 1) for _ in range(4))})
        spans = list(zip(cuts, cuts[1:]))
        tix = TextIndex(text)
        for (a, b), found in zip(spans, _SENTENCE_IX.finditer_spans(text, spans, tix)):
            pronouns, conds = _pronouns(text, Sentence(a, b, text[a:b]), found)
            want = [list(p.finditer(text, a, b)) for p in _PRONOUN_RX]
            want[4] = want[4][:1]
            assert [[m.span() for m in ms] for ms in pronouns] == [[m.span() for m in ms] for ms in want]
            assert [m.span() for m in conds] == [m.span() for m in SUB_CLAUSE.finditer(text, a, b)]


def test_a_coordinated_verb_does_not_take_the_object_of_the_verb_before_it():
    # "rejected X and demanded Y": X is what was rejected; the demand is about
    # Y (no issue here), not X. A verb whose own subject follows "and" (", and
    # we are ready") is a clause of its own and keeps the usual issue search.
    got, _ = triples("Lavrov rejected NATO expansion and demanded a quick answer.")
    assert got == {("russia", "nato-expansion", "reject")}
    # and the other way: what follows the second verb is not the first one's
    got, _ = triples("Lavrov rejected NATO expansion and demanded written security guarantees.")
    assert got == {("russia", "nato-expansion", "reject"), ("russia", "security-guarantees", "demand")}
    got, _ = triples("Lavrov demanded and insisted on written security guarantees.")
    assert got == {("russia", "security-guarantees", "demand")}
    got, _ = triples("Our invitation to Moscow to meet in the NATO-Russia Council stands, and we are ready to sit down.",
                     source="White House")
    assert ("us", "security-guarantees", "open") in got


def test_a_date_of_the_history_after_the_act_does_not_date_it():
    # "after Russia's annexation … in February 2014" dates the annexation, not the demand
    _, ext = triples("Kyiv has demanded security guarantees after Russia's annexation of Crimea in February 2014.",
                     published="2022-01-20")
    p = [p for p in ext.positions if (p.actor, p.issue, p.stance) == ("ukraine", "security-guarantees", "demand")]
    assert p and p[0].date == "2022-01-20" and p[0].date_rule == "published"
    # a date of the act itself still counts
    _, ext = triples("Kyiv demanded security guarantees on Jan. 18, after the talks.", published="2022-01-20")
    assert {p.date for p in ext.positions if p.stance == "demand"} == {"2022-01-18"}


def test_rejecting_what_lacks_an_issue_demands_it():
    got, _ = triples("Ukraine will not accept any agreement lacking firm security guarantees.")
    assert ("ukraine", "security-guarantees", "demand") in got
    assert ("ukraine", "security-guarantees", "reject") not in got
    got, _ = triples("Russia rejected any deal without legally binding security guarantees.")
    assert ("russia", "security-guarantees", "demand") in got


def test_she_stands_for_the_last_person_her_pronoun_fits():
    # The codebook gives people a pronoun: "she" skips Stoltenberg ("he") back to Harris.
    got, _ = triples("Vice President Harris met Stoltenberg in Munich. She demanded written security guarantees.")
    assert ("us", "security-guarantees", "demand") in got and ("nato", "security-guarantees", "demand") not in got
    # a quotation's "she said" is hers too
    _, ext = triples("Harris met Stoltenberg in Munich. \u201cWe are ready to discuss security guarantees,\u201d she said.")
    assert {p.speaker for p in ext.positions} == {"harris"} and {p.actor for p in ext.positions} == {"us"}
    # and "he" still stands for the last man named
    got, _ = triples("Harris met Stoltenberg in Munich. He demanded written security guarantees.")
    assert ("nato", "security-guarantees", "demand") in got


def test_he_is_the_last_source_unless_someone_was_named_sentences_after():
    # The source of words in the same sentence as the last one named wins "he" ...
    got, _ = triples("Lavrov said, after meeting Blinken in Geneva, that the talks were useful. "
                     "He rejected any halt to NATO expansion talk.")
    assert ("russia", "nato-expansion", "reject") in got and ("us", "nato-expansion", "reject") not in got
    # ... but not one quoted paragraphs before: "he" is the one named since.
    got, _ = triples("Lavrov said on Monday that the talks were useful. Ministers met in Brussels. "
                     "Officials gathered in Geneva. President Biden met reporters at the White House. "
                     "He demanded security guarantees for Ukraine.")
    assert ("us", "security-guarantees", "demand") in got and ("russia", "security-guarantees", "demand") not in got


def test_a_quotation_he_said_is_the_one_named_since_an_old_source():
    got, ext = triples("Lavrov said on Monday that the talks were useful. Ministers met in Brussels. "
                       "Officials gathered in Geneva. President Biden met reporters at the White House. "
                       "\u201cWe will never accept an end to NATO expansion,\u201d he said.")
    assert ("us", "nato-expansion", "reject") in got and ("russia", "nato-expansion", "reject") not in got


def test_he_after_a_source_the_codebook_does_not_know_is_no_one():
    # in a quotation's "he said" as in a sentence's "he"
    got, _ = triples("Blinken said the talks were useful. According to Richard Connolly, a fellow at a London "
                     "institute, sanctions on Putin's circle could work. \u201cWe reject any talk of security "
                     "guarantees,\u201d he said.")
    assert not {t for t in got if t[2] == "reject"}
    got, _ = triples("Blinken said the talks were useful. According to Richard Connolly, a fellow at a London "
                     "institute, sanctions on Putin's circle could work. He also rejects any talk of security "
                     "guarantees.")
    assert not {t for t in got if t[2] == "reject"}


def test_the_thanked_did_what_they_are_thanked_for():
    got, _ = triples("I want to thank Speaker McCarthy and his team for negotiating in good faith on the budget deal.",
                     book=DEBT, published="2023-05-31", source="White House")
    assert ("republicans", "budget-agreement", "consult") in got
    assert ("white-house", "budget-agreement", "consult") not in got


def test_what_they_said_is_not_the_speakers_stance():
    # "they" that names no party in its sentence reports someone else's stance, never the speaker's
    got, _ = triples("So my point is that they just said revenue is off the table.", book=DEBT,
                     published="2023-05-21", source="White House")
    assert not any(actor == "white-house" and issue == "revenue" for actor, issue, _ in got)
    got, _ = triples("Republicans just said revenue is off the table.", book=DEBT, published="2023-05-21")
    assert ("republicans", "revenue", "reject") in got


def test_those_demands_are_not_the_rejecters_own():
    # "Kyiv has rejected those demands": the demands are someone's named before, not Kyiv's
    got, _ = triples("Russia wants written security guarantees. Kyiv has rejected those demands.")
    assert ("ukraine", "security-guarantees", "reject") in got
    assert ("ukraine", "security-guarantees", "demand") not in got


def test_a_preposition_takes_a_whole_coordinated_group():
    # "with Russia and the United States" is no subject; Ukraine is
    got, _ = triples("Ukraine in its talks with Russia and the United States rejected any legally binding guarantees.")
    assert ("ukraine", "security-guarantees", "reject") in got
    assert not {("russia", "security-guarantees", "reject"), ("us", "security-guarantees", "reject")} & got


def test_ruling_out_default_backs_the_debt_limit():
    # "default" is what the debt-limit proposition rules out: ruling it out demands the issue
    got, _ = triples("There's one thing I'm ruling out, and that is default.", book=DEBT, published="2023-05-09",
                     source="White House")
    assert ("white-house", "debt-limit", "demand") in got and ("white-house", "debt-limit", "reject") not in got
    # threatening it stays a warning
    got, _ = triples("Republicans are holding the economy hostage by threatening default.", book=DEBT,
                     published="2023-05-09")
    assert ("republicans", "debt-limit", "warn") in got


def test_a_quotation_is_its_reporting_verbs_subjects():
    # "as President Biden said after his meeting … with President Putin, “…”": Biden's
    # words (a White House briefing), not those of the last man named before the quote
    _, ext = triples("Indeed, as President Biden said after his meeting in Geneva in June with President Putin, "
                     "\u201cWhere we have differences, I want President Putin to understand why I say what I say.\u201d "
                     "We are ready for talks on security guarantees.", published="2021-12-07")
    got = {(p.actor, p.issue, p.stance, p.speaker) for p in ext.positions}
    assert ("us", "security-guarantees", "demand", "biden") in got
    assert not any(actor == "russia" for actor, *_ in got)
    # "She argues that …": with no woman of the codebook named, nobody the codebook knows
    _, ext = triples("Putin met Scholz. She argues that Russia's aggression in Ukraine would threaten \u201cthe whole "
                     "European security order.\u201d")
    assert not any(p.actor == "ukraine" for p in ext.positions)
