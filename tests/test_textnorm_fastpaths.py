"""The ASCII fast paths of textnorm give exactly what the regex definitions give."""

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import textnorm as T

_KEY_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def _title_key_ref(text: str) -> str:
    return " ".join(_KEY_WORD.findall(T.fold(text)))


def _fold_ref(text: str) -> str:
    import unicodedata

    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


SAMPLES = ["Grand Slam | BBC Sport", "x_y__z 12", "  tabs\tand\x0b\x1c odd\x85 spaces\u00a0 ",
           "Ｆｕｌｌ　width ﬁ Straße", "İstanbul — ÇA", "", "___", "a-b.c,d"]


def test_title_key_and_vocabulary_match_their_regex_definitions():
    rnd = random.Random(7)
    alphabet = "".join(map(chr, range(128))) + "éßİ\u00a0\u2003ﬁ_"
    texts = SAMPLES + ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 50)))
                       for _ in range(5000)]
    for text in texts:
        assert T.title_key.__wrapped__(text) == _title_key_ref(text), repr(text)
        assert T.vocabulary(text) == set(_TOKEN.findall(text.lower())), repr(text)
        assert T.fold(text) == _fold_ref(text), repr(text)


# Text off the ASCII paths: curly quotes, dashes, accents precomposed and combining, characters
# NFKC changes (ligatures, full width, superscripts, the spacing acute U+00B4, which becomes a
# space and a combining mark), case folding beyond lower() (ß, final sigma, the Kelvin sign),
# digits and letters of other scripts, odd spaces and line separators, a lone surrogate.
UNICODE = st.text(st.one_of(
    st.sampled_from(list("aZ9_ ,.-'\t\n\x0b\x1c\x85\u00a0\u2028\u2003“”‘’—–…«»·•€é\u0301\u00b4"
                         "ßςΣ\u212aİıﬁＡ２²ⅷ٣中ж\U0001d400\U0001f600\ud800")),
    st.characters()), max_size=40)


@settings(max_examples=1500, deadline=None)
@given(UNICODE)
def test_unicode_text_gives_what_the_regex_definitions_give(text):
    assert T.title_key.__wrapped__(text) == _title_key_ref(text)
    assert T.vocabulary(text) == set(_TOKEN.findall(text.lower()))


@settings(max_examples=500, deadline=None)
@given(st.lists(UNICODE.map(lambda t: t.replace("\n", " ")), min_size=1, max_size=8))
def test_edge_keys_and_word_bytes_of_unicode_text(texts):
    from newsprep.corpus import collapse_spaces, edge_bytes, word_bytes

    assert collapse_spaces(edge_bytes(texts)) == "\n".join(
        _title_key_ref(t) for t in texts).encode("utf-8", "surrogatepass")
    for text in texts:
        words = word_bytes(text).decode("utf-8", "surrogatepass").split(" ")
        assert set(words) - {""} == set(_TOKEN.findall(text.lower()))


@settings(max_examples=400, deadline=None)
@given(UNICODE, st.integers(1, 40))
def test_both_ways_of_cutting_unicode_words_agree(text, times):
    """Few non-ASCII characters: a codec error handler, folding run by run; many: the text
    folded whole, then one regex pass. Same bytes, for each table and fold."""
    text = text * times  # long texts too, with many runs of non-ASCII characters
    few = T.FEW_NON_ASCII
    for table in (T.UTF8_KEY, T.UTF8_WORDS):
        for fold in (None, "casefold", "lower"):
            folded = text if fold is None else getattr(text, fold)()
            want = T._NON_ASCII_NON_WORD.sub(" ", folded).encode(
                "utf-8", "surrogatepass").translate(table)
            try:
                for T.FEW_NON_ASCII in (10**9, -1):  # the handler, then the regex
                    assert T.words_as_bytes(text, table, fold) == want, (fold, T.FEW_NON_ASCII)
            finally:
                T.FEW_NON_ASCII = few


def test_typographic_marks_blanked_first_are_no_word_characters():
    """`words_as_bytes` makes the typographic marks spaces before anything else: what any path
    would make of them, as none is a word character and each folds to itself (and NFKC, which
    callers may apply first, keeps each or makes it a space)."""
    import unicodedata

    for mark in T._TYPOGRAPHIC:
        assert not T._WORD.match(mark) and not re.match(r"\w", mark)
        assert mark.lower() == mark.casefold() == mark
        assert unicodedata.normalize("NFKC", mark) in (mark, " ")
    assert T.words_as_bytes("“Ça” — c’est", T.UTF8_WORDS, "lower") == " ça    c est".encode()


# `nfkc` replaces the ellipsis and the no-break space by their decompositions before NFKC: the
# same result for any text, combining marks after them and characters NFKC changes around them.
COMPAT_TEXT = st.lists(st.one_of(
    st.sampled_from(["\u2026", "\xa0", "\u0301", "\u0308", "\u0327", "e", ".", " ", "ﬁ", "²",
                     "\u00b4", "\u2026\u0301", "\xa0\u0308", "\u1100", "\u1161", "\u212b"]),
    st.characters()), max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(COMPAT_TEXT)
def test_nfkc_is_unicodedata_nfkc(text):
    import unicodedata

    assert T.nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_examples():
    assert T.nfkc("Wait\u2026 what?\xa0Yes") == "Wait... what? Yes"
    assert T.nfkc("caf\u00e9\u2026") == "caf\u00e9..."
    assert T.nfkc("\xa0\u0301") == " \u0301"  # NFKC's, though a mark follows the space
