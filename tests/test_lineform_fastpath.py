"""`line_form` asks each pattern only where the characters it needs are there, `n_words`
counts ASCII words by a byte table and `strip_bullet` looks no further than a line's first
letter: each must answer exactly as the plain definitions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import lineform as LF
from newsprep.lineform import FRAGMENT, HEADLINE, SENTENCE, line_form, n_words, strip_bullet


def reference_n_words(text: str) -> int:
    return len(LF._WORD.findall(text))


def reference_form(line: str, headline_words: tuple[int, int] = (3, 20)) -> str:
    """The definition, every pattern asked."""
    text = line.strip()
    if not text:
        return FRAGMENT
    tail = text[-8:]
    ends_stop = bool(LF._FINAL_STOP.search(tail))
    n = len(text.split())
    if (ends_stop and n >= 6) or text[0].islower():
        return SENTENCE
    inner = bool(LF._INNER_STOP.search(text))
    if inner and n >= 8:
        return SENTENCE
    n = reference_n_words(text)
    low, high = headline_words
    if ends_stop or inner or not low <= n <= high or not LF._starts_high(text):
        return FRAGMENT
    if text[-1] in ")]" or LF._URL.search(text):
        return FRAGMENT
    if LF._FINAL_ASK.search(tail) and n > high // 2:
        return FRAGMENT
    return HEADLINE


PIECES = st.sampled_from([
    "Oil", "prices", "fall", "Inc", "St", "vs", "BBC", "x", "don't", "it's", "a'b'c", "''",
    "'", "’", "rock’n’roll", "1", "42", "_", "é", "Ünited", ".", "...", "…", ",", ";", ":",
    "?", "!", "\"", "”", "“", ")", "(", "]", "http://x.io", "www.bbc.co.uk", "WWW.X.Y", "/",
    " ", "  ", "\t", "\x1c", "\x0b", "Read more", "The", "the", "Q2.", "3.", "Inc.", "$5"])
LINES = st.lists(PIECES, min_size=0, max_size=30).map("".join) | st.lists(
    PIECES, min_size=0, max_size=30).map(" ".join)


@settings(max_examples=1500, deadline=None)
@given(LINES)
def test_line_form_same_answer_as_the_definition(line):
    for words in ((3, 20), (1, 4), (2, 8)):
        assert line_form(line, words) == reference_form(line, words)


MARKERS = st.sampled_from(["• ", "·", "* ", ">> ", "» ", "▪ ", "► ", "- ", "– ", "—", "1. ",
                           "12) ", "١. ", "  ", "\t", "ª ", "Ⅻ. ", "x "])


def reference_strip(line: str, in_list: bool) -> str:
    m = LF._BULLET.match(line) or (LF._DASH_OR_NUMBER.match(line) if in_list else None)
    return line[m.end():] if m else line


@settings(max_examples=1500, deadline=None)
@given(st.lists(MARKERS, max_size=3).map("".join), LINES | st.text(max_size=20), st.booleans())
def test_strip_bullet_same_answer_as_the_patterns(marker, line, in_list):
    assert strip_bullet(marker + line, in_list) == reference_strip(marker + line, in_list)


@settings(max_examples=1500, deadline=None)
@given(LINES | st.text(max_size=40))
def test_n_words_same_count_as_the_pattern(text):
    assert n_words(text) == reference_n_words(text)


def test_examples():
    assert n_words("a'b'c don't a''b 'x' y_z") == 7  # a'b'c, don't, a, b, x, y, z
    assert line_form("Oil prices fall as OPEC meets") == HEADLINE
    assert line_form("Shares fell. Then they rose") == FRAGMENT  # a sentence ends inside
    assert line_form("Visit www.example.com for More News") == FRAGMENT
    assert line_form("Is this the end of the world as we know it, asks the BBC?") == FRAGMENT
