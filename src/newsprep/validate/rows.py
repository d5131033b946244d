"""Every row against the pandera schema of the record (`newsprep.schema.pandera_schema`), one
streamed batch at a time, every failure collected (`lazy=True`) with its row id and value."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from newsprep.schema import SCHEMA, pandera_schema
from newsprep.validate.folder import Shard
from newsprep.validate.registry import CheckContext, register
from newsprep.validate.results import Failure, short

CODE = "rows.schema"
TITLE = "Every row passes the pandera schema"


@register(CODE, TITLE, "rows", order=1)
class PanderaRows:
    def __init__(self, ctx: CheckContext):
        self.result = ctx.result(CODE, TITLE)
        self.columns = set(ctx.usable)
        left_out = [n for n in SCHEMA.names if n not in self.columns]
        self.schema = pandera_schema().remove_columns(left_out) if left_out else pandera_schema()
        self.rows = 0
        if left_out:
            self.result.stats["columns_not_validated"] = left_out

    def batch(self, batch: pa.RecordBatch, shard: Shard) -> None:
        names = [n for n in SCHEMA.names if n in self.columns]
        frame = batch.select(names).to_pandas(types_mapper=pd.ArrowDtype)
        self.rows += len(frame)
        try:
            self.schema.validate(frame, lazy=True)
        except Exception as exc:  # pandera.errors.SchemaErrors
            cases = getattr(exc, "failure_cases", None)
            if cases is None:
                raise
            self._collect(cases, frame, shard)

    def _collect(self, cases: pd.DataFrame, frame: pd.DataFrame, shard: Shard) -> None:
        ids = frame.get("id")
        for case in cases.itertuples(index=False):
            idx = case.index
            known = idx is not None and idx == idx and ids is not None
            rid = ids.iloc[int(idx)] if known else None
            column = case.column if isinstance(case.column, str) else None
            value = short(case.failure_case)
            self.result.add(Failure(
                f"{column or 'dataframe'}: pandera check {case.check} failed for "
                f"id={rid!r} value={value!r} in {shard.rel}",
                row_id=rid, column=column, value=value, location=shard.rel))

    def finish(self):
        self.result.stats["rows"] = self.rows
        return [self.result.finish(f"{self.rows} rows valid")]
