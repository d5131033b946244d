"""The build: raw articles in, a validated dataset folder out.

ingest -> parse -> corpus statistics (pass 1) -> segment + records (pass 2) -> duplicates ->
validate -> write shards, card, summary -> atomic swap into place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsprep import docs, engine
from newsprep.config import Config, load_config
from newsprep.corpus import CorpusStats
from newsprep.dedup import Deduper, signature
from newsprep.ingest import Inventory, Quarantined, RawArticle, Task, discover, read
from newsprep.record import make_record, page_of
from newsprep.schema import SCHEMA, validate_batch
from newsprep.splits import SPLIT_ORDER, assign, group_key, ratios
from newsprep.summary import BuildSummary
from newsprep.textnorm import hash_hex, title_key
from newsprep.write import ShardWriter, staged_output

QUARANTINE_FILE = ".newsprep/quarantine.jsonl"
_STAGE_FILE = ".newsprep/stage.parquet"
BATCH_ROWS = 2_000
CHUNK_BYTES = 4 << 20
CHUNK_TASKS = 256


@dataclass(frozen=True)
class BuildOptions:
    workers: int = 1
    progress: bool = False
    meta: dict | None = None


def _chunks(tasks: list[Task]) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    size = 0
    for task in tasks:
        chunk.append(task)
        size += task.size
        if len(chunk) >= CHUNK_TASKS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _pass1(chunk: list[Task]) -> CorpusStats:
    st = engine.state()
    stats = CorpusStats()
    for task in chunk:
        for item in read(st["root"], task, st["max_bytes"]):
            if isinstance(item, RawArticle):
                page = page_of(item)
                if page.title:
                    stats.add(page)
    return stats


def _pass2(chunk: list[Task]) -> list[tuple]:
    st = engine.state()
    cfg: Config = st["cfg"]
    out: list[tuple] = []
    for task in chunk:
        for item in read(st["root"], task, st["max_bytes"]):
            if isinstance(item, RawArticle):
                item = make_record(item, st["stats"], cfg)
            if isinstance(item, Quarantined):
                out.append(("q", item))
            else:
                out.append(("r", item, signature(item["text"], cfg)))
    return out


def _progress(enabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsprep.console import err_console

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console(), disable=not enabled, transient=True)


def build(input: str | Path, out: str | Path, *, checks: str | Path | None = None,
          workers: int | None = None, progress: bool = False, config: Config | None = None,
          meta: dict | None = None) -> BuildSummary:
    """Build the dataset folder `out` from the raw articles under `input`; return the summary."""
    from newsprep import __version__

    cfg = config or load_config(checks)
    split_ratios = ratios(cfg)
    root = Path(input)
    inv = discover(root)
    workers = engine.default_workers() if workers is None else max(1, workers)
    max_bytes = int(cfg.get("build", "max_article_bytes", 10_000_000))
    shared = {"root": root, "max_bytes": max_bytes, "cfg": cfg}
    summary = BuildSummary(newsprep_version=__version__,
                           config_hash=hash_hex(json.dumps(cfg.data, sort_keys=True))[:16])
    chunks = list(_chunks(inv.tasks))
    with _progress(progress) as bar, staged_output(Path(out)) as stage:
        (stage / ".newsprep").mkdir()
        p1 = bar.add_task("scanning", total=len(inv.tasks))
        stats = CorpusStats()
        for chunk, part in zip(chunks, engine.map_ordered(_pass1, chunks, workers, shared),
                               strict=True):
            stats.merge(part)
            bar.advance(p1, len(chunk))
        shared["stats"] = stats.freeze()
        p2 = bar.add_task("cleaning", total=len(inv.tasks))
        deduper = _records(stage, inv, chunks, workers, shared, summary, bar, p2)
        result = deduper.resolve()
        split_files = _write_final(stage, cfg, result, split_ratios, summary)
        (stage / _STAGE_FILE).unlink()
        summary.write(stage)
        docs.write(stage, summary, split_files, meta, keep_from=Path(out))
    return summary


def _records(stage: Path, inv: Inventory, chunks, workers, shared, summary: BuildSummary,
             bar, task_id) -> Deduper:
    """Pass 2: records into the stage file, quarantines into the quarantine file."""
    deduper = Deduper(shared["cfg"])
    seen_ids: set[str] = set()
    rows: list[dict] = []
    summary.ignored.update(inv.ignored)
    with pq.ParquetWriter(stage / _STAGE_FILE, SCHEMA, compression="lz4") as stage_writer, \
            open(stage / QUARANTINE_FILE, "w", encoding="utf-8") as qfile:

        def quarantine(q: Quarantined) -> None:
            summary.inputs += 1
            summary.quarantined[q.reason] += 1
            qfile.write(json.dumps({"source": q.source, "reason": q.reason, "detail": q.detail},
                                   ensure_ascii=False) + "\n")

        for q in inv.unreadable:
            quarantine(q)
        for chunk, results in zip(chunks, engine.map_ordered(_pass2, chunks, workers, shared),
                                  strict=True):
            for kind, item, *sig in results:
                if kind == "q":
                    quarantine(item)
                    continue
                if item["id"] in seen_ids:
                    quarantine(Quarantined(item["source"], "duplicate-id",
                                           f"id {item['id']!r} is already used"))
                    continue
                seen_ids.add(item["id"])
                summary.inputs += 1
                deduper.add(item["id"], title_key(item["title"]), item["content_hash"], sig[0])
                rows.append(item)
                if len(rows) >= BATCH_ROWS:
                    stage_writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
                    rows = []
            bar.advance(task_id, len(chunk))
        if rows:
            stage_writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
    summary.inputs += sum(inv.ignored.values())
    return deduper


def _write_final(stage: Path, cfg: Config, result, split_ratios, summary: BuildSummary):
    """Add the duplicate columns and flags, validate each batch, write the split shards."""
    shard_rows = int(cfg.get("build", "shard_rows", 50_000))
    rg_rows = int(cfg.get("build", "row_group_rows", 5_000))
    seed = int(cfg.get("splits", "seed", 0))
    writers = {s: ShardWriter(stage, s, shard_rows, rg_rows) for s in SPLIT_ORDER
               if s in split_ratios}
    offset = 0
    pf = pq.ParquetFile(stage / _STAGE_FILE)
    for batch in pf.iter_batches(batch_size=BATCH_ROWS):
        rows = batch.to_pylist()
        by_split: dict[str, list[dict]] = {s: [] for s in writers}
        for i, row in enumerate(rows, start=offset):
            row["duplicate_of"] = result.duplicate_of[i]
            row["near_duplicate_cluster"] = result.cluster[i]
            row["flags"] = sorted(set(row["flags"]) | result.flags[i])
            summary.flags.update(row["flags"])
            split = assign(group_key(row["id"], row["duplicate_of"], row["near_duplicate_cluster"]),
                           split_ratios, seed)
            by_split[split].append(row)
        offset += len(rows)
        for split, split_rows in by_split.items():
            if split_rows:
                table = pa.Table.from_pylist(split_rows, schema=SCHEMA)
                validate_batch(table)
                writers[split].write(table)
    summary.records = offset
    files = {s: w.close() for s, w in writers.items()}
    summary.splits = {s: writers[s].rows for s in writers}
    return files



