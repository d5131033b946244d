"""The card's `num_bytes` per split, counted while the shards are written
(`ShardWriter.arrow_bytes`, `arrowsize.read_back_size`), is exactly what reading the shards
back gives (`card.arrow_bytes`), row group by row group."""

from __future__ import annotations

import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsprep
from newsprep import card, docs
from newsprep.arrowsize import read_back_size
from newsprep.config import load_config
from newsprep.write import PARQUET_OPTIONS, ShardWriter

from .test_card import front


def _round_trip(tmp_path, table: pa.Table) -> int:
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=max(1, table.num_rows), **PARQUET_OPTIONS)
    pf = pq.ParquetFile(path)
    assert pf.num_row_groups == 1
    return pf.read_row_group(0).nbytes


def _random_table(rng: random.Random, n: int) -> pa.Table:
    def text() -> str | None:
        return rng.choice([None, "", "a", "é" * rng.randint(1, 9), "x" * rng.randint(10, 300)])

    def items() -> list | None:
        return rng.choice([None, [], [text() or "y" for _ in range(rng.randint(1, 4))]])

    nulls = rng.random() < 0.5
    return pa.table({
        "s": pa.array([text() if nulls else (text() or "") for _ in range(n)], pa.string()),
        "never_null": pa.array(["v" * rng.randint(0, 5) for _ in range(n)], pa.string()),
        "all_null": pa.array([None] * n, pa.string()),
        "lst": pa.array([items() if nulls else (items() or []) for _ in range(n)],
                        pa.list_(pa.string())),
        "inner_null": pa.array([[None, "z"] if rng.random() < 0.3 else ["z"] for _ in range(n)],
                               pa.list_(pa.string())),
        "num": pa.array([rng.choice([None, 3]) if nulls else 3 for _ in range(n)], pa.int64()),
        "flag": pa.array([rng.random() < 0.5 for _ in range(n)], pa.bool_()),
    })


@pytest.mark.parametrize("seed", range(12))
def test_read_back_size_is_the_size_read_back(tmp_path, seed):
    rng = random.Random(seed)
    big = pa.concat_tables([_random_table(rng, rng.randint(1, 40)) for _ in range(3)])
    for start, length in ((0, big.num_rows), (rng.randint(1, 9), rng.randint(1, 30)),
                          (big.num_rows - 1, 1)):
        piece = big.slice(start, length)  # offsets into chunked columns, as a writer cuts them
        assert read_back_size(piece) == _round_trip(tmp_path, piece)


def test_a_shard_writer_counts_what_its_shards_read_back(tmp_path, monkeypatch):
    import newsprep.write as write_mod

    rng = random.Random(7)
    # any schema: the count does not depend on the columns
    monkeypatch.setattr(write_mod, "SCHEMA", _random_table(rng, 1).schema)
    writer = ShardWriter(tmp_path, "train", shard_rows=23, row_group_rows=6)
    for _ in range(9):
        writer.write(_random_table(rng, rng.randint(1, 17)))
    files = writer.close()
    assert len(files) > 2
    assert writer.arrow_bytes == card.arrow_bytes(tmp_path, files)


def test_the_card_num_bytes_is_what_the_shards_read_back(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = []
    for i in range(160):  # url and date only on some articles; exact duplicates (duplicate_of)
        body = f"Harbour report {i % 130}: the tide rose by {i % 130} cm at the old quay. " * 3
        art = {"id": f"r{i}", "title": f"Tide report {i % 130}", "text": body}
        if i % 3:
            art["url"] = f"https://example.org/{i}"
        if i % 5 == 0:
            art["date"] = "2024-01-02"
        lines.append(json.dumps(art))
    (raw / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = load_config(overrides={"build": {"shard_rows": 40, "row_group_rows": 7}})
    out = tmp_path / "ds"
    read_back = card.arrow_bytes
    with monkeypatch.context() as patch:  # the build counts as it writes: no shard read back
        patch.setattr(card, "arrow_bytes", lambda *a: pytest.fail("shards read back"))
        summary = newsprep.build(raw, out, workers=1, config=cfg, cache=False)
    assert summary.flags.get("duplicate-content", 0) > 0
    fm = front(out)
    split_files = card.split_files_of(out)
    assert sum(len(f) for f in split_files.values()) > 3
    splits = {s["name"]: s["num_bytes"] for s in fm["dataset_info"]["splits"]}
    assert splits == {s: read_back(out, files) for s, files in split_files.items()}
    assert fm["dataset_info"]["dataset_size"] == sum(splits.values())
    written = (out / card.CARD_FILE).read_text(encoding="utf-8")
    docs.regenerate(out)  # counts by reading the shards
    assert (out / card.CARD_FILE).read_text(encoding="utf-8") == written
