"""MinHash signatures and LSH band keys against a plain-Python reference of the documented hash
(tokens, polynomial token hash, k-shingles, one-permutation slots and values by multiply-shift,
densified empty slots), so the vectorised code may be rearranged for speed without changing one
bit of the dataset."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from newsprep import minhash
from newsprep.minhash import Scheme, band_keys, signatures

M64 = (1 << 64) - 1
MIX = 0x9E3779B97F4A7C15
P = 0x100000001B3
PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»–—…"
BREAKS = re.compile(rb"[ \t\n\r\x0b\x0c\x01]+")


def _mix(x: int) -> int:
    x ^= x >> 31
    x = (x * MIX) & M64
    return x ^ (x >> 29)


def _tokens(text: str) -> list[bytes]:
    lowered = text.lower().translate(str.maketrans({c: " " for c in PUNCT}))
    return [t for t in BREAKS.split(lowered.encode("utf-8", "surrogatepass")) if t]


def _token_hash(token: bytes) -> int:
    raw = sum(b * pow(P, i, 1 << 64) for i, b in enumerate(token)) & M64
    return _mix(raw ^ ((len(token) * MIX) & M64))


def _shingles(text: str, k: int) -> list[int]:
    pos = [int(p) for p in minhash._positions(64, k)]
    h = [_token_hash(t) for t in _tokens(text)]
    if len(h) < k:
        return [_mix((sum(x * p for x, p in zip(h, pos, strict=False)) + len(h)) & M64)]
    return [_mix((sum(h[s + j] * pos[j] for j in range(k)) + k) & M64)
            for s in range(len(h) - k + 1)]


def _signature(text: str, scheme: Scheme) -> list[int | None]:
    (a_slot, a_value), (b_slot, b_value), donors = minhash._slots(scheme.num_perm)
    slots: list[int | None] = [None] * scheme.num_perm
    for x in _shingles(text, scheme.shingle_words):
        j = ((((int(a_slot) * x + int(b_slot)) & M64) >> 32) * scheme.num_perm) >> 32
        value = ((int(a_value) * x + int(b_value)) & M64) >> 32
        if slots[j] is None or value < slots[j]:
            slots[j] = value
    return [v if v is not None else next(slots[d] for d in donors[j] if slots[d] is not None)
            for j, v in enumerate(slots)]


def _band_keys(sig: list[int], scheme: Scheme) -> list[int]:
    bands, rows = scheme.bands
    pos = [int(p) for p in minhash._positions(scheme.num_perm, scheme.shingle_words)]
    return [_mix(sum(sig[band * rows + r] * pos[r] for r in range(rows)) & M64)
            for band in range(bands)]


ALPHABET = list("aAbBcC zZ\t\n\r.,!-'\"“”‘’«»–—…éÉİKßΣσ\u00a0\u3000\x0b\x0c") + [
    "\ud800", "word", "Über", "naïve", "  ", "The", "news"]


def _texts(seed: int, n: int, longest: int) -> list[str]:
    rnd = random.Random(seed)
    out = ["", " ", "a", "a b", "a b c d", "a b c d e", "one two three four five six", "...",
           "«»", "A\x01B c d e f"]
    out += ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, longest)))
            for _ in range(n)]
    return out


@pytest.mark.parametrize("scheme", [Scheme(), Scheme(128, 3, 0.5), Scheme(32, 7, 0.9)])
def test_signatures_and_band_keys_match_the_reference(scheme):
    texts = _texts(1, 40, 120)
    sigs = signatures(texts, scheme)
    assert sigs.dtype == np.uint32 and sigs.shape == (len(texts), scheme.num_perm)
    keys = band_keys(sigs, scheme)
    for i, text in enumerate(texts):
        want = _signature(text, scheme)
        assert sigs[i].tolist() == want, repr(text)
        assert keys[i].tolist() == _band_keys(want, scheme), repr(text)


def test_ascii_prose_matches_the_reference():
    from newsprep.synthetic import Generator

    texts = [a.text for a in Generator(4, dup_rate=0, near_rate=0).articles(3)]
    sigs = signatures(texts, Scheme())
    assert [s.tolist() for s in sigs] == [_signature(t, Scheme()) for t in texts]


def test_grouping_and_windows_do_not_change_signatures(monkeypatch):
    """Texts are tokenised and signed in groups and their bytes hashed in windows: any cut gives
    the same."""
    scheme = Scheme()
    texts = _texts(2, 200, 400) + ["word " * 3000]  # one text longer than a window
    whole = signatures(texts, scheme)
    monkeypatch.setattr(minhash, "_GROUP_BYTES", 50)
    monkeypatch.setattr(minhash, "_WINDOW", 7)
    assert (signatures(texts, scheme) == whole).all()
    one_by_one = np.vstack([signatures([t], scheme) for t in texts])
    assert (one_by_one == whole).all()


def test_a_control_byte_in_a_text_is_a_token_break_not_a_text_break():
    scheme = Scheme()
    texts = ["alpha beta gamma delta epsilon\x01zeta", "one two three four five six"]
    sigs = signatures(texts, scheme)
    assert (sigs[0] == signatures(["alpha beta gamma delta epsilon zeta"], scheme)[0]).all()
    assert (sigs[1] == signatures([texts[1]], scheme)[0]).all()


def test_no_texts():
    assert signatures([], Scheme()).shape == (0, 64)


def test_short_texts_need_bounded_scratch():
    """A group of texts (128 KB) may hold thousands of one-word texts, each with 63 of 64
    slots to densify: the scratch stays a few integers a slot, not a row of num_perm each."""
    import tracemalloc

    texts = [f"w{i}" for i in range(30000)]
    tracemalloc.start()
    try:
        sigs = signatures(texts, Scheme())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 150 << 20, peak  # one row of donors per empty slot took 400 MB and more
    assert (sigs == sigs[:, :1]).all()  # one shingle each: every slot holds its value
