"""The Ray engine on a real Ray cluster joined by its address (`engine="ray:ADDRESS"`,
`newsprep build --engine ray --ray-address ADDRESS`): two nodes started on this machine with the
`ray` CLI (`ray start --head`, then `ray start --address`), each its own set of processes, temp
folder and object store.

The second node runs in a private mount namespace (`unshare --mount`, where the kernel allows it)
in which one folder, `hidden/`, is an empty tmpfs: inputs there are on the driver and the head
node but not on that node, as on a cluster whose nodes do not share the input. Without that
namespace the node sees everything: the missing-input test is skipped, and the CLI is tested on
a successful build instead. The drivers are new Python processes (a process keeps the Ray
settings of its first Ray session, whatever tests ran before in this one).

Every process of the cluster is stopped at the end, by the session ids of the two `ray start`
commands (never `ray stop`, which would stop every Ray on the machine). Needs `newsprep[ray]`;
skipped without it, except in CI (CI set), where a missing Ray is a failure."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsprep
from newsprep import synthetic

from .test_build import read_rows, tree_digest

HAVE_RAY = importlib.util.find_spec("ray") is not None

pytestmark = [pytest.mark.ray, pytest.mark.skipif(
    not HAVE_RAY and not os.environ.get("CI"),
    reason="ray not installed (pip install newsprep[ray])")]

RAY_CLI = Path(sys.executable).with_name("ray")
# Token authentication as Ray (2.60) sets it up by default (the token in ~/.ray/auth_token, made
# by the head if missing), for the nodes and the drivers alike; no usage statistics sent.
RAY_ENV = {"RAY_AUTH_MODE": "token", "RAY_USAGE_STATS_ENABLED": "0"}
START_TIMEOUT = 120
# Drivers: newsprep.build, and the CLI, with chunks of a few files so that a small corpus makes
# enough Ray tasks for both nodes.
BUILD_ON_RAY = ("import importlib, json, sys, ray, newsprep;"
                "importlib.import_module('newsprep.build').CHUNK_TASKS = 8;"
                "s = newsprep.build(sys.argv[1], sys.argv[2], engine='ray:' + sys.argv[3]);"
                "print(json.dumps(s.to_dict())); print(sum(n['Alive'] for n in ray.nodes()))")
# The same with the incremental cache; prints the engine's counts: chunks made without the cache,
# cache hits and misses.
CACHED_BUILD_ON_RAY = ("import importlib, json, sys, newsprep;"
                       "from newsprep.ray_engine import RayEngine;"
                       "importlib.import_module('newsprep.build').CHUNK_TASKS = 4;"
                       "e = RayEngine(sys.argv[3]);"
                       "newsprep.build(sys.argv[1], sys.argv[2], engine=e, cache=sys.argv[4]);"
                       "print(json.dumps([e.uncached_chunks, e.cache_hits, e.cache_misses]))")
CLI_SMALL_CHUNKS = ("import importlib; importlib.import_module('newsprep.build').CHUNK_TASKS = 4;"
                    "from newsprep.cli import app; app(prog_name='newsprep')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unshare() -> list[str] | None:
    """How to run a command in a private mount namespace here (as root, or in a user namespace),
    or None when the kernel does not allow it."""
    if not shutil.which("unshare"):
        return None
    for cmd in (["unshare", "--mount", "--propagation", "private"],
                ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]):
        probe = subprocess.run([*cmd, "sh", "-c", 'mount -t tmpfs none "$0"',
                                tempfile.gettempdir()], capture_output=True)
        if probe.returncode == 0:
            return cmd
    return None


UNSHARE = _unshare() if HAVE_RAY else None


def _session_pids(sessions: set[int]) -> list[int]:
    """The processes of these session ids (field 6 of /proc/PID/stat)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) in sessions and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


class LocalCluster:
    """Ray nodes started with `ray start` in their own sessions, stopped by session id."""

    def __init__(self, base: Path):
        self.base, self.sessions = base, set()
        self.hidden: Path | None = None  # a folder this cluster's second node sees empty
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | RAY_ENV

    def launch(self, name: str, *args: str, hide: Path | None = None) -> subprocess.Popen:
        """`ray start ... ARGS` in a session of its own (the node's processes inherit it)."""
        cmd = [str(RAY_CLI), "start", *args, "--node-ip-address=127.0.0.1", "--num-cpus=1",
               f"--temp-dir={self.base / name}", "--object-store-memory=80000000",
               f"--dashboard-agent-listen-port={_free_port()}", "--disable-usage-stats",
               "--include-log-monitor=false"]
        if hide is not None:  # this node (and every process it starts) sees `hide` empty
            cmd = [*UNSHARE, "sh", "-c", 'mount -t tmpfs none "$0" && exec "$@"', str(hide), *cmd]
        proc = subprocess.Popen(cmd, env=self.env, start_new_session=True, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.sessions.add(proc.pid)
        return proc

    def wait_for_head(self, head: subprocess.Popen) -> None:
        """Until the head's GCS takes connections (the rest of the head may still be starting)."""
        deadline = time.monotonic() + START_TIMEOUT
        while head.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.2)

    @staticmethod
    def started(proc: subprocess.Popen, name: str) -> None:
        out, _ = proc.communicate(timeout=START_TIMEOUT)
        if proc.returncode:
            raise RuntimeError(f"ray start {name} failed ({proc.returncode}):\n{out[-3000:]}")

    def stop(self) -> list[int]:
        """Stop every process of the cluster; return those that would not go (none, we hope)."""
        for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
            for pid in _session_pids(self.sessions):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + wait
            while _session_pids(self.sessions) and time.monotonic() < deadline:
                time.sleep(0.2)
        return _session_pids(self.sessions)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    if not HAVE_RAY:
        pytest.fail("ray is not installed but CI is set: install '.[ray]'")
    base = Path(tempfile.mkdtemp(prefix="np-ray-"))  # short: Ray's socket paths must fit 107 bytes
    (base / "shared").mkdir()
    (base / "hidden").mkdir()
    node = LocalCluster(base)
    node.hidden = base / "hidden" if UNSHARE else None
    try:
        head = node.launch("head", "--head", f"--port={node.port}", "--include-dashboard=false",
                           f"--dashboard-port={_free_port()}")
        node.wait_for_head(head)
        worker = node.launch("worker", f"--address={node.address}", hide=node.hidden)
        node.started(head, "head")
        node.started(worker, "worker")
        yield node
    finally:
        left = node.stop()
        shutil.rmtree(base, ignore_errors=True)
        assert not left, f"Ray processes left running: {left}"


def _corpus(root: Path) -> None:
    synthetic.write_txt(root / "txt", 60, seed=8)
    synthetic.write_jsonl(root / "feed.jsonl", 40, seed=9)


def _driver(cluster: LocalCluster, code: str, *args: str) -> subprocess.CompletedProcess:
    """`code` run by a new Python process, the cluster's driver (a process keeps the Ray
    settings, such as the authentication mode, of its first Ray session: not this one's)."""
    return subprocess.run([sys.executable, "-c", code, *args], env=cluster.env,
                          capture_output=True, text=True, timeout=300)


def test_a_two_node_cluster_builds_the_same_dataset_as_local(cluster, tmp_path):
    root = cluster.base / "shared" / "raw"
    _corpus(root)
    local = newsprep.build(root, tmp_path / "local", workers=1)
    run = _driver(cluster, BUILD_ON_RAY, str(root), str(tmp_path / "ray"), cluster.address)
    assert run.returncode == 0, run.stderr[-3000:]
    summary, nodes = run.stdout.splitlines()[-2:]
    assert int(nodes) == 2
    assert json.loads(summary) == json.loads(json.dumps(local.to_dict()))
    assert read_rows(tmp_path / "ray") == read_rows(tmp_path / "local")
    assert tree_digest(tmp_path / "ray") == tree_digest(tmp_path / "local")


@pytest.mark.skipif(UNSHARE is not None, reason="the CLI joins the cluster in the next test")
def test_the_cli_joins_the_cluster_by_its_address(cluster, tmp_path):
    """Where no node can be kept from the input, the CLI's `--ray-address` is tested here."""
    root = cluster.base / "shared" / "cli"
    _corpus(root)
    newsprep.build(root, tmp_path / "local", workers=1)
    run = _driver(cluster, "from newsprep.cli import app; app(prog_name='newsprep')", "build",
                  str(root), "--out", str(tmp_path / "ray"), "--engine", "ray", "--ray-address",
                  cluster.address, "-q")
    assert run.returncode == 0, run.stderr[-3000:]
    assert tree_digest(tmp_path / "ray") == tree_digest(tmp_path / "local")


def test_a_node_without_the_inputs_fails_the_cli_build_in_one_line(cluster, tmp_path):
    """Through the CLI (`--ray-address`): the node that lacks the input folder is named, with
    the folder, in one line; nothing is written."""
    if cluster.hidden is None:
        pytest.skip("cannot hide a folder from one node here (unshare --mount not permitted)")
    root = cluster.hidden / "raw"
    synthetic.write_txt(root, 40, seed=3)
    run = _driver(cluster, CLI_SMALL_CHUNKS, "build", str(root), "--out", str(tmp_path / "out"),
                  "--engine", "ray", "--ray-address", cluster.address, "-q")
    assert run.returncode == 1, run.stderr[-3000:]
    [line] = [line for line in run.stderr.splitlines() if line.startswith("newsprep:")]
    assert line.startswith(f"newsprep: error: {root}: not found on Ray node ")
    assert line.endswith(", though the driver reads it; with --engine ray every node must see "
                         "the input at the same path (a shared file system)")
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_node_that_cannot_see_the_cache_makes_its_chunks_afresh(cluster, tmp_path):
    """The cache in the folder the second node sees empty, as a cache on the driver's disk is to
    a node of another machine: that node makes its chunks without it, the head node's workers
    share it with the driver, the build warns, and a rebuild after an edit is byte-identical to
    a clean local build. (Which chunks reuse the cache depends on where Ray runs them, so the
    hits of the rebuild are not asserted: tests/test_ray.py does, on one machine.)"""
    if cluster.hidden is None:
        pytest.skip("cannot hide a folder from one node here (unshare --mount not permitted)")
    root, cache = cluster.base / "shared" / "cached", cluster.hidden / "cache"
    _corpus(root)
    counts = []
    for build in ("first", "again"):
        if build == "again":
            story = sorted((root / "txt").rglob("*.txt"))[3]
            story.write_text(story.read_text(encoding="utf-8") + "\n\nA late correction.\n",
                             encoding="utf-8")
        run = _driver(cluster, CACHED_BUILD_ON_RAY, str(root), str(tmp_path / "ray"),
                      cluster.address, str(cache))
        assert run.returncode == 0, run.stderr[-3000:]
        uncached, hits, misses = json.loads(run.stdout.splitlines()[-1])
        warned = "chunks ran on Ray nodes that cannot share it (other machines)" in run.stderr
        assert warned == (uncached > 0), run.stderr[-3000:]
        counts.append((uncached, hits, misses))
    assert counts[0][1] == 0 < counts[0][2], counts  # the head's workers used the new cache
    assert counts[0][0] + counts[1][0] > 0, counts  # the second node's chunks did not
    newsprep.build(root, tmp_path / "local", workers=1)
    assert tree_digest(tmp_path / "ray") == tree_digest(tmp_path / "local")
