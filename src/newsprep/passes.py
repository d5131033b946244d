"""The two passes of a build over one chunk of input tasks; what runs inside a worker.

Pass 1 reads every article of the chunk and returns its corpus statistics. Pass 2 reads them
again, makes the records against the frozen corpus statistics and yields them as Arrow tables
of bounded size, each with the compact duplicate keys of its rows (`ChunkMeta`). Both are pure
functions of the chunk and of `shared` (root, config, statistics), so any engine may run them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import xxhash

from newsprep.config import Config
from newsprep.corpus import CorpusStats
from newsprep.dedup import batch_keys, content_key, near_keys, scheme_of
from newsprep.ingest import Quarantined, RawArticle, Task, input_path, read
from newsprep.probes import Log, Recorder
from newsprep.ranges import JsonlRange, count_lines, read_range, renumbered
from newsprep.record import make_record, page_of
from newsprep.recordcache import Checker, Entry, Keys
from newsprep.schema import SCHEMA
from newsprep.spill import SpillReader, SpillWriter
from newsprep.textnorm import hash64, line_hash

BATCH_ROWS = 2_000
GROUP_TASKS = 16  # inputs of a content-defined group of cached statistics, on average


@dataclass
class ChunkMeta:
    """What the driver needs of a batch of records besides the records themselves."""

    quarantined: list[Quarantined] = field(default_factory=list)
    id_h: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    title_h: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    content_h: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.uint64))
    keys: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint64))
    sig16: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint16))
    reused: int = 0  # rows taken whole from the incremental cache

    @property
    def rows(self) -> int:
        return len(self.id_h)


def articles(shared: dict[str, Any], task: Task | JsonlRange) -> Iterator[RawArticle | Quarantined]:
    root, max_bytes = root_of(shared), shared["max_bytes"]
    if isinstance(task, JsonlRange):
        return read_range(root, task, max_bytes)
    return read(root, task, max_bytes)


def root_of(shared: dict[str, Any]) -> Path:
    """The input root of `shared` as a Path: the one given if it is one (a Path made afresh
    for every input cost pass 1 about 1.7 us an article)."""
    root = shared["root"]
    return root if isinstance(root, Path) else Path(root)


@dataclass
class Scan:
    """What pass 1 gives of a chunk: the corpus statistics of its articles and, per task, the
    count of lines of a JSON Lines range (None for a whole file), from which the driver numbers
    the ranges (`ranges.numbered`)."""

    stats: CorpusStats
    lines: list[int | None]


def pass1(shared: dict[str, Any], chunk: list, spill: Path | None = None) -> Scan:
    """The corpus statistics of the articles of `chunk`; what is read is kept in `spill`
    (the items of a range numbered from the range's start). With a cache, an input whose bytes
    it knows is neither read nor parsed (a range's lines are only counted)."""
    cache = shared.get("cache")
    writer = SpillWriter(spill) if spill is not None else None
    stats = CorpusStats()
    lines: list[int | None] = [None] * len(chunk)
    if cache is None:
        for i, task in enumerate(chunk):
            _add_pages(stats, _read(shared, task, i, writer, lines))
    else:
        _cached_pass1(shared, cache, chunk, writer, stats, lines)
        cache.flush()
    if writer is not None:
        writer.close()
    for i, task in enumerate(chunk):
        if isinstance(task, JsonlRange) and lines[i] is None:  # not read: taken from the cache
            lines[i] = count_lines(input_path(shared["root"], task), task)
    return Scan(stats, lines)


def _cached_pass1(shared: dict[str, Any], cache, chunk: list, writer: SpillWriter | None,
                  stats: CorpusStats, lines: list[int | None]) -> None:
    """Pass 1 through the cache. Inputs are cut into groups at content-defined points (a key
    whose first byte is a multiple of GROUP_TASKS), so adding, changing or removing an input
    changes only its own group. An unchanged group's statistics come merged, in one piece; a
    changed group's are made again from its inputs' parsed pages, which the cache keeps: only
    the inputs it does not know are read and parsed."""
    keys = cache.keys(shared["root"], chunk)
    if writer is not None:
        writer.keys(keys)
    groups = _content_groups(keys)
    gkeys = [None if keys[g[0]] is None else _group_key(keys, g) for g in groups]
    fetched = cache.fetch("stats", gkeys)
    parts = [cache.load("stats", k, fetched) for k in gkeys]
    fetched = cache.fetch("pages", [keys[i] for g, gkey, part in zip(
        groups, gkeys, parts, strict=True) if gkey is not None and part is None for i in g])
    for group, gkey, part in zip(groups, gkeys, parts, strict=True):
        if gkey is None:  # an input that cannot be read: it will be quarantined
            _add_pages(stats, _read(shared, chunk[group[0]], group[0], writer, lines))
            continue
        if not isinstance(part, CorpusStats):
            part = CorpusStats()
            for i in group:
                pages = cache.load_pages(keys[i], fetched)
                if pages is None:
                    pages = list(_pages(_read(shared, chunk[i], i, writer, lines)))
                    cache.put_pages(keys[i], pages)
                for page in pages:
                    part.add(page)
            cache.put_stats(gkey, part)
        stats.merge(part)


def _content_groups(keys: list[bytes | None]) -> list[list[int]]:
    groups: list[list[int]] = []
    group: list[int] = []
    for i, key in enumerate(keys):
        if key is None:
            groups += [group, [i]] if group else [[i]]
            group = []
            continue
        group.append(i)
        if key[0] % GROUP_TASKS == 0:
            groups.append(group)
            group = []
    return groups + [group] if group else groups


def _group_key(keys: list[bytes | None], group: list[int]) -> bytes:
    return xxhash.xxh3_128(b"group\x00" + b"".join(keys[i] for i in group)).digest()


def pass1_spill(shared: dict[str, Any], job: tuple[list, Path]) -> Scan:
    """`pass1` for a (chunk, spill file) job."""
    return pass1(shared, *job)


def _read(shared: dict[str, Any], task, index: int, writer: SpillWriter | None,
          lines: list[int | None]) -> Iterator[RawArticle | Quarantined]:
    """The items of task `index` of a chunk, spilled to `writer` if any. A range is read with
    its lines numbered from its start (its place in the file is not known yet); once read, its
    count of lines is `lines[index]`."""
    counted: list[int] = []
    if isinstance(task, JsonlRange):
        task = replace(task, line0=0)
        items = read_range(root_of(shared), task, shared["max_bytes"], counted)
    else:
        items = articles(shared, task)
    yield from writer.items(index, items) if writer is not None else items
    if counted:
        lines[index] = counted[0]


def _held(spilled: SpillReader, index: int, task) -> Iterator | None:
    """The items pass 1 spilled of task `index`, a range's named by their lines in the file."""
    held = spilled.take(index)
    if held is not None and isinstance(task, JsonlRange):
        return renumbered(held, task)
    return held


def _add_pages(stats: CorpusStats, items) -> None:
    for page in _pages(items):
        stats.add(page)


def _pages(items) -> Iterator:
    """The pages of the articles among `items` that have a title."""
    for item in items:
        if isinstance(item, RawArticle):
            page = page_of(item)
            if page.title:
                yield page


def pass2(shared: dict[str, Any], chunk: list,
          spill: Path | None = None) -> Iterator[tuple[pa.Table, ChunkMeta]]:
    """The records of `chunk` in tables of at most BATCH_ROWS rows, with their keys. With a
    cache, the records of an unchanged input are reused wherever their probes still hold."""
    cache = shared.get("cache")
    out = _Batches(shared["cfg"], cache)
    spilled = SpillReader(spill)
    make = _Maker(shared)
    if cache is None:
        for i, task in enumerate(chunk):
            held = _held(spilled, i, task)
            for item in held if held is not None else articles(shared, task):
                if out.add(make.item(item)):
                    yield from out.flush()
    else:
        keys = spilled.keys or cache.keys(shared["root"], chunk)
        rkeys = [None if k is None else cache.records_key(t, k)
                 for t, k in zip(chunk, keys, strict=True)]
        fetched = cache.fetch("records", rkeys)
        for i, task in enumerate(chunk):
            old = Entry.unpack(cache.load("records", rkeys[i], fetched))
            if old is not None and make.check.all_hold(old):
                for item, keys in zip(old.items, old.keys, strict=True):
                    if out.add(item, keys):
                        yield from out.flush()
                continue
            held = _held(spilled, i, task)
            yield from _remake(held if held is not None else articles(shared, task), old,
                               make, out, rkeys[i])
    spilled.close()
    yield from out.flush()
    if cache is not None:
        cache.flush()


def _remake(items, old: Entry | None, make: _Maker, out: _Batches, key: bytes | None):
    """The items of one input, reusing those of `old` whose probes still hold; the new entry
    goes to the cache (under `key`) once its rows are keyed."""
    new = Entry()
    for j, item in enumerate(items):
        reuse = (old is not None and j < len(old.items) and isinstance(item, RawArticle)
                 and make.check.holds(old.logs[j]))
        if reuse:
            record, log, keys = old.items[j], old.logs[j], old.keys[j]
        else:
            record, log, keys = make.recorded(item)
        if out.add(record, keys, new, new.append(record, log, keys)):
            yield from out.flush()
    if key is not None:
        out.store(key, new)


class _Maker:
    """Makes the items of pass 2: records (with their probe logs) and quarantines."""

    def __init__(self, shared: dict[str, Any]):
        self.cfg: Config = shared["cfg"]
        self.stats: CorpusStats = shared["stats"]
        self.check = Checker(self.stats, shared.setdefault("probe_answers", {}))

    def item(self, item: RawArticle | Quarantined) -> dict | Quarantined:
        if isinstance(item, RawArticle):
            return make_record(item, self.stats, self.cfg)
        return item

    def recorded(self, item: RawArticle | Quarantined) -> tuple[Any, Log, Keys | None]:
        if not isinstance(item, RawArticle):
            return item, [], None
        rec = Recorder(self.stats)
        return make_record(item, rec, self.cfg), rec.log, None


class _Batches:
    """Rows and quarantines cut into batches of BATCH_ROWS rows, each keyed for the duplicate
    index: keys given (from the cache) or computed at the batch's end, then written back to the
    entries of the inputs made here, which go to the cache once all their keys are known."""

    def __init__(self, cfg: Config, cache):
        self.cfg, self.cache = cfg, cache
        self.rows: list[dict] = []
        self.keys: list[Keys | None] = []
        self.quarantined: list[Quarantined] = []
        self.slots: dict[int, tuple[Entry, int]] = {}  # row -> (entry, item) awaiting keys
        self.waiting: list[tuple[bytes, Entry]] = []
        self.reused = 0  # rows of the batch reused from the cache (they come with their keys)

    def add(self, item, keys: Keys | None = None, entry: Entry | None = None,
            slot: int = 0) -> bool:
        """Take a row or a quarantine; whether the batch is now full (then `flush` it). A
        plain call, not a generator: one generator an article cost more than the batching."""
        if isinstance(item, Quarantined):
            self.quarantined.append(item)
            return False
        if keys is None and entry is not None:
            self.slots[len(self.rows)] = (entry, slot)
        self.reused += keys is not None
        self.rows.append(item)
        self.keys.append(keys)
        return len(self.rows) >= BATCH_ROWS

    def store(self, key: bytes, entry: Entry) -> None:
        """Cache `entry` now if its rows are keyed, else once its batch is."""
        if entry.complete:
            self.cache.put_records(key, entry.pack())
        else:
            self.waiting.append((key, entry))

    def flush(self) -> Iterator[tuple[pa.Table, ChunkMeta]]:
        if not (self.rows or self.quarantined):
            return
        # without a cache no row's keys are kept: all computed as arrays at once
        batch = _batch(self.rows, self.quarantined, self.cfg,
                       self.keys if self.cache is not None else None)
        batch[1].reused = self.reused
        for row, (entry, slot) in self.slots.items():
            entry.keys[slot] = self.keys[row]
        self.rows, self.keys, self.quarantined, self.slots = [], [], [], {}
        self.reused = 0
        waiting, self.waiting = self.waiting, []
        for key, entry in waiting:
            self.store(key, entry)
        yield batch


def _batch(rows: list[dict], quarantined: list[Quarantined], cfg: Config,
           keys: list[Keys | None] | None = None) -> tuple[pa.Table, ChunkMeta]:
    """The table of `rows` and its meta; `keys` (filled in here where None) are the rows'
    duplicate keys where already known."""
    n = len(rows)
    table = pa.Table.from_pydict({name: [r[name] for r in rows] for name in SCHEMA.names},
                                 schema=SCHEMA)
    if keys is None:  # none known (no cache): all as arrays at once, no per-row tuples
        return table, ChunkMeta(quarantined, *batch_keys(rows, scheme_of(cfg)))
    todo = [i for i, k in enumerate(keys) if k is None]
    near, sig16 = near_keys([rows[i]["text"] for i in todo], scheme_of(cfg))
    for j, i in enumerate(todo):
        r = rows[i]
        keys[i] = (hash64(r["id"]), line_hash(r["title"]),
                   *content_key(r["content_hash"]), near[j].tobytes(), sig16[j].tobytes())
    meta = ChunkMeta(
        quarantined=quarantined,
        id_h=np.fromiter((k[0] for k in keys), np.uint64, n),
        title_h=np.fromiter((k[1] for k in keys), np.uint64, n),
        content_h=np.array([k[2:4] for k in keys], dtype=np.uint64).reshape(n, 2),
        keys=np.frombuffer(b"".join(k[4] for k in keys), np.uint64).reshape(n, near.shape[1]),
        sig16=np.frombuffer(b"".join(k[5] for k in keys), np.uint16).reshape(
            n, sig16.shape[1]))
    return table, meta


def pass2_collect(shared: dict[str, Any], chunk: list) -> list[tuple[pa.Table, ChunkMeta]]:
    """Pass 2 of `chunk` as a list (for engines that ship results back to the driver)."""
    return list(pass2(shared, chunk))


def pass2_to_file(shared: dict[str, Any], chunk: list, path: Path,
                  spill: Path | None = None) -> list[ChunkMeta]:
    """Pass 2 of `chunk` streamed into the part file `path` (`parts`); the metas come back."""
    from newsprep.parts import PartWriter

    metas = []
    with PartWriter(path) as writer:
        for table, meta in pass2(shared, chunk, spill):
            writer.write(table)
            metas.append(meta)
    return metas


def pass2_part(shared: dict[str, Any], job: tuple[list, Path, Path | None]) -> list[ChunkMeta]:
    """`pass2_to_file` for a (chunk, part file, spill file) job."""
    return pass2_to_file(shared, *job)
