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


_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\n\r\x0b\x0c\x01")] = True
_P = 0x100000001B3  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 2**64)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(31))
    x = x * _MIX
    return x ^ (x >> np.uint64(29))


def _powers(base: int, n: int) -> np.ndarray:
    out = np.ones(n + 1, dtype=np.uint64)
    out[1:] = np.cumprod(np.full(n, base, dtype=np.uint64))
    return out


def _token_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit hash of every token of `texts`, index of the text it is in), all in one pass of
    numpy over the joined bytes: a polynomial hash of each token's bytes, normalised to its
    start, then mixed. Tokens: lower-cased, ASCII punctuation as space, split on ASCII space."""
    joined = "\x01".join(t.lower().translate(_PUNCT) for t in texts)
    data = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    n = len(data)
    edge = np.diff(np.concatenate(([1], _SPACE[data], [1])).astype(np.int8))
    starts, ends = np.nonzero(edge == -1)[0], np.nonzero(edge == 1)[0]
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(data.astype(np.uint64) * _powers(_P, n)[:n], out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * _powers(_P_INV, n)[starts]
        hashes = _mix(raw ^ (ends - starts).astype(np.uint64) * _MIX)
    text_of = np.searchsorted(np.nonzero(data == 1)[0], starts)
    return hashes, text_of


def _shingles(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes of the word k-shingles of `texts`, start offset of each text's shingles); a text
    of fewer than k words has one shingle of all its words (none: of nothing)."""
    h, text_of = _token_hashes(texts)
    _, _, pos = _params(64, k)
    t = len(h)
    acc = np.zeros(t, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(min(k, t)):
            acc[: t - j] += h[j:] * pos[j]
        valid = np.zeros(t, dtype=bool)
        if t >= k:
            valid[: t - k + 1] = text_of[k - 1:] == text_of[: t - k + 1]
        sh, owner = _mix(acc + np.uint64(k))[valid], text_of[valid]
        counts = np.bincount(text_of, minlength=len(texts))
        short = np.nonzero(counts < k)[0]
        if len(short):
            first = np.concatenate(([0], np.cumsum(counts)))
            extra = [_mix((h[first[i]: first[i] + counts[i]] * pos[: counts[i]]).sum(
                dtype=np.uint64) + np.uint64(counts[i])) for i in short]
            order = np.argsort(np.concatenate((owner, short)), kind="stable")
            sh = np.concatenate((sh, np.array(extra, dtype=np.uint64)))[order]
            owner = np.concatenate((owner, short))[order]
    return sh, np.searchsorted(owner, np.arange(len(texts)))


def shingle_hashes(text: str, k: int) -> np.ndarray:
    """64-bit hashes of the word k-shingles of `text`; at least one."""
    return _shingles([text], k)[0]


def signatures(texts: list[str], scheme: Scheme) -> np.ndarray:
    """The MinHash signatures of `texts`: uint32 array of shape (len(texts), num_perm)."""
    a, b, _ = _params(scheme.num_perm, scheme.shingle_words)
    out = np.empty((len(texts), scheme.num_perm), dtype=np.uint32)
    step = max(1, _BATCH_SHINGLES // 300)
    for start in range(0, len(texts), step):
        flat, offsets = _shingles(texts[start: start + step], scheme.shingle_words)
        with np.errstate(over="ignore"):
            hv = (a[:, None] * flat[None, :] + b[:, None]) >> np.uint64(32)
        out[start: start + step] = np.minimum.reduceat(hv, offsets, axis=1).T.astype(np.uint32)
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
