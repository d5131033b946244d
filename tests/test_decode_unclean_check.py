"""The plain-UTF-8 fast path of `decode` tells text that `clean` would change by byte and
character searches (`_unclean_non_ascii`), not by a regex pass: the same answer as the regex for
every character, and `decode` the same as its general path on any text."""

import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsprep import decode as D

from .test_decode_utf8_fastpath import _decoded, _general  # decode, and its general path


def test_every_non_ascii_character_is_judged_as_the_regex_judges_it():
    for code in range(0x80, sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # not in strictly decoded UTF-8
        ch = chr(code)
        text = f"a{ch}b"
        want = D._UNCLEAN.search(text) is not None
        assert D._unclean_non_ascii(text.encode(), text) == want, hex(code)


_PIECES = st.sampled_from(["\x80", "\x85", "\x9f", "\xa0", "\xc2", "\u2028", "\u2029", "\ufeff",
                           "\ufffe", "\uffff", "é", "“", "—", "€", "中", "😀", "a", " ", "\n",
                           "\t", "\r", "\x0c", "\x1c", "\x00", "\x7f", "word"])
TEXTS = st.one_of(st.text(), st.lists(_PIECES, min_size=1, max_size=30).map("".join))


@settings(max_examples=1000, deadline=None)
@given(TEXTS, st.booleans())
@example("Title\n\ncafé \x85 x", True)
@example("Title\n\n“quoted” —\u2028x", True)
@example("Title\n\nprix: 5 €\ufeff", True)
@example("Title\n\n“quoted” — £5, ©", True)
def test_decode_is_its_general_path(text, normalise):
    data = text.encode("utf-8")
    if data.strip():
        assert _decoded(data, normalise) == _general(data, normalise)
