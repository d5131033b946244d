"""`record.content_hash` (a byte-level fast path) is the hash of the plain definition, the title
key and " ".join(NFKC(text).split()), for any text: non-ASCII, every kind of str.split()
whitespace (\\x1c-\\x1f, NEL, no-break and wide spaces, line and paragraph separators),
characters NFKC turns into spaces, NULs and lone surrogates."""

import sys
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsprep import record
from newsprep.textnorm import hash_hex, title_key


def _reference(title: str, text: str) -> str:
    return hash_hex(title_key(title), " ".join(unicodedata.normalize("NFKC", text).split()))


_SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
_PIECES = st.sampled_from([
    *_SPACES, "\n\n", "\n\n\n", " \n\n", "\n\n ", "word", "Word", "é", "ﬁ", "¨", "\u00a8 ",
    "\x00", "\ud800", "\udfff", "—", "“", "’s", "Σ", "\U0001f600", "AA", "a"])
TEXTS = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=())),  # surrogates too
    st.lists(_PIECES, max_size=30).map("".join),
    st.lists(st.lists(_PIECES, min_size=1, max_size=8).map("".join), max_size=6)
    .map("\n\n".join),  # paragraphs, as a record's text is made
)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(["Title", "", " Ünï  cødé\x1c"]), TEXTS)
@example("T", "one two\n\nthree")
@example("T", "one  two")
@example("T", "one\n\n\nthree")
@example("T", "\n\none")
@example("T", "one\n\n")
@example("T", "one \x1c\n\ntwo")
@example("T", "one\u2028two\xa0 three")
@example("T", "x\u1680y")
@example("T", "a\x85b")
@example("T", "a\u2029b")
@example("T", "a\u3000\u3000b")
@example("T", "a\u00a8b")
@example("T", "a\ud800 b")
@example("T", "single")
def test_content_hash_is_the_plain_definition(title, text):
    assert record.content_hash(title, text) == _reference(title, text)


def test_the_spaces_nfkc_keeps_are_all_known():
    """The fast path looks for these only: every other non-ASCII space is NFKC's " "."""
    kept = {ch for ch in _SPACES if ch > "\x7f" and unicodedata.normalize("NFKC", ch) == ch}
    assert kept == set(record._NFKC_SPACES)
    assert all(unicodedata.normalize("NFKC", ch).isascii() for ch in _SPACES if ch not in kept)


def test_paragraphs_and_typographic_text_take_the_fast_path(monkeypatch):
    """A record's text (paragraphs joined by blank lines, curly quotes, dashes) is hashed
    without `squash`; only texts with runs of whitespace go by it."""
    calls = []
    monkeypatch.setattr(record, "squash", lambda text: calls.append(text) or "")
    for text in ("One two.\n\nThree\tfour.\n\nFive", "“Quoted” — l’été\n\nﬁn Ｆｕｌｌ"):
        assert record.content_hash("T", text) == _reference("T", text)
    assert calls == []
    record.content_hash("T", "one  two")
    assert calls == ["one  two"]


_PARAGRAPH = st.one_of(TEXTS, st.lists(st.sampled_from(
    ["\u0301", "\u0308", "\u1100", "\u1161", "\u11a8", "e", " ", "\n", "\u00a8", "ﬁ"]),
    max_size=6).map("".join))  # combining marks and Hangul jamo at a paragraph's edges too


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(["Title", "", " Ünï  cødé\x1c"]), st.lists(_PARAGRAPH, max_size=6))
@example("T", [])
@example("T", [""])
@example("T", ["", ""])
@example("T", ["one two", "three"])
@example("T", ["one ", "two"])
@example("T", ["one", " two"])
@example("T", ["one", "", "two"])
@example("T", ["e", "\u0301x"])  # NFKC composes é within a text, never across the break
@example("T", ["\u1100", "\u1161"])  # nor a Hangul syllable
@example("T", ["a\u00a8", "b"])  # NFKC makes ¨ a space and a combining mark
@example("T", ["a\u2028", "b"])
@example("T", ["ﬁ  x"])
def test_paragraphs_hash_is_the_hash_of_the_joined_text(title, paragraphs):
    """`paragraphs_hash` (what a record's content hash is made by, from the segmented body)
    is the plain definition's hash of the text the record holds, "\\n\\n".join(paragraphs)."""
    assert record.paragraphs_hash(title, paragraphs) == _reference(title, "\n\n".join(paragraphs))


def test_a_record_body_takes_the_fast_path(monkeypatch):
    """Paragraphs as segmentation gives them (stripped, single spaces) are hashed without
    `squash`, typographic ones too; a run of spaces inside one goes by it."""
    calls = []
    monkeypatch.setattr(record, "squash", lambda text: calls.append(text) or "")
    for body in (["One two.", "Three\tfour.", "Five"], ["“Quoted” — l’été", "ﬁn Ｆｕｌｌ"]):
        assert record.paragraphs_hash("T", body) == _reference("T", "\n\n".join(body))
    assert calls == []
    record.paragraphs_hash("T", ["one", "two  three"])
    assert calls == ["one two  three"]
