"""MinHash tokens of texts off ASCII: encoded as they are and lower-cased in the UTF-8 bytes
(`minhash._lower_utf8`), or text by text when a character cannot be (Σ, İ, Ⱥ, ...). Both must
give the tokens of the definition: the whole text lower-cased, punctuation as spaces, split."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import minhash
from newsprep.minhash import Scheme, signatures

PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»–—…"
BREAKS = re.compile(rb"[ \t\n\r\x0b\x0c\x01]+")
# ASCII, Latin-1 letters of both cases, Cyrillic, Greek with Σ (final σ by its neighbours),
# İ (two characters lower-cased), Ⱥ (lower case one UTF-8 byte longer), Kelvin sign (ASCII
# lower case), ẞ, wide punctuation, a lone surrogate, an emoji (4 bytes), ×
ALPHABET = ("aZ q\n\t.,'\x01ÁÉéúÿÀÞß×ДдЖжΑΣσςİıⱯⱥȺ\u212aẞ“”‘’«»–—…\ud800😀Ωω")
texts_st = st.lists(st.text(alphabet=ALPHABET, max_size=40), max_size=6)


def _tokens(text: str) -> list[bytes]:
    lowered = text.lower().translate(str.maketrans({c: " " for c in PUNCT}))
    return [t for t in BREAKS.split(lowered.encode("utf-8", "surrogatepass")) if t]


def _split(buf, lengths) -> list[list[bytes]]:
    data, out, at = bytes(buf), [], 1
    assert data[:1] == b" " and data[-1:] == b" "
    for n in lengths.tolist():
        out.append(data[at: at + n].split())
        at += n + 1
    assert at == len(data)
    return out


@settings(max_examples=300, deadline=None)
@given(texts_st)
def test_token_bytes_give_the_tokens_of_the_lower_cased_texts(texts):
    assert _split(*minhash._token_bytes(texts)) == [_tokens(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(texts_st)
def test_signatures_equal_those_of_the_text_by_text_tokens(texts):
    scheme = Scheme(num_perm=16, shingle_words=2)
    fast = signatures(texts, scheme)
    original = minhash._token_bytes
    minhash._token_bytes = minhash._token_bytes_by_text
    try:
        slow = signatures(texts, scheme)
    finally:
        minhash._token_bytes = original
    assert np.array_equal(fast, slow)


def test_lower_utf8_lowers_in_place_or_refuses_untouched():
    def run(text):
        data = np.frombuffer(bytearray((text + " ").encode("utf-8", "surrogatepass")), np.uint8)
        before = data.tobytes()
        return minhash._lower_utf8(data), before, data.tobytes()

    ok, _, after = run("ÁÉ Дж Ωω 😀 é")
    assert ok and after == "áé дж ωω 😀 é ".encode()
    for odd in ("ΑΣ", "İx", "Ⱥ", "\u212a"):
        ok, before, after = run("É " + odd)
        assert not ok and after == before


@settings(max_examples=50, deadline=None)
@given(texts_st, st.integers(0, 5))
def test_a_text_of_many_non_ascii_characters_beside_few_gives_the_same_tokens(texts, at):
    many = "Ωμέγα ΑΣ Дом “x” " * 40  # more than FEW_NON_ASCII extra UTF-8 bytes
    texts = texts[:at] + [many] + texts[at:]
    assert _split(*minhash._token_bytes(texts)) == [_tokens(t) for t in texts]


def test_non_ascii_punctuation_blanked_first_gives_the_same_tokens():
    """`_token_bytes` makes the curly quotes, dashes and ellipsis spaces before anything else,
    but not in a text holding Σ: its lower case depends on the characters around it."""
    texts = ["“Quoted” — text… isn’t it?", "Z‘Σ", "ΟΔΟΣ’ ‘x’", "naïve — café"]
    assert _split(*minhash._token_bytes(texts)) == [_tokens(t) for t in texts]
    assert minhash.blank_marks("“a” – b…", minhash._WIDE_PUNCT_CHARS) == " a    b "
