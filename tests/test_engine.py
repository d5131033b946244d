"""Engines and big inputs: any number of workers gives the same bytes; JSON Lines split into
byte ranges, gzip and zstd inputs give the same records; shards and row groups are bounded."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import newsprep
from newsprep import synthetic
from newsprep.config import load_config
from newsprep.ingest import Task, read
from newsprep.ranges import plan, read_range, split

from .test_build import read_rows, tree_digest

build_mod = importlib.import_module("newsprep.build")  # the module, not newsprep.build()


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory) -> Path:
    """.txt files in folders, a plain JSON Lines file and a gzipped one (with a bad line)."""
    root = tmp_path_factory.mktemp("mixed")
    synthetic.write_txt(root / "txt", 120, seed=1)
    synthetic.write_jsonl(root / "feed.jsonl", 150, seed=2)
    with open(root / "feed.jsonl", "ab") as fh:
        fh.write(b"{not json\n\n")
    synthetic.write_jsonl(root / "old.jsonl.gz", 60, seed=3, id_prefix="old")
    return root


@pytest.fixture
def small_chunks(monkeypatch):
    """Many chunks and ranges, as a big corpus has, from a small one."""
    monkeypatch.setattr(build_mod, "CHUNK_BYTES", 30_000)
    monkeypatch.setattr(build_mod, "CHUNK_TASKS", 16)


def test_workers_give_byte_identical_output(mixed_corpus, tmp_path, small_chunks):
    one = newsprep.build(mixed_corpus, tmp_path / "one", workers=1, cache=False)
    two = newsprep.build(mixed_corpus, tmp_path / "two", workers=2, cache=False)
    assert one.reconciles and one.records == 120 + 150 + 60
    assert one.quarantined == {"malformed-jsonl": 1} and not one.ignored
    assert one.to_dict() == two.to_dict()
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_chunking_does_not_change_the_records(mixed_corpus, tmp_path, monkeypatch):
    newsprep.build(mixed_corpus, tmp_path / "big", workers=1, cache=False)
    monkeypatch.setattr(build_mod, "CHUNK_BYTES", 10_000)
    newsprep.build(mixed_corpus, tmp_path / "small", workers=1, cache=False)
    assert read_rows(tmp_path / "big") == read_rows(tmp_path / "small")


def test_ranges_read_exactly_what_the_whole_file_gives(tmp_path):
    path = tmp_path / "f.jsonl"
    synthetic.write_jsonl(path, 80, seed=5)
    lines = path.read_bytes().split(b"\n")
    lines.insert(10, b"")  # a blank line, a malformed one, one too long
    lines.insert(20, b"[1, 2]")
    lines.insert(30, json.dumps({"title": "T", "text": "x" * 5000}).encode())
    path.write_bytes(b"\n".join(lines))
    task = Task("f.jsonl", "jsonl", path.stat().st_size)
    whole = list(read(tmp_path, task, 4000))
    ranges = split(path, "f.jsonl", 9_000)
    assert len(ranges) > 5
    assert ranges[0].start == 0 and ranges[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(ranges, ranges[1:], strict=False))
    parts = [item for rng in ranges for item in read_range(tmp_path, rng, 4000)]
    assert [repr(x) for x in parts] == [repr(x) for x in whole]
    assert plan(tmp_path, [task], 10**9) == [task]


def test_compressed_inputs_give_the_same_records(tmp_path):
    for name in ("a.jsonl", "b.jsonl.gz", "c.jsonl.zst"):
        synthetic.write_jsonl(tmp_path / "in" / name[0] / name, 40, seed=7)
        newsprep.build(tmp_path / "in" / name[0], tmp_path / name[0], workers=1, cache=False)
    rows = {}
    for key in "abc":
        rows[key] = [{k: v for k, v in r.items() if k != "source"}
                     for r in sorted(read_rows(tmp_path / key), key=lambda r: r["id"])]
    assert len(rows["a"]) == 40
    assert rows["a"] == rows["b"] == rows["c"]


def test_shards_and_row_groups_are_bounded(mixed_corpus, tmp_path):
    cfg = load_config(overrides={"build": {"shard_rows": 50, "row_group_rows": 20}})
    summary = newsprep.build(mixed_corpus, tmp_path / "ds", workers=1, config=cfg, cache=False)
    shards = sorted((tmp_path / "ds" / "data").glob("train-*.parquet"))
    assert len(shards) == -(-summary.splits["train"] // 50)
    for shard in shards:
        meta = pq.ParquetFile(shard).metadata
        assert meta.num_rows <= 50
        assert all(meta.row_group(i).num_rows <= 20 for i in range(meta.num_row_groups))
    assert sum(pq.ParquetFile(s).metadata.num_rows for s in shards) == summary.splits["train"]


def test_workers_are_forked_only_once_the_warm_up_thread_is_done():
    import threading
    import time

    from newsprep import engine

    ended = []
    thread = threading.Thread(target=lambda: (time.sleep(1.0), ended.append(time.time())),
                              name=engine.WARM_UP_THREAD)
    thread.start()
    called = list(engine.map_ordered(_call_time, [1, 2, 3], 2, {}))
    assert ended and min(called) > ended[0]  # the workers ran after the thread, not beside it


def _call_time(shared, item):
    import time

    return time.time()


def test_workers_keep_freed_memory(monkeypatch):
    """Each worker lets its heap keep freed memory (a batch's temporaries are not faulted in
    afresh every time); the driver's own allocator settings are left alone."""
    import os

    from newsprep import engine

    monkeypatch.setattr(engine, "_keep_freed_memory",
                        lambda: engine._STATE.__setitem__("kept_by", os.getpid()))
    kept_by = list(engine.map_ordered(_kept_by, [1, 2, 3, 4], 2, {}))
    assert all(pid is not None and pid != os.getpid() for pid in kept_by)
    assert "kept_by" not in engine._STATE  # not called in this process


def _kept_by(shared, item):
    return shared.get("kept_by")


def test_workers_collect_rarely_and_freeze_what_they_inherit():
    """A worker freezes the objects it inherits and collects its first generation only after
    WORKER_GC_THRESHOLD net new objects; the driver's collector is left as it was."""
    import gc

    from newsprep import engine

    before = gc.get_threshold(), gc.get_freeze_count()
    seen = list(engine.map_ordered(_gc_state, [1, 2, 3], 2, {}))
    for threshold, frozen, enabled in seen:
        assert threshold[0] == engine.WORKER_GC_THRESHOLD
        assert threshold[1:] == before[0][1:]
        assert frozen > 1000 and enabled  # the modules at least; collection still on
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_workers_turn_huge_pages_off_and_the_driver_keeps_its_setting():
    from newsprep import engine, hugepages

    before = hugepages.huge_pages_disabled()
    if before is None:
        pytest.skip("no prctl here")
    if before:
        pytest.skip("huge pages already off in this process: nothing to tell apart")
    assert all(engine.map_ordered(_huge_pages_off, [1, 2, 3], 2, {}))
    assert hugepages.huge_pages_disabled() is False


def _huge_pages_off(shared, item):
    from newsprep import hugepages

    return hugepages.huge_pages_disabled()


def test_a_worker_still_frees_reference_cycles():
    from newsprep import engine

    assert all(list(engine.map_ordered(_cycles_freed, [1, 2], 2, {})))


def _gc_state(shared, item):
    import gc

    return gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()


def _cycles_freed(shared, item):
    """Make WORKER_GC_THRESHOLD reference cycles' worth of garbage: collected on the way."""
    import weakref

    from newsprep import engine

    class Node:
        pass

    first = Node()
    first.me = first
    alive = weakref.ref(first)
    del first
    for _ in range(engine.WORKER_GC_THRESHOLD):
        node = Node()
        node.me = node
    return alive() is None


def test_the_allocator_takes_the_setting():
    import ctypes
    import platform

    from newsprep import engine

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert ctypes.CDLL(None).mallopt(engine._M_TRIM_THRESHOLD, engine.KEEP_FREED_BYTES) == 1


def test_default_workers_follow_a_containers_cpu_quota(tmp_path, monkeypatch):
    """A container limited to 2.5 CPUs (cgroup v2 `cpu.max`, or v1 quota files) gets 3
    workers, not one per core of the host; no quota, or "max": the CPUs it may run on."""
    import os

    from newsprep import engine

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert engine.default_workers(tmp_path) == 64  # no cgroup files at all
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert engine.default_workers(tmp_path) == 64
    (tmp_path / "cpu.max").write_text("250000 100000\n")
    assert engine.default_workers(tmp_path) == 3
    (tmp_path / "cpu.max").unlink()
    v1 = tmp_path / "cpu,cpuacct"
    v1.mkdir()
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    assert engine.default_workers(tmp_path) == 64
    (v1 / "cpu.cfs_quota_us").write_text("100000\n")
    assert engine.default_workers(tmp_path) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    (v1 / "cpu.cfs_quota_us").write_text("800000\n")
    assert engine.default_workers(tmp_path) == 1  # never more than the CPUs it may run on


def test_the_result_pipe_is_widened_where_the_system_allows():
    """A worker's result (hundreds of KB) fits the pipe back to the driver at once."""
    import multiprocessing as mp
    from types import SimpleNamespace

    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("pipes have no size to set here (not Linux)")
    from newsprep import engine

    reader, writer = mp.Pipe(duplex=False)
    try:
        pool = SimpleNamespace(_outqueue=SimpleNamespace(_reader=reader))
        engine._widen_result_pipe(pool)
        size = fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ)
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        assert size == engine.RESULT_PIPE_BYTES or limit < engine.RESULT_PIPE_BYTES
        engine._widen_result_pipe(SimpleNamespace())  # no such pipe: nothing happens
    finally:
        reader.close()
        writer.close()
    big = list(engine.map_ordered(_big_result, [1, 2, 3], 2, {}))  # through a real pool
    assert [len(b) for b in big] == [3 << 20] * 3


def _big_result(shared, item):
    return bytes([item]) * (3 << 20)


def test_a_build_freezes_its_heap_only_for_its_own_time(mixed_corpus, tmp_path):
    """The driver keeps the inventory out of the collector's walks during a build, and gives
    the process back as it found it: nothing frozen after, or the caller's own freeze kept."""
    import gc

    seen = []
    with pytest.MonkeyPatch.context() as m:
        real = build_mod.write_final
        m.setattr(build_mod, "write_final",
                  lambda *a, **k: (seen.append(gc.get_freeze_count()), real(*a, **k))[1])
        gc.unfreeze()
        newsprep.build(mixed_corpus, tmp_path / "a", workers=1)
        assert seen[-1] > 1000 and gc.get_freeze_count() == 0
        gc.freeze()
        mine = gc.get_freeze_count()
        try:
            newsprep.build(mixed_corpus, tmp_path / "b", workers=1)
            # left alone: nothing more frozen, nothing unfrozen (a frozen object that dies of
            # its references going leaves the count, so a few may have gone)
            assert mine - 100 <= gc.get_freeze_count() <= seen[-1] <= mine
        finally:
            gc.unfreeze()
