"""The ASCII fast paths of textnorm give exactly what the regex definitions give."""

import random
import re

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
