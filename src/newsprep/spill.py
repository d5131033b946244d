"""What pass 1 read, kept on local disk for pass 2: the raw articles (and quarantines) of one
chunk, in order, so pass 2 neither reads nor decodes the inputs a second time. One file per
chunk, deleted once pass 2 has read it, of pickled records, each a list of `(task index,
items)` pieces holding about GROUP items in all: many small tasks (a `.txt` file is one
article) share a record, a big task (a JSON Lines range) spans several, in consecutive pieces.
With the incremental cache, a first record `[(-1, keys)]` holds the cache key of every task,
and the inputs pass 1 took from the cache are not in it: pass 2 reads them itself if it needs
them."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

GROUP = 256  # items pickled together (one pickle call per article costs more than the article)


class SpillWriter:
    def __init__(self, path: Path):
        self._fh: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._record: list[tuple[int, list]] = []
        self._held = 0  # items in the record

    def keys(self, keys: list[bytes | None]) -> None:
        """The cache keys of the chunk's tasks (before any item)."""
        pickle.dump([(-1, keys)], self._fh, protocol=pickle.HIGHEST_PROTOCOL)

    def items(self, index: int, items: Iterable[Any]) -> Iterator[Any]:
        """Pass `items` through, spilling them as task `index` (a task with no item too)."""
        piece: list = []
        self._record.append((index, piece))
        for item in items:
            piece.append(item)
            self._held += 1
            if self._held >= GROUP:
                self._dump()
                piece = []
                self._record.append((index, piece))
            yield item

    def _dump(self) -> None:
        pickle.dump(self._record, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._record, self._held = [], 0

    def close(self) -> None:
        if self._record:
            self._dump()
        self._fh.close()


def _groups(path: Path) -> Iterator[tuple[int, list]]:
    """The `(task index, items)` pieces of the spill file, in order."""
    with open(path, "rb") as fh:
        while True:
            try:
                yield from pickle.load(fh)
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
        piece = self._next[1]
        self._next = next(self._groups, None)
        if self._next is None or self._next[0] != index:
            return iter(piece)  # the whole task (a .txt file's one article): no generator
        return self._items(piece, index)

    def _items(self, piece: list, index: int) -> Iterator[Any]:
        yield from piece
        while self._next is not None and self._next[0] == index:
            piece = self._next[1]
            self._next = next(self._groups, None)
            yield from piece

    def close(self) -> None:
        """Delete the spill file (pass 2 has read what it needs)."""
        if self._path is not None:
            self._groups.close()
            self._path.unlink(missing_ok=True)
