"""Planning JSON Lines ranges without reading the file: cuts found by seeking (a few KB read per
range), line numbers learnt from pass 1's counts of lines. Every source, quarantine and id
names the same line as a read of the whole file, whatever the engine, chunking or cache."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

import newsprep
from newsprep import ranges, synthetic
from newsprep.config import load_config
from newsprep.ingest import Task, read
from newsprep.ranges import count_lines, cut, numbered, read_range, renumbered

from .test_build import read_rows, tree_digest

build_mod = importlib.import_module("newsprep.build")  # the module, not newsprep.build()
MAX = 8000  # max_article_bytes of these tests: synthetic articles are about 2 KB
CFG = load_config(overrides={"build": {"max_article_bytes": MAX}})


def _hostile_jsonl(path: Path, n: int = 120, seed: int = 5, final_break: bool = True,
                   prefix: str = "a") -> Path:
    """JSON Lines with blank, malformed, too long and CRLF-ended lines among the articles."""
    synthetic.write_jsonl(path, n, seed=seed, id_prefix=prefix)
    lines = path.read_bytes().split(b"\n")[:-1]
    for at, extra in ((3, b""), (11, b"   "), (20, b"[1, 2]"), (33, b"{not json"),
                      (47, json.dumps({"title": "T", "text": "x" * 3 * MAX}).encode()),
                      (60, b"")):
        lines.insert(at, extra)
    lines[70] += b"\r"
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_break else b""))
    return path


def _reference_cuts(data: bytes, target: int) -> list[tuple[int, int]]:
    """The cuts of the whole bytes: each range ends after the first line break at or after
    `start + target` (or at the end)."""
    out, start = [], 0
    while start < len(data):
        nl = data.find(b"\n", start + target) if start + target < len(data) else -1
        end = len(data) if nl < 0 else nl + 1
        out.append((start, end))
        start = end
    return out


@pytest.mark.parametrize("target", [1, 700, 2_000, 9_000, 10**9])
@pytest.mark.parametrize("final_break", [True, False])
def test_cut_ends_ranges_where_a_whole_file_scan_does(tmp_path, target, final_break):
    path = _hostile_jsonl(tmp_path / "f.jsonl", final_break=final_break)
    got = cut(path, "f.jsonl", target)
    assert [(r.start, r.end) for r in got] == _reference_cuts(path.read_bytes(), target)
    assert all(r.line0 == 0 and r.rel == "f.jsonl" for r in got)


def test_cut_reads_only_around_the_cuts(tmp_path, monkeypatch):
    path = tmp_path / "f.jsonl"
    synthetic.write_jsonl(path, 600, seed=3)
    read_bytes = []
    real_open = open

    class Counting:
        def __init__(self, fh):
            self.fh = fh

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def read(self, n=-1):
            data = self.fh.read(n)
            read_bytes.append(len(data))
            return data

    monkeypatch.setattr(ranges, "open", lambda *a, **k: Counting(real_open(*a, **k)),
                        raising=False)
    got = cut(path, "f.jsonl", 20_000)
    size = path.stat().st_size
    assert len(got) >= 20 and got[-1].end == size
    assert sum(read_bytes) <= len(got) * (ranges._PROBE + 1) < size / 2


def test_numbered_from_pass_one_counts_names_lines_as_a_whole_read(tmp_path):
    path = _hostile_jsonl(tmp_path / "f.jsonl", final_break=False)
    whole = list(read(tmp_path, Task("f.jsonl", "jsonl", path.stat().st_size), MAX))
    planned = cut(path, "f.jsonl", 2_000)
    assert len(planned) > 10
    counts, relative = [], []
    for rng in planned:  # what pass 1 does: read from the range's start, count the lines
        relative.append(list(read_range(tmp_path, rng, MAX, counts)))
    assert counts == [count_lines(path, r) for r in planned[:-1]] + [counts[-1]]
    chunks = numbered([planned[:5], planned[5:]], [counts[:5], counts[5:]])
    assert [len(c) for c in chunks] == [5, len(planned) - 5]
    tasks = chunks[0] + chunks[1]
    assert tasks == ranges.split(path, "f.jsonl", 2_000)
    direct = [item for rng in tasks for item in read_range(tmp_path, rng, MAX)]
    shifted = [item for rng, items in zip(tasks, relative, strict=True)
               for item in renumbered(items, rng)]
    assert [repr(x) for x in direct] == [repr(x) for x in whole]
    assert [repr(x) for x in shifted] == [repr(x) for x in whole]


def test_numbering_starts_again_in_each_file():
    a = [ranges.JsonlRange("a.jsonl", 0, 10), ranges.JsonlRange("a.jsonl", 10, 20)]
    b = [ranges.JsonlRange("b.jsonl", 0, 10), ranges.JsonlRange("b.jsonl", 10, 20)]
    text = Task("c.txt", "text", 5)
    got = numbered([[a[0], text], [a[1], b[0]], [b[1]]], [[4, None], [7, 2], [1]])
    assert [getattr(t, "line0", None) for c in got for t in c] == [0, None, 4, 0, 2]


def test_renumbered_leaves_names_without_a_line_alone():
    from newsprep.ingest import Quarantined

    rng = ranges.JsonlRange("a:1.jsonl", 50, 90, line0=10)
    items = [Quarantined("a:1.jsonl", "unreadable", "gone"),
             Quarantined("a:1.jsonl:3", "too-large", "line longer than 9 bytes")]
    assert [q.source for q in renumbered(items, rng)] == ["a:1.jsonl", "a:1.jsonl:13"]


def test_an_unopenable_big_jsonl_stays_whole_and_is_quarantined(tmp_path, monkeypatch):
    path = _hostile_jsonl(tmp_path / "f.jsonl")
    task = Task("f.jsonl", "jsonl", path.stat().st_size)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ranges, "open", refuse, raising=False)
    assert ranges.plan(tmp_path, [task], 1_000) == [task]


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> Path:
    """Two JSON Lines files cut into many ranges, one compressed, one .txt, hostile lines."""
    root = tmp_path_factory.mktemp("feeds")
    _hostile_jsonl(root / "a.jsonl", 150, seed=1, final_break=False)
    (root / "b").mkdir()
    _hostile_jsonl(root / "b" / "b.ndjson", 90, seed=2, prefix="b")
    synthetic.write_jsonl(root / "c.jsonl.gz", 30, seed=3, id_prefix="c")
    synthetic.write_txt(root / "txt", 10, seed=4)
    return root


def _outcome(folder: Path) -> tuple[list[dict], str]:
    return read_rows(folder), (folder / ".newsprep" / "quarantine.jsonl").read_text()


@pytest.fixture(scope="module")
def whole_build(feeds, tmp_path_factory) -> Path:
    """The feeds built with no file cut into ranges: the names every other build must give."""
    out = tmp_path_factory.mktemp("whole") / "ds"
    mp = pytest.MonkeyPatch()
    mp.setattr(build_mod, "CHUNK_BYTES", 10**9)
    try:
        newsprep.build(feeds, out, workers=1, cache=False, config=CFG)
    finally:
        mp.undo()
    rows, quarantine = _outcome(out)
    assert any(r["source"].startswith("b/b.ndjson:") for r in rows)
    assert '"source": "a.jsonl:48", "reason": "too-large"' in quarantine
    return out


@pytest.fixture
def small_ranges(monkeypatch):
    monkeypatch.setattr(build_mod, "CHUNK_BYTES", 5_000)
    monkeypatch.setattr(build_mod, "CHUNK_TASKS", 3)


def test_ranges_give_the_names_of_a_whole_read(feeds, whole_build, tmp_path, small_ranges):
    planned = ranges.plan(feeds, newsprep.inventory.discover(feeds).tasks, build_mod.CHUNK_BYTES)
    assert sum(isinstance(t, ranges.JsonlRange) for t in planned) > 40
    newsprep.build(feeds, tmp_path / "ds", workers=2, cache=False, config=CFG)
    assert _outcome(tmp_path / "ds") == _outcome(whole_build)


class InProcess:
    """An engine other than the local one (as Ray is): no spill, results sent back."""

    workers = 1

    def map_ordered(self, fn, items, shared):
        for item in items:
            yield fn(shared, item)


def test_an_engine_without_spill_names_the_same_lines(feeds, whole_build, tmp_path,
                                                     small_ranges):
    newsprep.build(feeds, tmp_path / "local", workers=1, cache=False, config=CFG)
    newsprep.build(feeds, tmp_path / "other", engine=InProcess(), cache=False, config=CFG)
    assert tree_digest(tmp_path / "other") == tree_digest(tmp_path / "local")
    assert _outcome(tmp_path / "other") == _outcome(whole_build)


def test_the_cache_names_the_same_lines(feeds, whole_build, tmp_path, small_ranges):
    cache = tmp_path / "cache"
    for name in ("cold", "warm"):  # read and spilled, then taken from the cache unread
        newsprep.build(feeds, tmp_path / name, workers=2, cache=cache, config=CFG)
        assert _outcome(tmp_path / name) == _outcome(whole_build)
