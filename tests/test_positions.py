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
