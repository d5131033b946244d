"""Corpus-wide duplicates: shared titles, exact duplicate articles and near-duplicates
(MinHash LSH over word shingles, datasketch). Decisions follow the build's stable row order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from newsprep import flags as F
from newsprep.config import Config
from newsprep.textnorm import fold, hash64, words

_SEED = 1
_SCHEME = "affine32"


def _minhash(num_perm: int):
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=_SEED, scheme=_SCHEME)


def signature(text: str, cfg: Config) -> np.ndarray | None:
    """The MinHash signature of `text`, or None when near-duplicates are off."""
    if not (cfg.enabled("duplicates") and cfg.get("duplicates", "near_duplicate", True)):
        return None
    k = cfg.get("duplicates", "shingle_words", 5)
    toks = words(fold(text))
    shingles = {" ".join(toks[i: i + k]) for i in range(max(1, len(toks) - k + 1))}
    m = _minhash(cfg.get("duplicates", "num_perm", 64))
    m.update_batch([s.encode("utf-8", "surrogatepass") for s in sorted(shingles)])
    return m.hashvalues


@dataclass
class DedupResult:
    duplicate_of: list[str | None]
    cluster: list[str | None]
    flags: list[set[str]]


@dataclass
class Deduper:
    cfg: Config
    ids: list[str] = field(default_factory=list)
    titles: list[int] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    sigs: list[np.ndarray | None] = field(default_factory=list)

    def add(self, rid: str, title_key_text: str, content_hash: str, sig: np.ndarray | None) -> None:
        self.ids.append(rid)
        self.titles.append(hash64(title_key_text))
        self.hashes.append(content_hash)
        self.sigs.append(sig)

    def resolve(self) -> DedupResult:
        n = len(self.ids)
        flags: list[set[str]] = [set() for _ in range(n)]
        dup_of: list[str | None] = [None] * n
        cluster: list[str | None] = [None] * n
        if not self.cfg.enabled("duplicates"):
            return DedupResult(dup_of, cluster, flags)
        title_counts = Counter(self.titles)
        first: dict[str, int] = {}
        for i in range(n):
            if title_counts[self.titles[i]] > 1:
                flags[i].add(F.DUPLICATE_TITLE)
            j = first.setdefault(self.hashes[i], i)
            if j != i:
                dup_of[i] = self.ids[j]
                flags[i].add(F.DUPLICATE_CONTENT)
        self._near(cluster, flags)
        return DedupResult(dup_of, cluster, flags)

    def _near(self, cluster: list[str | None], flags: list[set[str]]) -> None:
        if not any(s is not None for s in self.sigs):
            return
        from datasketch import LeanMinHash, MinHashLSH

        num_perm = self.cfg.get("duplicates", "num_perm", 64)
        threshold = self.cfg.get("duplicates", "threshold", 0.8)
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        parent = list(range(len(self.ids)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        minhashes: dict[int, LeanMinHash] = {}
        for i, sig in enumerate(self.sigs):
            if sig is None:
                continue
            m = LeanMinHash(seed=_SEED, hashvalues=sig, scheme=_SCHEME)
            for j in lsh.query(m):
                if minhashes[j].jaccard(m) >= threshold:
                    a, b = root(i), root(j)
                    parent[max(a, b)] = min(a, b)
            lsh.insert(i, m)
            minhashes[i] = m
        members: dict[int, list[int]] = {}
        for i in range(len(self.ids)):
            members.setdefault(root(i), []).append(i)
        for head, group in members.items():
            if len(group) < 2:
                continue
            distinct = len({self.hashes[i] for i in group}) > 1
            for i in group:
                cluster[i] = self.ids[head]
                if distinct:
                    flags[i].add(F.NEAR_DUPLICATE)
