"""The build: raw articles in, a validated dataset folder out.

ingest -> parse -> corpus statistics (pass 1) -> segment + records (pass 2, streamed into
part files) -> duplicates (numpy, over compact keys) -> validate -> write shards, card, summary
-> atomic swap into place. Chunks of work do not depend on the number of workers and results
are consumed in chunk order, so the output is byte-identical whatever the workers or engine."""

from __future__ import annotations

import gc
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from newsprep import docs, passes, ranges
from newsprep.cache import Cache, open_cache
from newsprep.config import Config, load_config
from newsprep.corpus import STATS_FORMAT, CorpusStats
from newsprep.dedup import DuplicateIndex
from newsprep.engine import Engine, LocalEngine
from newsprep.finalize import warm_up, write_final
from newsprep.ingest import Quarantined
from newsprep.inventory import Inventory
from newsprep.splits import ratios
from newsprep.summary import BuildSummary
from newsprep.textnorm import hash_hex

QUARANTINE_FILE = ".newsprep/quarantine.jsonl"
PARTS_DIR = ".newsprep/parts"
SPILL_DIR = ".newsprep/spill"
CHUNK_BYTES = 4 << 20
CHUNK_TASKS = 1024  # inputs a chunk at most (fewer chunks: less driver work an article)


def _chunks(tasks: list) -> Iterator[list]:
    chunk: list = []
    size = 0
    for task in tasks:
        chunk.append(task)
        size += task.size
        if len(chunk) >= CHUNK_TASKS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _progress(enabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsprep.console import err_console

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console(), disable=not enabled, transient=True)


@contextmanager
def _timed(timings: dict[str, float] | None, stage: str):
    start = time.perf_counter()
    yield
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def make_engine(engine: str | Engine, workers: int | None) -> Engine:
    """`"local"` (worker processes here), `"ray"` (Ray Data; `ray://` or `auto` addresses
    connect to a cluster: `"ray:ADDRESS"`), or an engine object."""
    if not isinstance(engine, str):
        return engine
    if engine == "local":
        return LocalEngine(workers)
    if engine == "ray" or engine.startswith("ray:"):
        from newsprep.ray_engine import RayEngine

        return RayEngine(address=engine[4:] or None, workers=workers)
    from newsprep.errors import UsageError

    raise UsageError(f"unknown engine {engine!r}: use 'local' or 'ray'")


def build(input: str | Path, out: str | Path, *, checks: str | Path | None = None,
          workers: int | None = None, progress: bool = False, config: Config | None = None,
          meta: dict | None = None, engine: str | Engine = "local",
          cache: str | Path | bool = False,
          timings: dict[str, float] | None = None) -> BuildSummary:
    """Build the dataset folder `out` from the raw articles under `input`; return the summary.

    `cache`: a folder for the incremental cache, True for `.NAME.cache` beside `out`, False
    (default) for none. `timings`, if given, receives the seconds of each stage."""
    from newsprep import __version__

    cfg = config or load_config(checks)
    split_ratios = ratios(cfg)
    root, out = Path(input), Path(out)
    eng = make_engine(engine, workers)
    max_bytes = int(cfg.get("build", "max_article_bytes", 10_000_000))
    config_hash = hash_hex(json.dumps(cfg.data, sort_keys=True))[:16]
    summary = BuildSummary(newsprep_version=__version__, config_hash=config_hash)
    with _timed(timings, "discover"):
        inv = discover_tasks(root)
        chunks = list(_chunks(ranges.plan(root, inv.tasks, CHUNK_BYTES)))
    with _heap_frozen() as freeze, _progress(progress) as bar, \
            staged_output_for(out, root) as stage:
        (stage / PARTS_DIR).mkdir(parents=True)
        store = open_cache(cache, out, f"{__version__}:{STATS_FORMAT}:{config_hash}")
        shared = {"root": root, "max_bytes": max_bytes, "cfg": cfg, "cache": store}
        spills = _spills(eng, stage, chunks)
        with _timed(timings, "pass1"):
            stats, chunks = _scan(eng, chunks, spills, shared, bar, len(inv.tasks))
            shared["stats"] = stats.freeze()
            _release_freed_memory()  # before the pass-2 workers fork from this process
        with _timed(timings, "pass2"):
            index, parts = _records(stage, inv, chunks, spills, eng, shared, summary, bar)
            shared["stats"] = stats = None  # the driver's largest index: not needed any more
            _release_freed_memory()
            freeze()  # the validation's modules, loaded meanwhile, live on too
        with _timed(timings, "dedup"):
            result = index.resolve()
        with _timed(timings, "write"):
            split_bytes: dict[str, int] = {}
            split_files = write_final(stage, cfg, parts, result, split_ratios, summary,
                                      split_bytes)
            shutil.rmtree(stage / PARTS_DIR)
            shutil.rmtree(stage / SPILL_DIR, ignore_errors=True)
        with _timed(timings, "docs"):
            if store is not None:
                store.close()
                pruned = store.pruned  # entries deleted, per table; None: not pruned
                summary.cache["entries_pruned"] = (None if pruned is None else sum(
                    n for table, n in pruned.items() if table != "vacuumed"))
            summary.files = {f: (stage / f).stat().st_size
                             for files in split_files.values() for f in files}
            summary.write(stage)
            docs.write(stage, summary, split_files, meta, keep_from=out, split_bytes=split_bytes)
    return summary


@contextmanager
def _heap_frozen():
    """Keep what is alive now (the inventory: at 100k inputs, hundreds of thousands of objects
    that live to the end) out of the cyclic garbage collector's walks until the block ends
    (`gc.freeze`), and what is alive whenever the function it gives is called; each full
    collection of this process (the validation's imports in pass 2 trigger some) would walk
    them all. Left alone where the caller freezes objects itself (`gc.get_freeze_count()`).
    At the end `gc.unfreeze` puts them in the oldest generation."""
    if gc.get_freeze_count():
        yield lambda: None
        return
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _release_freed_memory() -> None:
    """Hand the heap's free pages back to the system. glibc keeps what the freeze of the
    statistics frees (hundreds of MB at a million articles) as the process's own, and the
    pass-2 workers would fork from, and be counted with, a driver that large. A no-op where
    the C library has no malloc_trim."""
    import ctypes
    from contextlib import suppress

    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def discover_tasks(root: Path) -> Inventory:
    from newsprep.inventory import discover

    return discover(root)


def staged_output_for(out: Path, protect: Path | None = None):
    from newsprep.write import staged_output

    return staged_output(out, protect)


def _spills(eng: Engine, stage: Path, chunks) -> list[Path | None]:
    """Where pass 1 keeps what it read for pass 2: local disk, for the local engine only."""
    if not isinstance(eng, LocalEngine):
        return [None] * len(chunks)
    (stage / SPILL_DIR).mkdir(parents=True, exist_ok=True)
    return [stage / SPILL_DIR / f"{i:06d}.pkl" for i in range(len(chunks))]


def _scan(eng: Engine, chunks, spills, shared, bar,
          total: int) -> tuple[CorpusStats, list[list]]:
    """Pass 1: the corpus statistics, merged in chunk order, and the chunks with their JSON
    Lines ranges numbered from the counts of lines pass 1 found (pass 2 names the lines)."""
    task_id = bar.add_task("scanning", total=total)
    stats = CorpusStats()
    if isinstance(eng, LocalEngine):
        results = eng.map_ordered(passes.pass1_spill, list(zip(chunks, spills, strict=True)),
                                  shared)
    else:
        results = eng.map_ordered(passes.pass1, chunks, shared)
    lines = []
    for chunk, part in zip(chunks, results, strict=True):
        stats.merge(part.stats)
        lines.append(part.lines)
        bar.advance(task_id, len(chunk))
    return stats, ranges.numbered(chunks, lines)


def _pass2_parts(eng: Engine, chunks, spills, shared, parts_dir: Path):
    """(part file, metas) per chunk, in order: workers write the part files themselves where
    they share this file system (local engine), else the driver writes what they send back."""
    from newsprep import parts

    paths = [parts_dir / f"{i:06d}{parts.SUFFIX}" for i in range(len(chunks))]
    if isinstance(eng, LocalEngine):
        jobs = list(zip(chunks, paths, spills, strict=True))
        yield from zip(paths, eng.map_ordered(passes.pass2_part, jobs, shared), strict=True)
        return
    for path, results in zip(paths, eng.map_ordered(passes.pass2_collect, chunks, shared),
                             strict=True):
        parts.write_part(path, (table for table, _ in results))
        yield path, [meta for _, meta in results]


def _records(stage: Path, inv: Inventory, chunks, spills, eng: Engine, shared,
             summary: BuildSummary, bar) -> tuple[DuplicateIndex, list[tuple[Path, np.ndarray]]]:
    """Pass 2: records into part files, quarantines into the quarantine file. Returns the
    duplicate index of the kept rows and, per part file, the mask of its kept rows."""
    task_id = bar.add_task("cleaning", total=len(inv.tasks))
    summary.ignored.update(inv.ignored)
    metas: list[list[passes.ChunkMeta]] = []
    paths: list[Path] = []
    with open(stage / QUARANTINE_FILE, "w", encoding="utf-8") as qfile:
        for q in inv.unreadable:
            _quarantine(qfile, summary, q)
        for chunk, (path, chunk_metas) in zip(
                chunks, _pass2_parts(eng, chunks, spills, shared, stage / PARTS_DIR),
                strict=True):
            for meta in chunk_metas:
                for q in meta.quarantined:
                    _quarantine(qfile, summary, q)
            metas.append(chunk_metas)
            paths.append(path)
            if len(paths) == 1:  # the workers are forked by now: a thread may start
                warm_up()  # the schema check loads while pass 2 runs, not after it
            bar.advance(task_id, len(chunk))
        keep = _unique_ids(metas, paths, qfile, summary)
    summary.inputs += int(keep.sum()) + sum(inv.ignored.values())
    index = DuplicateIndex(shared["cfg"])
    sizes = [sum(m.rows for m in ms) for ms in metas]
    if shared.get("cache") is not None:
        reused = sum(m.reused for ms in metas for m in ms)
        summary.cache = {"records_reused": reused, "records_made": sum(sizes) - reused}
    flat = [m for ms in metas for m in ms if m.rows]
    metas.clear()
    if flat:
        index.add(*(_column(flat, f, keep) for f in ("title_h", "content_h", "keys", "sig16")))
    bounds = np.cumsum([0, *sizes])
    return index, [(p, keep[bounds[i]: bounds[i + 1]]) for i, p in enumerate(paths)]


def _column(metas: list[passes.ChunkMeta], name: str, keep: np.ndarray) -> np.ndarray:
    """One key column of all rows, without the rows whose id was taken (freed from the metas
    as it goes, so the driver never holds two copies)."""
    parts = []
    for m in metas:
        parts.append(getattr(m, name))
        setattr(m, name, None)
    col = np.concatenate(parts)
    return col if keep.all() else col[keep]


def _quarantine(qfile, summary: BuildSummary, q: Quarantined) -> None:
    summary.inputs += 1
    summary.quarantined[q.reason] += 1
    qfile.write(json.dumps({"source": q.source, "reason": q.reason, "detail": q.detail},
                           ensure_ascii=False) + "\n")


def _unique_ids(metas, paths, qfile, summary: BuildSummary) -> np.ndarray:
    """Mask of the rows whose id is not used by an earlier row; the others are quarantined."""
    ids = [m.id_h for ms in metas for m in ms]
    id_h = np.concatenate(ids) if ids else np.zeros(0, np.uint64)
    import pandas as pd  # loaded by now (the schema's); a hash table, no sort of the ids

    keep = ~pd.Series(id_h, copy=False).duplicated().to_numpy()
    if keep.all():
        return keep
    from newsprep import parts

    offset = 0
    for ms, path in zip(metas, paths, strict=True):
        n = sum(m.rows for m in ms)
        dropped = np.nonzero(~keep[offset: offset + n])[0]
        if len(dropped):
            table = parts.read(path, ["id", "source"]).take(dropped)
            for rid, source in zip(table["id"].to_pylist(), table["source"].to_pylist(),
                                   strict=True):
                _quarantine(qfile, summary, Quarantined(source, "duplicate-id",
                                                        f"id {rid!r} is already used"))
        offset += n
    return keep


__all__ = ["Cache", "build", "make_engine"]
