"""Tests for negtrack.timex: spans, TimeML values, tense, anchors, positions, datelines."""

from __future__ import annotations

import bisect
import os
import random
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negtrack import timex
from negtrack.models import Timex
from negtrack.timex import find_dateline_date, resolve_position_date, tag


def values(text, published="2022-01-12"):
    return [(t.text, t.value) for t in tag(text, published)]


def one(text, published="2022-01-12"):
    got = tag(text, published)
    assert len(got) == 1, [(t.text, t.value) for t in got]
    return got[0]


# --- absolute -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, value, precision",
    [
        ("Talks resumed on Jan. 27, 2022 in Vienna.", "Jan. 27, 2022", "2022-01-27", "day"),
        ("Talks resumed on 27 January 2022 in Vienna.", "27 January 2022", "2022-01-27", "day"),
        ("The deal was signed 2022-01-27.", "2022-01-27", "2022-01-27", "day"),
        ("Prices fell in December 2021.", "December 2021", "2021-12", "month"),
        ("The treaty dates from 1997.", "1997", "1997", "year"),
        ("It was popular in the 1990s.", "the 1990s", "199", "decade"),
        ("a relic of the late 1970s", "the late 1970s", "197", "decade"),
        ("the fabled 11th century temple", "11th century", "10", "century"),
        ("in the summer of 1994", "the summer of 1994", "1994-SU", "season"),
        ("Elections are due in the first quarter of 2023.", "the first quarter of 2023", "2023-Q1", "quarter"),
        ("by the year two thousand", "the year two thousand", "2000", "year"),
        ("thrown out in nineteen ninety-six", "nineteen ninety-six", "1996", "year"),
    ],
)
def test_absolute(text, span, value, precision):
    t = one(text)
    assert (t.text, t.value, t.precision) == (span, value, precision)
    assert text[t.start:t.end] == t.text


def test_month_day_without_year_takes_publication_year():
    assert values("The talks began on Jan. 27.", "2022-02-01") == [("Jan. 27", "2022-01-27")]


def test_quantities_are_not_years():
    assert values("The company employs 1990 people and paid $2000.") == []
    assert values("Shares rose 2,010 points to 1998 points.") == []


def test_may_the_modal_is_not_a_month():
    assert values("Talks may resume; Theresa May said so.") == []
    assert values("Talks resume in May.") == [("May", "2022-05")]


# --- relative -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("He spoke yesterday.", "yesterday", "2022-01-11"),
        ("He speaks today.", "today", "2022-01-12"),
        ("He speaks tonight.", "tonight", "2022-01-12"),
        ("They will meet tomorrow.", "tomorrow", "2022-01-13"),
        ("Growth slowed this year.", "this year", "2022"),
        ("They met last week.", "last week", "2022-W01"),
        ("They met earlier this week.", "earlier this week", "2022-W02"),
        ("Talks resume next month.", "next month", "2022-02"),
        ("The truce broke down two years ago.", "two years ago", "2020"),
        ("The truce broke down six weeks ago.", "six weeks ago", "2021-W48"),
        ("The truce broke down three days ago.", "three days ago", "2022-01-09"),
        ("Protests grew last summer.", "last summer", "2021-SU"),
        ("They met over the weekend.", "the weekend", "2022-W01-WE"),
    ],
)
def test_relative(text, span, value):
    t = one(text)
    assert (t.text, t.value) == (span, value)


def test_references():
    got = values("Now talks are currently stalled; the past weighs on the future, "
                 "and in recent weeks nobody moved.")
    assert got == [("Now", "PRESENT_REF"), ("currently", "PRESENT_REF"), ("the past", "PAST_REF"),
                   ("the future", "FUTURE_REF"), ("recent weeks", "PAST_REF")]
    assert one("They met recently.").precision == "ref"


def test_last_december_across_year_boundary():
    t = one("The offer was first made last December.", "2022-01-10")
    assert (t.text, t.value, t.precision) == ("last December", "2021-12", "month")


def test_month_follows_tense():
    assert values("The talks will resume in March.", "2022-05-01") == [("March", "2023-03")]
    assert values("The talks resumed in March.", "2022-05-01") == [("March", "2022-03")]
    assert values("Prices rose in October.", "1998-01-08") == [("October", "1997-10")]


def test_partial_expressions():
    assert values("A deal is possible by mid-January.", "2022-01-03") == [("mid-January", "2022-01")]
    assert values("Fighting flared late last year.") == [("late last year", "2021")]
    assert values("Troops leave by the end of the month.") == [("the end of the month", "2022-01")]
    assert values("Growth slowed in the first quarter.", "2022-05-20") == [("the first quarter", "2022-Q1")]
    assert values("Growth slowed in the third-quarter results.", "1989-10-30") == [("third-quarter", "1989-Q3")]


# --- weekdays and tense ---------------------------------------------------


def test_weekday_past_and_future():
    # 2022-01-12 is a Wednesday
    said = tag("The minister said on Monday that talks had failed.", "2022-01-12")
    will = tag("The ministers will meet on Monday in Geneva.", "2022-01-12")
    assert [(t.text, t.value) for t in said] == [("Monday", "2022-01-10")]
    assert [(t.text, t.value) for t in will] == [("Monday", "2022-01-17")]


def test_weekday_same_day_and_relatives():
    # in a Friday story, "Friday" is the day of publication
    assert values("The court ruled Friday.", "1989-10-27") == [("Friday", "1989-10-27")]
    assert values("It mailed the circular last Friday.", "1989-10-30") == [("last Friday", "1989-10-27")]
    assert values("They meet next Tuesday.", "2022-01-12") == [("next Tuesday", "2022-01-18")]
    assert values("The peace process is set to resume Monday.", "1998-03-22") == [("Monday", "1998-03-23")]


def test_weekday_with_date_is_one_expression():
    assert values("The paper said on Saturday, April 25, that ...", "1998-04-24") == [
        ("Saturday, April 25", "1998-04-25")]


# --- leap days ------------------------------------------------------------


def test_leap_days():
    assert values("The vote took place a year ago.", "2024-02-29") == [("a year ago", "2023")]
    assert values("It happened a month ago.", "2024-03-31") == [("a month ago", "2024-02")]
    assert values("It was signed on Feb. 29.", "2024-03-05") == [("Feb. 29", "2024-02-29")]
    assert values("It was signed on Feb. 29, 2024.", "2024-03-05") == [("Feb. 29, 2024", "2024-02-29")]
    # no Feb. 29 in 2023: the date is not invented
    assert values("It was signed on Feb. 29, 2023.", "2024-03-05") == []


# --- spans ----------------------------------------------------------------


def test_spans_are_exact_sorted_and_disjoint():
    text = ("On Monday, three days after the Jan. 27 meeting, the envoy said talks "
            "would resume early next year, not in the third quarter.")
    got = tag(text, "2022-02-02")
    assert [t.text for t in got] == ["Monday", "Jan. 27", "early next year", "the third quarter"]
    for t in got:
        assert text[t.start:t.end] == t.text
    for a, b in zip(got, got[1:]):
        assert a.end <= b.start


def test_unknown_publication_date_stays_underspecified():
    got = tag("He said on Monday last December that talks resume in March; 1997 aside.", None)
    assert [(t.text, t.value, t.precision) for t in got] == [
        ("Monday", "XXXX-XX-XX", "unknown"),
        ("last December", "XXXX-12", "unknown"),
        ("March", "XXXX-03", "unknown"),
        ("1997", "1997", "year"),
    ]
    assert tag("Talks resume today.", None)[0].value == "XXXX-XX-XX"


def test_explicit_sentences_are_used():
    text = "He said it Monday. They will meet Monday."
    got = tag(text, "2022-01-12", [(0, 18), (19, len(text))])
    assert [t.value for t in got] == ["2022-01-10", "2022-01-17"]


# --- resolve_position_date ------------------------------------------------


def _tx(value):
    return Timex(text="x", start=0, end=1, value=value, precision="unknown")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2022-01-27", ("2022-01-27", "day")),
        ("2022-01", ("2022-01", "month")),
        ("2022", ("2022", "year")),
        ("2022-W02", ("2022-01", "month")),
        ("2020-W53", ("2020-12", "month")),
        ("2022-W05", ("2022-02", "month")),  # Thursday 3 February
        ("2021-W52-WE", ("2021-12", "month")),
        ("2021-SU", ("2021", "year")),
        ("2022-Q1", ("2022", "year")),
        ("2022-H2", ("2022", "year")),
        ("PRESENT_REF", None),
        ("PAST_REF", None),
        ("XXXX-XX-XX", None),
        ("XXXX-12", None),
        ("199", None),
        ("19", None),
        ("", None),
    ],
)
def test_resolve_position_date(value, expected):
    assert resolve_position_date(_tx(value)) == expected


# --- datelines ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("MOSCOW, Feb. 14 (Reuters) – Russia said ...", None),
        ("MOSCOW, Feb. 14, 2022 (Reuters) – Russia said ...", "2022-02-14"),
        ("February 14, 2022\n\nRussia said ...", "2022-02-14"),
        ("Feb 14, 2022 — Russia said ...", "2022-02-14"),
        ("By Jane Doe\n14 February 2022\nRussia said ...", "2022-02-14"),
        ("2022-02-14 Talks in Geneva", "2022-02-14"),
        ("x" * 400 + " February 14, 2022", None),
        ("February 30, 2022: nothing", None),
        ("", None),
    ],
)
def test_find_dateline_date(text, expected):
    assert find_dateline_date(text) == expected


# --- robustness -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00\x01", "İstanbul March 3 İİİ last week", "Ⅻ 1990s 𝟏𝟗𝟗𝟎", "\ud800 Friday",
     "May May May 2022-13-45 99/99/9999 Feb. 30", "the " * 1000, "1" * 5000],
)
def test_odd_input_never_raises(text):
    for pub in ("2022-01-12", None, "garbage", "2022-02-30"):
        for t in tag(text, pub):
            assert text[t.start:t.end] == t.text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(
    ["May ", "Monday ", "last ", "week ", "year ", "ago ", "the ", "Jan. ", "1990s ", "quarter ", "İ", "’",
     "2022", "-", "/", ", ", "mid-", "early ", "will ", "said "])), max_size=30).map("".join),
       st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())))
def test_tag_is_total(text, published):
    got = tag(text, published)
    last = -1
    for t in got:
        assert text[t.start:t.end] == t.text
        assert t.start >= last
        last = t.end


def test_fiscal_and_full_year():
    assert values("Sales for the full year were flat.", "1989-11-02") == [("the full year", "1989")]
    assert values("It expects lower earnings for the fiscal year.", "1989-11-02") == [("the fiscal year", "1989")]


def test_deadline_weekday_is_ahead():
    # 2000-04-03 is a Monday; the past-tense verb does not pull the deadline back
    assert values("Castro said the group would be ready as soon as Tuesday.", "2000-04-03") == [
        ("Tuesday", "2000-04-04")]
    assert values("The offer was extended to Nov. 20.", "1989-11-02") == [("Nov. 20", "1989-11-20")]


def test_tense_steers_a_bare_month_within_nine_months():
    # "said" is past, but last January is eleven months back: the nearest January
    assert values("We've said we're prepared to meet in early January.", "2021-12-23") == [
        ("early January", "2022-01")]
    assert values("Dealers placed orders to start the first trading day for November.", "1989-10-30") == [
        ("November", "1989-11")]
    # within nine months the tense still decides, and a future tense at any distance
    assert values("The talks collapsed in March.", "1989-10-30") == [("March", "1989-03")]
    assert values("The talks will resume in March.", "1989-05-01") == [("March", "1990-03")]


def test_an_ed_adjective_is_not_a_past_tense():
    text = "The dividend would be paid on a still unspecified date in January."
    assert values(text, "1989-10-26") == [("January", "1990-01")]


def test_a_date_after_since_is_past():
    text = "Investigators have been searching for him since shortly after the Oct. 23 slaying."
    assert values(text, "1999-05-06") == [("Oct. 23", "1998-10-23")]
    assert values("Nothing has moved since Friday.", "2022-01-12") == [("Friday", "2022-01-07")]


def test_a_possessive_weekday_is_the_latest_one():
    # "Wednesday's ruling" is an event the clause's "would" does not move ahead
    text = "His relatives said they would look for ways to get around Wednesday's ruling."
    assert values(text, "2000-01-07") == [("Wednesday", "2000-01-05")]
    assert values("The debentures carry a premium over Thursday\u2019s closing price.", "1989-10-30") == [
        ("Thursday", "1989-10-26")]
    # unless it is ahead: "ahead of Sunday's vote"
    assert values("Troops are in the streets ahead of Sunday's vote.", "2000-01-07") == [("Sunday", "2000-01-09")]


def test_tense_only_steers_a_month_day_within_nine_months():
    # A later "will" does not push a day-old date a year ahead.
    text = "He hoped the sides' recommitment on January 26 to the ceasefire will help ease tensions."
    (t,) = [t for t in tag(text, "2022-01-27") if t.text == "January 26"]
    assert t.value == "2022-01-26"
    # A past-tense report of a meeting two days ahead keeps the nearest date.
    (t,) = [t for t in tag("He said the ministers meet on January 29.", "2022-01-27") if t.text == "January 29"]
    assert t.value == "2022-01-29"
    # Within half a year, tense still decides.
    (t,) = [t for t in tag("The talks will resume on March 3.", "2022-01-27") if t.text == "March 3"]
    assert t.value == "2022-03-03"
    (t,) = [t for t in tag("The talks resumed on November 3.", "2022-01-27") if t.text == "November 3"]
    assert t.value == "2021-11-03"
    # Past six months too: last November in a May story, next January in one too.
    (t,) = [t for t in tag("He was last seen Nov. 3, the day before the warrant.", "1999-05-07") if t.text == "Nov. 3"]
    assert t.value == "1998-11-03"
    (t,) = [t for t in tag("The talks will resume on Jan. 20.", "1999-05-07") if t.text == "Jan. 20"]
    assert t.value == "2000-01-20"
    # A month after "by" is a deadline: the nearest, even in a past-tense sentence.
    (t,) = [t for t in tag("The governments, which want the talks to conclude by May, invited Sinn Fein back.",
                           "1998-03-22") if t.text == "May"]
    assert t.value == "1998-05"
    (t,) = [t for t in tag("The governments invited Sinn Fein back in July.", "1998-03-22") if t.text == "July"]
    assert t.value == "1997-07"
    # Beyond nine months the nearest date wins whatever the tense.
    (t,) = [t for t in tag("The talks will resume on April 1.", "1999-05-07") if t.text == "April 1"]
    assert t.value == "1999-04-01"


# --- speed machinery: shortcuts that must not change what is found ----------


def test_fast_lower_case_moves_no_offset_and_makes_no_new_ascii_letter():
    # _windows lower-cases with str.lower and falls back to an ASCII-only
    # table only for the characters singled out here; checked against the
    # Unicode tables of the Python that runs the tests.
    odd = []
    for i in range(0x80, 0x110000):
        c = chr(i)
        low = c.lower()
        if low != c and (len(low) != 1 or low.isascii() or low.isalpha() != c.isalpha()):
            odd.append(c)
    assert odd == ["\u0130", "\u212a"]
    for c in odd:
        assert timex._ascii_lower("Ab" + c) == "ab" + c


@pytest.mark.parametrize("keyword", sorted(timex._KEYWORDS))
def test_every_keyword_opens_the_windows_of_its_rules(keyword):
    timex._compile()  # what the first tag does
    rules = timex._KEYWORDS[keyword]
    for text in (f"x {keyword} y", f"({keyword.upper()}) y", keyword):
        windows = timex._windows(text)
        at = text.lower().index(keyword)
        for rule in rules:
            assert any(s <= at < e for s, e in windows.get(rule, ())), (text, rule)
    if keyword[0].isalpha():  # inside a word it anchors nothing
        assert timex._windows(f"xx{keyword}y") == {}


def _keyword_hits_plainly(low):
    """What ``_keyword_hits`` finds, by a search per keyword."""
    hits = []
    for kw, rules in timex._KEYWORDS.items():
        i = low.find(kw)
        while i >= 0:
            if not kw[0].isalpha() or i == 0 or not low[i - 1].isalpha():
                hits.append((i, i + len(kw), rules))
            i = low.find(kw, i + 1)
    return sorted(hits)


def test_keyword_pass_finds_what_a_search_per_keyword_finds():
    timex._compile()  # what the first tag does
    rnd = random.Random(7)
    pieces = sorted(timex._KEYWORDS) + ["é", "ſ", "ä", "2", "'", "/", " ", "-", "x", "\n", "²", "_", "."]
    texts = ["", "day", "/", "labor days", "weekends", "now/nowadays", "éday", "2q 1q", "sept. sep. sep"]
    for _ in range(3000):
        texts.append("".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 12))))
    for text in texts:
        low = timex._ascii_lower(text)
        assert sorted(timex._keyword_hits(low)) == _keyword_hits_plainly(low), text


@pytest.mark.parametrize("name, words", [("_FUTURE_CUE", "_FUTURE_WORDS"), ("_PAST_CUE", "_PAST_WORDS")])
def test_tense_cues_grouped_by_first_letter_match_as_the_plain_list(name, words):
    timex._compile()  # what the first tag does
    grouped = getattr(timex, name)
    plain_words = getattr(timex, words)
    # the same pattern with the words as listed, start check included
    lazy = timex._Lazy(rf"\b(?:{plain_words})\b", grouped.flags & re.IGNORECASE,
                       starts="abcdeghilnpstuw'" if name == "_FUTURE_CUE" else "a-z",
                       lead=r"\b" if name == "_FUTURE_CUE" else r"(?<!\w)")
    plain = re.compile(lazy.compile().pattern, lazy.flags)
    assert plain.pattern != grouped.pattern
    rnd = random.Random(11)
    pieces = [w.replace("\\s+", " ").replace("?", "") for w in timex._top_level(plain_words)]
    pieces += ["be", "is", "are", "to", "been", "the", "WILL", "Said", "plan", "ed", "ied", "n't", "x",
               " ", " ", "  ", "\n", ",", "'", "-", "é", "days", "weeks", "2022"]
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) + rnd.choice(("", " ", " ")) for _ in range(rnd.randrange(1, 10)))
        assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_import_compiles_no_pattern_until_the_first_tag():
    code = ("import re, negtrack.timex as t\n"
            "assert not t._RX and not any(isinstance(v, re.Pattern) for v in vars(t).values())\n"
            "assert t.find_dateline_date('Feb. 14, 2022 x') == '2022-02-14' and not t._RX\n"
            "assert t.tag('on Jan. 27, 2022', None) and t._RX\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(os.path.dirname(__file__)))


def _first(items, bound):
    """(set of (first character, word-boundary check before it), may match
    empty) of a parsed pattern.  The check is "b" for \\b, "lb" for a
    look-behind that rules out a word character, None for neither."""
    from re import _constants as c

    firsts = set()
    for op, av in items:
        if op is c.AT:
            if av in (c.AT_BOUNDARY, c.AT_UNI_BOUNDARY):
                bound = "b"
        elif op is c.ASSERT_NOT and av[0] == -1 and av[1][0][0] is c.IN \
                and (c.CATEGORY, c.CATEGORY_WORD) in av[1][0][1]:
            bound = bound or "lb"
        elif op in (c.ASSERT, c.ASSERT_NOT):
            continue
        elif op in (c.LITERAL, c.IN):
            for kind, v in ([(op, av)] if op is c.LITERAL else av):
                if kind is c.LITERAL:
                    firsts.add((chr(v), bound))
                elif kind is c.RANGE:
                    firsts.update((chr(x), bound) for x in range(v[0], v[1] + 1))
                else:
                    assert kind is c.CATEGORY, kind
                    firsts.add((str(v), bound))
            return firsts, False
        else:
            if op is c.SUBPATTERN:
                alts, least = [av[3]], 1
            elif op is c.BRANCH:
                alts, least = av[1], 1
            else:
                assert op in (c.MAX_REPEAT, c.MIN_REPEAT), op
                alts, least = [av[2]], av[0]
            got = [_first(alt, bound) for alt in alts]
            for sub, _ in got:
                firsts |= sub
            if least and not any(empty for _, empty in got):
                return firsts, False
    return firsts, True


_WITH_STARTS = {name: p for name, p in [*vars(timex).items(), *timex._RULES.items()]
                if isinstance(p, timex._Lazy) and p.starts}


@pytest.mark.parametrize("name", sorted(_WITH_STARTS))
def test_start_check_admits_every_start_of_its_pattern(name):
    from re import _parser

    p = _WITH_STARTS[name]
    firsts, empty = _first(_parser.parse(p.pattern, p.flags), None)
    assert not empty
    allowed = f"[{p.starts}]"
    for ch, bound in firsts:
        # what the compiled check asks: no word character before (or a word
        # boundary), then a character of the class
        word = ch == "CATEGORY_DIGIT" or re.fullmatch(r"\w", ch)
        if p.lead == r"\b":
            assert bound == "b" or (bound == "lb" and word), (ch, bound)
        else:
            assert p.lead == r"(?<!\w)" and bound and word, (ch, bound)
        if ch.startswith("CATEGORY_"):
            assert ch == "CATEGORY_DIGIT" and r"\d" in allowed, ch
        else:
            assert re.fullmatch(allowed, ch, p.flags), ch


def _takes_one_of(items, words, run=""):
    """Every match of the parsed sequence holds one of ``words`` (lower case).
    ``run``: literal text surely matched just before the sequence (so "j" and
    then "an" or "un" holds "jan" or "jun")."""
    from re import _constants as c

    # run: the literal text the sequence has surely matched so far
    for op, av in items:
        if op is c.LITERAL:
            run += chr(av).lower()
            if any(w in run for w in words):
                return True
            continue
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # consumes nothing: the run goes on
        if op is c.SUBPATTERN:
            alts = [av[3]]
        elif op is c.BRANCH:
            alts = av[1]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            alts = [av[2]]
        else:
            run = ""
            continue
        if all(_takes_one_of(alt, words, run) for alt in alts):
            return True
        run = ""
    return False


@pytest.mark.parametrize("rule", sorted(timex._NEEDS))
def test_every_match_of_a_rule_holds_a_word_it_needs(rule):
    from re import _parser

    p = timex._RULES[rule]
    words = timex._NEEDS[rule].split("|")
    assert p.flags & re.IGNORECASE and all(w.islower() for w in words)
    assert _takes_one_of(_parser.parse(p.pattern, p.flags), words)


def test_ascii_lookalikes_are_all_the_letters_ignorecase_takes_for_ascii_ones():
    every = "".join(map(chr, range(0x80, 0x110000)))
    found = "".join(sorted(set(re.findall("[a-z]", every, re.IGNORECASE))))
    assert timex._ASCII_LOOKALIKE.pattern == f"[{found}]"


@pytest.mark.parametrize(
    "text, spans",
    [
        ("Talks ended. Lavrov left.", [(0, 12), (13, 25)]),
        ('He met Mr. Smith. "We agreed," he said! (Then) it ended?  2022 came.',
         [(0, 17), (18, 39), (40, 56), (58, 68)]),
        ("Acme Inc. Rose. U.S. officials left at 5 p.m. Friday.", [(0, 53)]),  # short capitalised words end no sentence
        ("one\n\ntwo\n \nthree", [(0, 3), (5, 8), (11, 16)]),
        ("a.\n\n\nB", [(0, 2), (5, 6)]),
    ],
)
def test_split_sentences(text, spans):
    timex._compile()  # what the first tag does
    assert timex._split_sentences(text) == spans


def test_sentences_found_around_a_date_are_those_of_the_whole_split():
    timex._compile()  # what the first tag does
    rnd = random.Random(5)
    pieces = ["A", "b", "Mr", ".", "!", "?", "\n", " ", "  ", "\t", '"', "'", "”", ")", "]", "(", "“", "9",
              "é", "U.S", "p.m", "St", "\u00a0", "—", "Talks ended", "x" * 300]
    texts = ["\n\nA. B", "\n", ". A", "a.\n\n\nB"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 30))) for _ in range(300)]
    for text in texts:
        spans = timex._split_sentences(text)
        starts = [s for s, _ in spans]
        for pos in range(len(text)):
            i = bisect.bisect_right(starts, pos) - 1
            # looking back a few characters at first: many a start in the middle of a break
            lo, hi, s, e = timex._sentence_around(text, pos, back=rnd.randrange(1, 8))
            assert lo <= pos < hi or hi == len(text), (text, pos)
            if i < 0:  # before the first sentence: an empty one
                assert e <= s, (text, pos)
            elif pos < spans[i][1]:  # in sentence i
                assert (s, e) == spans[i], (text, pos)
            else:  # between sentences
                assert s == spans[i][0] and pos >= e, (text, pos)



def test_position_dates_kept_per_value_are_those_worked_out():
    rnd = random.Random(9)
    values = ["2022-01-27", "2022-W04", "2022-W04-WE", "2022-13", "2022-01", "2022-Q1", "199", "PAST_REF",
              "XXXX-01", "2020-W53", "2021-W53", "1998-02-27T10:00", "1998-SU", "1990-H1", ""]
    values += ["%04d-%s" % (rnd.randrange(1990, 2030), rnd.choice(["W%02d" % rnd.randrange(60), "%02d" % rnd.randrange(15),
               "%02d-%02d" % (rnd.randrange(1, 13), rnd.randrange(1, 29)), "Q%d" % rnd.randrange(1, 5)]))
               for _ in range(300)]
    for v in values * 2:  # the second time from what was kept
        t = Timex(text="x", start=0, end=1, value=v, precision="day", type="DATE", rule="test")
        assert resolve_position_date(t) == timex._position_date(v), v


def test_rules_with_grouped_words_match_as_with_the_plain_lists():
    timex._compile()  # what the first tag does
    grouped = sorted(((timex._by_first_letter(w), w) for w in timex._GROUPED), key=lambda g: -len(g[0]))
    rnd = random.Random(13)
    pieces = ["the", "The", "very", "of", "last", "this", "next", "past", "coming", "few", "2022", "1998", "27",
              "3rd", "the 4th", "twenty-first", "Jan.", "Feb", "Sept.", "ſept.", "May", "MARCH", "Friday", "days",
              "weeks", "year", "years", "week", "month", "quarter", "summer", "term", "present", "now", "ago",
              "early", "mid-", "end", "ſtart", ",", ".", "-", "'s", "x", "\n"]
    for w in timex._GROUPED:
        pieces += [p.replace("\\s+", " ").replace("?", "").replace("(:", "") for p in timex._top_level(w)]
    texts = ["".join(rnd.choice(pieces) + rnd.choice(("", " ", " ", "  ")) for _ in range(rnd.randrange(1, 9)))
             for _ in range(1500)]
    checked = 0
    for name, lazy in timex._RULES.items():
        source = lazy.pattern
        for g, w in grouped:
            source = source.replace(g, w)
        if source == lazy.pattern:
            continue
        checked += 1
        plain = timex._Lazy(source, lazy.flags, lazy.starts, lazy.lead).compile()
        rule = timex._RX[name]
        for text in texts:
            assert [(m.span(), m.groupdict()) for m in rule.finditer(text)] == \
                   [(m.span(), m.groupdict()) for m in plain.finditer(text)], (name, text)
    assert checked >= len(timex._GROUPED)


def test_compound_number_words_count_whole():
    # "Ninety-seven days ago" is 97 days, not "seven days ago" with a stray word before it
    got = {t.text: t.value for t in tag("Ninety-seven days ago, we met. Twenty five years ago it began.", "2023-05-09")}
    assert got == {"Ninety-seven days ago": "2023-02-01", "Twenty five years ago": "1998"}


def test_put_forth_is_a_past_tense_for_a_bare_month():
    # "put" is past here; the "would" of the clause after it does not make December next December
    got = tag("In December, Russia put forth demands, including a guarantee that Ukraine would never join NATO.",
              "2022-02-22")
    assert [(t.text, t.value) for t in got] == [("December", "2021-12")]
