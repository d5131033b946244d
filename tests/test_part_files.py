"""Pass 2's part files (Arrow IPC): read back as written, and the shards do not depend on how
pass 2 batched the rows of a part file."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from newsprep import finalize, parts
from newsprep.config import Config
from newsprep.dedup import DedupResult
from newsprep.schema import SCHEMA
from newsprep.summary import BuildSummary
from newsprep.write import PARQUET_OPTIONS


def _rows(n: int, text_chars: int) -> list[dict]:
    rng = random.Random(n)
    return [{"id": f"a{i:05d}", "source": f"f{i}.txt", "title": f"Title {i}",
             "text": "".join(rng.choice("abcdefghij ") for _ in range(text_chars)) + ".",
             "title_repeats": [], "trailer_lines": [], "header_lines": [], "flags": [],
             "duplicate_of": None, "near_duplicate_cluster": None, "content_hash": f"{i:032x}",
             "url": None, "date": None, "num_chars": text_chars + 1, "encoding": "utf-8"}
            for i in range(n)]


def test_a_part_file_reads_back_as_written(tmp_path):
    table = pa.Table.from_pylist(_rows(50, 30), schema=SCHEMA)
    path = tmp_path / f"000000{parts.SUFFIX}"
    parts.write_part(path, [table.slice(0, 20), table.slice(20, 0), table.slice(20)])
    assert [b.num_rows for b in parts.batches(path)] == [20, 30]
    assert parts.read(path).equals(table)
    assert parts.read(path, ["id", "source"]).equals(table.select(["id", "source"]))


def _digest(tmp_path, name: str, table: pa.Table, cut: int) -> str:
    """The shards of `table` written from one part file holding it in tables of `cut` rows."""
    work = tmp_path / name
    work.mkdir()
    path = work / f"000000{parts.SUFFIX}"
    parts.write_part(path, (table.slice(i, cut) for i in range(0, table.num_rows, cut)))
    n = table.num_rows
    none, no = np.full(n, -1), np.zeros(n, bool)
    cfg = Config({"build": {"shard_rows": 2_000, "row_group_rows": 1_000}}, "test")
    files = finalize.write_final(work / "out", cfg, [(path, np.ones(n, bool))],
                                 DedupResult(none, none, no, no, no), {"train": 1.0},
                                 BuildSummary())
    h = hashlib.sha256()
    for f in files["train"]:
        h.update((work / "out" / f).read_bytes())
    return h.hexdigest()


def test_shards_do_not_depend_on_the_batches_of_a_part_file(tmp_path, monkeypatch):
    monkeypatch.setattr(finalize, "BATCH_ROWS", 700)
    table = pa.Table.from_pylist(_rows(1_500, 1_500), schema=SCHEMA)  # pages of 1 MiB: cut
    # Why it matters: Parquet cuts pages where the arrays of a column end, so arrays cut
    # elsewhere give other bytes.
    whole, cut = pa.BufferOutputStream(), pa.BufferOutputStream()
    pq.write_table(table, whole, **PARQUET_OPTIONS)
    pq.write_table(pa.concat_tables([table.slice(0, 333), table.slice(333)]), cut,
                   **PARQUET_OPTIONS)
    assert whole.getvalue() != cut.getvalue()
    assert _digest(tmp_path, "one", table, 1_500) == _digest(tmp_path, "many", table, 333)
