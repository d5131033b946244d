"""The great-expectations suite as a row unit: per-batch expectations run on compact derived
columns of every streamed batch; `scope: dataset` expectations (unique ids) run once on just the
columns they name, gathered from all shards. Failing rows are reported by `id` with their value."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from newsprep.validate import derive
from newsprep.validate.folder import Shard
from newsprep.validate.gx_suite import GxRunner, Spec, parse_suite
from newsprep.validate.registry import CheckContext, register
from newsprep.validate.results import SKIPPED, CheckResult, Failure, short

PREFIX = "expectations"


def _columns(specs: list[Spec]) -> list[str]:
    return list(dict.fromkeys(c for s in specs for c in s.columns))


@register(PREFIX, "great-expectations suite", "rows", order=2)
class Expectations:
    def __init__(self, ctx: CheckContext):
        path = ctx.contract.path
        specs = [s for s in parse_suite(ctx.contract.suite, path)
                 if ctx.contract.enabled(f"{PREFIX}.{s.code}")]
        self.results: dict[str, CheckResult] = {}
        runnable = []
        for s in specs:
            res = ctx.result(f"{PREFIX}.{s.code}", s.meta.get("notes") or s.title)
            res.stats = {"expectation": s.title, "scope": s.scope, "rows": 0, "unexpected": 0}
            self.results[s.code] = res
            missing = sorted((s.needs | {"id"}) - set(ctx.usable))
            if missing:
                res.status = SKIPPED
                res.message = (f"needs column(s) {', '.join(missing)}, missing or of the wrong "
                               "type (see structure.schema)")
            else:
                runnable.append(s)
        self.batch_specs = [s for s in runnable if s.scope == "batch"]
        self.dataset_specs = [s for s in runnable if s.scope == "dataset"]
        self.batch_cols = _columns(self.batch_specs)
        self.dataset_cols = _columns(self.dataset_specs)
        self.columns = {"id"} | {c for s in runnable for c in s.needs}
        self.batch_runner = GxRunner(self.batch_specs, "batch", path) if self.batch_specs else None
        self.dataset_runner = (GxRunner(self.dataset_specs, "dataset", path)
                               if self.dataset_specs else None)
        self.dataset_parts: list[pa.Table] = []
        # compact rows of one shard wait here until `gx_batch_rows` of them (GX costs per call)
        self.gx_rows = max(1, int(ctx.contract.get("run", "gx_batch_rows", 100_000)))
        self.pending: list[pa.Table] = []
        self.pending_shard: str | None = None

    def batch(self, batch: pa.RecordBatch, shard: Shard) -> None:
        if self.batch_runner:
            if shard.rel != self.pending_shard:
                self._flush()
            self.pending.append(derive.compact(batch, self.batch_cols))
            self.pending_shard = shard.rel
            if sum(t.num_rows for t in self.pending) >= self.gx_rows:
                self._flush()
        if self.dataset_specs:
            self.dataset_parts.append(derive.compact(batch, self.dataset_cols))

    def _flush(self) -> None:
        if self.pending:
            frame = pa.concat_tables(self.pending).to_pandas()
            for spec, r in self.batch_runner.validate(frame):
                self._record(spec, r, self.pending_shard)
        self.pending = []

    def _record(self, spec: Spec, r: Any, location: str | None) -> None:
        res = self.results[spec.code]
        result = r.result or {}
        res.stats["rows"] += int(result.get("element_count") or 0)
        exc = r.exception_info or {}
        if exc.get("raised_exception"):
            msg = str(exc.get("exception_message")).splitlines()[0]
            res.add(Failure(f"{spec.type} could not run: {msg}", location=location))
            return
        if r.success:
            return
        res.stats["unexpected"] += int(result.get("unexpected_count") or 0)
        rows = result.get("unexpected_index_list")
        if not rows:
            observed = result.get("observed_value")
            res.add(Failure(f"{spec.type} failed: observed {observed!r}", value=observed,
                            location=location))
            return
        column = spec.columns[0] if spec.columns else None
        for row in rows:
            row = dict(row)
            rid = row.pop("id", None)
            value = short(next(iter(row.values())) if len(row) == 1 else (row or rid))
            where = f" in {location}" if location else ""
            res.add(Failure(f"{spec.type} failed for id={rid!r} value={value!r}{where}",
                            row_id=rid, column=column, value=value, location=location))

    def finish(self) -> list[CheckResult]:
        if self.batch_runner:
            self._flush()
        if self.dataset_runner and self.dataset_parts:
            table = pa.concat_tables(self.dataset_parts)
            self.dataset_parts = []
            for spec, r in self.dataset_runner.validate(table.to_pandas()):
                self._record(spec, r, None)
        for res in self.results.values():
            res.finish(f"{res.stats['rows']} rows as expected")
        return list(self.results.values())
