"""The Ray Data engine: the same two passes, run as a Ray Dataset of work chunks, on this machine
or on a cluster (`newsprep build --engine ray --ray-address HEAD:PORT`, or `auto`).

Each chunk of input tasks is one row of the dataset; `map` runs a pass over it in a Ray worker
and the driver reads the results back in order (`preserve_order`), so the output is the same as
the local engine's. The workers read the input files themselves: on a cluster the input folder
must be at the same path on every node (a shared or mounted file system): a node that lacks an
input file the driver has fails the build with one line naming the file and the node. Optional:
install `newsprep[ray]` (on every node of a cluster)."""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
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
        item = pickle.loads(row["job"])
        missing = _first_missing(shared.get("root"), item)
        result = self.fn(shared, item)
        return {"i": row["i"], "result": pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL),
                "missing": missing, "node": _node_name() if missing else ""}


def _first_missing(root, item) -> str:
    """The first input file of `item` (a chunk of tasks) that this node cannot see, or ""."""
    if root is None or not isinstance(item, list):
        return ""
    root = os.fspath(root)
    if os.path.isfile(root):
        return ""
    if not os.path.isdir(root):
        return root
    for task in item:
        rel = getattr(task, "path", "") or getattr(task, "rel", "")
        if rel and not os.path.lexists(f"{root}/{rel}"):
            return f"{root}/{rel}"
    return ""


def _node_name() -> str:
    ray = _ray()
    node = ray.get_runtime_context().get_node_id()[:12]
    return f"{ray.util.get_node_ip_address()} (node {node})"


def _check_missing(row: dict) -> None:
    """A worker that lacks an input file the driver has: the input is not shared. (A file gone
    from the driver too vanished during the build and is quarantined, as the local engine does.)"""
    path = row["missing"]
    if path and os.path.lexists(path):
        raise NewsprepError(
            f"{path}: not found on Ray node {row['node']}, though the driver reads it; with "
            "--engine ray every node must see the input at the same path (a shared file system)")


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
        if not self.address:
            ray.init(num_cpus=self.workers, **kwargs)
            return
        try:
            ray.init(address=self.address, **kwargs)
        except (ConnectionError, RuntimeError, ray.exceptions.RayError) as exc:
            why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise NewsprepError(f"cannot join the Ray cluster at {self.address}: {why}") from None

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
        if shared.get("root") is not None:  # workers do not share the driver's working folder
            shared = {**shared, "root": Path(shared["root"]).absolute()}
        ref = ray.put(shared)
        ds = ray.data.from_items(jobs, override_num_blocks=len(jobs)).map(_Pass(fn, ref))
        for expected, row in enumerate(ds.iter_rows()):
            if row["i"] != expected:  # preserve_order guarantees this; never trust it silently
                raise NewsprepError(f"ray engine: chunk {row['i']} came back as {expected}")
            _check_missing(row)
            yield pickle.loads(row["result"])
