"""The read paths use indexes: `EXPLAIN QUERY PLAN` of every statement the views run.

A full scan of ``positions`` is what makes a command slow on a store of a
million positions; these tests fail as soon as one creeps into the queries
behind `timeline --issue`, `status`, `show` and `changes --since`.
"""

from __future__ import annotations

import re

import pytest

from conftest import SAMPLES


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from negtrack import codebook, db, ingest

    d = db.connect(tmp_path_factory.mktemp("plans") / "s.db")
    files = [str(p) for p in sorted((SAMPLES / "russia-nato-2022").iterdir())]
    ingest.add_paths(d, files, codebook.load(None))
    return d


def plans(db, fn) -> dict[str, list[str]]:
    """Run ``fn(db)``; return each SELECT it ran that reads positions, with its query plan."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        fn(db)
    finally:
        db.conn.set_trace_callback(None)
    out = {}
    for sql in seen:
        head = sql.lstrip().upper()
        if "POSITIONS" in sql.upper() and head.startswith(("SELECT", "WITH")):
            out[sql] = [r[3] for r in db.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert out, "no statement read positions"
    return out


# A full table scan of positions (aliased p or q, or by name).
FULL_SCAN = re.compile(r"^SCAN (positions|p|q)\b(?! USING (COVERING )?INDEX)")


def assert_indexed(plan_by_sql: dict[str, list[str]]):
    for sql, plan in plan_by_sql.items():
        bad = [line for line in plan if FULL_SCAN.match(line)]
        assert not bad, f"full scan of positions in:\n{sql}\nplan: {plan}"


def test_timeline_by_issue_seeks_the_issue_index(store):
    from negtrack import views

    p = plans(store, lambda d: views.timeline(d, ["nato-expansion"]))
    assert_indexed(p)
    assert any("positions_issue_date (issue=?)" in line for plan in p.values() for line in plan)


def test_status_reads_one_seek_per_cell(store):
    from negtrack import views

    for kw in ({}, {"as_of": "2022-01-15"}, {"issues": ["nato-expansion"]}, {"created_before": "2099-01-01"}):
        p = plans(store, lambda d: views.status(d, **kw))
        assert_indexed(p)
        lines = [line for plan in p.values() for line in plan]
        # The only whole-index walk allowed is the LIMIT 1 seed of the pairs scan.
        scans = [line for line in lines if line.startswith("SCAN positions")]
        assert len(scans) <= 1
        assert any("positions_actor_issue_date (actor=? AND issue=?" in line for line in lines)


def test_show_uses_the_article_index(store):
    from negtrack import views

    p = plans(store, lambda d: views.show(d, "1"))
    assert_indexed(p)
    assert any("positions_article (article_id=?)" in line for plan in p.values() for line in plan)


def test_changes_since_uses_the_created_index(store):
    from negtrack import changes

    p = plans(store, lambda d: changes.changes(d, "2022-01-01", record=False))
    assert_indexed(p)
    assert any("positions_created" in line for plan in p.values() for line in plan)


def test_demand_linking_seeks_the_stance_index(store):
    from negtrack import views

    for as_of in (None, "2022-01-15"):
        p = plans(store, lambda d: views.demand_input(d, as_of))
        assert_indexed(p)
        lines = [line for plan in p.values() for line in plan]
        assert all("SCAN" not in line for line in lines), lines
        assert any("positions_stance_dates (codebook=? AND issue=? AND actor=? AND stance=?" in line
                   for line in lines)
