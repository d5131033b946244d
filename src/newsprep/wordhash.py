"""A 64-bit hash of a word (its UTF-8 bytes), computed for every word of a buffer at once with
numpy or for one word in pure Python, with the same result.

The word is read as little-endian 64-bit lanes (the last one zero-padded); the state starts at
its length times a constant and each lane is mixed in with the murmur3 finaliser. Words of up to
8 bytes (most words) never collide with each other at the same length (the finaliser is a
bijection); other pairs collide with a probability of about 2**-64."""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1
_LEN = 0x9E3779B97F4A7C15
_C1 = 0xFF51AFD7ED558CCD
_C2 = 0xC4CEB9FE1A85EC53
_SPACE = 32
_SCALAR_TAIL = 32  # at most this many words left with more lanes: finished in Python


def _fmix(x: int) -> int:
    x ^= x >> 33
    x = (x * _C1) & MASK64
    x ^= x >> 33
    x = (x * _C2) & MASK64
    return x ^ (x >> 33)


def word_hash(word: bytes) -> int:
    """The hash of one word."""
    n = len(word)
    h = (n * _LEN) & MASK64
    x = int.from_bytes(word, "little")
    for _ in range(max(1, (n + 7) >> 3)):
        h = _fmix(h ^ (x & MASK64))
        x >>= 64
    return h


def _fmix_array(x: np.ndarray) -> np.ndarray:
    x ^= x >> np.uint64(33)
    x *= np.uint64(_C1)
    x ^= x >> np.uint64(33)
    x *= np.uint64(_C2)
    x ^= x >> np.uint64(33)
    return x


def token_spans(buf: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of non-space bytes of `buf` (its words)."""
    word = np.zeros(len(buf) + 2, dtype=bool)
    word[1:-1] = np.frombuffer(buf, dtype=np.uint8) != _SPACE
    edges = np.flatnonzero(word[1:] != word[:-1])
    return edges[0::2], edges[1::2]


def _lane(lanes: np.ndarray, pos: np.ndarray, left: np.ndarray) -> np.ndarray:
    """The 8 bytes at each `pos`, those beyond the word (`left` >= 1 bytes remain) zeroed."""
    drop = (64 - 8 * np.minimum(left, 8)).astype(np.uint64)  # bits to drop: 0 to 56
    return lanes[pos] & (np.uint64(MASK64) >> drop)


def span_hashes(buf: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`word_hash(buf[s:e])` for every span, vectorised over the spans."""
    padded = buf + bytes(8)
    # every byte offset as the start of a little-endian uint64 (an unaligned, overlapping view)
    lanes = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    lengths = ends - starts
    h = lengths.astype(np.uint64) * np.uint64(_LEN)
    h = _fmix_array(h ^ _lane(lanes, starts, lengths))
    active = np.flatnonzero(lengths > 8)
    offset = 8
    while len(active) > _SCALAR_TAIL:
        left = lengths[active] - offset
        h[active] = _fmix_array(h[active] ^ _lane(lanes, starts[active] + offset, left))
        offset += 8
        active = active[left > 8]
    for i in active.tolist():  # a few long words: one Python pass each, from scratch
        h[i] = word_hash(buf[starts[i]: ends[i]])
    return h
