"""The last step of a build: the part files of pass 2, plus the corpus-wide duplicate decisions,
become validated split shards. Streams one batch at a time, in row order.

This thread reads the part files, adds the duplicate columns and flags, assigns the splits
and validates every row (pandera, `schema.validate_batch`) in groups of about BATCH_ROWS rows,
then hands each split's rows to its `ShardWriter`. The writers cut row groups, which a pool of
threads encodes and compresses side by side (pyarrow releases the GIL there; `rowgroups`
joins them into the shards with the bytes one writer would write). Only validated rows reach a
writer, so a row that fails the schema is never published."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newsprep import flags as F
from newsprep import parts as part_files
from newsprep.config import Config
from newsprep.dedup import DedupResult
from newsprep.engine import WARM_UP_THREAD
from newsprep.hugepages import small_pages
from newsprep.schema import SCHEMA, validate_batch, warm_up_validation
from newsprep.splits import SPLIT_ORDER, assign, assign_many, group_key
from newsprep.summary import BuildSummary
from newsprep.write import RowGroupPool, ShardWriter

BATCH_ROWS = 10_000
_DUP_CODES = (F.DUPLICATE_TITLE, F.DUPLICATE_CONTENT, F.NEAR_DUPLICATE)
_FLAGS = SCHEMA.names.index("flags")
_DUP_OF = SCHEMA.names.index("duplicate_of")
_CLUSTER = SCHEMA.names.index("near_duplicate_cluster")


_warming: list[threading.Thread] = []


def warm_up() -> threading.Thread:
    """Start loading the validation machinery (pandera's imports and first call cost about half a
    second) in a background thread, so that it overlaps pass 2 instead of delaying the write.
    `write_final` waits for it, and so does the local engine before it forks workers."""
    thread = threading.Thread(target=warm_up_validation, name=WARM_UP_THREAD, daemon=True)
    thread.start()
    _warming.append(thread)
    return thread


def _wait_for_warm_up() -> None:
    while _warming:
        _warming.pop().join()


def _groups(parts: list[tuple[Path, np.ndarray]]):
    """The kept rows of the part files, in order, in tables of about BATCH_ROWS rows (however
    they are cut, the shards' bytes are the same: each row group is encoded from one array per
    column, `rowgroups.encode_row_group`)."""
    group: list[pa.Table] = []
    rows = 0
    for path, keep in parts:
        table = part_files.read(path)
        for offset in range(0, table.num_rows, BATCH_ROWS):
            batch = table.slice(offset, BATCH_ROWS)
            mask = keep[offset: offset + batch.num_rows]
            group.append(batch if mask.all() else batch.filter(pa.array(mask)))
            rows += group[-1].num_rows
            if rows >= BATCH_ROWS:
                yield pa.concat_tables(group)
                group, rows = [], 0
    if rows:
        yield pa.concat_tables(group)


def write_final(stage: Path, cfg: Config, parts, result: DedupResult,
                split_ratios: dict[str, float], summary: BuildSummary,
                num_bytes: dict[str, int] | None = None) -> dict[str, list[str]]:
    """Add the duplicate columns and flags, validate each batch, write the split shards; their
    names by split. `num_bytes`, if given, receives each split's in-memory Arrow size as the
    shards read back (the card's `num_bytes`, counted as they are written)."""
    shard_rows = int(cfg.get("build", "shard_rows", 50_000))
    rg_rows = int(cfg.get("build", "row_group_rows", 5_000))
    seed = int(cfg.get("splits", "seed", 0))
    wanted = np.union1d(result.duplicate_of[result.duplicate_of >= 0],
                        result.cluster[result.cluster >= 0])
    id_of: dict[int, str] = {}
    offset = 0
    with small_pages(), RowGroupPool() as pool:  # fresh buffers throughout: `hugepages`
        writers = {s: ShardWriter(stage, s, shard_rows, rg_rows, pool) for s in SPLIT_ORDER
                   if s in split_ratios}
        for table in _groups(parts):
            _remember_ids(table, offset, wanted, id_of)
            table = _with_duplicates(table, result, offset, id_of, summary)
            codes = _split_codes(table, list(writers), split_ratios, seed)
            offset += table.num_rows
            validate_batch(table)  # every row, before any writer sees it
            for writer, rows in zip(writers.values(), _by_split(table, codes, len(writers)),
                                    strict=True):
                if rows is not None:
                    writer.write(rows)
        for writer in writers.values():
            writer.finish()  # the last row groups of every split, encoded side by side
        names = [writer.close() for writer in writers.values()]
    _wait_for_warm_up()  # even with no row to validate: no thread outlives the build
    summary.records = offset
    summary.splits = {s: writers[s].rows for s in writers}
    if num_bytes is not None:
        num_bytes.update({s: writers[s].arrow_bytes for s in writers})
    return dict(zip(writers, names, strict=True))


def _by_split(table: pa.Table, codes: np.ndarray, count: int) -> list[pa.Table | None]:
    """The rows of each split code (`_split_codes`) in table order, None for a split without
    any: the rows sorted by split (stable) in one `take`, then sliced; a writer's layout does
    not depend on how its rows are batched."""
    counts = np.bincount(codes, minlength=count)
    if counts.max() == len(codes):
        return [table if n else None for n in counts]
    table = table.take(pa.array(np.argsort(codes, kind="stable")))
    starts = np.cumsum(counts) - counts
    return [table.slice(a, n) if n else None for a, n in zip(starts.tolist(), counts.tolist(),
                                                            strict=True)]


def _remember_ids(table: pa.Table, offset: int, wanted: np.ndarray,
                  id_of: dict[int, str]) -> None:
    """The ids of the rows that later rows name as their first copy or cluster."""
    lo, hi = np.searchsorted(wanted, [offset, offset + table.num_rows])
    if hi > lo:
        rows = wanted[lo:hi]
        ids = table.column("id").take(pa.array(rows - offset)).to_pylist()
        id_of.update(zip(rows.tolist(), ids, strict=True))


def _id_column(index: np.ndarray, id_of: dict[int, str]) -> pa.Array:
    """The ids of the rows at `index` (row numbers), null where the index is -1."""
    out: list[str | None] = [None] * len(index)
    for r in np.nonzero(index >= 0)[0].tolist():
        out[r] = id_of[int(index[r])]
    return pa.array(out, type=pa.string())


def _with_duplicates(table: pa.Table, result: DedupResult, offset: int, id_of: dict[int, str],
                     summary: BuildSummary) -> pa.Table:
    """The table with `duplicate_of`, `near_duplicate_cluster` and the duplicate flags set."""
    sl = slice(offset, offset + table.num_rows)
    flags = _flags_with(table.column(_FLAGS).combine_chunks(),
                        np.stack([result.dup_title[sl], result.dup_content[sl],
                                  result.near[sl]], axis=1))
    codes = pc.value_counts(pc.list_flatten(flags))
    summary.flags.update(dict(zip(codes.field("values").to_pylist(),
                                  codes.field("counts").to_pylist(), strict=True)))
    table = table.set_column(_FLAGS, SCHEMA.field(_FLAGS), flags)
    table = table.set_column(_DUP_OF, SCHEMA.field(_DUP_OF),
                             _id_column(result.duplicate_of[sl], id_of))
    return table.set_column(_CLUSTER, SCHEMA.field(_CLUSTER),
                            _id_column(result.cluster[sl], id_of))


def _flags_with(flags: pa.ListArray, extra: np.ndarray) -> pa.ListArray:
    """`flags` with the duplicate codes of `extra` (rows x _DUP_CODES booleans) added, each
    row's codes sorted. Only the rows that gain a code are rebuilt."""
    rows = np.nonzero(extra.any(axis=1))[0]
    if not len(rows):
        return flags
    changed = []
    for r, old in zip(rows.tolist(), flags.take(pa.array(rows)).to_pylist(), strict=True):
        add = {c for c, on in zip(_DUP_CODES, extra[r].tolist(), strict=True) if on}
        changed.append(sorted(set(old) | add))
    index = np.arange(len(flags))
    index[rows] = len(flags) + np.arange(len(rows))
    return pa.concat_arrays([flags, pa.array(changed, type=flags.type)]).take(pa.array(index))


def _split_codes(table: pa.Table, splits: list[str], split_ratios: dict[str, float],
                 seed: int) -> np.ndarray:
    """Per row, the index in `splits` of the split of its duplicate group (`splits.group_key`):
    a row that names no other row is its own group (`assign_many` over the ids); the few that
    do, and any without an id, go through `group_key` and `assign` one by one."""
    ids = table.column("id").combine_chunks()
    dup, clu = table.column(_DUP_OF), table.column(_CLUSTER)
    odd = pc.or_(pc.or_(pc.is_valid(dup), pc.is_valid(clu)), pc.is_null(ids))
    named = np.nonzero(odd.to_numpy(zero_copy_only=False))[0]
    own = ids if not len(named) else ids.filter(pc.invert(odd))
    code = {s: i for i, s in enumerate(splits)}
    to_code = np.array([code[s] for s in split_ratios], dtype=np.int8)
    out = np.empty(len(ids), dtype=np.int8)
    mine = np.ones(len(ids), dtype=bool)
    mine[named] = False
    out[mine] = to_code[assign_many(own, split_ratios, seed)]
    index = pa.array(named)
    for r, i, d, c in zip(named.tolist(), ids.take(index).to_pylist(),
                          dup.take(index).to_pylist(), clu.take(index).to_pylist(), strict=True):
        out[r] = code[assign(group_key(i, d, c), split_ratios, seed)]
    return out
