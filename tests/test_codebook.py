import pytest

from negtrack import codebook
from negtrack.errors import CodebookError

BASE = '''[codebook]
name = "t"

[[issues]]
slug = "a"
cues = ["alpha"]
counter = ["omega"]
weak = ["talks"]

[[actors]]
id = "x"
aliases = ["X"]
metonyms = ["the X capital"]

[[people]]
id = "p"
aliases = ["Pat"]
labels = ["MS. PAT"]
party = "x"
'''


def test_new_optional_keys_load():
    book = codebook.parse(BASE.encode() + b'\n[defaults]\nconsult = "a"\n\n[only]\nconsult = ["a"]\n', "t.toml")
    assert book.issues["a"].counter == ["omega"] and book.issues["a"].weak == ["talks"]
    assert book.actors["x"].metonyms == ["the X capital"]
    assert book.people["p"].labels == ["MS. PAT"]
    assert book.defaults == {"consult": "a"} and book.only == {"consult": ["a"]}


def test_defaults_must_name_an_issue_with_line():
    with pytest.raises(CodebookError, match=r"t\.toml:\d+: \[defaults\].*'nope'"):
        codebook.parse(BASE.encode() + b'\n[defaults]\nconsult = "nope"\n', "t.toml")


def test_broken_counter_pattern_fails_at_load():
    bad = BASE.replace('counter = ["omega"]', 'counter = ["re:(unclosed"]')
    with pytest.raises(CodebookError, match="broken pattern"):
        codebook.parse(bad.encode(), "t.toml")


@pytest.mark.parametrize("name", ["russia-nato-2022", "us-debt-ceiling-2023"])
def test_shipped_codebooks_load_with_fixed_slugs(name):
    book = codebook.load(name)
    fixed = {
        "russia-nato-2022": {"security-guarantees", "nato-expansion", "strike-weapons", "1997-configuration",
                             "indivisibility-of-security", "intermediate-range-missiles", "risk-reduction",
                             "ukraine-deescalation", "minsk-agreements"},
        "us-debt-ceiling-2023": {"debt-limit", "spending-cuts", "revenue", "irs-funding", "work-requirements",
                                 "permitting-reform", "covid-funds", "budget-agreement"},
    }[name]
    assert set(book.issues) == fixed
