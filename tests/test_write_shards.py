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
