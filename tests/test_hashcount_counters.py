"""The compact counters behind the corpus statistics against `collections.Counter`: counts,
merges in any grouping, pickling, the frozen compact table and its saturated counts."""

from __future__ import annotations

import pickle
import random
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import hashcount
from newsprep.hashcount import FrozenCounts, HashCounter, KeyCounts, PairCounter

KEYS = st.integers(min_value=0, max_value=(1 << 64) - 1)
SMALL_KEYS = st.sampled_from([0, 1, 7, 1 << 40, (1 << 64) - 1, 12345678901234567])


def _batches(rng: random.Random, values: list[int], n: int) -> list[list[int]]:
    cuts = sorted(rng.randrange(len(values) + 1) for _ in range(n - 1))
    return [values[a:b] for a, b in zip([0, *cuts], [*cuts, len(values)], strict=True)]


def _key_counts(values: list[int]) -> KeyCounts:
    table = KeyCounts()
    counts = Counter(values)
    if counts:
        table.add_counts(np.array(list(counts), dtype=np.uint64),
                         np.array(list(counts.values()), dtype=np.uint32))
    return table


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(KEYS, SMALL_KEYS), max_size=300), st.integers(1, 6), st.randoms())
def test_key_counts_match_counter_in_any_grouping(values, parts, rng):
    """Batches merged in any grouping, settled at any point, count what a Counter counts."""
    want = Counter(values)
    tables = [_key_counts(part) for part in _batches(rng, values, parts)]
    whole = tables[0]
    for table in tables[1:]:
        if rng.random() < 0.5:
            whole.settle()  # folding early or late gives the same table
        whole.merge(pickle.loads(pickle.dumps(table)) if rng.random() < 0.5 else table)
    assert whole.upper_bound() >= len(want)
    assert len(whole) == len(want) == whole.upper_bound()
    keys, counts = whole.items()
    assert keys.tolist() == sorted(want)
    assert counts.tolist() == [want[k] for k in sorted(want)]
    for key in [*values[:20], 3, (1 << 63) + 5]:
        assert whole.get(key) == want[key]
    assert whole.total() == len(values)


def test_key_counts_keep_counts_above():
    table = _key_counts([1, 1, 2, 3, 3, 3, 9])
    table.keep_counts_above(1)
    assert table.items()[0].tolist() == [1, 3] and table.get(2) == 0 and table.get(3) == 3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(KEYS, SMALL_KEYS), max_size=200), st.randoms())
def test_hash_counter_scalar_and_array_adds_match_counter(values, rng):
    a, b = HashCounter(), HashCounter()
    for part in _batches(rng, values, 3):
        if rng.random() < 0.5:
            a.add_array(np.array(part, dtype=np.uint64))
        else:
            for v in part:
                b.add(v)
    a.merge(pickle.loads(pickle.dumps(b)))
    want = Counter(values)
    assert len(a) == len(values)
    for key in [*values[:30], 99]:
        assert a.count(key) == want[key]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(range(12)), st.integers(0, 40)), max_size=300),
       st.randoms())
def test_pair_counter_counts_distinct_groups(pairs, rng):
    # distinct in their top 44 bits (the part a pair keeps), any low bits
    keyspace = [(k << 20) | rng.getrandbits(20) for k in rng.sample(range(1 << 44), 12)]
    pairs = [(keyspace[k], g) for k, g in pairs]
    parts = [PairCounter() for _ in range(3)]
    for i, chunk in enumerate(_batches(rng, pairs, 3)):
        if chunk and i % 2:
            parts[i].add_array(np.array([k for k, _ in chunk], dtype=np.uint64),
                               np.array([g for _, g in chunk], dtype=np.uint64))
        for key, group in chunk if not i % 2 else ():
            parts[i].add(key, group)
    whole = parts[0]
    for part in parts[1:]:
        whole.merge(pickle.loads(pickle.dumps(part)))
    assert whole.count(keyspace[0]) == 0  # not frozen yet
    whole.freeze()
    distinct = Counter(k for k, _ in set(pairs))
    for key in keyspace:
        assert whole.count(key) == distinct[key]


def test_freezing_a_merged_counter_leaves_its_source_alone():
    a, b = PairCounter(), PairCounter()
    b.add_array(np.array([5 << 20, 5 << 20], dtype=np.uint64), np.array([1, 2], np.uint64))
    a.merge(b)
    a.freeze()  # its one array is b's: not shifted in place
    b.freeze()
    assert a.count(5 << 20) == b.count(5 << 20) == 2


def test_frozen_counts_saturate_into_an_exact_table():
    rng = random.Random(4)
    keys = sorted(rng.sample(range(1 << 44), 3000) + [0, (1 << 44) - 1])
    counts = [rng.choice([1, 1, 2, 254, 255, 256, 70000]) for _ in keys]
    table = FrozenCounts.of(np.array(keys, dtype=np.uint64), np.array(counts, np.uint32))
    assert len(table) == len(keys)
    for key, count in zip(keys, counts, strict=True):
        assert table.count(key) == count
        assert table.count(key + 1) == (counts[keys.index(key + 1)] if key + 1 in keys else 0)
    assert table.count(1 << 50) == 0
    assert FrozenCounts.of(np.zeros(0, np.uint64), np.zeros(0, np.uint32)).count(3) == 0


def test_block_merges_settle_past_the_array_limit(monkeypatch):
    monkeypatch.setattr(hashcount, "_MAX_ARRAYS", 2)
    monkeypatch.setattr(hashcount, "_BLOCK", 3)
    pc = PairCounter()
    for i in range(20):
        other = PairCounter()
        other.add(7 << 20, i % 5)
        other.add((i + 100) << 20, 1)
        pc.merge(other)
    pc.freeze()
    assert pc.count(7 << 20) == 5 and pc.count(105 << 20) == 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), max_size=80),
       st.integers(1, 12))
def test_group_counts_by_slices_never_split_a_key(pairs, slices):
    arr = np.sort(np.array([(k << 20) | g for k, g in pairs], dtype=np.uint64))
    got_keys, got_counts = [], []
    for keys, counts in hashcount._group_counts(arr, slices):
        got_keys += keys.tolist()
        got_counts += counts.tolist()
    want = Counter(k for k, _ in set(pairs))
    assert got_keys == sorted(want)  # each key once, in order
    assert got_counts == [want[k] for k in sorted(want)]


def test_lookups_follow_the_table_as_it_changes_and_pickle():
    """Lookups read through memoryviews kept between calls: they see counts added in place,
    new tables after a settle or a prune, and are not pickled (made again after loading)."""
    kc = KeyCounts()
    kc.add_counts(np.array([5, 9], np.uint64), np.array([1, 2], np.uint32))
    assert (kc.get(5), kc.get(9), kc.get(7)) == (1, 2, 0)
    kc.add_counts(np.array([5], np.uint64), np.array([3], np.uint32))  # same key: in place
    assert kc.get(5) == 4
    kc.add_counts(np.array([7], np.uint64), np.array([1], np.uint32))  # new key: new arrays
    assert (kc.get(7), kc.get(9)) == (1, 2)
    kc.keep_counts_above(1)
    assert (kc.get(7), kc.get(5)) == (0, 4)
    back = pickle.loads(pickle.dumps(kc))
    assert (back.get(5), back.get(9), back.get(7)) == (4, 2, 0)
    assert type(back.get(5)) is int

    frozen = FrozenCounts.of(np.array([3, 1 << 40], np.uint64), np.array([2, 300], np.uint32))
    assert (frozen.count(3), frozen.count(1 << 40), frozen.count(4)) == (2, 300, 0)
    again = pickle.loads(pickle.dumps(frozen))
    assert (again.count(3), again.count(1 << 40), again.count(4)) == (2, 300, 0)
    assert type(again.count(3)) is int
