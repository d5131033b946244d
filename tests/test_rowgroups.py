"""rowgroups: row groups encoded apart and joined give the very bytes of one ParquetWriter;
ShardWriter's pool of encoding threads does not change a byte."""

from __future__ import annotations

import io
import random
import struct

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsprep import rowgroups
from newsprep.schema import SCHEMA
from newsprep.write import PARQUET_OPTIONS, RowGroupPool, ShardWriter


def _table(n: int, seed: int = 0, text_chars: int = 40) -> pa.Table:
    rng = random.Random(seed)
    words = ["news", "city", "rain", "court", "vote", "été", "ünïcode", "x"]
    rows = [{"id": f"r{seed}-{i}", "source": f"s{i % 7}.txt", "title": rng.choice(words),
             "text": " ".join(rng.choice(words) for _ in range(text_chars // 5)),
             "title_repeats": [rng.choice(words)] * (i % 3), "trailer_lines": [],
             "header_lines": ["h"] if i % 5 == 0 else [],
             "flags": sorted({rng.choice(["short-body", "repeated-title"])}) if i % 4 else [],
             "duplicate_of": f"r{seed}-0" if i % 9 == 3 else None,
             "near_duplicate_cluster": None, "content_hash": f"{rng.getrandbits(64):016x}",
             "url": f"https://e.x/{i}" if i % 2 else None, "date": None,
             "num_chars": rng.randint(0, 10_000), "encoding": "utf-8"} for i in range(n)]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _one_writer(groups: list[pa.Table]) -> bytes:
    sink = pa.BufferOutputStream()
    with pq.ParquetWriter(sink, SCHEMA, **PARQUET_OPTIONS) as writer:
        for group in groups:
            writer.write_table(group, row_group_size=group.num_rows)
    return sink.getvalue().to_pybytes()


def _joined(groups: list[pa.Table]) -> bytes:
    out = io.BytesIO()
    joined = rowgroups.JoinedFile(out)
    for group in groups:
        joined.append(rowgroups.encode_row_group(group, SCHEMA, PARQUET_OPTIONS))
    joined.close()
    return out.getvalue()


@pytest.mark.parametrize("sizes", [[1], [6, 6, 6, 2], [1] * 20, [300, 7, 300]],
                         ids=["one-row", "uneven", "twenty-groups", "large-groups"])
def test_joined_row_groups_are_the_bytes_of_one_writer(sizes):
    table = _table(sum(sizes), seed=len(sizes))
    groups, offset = [], 0
    for size in sizes:
        groups.append(table.slice(offset, size))
        offset += size
    assert _joined(groups) == _one_writer(groups)


def test_pages_and_dictionary_fallback_are_joined_too():
    """Column chunks of several data pages (text over 1 MiB) and a dictionary that falls back to
    plain encoding: offsets far from the start of the file."""
    table = _table(900, seed=3, text_chars=3_000)
    groups = [table.slice(0, 400), table.slice(400, 400), table.slice(800)]
    data = _joined(groups)
    assert data == _one_writer(groups)
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    assert meta.num_rows == 900 and meta.num_row_groups == 3
    assert pq.read_table(io.BytesIO(data)).equals(table)


def test_a_footer_decodes_and_encodes_back_byte_for_byte():
    data = _one_writer([_table(30, seed=5).slice(0, 10), _table(30, seed=5).slice(10)])
    size = struct.unpack("<I", data[-8:-4])[0]
    footer = data[-8 - size: -8]
    assert rowgroups._encode_struct(rowgroups._decode_footer(footer)) == footer


def test_page_indexes_are_refused_not_joined_wrong():
    out = io.BytesIO()
    joined = rowgroups.JoinedFile(out)
    piece = rowgroups.encode_row_group(_table(5), SCHEMA, {**PARQUET_OPTIONS,
                                                           "write_page_index": True})
    with pytest.raises(ValueError, match="page indexes"):
        joined.append(piece)


def _shards(folder, pool, batches):
    writer = ShardWriter(folder, "train", shard_rows=50, row_group_rows=12, pool=pool)
    for batch in batches:
        writer.write(batch)
    names = writer.close()
    return {name: (folder / name).read_bytes() for name in names}


def test_encoding_threads_do_not_change_a_byte(tmp_path, monkeypatch):
    import newsprep.write as write

    table = _table(137, seed=11)
    batches = [table.slice(i, 9) for i in range(0, 137, 9)]
    ref = _shards(tmp_path / "one", None, batches)  # the writer's own pool: one thread
    monkeypatch.setattr(write, "PENDING_PER_THREAD", 1)
    with RowGroupPool(threads=4) as pool:
        got = _shards(tmp_path / "four", pool, batches)
    assert list(got) == list(ref) and len(ref) == 3
    assert got == ref
    for name, data in ref.items():  # and a shard is what one writer writes of its rows
        read = pq.ParquetFile(io.BytesIO(data))
        rows = read.read()
        groups = [rows.slice(sum(read.metadata.row_group(j).num_rows for j in range(i)),
                             read.metadata.row_group(i).num_rows)
                  for i in range(read.num_row_groups)]
        assert data == _one_writer(groups), name


def test_an_error_in_an_encoding_thread_reaches_the_writer(tmp_path, monkeypatch):
    import newsprep.write as write

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(write, "encode_row_group", broken)
    with RowGroupPool(threads=2) as pool, pytest.raises(OSError, match="disk full"):
        _shards(tmp_path, pool, [_table(30)])
