"""MinHash signatures and LSH band keys, vectorised with numpy. Pure and deterministic.

A text's word k-shingles are hashed by combining per-word xxh3 hashes (each word hashed once),
then `num_perm` multiply-shift hash functions `(a*x + b) mod 2**64 >> 32` are applied to all the
shingles of a batch of texts at once and reduced to their minimum per text. The signature is
banded (`bands` x `rows`, chosen as datasketch's MinHashLSH chooses them) into 64-bit band keys;
two texts are near-duplicate candidates when one band key is equal, and are verified by the share
of equal signature values (16 bits of each are kept for that)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import xxhash

_MIX = np.uint64(0x9E3779B97F4A7C15)
_BATCH_SHINGLES = 1 << 13  # shingles hashed at once (num_perm x this x 8 bytes of scratch)
# Tokens: lower-cased, ASCII punctuation as space, split on white space (cheap; near-duplicate
# detection does not need the detectors' Unicode folding).
_PUNCT = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»–—…"})


@dataclass(frozen=True)
class Scheme:
    num_perm: int = 64
    shingle_words: int = 5
    threshold: float = 0.8

    @property
    def bands(self) -> tuple[int, int]:
        return _bands(self.threshold, self.num_perm)


@cache
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + false negatives around `threshold` (equal
    weights), as datasketch's MinHashLSH chooses them (without importing scipy)."""
    best, opt = float("inf"), (1, num_perm)
    lo = np.linspace(0.0, threshold, 513)
    hi = np.linspace(threshold, 1.0, 513)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = np.trapezoid(1 - (1 - lo**r) ** b, lo)
            fn = np.trapezoid((1 - hi**r) ** b, hi)
            if fp + fn < best:
                best, opt = fp + fn, (b, r)
    return opt


@cache
def _params(num_perm: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(20240607))
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    pos = rng.integers(1, 2**63, size=max(k, num_perm), dtype=np.uint64) | np.uint64(1)
    return a, b, pos


_WORD_HASH: dict[str, int] = {}


def _word_hash(word: str) -> int:
    h = _WORD_HASH.get(word)
    if h is None:
        h = xxhash.xxh3_64_intdigest(word.encode("utf-8", "surrogatepass"))
        if len(_WORD_HASH) < 1 << 20:
            _WORD_HASH[word] = h
    return h


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(31))
    x = x * _MIX
    return x ^ (x >> np.uint64(29))


def shingle_hashes(text: str, k: int) -> np.ndarray:
    """64-bit hashes of the word k-shingles of `text`; at least one per text."""
    toks = text.lower().translate(_PUNCT).split()
    h = np.fromiter(map(_word_hash, toks), dtype=np.uint64, count=len(toks))
    _, _, pos = _params(64, k)
    n = max(1, len(toks) - k + 1)
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(min(k, len(toks))):
            acc += h[j: j + n] * pos[j]
        return _mix(acc + np.uint64(min(k, len(toks))))


def signatures(texts: list[str], scheme: Scheme) -> np.ndarray:
    """The MinHash signatures of `texts`: uint32 array of shape (len(texts), num_perm)."""
    a, b, _ = _params(scheme.num_perm, scheme.shingle_words)
    out = np.empty((len(texts), scheme.num_perm), dtype=np.uint32)
    start = 0
    while start < len(texts):
        parts, total, stop = [], 0, start
        while stop < len(texts) and (total < _BATCH_SHINGLES or not parts):
            parts.append(shingle_hashes(texts[stop], scheme.shingle_words))
            total += len(parts[-1])
            stop += 1
        flat = np.concatenate(parts)
        offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
        with np.errstate(over="ignore"):
            hv = (a[:, None] * flat[None, :] + b[:, None]) >> np.uint64(32)
        out[start:stop] = np.minimum.reduceat(hv, offsets, axis=1).T.astype(np.uint32)
        start = stop
    return out


def band_keys(sigs: np.ndarray, scheme: Scheme) -> np.ndarray:
    """uint64 array (n, bands): one key per band of `rows` signature values."""
    bands, rows = scheme.bands
    _, _, pos = _params(scheme.num_perm, scheme.shingle_words)
    s = sigs[:, : bands * rows].astype(np.uint64).reshape(len(sigs), bands, rows)
    with np.errstate(over="ignore"):
        return _mix((s * pos[:rows]).sum(axis=2, dtype=np.uint64))


def short(sigs: np.ndarray) -> np.ndarray:
    """The 16-bit form of signatures kept for verification (a b-bit MinHash)."""
    return (sigs & 0xFFFF).astype(np.uint16)


def similar_pairs(keys: np.ndarray, sig16: np.ndarray, threshold: float,
                  window: int = 32) -> np.ndarray:
    """Candidate pairs (i < j) sharing a band key whose signatures agree on >= threshold of values.

    Within a bucket each member is compared with up to `window` members before it (in index
    order), so a bucket of many copies costs linear time; copies still chain into one cluster."""
    found = []
    n = len(keys)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    idx = np.arange(n, dtype=np.int64)
    for band in range(keys.shape[1]):
        order = np.lexsort((idx, keys[:, band]))
        sk = keys[order, band]
        for d in range(1, window + 1):
            same = np.nonzero(sk[d:] == sk[:-d])[0]
            if len(same) == 0:
                break
            i, j = order[same], order[same + d]
            agree = (sig16[i] == sig16[j]).mean(axis=1)
            ok = agree >= threshold
            found.append(np.stack([np.minimum(i, j)[ok], np.maximum(i, j)[ok]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)
