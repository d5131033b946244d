"""What pass 1 read, kept on local disk for pass 2: the raw articles (and quarantines) of one
chunk, in order, so pass 2 neither reads nor decodes the inputs a second time. One file per
chunk of pickled groups `(task index, items)`; deleted once pass 2 has read it. With the
incremental cache, a first group `(-1, keys)` holds the cache key of every task, and the
inputs pass 1 took from the cache are not in it: pass 2 reads them itself if it needs them."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

GROUP = 256  # items pickled together


class SpillWriter:
    def __init__(self, path: Path):
        self._fh: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()

    def keys(self, keys: list[bytes | None]) -> None:
        """The cache keys of the chunk's tasks (before any item)."""
        self._dump(-1, keys)

    def items(self, index: int, items: Iterable[Any]) -> Iterator[Any]:
        """Pass `items` through, spilling them as task `index`."""
        group: list = []
        dumped = False
        for item in items:
            group.append(item)
            if len(group) >= GROUP:
                self._dump(index, group)
                group, dumped = [], True
            yield item
        if group or not dumped:
            self._dump(index, group)

    def _dump(self, index: int, group: list) -> None:
        pickle.dump((index, group), self._fh, protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        self._fh.close()


def _groups(path: Path) -> Iterator[tuple[int, list]]:
    with open(path, "rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


class SpillReader:
    """The spilled tasks of one chunk, asked for in increasing task order (`take`)."""

    def __init__(self, path: Path | None):
        self._path = Path(path) if path is not None and Path(path).exists() else None
        self._groups = _groups(self._path) if self._path is not None else iter(())
        self._next = next(self._groups, None)
        self.keys: list[bytes | None] | None = None  # the cache keys pass 1 found, if any
        if self._next is not None and self._next[0] == -1:
            self.keys = self._next[1]
            self._next = next(self._groups, None)

    def take(self, index: int) -> Iterator[Any] | None:
        """The items of task `index` if pass 1 spilled it, else None. Consume them before
        taking the next task; tasks skipped over are dropped."""
        while self._next is not None and self._next[0] < index:
            self._next = next(self._groups, None)
        if self._next is None or self._next[0] != index:
            return None
        return self._items(index)

    def _items(self, index: int) -> Iterator[Any]:
        while self._next is not None and self._next[0] == index:
            group = self._next[1]
            self._next = next(self._groups, None)
            yield from group

    def close(self) -> None:
        """Delete the spill file (pass 2 has read what it needs)."""
        if self._path is not None:
            self._groups.close()
            self._path.unlink(missing_ok=True)
