from negtrack import actors, codebook, sentences
from negtrack.models import Article
from negtrack.pipeline import extract

BOOK = codebook.load("russia-nato-2022")


def ids(text):
    return [(m.kind, m.id) for m in actors.find(text, BOOK)]


def test_aliases_metonyms_and_people():
    assert ids("The Kremlin and Washington spoke; Lavrov said so.") == [
        ("actor", "russia"), ("actor", "us"), ("person", "lavrov")]


def test_us_alias_is_case_sensitive():
    assert ids("It is of interest to us.") == []
    assert ids("The US replied.") == [("actor", "us")]


def test_adjective_only_before_an_agent_noun():
    assert ids("Russian troops massed.") == []
    assert ids("Russian officials met the American delegation.") == [("actor", "russia"), ("actor", "us")]


def test_transcript_labels_map_to_parties():
    assert actors.label_speaker("THE PRESIDENT", BOOK) == ("us", "biden")
    assert actors.label_speaker("MS. PSAKI", BOOK) == ("us", "psaki")
    assert actors.label_speaker("SENIOR ADMINISTRATION OFFICIAL", BOOK)[0] == "us"
    assert actors.label_speaker("Q", BOOK) == (None, None)


def test_publisher_voice():
    assert actors.voice("The White House (whitehouse.gov Briefing Room)", None, BOOK) == "us"
    assert actors.voice("CNN", None, BOOK) is None


def test_quote_attributed_to_the_reporter_not_the_last_name():
    t = ("Lavrov said talks went on. Papers came from Borrell. "
         "“We will continue to insist on security guarantees,” the minister said.")
    ss = sentences.split(t)
    ms = actors.find(t, BOOK)
    speaking, _ = actors.attribute(t, ss, ms, sentences.quotes(t), BOOK, None)
    assert speaking[-1].party == "russia" and speaking[-1].person == "lavrov"


def test_we_in_a_labelled_turn_is_the_speakers_party():
    t = "THE PRESIDENT:  We are ready to impose severe costs if Russia invades Ukraine."
    ext = extract(Article(text=t, published="2022-02-15"), BOOK)
    assert ("us", "ukraine-deescalation", "warn") in {(p.actor, p.issue, p.stance) for p in ext.positions}


def test_reporters_questions_never_become_positions():
    t = "Q    Will the United States reject NATO membership for Ukraine?\n\nMS. PSAKI:  Next question."
    ext = extract(Article(text=t, published="2022-02-15"), BOOK)
    assert ext.positions == []


def test_reported_speech_keeps_the_chain():
    t = "Lavrov said the US response on NATO expansion was negative."
    ext = extract(Article(text=t, published="2022-02-14"), BOOK)
    p = [p for p in ext.positions if p.stance == "reject"][0]
    assert (p.actor, p.issue, p.speaker) == ("us", "nato-expansion", "lavrov")


def test_reporting_verbs_match_as_whole_words_only():
    import re

    plain = re.compile(r"\b(?:" + "|".join(actors.REPORTING_VERBS) + r")\b", re.I)
    t = "Said SAYS sayings ſaid according to according tomorrow unsaid said_ noted, adds. Wrote"
    assert [m.span() for m in actors.REPORTING.finditer(t)] == [m.span() for m in plain.finditer(t)]
    assert [m.group() for m in actors.REPORTING.finditer(t)] == ["Said", "SAYS", "ſaid", "according to", "noted",
                                                                  "adds", "Wrote"]


def test_sentence_speaks_through_the_quotation_covering_most_of_it():
    qinfo = [(0, 10, "a", None), (12, 30, "b", None), (40, 50, "c", None)]
    ends = [q[1] for q in qinfo]
    assert actors._quote_at(qinfo, ends, 5, 25)[2] == "b"
    assert actors._quote_at(qinfo, ends, 0, 40) is None  # none covers half
    assert actors._quote_at(qinfo, ends, 40, 50)[2] == "c"


def test_unknown_sources_are_people_the_codebook_does_not_name():
    from negtrack.actors import unknown_sources
    from negtrack.models import Mention

    text = ("According to Richard Connolly, sanctions bite. \u201cIt works,\u201d says Bill Browder. "
            "Officials said Monday that Fiona Hill said little. President Biden said so, "
            "said State Department spokesman Ned Price, and London said nothing.")

    def at(word):
        return text.index(word)

    biden = Mention("person", "biden", at("President Biden"), at("President Biden") + 15, "President Biden")
    price = Mention("person", "price", at("Ned Price"), at("Ned Price") + 9, "Ned Price")
    found = unknown_sources(text, [biden, price])
    assert found == [at("Richard Connolly"), at("Bill Browder"), at("Fiona Hill")]
