"""Pruning the incremental cache: after a successful build it holds only what that build used
or made (the entries of changed and deleted inputs go), its file does not grow across rebuilds
of a changing corpus, a failed or interrupted build leaves it whole, and the output stays the
same as a clean build's."""

from __future__ import annotations

import fcntl
import importlib
import os
import random
import sqlite3
import time
import warnings
from pathlib import Path

import pytest

import newsprep
from newsprep import cacheprune, synthetic
from newsprep.cache import Cache

from .test_build import tree_digest
from .test_incremental import made, parsed  # noqa: F401 (fixtures)

OLD = time.time() - 3600  # file times the stat memo keeps (not "racily clean")
TABLES = ("stats", "pages", "records")


def _entries(cache: Path) -> dict[str, set]:
    """The keys of every table of the cache at `cache`, and its marks."""
    with sqlite3.connect(cache / "cache.sqlite") as conn:
        got = {t: {k for (k,) in conn.execute(f"SELECT key FROM {t}")} for t in TABLES}
        got["memo"] = set(conn.execute("SELECT path, start, stop FROM memo"))
        got["marks"] = set(conn.execute("SELECT gen FROM marks"))
    conn.close()
    return got


def _age(paths) -> None:
    for path in paths:
        os.utime(path, (OLD, OLD))


def _corpus(root: Path, n: int, seed: int) -> list[Path]:
    synthetic.write_txt(root, n, seed=seed)
    files = sorted(root.rglob("*.txt"))
    _age(files)
    return files


def _churn(root: Path, rng: random.Random, change: int, delete: int, add: int) -> set[str]:
    """Change, delete and add inputs (old file times, so the memo keeps them); the sources
    whose bytes are new."""
    files = sorted(root.rglob("*.txt"))
    picked = rng.sample(files, change + delete)
    for path in picked[:change]:
        path.write_text(path.read_text(encoding="utf-8") + f"\n\nCorrection {rng.random()}.",
                        encoding="utf-8")
    for path in picked[change:]:
        path.unlink()
    added = [root / f"new-{rng.getrandbits(40):x}.txt" for _ in range(add)]
    for path in added:
        path.write_text(f"A new article {path.stem}\n\n" + f"It says {path.stem} at length. "
                        * 12, encoding="utf-8")
    _age(picked[:change] + added)
    return {p.relative_to(root).as_posix() for p in picked[:change] + added}


def _fresh(root: Path, tmp_path: Path, name: str, **kw) -> dict[str, set]:
    """The entries of a new cache made by one build of `root` (its output is a clean build's:
    checked against a build without cache)."""
    out, clean = tmp_path / f"fresh-{name}", tmp_path / f"clean-{name}"
    newsprep.build(root, out, cache=tmp_path / f"cache-{name}", **kw)
    newsprep.build(root, clean, **kw)
    assert tree_digest(out) == tree_digest(clean)
    return _entries(tmp_path / f"cache-{name}")


def _cache_bytes(cache: Path) -> int:
    return sum(p.stat().st_size for p in cache.iterdir() if p.name.startswith("cache.sqlite"))


def test_a_rebuild_keeps_only_the_entries_of_the_inputs_it_used(tmp_path, parsed, made):  # noqa: F811
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 150, seed=21)
    newsprep.build(root, out, workers=1, cache=cache)
    before = _entries(cache)
    assert len(before["records"]) == len(before["memo"]) == 150  # (pages: by content)
    new = _churn(root, random.Random(1), change=6, delete=10, add=3)
    newsprep.build(root, out, workers=1, cache=cache)
    after = _entries(cache)
    assert len(before["records"] - after["records"]) == 16  # 6 changed, 10 deleted: gone
    assert len(before["memo"] - after["memo"]) == 10  # the changed files' rows are new ones
    assert len(after["records"]) == len(after["memo"]) == 143
    assert after["marks"] == set()
    # exactly what one build of the same inputs makes in a new cache (same output: checked)
    assert after == _fresh(root, tmp_path, "a", workers=1)
    assert tree_digest(out) == tree_digest(tmp_path / "clean-a")
    parsed.clear()
    made.clear()
    newsprep.build(root, out, workers=1, cache=cache)  # after the prune, all is reused
    assert parsed == [] and made == []
    assert _entries(cache) == after
    assert new  # (the churn did make new inputs)


def test_workers_and_json_lines_prune_the_same(tmp_path):
    """Two worker processes note what they use; JSON Lines ranges are pruned with their
    files."""
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root / "txt", 60, seed=22)
    synthetic.write_jsonl(root / "feed.jsonl", 40, seed=23)
    synthetic.write_jsonl(root / "old.jsonl", 10, seed=24, id_prefix="o")
    _age([root / "feed.jsonl", root / "old.jsonl"])
    newsprep.build(root, out, workers=2, cache=cache)
    _churn(root / "txt", random.Random(2), change=3, delete=4, add=1)
    (root / "old.jsonl").unlink()
    with open(root / "feed.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "late", "title": "A late one", "text": "It came late, at length."}\n')
    _age([root / "feed.jsonl"])
    newsprep.build(root, out, workers=2, cache=cache)
    after = _entries(cache)
    assert not any(b"old.jsonl" in path for path, _, _ in after["memo"])
    assert after == _fresh(root, tmp_path, "w", workers=2)
    assert tree_digest(out) == tree_digest(tmp_path / "clean-w")


def test_the_cache_file_does_not_grow_across_rebuilds(tmp_path):
    """Ten rebuilds, each changing, deleting and adding inputs (an eighth of them): without the
    prune the cache would keep every version (3.2 times the first build's file by the tenth);
    with it, the rows are those of the inputs there are, and the file reuses the pages freed
    (or hands them back when they pile up)."""
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 60, seed=25)
    rng = random.Random(3)
    newsprep.build(root, out, workers=1, cache=cache)
    sizes = [_cache_bytes(cache)]
    for _ in range(10):
        _churn(root, rng, change=6, delete=1, add=1)
        newsprep.build(root, out, workers=1, cache=cache)
        sizes.append(_cache_bytes(cache))
        rows = _entries(cache)
        assert len(rows["records"]) == len(rows["memo"]) == 60
    assert max(sizes) <= 1.4 * sizes[0], sizes
    assert sizes[-1] <= 1.4 * _cache_bytes_of_fresh(root, tmp_path), sizes
    newsprep.build(root, tmp_path / "clean", workers=1)
    assert tree_digest(out) == tree_digest(tmp_path / "clean")


def _cache_bytes_of_fresh(root: Path, tmp_path: Path) -> int:
    newsprep.build(root, tmp_path / "fresh", workers=1, cache=tmp_path / "fresh-cache")
    return _cache_bytes(tmp_path / "fresh-cache")


@pytest.mark.parametrize("legacy", [False, True])
def test_inputs_gone_hand_the_space_back(tmp_path, legacy):
    """Most inputs deleted: the free pages go back to the file system (an incremental vacuum;
    a cache made before auto_vacuum was set is vacuumed once, which sets it)."""
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    files = _corpus(root, 160, seed=26)
    newsprep.build(root, out, workers=1, cache=cache)
    if legacy:
        with sqlite3.connect(cache / "cache.sqlite") as conn:
            conn.execute("PRAGMA auto_vacuum = NONE")
        conn.execute("VACUUM")
        conn.close()
    full = _cache_bytes(cache)
    for path in files[40:]:
        path.unlink()
    newsprep.build(root, out, workers=1, cache=cache)
    assert _cache_bytes(cache) < 0.45 * full
    with sqlite3.connect(cache / "cache.sqlite") as conn:
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] * 4 < pages
    conn.close()
    assert len(_entries(cache)["records"]) == 40


def _fail_at_write(monkeypatch):
    def failing(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(importlib.import_module("newsprep.build"), "write_final", failing)
    return OSError


def _interrupt_in_pass2(monkeypatch):
    from newsprep import passes

    real, calls = passes.make_record, []

    def interrupted(raw, stats, cfg):
        calls.append(raw.source)
        if len(calls) > 3:
            raise KeyboardInterrupt
        return real(raw, stats, cfg)

    monkeypatch.setattr(passes, "make_record", interrupted)
    return KeyboardInterrupt


@pytest.mark.parametrize("failure", [_fail_at_write, _interrupt_in_pass2])
def test_a_failed_build_leaves_the_cache_whole(tmp_path, failure, parsed):  # noqa: F811
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 80, seed=27)
    newsprep.build(root, out, workers=1, cache=cache)
    before = _entries(cache)
    changed = _churn(root, random.Random(4), change=4, delete=5, add=0)
    with pytest.MonkeyPatch.context() as mp, pytest.raises(failure(mp)):
        newsprep.build(root, out, workers=1, cache=cache)
    failed = _entries(cache)
    for table in (*TABLES, "memo"):
        assert before[table] <= failed[table], table  # nothing dropped
    assert failed["marks"]  # its marks stay until a build succeeds
    parsed.clear()
    newsprep.build(root, out, workers=1, cache=cache)
    assert set(parsed) <= changed  # the unchanged inputs come from the cache
    assert _entries(cache) == _fresh(root, tmp_path, "f", workers=1)
    assert tree_digest(out) == tree_digest(tmp_path / "clean-f")


def test_no_prune_while_another_build_uses_the_cache(tmp_path):
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 50, seed=28)
    newsprep.build(root, out, workers=1, cache=cache)
    before = _entries(cache)
    _churn(root, random.Random(5), change=3, delete=3, add=0)
    fd = os.open(cache / cacheprune.LOCK, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # as a build that is running holds it
        newsprep.build(root, out, workers=1, cache=cache)
        held = _entries(cache)
    finally:
        os.close(fd)
    assert before["records"] < held["records"] and held["marks"] == set()
    newsprep.build(root, out, workers=1, cache=cache)  # alone: pruned
    assert _entries(cache) == _fresh(root, tmp_path, "l", workers=1)
    assert tree_digest(out) == tree_digest(tmp_path / "clean-l")


def test_a_process_that_lost_its_marks_stops_the_prune(tmp_path):
    """A worker whose writes fail leaves `incomplete-GEN`: the build's driver then prunes
    nothing (it would drop entries the worker used), and the next build does."""
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 40, seed=29)
    newsprep.build(root, out, workers=1, cache=cache)
    worker = Cache(cache, "salt", gen=77)  # a worker's copy of build 77's cache
    with pytest.warns(UserWarning, match="ignored"):
        worker._fail(sqlite3.OperationalError("database is locked"))
    assert cacheprune.incomplete(cache, 77).exists()
    before = _entries(cache)
    _churn(root, random.Random(6), change=2, delete=2, add=0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cacheprune, "new_generation", lambda: 77)
        newsprep.build(root, out, workers=1, cache=cache)
    assert before["records"] < _entries(cache)["records"]
    assert not cacheprune.incomplete(cache, 77).exists()
    newsprep.build(root, out, workers=1, cache=cache)
    assert len(_entries(cache)["records"]) == 38


def test_rows_no_build_wrote_are_dropped(tmp_path):
    """Rows the cache's own code would never use (a key of another length, a memo row of a
    file that is not an input) go with the first successful build."""
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 30, seed=30)
    newsprep.build(root, out, workers=1, cache=cache)
    before = _entries(cache)
    with sqlite3.connect(cache / "cache.sqlite") as conn:
        conn.execute("INSERT INTO records VALUES (x'0102', x'00')")
        conn.execute("INSERT INTO pages VALUES (?, x'00')", (b"k" * 16,))
        conn.execute("INSERT INTO memo VALUES (?, 0, -1, x'00', x'00')", (b"/elsewhere.txt",))
    conn.close()
    newsprep.build(root, out, workers=1, cache=cache)
    assert _entries(cache) == before
    with sqlite3.connect(cache / "cache.sqlite") as conn:  # not even of newsprep's types
        conn.execute("INSERT INTO memo VALUES ('text', 'a', 'b', x'00', x'00')")
    conn.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        newsprep.build(root, out, workers=1, cache=cache)
    assert _entries(cache) == before


class _HalfCachedEngine:
    """Runs every other chunk without the cache, as a Ray node on another machine does, and
    says so to the cache (`Cache.marks_incomplete`)."""

    workers = 1

    def map_ordered(self, fn, items, shared):
        for i, item in enumerate(items):
            if i % 2 and shared.get("cache") is not None:
                shared["cache"].marks_incomplete()
                yield fn({**shared, "cache": None}, item)
            else:
                yield fn(shared, item)


def test_work_done_without_the_cache_stops_the_prune(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.import_module("newsprep.build"), "CHUNK_TASKS", 10)
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 40, seed=31)
    newsprep.build(root, out, cache=cache, engine=_HalfCachedEngine())
    first = _entries(cache)
    newsprep.build(root, out, cache=cache, workers=1)  # all chunks through the cache
    assert first["records"] < _entries(cache)["records"]
    newsprep.build(root, out, cache=cache, engine=_HalfCachedEngine())
    assert len(_entries(cache)["records"]) == 40  # the chunks made without it kept theirs
    newsprep.build(root, tmp_path / "clean", workers=1)
    assert tree_digest(out) == tree_digest(tmp_path / "clean")


def test_a_failed_build_kept_alive_does_not_hold_off_later_prunes(tmp_path, monkeypatch):
    """A failed build's cache is never closed; kept alive (a traceback in a notebook), it would
    hold its build lock. The next build of the same process and folder releases it."""
    import newsprep.cache as cache_mod

    kept = []
    real = cache_mod.open_cache
    build_module = importlib.import_module("newsprep.build")
    monkeypatch.setattr(build_module, "open_cache",
                        lambda *a: kept.append(real(*a)) or kept[-1])
    root, out, cache = tmp_path / "raw", tmp_path / "ds", tmp_path / "cache"
    _corpus(root, 40, seed=32)
    newsprep.build(root, out, workers=1, cache=cache)
    _churn(root, random.Random(7), change=3, delete=3, add=0)
    with pytest.MonkeyPatch.context() as mp, pytest.raises(_fail_at_write(mp)):
        newsprep.build(root, out, workers=1, cache=cache)
    newsprep.build(root, out, workers=1, cache=cache)
    assert len(kept) == 3 and kept[1].pruned is None  # the failed build's, still alive
    assert kept[2].pruned is not None and kept[2].pruned["records"] == 6
    assert len(_entries(cache)["records"]) == 37
