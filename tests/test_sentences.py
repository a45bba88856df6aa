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
