import random
import time
from pathlib import Path

from negtrack import codebook
from negtrack.models import Article
from negtrack.pipeline import extract

FIXTURE = Path(__file__).parent / "fixtures" / "whitehouse-2022-01-27-readout-zelenskyy-call.txt"
RN = codebook.load("russia-nato-2022")


def read_fixture():
    raw = FIXTURE.read_text(encoding="utf-8")
    head, _, body = raw.partition("\n\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    return Article(text=body, path=str(FIXTURE), title=meta["Title"], source=meta["Source"],
                   published=meta["Published"])


def test_white_house_readout():
    art = read_fixture()
    ext = extract(art, RN)
    got = {(p.actor, p.issue, p.stance) for p in ext.positions}
    assert ("us", "ukraine-deescalation", "warn") in got  # "respond decisively if Russia further invades"
    assert all(art.text[p.start:p.end] == p.evidence for p in ext.positions)
    assert all(0 < p.confidence <= 1 and p.rule for p in ext.positions)
    assert len(ext.trace) == len(ext.sentences)
    assert ext.published == "2022-01-27"


def test_never_raises_on_arbitrary_unicode():
    rng = random.Random(7)
    alphabet = "abc XYZ.,;:!?“”\"'’()[]\\-—\n\t\u00a0Q:é漢\U0001F600\u2028"
    words = ["Russia", "US", "we", "said", "not", "reject", "NATO", "if", "Monday", "demands", "THE PRESIDENT:"]
    for _ in range(200):
        parts = [rng.choice(words) if rng.random() < 0.3 else rng.choice(alphabet) for _ in range(rng.randint(0, 80))]
        text = "".join(parts)
        ext = extract(Article(text=text, published=rng.choice([None, "2022-02-14", "2022"])), RN)
        for p in ext.positions:
            assert text[p.start:p.end] == p.evidence


def test_fast_enough():
    art = read_fixture()
    big = Article(text=(art.text + "\n\n") * 60, published=art.published, source=art.source)
    extract(big, RN)  # warm the caches
    t0 = time.perf_counter()
    extract(big, RN)
    words = len(big.text.split())
    # a regression guard, well below the measured rate (see the pipeline docstring)
    assert words / (time.perf_counter() - t0) > 5000


def test_dates_cover_the_whole_text_though_positions_tag_only_their_sentences():
    import pickle

    from negtrack import timex

    art = read_fixture()
    ext = extract(art, RN)
    # positions are dated from the sentences that carry them; `dates` is the whole text's
    assert [(t.start, t.value) for t in ext.dates] == [(t.start, t.value) for t in timex.tag(art.text, art.published)]
    again = pickle.loads(pickle.dumps(ext))
    assert [t.value for t in again.dates] == [t.value for t in ext.dates]
    assert again.positions == ext.positions


def test_statement_date_survives_blanking():
    text = ("The talks were long. Lavrov said on Monday that Russia demands legally binding security guarantees. "
            "The weather was cold. He demanded an end to NATO expansion.")
    ext = extract(Article(text=text, published="2022-02-16"), RN)
    dates = {(p.issue, p.date) for p in ext.positions if p.actor == "russia" and p.stance == "demand"}
    assert ("security-guarantees", "2022-02-14") in dates and ("nato-expansion", "2022-02-14") in dates
