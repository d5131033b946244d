"""What pass 1 read, kept on local disk for pass 2: the raw articles (and quarantines) of one
chunk, in order, so pass 2 neither reads nor decodes the inputs a second time. One file per
chunk of pickled groups `(task index, cache key, items)`; deleted once pass 2 has read it.
Inputs that pass 1 took from the incremental cache are not in it: pass 2 reads them itself
if it needs them."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

GROUP = 256  # items pickled together


class SpillWriter:
    def __init__(self, path: Path):
        self._fh: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()

    def items(self, index: int, items: Iterable[Any], key: bytes | None = None) -> Iterator[Any]:
        """Pass `items` through, spilling them as task `index` (read under cache `key`)."""
        group: list = []
        dumped = False
        for item in items:
            group.append(item)
            if len(group) >= GROUP:
                self._dump(index, key, group)
                group, dumped = [], True
            yield item
        if group or not dumped:
            self._dump(index, key, group)

    def _dump(self, index: int, key: bytes | None, group: list) -> None:
        pickle.dump((index, key, group), self._fh, protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        self._fh.close()


def _groups(path: Path) -> Iterator[tuple[int, bytes | None, list]]:
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

    def take(self, index: int) -> tuple[bytes | None, Iterator[Any]] | None:
        """(cache key, items) of task `index` if pass 1 spilled it, else None. Consume the
        items before taking the next task; tasks skipped over are dropped."""
        while self._next is not None and self._next[0] < index:
            self._next = next(self._groups, None)
        if self._next is None or self._next[0] != index:
            return None
        return self._next[1], self._items(index)

    def _items(self, index: int) -> Iterator[Any]:
        while self._next is not None and self._next[0] == index:
            group = self._next[2]
            self._next = next(self._groups, None)
            yield from group

    def close(self) -> None:
        """Delete the spill file (pass 2 has read what it needs)."""
        if self._path is not None:
            self._groups.close()
            self._path.unlink(missing_ok=True)
