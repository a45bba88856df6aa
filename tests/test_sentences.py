from negtrack.sentences import paragraphs, quotes, split


def texts(t):
    return [s.text for s in split(t)]


def test_offsets_are_exact_and_wrapped_lines_join():
    t = "The talks went on.  They ended\nlate on Monday.\n\nA new paragraph."
    ss = split(t)
    assert [s.text for s in ss] == ["The talks went on.", "They ended\nlate on Monday.", "A new paragraph."]
    assert all(t[s.start:s.end] == s.text for s in ss)
    assert [s.paragraph for s in ss] == [0, 0, 1]


def test_abbreviations_and_initials_do_not_end_sentences():
    t = "President Joseph R. Biden, Jr. spoke with Gen. Milley on Jan. 27 in the U.S. capital. Mr. Smith left."
    assert texts(t) == ["President Joseph R. Biden, Jr. spoke with Gen. Milley on Jan. 27 in the U.S. capital.",
                        "Mr. Smith left."]


def test_acronym_ends_sentence_before_an_opener():
    assert texts("Troops left the U.S. The talks resumed.") == ["Troops left the U.S.", "The talks resumed."]


def test_no_is_an_abbreviation_only_before_a_number():
    assert texts("I said no. And we kept them. See No. 5 here.") == ["I said no.", "And we kept them.", "See No. 5 here."]


def test_transcript_labels_carry_until_next_label():
    t = ("THE PRESIDENT:  Good afternoon.  We are ready.\n\nWe will respond.\n\n"
         "Q    Will you meet him?\n\nMS. PSAKI:  Not today.")
    ss = split(t)
    assert [(s.speaker_label, s.text) for s in ss] == [
        ("THE PRESIDENT", "Good afternoon."), ("THE PRESIDENT", "We are ready."),
        ("THE PRESIDENT", "We will respond."), ("Q", "Will you meet him?"), ("MS. PSAKI", "Not today.")]


def test_markdown_escapes_survive():
    t = "Today’s speaker will be \\[senior administration official\\], who will speak. Then questions."
    ss = split(t)
    assert ss[0].text.endswith("will speak.") and "\\[" in ss[0].text


def test_datelines_are_skipped():
    assert texts("MOSCOW, Feb 14 (Reuters) - Talks went on. More followed.")[0] == "Talks went on."
    assert texts("(CNN)Talks went on.")[0] == "Talks went on."


def test_scraper_cell_joins_are_paragraph_breaks():
    t = "First paragraph ends.        , Second one starts.     ,     , Third."
    assert texts(t) == ["First paragraph ends.", "Second one starts.", "Third."]


def test_quote_running_over_paragraphs():
    t = "“We met them.\n\n“Then they asked again,” she said.\n\nNo quote here."
    spans = quotes(t, paragraphs(t))
    assert len(spans) == 1
    a, b = spans[0]
    assert t[a] == "“" and t[b - 1] == "”" and "Then they asked" in t[a:b]


def test_arbitrary_unicode_never_raises():
    for t in ["", "   ", "\x00\u2028?!…", "Q", "A:\n\nB:", "“unclosed\n\n“again", "..." * 50, "é" * 1000]:
        for s in split(t):
            assert t[s.start:s.end] == s.text


# The fast paths (the pattern-decided sentence ends, the join search, the
# mark-driven quote scan) against the plain rules they stand for, on random
# sentence-ish text.
import random  # noqa: E402

from negtrack import sentences  # noqa: E402

_PIECES = [".", ". ", "!", "?", "…", "...", '"', "“", "”", "’", "'", "(", ")", "[", "]", "\\[", "*", "_", ",", " , ",
           "   ,  ", "\n", "\n\n", " \n \n", "\t", "\u00a0", " ", "  ", "   ", "Mr", "mr", "MR", "Mrs", "No", "no", "nos",
           "U.S", "U.S.", "e.g", "i.e", "J", "A", "Q", "Q:", "THE PRESIDENT:", "(Reuters)", "(CNN)", "the", "The",
           "talks", "We", "x", "ab", "AB", "5", "2022", "Jan", "etc", "approx", "sept", "é", "ſ", "K", "İ", "St", ":"]


def _random_texts(n, seed=7):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(_PIECES) for _ in range(rnd.randrange(1, 60)))


def _reference_quotes(text, paras):
    spans, open_at = [], None
    for idx, (a, b) in enumerate(paras):
        i = a
        if open_at is not None and text[a] in "“\"":
            i = a + 1
        elif open_at is not None:
            spans.append((open_at, paras[idx - 1][1]))
            open_at = None
        for k in range(i, b):
            c = text[k]
            if c == "“" or (c == '"' and open_at is None):
                if open_at is None:
                    open_at = k
            elif c in "”\"" and open_at is not None:
                spans.append((open_at, k + 1))
                open_at = None
    if open_at is not None and paras:
        spans.append((open_at, paras[-1][1]))
    return spans


def test_fast_paths_match_the_plain_rules(monkeypatch):
    texts = list(_random_texts(3000))
    fast = [(sentences._breaks(t), split(t), quotes(t)) for t in texts]
    plain_end = sentences.rx.compile(r"(?:\.[.!?]*|![.!?]*|\?[.!?]*|…)" + sentences._CLOSERS + r"(?=\s)")
    monkeypatch.setattr(sentences, "_END", plain_end)  # every end decided by _is_boundary
    for t, (breaks, ss, qs) in zip(texts, fast):
        assert breaks == [m.span() for m in sentences._PARA_BREAK.finditer(t)], t
        assert split(t) == ss, t
        assert qs == _reference_quotes(t, paragraphs(t)), t


def test_sentences_built_without_init_are_whole_sentences():
    # split() fills Sentence objects directly for speed: a field added to Sentence
    # must show up here rather than go missing from every sentence.
    from dataclasses import fields

    from negtrack.models import Sentence

    text = "First one here. Second one, longer, follows it!\n\nQ: A question?\n\n" + "word " * 900
    names = [f.name for f in fields(Sentence)]
    got = sentences.split(text)
    assert len(got) >= 4
    for s in got:
        assert list(vars(s)) == names
        assert s == Sentence(**vars(s)) and hash(s) == hash(Sentence(**vars(s)))


def test_a_paragraph_a_line_text_ends_a_paragraph_at_each_newline():
    # News copied from a page: one paragraph a line, no blank lines; the
    # headline and the bullets have no full stop and must not run on.
    t = ("Talks end with a prisoner swap\n"
         "* Russia demands Ukraine give up land in Donetsk region; Kyiv refuses\n"
         "KYIV, Feb 5 (Reuters) - Ukraine and Russia concluded a second round of U.S.-brokered talks in Abu Dhabi "
         "on Thursday, with the two sides conducting a major prisoner swap.\n"
         "Ukrainian President Volodymyr Zelenskiy said the next round of talks would be held soon, likely in the "
         "United States.")
    ss = split(t)
    assert [s.text for s in ss] == [
        "Talks end with a prisoner swap",
        "Russia demands Ukraine give up land in Donetsk region; Kyiv refuses",
        "Ukraine and Russia concluded a second round of U.S.-brokered talks in Abu Dhabi on Thursday, "
        "with the two sides conducting a major prisoner swap.",
        "Ukrainian President Volodymyr Zelenskiy said the next round of talks would be held soon, likely in the "
        "United States.",
    ]
    assert [s.paragraph for s in ss] == [0, 1, 2, 3]
    assert all(t[s.start:s.end] == s.text for s in ss)


def test_hard_wrapped_text_joins_its_lines_but_starts_list_items():
    # Wrapped at 72 columns: a line ending mid-sentence before a capital is no
    # break, but a bullet starts its own paragraph (its wrapped lines stay in it).
    t = ("The fact sheet lists the calls the President and his Cabinet made with\n"
         "European allies and partners since November, in the order they were\n"
         "held:\n"
         "-   [November 9-13: Vice President Harris traveled to France to meet\n"
         "    with President Macron](https://example.org/a)\n"
         "-   [December 2: Secretary Blinken joins the OSCE ministerial meeting\n"
         "    in Stockholm](https://example.org/b)\n")
    ss = split(t)
    assert [s.text for s in ss] == [
        "The fact sheet lists the calls the President and his Cabinet made with\n"
        "European allies and partners since November, in the order they were\nheld:",
        "[November 9-13: Vice President Harris traveled to France to meet\n    with President Macron]"
        "(https://example.org/a)",
        "[December 2: Secretary Blinken joins the OSCE ministerial meeting\n    in Stockholm](https://example.org/b)",
    ]
    # short lines that all end a sentence are not taken for a paragraph a line
    short = "The talks went on.\nThey ended late.\nNobody spoke\nafterwards."
    assert [s.text for s in split(short)] == ["The talks went on.", "They ended late.", "Nobody spoke\nafterwards."]


def test_zero_width_marks_before_a_sentence_do_not_hide_its_start():
    # Some news sites mark their copy with invisible characters: ". \u200dA new round".
    t = "Russia's position is unchanged, Peskov said. \u200dA new round of talks began on Wednesday. \u2060Kyiv agreed."
    assert [s.text.lstrip("\u200d\u2060") for s in split(t)] == [
        "Russia's position is unchanged, Peskov said.", "A new round of talks began on Wednesday.", "Kyiv agreed."]
