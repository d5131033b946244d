"""Running a function over chunks of work: in this process, or in a pool of worker processes.
Results come back in input order, so the output never depends on the number of workers.

An engine is anything with `map_ordered(fn, items, shared)` that yields `fn(shared, item)` for
every item, in order; `LocalEngine` is this one, `newsprep.ray_engine.RayEngine` runs on Ray."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from newsprep import hugepages

_STATE: dict[str, Any] = {}
WARM_UP_THREAD = "newsprep-warm-up"  # a build's background thread that a fork must wait for


class Engine(Protocol):
    workers: int

    def map_ordered(self, fn: Callable, items: Iterable, shared: dict[str, Any]) -> Iterator: ...


_ITEMS: list = []  # the items of the running map, as the workers were started with them
_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter
KEEP_FREED_BYTES = 64 << 20  # free heap a worker keeps at its top instead of handing it back


def _keep_freed_memory() -> None:
    """Let this process's heap keep up to KEEP_FREED_BYTES free at its top (glibc hands back
    anything above about 128 KiB). A worker allocates and frees temporaries of a few MB per
    batch; handed back, they come back as fresh pages each time, and the page faults cost a
    sixth of pass 1's CPU (100k `.txt`: pass-1 workers 6.4 -> 5.4 CPU-s). Workers live for one
    pass, so what they keep goes with them. A no-op without glibc's mallopt."""
    import ctypes
    from contextlib import suppress

    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_BYTES)


WORKER_GC_THRESHOLD = 200_000  # tracked objects a worker makes, net, before a collection


def _collect_rarely() -> None:
    """Keep the cyclic garbage collector off a worker's hot path. What the worker inherits from
    the driver (the items, the config, the statistics, the modules) is frozen: it is the
    driver's, never garbage here, and a full collection would walk it all, writing to every page
    it touches (copy-on-write). The first generation is collected after WORKER_GC_THRESHOLD net
    new objects instead of 700: the passes make no reference cycles (an article's records and
    batches are freed by reference counting), so in practice a worker never collects, yet one
    that made cycles would still free them. Pass 2 at 100k `.txt`: about 1 CPU-s less."""
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def _init(state: dict[str, Any], items: list) -> None:
    _STATE.clear()
    _STATE.update(state)
    _ITEMS[:] = items
    _keep_freed_memory()
    _collect_rarely()
    hugepages.turn_off()  # a worker's buffers are fresh memory: small pages come warm


def _call(job: tuple[Callable, int]) -> Any:
    fn, index = job
    return fn(_STATE, _ITEMS[index])


def state() -> dict[str, Any]:
    """What the pool was started with (config, corpus statistics, ...)."""
    return _STATE


def default_workers(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The CPUs this process may use: those it may run on, fewer where a container's CPU quota
    (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`) allows less, rounded up. A container limited
    to 2 CPUs on a 64-core host gets 2 workers, not 64 (each worker holds its own memory)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    quota = _cpu_quota(cgroup)
    return max(1, min(cpus, quota)) if quota is not None else cpus


def _cpu_quota(root: Path) -> int | None:
    """CPUs allowed by the cgroup CPU quota at `root` (quota / period, rounded up); None where
    there is no quota or it cannot be read."""
    for quota_file, period_file in ((root / "cpu.max", None),
                                    (root / "cpu" / "cpu.cfs_quota_us",
                                     root / "cpu" / "cpu.cfs_period_us"),
                                    (root / "cpu,cpuacct" / "cpu.cfs_quota_us",
                                     root / "cpu,cpuacct" / "cpu.cfs_period_us")):
        try:
            fields = quota_file.read_text().split()
            if period_file is not None:
                fields.append(period_file.read_text().strip())
            quota, period = int(fields[0]), int(fields[1])
        except (OSError, ValueError, IndexError):  # absent, or "max" (no quota)
            continue
        if quota > 0 and period > 0:
            return -(-quota // period)
    return None


class LocalEngine:
    """Worker processes on this machine (forked, so `shared` is not copied), or none."""

    def __init__(self, workers: int | None = None):
        self.workers = default_workers() if workers is None else max(1, workers)

    def map_ordered(self, fn: Callable, items: Iterable, shared: dict[str, Any]) -> Iterator:
        return map_ordered(fn, items, self.workers, shared)


RESULT_PIPE_BYTES = 1 << 20  # what the pipe carrying results back may hold (Linux default 64 KiB)


def _widen_result_pipe(pool) -> None:
    """Let the pipe that brings a pool's results back hold RESULT_PIPE_BYTES. A chunk's result
    is hundreds of KB (its statistics, its duplicate keys); through 64 KiB, a worker that has
    finished a chunk waits, in steps, for this process to be scheduled and read it all before
    it can start on the next (at 100k `.txt`: pass-2 workers idle 0.08-0.16 s each instead of
    0.04-0.07). Where pipes cannot be sized (not Linux: no `fcntl.F_SETPIPE_SZ`), the system
    refuses the size (a lower `pipe-max-size`) or the pool has no such pipe (another Python's
    multiprocessing), nothing changes but the speed."""
    from contextlib import suppress

    with suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pool._outqueue._reader.fileno(), fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)


def _join_warm_up() -> None:
    """Wait for a build's background warm-up thread (`finalize.warm_up`) before forking."""
    for thread in threading.enumerate():
        if thread.name == WARM_UP_THREAD:
            thread.join()


def map_ordered(fn: Callable, items: Iterable, workers: int, shared: dict[str, Any]) -> Iterator:
    """`fn(shared, item)` for every item, in order."""
    if workers <= 1:
        for item in items:
            yield fn(shared, item)
        return
    _join_warm_up()  # a fork while a thread imports modules could leave its locks held
    items = list(items)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    # The workers get the items with `shared` when they start (forked: not even copied), so a
    # job is just (fn, index): nothing to pickle per item but the result.
    with ctx.Pool(workers, initializer=_init, initargs=(shared, items)) as pool:
        _widen_result_pipe(pool)
        yield from pool.imap(_call, ((fn, i) for i in range(len(items))), chunksize=1)
