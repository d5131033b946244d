"""The incremental build cache, per input file (or JSON Lines range), keyed by an xxh3-128 hash of
its bytes, the newsprep version and the build settings (the salt):

- `stats`: its pass-1 corpus statistics, so that pass 1 reads and parses only changed inputs;
- `records`: its records (or quarantines), their duplicate keys and the log of the corpus
  statistics each one read (`newsprep.probes`), so that pass 2 reuses a record wherever every
  probe still gives the same answer under the new statistics (`newsprep.recordcache`);
- `memo`: a stat memo, (path, range) -> (size, mtime, ctime, inode, device, hash of the bytes),
  so that an unchanged file is not even read to be hashed (as git's index does). A changed size,
  mtime, ctime, inode or device always re-hashes the file. A file modified within RACY_NS of
  being hashed is not memoised (its mtime may not move on a second write within the clock's
  granularity), nor one that changed while it was read. The trade-off: a file rewritten with
  the same size and with its mtime and ctime forged back is taken as unchanged.

The output is the same as a clean build's. SQLite (WAL), safe to share between worker
processes, safe to delete; a cache that cannot be read is ignored with a warning, never fatal.
After a successful build it holds only what that build used or made (`newsprep.cacheprune`)."""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import sqlite3
import time
import warnings
import weakref
from pathlib import Path

import xxhash

from newsprep import cacheprune
from newsprep.corpus import CorpusStats
from newsprep.parse import Line, Page

_DB = "cache.sqlite"
RACY_NS = 2_000_000_000
_HELD: dict[str, weakref.finalize] = {}  # folder -> release of this process's build lock
_IN_BLOCK = 500  # values asked of SQLite at once
_TABLES = ("CREATE TABLE IF NOT EXISTS stats (key BLOB PRIMARY KEY, value BLOB)",
           "CREATE TABLE IF NOT EXISTS pages (key BLOB PRIMARY KEY, value BLOB)",
           "CREATE TABLE IF NOT EXISTS records (key BLOB PRIMARY KEY, value BLOB)",
           "CREATE TABLE IF NOT EXISTS memo (path BLOB, start INTEGER, stop INTEGER, "
           "stat BLOB, digest BLOB, PRIMARY KEY (path, start, stop))",
           cacheprune.MARKS_TABLE)


class CacheWarning(UserWarning):
    """The cache could not be read or written; the build goes on without it."""


@functools.cache
def code_fingerprint() -> str:
    """A hash of the source of the newsprep package: records are a function of the code as
    much as of the settings, so a changed detector (even without a new version number) must
    not reuse what an older one made."""
    h = xxhash.xxh3_64()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.relative_to(Path(__file__).parent).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class Cache:
    """The cache of one build. Made with no `gen`, it is the build's own (its driver's): it
    holds the cache's shared build lock and, closed at the end of a successful build, prunes
    what the build did not use. Copies in worker processes (pickled with the generation, or
    forked) only note what they use."""

    def __init__(self, folder: Path, salt: str, gen: int | None = None):
        self.folder = Path(folder)
        self._salt = salt
        self.salt = f"{salt}:{code_fingerprint()}"
        self.hits = self.misses = 0
        self.gen = cacheprune.new_generation() if gen is None else gen
        self.pruned: dict[str, int] | None = None  # after close: entries deleted, per table
        self._owner = os.getpid() if gen is None else -1
        self._lock = -1  # the build lock's file descriptor (the build's own cache)
        self._unlock: weakref.finalize | None = None  # releases it, once
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._broken = False
        self._pending: dict[str, list[tuple]] = {"stats": [], "pages": [], "records": [],
                                                 "memo": []}
        self._used: set[bytes] = set()  # keys asked or written (and of stat-memo rows found
        # valid or written), stored with each flush
        self._open()
        if gen is None and not self._broken:
            try:
                self._hold()
            except OSError as exc:
                self._fail(exc)

    def _hold(self) -> None:
        """Take the cache's shared build lock, released by close or when the object goes. A
        lock this process still holds for the same folder is of a build that failed (its
        cache never closed, perhaps kept alive by a traceback): released first."""
        key = os.path.abspath(self.folder)
        stale = _HELD.pop(key, None)
        if stale is not None:
            stale()
        self._lock = cacheprune.hold(self.folder)
        self._unlock = _HELD[key] = weakref.finalize(self, os.close, self._lock)

    def _open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._create()
        except sqlite3.OperationalError as exc:  # cannot be opened or written: ignored
            self._fail(exc)
        except sqlite3.DatabaseError as exc:  # not a database (any more): start afresh
            warnings.warn(f"incremental cache {self.folder} damaged ({exc}): started afresh",
                          CacheWarning, stacklevel=3)
            try:
                for suffix in ("", "-wal", "-shm"):
                    (self.folder / f"{_DB}{suffix}").unlink(missing_ok=True)
                self._create()
            except (OSError, sqlite3.Error) as again:
                self._fail(again)
        except (OSError, sqlite3.Error) as exc:
            self._fail(exc)

    def _create(self) -> None:
        conn = sqlite3.connect(self.folder / _DB, timeout=60)
        try:
            with conn:
                conn.execute("PRAGMA auto_vacuum=INCREMENTAL")  # a new file only: before tables
                conn.execute("PRAGMA journal_mode=WAL")
                for sql in _TABLES:
                    conn.execute(sql)
        finally:
            conn.close()

    def __getstate__(self) -> dict:
        return {"folder": self.folder, "salt": self._salt, "gen": self.gen}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["folder"], state["salt"], state["gen"])

    def _fail(self, exc: Exception) -> None:
        if not self._broken:
            warnings.warn(f"incremental cache {self.folder} ignored: {exc}", CacheWarning,
                          stacklevel=3)
            if self._owner != os.getpid():  # a worker's marks are lost: no prune this time
                self.marks_incomplete()
        self._broken = True

    def marks_incomplete(self) -> None:
        """Some of this build's work did not go through the cache (a worker that lost it, a
        Ray node on another machine): what it used is unknown, so the build will not prune."""
        with contextlib.suppress(OSError):
            cacheprune.incomplete(self.folder, self.gen).touch()

    def _db(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._conn is None or self._pid != os.getpid():
            self._conn = sqlite3.connect(self.folder / _DB, timeout=60)
            self._conn.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit
            self._pid = os.getpid()
        return self._conn

    # -- the stat memo and the keys

    def _select(self, sql: str, values: list) -> list[tuple]:
        """Rows of `sql` (`... IN ({})`) for every value, asked in blocks."""
        rows: list[tuple] = []
        for at in range(0, len(values), _IN_BLOCK):
            block = values[at: at + _IN_BLOCK]
            try:
                db = self._db()
                if db is None:
                    return rows
                rows += db.execute(sql.format(",".join("?" * len(block))), block).fetchall()
            except sqlite3.Error as exc:
                self._fail(exc)
                return rows
        return rows

    def digests(self, root: Path, tasks: list) -> list[bytes | None]:
        """xxh3-128 of the bytes of each task (a file, or a range of one), from the stat memo
        where the file is unchanged; None for a file that cannot be read."""
        base = os.path.abspath(root)
        whole = os.path.isfile(base)  # one input file: every task is (a range of) it
        idents, stats = [], []
        for task in tasks:
            path = base if whole else os.path.join(base, task.path or task.rel)
            end = getattr(task, "end", None)
            idents.append((os.fsencode(path), getattr(task, "start", 0), -1 if end is None
                           else end))
            try:
                stats.append(_stat_key(os.stat(path)))
            except OSError:
                stats.append(None)
        memo = {(p, a, b): (st, d) for p, a, b, st, d in self._select(
            "SELECT path, start, stop, stat, digest FROM memo WHERE path IN ({})",
            sorted({ident[0] for ident in idents}))}
        return [self._digest(ident, st, memo.get(ident)) for ident, st in zip(
            idents, stats, strict=True)]

    def _digest(self, ident: tuple, before: bytes | None, known: tuple | None) -> bytes | None:
        if before is None:
            return None
        if known is not None and known[0] == before:
            self._used.add(cacheprune.memo_key(*ident))
            return known[1]
        path, start, stop = ident
        try:
            digest, after = _hash_file(path, start, None if stop < 0 else stop)
        except OSError:
            return None
        if _stat_key(after) == before and time.time_ns() - after.st_mtime_ns > RACY_NS:
            self._pending["memo"].append((*ident, before, digest))
            self._used.add(cacheprune.memo_key(*ident))
        return digest

    def keys(self, root: Path, tasks: list) -> list[bytes | None]:
        """The statistics key of each task, None for one that cannot be read (the key of
        its pages too: each one is noted as used)."""
        keys = [None if d is None else self.stats_key(t, d)
                for t, d in zip(tasks, self.digests(root, tasks), strict=True)]
        self._used.update(k for k in keys if k is not None)
        return keys

    def key(self, root: Path, task) -> bytes | None:
        """The statistics key of `task`, None when it cannot be read."""
        return self.keys(root, [task])[0]

    def stats_key(self, task, digest: bytes) -> bytes:
        """Key of the pass-1 statistics of an input: its bytes, kind and the salt."""
        return xxhash.xxh3_128(b"%s\x00%s\x00%s" % (self.salt.encode(), task.kind.encode(),
                                                   digest)).digest()

    @staticmethod
    def records_key(task, stats_key: bytes) -> bytes:
        """Key of the records of an input: its statistics key and its names (sources and ids
        come from the path, JSON Lines sources from the line numbers)."""
        name = f"{task.rel}\x00{getattr(task, 'start', 0)}\x00{getattr(task, 'line0', 0)}"
        return xxhash.xxh3_128(stats_key + name.encode("utf-8", "surrogateescape")).digest()

    # -- values

    def fetch(self, table: str, keys: list[bytes | None]) -> dict[bytes, bytes]:
        """The stored values of `keys` (None skipped) in `table`, still pickled."""
        wanted = sorted({k for k in keys if k is not None})
        self._used.update(wanted)
        return dict(self._select(f"SELECT key, value FROM {table} WHERE key IN ({{}})", wanted))

    def load(self, table: str, key: bytes | None, fetched: dict[bytes, bytes]):
        """The value of `key` among `fetched`, unpickled; None if missing or damaged."""
        blob = fetched.get(key) if key is not None else None
        if blob is None:
            self.misses += 1
            return None
        try:
            value = pickle.loads(blob)
        except Exception as exc:  # noqa: BLE001 - a damaged value is a miss, never fatal
            self._fail(ValueError(f"a damaged {table} entry ({exc.__class__.__name__})"))
            self.misses += 1
            return None
        self.hits += 1
        return value

    def get_stats(self, key: bytes) -> CorpusStats | None:
        value = self.load("stats", key, self.fetch("stats", [key]))
        return value if isinstance(value, CorpusStats) else None

    def put_stats(self, key: bytes, stats: CorpusStats) -> None:
        self._used.add(key)
        self._pending["stats"].append((key, pickle.dumps(stats, protocol=5)))

    def put_pages(self, key: bytes, pages: list[Page]) -> None:
        """The parsed pages of an input (what pass 1 needs of it), kept compact."""
        self._used.add(key)
        packed = [(p.title, tuple(line.text for line in p.lines),
                   bytes(line.blank_before for line in p.lines)) for p in pages]
        self._pending["pages"].append((key, pickle.dumps(packed, protocol=5)))

    def load_pages(self, key: bytes, fetched: dict[bytes, bytes]) -> list[Page] | None:
        packed = self.load("pages", key, fetched)
        try:
            return None if packed is None else [
                Page(title, tuple(map(Line, texts, map(bool, blanks))))
                for title, texts, blanks in packed]
        except (TypeError, ValueError) as exc:
            self._fail(ValueError(f"a damaged pages entry ({exc.__class__.__name__})"))
            return None

    def put_records(self, key: bytes, value) -> None:
        self._used.add(key)
        self._pending["records"].append((key, pickle.dumps(value, protocol=5)))

    def flush(self) -> None:
        pending, self._pending = self._pending, {name: [] for name in self._pending}
        marks = cacheprune.mark_rows(self.gen, self._used)
        self._used = set()
        try:
            db = self._db()
            if db is None:
                return
            with db:
                for table in ("stats", "pages"):
                    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                                   pending[table])
                db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?)",
                               pending["records"])
                db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?, ?)",
                               pending["memo"])
                db.executemany("INSERT INTO marks VALUES (?, ?)", marks)
        except sqlite3.Error as exc:
            self._fail(exc)

    def close(self) -> None:
        """Store what is pending. The build's own cache is closed at the end of a successful
        build only: it then drops the entries the build did not use (`cacheprune.finish`)."""
        self.flush()
        try:
            db = self._db()
            if (db is not None and self._unlock is not None and self._unlock.alive
                    and self._owner == os.getpid()):
                self.pruned = cacheprune.finish(db, self.folder, self.gen, self._lock)
        except Exception as exc:  # noqa: BLE001 - never fatal: a rebuild only re-makes more
            self._fail(exc)
        finally:
            if self._unlock is not None and self._owner == os.getpid():
                self._unlock()
                key = os.path.abspath(self.folder)
                if _HELD.get(key) is self._unlock:
                    del _HELD[key]
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _stat_key(st: os.stat_result) -> bytes:
    return b"%d:%d:%d:%d:%d" % (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _hash_file(path: Path, start: int, end: int | None) -> tuple[bytes, os.stat_result]:
    """(xxh3-128 of bytes [start, end) of `path`, its stat once read), in 1 MB blocks."""
    h = xxhash.xxh3_128()
    with open(path, "rb") as fh:
        fh.seek(start)
        left = None if end is None else end - start
        while left is None or left > 0:  # in blocks: never a whole big file in memory
            block = fh.read(1 << 20 if left is None else min(1 << 20, left))
            if not block:
                break
            h.update(block)
            left = None if left is None else left - len(block)
        after = os.fstat(fh.fileno())
    return h.digest(), after


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
