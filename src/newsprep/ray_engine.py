"""The Ray Data engine: the same two passes, run as a Ray Dataset of work chunks, on this machine
or on a cluster (`newsprep build --engine ray --ray-address auto`, or `ray://HOST:10001`).

Each chunk of input tasks is one row of the dataset; `map` runs a pass over it in a Ray worker
and the driver reads the results back in order (`preserve_order`), so the output is the same as
the local engine's. The workers read the input files themselves: on a cluster the input folder
must be at the same path on every node (a shared or mounted file system). Optional: install
`newsprep[ray]`."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from newsprep.errors import NewsprepError

_SHARED: dict[str, Any] = {}


def _ray():
    try:
        import ray
    except ImportError:
        raise NewsprepError("the ray engine needs Ray: pip install 'newsprep[ray]'") from None
    return ray


def _shared(ref) -> dict[str, Any]:
    key = ref.hex()
    if key not in _SHARED:
        _SHARED.clear()
        _SHARED[key] = _ray().get(ref)
    return _SHARED[key]


class _Pass:
    """The per-row function of a pass (a picklable callable)."""

    def __init__(self, fn: Callable, shared_ref):
        self.fn, self.shared_ref = fn, shared_ref

    def __call__(self, row: dict) -> dict:
        shared = _shared(self.shared_ref)
        result = self.fn(shared, pickle.loads(row["job"]))
        return {"i": row["i"], "result": pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)}


class RayEngine:
    """Runs `fn(shared, item)` for every item as a Ray Data `map`, results in order."""

    def __init__(self, address: str | None = None, workers: int | None = None):
        self.address = address
        self.workers = workers
        _ray()

    def _init(self) -> None:
        ray = _ray()
        if ray.is_initialized():
            return
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "logging_level": "ERROR", "configure_logging": True}
        if self.address:
            ray.init(address=self.address, **kwargs)
        else:
            ray.init(num_cpus=self.workers, **kwargs)

    def map_ordered(self, fn: Callable, items: Iterable, shared: dict[str, Any]) -> Iterator:
        ray = _ray()
        self._init()
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        jobs = [{"i": i, "job": pickle.dumps(item)} for i, item in enumerate(items)]
        if not jobs:
            return
        ref = ray.put(shared)
        ds = ray.data.from_items(jobs, override_num_blocks=len(jobs)).map(_Pass(fn, ref))
        for expected, row in enumerate(ds.iter_rows()):
            if row["i"] != expected:  # preserve_order guarantees this; never trust it silently
                raise NewsprepError(f"ray engine: chunk {row['i']} came back as {expected}")
            yield pickle.loads(row["result"])
