"""`discover` walks the subfolders' trees with a forked helper (`newsprep.forkshare`): its
inventory (tasks, ignored counts and their order, unreadable entries) is the plain sequential
walk's whoever walks which tree, and whatever becomes of the helper."""

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
import time

import pytest

from newsprep import forkshare, inventory
from tests.test_discover_walk import _odd_tree, _plain_discover


def _tree(root):
    """The odd tree, with more top-level folders whose ignored files come in an order of
    their own, nested and empty folders, and one folder down a chain of single folders."""
    _odd_tree(root)
    (root / "a" / "notes.csv").write_text("x")
    (root / "b" / "c" / "d").mkdir(parents=True)
    (root / "b" / "z.json").write_text("x")
    (root / "b" / ".hid").write_text("x")
    (root / "b" / "c" / "w.txt").write_text("T\n\nb")
    (root / "e").mkdir()
    (root / "f" / "sub" / "deeper").mkdir(parents=True)
    (root / "f" / "g.txt").write_text("T\n\nb")
    (root / "f" / "sub" / "h.TXT").write_text("T\n\nb")
    (root / "f" / "sub" / "readme").write_text("x")
    (root / "f" / "sub" / "deeper" / "data.parquet").write_bytes(b"x")
    (root / "f" / "sub" / "deeper" / "i.jsonl").write_text('{"text": "x"}\n')
    os.symlink(root / "a", root / "f" / "link")
    os.symlink(root / "nowhere.txt", root / "f" / "sub" / "gone.txt")
    for i in range(12):  # enough trees for both processes to get some
        (root / f"t{i:02d}").mkdir()
        (root / f"t{i:02d}" / f"{i}.txt").write_text("T\n\nb")
        (root / f"t{i:02d}" / f"{i}.ext{i % 4}").write_text("x")
        with contextlib.suppress(OSError, UnicodeError):  # a name that is not UTF-8
            (root / f"t{i:02d}" / os.fsdecode(b"caf\xe9.txt")).write_text("T\n\nb")


def _chain(root):
    """A root whose only subfolder's only subfolder holds the trees (and files of its own)."""
    top = root / "only" / "one"
    top.mkdir(parents=True)
    (root / "only" / "x.md").write_text("x")
    _tree(top)


@pytest.fixture
def fork_despite_threads(monkeypatch):
    """A helper even where earlier tests left threads running (a tqdm monitor, an HTTP
    server): they hold nothing the helper needs (it lists, stats and pickles)."""
    monkeypatch.setattr(forkshare, "can_fork",
                        lambda: "fork" in multiprocessing.get_all_start_methods())


def _discover_with_stats(root, monkeypatch) -> tuple[inventory.Inventory, dict]:
    stats: dict = {}
    real = forkshare.map_shared

    def map_shared(*args, **kwargs):
        return real(*args, **kwargs, stats=stats)

    monkeypatch.setattr(forkshare, "map_shared", map_shared)
    return inventory.discover(root), stats


def _slow_in(monkeypatch, who: str, seconds: float = 0.02, then=None) -> None:
    """Each tree walked by `who` ("parent" or "helper") takes `seconds` longer; `then`, if
    given, is called in the helper after its first tree (to make it fail)."""
    parent, real = os.getpid(), inventory._walk_tree

    def walk_tree(root, rel_dir):
        here = "parent" if os.getpid() == parent else "helper"
        if here == who:
            time.sleep(seconds)
        result = real(root, rel_dir)
        if then is not None and here == "helper":
            then()
        return result

    monkeypatch.setattr(inventory, "_walk_tree", walk_tree)


def _same(got: inventory.Inventory, want: inventory.Inventory) -> None:
    assert got == want
    assert list(got.ignored.items()) == list(want.ignored.items())  # in the same order


@pytest.mark.parametrize("make", [_tree, _chain])
@pytest.mark.usefixtures("fork_despite_threads")
def test_helper_walking_most_trees_gives_the_plain_inventory(tmp_path, monkeypatch, make):
    make(tmp_path)
    _slow_in(monkeypatch, "parent")
    got, stats = _discover_with_stats(tmp_path, monkeypatch)
    _same(got, _plain_discover(tmp_path))
    assert stats["helper_jobs"] >= 10  # the helper did walk trees (of the 16 or so)
    assert sum(bool(t.path) for t in got.tasks) >= 10  # non-UTF-8 names keep their paths


@pytest.mark.usefixtures("fork_despite_threads")
def test_parent_walking_most_trees_gives_the_plain_inventory(tmp_path, monkeypatch):
    _tree(tmp_path)
    _slow_in(monkeypatch, "helper")
    got, _ = _discover_with_stats(tmp_path, monkeypatch)
    _same(got, _plain_discover(tmp_path))


@pytest.mark.parametrize("fail", ["raise", "kill"])
@pytest.mark.usefixtures("fork_despite_threads")
def test_a_failing_helper_costs_nothing_but_time(tmp_path, monkeypatch, fail):
    def die():
        if fail == "raise":
            raise RuntimeError("helper fails")
        os.kill(os.getpid(), signal.SIGKILL)

    _tree(tmp_path)
    _slow_in(monkeypatch, "parent", then=die)
    got, stats = _discover_with_stats(tmp_path, monkeypatch)
    _same(got, _plain_discover(tmp_path))
    assert stats["helper_jobs"] == 0


def test_no_helper_while_other_threads_run(tmp_path, monkeypatch):
    _tree(tmp_path)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        got, stats = _discover_with_stats(tmp_path, monkeypatch)
    finally:
        stop.set()
        thread.join()
    _same(got, _plain_discover(tmp_path))
    assert stats["helper_jobs"] == 0


@pytest.mark.usefixtures("fork_despite_threads")
def test_map_shared_keeps_job_order():
    jobs = list(range(40))

    def square(n):
        if os.getpid() == parent:
            time.sleep(0.002)
        return (n * n, os.getpid())

    parent = os.getpid()
    stats: dict = {}
    results = forkshare.map_shared(square, jobs, stats=stats)
    assert [r for r, _ in results] == [n * n for n in jobs]
    helper_did = sum(pid != parent for _, pid in results)
    assert helper_did == stats["helper_jobs"] > 0
    assert forkshare.map_shared(square, [3]) == [(9, parent)]  # one job: no helper


@pytest.mark.parametrize("enabled", [True, False])
def test_discover_leaves_the_garbage_collector_as_it_was(tmp_path, enabled):
    _tree(tmp_path)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        inventory.discover(tmp_path)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
