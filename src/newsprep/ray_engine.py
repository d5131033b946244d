"""The Ray Data engine: the same two passes, run as a Ray Dataset of work chunks, on this machine
or on a cluster (`newsprep build --engine ray --ray-address HEAD:PORT`, or `auto`).

Each chunk of input tasks is one row of the dataset; `map` runs a pass over it in a Ray worker
and the driver reads the results back in order (`preserve_order`), so the output is the same as
the local engine's. The workers read the input files themselves: on a cluster the input folder
must be at the same path on every node (a shared or mounted file system): a node that lacks an
input file the driver has fails the build with one line naming the file and the node.

Joining a cluster fails within a bounded time (CONNECT_TIMEOUT seconds, or
$NEWSPREP_RAY_CONNECT_TIMEOUT, or `RayEngine(connect_timeout=...)`) with one line naming the
address and the reason, where Ray alone retries for minutes. With the incremental cache, the
workers on the driver's machine share its SQLite file; a worker on another machine (which cannot
share it safely) makes its chunks afresh, which gives the same output, and the build warns.
Optional: install `newsprep[ray]` (on every node of a cluster)."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import socket
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from newsprep.cache import Cache, CacheWarning
from newsprep.errors import NewsprepError, UsageError

CONNECT_TIMEOUT = 30.0  # seconds to join a cluster, unless the variable below or the engine says
CONNECT_TIMEOUT_ENV = "NEWSPREP_RAY_CONNECT_TIMEOUT"
# Ray's own attempts at reaching the GCS of a cluster, each up to about 40 s (its gRPC timeouts),
# 20 of them by default; once the address takes connections, one attempt is enough.
RAY_ATTEMPTS_ENV = "RAY_gcs_server_port_wait_time_s"
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
        shared = _ray().get(ref)
        if isinstance(shared.get("cache"), _CacheHere):
            shared["cache"] = shared["cache"].open()
        _SHARED[key] = shared
    return _SHARED[key]


def _machine() -> str:
    """This machine: its host name and boot id (a node in a container has its own name)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    return f"{socket.gethostname()}/{boot}"


def _where(folder: Path) -> tuple | None:
    """Which folder `folder` is, on which machine; None where it does not exist."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return _machine(), st.st_dev, st.st_ino


class _CacheHere:
    """The build's cache as the Ray workers get it. A worker opens it only where it is the same
    folder on the same machine as the driver's (SQLite's locks hold between the processes of one
    machine, not across a network file system); elsewhere it runs without a cache, as a clean
    build does, and never makes a cache folder of its own on that node (the driver then keeps
    the build from pruning the cache: `Cache.marks_incomplete`)."""

    def __init__(self, cache: Cache):
        self.state = cache.__getstate__()
        self.state["folder"] = Path(self.state["folder"]).absolute()  # workers' cwd differs
        self.where = _where(self.state["folder"])

    def open(self) -> Cache | None:
        if self.where is None or _where(self.state["folder"]) != self.where:
            return None
        cache = Cache.__new__(Cache)
        cache.__setstate__(self.state)
        return cache


class _Pass:
    """The per-row function of a pass (a picklable callable)."""

    def __init__(self, fn: Callable, shared_ref):
        self.fn, self.shared_ref = fn, shared_ref

    def __call__(self, row: dict) -> dict:
        shared = _shared(self.shared_ref)
        item = pickle.loads(row["job"])
        missing = _first_missing(shared.get("root"), item)
        cache = shared.get("cache")
        before = (cache.hits, cache.misses) if cache is not None else (0, 0)
        result = self.fn(shared, item)
        after = (cache.hits, cache.misses) if cache is not None else (0, 0)
        return {"i": row["i"], "result": pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL),
                "missing": missing, "node": _node_name() if missing else "",
                "cached": cache is not None, "hits": after[0] - before[0],
                "misses": after[1] - before[1]}


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


def timeout_seconds(seconds: float | None = None) -> float:
    """Seconds to join a cluster: `seconds`, else $NEWSPREP_RAY_CONNECT_TIMEOUT, else 30."""
    if seconds is None:
        raw = os.environ.get(CONNECT_TIMEOUT_ENV, "").strip()
        try:
            seconds = float(raw) if raw else CONNECT_TIMEOUT
        except ValueError:
            raise UsageError(f"{CONNECT_TIMEOUT_ENV}={raw!r}: not a number of seconds") from None
    if not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(f"the Ray connect timeout must be a positive number of seconds, "
                         f"not {seconds!r}")
    return seconds


def _host_port(address: str) -> tuple[str, int] | None:
    """Where Ray connects for `address`: the host and port of the head's GCS (`HOST:PORT`, or
    `auto`, resolved as Ray does: a local host name becomes this node's address), or of its
    Ray Client server (`ray://HOST:PORT`); None where that cannot be told."""
    if address.startswith("ray://"):
        target = address[len("ray://"):].split("/")[0]
    else:
        try:
            from ray._private.services import canonicalize_bootstrap_address

            target = canonicalize_bootstrap_address(address)
        except Exception:  # noqa: BLE001 - Ray's internals moved: the address as given
            target = None if address == "auto" else address
    host, _, port = (target or "").rpartition(":")
    if not host or not port.isdigit():
        return None
    return host.strip("[]"), int(port)


# A client's HTTP/2 connection preface and an empty SETTINGS frame: a gRPC server (a Ray head's
# GCS, a Ray Client server) answers with a SETTINGS frame of its own (type 4, the frame's 4th
# byte), whatever its services and authentication.
_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def unreachable(host: str, port: int, timeout: float) -> str | None:
    """Why no gRPC server (as a Ray head is) answers at host:port within `timeout` seconds;
    None if one does. Where Ray's gRPC is encrypted (RAY_USE_TLS), a connection is enough."""
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            if os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true"):
                return None
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            sock.sendall(_H2_PREFACE)
            head = b""
            while len(head) < 9 and (more := sock.recv(9 - len(head))):
                head += more
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except socket.gaierror as exc:
        return f"unknown host {host!r} ({exc.strerror or exc})"
    except OSError as exc:
        return (exc.strerror or type(exc).__name__).lower()
    if len(head) == 9 and head[3] == 4:
        return None
    return ("something answers there, but not as a Ray head does (no gRPC: another service's "
            "port?)")


@contextlib.contextmanager
def _env_default(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` unless the user set it, for the duration of the block."""
    if name in os.environ:
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


def join(address: str, timeout: float, label: str | None = None, **kwargs: Any) -> None:
    """`ray.init(address=address)`, failing with one line (naming the address as `label`)
    within about `timeout` seconds where nothing answers at the address (Ray alone retries for
    minutes). Something that takes the connection but is no Ray head is left to Ray, given one
    attempt (about 40 s)."""
    ray = _ray()
    label = label or address
    target = _host_port(address)
    if target is not None:
        why = unreachable(*target, timeout)
        if why is not None:
            where = "" if address.endswith(f"{target[0]}:{target[1]}") else (
                f" ({target[0]}:{target[1]})")
            raise NewsprepError(f"cannot join the Ray cluster at {label}{where}: {why}")
    try:
        with _env_default(RAY_ATTEMPTS_ENV, "1"):
            ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError, ray.exceptions.RayError) as exc:
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NewsprepError(f"cannot join the Ray cluster at {label}: {why}") from None


class RayEngine:
    """Runs `fn(shared, item)` for every item as a Ray Data `map`, results in order.

    `address`: a cluster to join (`HOST:PORT` of its head, `auto`, `ray://HOST:PORT`), or None
    for a Ray on this machine; `connect_timeout`: seconds to join it (default: CONNECT_TIMEOUT
    or $NEWSPREP_RAY_CONNECT_TIMEOUT). `cache_hits` and `cache_misses` count the cache look-ups
    of the workers, `uncached_chunks` the chunks made on machines without the cache."""

    def __init__(self, address: str | None = None, workers: int | None = None,
                 connect_timeout: float | None = None):
        self.address = address
        self.workers = workers
        self.connect_timeout = timeout_seconds(connect_timeout)
        self.cache_hits = self.cache_misses = self.uncached_chunks = 0
        _ray()

    def _init(self) -> None:
        ray = _ray()
        if ray.is_initialized():
            return
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "logging_level": "ERROR", "configure_logging": True}
        # Without an address, Ray joins the cluster of $RAY_ADDRESS, if set (and not "local")
        from_env = os.environ.get("RAY_ADDRESS", "").strip()
        if self.address:
            join(self.address, self.connect_timeout, **kwargs)
        elif from_env and from_env != "local":
            join(from_env, self.connect_timeout, f"RAY_ADDRESS={from_env}", **kwargs)
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
        if shared.get("root") is not None:  # workers do not share the driver's working folder
            shared = {**shared, "root": Path(shared["root"]).absolute()}
        cache = shared.get("cache")
        if cache is not None:
            shared = {**shared, "cache": _CacheHere(cache)}
        ref = ray.put(shared)
        ds = ray.data.from_items(jobs, override_num_blocks=len(jobs)).map(_Pass(fn, ref))
        uncached = 0
        for expected, row in enumerate(ds.iter_rows()):
            if row["i"] != expected:  # preserve_order guarantees this; never trust it silently
                raise NewsprepError(f"ray engine: chunk {row['i']} came back as {expected}")
            _check_missing(row)
            self.cache_hits += row["hits"]
            self.cache_misses += row["misses"]
            uncached += cache is not None and not row["cached"]
            yield pickle.loads(row["result"])
        self.uncached_chunks += uncached
        if uncached:
            cache.marks_incomplete()  # what those chunks would have used is unknown: no prune
            warnings.warn(f"incremental cache {cache.folder}: {uncached} of {len(jobs)} chunks "
                          "ran on Ray nodes that cannot share it (other machines); they were made "
                          "without it (same output)", CacheWarning, stacklevel=2)
