"""MinHash signatures and LSH band keys, vectorised with numpy. Pure and deterministic.

A text's word k-shingles are hashed by combining per-word xxh3 hashes (each word hashed once).
The signature is a one-permutation MinHash (OPH): each shingle is hashed once more to one of
`num_perm` slots and to a 32-bit value (two multiply-shift hash functions `(a*x + b) mod 2**64
>> 32`), and a slot's signature value is the minimum value of its shingles. An empty slot (a
text of few shingles) takes the value of the first filled slot in its own fixed random order of
the slots (optimal densification), so two texts agree on a slot with probability about their
Jaccard similarity, as with `num_perm` independent permutations, at the cost of one. The
signature is banded (`bands` x `rows`, chosen as datasketch's MinHashLSH chooses them) into
64-bit band keys; two texts are near-duplicate candidates when one band key is equal, and are
verified by the share of equal signature values (16 bits of each are kept for that)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from newsprep.textnorm import FEW_NON_ASCII, blank_marks, few_non_ascii, register_run_handler

_MIX = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = np.uint64(1 << 32)  # an empty slot (above every 32-bit value)
_FEW_FILLED = 16  # a text with at most this many filled slots is densified all at once
_RANKS = 8  # donor ranks looked at at once when densifying a text with more
# Tokens: lower-cased, ASCII punctuation as space, split on white space (cheap; near-duplicate
# detection does not need the detectors' Unicode folding).
_PUNCT_CHARS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»–—…"
_PUNCT = str.maketrans({c: " " for c in _PUNCT_CHARS})


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
def _positions(num_perm: int, k: int) -> np.ndarray:
    """Odd multipliers, by position, of a shingle's word hashes and of a band's values. Drawn
    after the 2 x num_perm numbers that were once the permutations' (a, b), so that shingle
    hashes and band keys stay what they were."""
    rng = np.random.Generator(np.random.PCG64(20240607))
    rng.integers(1, 2**63, size=num_perm, dtype=np.uint64)
    rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return rng.integers(1, 2**63, size=max(k, num_perm), dtype=np.uint64) | np.uint64(1)


@cache
def _slots(num_perm: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The one-permutation hash: (a, b) of the slot function and (a, b) of the value function
    (odd multipliers), and each slot's donor order (row j: a random order of all the slots)."""
    rng = np.random.Generator(np.random.PCG64(20261126))
    a = rng.integers(1, 2**63, size=2, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=2, dtype=np.uint64)
    donors = np.argsort(rng.random((num_perm, num_perm)), axis=1, kind="stable")
    return a, b, donors.astype(np.int32)


@cache
def _ranks(num_perm: int) -> np.ndarray:
    """Each slot's rank in each donor order: ranks[j, donors[j, r]] == r."""
    return np.argsort(_slots(num_perm)[2], axis=1).astype(np.int32)


_P = 0x100000001B3  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 2**64)
_GROUP_BYTES = 1 << 17  # text tokenised and shingled at once (8 bytes of scratch a byte)
_WINDOW = 1 << 20  # at most this (or one token more) hashed at once
# Token breaks: ASCII white space (and \x01). One bytes.translate table does `lower()`, `_PUNCT`
# and the breaks on ASCII text, making all of them a space (never part of a token, so never
# hashed): tokens are then the runs of bytes other than b" ".
_BREAKS = " \t\n\r\x0b\x0c\x01"
_TOKEN_TABLE = bytes(
    (32 if chr(c) in _PUNCT_CHARS or chr(c) in _BREAKS else ord(chr(c).lower())) if c < 128 else c
    for c in range(256))
# The non-ASCII characters of `_PUNCT` as UTF-8: E2 80 xx (quotes, dashes, ellipsis) and C2 xx
# (guillemets). Blanked in the bytes as whole sequences (a lead byte starts a sequence): a token
# never holds a space, so blanking with three spaces gives the tokens that one space gives.
_WIDE = {c.encode("utf-8") for c in _PUNCT_CHARS if not c.isascii()}
_E280 = np.zeros(256, dtype=bool)
_E280[[w[2] for w in _WIDE if w[:2] == b"\xe2\x80"]] = True
_C2 = np.zeros(256, dtype=bool)
_C2[[w[1] for w in _WIDE if w[:1] == b"\xc2"]] = True
assert all(len(w) == 3 and w[:2] == b"\xe2\x80" or len(w) == 2 and w[:1] == b"\xc2"
           for w in _WIDE)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(31))
    x *= _MIX
    x ^= x >> np.uint64(29)
    return x


class _Powers:
    """`base ** i mod 2**64` for i < n, kept and grown (a cumulative product is sequential)."""

    def __init__(self, base: int):
        self.base, self.table = base, np.ones(1, dtype=np.uint64)

    def __call__(self, n: int) -> np.ndarray:
        if len(self.table) < n:
            size = max(n, 2 * len(self.table))
            table = np.ones(size, dtype=np.uint64)
            table[1:] = np.cumprod(np.full(size - 1, self.base, dtype=np.uint64))
            if size > 1 << 22:  # a huge text: not kept
                return table[:n]
            self.table = table
        return self.table[:n]


_POW, _POW_INV = _Powers(_P), _Powers(_P_INV)


# A run of non-ASCII characters lower-cased (char by char: the texts given it hold no Σ), UTF-8,
# the punctuation of _PUNCT_CHARS a space (`_token_bytes`).
register_run_handler("newsprep.minhash", str.lower, lambda ch: ch not in _PUNCT_CHARS)


# The non-ASCII punctuation of _PUNCT_CHARS (curly quotes, dashes, the ellipsis): most of the
# non-ASCII characters of news text, made spaces before anything else (`_token_bytes`)
_WIDE_PUNCT_CHARS = tuple(c for c in _PUNCT_CHARS if not c.isascii())


def _token_bytes(texts: list[str]) -> tuple[bytes | bytearray, np.ndarray]:
    """The texts lower-cased, UTF-8, with punctuation and token breaks as spaces, joined by a
    space, with a space before and after; and the byte length of each text. Texts off ASCII (each
    with few non-ASCII characters) are encoded as they are and their non-ASCII characters
    lower-cased in the bytes (`_lower_utf8`) when each lower-cases to as many UTF-8 bytes; all
    else by `_token_bytes_by_text`."""
    # Non-ASCII punctuation blanked: the same tokens, and most lines of news ASCII (a text's
    # byte length changes; only its tokens count). Not in a text holding Σ, which lower-cases by
    # its neighbours, punctuation included ("Z’Σ": "z’ς", "Z Σ": "z σ").
    texts = [t if t.isascii() or "\u03a3" in t else blank_marks(t, _WIDE_PUNCT_CHARS)
             for t in texts]
    parts, wide = [], False
    for t in texts:
        if t.isascii():
            parts.append(t.encode("ascii"))
        else:
            parts.append(t.encode("utf-8", "surrogatepass"))
            if len(parts[-1]) - len(t) > FEW_NON_ASCII:  # many: lower() is cheaper
                return _token_bytes_by_text(texts)
            wide = True
    joined, lengths = _joined(parts)
    if not wide:
        return joined, lengths
    buf = bytearray(joined)
    data = np.frombuffer(buf, dtype=np.uint8)
    if not _lower_utf8(data):
        return _token_bytes_by_text(texts)
    _blank_wide(data)
    return buf, lengths


def _joined(parts: list[bytes]) -> tuple[bytes, np.ndarray]:
    """The parts joined by a space, with a space before and after, through _TOKEN_TABLE; and
    the length of each part."""
    lengths = np.fromiter(map(len, parts), np.int64, len(parts))
    return b" ".join([b"", *parts, b""]).translate(_TOKEN_TABLE), lengths


def _lower_utf8(data: np.ndarray) -> bool:
    """Lower-case in place the non-ASCII characters of UTF-8 `data` (ending in an ASCII byte),
    as `str.lower` does, when every distinct one lower-cases to as many UTF-8 bytes and none is
    Σ (the only one lower-cased by its neighbours); else False, `data` untouched."""
    at = np.flatnonzero(data >= 0xC0)  # lead bytes
    if not len(at):
        return True
    lead = data[at]
    width = 2 + (lead >= 0xE0).astype(np.int64) + (lead >= 0xF0)
    key = lead.astype(np.uint32) << 24
    for i in (1, 2, 3):
        more = data[np.minimum(at + i, len(data) - 1)].astype(np.uint32)
        key |= np.where(width > i, more, 0) << (32 - 8 * (i + 1))
    uniq, inv = np.unique(key, return_inverse=True)
    new = uniq.copy()
    for j, k in enumerate(uniq.tolist()):
        w = 2 + (k >> 24 >= 0xE0) + (k >> 24 >= 0xF0)
        ch = k.to_bytes(4, "big")[:w].decode("utf-8", "surrogatepass")
        low = ch.lower()
        if low != ch:
            enc = low.encode("utf-8", "surrogatepass")
            if ch == "\u03a3" or len(enc) != w:
                return False
            new[j] = int.from_bytes(enc.ljust(4, b"\0"), "big")
    repl = new[inv.ravel()]
    sel = np.flatnonzero(repl != key)
    for i in range(4):
        part = sel if i < 2 else sel[width[sel] > i]
        data[at[part] + i] = (repl[part] >> np.uint32(24 - 8 * i)).astype(np.uint8)
    return True


def _blank_wide(data: np.ndarray) -> None:
    """Blank (as spaces) the UTF-8 sequences of `_PUNCT`'s non-ASCII characters in place."""
    at = np.flatnonzero(data[:-2] == 0xE2)
    at = at[(data[at + 1] == 0x80) & _E280[data[at + 2]]]
    data[at] = data[at + 1] = data[at + 2] = 32
    at = np.flatnonzero(data[:-1] == 0xC2)
    at = at[_C2[data[at + 1]]]
    data[at] = data[at + 1] = 32


def _token_bytes_by_text(texts: list[str]) -> tuple[bytes | bytearray, np.ndarray]:
    """`_token_bytes` text by text (for texts `_lower_utf8` cannot lower-case). A text with few
    non-ASCII characters (and no Σ, which lower-cases by its neighbours) has its runs of them
    lower-cased and blanked by a codec error handler; others whole, then blanked below."""
    parts, wide = [], False
    for t in texts:
        if t.isascii():
            parts.append(t.encode("ascii"))
        elif "\u03a3" not in t and few_non_ascii(t):
            parts.append(t.encode("ascii", "newsprep.minhash"))
        else:
            parts.append(t.lower().encode("utf-8", "surrogatepass"))
            wide = True
    joined, lengths = _joined(parts)
    if not wide:
        return joined, lengths
    buf = bytearray(joined)
    _blank_wide(np.frombuffer(buf, dtype=np.uint8))
    return buf, lengths


def _token_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit hash of every token of `texts`, index of each text's first token and the number
    of tokens). The joined bytes are hashed in windows of about _WINDOW bytes cut at spaces (a
    token's hash does not depend on where it is), so a huge text needs bounded scratch."""
    buf, lengths = _token_bytes(texts)
    padded = np.frombuffer(buf, dtype=np.uint8)
    n = len(padded) - 2
    hashes, starts, w0 = [], [], 0
    while True:  # data[w0:w1] as padded[w0:w1 + 2]: a space before and after
        w1 = n if n - w0 <= _WINDOW else buf.find(b" ", w0 + _WINDOW + 1) - 1
        h, s = _window_hashes(padded[w0: w1 + 2])
        hashes.append(h)
        starts.append(s + w0)
        if w1 >= n:
            break
        w0 = w1 + 1
    bases = np.zeros(len(texts) + 1, dtype=np.int64)  # where each text starts in the data
    np.cumsum(lengths + 1, out=bases[1:])
    if len(hashes) == 1:
        return hashes[0], np.searchsorted(starts[0], bases)
    return np.concatenate(hashes), np.searchsorted(np.concatenate(starts), bases)


def _window_hashes(padded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hash, start) of each token of bytes framed by spaces, in a few passes of numpy: a
    polynomial hash of each token's bytes, normalised to its start, then mixed."""
    data, n = padded[1:-1], len(padded) - 2
    space = padded == 32
    edges = np.flatnonzero(space[1:] != space[:-1])  # alternately a token's start and end
    starts, ends = edges[0::2], edges[1::2]
    with np.errstate(over="ignore"):
        prefix = np.empty(n + 1, dtype=np.uint64)
        prefix[0] = 0
        np.multiply(data, _POW(n), out=prefix[1:])
        np.cumsum(prefix[1:], out=prefix[1:])
        raw = prefix[ends]
        raw -= prefix[starts]
        raw *= _POW_INV(n + 1)[starts]
        raw ^= (ends - starts).astype(np.uint64) * _MIX
    return _mix(raw), starts


def _shingles(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes of the word k-shingles of `texts`, start offset of each text's shingles); a text
    of fewer than k words has one shingle of all its words (none: of nothing)."""
    h, first = _token_hashes(texts)
    pos = _positions(64, k)
    t, counts = len(h), np.diff(first)
    acc = np.zeros(t, dtype=np.uint64)
    term = np.empty(t, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(min(k, t)):
            np.multiply(h[j:], pos[j], out=term[: t - j])
            acc[: t - j] += term[: t - j]
        acc += np.uint64(k)
        per_text = np.maximum(counts - (k - 1), 1)  # shingles of each text
        offsets = np.zeros(len(texts), dtype=np.int64)
        np.cumsum(per_text[:-1], out=offsets[1:])
        if t >= k:  # the windows of k tokens of one text
            text_of = np.repeat(np.arange(len(texts)), counts)
            sh = _mix(acc[: t - k + 1][text_of[k - 1:] == text_of[: t - k + 1]])
        else:
            sh = np.zeros(0, np.uint64)
        short = np.flatnonzero(counts < k)
        if len(short):
            extra = [_mix((h[first[i]: first[i + 1]] * pos[: counts[i]]).sum(
                dtype=np.uint64) + np.uint64(counts[i])) for i in short]
            slot = np.zeros(int(per_text.sum()), dtype=bool)
            slot[offsets[short]] = True
            merged = np.empty(len(slot), dtype=np.uint64)
            merged[~slot], merged[slot] = sh, extra
            sh = merged
    return sh, offsets


def shingle_hashes(text: str, k: int) -> np.ndarray:
    """64-bit hashes of the word k-shingles of `text`; at least one."""
    return _shingles([text], k)[0]


def _groups(texts: list[str], budget: int) -> list[tuple[int, int]]:
    """[start, end) runs of texts of about `budget` bytes together (at least one text each)."""
    out, start, size = [], 0, 0
    for i, t in enumerate(texts):
        size += len(t) + 1
        if size >= budget:
            out.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(texts):
        out.append((start, len(texts)))
    return out


def signatures(texts: list[str], scheme: Scheme) -> np.ndarray:
    """The MinHash signatures of `texts`: uint32 array of shape (len(texts), num_perm)."""
    out = np.empty((len(texts), scheme.num_perm), dtype=np.uint32)
    for g0, g1 in _groups(texts, _GROUP_BYTES):
        flat, offsets = _shingles(texts[g0:g1], scheme.shingle_words)
        out[g0:g1] = _one_permutation(flat, offsets, scheme.num_perm)
    return out


def _one_permutation(flat: np.ndarray, offsets: np.ndarray, num_perm: int) -> np.ndarray:
    """The signatures (n, num_perm) of n texts whose shingle hashes are `flat`, text i's
    starting at offsets[i] (each text has at least one)."""
    (a_slot, a_value), (b_slot, b_value), donors = _slots(num_perm)
    n = len(offsets)
    with np.errstate(over="ignore"):
        slot = a_slot * flat
        slot += b_slot
        slot >>= np.uint64(32)
        slot *= np.uint64(num_perm)
        slot >>= np.uint64(32)  # (hash * num_perm) >> 32: a slot in [0, num_perm)
        value = a_value * flat
        value += b_value
        value >>= np.uint64(32)
    counts = np.diff(offsets, append=len(flat))
    slot += np.repeat(np.arange(0, n * num_perm, num_perm, dtype=np.uint64), counts)
    sig = np.full(n * num_perm, _EMPTY, dtype=np.uint64)
    np.minimum.at(sig, slot.astype(np.intp), value)
    sig = sig.reshape(n, num_perm)
    _densify(sig, donors)
    return sig.astype(np.uint32)


def _densify(sig: np.ndarray, donors: np.ndarray) -> None:
    """Give each empty slot of `sig` (n, num_perm) the value of the first slot filled by a
    shingle in its donor order. A text with few filled slots (a short text) looks at all of
    them at once, for each slot the one of least rank in its order; the others walk each empty
    slot's order a few ranks at a time (most are done at the first rank). The first costs
    num_perm * (filled slots) a text, at most num_perm * _FEW_FILLED; the walk looks at
    num_perm / (filled slots + 1) ranks an empty slot on average, fewer than 4."""
    num_perm = sig.shape[1]
    filled = sig != _EMPTY
    per_text = np.count_nonzero(filled, axis=1)  # at least one each
    for count in np.unique(per_text[per_text <= _FEW_FILLED]).tolist():
        rows = np.flatnonzero(per_text == count)
        full = np.flatnonzero(filled[rows]).reshape(len(rows), count) % num_perm
        best = _ranks(num_perm)[:, full].argmin(axis=2).T  # (rows, num_perm): into `full`
        donor = full[np.arange(len(rows))[:, None], best]
        sig[rows] = np.where(filled[rows], sig[rows], sig[rows[:, None], donor])
        filled[rows] = True
    flat, flat_filled = sig.reshape(-1), filled.reshape(-1)
    empty = np.flatnonzero(~flat_filled)  # those of the texts with more filled slots
    if len(empty):
        base = empty - empty % num_perm  # where the slot's text starts
        flat[empty] = flat[base + _first_in_order(flat_filled, base, empty - base, donors)]


def _first_in_order(filled: np.ndarray, base: np.ndarray, slot: np.ndarray,
                    donors: np.ndarray) -> np.ndarray:
    """For each empty slot (its text starting at `base` in `filled`), the first filled slot in
    its donor order, walked _RANKS ranks at a time."""
    donor = np.empty(len(slot), dtype=np.intp)
    todo = np.arange(len(slot))
    for rank in range(0, donors.shape[1], _RANKS):  # each text has a filled slot: all done
        if not len(todo):
            break
        cand = donors[slot[todo], rank: rank + _RANKS]
        ok = filled[cand + base[todo, None]]
        found = ok.any(axis=1)
        donor[todo[found]] = cand[found, ok[found].argmax(axis=1)]
        todo = todo[~found]
    return donor


def band_keys(sigs: np.ndarray, scheme: Scheme) -> np.ndarray:
    """uint64 array (n, bands): one key per band of `rows` signature values."""
    bands, rows = scheme.bands
    pos = _positions(scheme.num_perm, scheme.shingle_words)
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
