"""The compact, vectorised pieces that let a build scale: MinHash + LSH, array duplicates and the
hash counters behind the corpus statistics, each checked against a plain reference."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from newsprep import hashcount
from newsprep.config import load_config
from newsprep.dedup import Deduper, DuplicateIndex, content_key, near_keys, scheme_of
from newsprep.minhash import Scheme, _bands, signatures
from newsprep.synthetic import Generator
from newsprep.textnorm import hash_hex


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [a.text for a in Generator(11, dup_rate=0, near_rate=0).articles(60)]


def _edit(text: str, n: int, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(n):
        words[rng.randrange(len(words))] = "zzz"
    return " ".join(words)


def test_signature_estimates_jaccard(texts):
    scheme = Scheme(num_perm=128)
    sig = signatures([texts[0], texts[0], _edit(texts[0], 3, 1), texts[1]], scheme)
    assert (sig[0] == sig[1]).all()
    assert (sig[0] == sig[2]).mean() > 0.8
    assert (sig[0] == sig[3]).mean() < 0.1


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.8, 64), (0.5, 128), (0.9, 32)])
def test_bands_are_datasketchs_choice(threshold, num_perm):
    from datasketch.lsh import _optimal_param

    assert _bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def _resolve(corpus: list[str]):
    cfg = load_config()
    keys, sig16 = near_keys(corpus, scheme_of(cfg))
    index = DuplicateIndex(cfg)
    index.add(np.arange(len(corpus), dtype=np.uint64),
              np.array([content_key(hash_hex(t)) for t in corpus], dtype=np.uint64),
              keys, sig16)
    return index.resolve()


def test_near_duplicates_found_and_unrelated_left_alone(texts):
    n = 20
    light = [_edit(texts[i], 1, i) for i in range(n)]  # Jaccard about 0.96
    heavy = [_edit(texts[i], 60, i) for i in range(n, 2 * n)]  # about 0.4
    res = _resolve(texts[: 2 * n] + light + heavy + texts[:5])
    found = [res.cluster[2 * n + i] == i and res.near[i] for i in range(n)]
    assert sum(found) >= 0.9 * n  # LSH at threshold 0.8 misses a few percent at 0.96
    assert (res.cluster[3 * n: 4 * n] == -1).all() and not res.near[n: 2 * n].any()
    copies = slice(4 * n, 4 * n + 5)
    assert (res.duplicate_of[copies] == np.arange(5)).all() and res.dup_content[copies].all()
    assert not res.dup_content[: 4 * n].any()


def test_record_deduper_matches_brute_force():
    cfg = load_config(overrides={"duplicates": {"near_duplicate": False}})
    rng = random.Random(3)
    records = [(f"id{i}", rng.choice("abcdef"), hash_hex(str(rng.randrange(15))))
               for i in range(200)]
    dd = Deduper(cfg)
    for rid, title, chash in records:
        dd.add(rid, title, chash, None)
    res = dd.resolve()
    titles = Counter(t for _, t, _ in records)
    first: dict[str, str] = {}
    for i, (rid, title, chash) in enumerate(records):
        want = first.setdefault(chash, rid)
        assert res.duplicate_of[i] == (None if want == rid else want)
        assert ("duplicate-title" in res.flags[i]) == (titles[title] > 1)


def test_hash_counters_match_counter_and_set(monkeypatch):
    monkeypatch.setattr(hashcount, "_BLOCK", 7)
    monkeypatch.setattr(hashcount, "_MAX_ARRAYS", 3)
    rng = random.Random(9)
    keys = [rng.getrandbits(64) for _ in range(40)]
    pairs = [(rng.choice(keys), rng.randrange(12)) for _ in range(500)]
    a, b = hashcount.PairCounter(), hashcount.PairCounter()
    ta, tb = hashcount.HashCounter(), hashcount.HashCounter()
    for n, (key, group) in enumerate(pairs):
        (a if n % 3 else b).add(key, group)
        (ta if n % 2 else tb).add(key)
    a.merge(b)
    ta.merge(tb)
    assert a.count(keys[0]) == 0  # not frozen yet
    a.freeze()
    distinct = Counter(key for key, _ in set(pairs))
    counts = Counter(key for key, _ in pairs)
    for key in keys + [12345]:
        assert a.count(key) == distinct[key]
        assert ta.count(key) == counts[key]
