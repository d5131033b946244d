"""Compact counters of 64-bit hashes for corpus-wide statistics, in sorted numpy arrays (8 to 12
bytes an entry while counting and about 5 a key once frozen, against about 100 for a Python set
of tuples), so pass 1 over a million articles stays within a few hundred MB.

Values come in as arrays (or as Python ints, buffered); they are sorted once, when counted.
Sorting is `ndarray.sort` plus a mask of the changes, never `np.unique`, which numpy 2.4 runs
through a hash table at about 20 times the cost on large uint64 arrays."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

_BLOCK = 1 << 16  # values buffered before they are sorted into an array
_SETTLE_PENDING = 1 << 18  # merged keys waiting (and more than the keys counted): folded in
_MAX_ARRAYS = 4096  # arrays kept before they are merged into one
_GROUP_BITS = 20  # a pair keeps 44 bits of its key and 20 of its group
_GROUP_MASK = (1 << _GROUP_BITS) - 1
_LOW_BITS = 32  # a frozen key keeps its low bits in a uint32, the others as a bucket offset
_SATURATED = 255  # a frozen count at least this large is looked up in a small exact table


def run_heads(sorted_values: np.ndarray) -> np.ndarray:
    """Mask of the first entry of every run of equal values."""
    first = np.empty(len(sorted_values), dtype=bool)
    if len(first):
        first[0] = True
        np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


def _sorted(values: np.ndarray, unique: bool) -> np.ndarray:
    """A sorted copy of `values` (distinct if `unique`)."""
    out = np.sort(values.astype(np.uint64, copy=False))
    return out[run_heads(out)] if unique else out


def run_counts(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, how many times each) of a sorted array."""
    starts = np.flatnonzero(run_heads(sorted_values))
    counts = np.diff(starts, append=len(sorted_values)).astype(np.uint32)
    return sorted_values[starts], counts


def _lookup(keys: np.ndarray, counts: np.ndarray, key: int) -> int:
    return _view_lookup(memoryview(keys), memoryview(counts), key)


def _view_lookup(keys: memoryview, counts: memoryview, key: int) -> int:
    # bisect over a memoryview (its items are Python ints): a third of a scalar searchsorted's
    # cost, which converts the key and makes an array for one index
    i = bisect_left(keys, key)
    return counts[i] if i < len(keys) and keys[i] == key else 0


class _Blocks:
    """A multiset (or a set) of uint64 values: arrays kept as they come, sorted together once."""

    __slots__ = ("_arrays", "_buf", "unique")

    def __init__(self, unique: bool):
        self._buf: list[int] = []
        self._arrays: list[np.ndarray] = []
        self.unique = unique

    def __getstate__(self) -> tuple:
        """Pickled as numpy arrays (a worker's partial counts travel compact, not as ints)."""
        self._spill()
        return (self._arrays, self.unique)

    def __setstate__(self, state: tuple) -> None:
        self._arrays, self.unique = state
        self._buf = []

    def add(self, value: int) -> None:
        self._buf.append(value)
        if len(self._buf) >= _BLOCK:
            self._spill()

    def add_array(self, values: np.ndarray) -> None:
        if len(values):
            self._arrays.append(_sorted(values, self.unique))
            self._settle()

    def _spill(self) -> None:
        if self._buf:
            self._arrays.append(_sorted(np.array(self._buf, dtype=np.uint64), self.unique))
            self._buf = []
        self._settle()

    def _settle(self) -> None:
        """Arrays are kept as they come (sorting is paid once, in `values`), up to _MAX_ARRAYS."""
        if len(self._arrays) > _MAX_ARRAYS:
            self._arrays = [self.values()]

    def merge(self, other: _Blocks) -> None:
        other._spill()
        self._arrays.extend(other._arrays)
        self._settle()

    def values(self) -> np.ndarray:
        """All values, sorted (deduplicated for a set)."""
        if self._buf:
            self._spill()
        if not self._arrays:
            return np.zeros(0, np.uint64)
        if len(self._arrays) > 1:
            arr = np.concatenate(self._arrays)
            self._arrays = []  # the parts go as soon as they are copied
            arr.sort(kind="stable")  # sorted blocks end to end: timsort merges the runs
            self._arrays = [arr[run_heads(arr)] if self.unique else arr]
        return self._arrays[0]

    def take_sorted(self) -> np.ndarray:
        """All values, sorted (repeats across blocks kept, even for a set), as an array of the
        caller's own; the blocks are emptied, each part freed as soon as it is copied."""
        if self._buf:
            self._spill()
        arrays, self._arrays = self._arrays, []
        if len(arrays) <= 1:  # the one array may be another counter's too (merged from it)
            return arrays[0].copy() if arrays else np.zeros(0, np.uint64)
        arr = np.concatenate(arrays)
        arrays.clear()
        arr.sort(kind="stable")  # sorted blocks end to end: timsort merges the runs it finds
        return arr

    def __len__(self) -> int:
        return len(self._buf) + sum(len(a) for a in self._arrays)


class KeyCounts:
    """Exact counts of 64-bit keys, added as batches of (distinct keys, counts): a compact
    `Counter` (sorted uint64 keys, uint32 counts: 12 bytes a key). Batches wait in a list and
    are folded in when asked; `upper_bound` (no less than the number of distinct keys) costs
    nothing, so a caller can keep a bound on the distinct keys without folding at every
    batch."""

    __slots__ = ("_counts", "_keys", "_pending", "_pending_len", "_views")

    def __init__(self):
        self._keys = np.zeros(0, np.uint64)
        self._counts = np.zeros(0, np.uint32)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_len = 0
        self._views: tuple[memoryview, memoryview] | None = None  # of _keys, _counts

    def __getstate__(self) -> tuple:
        self.settle()
        return (self._keys, self._counts)

    def __setstate__(self, state: tuple) -> None:
        self._keys, self._counts = state
        self._pending, self._pending_len = [], 0
        self._views = None

    def add_counts(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Add `counts[i]` to the count of `keys[i]` (the keys of one batch are distinct)."""
        if len(keys):
            self._pending.append((keys.astype(np.uint64, copy=False),
                                  counts.astype(np.uint32, copy=False)))
            self._pending_len += len(keys)

    def merge(self, other: KeyCounts) -> None:
        if len(other._keys):
            self._pending.append((other._keys, other._counts))
            self._pending_len += len(other._keys)
        self._pending.extend(other._pending)
        self._pending_len += other._pending_len
        if self._pending_len > max(_SETTLE_PENDING, len(self._keys)):
            self.settle()  # in steps: one sort of millions of merged keys costs more

    def upper_bound(self) -> int:
        """At least the number of distinct keys (exact after `settle`)."""
        return len(self._keys) + self._pending_len

    def settle(self) -> None:
        """Fold the waiting batches in."""
        if not self._pending:
            return
        keys, counts = _sum_by_key(np.concatenate([k for k, _ in self._pending]),
                                   np.concatenate([c for _, c in self._pending]))
        self._pending, self._pending_len = [], 0
        if not len(self._keys):
            self._keys, self._counts = keys, counts
            return
        pos = self._keys.searchsorted(keys)
        hit = pos < len(self._keys)
        hit[hit] = self._keys[pos[hit]] == keys[hit]
        self._counts[pos[hit]] += counts[hit]
        new = ~hit
        if new.any():  # one pass over the table (O(n)), not a sort of it
            self._keys = np.insert(self._keys, pos[new], keys[new])
            self._counts = np.insert(self._counts, pos[new], counts[new])

    def __len__(self) -> int:
        """The number of distinct keys."""
        self.settle()
        return len(self._keys)

    def total(self) -> int:
        """The sum of the counts."""
        self.settle()
        return int(self._counts.sum())

    def keep_counts_above(self, floor: int) -> None:
        """Forget the keys counted `floor` times or fewer."""
        self.settle()
        kept = self._counts > floor
        self._keys, self._counts = self._keys[kept], self._counts[kept]

    def get(self, key: int) -> int:
        if self._pending:
            self.settle()
        views = self._views
        if views is None or views[0].obj is not self._keys:
            # made once per table, not per lookup: the table changes in place (which a view
            # sees) or by new arrays, keys and counts always together
            views = self._views = memoryview(self._keys), memoryview(self._counts)
        return _view_lookup(*views, key)

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """(keys, counts), keys sorted."""
        self.settle()
        return self._keys, self._counts


def _sum_by_key(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, sorted, with the sum of their counts."""
    if not len(keys):
        return keys, counts.astype(np.uint32)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    first = np.flatnonzero(run_heads(keys))
    return keys[first], np.add.reduceat(counts[order], first).astype(np.uint32)


class HashCounter:
    """How many times each 64-bit hash was added (a compact `Counter`)."""

    __slots__ = ("_buf", "_table")

    def __init__(self):
        self._buf: list[int] = []
        self._table = KeyCounts()

    def __getstate__(self) -> tuple:
        self._spill()
        return (self._table,)

    def __setstate__(self, state: tuple) -> None:
        (self._table,) = state
        self._buf = []

    def add(self, key: int) -> None:
        self._buf.append(key)
        if len(self._buf) >= _BLOCK:
            self._spill()

    def add_array(self, keys: np.ndarray) -> None:
        """Add every key of `keys` (uint64)."""
        if len(keys):
            self._table.add_counts(*run_counts(_sorted(keys, unique=False)))

    def _spill(self) -> None:
        if self._buf:
            buf, self._buf = self._buf, []
            self.add_array(np.array(buf, dtype=np.uint64))

    def merge(self, other: HashCounter) -> None:
        self._spill()
        other._spill()
        self._table.merge(other._table)

    def count(self, key: int) -> int:
        if self._buf:
            self._spill()
        return self._table.get(key)

    def __len__(self) -> int:
        """How many keys were added (repeats included)."""
        self._spill()
        return self._table.total()


class FrozenCounts:
    """Counts of distinct keys below 2**(_LOW_BITS + 16), read-only and compact: a key's low
    bits in a uint32 array, its high bits as offsets into it; its count in a uint8, those of
    _SATURATED or more in a small exact table. About 5 bytes a key. Built from slices of
    (sorted distinct keys, counts), the slices in key order, so that no full-size temporary
    array is needed beyond the result."""

    __slots__ = ("_big", "_offsets", "_low", "_small", "_views")

    def __init__(self, parts: Iterable[tuple[np.ndarray, np.ndarray]]):
        lows, smalls, big_keys, big_counts = [], [], [], []
        per_bucket = np.zeros(1 << 16, dtype=np.int64)
        for keys, counts in parts:
            high = (keys >> np.uint64(_LOW_BITS)).astype(np.int64)
            if len(high) and high[-1] >= len(per_bucket):
                raise ValueError("FrozenCounts keys must stay below 2**48")
            per_bucket += np.bincount(high, minlength=len(per_bucket))
            lows.append((keys & np.uint64((1 << _LOW_BITS) - 1)).astype(np.uint32))
            smalls.append(np.minimum(counts, _SATURATED).astype(np.uint8))
            big = counts >= _SATURATED
            big_keys.append(keys[big])
            big_counts.append(counts[big].astype(np.uint32))
        used = int(np.flatnonzero(per_bucket)[-1]) + 1 if per_bucket.any() else 0
        # offsets[b]: index of the first key whose high bits are b or more
        self._offsets: list[int] = [0, *np.cumsum(per_bucket[:used]).tolist()]
        self._low = _joined(lows, np.uint32)
        self._small = _joined(smalls, np.uint8)
        self._big = (_joined(big_keys, np.uint64), _joined(big_counts, np.uint32))
        self._views: tuple[memoryview, memoryview] | None = None  # of _low, _small

    def __getstate__(self) -> tuple:
        return self._big, self._offsets, self._low, self._small

    def __setstate__(self, state: tuple) -> None:
        self._big, self._offsets, self._low, self._small = state
        self._views = None

    @classmethod
    def of(cls, keys: np.ndarray, counts: np.ndarray) -> FrozenCounts:
        return cls([(keys, counts)])

    def count(self, key: int) -> int:
        b = key >> _LOW_BITS
        if b + 1 >= len(self._offsets):
            return 0
        start, end = self._offsets[b], self._offsets[b + 1]
        low = key & ((1 << _LOW_BITS) - 1)
        if self._views is None:  # items of memoryviews are Python ints, made per lookup
            self._views = memoryview(self._low), memoryview(self._small)
        view, small = self._views
        i = bisect_left(view, low, start, end)
        if i >= end or view[i] != low:
            return 0
        count = small[i]
        return _lookup(*self._big, key) if count == _SATURATED else count

    def __len__(self) -> int:
        return len(self._low)


def _joined(parts: list[np.ndarray], dtype) -> np.ndarray:
    """The parts end to end (emptying the list as they are copied)."""
    out = np.concatenate(parts) if parts else np.zeros(0, dtype)
    parts.clear()
    return out.astype(dtype, copy=False)


def _group_counts(pairs: np.ndarray, slices: int = 64):
    """(keys, distinct groups) of sorted (key, group) pairs (repeats allowed), slice by slice
    in key order: a key's pairs never straddle two slices."""
    shift = np.uint64(_GROUP_BITS)
    start = 0
    for i in range(1, slices + 1):
        end = len(pairs) * i // slices
        if end < len(pairs):  # back to the first pair of the key at `end`
            end = int(pairs.searchsorted((pairs[end] >> shift) << shift))
        if end > start:
            part = pairs[start:end]
            yield run_counts(part[run_heads(part)] >> shift)
            start = end


class PairCounter:
    """Distinct (key, group) pairs, counted per key after `freeze` (in how many groups a key
    was seen). Pairs keep 44 bits of the key and 20 of the group: a key seen in more than
    about a million groups, or two keys among billions, may be counted approximately."""

    __slots__ = ("_blocks", "_frozen")

    def __init__(self):
        self._blocks = _Blocks(unique=True)
        self._frozen: FrozenCounts | None = None

    def add(self, key: int, group: int) -> None:
        self._blocks.add(((key >> _GROUP_BITS) << _GROUP_BITS) | (group & _GROUP_MASK))

    def add_array(self, keys: np.ndarray, groups: np.ndarray) -> None:
        """`add(key, group)` for every (key, group) of the two uint64 arrays."""
        bits = np.uint64(_GROUP_BITS)
        self._blocks.add_array(((keys >> bits) << bits) | (groups & np.uint64(_GROUP_MASK)))

    def merge(self, other: PairCounter) -> None:
        self._blocks.merge(other._blocks)

    def freeze(self) -> None:
        """Count the groups per key; the pairs are dropped."""
        pairs = self._blocks.take_sorted()
        self._frozen = FrozenCounts(_group_counts(pairs))

    def count(self, key: int) -> int:
        """Groups the key was seen in (0 before `freeze`)."""
        if self._frozen is None:
            return 0
        return self._frozen.count(key >> _GROUP_BITS)

    def __len__(self) -> int:
        return len(self._blocks)
