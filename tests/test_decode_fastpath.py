"""The plain-ASCII fast path of `decode` gives what the general path gives."""

import random

import pytest

from newsprep import decode as D


def _general(data: bytes, normalise: bool) -> tuple:
    text, encoding, padded = D._text(data)
    assert not D._mostly_controls(text)
    if not normalise:
        return text, encoding, padded or encoding != "utf-8"
    text, removed = D.clean(text)
    return text, encoding, padded or removed or encoding != "utf-8"


@pytest.mark.parametrize("normalise", [True, False])
def test_plain_ascii_fast_path_matches_the_general_path(normalise):
    rnd = random.Random(5)
    printable = bytes((9, 10, *range(32, 127)))
    for _ in range(3000):
        data = bytes(rnd.choice(printable) for _ in range(rnd.randint(1, 40)))
        if not data.strip():
            continue
        assert D._plain_ascii(data)
        got = D.decode(data, normalise=normalise)
        assert (got.text, got.encoding, got.repaired) == _general(data, normalise)


@pytest.mark.parametrize("data", [b"a\r\nb", b"a\x0cb", b"a\x00", b"%PDF-1.4 x", b"caf\xc3\xa9",
                                  b"a\x1bb", b"a\x7fb"])
def test_anything_to_repair_or_detect_takes_the_general_path(data):
    assert not D._plain_ascii(data)
