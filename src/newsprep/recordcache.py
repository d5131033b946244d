"""Records of an earlier build, reused in pass 2 when they are exactly what a clean build would
make. A record is a pure function of its article, the settings and the answers of the probes
its detectors asked of the corpus statistics (`newsprep.probes`). Per input, the cache keeps
every item it gave (records and quarantines, in order), the probe log of each, and the
duplicate keys of each record (what `passes` would derive from it: id, title and content
hashes, MinHash band keys and short signature). An item is reused when its input's bytes, name,
newsprep version and settings are unchanged (the cache key) and every probe it asked still
gives the same answer under the new corpus statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsprep.corpus import CorpusStats
from newsprep.probes import PROBES, Log

Keys = tuple[int, int, int, int, bytes, bytes]  # id, title, content (2), band keys, sig16
_MISSING = object()


@dataclass(slots=True)
class Entry:
    """What one input gave: items (record dicts or `Quarantined`), their probe logs, and the
    duplicate keys of each record (None for a quarantine, or while not yet computed)."""

    items: list[Any] = field(default_factory=list)
    logs: list[Log] = field(default_factory=list)
    keys: list[Keys | None] = field(default_factory=list)

    def append(self, item: Any, log: Log, keys: Keys | None) -> int:
        self.items.append(item)
        self.logs.append(log)
        self.keys.append(keys)
        return len(self.items) - 1

    @property
    def complete(self) -> bool:
        """Every record has its keys (quarantines have none)."""
        return all(k is not None or not isinstance(item, dict)
                   for item, k in zip(self.items, self.keys, strict=True))

    def pack(self) -> tuple:
        return (self.items, self.logs, self.keys)

    @classmethod
    def unpack(cls, value: Any) -> Entry | None:
        """The entry of a cached value; None if it is not one (a damaged or foreign value)."""
        if not (isinstance(value, tuple) and len(value) == 3
                and all(isinstance(part, list) for part in value)
                and len(value[0]) == len(value[1]) == len(value[2])):
            return None
        return cls(*value)


class Checker:
    """Says whether logged probes still hold under `stats`. Answers are remembered in
    `answers` (give one dict per build and process: page furniture puts the same questions
    to many articles), up to MEMO of them."""

    __slots__ = ("answers", "stats")
    MEMO = 200_000

    def __init__(self, stats: CorpusStats, answers: dict | None = None):
        self.stats = stats
        self.answers: dict[tuple, Any] = {} if answers is None else answers
        if len(self.answers) > self.MEMO:
            self.answers.clear()

    def holds(self, log: Log) -> bool:
        answers = self.answers
        for name, args, answer in log:
            key = (name, args)
            try:
                now = answers.get(key, _MISSING)
            except TypeError:  # an argument that cannot be a dict key: ask every time
                key, now = None, _MISSING
            if now is _MISSING:
                now = PROBES[name](self.stats, *args)
                if key is not None:
                    answers[key] = now
            if now != answer:
                return False
        return True

    def all_hold(self, entry: Entry) -> bool:
        return all(self.holds(log) for log in entry.logs)
