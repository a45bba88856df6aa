from negtrack import demands


def row(i, actor, issue, stance, date, target=None, article=1, codebook="c"):
    return {"id": f"p{i}", "actor": actor, "issue": issue, "stance": stance, "date": date, "target": target,
            "article_id": article, "codebook": codebook}


ROWS = [
    row(1, "russia", "nato-expansion", "demand", "2021-12-17", target="nato"),
    row(2, "russia", "nato-expansion", "demand", "2022-01-10", article=2),
    row(3, "us", "nato-expansion", "reject", "2022-01-26"),
    row(4, "nato", "nato-expansion", "reject", "2022-01"),
    row(5, "russia", "indivisibility-of-security", "demand", "2022-01-28"),
    row(6, "osce", "indivisibility-of-security", "no-response", "2022-02-14"),
    row(7, "us", "risk-reduction", "propose", "2022-01-26"),
    row(8, "russia", "risk-reduction", "open", "2022-02-14"),
    row(9, "us", "risk-reduction", "open", "2022-02-14"),  # own party: not an answer
]


def by_key(ds):
    return {(d.issue, d.actor, d.stance): d for d in ds}


def test_repeated_demands_are_one_demand_with_sources():
    d = by_key(demands.link(ROWS))[("nato-expansion", "russia", "demand")]
    assert d.date == "2021-12-17" and d.last_date == "2022-01-10" and d.sources == 2


def test_answers_link_to_the_demand_they_answer():
    ds = by_key(demands.link(ROWS))
    d = ds[("nato-expansion", "russia", "demand")]
    assert [(a.actor, a.stance, a.days_after) for a in d.answers] == [("nato", "reject", 15), ("us", "reject", 40)]
    assert not d.open
    rr = ds[("risk-reduction", "us", "propose")]
    assert [(a.actor, a.stance) for a in rr.answers] == [("russia", "open")]


def test_no_response_keeps_a_demand_open_and_it_waits():
    d = by_key(demands.link(ROWS))[("indivisibility-of-security", "russia", "demand")]
    assert d.open and [a.stance for a in d.answers] == ["no-response"]
    # Without --as-of the clock stops at the latest news (2022-02-14).
    assert d.waiting_days == 17
    d = by_key(demands.link(ROWS, as_of="2022-03-01"))[("indivisibility-of-security", "russia", "demand")]
    assert d.waiting_days == 32


def test_as_of_hides_later_answers():
    d = by_key(demands.link(ROWS, as_of="2021-12-31"))[("nato-expansion", "russia", "demand")]
    assert d.open and d.answers == [] and d.waiting_days == 14
    # A month-precise answer ("2022-01") overlaps any as-of date in that month: it is kept.
    d = by_key(demands.link(ROWS, as_of="2022-01-20"))[("nato-expansion", "russia", "demand")]
    assert [(a.actor, a.date) for a in d.answers] == [("nato", "2022-01")]


def test_issue_summary_reads_like_the_story():
    ds = demands.link(ROWS)
    assert demands.issue_summary(ds, "nato-expansion") == (
        "demanded by russia 2021-12-17 · rejected by nato 2022-01 · rejected by us 2022-01-26")
    line = demands.issue_summary(ds, "indivisibility-of-security")
    assert "osce: no response" in line and "waiting 17 days" in line


def test_index_seek_input_links_like_every_position(tmp_path):
    """views.demand_input (seeks) gives the same demands as linking every position row."""
    from conftest import SAMPLES
    from negtrack import codebook, db, ingest, views

    d = db.connect(tmp_path / "s.db")
    ingest.add_paths(d, [str(SAMPLES / "russia-nato-2022"), str(SAMPLES / "us-debt-ceiling-2023")],
                     codebook.load(None))
    every = list(d.query("SELECT uid AS id, codebook, issue, actor, stance, date, NULL AS target, "
                         "1 AS sources FROM positions WHERE status != 'rejected' AND date IS NOT NULL"))
    for as_of in (None, "2022-02-12", "2023-05-25"):
        full = demands.link(every, as_of)
        fast = views.linked_demands(d, as_of)
        assert full, "the samples hold demands"

        def summary(ds):
            return [(x.issue, x.actor, x.stance, x.date, x.last_date, x.sources, x.open, x.waiting_days,
                     sorted({(a.actor, a.stance) for a in x.answers})) for x in ds]

        assert summary(fast) == summary(full)
        for issue in {x.issue for x in full}:
            assert demands.issue_summary(fast, issue) == demands.issue_summary(full, issue)
