"""The incremental build cache: per input file (or JSON Lines range), keyed by a hash of its
bytes, the newsprep version and the detector settings, its pass-1 corpus statistics.

A rebuild reads and parses in pass 1 only the inputs whose bytes changed; pass 2 still makes
every record, since the corpus statistics it reads (recurrences, word frequencies) change with
any input. The output is the same as a clean build's. SQLite, one row per input; safe to share
between worker processes (WAL), safe to delete."""

from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path

import xxhash

from newsprep.corpus import CorpusStats
from newsprep.ingest import input_path

_DB = "stats.sqlite"


class Cache:
    def __init__(self, folder: Path, salt: str):
        self.folder = Path(folder)
        self.salt = salt
        self.hits = self.misses = 0
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._pending: list[tuple[bytes, bytes]] = []
        self.folder.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.folder / _DB) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS stats (key BLOB PRIMARY KEY, value BLOB)")

    def __getstate__(self) -> dict:
        return {"folder": self.folder, "salt": self.salt}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["folder"], state["salt"])

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            self._conn = sqlite3.connect(self.folder / _DB, timeout=60)
            self._pid = os.getpid()
        return self._conn

    def key(self, root: Path, task) -> bytes:
        """Hash of the bytes of `task` (a file, or a range of one) with the salt."""
        root = Path(root)
        path = input_path(root, task)  # the real path: `rel` escapes non-UTF-8 names
        h = xxhash.xxh3_128()
        h.update(f"{self.salt}\x00{task.kind}\x00".encode())
        try:
            with open(path, "rb") as fh:
                start = getattr(task, "start", 0)
                fh.seek(start)
                end = getattr(task, "end", None)
                left = None if end is None else end - start
                while left is None or left > 0:  # in blocks: never a whole big file in memory
                    block = fh.read(1 << 20 if left is None else min(1 << 20, left))
                    if not block:
                        break
                    h.update(block)
                    left = None if left is None else left - len(block)
        except OSError:
            h.update(b"\x00unreadable")
        return h.digest()

    def get_stats(self, key: bytes) -> CorpusStats | None:
        row = self._db().execute("SELECT value FROM stats WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return pickle.loads(row[0])

    def put_stats(self, key: bytes, stats: CorpusStats) -> None:
        self._pending.append((key, pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL)))

    def flush(self) -> None:
        if self._pending:
            db = self._db()
            with db:
                db.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?)", self._pending)
            self._pending = []

    def close(self) -> None:
        self.flush()
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def default_folder(out: Path) -> Path:
    """The cache of the dataset folder `out`: beside it (`.NAME.cache`), never inside it, so it
    is neither published nor part of the byte-identical output."""
    out = Path(out).absolute()
    return out.parent / f".{out.name}.cache"


def open_cache(cache: str | Path | bool | None, out: Path, salt: str) -> Cache | None:
    """The cache of a build of `out`: False/None for none, True for the default folder beside
    `out`, or a folder of its own."""
    if not cache:
        return None
    return Cache(default_folder(out) if cache is True else Path(cache), salt)
