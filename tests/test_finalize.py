"""finalize.write_final: duplicate columns and flags, splits, validation before publication,
and the writers (same bytes whatever the grouping; their errors reach the caller)."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsprep import finalize, write
from newsprep import parts as parts_mod
from newsprep.config import Config
from newsprep.dedup import DedupResult
from newsprep.errors import NewsprepError
from newsprep.schema import SCHEMA
from newsprep.splits import assign, group_key
from newsprep.summary import BuildSummary

RATIOS = {"train": 0.6, "validation": 0.2, "test": 0.2}
N = 60


def _row(i: int) -> dict:
    return {"id": f"a{i:03d}", "source": f"f{i}.txt", "title": f"Title {i}",
            "text": f"Body of article {i}.", "title_repeats": [], "trailer_lines": [],
            "header_lines": [], "flags": ["repeated-title"] if i % 3 == 0 else [],
            "duplicate_of": None, "near_duplicate_cluster": None, "content_hash": f"{i:032x}",
            "url": None, "date": None, "num_chars": 20, "encoding": "utf-8"}


def _parts(tmp_path, rows: list[dict], sizes=(25, 20, 15)):
    """Part files of `sizes` rows, each with a keep mask dropping its row 1."""
    parts, start = [], 0
    for k, size in enumerate(sizes):
        path = tmp_path / f"{k:06d}{parts_mod.SUFFIX}"
        table = pa.Table.from_pylist(rows[start:start + size], schema=SCHEMA)
        parts_mod.write_part(path, (table.slice(i, 7) for i in range(0, size, 7)))
        keep = np.ones(size, bool)
        keep[1] = False
        parts.append((path, keep))
        start += size
    return parts


def _result(n: int) -> DedupResult:
    dup, clu = np.full(n, -1), np.full(n, -1)
    dup[[10, 40]] = 3          # exact copies of row 3 (one in a later part file)
    clu[[5, 20, 50]] = 5       # a near-duplicate cluster led by row 5
    flag = np.zeros(n, bool)
    title = flag.copy()
    title[[0, 3, 10, 40]] = True
    content = np.isin(np.arange(n), [3, 10, 40])
    near = np.isin(np.arange(n), [5, 20, 50])
    return DedupResult(dup, clu, title, content, near)


def _build(tmp_path, name="out", rows=None):
    rows = rows or [_row(i) for i in range(N)]
    work = tmp_path / f"parts-{name}"
    work.mkdir()
    parts = _parts(work, rows)
    kept = [r for k, r in enumerate(rows) if k not in (1, 26, 46)]
    summary = BuildSummary()
    cfg = Config({"build": {"shard_rows": 20, "row_group_rows": 6}}, "test")
    files = finalize.write_final(tmp_path / name, cfg, parts, _result(len(kept)), RATIOS,
                                 summary)
    return kept, files, summary


def test_duplicate_columns_flags_and_splits(tmp_path):
    kept, files, summary = _build(tmp_path)
    out = {s: pa.concat_tables([pq.read_table(tmp_path / "out" / f) for f in fs]).to_pylist()
           for s, fs in files.items()}
    got = {r["id"]: (s, r) for s, rows in out.items() for r in rows}
    assert len(got) == len(kept) == summary.records
    ids = [r["id"] for r in kept]
    for i, row in enumerate(kept):
        split, rec = got[row["id"]]
        assert rec["duplicate_of"] == (ids[3] if i in (10, 40) else None)
        assert rec["near_duplicate_cluster"] == (ids[5] if i in (5, 20, 50) else None)
        want = set(row["flags"])
        want |= {"duplicate-title"} if i in (0, 3, 10, 40) else set()
        want |= {"duplicate-content"} if i in (3, 10, 40) else set()
        want |= {"near-duplicate"} if i in (5, 20, 50) else set()
        assert rec["flags"] == sorted(want)
        group = group_key(rec["id"], rec["duplicate_of"], rec["near_duplicate_cluster"])
        assert split == assign(group, RATIOS, 0)
    assert got[ids[10]][0] == got[ids[3]][0] == got[ids[40]][0]
    assert summary.flags["duplicate-title"] == 4 and summary.flags["near-duplicate"] == 3
    assert summary.flags["repeated-title"] == sum(1 for r in kept if r["flags"])
    assert summary.splits == {s: len(rows) for s, rows in out.items()}
    assert all(len(fs) >= 1 for fs in files.values())


def _digest(folder, files) -> str:
    h = hashlib.sha256()
    for split in sorted(files):
        for f in files[split]:
            h.update((folder / f).read_bytes())
    return h.hexdigest()


def test_same_bytes_whatever_the_validation_group(tmp_path, monkeypatch):
    _, files, _ = _build(tmp_path, "big")
    monkeypatch.setattr(finalize, "BATCH_ROWS", 4)  # groups of 4+ rows
    monkeypatch.setattr(write, "PENDING_PER_THREAD", 1)
    _, files_small, _ = _build(tmp_path, "small")
    assert files == files_small
    assert _digest(tmp_path / "big", files) == _digest(tmp_path / "small", files_small)


def test_a_row_failing_the_schema_is_never_written(tmp_path):
    rows = [_row(i) for i in range(N)]
    rows[2]["text"] = "   "
    with pytest.raises(NewsprepError, match="text_not_blank"):
        _build(tmp_path, rows=rows)
    data = tmp_path / "out" / "data"
    assert not any(data.iterdir())  # the failing group was the first: nothing reached a writer


def test_an_error_of_the_writer_thread_reaches_the_caller(tmp_path, monkeypatch):
    def broken(self, table):
        raise OSError("disk full")

    monkeypatch.setattr(finalize.ShardWriter, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        _build(tmp_path)
