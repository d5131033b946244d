"""Pruning the incremental cache (`newsprep.cache`): after a successful build it holds only
what that build used or made.

Every process of a build notes the keys it asks of the cache or writes to it (statistics of
groups, pages and records of inputs) and the stat-memo rows it finds valid or writes (by a hash
of their path and range), and stores them with its flushes in the `marks` table, one row of
16-byte keys per flush, under the build's generation (a random number). When the build has
succeeded, its driver deletes every entry that none of those marks names, then the marks. A
build that fails or is interrupted never prunes: it only adds entries (and leaves marks, which
the next successful build drops), so a good cache is never emptied. Nor does a build prune when
one of its processes could not write its marks (it leaves an `incomplete-GEN` file), or when it
used nothing of the cache at all.

Builds may share a cache folder: each holds a shared `flock` on `builds.lock` from its start,
and a build prunes only if it can take that lock exclusively at its end (no other build is
running, whose marks would not be complete yet); otherwise it leaves the cache as it is.

Deleted entries leave free pages in the SQLite file, which the next build's new entries reuse,
so the file stays near the size of one build's entries plus what changed since. When the free
pages are at least a quarter of the file (many inputs went away), they are handed back to the
file system: an incremental vacuum (a cache made before auto_vacuum was set is vacuumed once,
which sets it)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import numpy as np
import xxhash

LOCK = "builds.lock"
KEY_BYTES = 16  # every key of stats, pages and records is an xxh3-128 digest
MARKS_TABLE = "CREATE TABLE IF NOT EXISTS marks (gen INTEGER, keys BLOB)"
VACUUM_SHARE = 4  # free pages worth handing back: at least 1/VACUUM_SHARE of the file


def new_generation() -> int:
    """A random id for a build's marks (positive, fits SQLite's INTEGER)."""
    return int.from_bytes(os.urandom(8), "big") >> 1


def hold(folder: Path) -> int:
    """A file descriptor holding a shared lock on the cache's builds for a running build."""
    fd = os.open(Path(folder) / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except OSError:
        os.close(fd)
        raise
    return fd


def _alone(fd: int) -> bool:
    """Whether no other build holds the cache (the shared lock of `fd` becomes exclusive)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def memo_key(path: bytes, start: int, stop: int) -> bytes:
    """The key that marks the stat-memo row of (a range of) a file as used."""
    return xxhash.xxh3_128_digest(b"%s\x00%d\x00%d" % (path, start, stop))


def _memo_keys(rows: list[tuple]) -> list[bytes]:
    keys = []
    for row in rows:
        try:
            keys.append(memo_key(*row))
        except TypeError:  # not a row newsprep writes: it goes
            keys.append(b"")
    return keys


def mark_rows(gen: int, keys: set[bytes]) -> list[tuple]:
    """The rows of the `marks` table for the keys a process used."""
    return [(gen, b"".join(keys))] if keys else []


def incomplete(folder: Path, gen: int) -> Path:
    """The file a process of build `gen` leaves when it could not store its marks."""
    return Path(folder) / f"incomplete-{gen:016x}"


def finish(db: sqlite3.Connection, folder: Path, gen: int, lock: int) -> dict[str, int] | None:
    """At the end of a successful build `gen`: prune and, when worth it, vacuum. The entries
    deleted per table (and `vacuumed` pages), or None when the cache was left as it was."""
    flag = incomplete(folder, gen)
    if flag.exists() or not _alone(lock):
        flag.unlink(missing_ok=True)
        with db:
            db.execute("DELETE FROM marks WHERE gen = ?", (gen,))
        return None
    pruned = prune(db, gen)
    for stale in Path(folder).glob("incomplete-*"):  # of builds that failed: none is running
        stale.unlink(missing_ok=True)
    if pruned is not None:
        pruned["vacuumed"] = vacuum(db)
    return pruned


def _heads(joined: bytes) -> np.ndarray:
    """The first 8 bytes of each 16-byte key, as integers: marks are matched on those (two keys
    that shared them would only keep a dead entry)."""
    return np.frombuffer(joined, "<u8")[::2]


def _marks(db: sqlite3.Connection, gen: int) -> np.ndarray:
    blobs = [value for (value,) in db.execute("SELECT keys FROM marks WHERE gen = ?", (gen,))
             if len(value) % KEY_BYTES == 0]
    return np.sort(_heads(b"".join(blobs)))


def _unmarked(rows: list[tuple], keys: list[bytes], marks: np.ndarray) -> list[tuple]:
    """The rows whose key (one for each row) is not among `marks` (sorted)."""
    joined = b"".join(keys)
    if len(joined) != KEY_BYTES * len(keys):  # keys not of newsprep's: those rows go
        sized = [i for i, key in enumerate(keys) if len(key) == KEY_BYTES]
        return [row for row, key in zip(rows, keys, strict=True) if len(key) != KEY_BYTES] + [
            rows[i] for i in _unmarked(sized, [keys[i] for i in sized], marks)]
    heads = _heads(joined)
    at = np.searchsorted(marks, heads)
    at[at == len(marks)] = 0
    return [rows[i] for i in np.flatnonzero(marks[at] != heads)]


def prune(db: sqlite3.Connection, gen: int) -> dict[str, int] | None:
    """Delete the entries that build `gen` did not mark, and every mark (the builds that left
    others are over). The entries deleted per table; None if `gen` marked nothing."""
    marks = _marks(db, gen)
    pruned: dict[str, int] | None = None
    with db:
        db.execute("BEGIN IMMEDIATE")
        if len(marks):
            pruned = {}
            for table in ("stats", "pages", "records"):
                rows = db.execute(f"SELECT key FROM {table}").fetchall()
                dead = _unmarked(rows, [key for (key,) in rows], marks)
                db.executemany(f"DELETE FROM {table} WHERE key = ?", dead)
                pruned[table] = len(dead)
            rows = db.execute("SELECT path, start, stop FROM memo").fetchall()
            dead = _unmarked(rows, _memo_keys(rows), marks)
            db.executemany("DELETE FROM memo WHERE path = ? AND start = ? AND stop = ?", dead)
            pruned["memo"] = len(dead)
        db.execute("DELETE FROM marks")
    return pruned


def vacuum(db: sqlite3.Connection) -> int:
    """Hand the free pages back to the file system when they are worth it; how many."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    free = db.execute("PRAGMA freelist_count").fetchone()[0]
    if not free or free * VACUUM_SHARE < pages:  # fewer: the next build's entries reuse them
        return 0
    if db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:  # incremental
        db.executescript("PRAGMA incremental_vacuum;")  # run to the end (execute: 1 page)
    else:  # a cache made before auto_vacuum was set: once, which sets it
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return free
