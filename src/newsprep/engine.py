"""Running a function over chunks of work: in this process, or in a pool of worker processes.
Results come back in input order, so the output never depends on the number of workers."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_STATE: dict[str, Any] = {}


def _init(state: dict[str, Any]) -> None:
    _STATE.clear()
    _STATE.update(state)


def state() -> dict[str, Any]:
    """What the pool was started with (config, corpus statistics, ...)."""
    return _STATE


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def map_ordered(fn: Callable, chunks: Iterable, workers: int, shared: dict[str, Any]) -> Iterator:
    """`fn(chunk)` for every chunk, in order; `shared` is visible through `state()`."""
    if workers <= 1:
        _init(shared)
        yield from map(fn, chunks)
        return
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=_init, initargs=(shared,)) as pool:
        yield from pool.imap(fn, chunks, chunksize=1)
