"""ShardWriter: shards of at most shard_rows rows, row groups of row_group_rows rows cut short
only at a shard's end, whatever the batches the rows came in."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsprep.schema import SCHEMA
from newsprep.write import ShardWriter


def _table(lo: int, hi: int) -> pa.Table:
    rows = [{"id": f"r{i}", "source": "s", "title": "t", "text": "x", "title_repeats": [],
             "trailer_lines": [], "header_lines": [], "flags": [], "duplicate_of": None,
             "near_duplicate_cluster": None, "content_hash": "h", "url": None, "date": None,
             "num_chars": 1, "encoding": "utf-8"} for i in range(lo, hi)]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _write(folder, cuts: list[int], total: int = 47):
    writer = ShardWriter(folder, "train", shard_rows=20, row_group_rows=6)
    bounds = [0, *cuts, total]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        writer.write(_table(lo, hi))
    return writer, writer.close()


@pytest.mark.parametrize("cuts", [[], list(range(1, 47)), [5, 7, 19, 33, 34]],
                         ids=["one-batch", "row-by-row", "uneven"])
def test_layout_does_not_depend_on_batches(tmp_path, cuts):
    _, ref = _write(tmp_path / "ref", [])
    writer, names = _write(tmp_path / "got", cuts)
    assert names == ref == [f"data/train-0000{i}-of-00003.parquet" for i in range(3)]
    assert writer.rows == 47
    for name in names:
        assert (tmp_path / "got" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes()
    groups = [[pq.ParquetFile(tmp_path / "got" / n).metadata.row_group(i).num_rows
               for i in range(pq.ParquetFile(tmp_path / "got" / n).num_row_groups)]
              for n in names]
    assert groups == [[6, 6, 6, 2], [6, 6, 6, 2], [6, 1]]
    ids = pa.concat_tables([pq.read_table(tmp_path / "got" / n) for n in names])["id"]
    assert ids.to_pylist() == [f"r{i}" for i in range(47)]


def test_an_empty_split_gets_one_empty_shard(tmp_path):
    writer = ShardWriter(tmp_path, "test", shard_rows=20, row_group_rows=6)
    names = writer.close()
    assert names == ["data/test-00000-of-00001.parquet"]
    assert pq.read_table(tmp_path / names[0]).num_rows == 0


def test_pages_do_not_depend_on_batches(tmp_path):
    """Parquet ends a page where an input array ends (once the page is big enough): each row
    group is made one array per column before it is encoded, so the bytes are the same."""
    import random

    rng = random.Random(7)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
             for _ in range(5000)]
    table = _table(0, 1500).set_column(
        SCHEMA.names.index("text"), SCHEMA.field("text"),
        pa.array([" ".join(rng.choices(words, k=350)) for _ in range(1500)], pa.string()))
    names = {}
    for label, step in (("whole", 1500), ("sliced", 37)):
        writer = ShardWriter(tmp_path / label, "train", shard_rows=5000, row_group_rows=1000)
        for lo in range(0, 1500, step):
            writer.write(pa.Table.from_batches(table.slice(lo, step).to_batches()))
        names[label] = writer.close()
    assert names["whole"] == names["sliced"]
    meta = pq.ParquetFile(tmp_path / "whole" / names["whole"][0]).metadata
    assert meta.row_group(0).column(SCHEMA.names.index("text")).total_uncompressed_size > 2 << 20
    for name in names["whole"]:
        assert (tmp_path / "sliced" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
