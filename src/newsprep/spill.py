"""What pass 1 read, kept on local disk for pass 2: the raw articles (and quarantines) of one
chunk, in order, so pass 2 neither reads nor decodes the inputs a second time. One file per
chunk of pickled groups `(task index, items)`; deleted once pass 2 has read it."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

GROUP = 256  # items pickled together


class SpillWriter:
    def __init__(self, path: Path):
        self._fh: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()

    def items(self, index: int, items: Iterable[Any]) -> Iterator[Any]:
        """Pass `items` through, spilling them as task `index`."""
        group: list = []
        for item in items:
            group.append(item)
            if len(group) >= GROUP:
                self._dump(index, group)
                group = []
            yield item
        if group:
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


def replay(path: Path | None, tasks: list, read: Callable[[Any], Iterable[Any]]) -> Iterator[Any]:
    """The items of `tasks` in order: from the spill file where pass 1 kept them, else `read`."""
    if path is None or not Path(path).exists():
        for task in tasks:
            yield from read(task)
        return
    groups = _groups(path)
    group = next(groups, None)
    for i, task in enumerate(tasks):
        if group is None or group[0] != i:
            yield from read(task)
            continue
        while group is not None and group[0] == i:
            yield from group[1]
            group = next(groups, None)
    Path(path).unlink()
