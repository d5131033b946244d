"""The registry of check units, keyed by stable codes (`structure.schema`, `rows.schema`, ...).

Two kinds of unit: a dataset unit looks at the folder as a whole (`run(ctx) -> results`); a row
unit sees every streamed record batch once (`batch(batch, shard)`, then `finish() -> results`), so
all row units share one read of the Parquet files and memory stays flat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from newsprep.validate.contract import Contract
from newsprep.validate.folder import DatasetFolder, Shard
from newsprep.validate.results import CheckResult


@dataclass
class CheckContext:
    """What every unit may read: the folder, the contract and the opened shards."""

    folder: DatasetFolder
    contract: Contract
    files: dict[str, pq.ParquetFile] = field(default_factory=dict)  # readable shards by rel
    open_errors: dict[str, str] = field(default_factory=dict)  # unreadable shards by rel
    usable: dict[str, pa.DataType] = field(default_factory=dict)  # columns right in every shard
    rows_read: int = 0

    def result(self, code: str, title: str) -> CheckResult:
        return CheckResult(code, title, max_kept=self.contract.max_failures)


class RowUnit(Protocol):
    columns: set[str]  # record columns it reads

    def batch(self, batch: pa.RecordBatch, shard: Shard) -> None: ...

    def finish(self) -> list[CheckResult]: ...


DatasetUnit = Callable[[CheckContext], list[CheckResult]]
RowUnitFactory = Callable[[CheckContext], RowUnit]


@dataclass(frozen=True)
class Unit:
    code: str  # a prefix: the results it returns carry codes under it
    title: str
    stage: str  # "structure" (before the row pass), "rows" (in it), "after" (after it)
    make: DatasetUnit | RowUnitFactory
    order: int = 0  # position within its stage


REGISTRY: dict[str, Unit] = {}


def register(code: str, title: str, stage: str, order: int = 0):
    """Decorator: add a unit to the registry under `code` (run by `stage`, then `order`)."""
    if stage not in ("structure", "rows", "after"):
        raise ValueError(stage)

    def deco(fn):
        if code in REGISTRY:
            raise ValueError(f"check unit {code!r} registered twice")
        REGISTRY[code] = Unit(code, title, stage, fn, order)
        return fn

    return deco


def units(stage: str) -> list[Unit]:
    return sorted((u for u in REGISTRY.values() if u.stage == stage), key=lambda u: u.order)
