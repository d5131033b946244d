"""Dataset-level thresholds, computed with pyarrow.compute while the rows stream by: at least
`min_records` rows, and at most `max_flag_share` of the articles carrying each flag."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from newsprep.flags import FLAGS
from newsprep.validate.folder import Shard
from newsprep.validate.registry import CheckContext, register
from newsprep.validate.results import FAILED, SKIPPED, WARNING, CheckResult, Failure

PREFIX = "thresholds"


@register(PREFIX, "Dataset-level thresholds", "rows", order=3)
class Thresholds:
    def __init__(self, ctx: CheckContext):
        section = ctx.contract.section("thresholds")
        self.ctx = ctx
        self.where = f"{ctx.contract.path} [thresholds]"
        self.min_records = int(section.get("min_records", 0))
        self.share_min_rows = int(section.get("share_min_rows", 0))
        self.max_share = {str(k): float(v) for k, v in section.get("max_flag_share", {}).items()}
        self.columns = {"flags"} if "flags" in ctx.usable else set()
        self.rows = 0
        self.flag_rows: Counter = Counter()

    def batch(self, batch: pa.RecordBatch, shard: Shard) -> None:
        self.rows += batch.num_rows
        if not self.columns:
            return
        flags = batch.column("flags")
        # one count per article even if a flag were listed twice in a row
        pairs = pa.table({"row": pc.list_parent_indices(flags), "flag": pc.list_flatten(flags)})
        uniq = pairs.group_by(["row", "flag"]).aggregate([])
        for item in pc.value_counts(uniq.column("flag")).to_pylist():
            self.flag_rows[item["values"]] += item["counts"]

    def _records(self) -> CheckResult:
        res = self.ctx.result(f"{PREFIX}.min-records", f"At least {self.min_records} rows")
        res.stats = {"rows": self.rows, "min_records": self.min_records}
        if self.rows < self.min_records:
            res.add(Failure(f"the dataset has {self.rows} rows, fewer than min_records = "
                            f"{self.min_records}", value=self.rows, location=self.where))
        return res.finish(f"{self.rows} rows")

    def _share(self, code: str, limit: float) -> CheckResult:
        res = self.ctx.result(f"{PREFIX}.max-share.{code}",
                              f"At most {limit:.1%} of articles flagged {code}")
        if code not in FLAGS:
            res.add(Failure(f"max_flag_share names an unknown flag {code!r}", value=code,
                            location=self.where))
            return res.finish()
        if not self.columns:
            res.status, res.message = SKIPPED, "the flags column is missing or of the wrong type"
            return res
        n = self.flag_rows.get(code, 0)
        share = n / self.rows if self.rows else 0.0
        res.stats = {"flagged": n, "rows": self.rows, "share": round(share, 6), "max": limit}
        if share > limit:
            small = self.rows < self.share_min_rows
            note = f" (not enforced below share_min_rows = {self.share_min_rows})" if small else ""
            res.add(Failure(f"{n} of {self.rows} articles ({share:.1%}) are flagged {code}, "
                            f"more than max_flag_share = {limit:.1%}{note}", column="flags",
                            value=round(share, 6), location=self.where),
                    status=WARNING if small else FAILED)
        return res.finish(f"{n} of {self.rows} articles ({share:.1%}) flagged {code}")

    def finish(self) -> list[CheckResult]:
        out = [self._records()]
        out += [self._share(code, limit) for code, limit in self.max_share.items()]
        return [r for r in out if self.ctx.contract.enabled(r.code)]
