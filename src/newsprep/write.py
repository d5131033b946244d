"""Writing a dataset folder: Parquet shards named as the Hub names them, written into a staging
folder that replaces the old dataset in one atomic step, under a lock."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import pyarrow as pa

from newsprep.arrowsize import read_back_size
from newsprep.engine import default_workers
from newsprep.errors import NewsprepError
from newsprep.rowgroups import JoinedFile, encode_row_group
from newsprep.schema import SCHEMA

PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True,
                       write_statistics=True, data_page_size=1 << 20)
PENDING_PER_THREAD = 2  # row groups waiting for, or in, each encoding thread at most
_RENAME_EXCHANGE = 2


def shard_name(split: str, index: int, total: int) -> str:
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


class _Shard:
    """One shard file, joined from its row groups encoded apart (`rowgroups`)."""

    def __init__(self, path: Path):
        self.path = path
        self._file = None
        self._joined: JoinedFile | None = None

    def append(self, piece: pa.Buffer) -> None:
        if self._joined is None:
            self._file = open(self.path, "wb")  # noqa: SIM115 (closed in `close`)
            self._joined = JoinedFile(self._file)
        self._joined.append(piece)

    def close(self) -> None:
        if self._joined is None:  # no row group: the file of an empty table
            self.append(encode_row_group(SCHEMA.empty_table(), SCHEMA, PARQUET_OPTIONS))
        try:
            self._joined.close()
        finally:
            self._file.close()


class RowGroupPool:
    """Encodes row groups in `threads` threads (pyarrow compresses without the GIL) and appends
    them to their shards in the order they were submitted, in the calling thread; at most
    `PENDING_PER_THREAD` per thread wait, which bounds the memory. Errors of the encoding
    threads surface in the calling thread. A context manager: leaving it cancels what waits."""

    def __init__(self, threads: int | None = None):
        threads = threads or default_workers()  # the CPUs this process may use
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="newsprep-rowgroup")
        self._max = PENDING_PER_THREAD * threads
        self._queue: deque[tuple[_Shard, Future | None]] = deque()

    def submit(self, shard: _Shard, table: pa.Table) -> None:
        while self._queue and (len(self._queue) >= self._max or self._ready()):
            self._finish_oldest()
        self._queue.append((shard, self._pool.submit(encode_row_group, table, SCHEMA,
                                                     PARQUET_OPTIONS)))

    def close_shard(self, shard: _Shard) -> None:
        """Close `shard` once the row groups submitted before are in it."""
        self._queue.append((shard, None))

    def drain(self) -> None:
        while self._queue:
            self._finish_oldest()

    def _ready(self) -> bool:
        future = self._queue[0][1]
        return future is None or future.done()

    def _finish_oldest(self) -> None:
        shard, future = self._queue.popleft()
        if future is None:
            shard.close()
        else:
            shard.append(future.result())

    def shutdown(self) -> None:
        self._queue.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> RowGroupPool:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


class ShardWriter:
    """Streams record batches of one split into `data/` shards of at most `shard_rows` rows.
    Its row groups are encoded by `pool` (shared by the writers of a build; without one, the
    writer has its own)."""

    def __init__(self, folder: Path, split: str, shard_rows: int, row_group_rows: int,
                 pool: RowGroupPool | None = None):
        self.folder, self.split = Path(folder) / "data", split
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shard_rows, self.row_group_rows = shard_rows, row_group_rows
        self._pool, self._own_pool = pool or RowGroupPool(1), pool is None
        self._shard: _Shard | None = None
        self._rows_in_shard = 0
        self._parts: list[Path] = []
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._finished = False
        self.rows = 0
        self.arrow_bytes = 0  # of the row groups written, as read back (`card.arrow_bytes`)

    def _open(self) -> None:
        part = self.folder / f".{self.split}-{len(self._parts):05d}.part"
        self._parts.append(part)
        self._shard = _Shard(part)
        self._rows_in_shard = 0

    def write(self, table: pa.Table) -> None:
        """Buffer `table`; row groups are written as they fill, so the file layout does not
        depend on how the rows were batched on the way in."""
        self._buffer.append(table)
        self._buffered += table.num_rows
        if self._buffered >= self.row_group_rows:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        """Write the buffered rows as row groups of `row_group_rows` rows, cut short only at
        the end of a shard (or, when `final`, of the split); keep the rest buffered."""
        if not self._buffered:
            return
        data = pa.concat_tables(self._buffer)
        offset = 0
        while offset < data.num_rows:
            if self._shard is None or self._rows_in_shard >= self.shard_rows:
                self._close_shard()
                self._open()
            take = min(self.shard_rows - self._rows_in_shard, self.row_group_rows)
            if data.num_rows - offset < take and not final:
                break
            take = min(take, data.num_rows - offset)
            group = data.slice(offset, take)
            self._pool.submit(self._shard, group)
            self.arrow_bytes += read_back_size(group)
            self._rows_in_shard += take
            self.rows += take
            offset += take
        rest = data.slice(offset)
        self._buffer = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows

    def _close_shard(self) -> None:
        if self._shard is not None:
            self._pool.close_shard(self._shard)
            self._shard = None

    def finish(self) -> None:
        """Submit the last rows and the closing of the last shard, without waiting for them
        (the writers of a build finish all before they close: their last row groups are
        encoded side by side)."""
        if self._finished:
            return
        self._finished = True
        self._flush(final=True)
        if not self._parts:
            self._open()
        self._close_shard()

    def close(self) -> list[str]:
        """Finish and name the shards; an empty split still gets one (empty) shard."""
        self.finish()
        try:
            self._pool.drain()
        finally:
            if self._own_pool:
                self._pool.shutdown()
        names = []
        for i, part in enumerate(self._parts):
            name = shard_name(self.split, i, len(self._parts))
            part.rename(self.folder / name)
            names.append(f"data/{name}")
        return names


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    res = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if res == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def refuse_to_replace(out: Path, protect: Path | None = None) -> None:
    """Replacing `out` deletes what it held: refuse when it holds `protect` (the input), or is a
    non-empty folder that newsprep did not write (no build.json, no .newsprep/)."""
    out = Path(out).absolute()
    if protect is not None:
        real_out, real_in = out.resolve(), Path(protect).absolute().resolve()
        if real_out == real_in or real_out in real_in.parents:
            raise NewsprepError(f"{out}: the output folder holds the input {protect}; "
                                "choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (
            (out / "build.json").is_file() or (out / ".newsprep").is_dir()):
        raise NewsprepError(f"{out}: exists and is not a newsprep dataset folder "
                            "(no build.json or .newsprep/); refusing to replace it")


@contextmanager
def staged_output(out: Path, protect: Path | None = None):
    """Yield a staging folder beside `out`; on success it replaces `out` atomically.

    On any error, or if the process dies, `out` is untouched and the staging folder is removed
    (or left as `.NAME.staging-*`, which the next build clears). `out` is never a folder that
    holds `protect` (the input) or one newsprep did not write (`refuse_to_replace`)."""
    out = Path(out).absolute()
    refuse_to_replace(out, protect)
    out.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(out):
        for stale in out.parent.glob(f".{out.name}.staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        stage.chmod(0o755)  # mkdtemp makes it private; a dataset folder is readable like any
        try:
            yield stage
            _fsync_tree(stage)
            if out.exists() and not out.is_dir():
                raise NewsprepError(f"{out}: exists and is not a folder")
            if out.exists() and _exchange(stage, out):
                shutil.rmtree(stage)
            else:
                if out.exists():
                    old = stage.with_name(stage.name + ".old")
                    out.rename(old)
                    stage.rename(out)
                    shutil.rmtree(old)
                else:
                    stage.rename(out)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)


@contextmanager
def build_lock(out: Path):
    """An exclusive lock on `out`: a second build of the same folder fails at once, clearly.

    The lock file (`.OUT.lock` beside `out`) is removed when the build ends. A build that
    opened the file just before it was removed finds, once it holds its lock, that the file it
    locked is no longer the one at the path, and starts over with a new file."""
    lock_path = out.parent / f".{out.name}.lock"
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise NewsprepError(f"{out}: another newsprep build is writing this folder") from None
        if _same_file(fd, lock_path):
            break
        os.close(fd)  # removed by the build that held it: lock the file there now
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            lock_path.unlink()  # still holding the lock: no other build can be inside
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    here = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (here.st_dev, here.st_ino)
