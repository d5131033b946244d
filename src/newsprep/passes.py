"""The two passes of a build over one chunk of input tasks; what runs inside a worker.

Pass 1 reads every article of the chunk and returns its corpus statistics. Pass 2 reads them
again, makes the records against the frozen corpus statistics and yields them as Arrow tables
of bounded size, each with the compact duplicate keys of its rows (`ChunkMeta`). Both are pure
functions of the chunk and of `shared` (root, config, statistics), so any engine may run them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from newsprep.config import Config
from newsprep.corpus import CorpusStats
from newsprep.dedup import content_key, near_keys, scheme_of
from newsprep.ingest import Quarantined, RawArticle, Task, read
from newsprep.ranges import JsonlRange, read_range
from newsprep.record import make_record, page_of
from newsprep.schema import SCHEMA
from newsprep.spill import SpillWriter, replay
from newsprep.textnorm import hash64, title_key

BATCH_ROWS = 2_000


@dataclass
class ChunkMeta:
    """What the driver needs of a batch of records besides the records themselves."""

    quarantined: list[Quarantined] = field(default_factory=list)
    id_h: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    title_h: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    content_h: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.uint64))
    keys: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint64))
    sig16: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint16))

    @property
    def rows(self) -> int:
        return len(self.id_h)


def articles(shared: dict[str, Any], task: Task | JsonlRange) -> Iterator[RawArticle | Quarantined]:
    root, max_bytes = Path(shared["root"]), shared["max_bytes"]
    if isinstance(task, JsonlRange):
        return read_range(root, task, max_bytes)
    return read(root, task, max_bytes)


def pass1(shared: dict[str, Any], chunk: list, spill: Path | None = None) -> CorpusStats:
    """The corpus statistics of the articles of `chunk`; what is read is kept in `spill`."""
    cache = shared.get("cache")
    writer = SpillWriter(spill) if spill is not None else None
    stats = CorpusStats()
    for i, task in enumerate(chunk):
        if cache is None:
            _add_pages(stats, _read(shared, task, i, writer))
            continue
        key = cache.key(shared["root"], task)
        part = cache.get_stats(key)
        if part is None:
            part = CorpusStats()
            _add_pages(part, _read(shared, task, i, writer))
            cache.put_stats(key, part)
        stats.merge(part)
    if cache is not None:
        cache.flush()
    if writer is not None:
        writer.close()
    return stats


def pass1_spill(shared: dict[str, Any], job: tuple[list, Path]) -> CorpusStats:
    """`pass1` for a (chunk, spill file) job."""
    return pass1(shared, *job)


def _read(shared: dict[str, Any], task, index: int, writer: SpillWriter | None):
    items = articles(shared, task)
    return writer.items(index, items) if writer is not None else items


def _add_pages(stats: CorpusStats, items) -> None:
    for item in items:
        if isinstance(item, RawArticle):
            page = page_of(item)
            if page.title:
                stats.add(page)


def pass2(shared: dict[str, Any], chunk: list,
          spill: Path | None = None) -> Iterator[tuple[pa.Table, ChunkMeta]]:
    """The records of `chunk` in tables of at most BATCH_ROWS rows, with their keys."""
    cfg: Config = shared["cfg"]
    rows: list[dict] = []
    quarantined: list[Quarantined] = []
    for item in replay(spill, chunk, lambda task: articles(shared, task)):
        if isinstance(item, RawArticle):
            item = make_record(item, shared["stats"], cfg)
        if isinstance(item, Quarantined):
            quarantined.append(item)
        else:
            rows.append(item)
        if len(rows) >= BATCH_ROWS:
            yield _batch(rows, quarantined, cfg)
            rows, quarantined = [], []
    if rows or quarantined:
        yield _batch(rows, quarantined, cfg)


def _batch(rows: list[dict], quarantined: list[Quarantined], cfg: Config):
    table = pa.Table.from_pydict({name: [r[name] for r in rows] for name in SCHEMA.names},
                                 schema=SCHEMA)
    keys, sig16 = near_keys([r["text"] for r in rows], scheme_of(cfg))
    meta = ChunkMeta(
        quarantined=quarantined,
        id_h=np.fromiter((hash64(r["id"]) for r in rows), np.uint64, len(rows)),
        title_h=np.fromiter((hash64(title_key(r["title"])) for r in rows), np.uint64, len(rows)),
        content_h=np.array([content_key(r["content_hash"]) for r in rows],
                           dtype=np.uint64).reshape(len(rows), 2),
        keys=keys, sig16=sig16)
    return table, meta


def pass2_collect(shared: dict[str, Any], chunk: list) -> list[tuple[pa.Table, ChunkMeta]]:
    """Pass 2 of `chunk` as a list (for engines that ship results back to the driver)."""
    return list(pass2(shared, chunk))


def pass2_to_file(shared: dict[str, Any], chunk: list, path: Path,
                  spill: Path | None = None) -> list[ChunkMeta]:
    """Pass 2 of `chunk` streamed into the Parquet file `path`; the metas come back."""
    import pyarrow.parquet as pq

    metas = []
    with pq.ParquetWriter(path, SCHEMA, compression="lz4") as writer:
        for table, meta in pass2(shared, chunk, spill):
            if table.num_rows:
                writer.write_table(table)
            metas.append(meta)
    return metas


def pass2_part(shared: dict[str, Any], job: tuple[list, Path, Path | None]) -> list[ChunkMeta]:
    """`pass2_to_file` for a (chunk, part file, spill file) job."""
    return pass2_to_file(shared, *job)
