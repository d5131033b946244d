"""The last step of a build: the part files of pass 2, plus the corpus-wide duplicate decisions,
become validated split shards. Streams one batch at a time, in row order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from newsprep import flags as F
from newsprep.config import Config
from newsprep.dedup import DedupResult
from newsprep.schema import SCHEMA, validate_batch
from newsprep.splits import SPLIT_ORDER, assign, group_key
from newsprep.summary import BuildSummary
from newsprep.write import ShardWriter

BATCH_ROWS = 10_000


def _batches(parts: list[tuple[Path, np.ndarray]]):
    """The kept rows of the part files, in order, in batches of at most BATCH_ROWS."""
    for path, keep in parts:
        offset = 0
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=BATCH_ROWS):
            mask = keep[offset: offset + batch.num_rows]
            offset += batch.num_rows
            table = pa.Table.from_batches([batch], schema=SCHEMA)
            yield table if mask.all() else table.filter(pa.array(mask))
        pf.close()


def write_final(stage: Path, cfg: Config, parts, result: DedupResult,
                split_ratios: dict[str, float], summary: BuildSummary) -> dict[str, list[str]]:
    """Add the duplicate columns and flags, validate each batch, write the split shards."""
    shard_rows = int(cfg.get("build", "shard_rows", 50_000))
    rg_rows = int(cfg.get("build", "row_group_rows", 5_000))
    seed = int(cfg.get("splits", "seed", 0))
    writers = {s: ShardWriter(stage, s, shard_rows, rg_rows) for s in SPLIT_ORDER
               if s in split_ratios}
    wanted = set(result.duplicate_of[result.duplicate_of >= 0].tolist())
    wanted |= set(result.cluster[result.cluster >= 0].tolist())
    id_of: dict[int, str] = {}
    offset = pending_rows = 0
    pending: list[tuple[pa.Table, np.ndarray]] = []  # batches not yet validated and written
    for table in _batches(parts):
        n = table.num_rows
        ids = table.column("id").to_pylist()
        for i in range(offset, offset + n):
            if i in wanted:
                id_of[i] = ids[i - offset]
        table, groups = _with_duplicates(table, ids, result, offset, id_of, summary)
        pending.append((table, np.array([assign(g, split_ratios, seed) for g in groups])))
        pending_rows += n
        if pending_rows >= BATCH_ROWS:
            _validate_and_write(pending, writers)
            pending, pending_rows = [], 0
        offset += n
    _validate_and_write(pending, writers)
    summary.records = offset
    files = {s: w.close() for s, w in writers.items()}
    summary.splits = {s: writers[s].rows for s in writers}
    return files


def _validate_and_write(pending: list[tuple[pa.Table, np.ndarray]],
                        writers: dict[str, ShardWriter]) -> None:
    """Validate the pending batches at once (the schema check has a high fixed cost per call;
    ids are already unique corpus-wide), then hand each batch to the writers of its splits,
    in order and as before, so the shards are the same whatever the grouping."""
    if not pending:
        return
    validate_batch(pending[0][0] if len(pending) == 1
                   else pa.concat_tables([table for table, _ in pending]))
    for table, split_of in pending:
        for split, writer in writers.items():
            mask = split_of == split
            if mask.any():
                writer.write(table if mask.all() else table.filter(pa.array(mask)))


def _with_duplicates(table: pa.Table, ids: list[str], result: DedupResult, offset: int,
                     id_of: dict[int, str], summary: BuildSummary) -> tuple[pa.Table, list[str]]:
    """The table with `duplicate_of`, `near_duplicate_cluster` and duplicate flags set, and the
    split group key of each row."""
    sl = slice(offset, offset + table.num_rows)
    dup, clu = result.duplicate_of[sl].tolist(), result.cluster[sl].tolist()
    extra = np.stack([result.dup_title[sl], result.dup_content[sl], result.near[sl]], axis=1)
    codes = (F.DUPLICATE_TITLE, F.DUPLICATE_CONTENT, F.NEAR_DUPLICATE)
    flags = table.column("flags").to_pylist()
    for r in np.nonzero(extra.any(axis=1))[0].tolist():
        add = {c for c, on in zip(codes, extra[r].tolist(), strict=True) if on}
        flags[r] = sorted(set(flags[r]) | add)
    for row_flags in flags:
        summary.flags.update(row_flags)
    dup_ids = [id_of[j] if j >= 0 else None for j in dup]
    clu_ids = [id_of[j] if j >= 0 else None for j in clu]
    groups = [group_key(rid, d, c) for rid, d, c in zip(ids, dup_ids, clu_ids, strict=True)]
    names = SCHEMA.names
    table = table.set_column(names.index("flags"), SCHEMA.field("flags"),
                             pa.array(flags, type=SCHEMA.field("flags").type))
    table = table.set_column(names.index("duplicate_of"), SCHEMA.field("duplicate_of"),
                             pa.array(dup_ids, type=pa.string()))
    table = table.set_column(names.index("near_duplicate_cluster"),
                             SCHEMA.field("near_duplicate_cluster"),
                             pa.array(clu_ids, type=pa.string()))
    return table, groups
