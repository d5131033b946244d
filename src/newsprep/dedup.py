"""Corpus-wide duplicates: shared titles, exact duplicate articles and near-duplicates (MinHash
LSH over word shingles, `newsprep.minhash`). Decisions follow the build's stable row order.

Compact by design: per article the deduper keeps a title hash, a 128-bit content hash, the LSH
band keys and a 16-bit-per-value signature in numpy arrays (about 200 bytes an article)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from newsprep import flags as F
from newsprep.config import Config
from newsprep.minhash import Scheme, band_keys, short, signatures, similar_pairs
from newsprep.textnorm import hash64, line_hash


def scheme_of(cfg: Config) -> Scheme | None:
    """The MinHash scheme of the config, or None when near-duplicates are off."""
    if not (cfg.enabled("duplicates") and cfg.get("duplicates", "near_duplicate", True)):
        return None
    return Scheme(int(cfg.get("duplicates", "num_perm", 64)),
                  int(cfg.get("duplicates", "shingle_words", 5)),
                  float(cfg.get("duplicates", "threshold", 0.8)))


def near_keys(texts: list[str], scheme: Scheme | None) -> tuple[np.ndarray, np.ndarray]:
    """(band keys, short signatures) of `texts`; empty arrays when near-duplicates are off."""
    if scheme is None:
        return np.zeros((len(texts), 0), np.uint64), np.zeros((len(texts), 0), np.uint16)
    sigs = signatures(texts, scheme)
    return band_keys(sigs, scheme), short(sigs)


def content_keys(hexes: list[str]) -> np.ndarray:
    """`content_key` of each hex content hash, as a (n, 2) uint64 array: one `bytes.fromhex`
    when every hash is 32 hex digits (as `textnorm.hash_hex` gives), else one at a time."""
    n = len(hexes)
    if all(len(h) == 32 for h in hexes):
        try:
            raw = bytes.fromhex("".join(hexes))
        except ValueError:
            raw = b""
        if len(raw) == 16 * n:
            return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(n, 2)
    return np.array([content_key(h) for h in hexes], dtype=np.uint64).reshape(n, 2)


def batch_keys(rows: list[dict], scheme: Scheme | None) -> tuple[np.ndarray, ...]:
    """The duplicate keys of record rows as arrays, in row order: id hashes (n,), title-key
    hashes (n,), content hashes (n, 2), LSH band keys and short signatures (`near_keys`)."""
    n = len(rows)
    id_h = np.fromiter((hash64(r["id"]) for r in rows), np.uint64, n)
    title_h = np.fromiter((line_hash(r["title"]) for r in rows), np.uint64, n)
    content_h = content_keys([r["content_hash"] for r in rows])
    keys, sig16 = near_keys([r["text"] for r in rows], scheme)
    return id_h, title_h, content_h, keys, sig16


@dataclass
class DedupResult:
    """Per row: index of the first exact copy (-1: none), index of the near-duplicate cluster's
    first article (-1: none), and the duplicate flags as three boolean arrays."""

    duplicate_of: np.ndarray
    cluster: np.ndarray
    dup_title: np.ndarray
    dup_content: np.ndarray
    near: np.ndarray


class DuplicateIndex:
    """Collects the per-row keys in batches (in row order) and resolves them at the end."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.scheme = scheme_of(cfg)
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, title_h: np.ndarray, content_h: np.ndarray, keys: np.ndarray,
            sig16: np.ndarray) -> None:
        """A batch of rows: title hashes (n,), content hashes (n, 2), band keys, signatures."""
        self._parts.append((title_h, content_h, keys, sig16))

    def _column(self, i: int, shape: tuple, dtype) -> np.ndarray:
        cols = [p[i] for p in self._parts]
        if len(cols) == 1:
            return cols[0]
        return np.concatenate(cols) if cols else np.zeros(shape, dtype)

    def resolve(self) -> DedupResult:
        titles = self._column(0, (0,), np.uint64)
        content = self._column(1, (0, 2), np.uint64)
        keys = self._column(2, (0, 0), np.uint64)
        sig16 = self._column(3, (0, 0), np.uint16)
        self._parts = []
        n = len(titles)
        none = np.full(n, -1, dtype=np.int64)
        false = np.zeros(n, dtype=bool)
        if not self.cfg.enabled("duplicates") or n == 0:
            return DedupResult(none, none.copy(), false, false.copy(), false.copy())
        dup_title = _repeated(titles)
        first = _first_index(content)
        rows = np.arange(n, dtype=np.int64)
        dup_content = first != rows
        duplicate_of = np.where(dup_content, first, -1)
        cluster, near = none.copy(), false.copy()
        if self.scheme is not None and keys.shape[1]:
            cluster, near = _clusters(keys, sig16, content, self.scheme.threshold)
        return DedupResult(duplicate_of, cluster, dup_title, dup_content, near)


def _repeated(keys: np.ndarray) -> np.ndarray:
    """Per row, whether another row has the same key (pandas' hash table: no sort)."""
    return pd.Series(keys, copy=False).duplicated(keep=False).to_numpy()


def _first_index(content: np.ndarray) -> np.ndarray:
    """For each row, the index of the first row with the same content hash (n, 2).

    Hash tables instead of a sort: `pd.factorize` numbers the distinct values in the order
    they first appear, so the k-th row whose number exceeds all before it is the first row of
    value k. Each half is numbered first; (hi, lo) then becomes one int64, hi * n + lo, as
    both numbers are below n."""
    n = len(content)
    hi, _ = pd.factorize(content[:, 0])
    lo, _ = pd.factorize(content[:, 1])
    codes, _ = pd.factorize(hi.astype(np.int64) * n + lo)
    starts = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    return starts[codes].astype(np.int64)


def _clusters(keys, sig16, content, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of verified LSH pairs: head = smallest row index of the component;
    `near` marks members of components holding more than one distinct content."""
    n = len(keys)
    pairs = similar_pairs(keys, sig16, threshold)
    parent = np.arange(n, dtype=np.int64)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs.tolist():
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    touched = np.unique(pairs.ravel()) if len(pairs) else np.empty(0, np.int64)
    heads = np.array([root(int(i)) for i in touched], dtype=np.int64)
    cluster = np.full(n, -1, dtype=np.int64)
    cluster[touched] = heads
    near = np.zeros(n, dtype=bool)
    if len(touched):
        distinct: dict[int, set] = {}
        for h, c in zip(heads.tolist(), map(tuple, content[touched].tolist()), strict=True):
            distinct.setdefault(h, set()).add(c)
        multi = np.array([len(distinct[h]) > 1 for h in heads.tolist()], dtype=bool)
        near[touched[multi]] = True
    return cluster, near


def content_key(content_hash_hex: str) -> tuple[int, int]:
    """The 128-bit content hash (hex, as in the record) as two 64-bit integers."""
    return int(content_hash_hex[:16], 16), int(content_hash_hex[16:32], 16)


def signature(text: str, cfg: Config) -> tuple[np.ndarray, np.ndarray] | None:
    """(band keys, short signature) of one text, or None when near-duplicates are off."""
    scheme = scheme_of(cfg)
    if scheme is None:
        return None
    keys, sig16 = near_keys([text], scheme)
    return keys[0], sig16[0]


@dataclass
class RecordDuplicates:
    duplicate_of: list[str | None]
    cluster: list[str | None]
    flags: list[set[str]]


class Deduper:
    """Record-at-a-time duplicates (for small sets and evaluation); the build uses
    `DuplicateIndex` directly on arrays."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.ids: list[str] = []
        self.titles: list[int] = []
        self._rows: list[tuple] = []

    def add(self, rid: str, title_key_text: str, content_hash: str, sig) -> None:
        self.ids.append(rid)
        self.titles.append(hash64(title_key_text))
        self._rows.append((content_key(content_hash), sig))

    def resolve(self) -> RecordDuplicates:
        index = DuplicateIndex(self.cfg)
        n = len(self.ids)
        scheme = index.scheme
        width = (scheme.bands[0], scheme.num_perm) if scheme else (0, 0)
        keys = np.zeros((n, width[0]), np.uint64)
        sig16 = np.zeros((n, width[1]), np.uint16)
        for i, (_, sig) in enumerate(self._rows):
            if sig is not None and width[0]:
                keys[i], sig16[i] = sig
        content = np.array([c for c, _ in self._rows], dtype=np.uint64).reshape(n, 2)
        index.add(np.array(self.titles, dtype=np.uint64), content, keys, sig16)
        res = index.resolve()
        return RecordDuplicates(
            [self.ids[j] if j >= 0 else None for j in res.duplicate_of.tolist()],
            [self.ids[j] if j >= 0 else None for j in res.cluster.tolist()],
            [row_flags(res, i) for i in range(n)])


def row_flags(res: DedupResult, i: int) -> set[str]:
    out = set()
    if res.dup_title[i]:
        out.add(F.DUPLICATE_TITLE)
    if res.dup_content[i]:
        out.add(F.DUPLICATE_CONTENT)
    if res.near[i]:
        out.add(F.NEAR_DUPLICATE)
    return out
