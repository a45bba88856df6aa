import json

from negtrack import codebook, store
from negtrack.models import Article, Extraction, Position

BOOK = codebook.load("russia-nato-2022")
TEXT = "Russia demands that NATO stop its expansion. The US rejected that demand on Jan. 26."


def make_positions():
    return [
        Position(actor="russia", issue="nato-expansion", stance="demand", evidence=TEXT[:44], start=0, end=44,
                 date="2022-01", date_precision="month"),
        Position(actor="us", issue="nato-expansion", stance="reject", evidence=TEXT[45:], start=45, end=len(TEXT),
                 date="2022-01-26", date_precision="day"),
    ]


def save(db, text=TEXT, path="a.txt"):
    art = Article(text=text, path=path, title="T", published="2022-02-01", published_rule="header")
    return store.save_article(db, art, Extraction(published="2022-02-01", positions=make_positions()), BOOK)


def test_article_and_positions_land_together(db):
    aid, created = save(db)
    assert created
    rows = list(store.export_rows(db))
    assert len(rows) == 2
    assert {r["article_id"] for r in rows} == {aid}
    assert db.execute("SELECT count(*) FROM actors WHERE codebook = 'russia-nato-2022'").fetchone()[0] == len(BOOK.actors)


def test_same_content_is_stored_once(db):
    aid, _ = save(db)
    aid2, created = save(db, path="other/path.txt")
    assert (aid2, created) == (aid, False)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM positions").fetchone()[0] == 2


def test_export_has_contract_fields_and_evidence_slices_text(db):
    save(db)
    for r in store.export_rows(db):
        for field in ("id", "actor", "speaker", "target", "issue", "stance", "date", "date_precision", "evidence",
                      "start", "end", "confidence", "status", "article_id", "article_path", "article_title",
                      "published", "cameo"):
            assert field in r
        assert TEXT[r["start"]:r["end"]] == r["evidence"]
        assert r["cameo"] == {"demand": "10", "reject": "12"}[r["stance"]]
        json.dumps(r)


def test_uids_are_stable_across_stores(tmp_path):
    from negtrack import db as dbmod

    a, b = dbmod.connect(tmp_path / "a.db"), dbmod.connect(tmp_path / "b.db")
    save(a)
    save(b)
    assert [r["id"] for r in store.export_rows(a)] == [r["id"] for r in store.export_rows(b)]


def test_failed_save_leaves_nothing(db, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "position_tuples", boom)
    try:
        save(db)
    except RuntimeError:
        pass
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_reextraction_keeps_analyst_work(db):
    aid, _ = save(db)
    h = Article(text=TEXT).content_hash
    db.execute("UPDATE positions SET status = 'confirmed' WHERE stance = 'demand'")
    db.execute("UPDATE positions SET status = 'rejected' WHERE stance = 'reject'")
    removed, added = store.replace_auto_positions(db, aid, h, make_positions(), BOOK)
    assert (removed, added) == (0, 0)
    assert sorted(r[0] for r in db.execute("SELECT status FROM positions")) == ["confirmed", "rejected"]
    # A new machine position is added; the analyst's stay untouched.
    extra = Position(actor="nato", issue="nato-expansion", stance="reject", evidence=TEXT[45:], start=45,
                     end=len(TEXT))
    removed, added = store.replace_auto_positions(db, aid, h, make_positions() + [extra], BOOK)
    assert (removed, added) == (0, 1)
    removed, added = store.replace_auto_positions(db, aid, h, [], BOOK)
    assert (removed, added) == (1, 0)
    assert db.execute("SELECT count(*) FROM positions").fetchone()[0] == 2
