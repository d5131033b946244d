"""A list of small jobs shared between this process and one forked helper process, results in
job order: the input walk (`inventory.discover`) runs before any worker pool exists and spends
most of its time in system calls (a `stat` per file), which threads would not overlap (each
call is too short to be worth the GIL's hand-over), so one helper process takes a share.

Both processes claim the next job from one counter in shared memory, so neither waits while
jobs are left, whatever their sizes. The helper sends back what it did (`pack`ed, pickled)
when it is done; the results are returned in job order, so they never depend on who did what
or when. A job the helper did not send back (it failed or died) is done here: the helper only
ever saves time. Without `fork`, or with other threads running (a fork copies only this one,
and any lock another holds stays held), all is done here."""

from __future__ import annotations

import mmap
import multiprocessing as mp
import os
import pickle
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any

_SLOT = struct.Struct("q")


class _Counter:
    """The index of the next job to claim, in memory shared with a forked process."""

    def __init__(self, start: int, end: int):
        self._mem = mmap.mmap(-1, _SLOT.size)  # anonymous and shared (MAP_SHARED)
        _SLOT.pack_into(self._mem, 0, start)
        self._lock = mp.get_context("fork").Lock()
        self._end = end

    def claim(self) -> int | None:
        with self._lock:
            index = _SLOT.unpack_from(self._mem)[0]
            if index >= self._end:
                return None
            _SLOT.pack_into(self._mem, 0, index + 1)
        return index


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def map_shared(fn: Callable[[Any], Any], jobs: Sequence,
               pack: Callable[[Any], Any] | None = None,
               unpack: Callable[[Any], Any] | None = None, stats: dict | None = None) -> list:
    """`[fn(job) for job in jobs]`, with one forked helper doing a share of the jobs when
    there are two or more and a fork is safe. `pack` makes a result cheaper to pickle and
    `unpack` turns it back. `stats`, if given, gets `helper_jobs`: how many the helper did."""
    helper = _Helper.start(fn, jobs, pack) if len(jobs) >= 2 and can_fork() else None
    if stats is not None:
        stats["helper_jobs"] = 0
    if helper is None:
        return [fn(job) for job in jobs]
    results: list = [_MISSING] * len(jobs)
    try:
        while (index := helper.counter.claim()) is not None:
            results[index] = fn(jobs[index])
        done = helper.collect()
    finally:
        helper.close()
    for index, packed in done.items():
        results[index] = unpack(packed) if unpack else packed
    if stats is not None:
        stats["helper_jobs"] = len(done)
    for index, result in enumerate(results):  # what the helper claimed but did not send
        if result is _MISSING:
            results[index] = fn(jobs[index])
    return results


_MISSING = object()


class _Helper:
    """A forked process claiming jobs from `counter` until none is left, then sending
    `{index: pack(result)}` through a pipe and exiting."""

    def __init__(self, counter: _Counter, pid: int, pipe: int):
        self.counter, self.pid, self._pipe = counter, pid, pipe

    @classmethod
    def start(cls, fn: Callable, jobs: Sequence, pack: Callable | None) -> _Helper | None:
        """The helper, started; None if it cannot be (no semaphores, no process left)."""
        try:
            counter = _Counter(0, len(jobs))
            read_end, write_end = os.pipe()
        except (OSError, ImportError):
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the helper: never returns
            os.close(read_end)
            _serve(counter, fn, jobs, pack, write_end)
        os.close(write_end)
        return cls(counter, pid, read_end)

    def collect(self) -> dict[int, Any]:
        """What the helper did (nothing if it failed): waits for it to finish."""
        chunks = []
        while chunk := os.read(self._pipe, 1 << 20):
            chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0:
            return {}
        try:
            return {index: pickle.loads(data) for index, data in pickle.loads(b"".join(chunks))}
        except Exception:  # noqa: BLE001 - a helper that sent garbage did nothing
            return {}

    def close(self) -> None:
        os.close(self._pipe)
        if self.pid:  # the caller failed before collecting: the helper is not needed
            import signal

            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def _serve(counter: _Counter, fn: Callable, jobs: Sequence, pack: Callable | None,
           pipe: int) -> None:
    """The helper's life: each result pickled as soon as made (while the parent still works),
    all sent at the end; exit status 0 only if all went well."""
    status = 1
    try:
        done = []
        while (index := counter.claim()) is not None:
            result = fn(jobs[index])
            done.append((index, pickle.dumps(pack(result) if pack else result, protocol=5)))
        with open(pipe, "wb", closefd=False) as out:
            out.write(pickle.dumps(done, protocol=5))
        status = 0
    finally:
        os._exit(status)
