"""The plain-UTF-8 fast path of `decode` and the no-op fast paths of `clean` give what the
general path gives, on random text full of the characters that path repairs or detects."""

import codecs
import random

import pytest

from newsprep import decode as D

# characters the general path treats specially (breaks, controls, BOM, C1, surrogates' cousins)
# mixed with ordinary ASCII and non-ASCII text
SPECIAL = ["\r", "\r\n", "\x0c", "\x85", "\u2028", "\u2029", "\x00", "\x01", "\x1b", "\x7f",
           "\x80", "\x9f", "\ufeff", "\ufffe", "\t", "\n", " ", "\u00a0", "\u3000"]
PLAIN = list("abc XYZ.,;") + ["é", "ß", "Σ", "中文", "😀", "naïve", "“quoted”", "…"]


def _general(data: bytes, normalise: bool) -> tuple:
    """What `decode` gave before the fast paths (its slow path, step by step)."""
    try:
        text, encoding, padded = D._text(data)
    except D.DecodeFailure as fail:
        return ("fail", fail.reason)
    if D._mostly_controls(text):
        return ("fail", "binary")
    if not normalise:
        return text, encoding, padded or encoding != "utf-8"
    text, removed = D._BREAKS.sub("\n", text), False
    cleaned = D._CONTROL.sub("", text)
    removed = len(cleaned) != len(text)
    if not cleaned.strip():
        return ("fail", "empty")
    return cleaned, encoding, padded or removed or encoding != "utf-8"


def _decoded(data: bytes, normalise: bool) -> tuple:
    try:
        got = D.decode(data, normalise=normalise)
    except D.DecodeFailure as fail:
        return ("fail", fail.reason)
    return got.text, got.encoding, got.repaired


def _samples(seed: int, n: int, special_rate: float) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rnd.choice(SPECIAL) if rnd.random() < special_rate else rnd.choice(PLAIN)
                 for _ in range(rnd.randint(1, 30))]
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("normalise", [True, False])
@pytest.mark.parametrize("special_rate", [0.0, 0.05, 0.5])
def test_utf8_fast_path_matches_the_general_path(normalise, special_rate):
    for text in _samples(int(special_rate * 100) + normalise, 2000, special_rate):
        data = text.encode("utf-8")
        if not data.strip():
            continue
        assert _decoded(data, normalise) == _general(data, normalise), repr(text)


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF8 + "café".encode(),  # the BOM is dropped by the general path
    "café\u2028x".encode(), "café\x85x".encode(), "café\r\nx".encode(), "é\x00".encode(),
    "\u00a0\u3000".encode(),  # only (non-ASCII) white space: empty
    b"%PDF-1.4 \xc3\xa9", "é".encode("utf-16"), b"caf\xe9",  # binary, UTF-16, Latin-1
])
def test_what_needs_the_general_path_is_left_to_it(data):
    assert D._plain_utf8(data, True) is None
    for normalise in (True, False):
        assert _decoded(data, normalise) == _general(data, normalise)


def test_clean_fast_paths_match_the_regexes():
    for text in _samples(7, 3000, 0.2) + _samples(8, 500, 0.0) + ["", "plain ascii", "a\rb"]:
        want = D._CONTROL.sub("", D._BREAKS.sub("\n", text))
        broken = D._BREAKS.sub("\n", text)
        assert D.clean(text) == (want, len(want) != len(broken)), repr(text)


@pytest.mark.parametrize("line", [b'{"title": "T", "text": "x"}\r\n', b'{"a": "\x0c"}\n',
                                  '{"a": "café"}\r\n'.encode()])
def test_a_crlf_json_line_takes_a_fast_path_with_the_general_paths_result(line):
    assert D._plain_ascii(line, False) or D._plain_utf8(line, False) is not None
    assert _decoded(line, False) == _general(line, False)
    assert not D._plain_ascii(line) and D._plain_utf8(line, True) is None  # normalised: slow
