"""Compact counters of 64-bit hashes for corpus-wide statistics: one uint64 per entry in sorted
numpy arrays (about 8 bytes an entry, against about 100 for a Python set of tuples), so pass 1
over a million articles stays within a few hundred MB. Values come in as Python ints, are
buffered, and are sorted and deduplicated in blocks."""

from __future__ import annotations

import numpy as np

_BLOCK = 1 << 16  # values buffered before they are sorted into an array
_MAX_ARRAYS = 4096  # arrays kept before they are merged into one
_GROUP_BITS = 20  # a pair keeps 44 bits of its key and 20 of its group
_GROUP_MASK = (1 << _GROUP_BITS) - 1


class _Blocks:
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

    def _spill(self) -> None:
        if self._buf:
            arr = np.array(self._buf, dtype=np.uint64)
            self._arrays.append(np.unique(arr) if self.unique else np.sort(arr))
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
        if len(self._arrays) == 1:
            return self._arrays[0]
        arr = np.concatenate(self._arrays)
        self._arrays = [np.unique(arr) if self.unique else np.sort(arr)]
        return self._arrays[0]

    def __len__(self) -> int:
        return len(self._buf) + sum(len(a) for a in self._arrays)


def _lookup(keys: np.ndarray, counts: np.ndarray, key: int) -> int:
    i = int(keys.searchsorted(np.uint64(key)))  # a Python int would copy `keys` (O(n))
    return int(counts[i]) if i < len(keys) and int(keys[i]) == key else 0


class HashCounter:
    """How many times each 64-bit hash was added (a compact `Counter`)."""

    __slots__ = ("_blocks", "_keys", "_counts")

    def __init__(self):
        self._blocks = _Blocks(unique=False)
        self._keys: np.ndarray | None = None
        self._counts: np.ndarray | None = None

    def add(self, key: int) -> None:
        self._blocks.add(key)
        self._keys = None

    def merge(self, other: HashCounter) -> None:
        self._blocks.merge(other._blocks)
        self._keys = None

    def count(self, key: int) -> int:
        if self._keys is None:
            self._keys, counts = np.unique(self._blocks.values(), return_counts=True)
            self._counts = counts.astype(np.uint32)
        return _lookup(self._keys, self._counts, key)

    def __len__(self) -> int:
        return len(self._blocks)


class PairCounter:
    """Distinct (key, group) pairs, counted per key after `freeze` (in how many groups a key
    was seen). Pairs keep 44 bits of the key and 20 of the group: a key seen in more than
    about a million groups, or two keys among billions, may be counted approximately."""

    __slots__ = ("_blocks", "_keys", "_counts")

    def __init__(self):
        self._blocks = _Blocks(unique=True)
        self._keys: np.ndarray | None = None
        self._counts: np.ndarray | None = None

    def add(self, key: int, group: int) -> None:
        self._blocks.add(((key >> _GROUP_BITS) << _GROUP_BITS) | (group & _GROUP_MASK))

    def merge(self, other: PairCounter) -> None:
        self._blocks.merge(other._blocks)

    def freeze(self) -> None:
        """Count the groups per key; the pairs are dropped."""
        keys = self._blocks.values() >> np.uint64(_GROUP_BITS)
        self._blocks = _Blocks(unique=True)
        self._keys, counts = np.unique(keys, return_counts=True)
        self._counts = counts.astype(np.uint32)

    def count(self, key: int) -> int:
        """Groups the key was seen in (0 before `freeze`)."""
        if self._keys is None:
            return 0
        return _lookup(self._keys, self._counts, key >> _GROUP_BITS)

    def __len__(self) -> int:
        return len(self._blocks)
