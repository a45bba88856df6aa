import pytest

from negtrack import codebook, store, views
from negtrack.errors import NotFoundError, UsageError
from negtrack.models import Article, Extraction, Position

BOOK = codebook.load("russia-nato-2022")


def add(db, text, positions, published="2022-02-14"):
    art = Article(text=text, path=f"{abs(hash(text))}.txt", title=text[:20], published=published)
    ps = [Position(actor=a, issue=i, stance=s, evidence=text, start=0, end=len(text), date=d,
                   date_precision={10: "day", 7: "month", 4: "year"}[len(d)] if d else None)
          for a, i, s, d in positions]
    return store.save_article(db, art, Extraction(published=published, positions=ps), BOOK)[0]


@pytest.fixture
def filled(db):
    add(db, "one", [("russia", "nato-expansion", "demand", "2021-12-17")])
    add(db, "two", [("us", "nato-expansion", "reject", "2022-01-26"), ("nato", "nato-expansion", "reject", "2022-01")])
    add(db, "three", [("us", "nato-expansion", "reject", "2022-02-14"), ("us", "risk-reduction", "propose", "2022-02-14")])
    add(db, "four", [("us", "risk-reduction", "open", "2022-02-14")])
    add(db, "five", [("us", "nato-expansion", "reject", "2022-02-14")])
    return db


def test_timeline_orders_partial_dates_honestly(filled):
    dates = [r["date"] for r in views.timeline(filled, issues=["nato-expansion"])]
    # us rejects on 2022-02-14 in two articles: one position, two sources.
    assert dates == ["2021-12-17", "2022-01", "2022-01-26", "2022-02-14"]


def test_timeline_filters(filled):
    rows = views.timeline(filled, actors=["us"], since="2022-02")
    assert {r["date"] for r in rows} == {"2022-02-14"}
    rows = views.timeline(filled, until="2022-01-15")
    assert [r["actor"] for r in rows] == ["russia", "nato"]


def test_status_latest_stance_sources_and_disputes(filled):
    cells = {(c["issue"], c["actor"]): c for c in views.status(filled)}
    c = cells[("nato-expansion", "us")]
    assert (c["stance"], c["date"], c["sources"]) == ("reject", "2022-02-14", 2)
    assert cells[("nato-expansion", "russia")]["stance"] == "demand"
    rr = cells[("risk-reduction", "us")]
    assert rr["sources"] == 1 and rr["disputed"] and {rr["stance"], *rr["disputed"]} == {"open", "propose"}


def test_status_as_of(filled):
    cells = {(c["issue"], c["actor"]): c for c in views.status(filled, as_of="2022-01-31")}
    assert cells[("nato-expansion", "us")]["date"] == "2022-01-26"
    assert ("risk-reduction", "us") not in cells


def test_rejected_positions_are_hidden(filled):
    filled.execute("UPDATE positions SET status = 'rejected' WHERE actor = 'nato'")
    assert all(r["actor"] != "nato" for r in views.timeline(filled))


def test_unknown_issue_names_closest(filled):
    with pytest.raises(UsageError, match="nato-expansion"):
        views.timeline(filled, issues=["nato-expanson"])
    with pytest.raises(UsageError, match="unknown actor"):
        views.status(filled, actors=["mars"])


def test_bad_dates_are_usage_errors(filled):
    for bad in ("2022-02-30", "yesterday", "2022-13"):
        with pytest.raises(UsageError):
            views.timeline(filled, since=bad)


def test_articles_search_and_show(filled):
    assert [a["title"] for a in views.articles(filled, search="three")] == ["three"]
    assert views.articles(filled, search='"; DROP TABLE articles; --') == []
    s = views.show(filled, "2")
    assert s["title"] == "two" and len(s["positions"]) == 2
    with pytest.raises(NotFoundError):
        views.show(filled, "999")


def test_status_counts_the_articles_of_a_merged_group(filled):
    from negtrack import analyst

    # The same rejection reported on two dates by two articles, merged by an analyst.
    add(filled, "six", [("nato", "nato-expansion", "reject", "2022-02-15")])
    ids = [r["id"] for r in views.timeline(filled, actors=["nato"])]
    cell = {(c["issue"], c["actor"]): c for c in views.status(filled)}[("nato-expansion", "nato")]
    assert (cell["date"], cell["sources"]) == ("2022-02-15", 1)
    analyst.merge(filled, ids, by="t")
    cell = {(c["issue"], c["actor"]): c for c in views.status(filled)}[("nato-expansion", "nato")]
    assert (cell["stance"], cell["date"], cell["sources"]) == ("reject", "2022-02-15", 2)
    # Still only what is visible: as of a date before the later report, and without rejected members.
    cell = {(c["issue"], c["actor"]): c for c in views.status(filled, as_of="2022-02-01")}[("nato-expansion", "nato")]
    assert (cell["date"], cell["sources"]) == ("2022-01", 1)
    filled.execute("UPDATE positions SET status = 'rejected' WHERE actor = 'nato' AND date = '2022-01'")
    cell = {(c["issue"], c["actor"]): c for c in views.status(filled)}[("nato-expansion", "nato")]
    assert cell["sources"] == 1
