"""The build's reconciliation, from `build.json`: every input is a record, a quarantine or an
ignored file (`records + quarantined + ignored = inputs`), and the records are the Parquet rows."""

from __future__ import annotations

from collections import Counter

from newsprep.validate.registry import CheckContext, register
from newsprep.validate.results import SKIPPED, CheckResult, Failure

CODE = "reconciliation"
TITLE = "build.json reconciles with the Parquet files"
QUARANTINE_FILE = ".newsprep/quarantine.jsonl"


def _counts(ctx: CheckContext, res: CheckResult, summary: dict) -> None:
    try:
        inputs, records = int(summary["inputs"]), int(summary["records"])
        quarantined, ignored = int(summary["quarantined"]), int(summary.get("ignored", 0))
    except (KeyError, TypeError, ValueError) as exc:
        res.add(Failure(f"build.json lacks a count: {exc}", location="build.json"))
        return
    res.stats.update(inputs=inputs, records=records, quarantined=quarantined, ignored=ignored)
    if records + quarantined + ignored != inputs:
        res.add(Failure(f"records {records} + quarantined {quarantined} + ignored {ignored} = "
                        f"{records + quarantined + ignored}, but inputs = {inputs}",
                        value=inputs, location="build.json inputs"))
    qfile = ctx.folder.root / QUARANTINE_FILE
    if qfile.is_file():
        with open(qfile, encoding="utf-8") as fh:
            lines = sum(1 for line in fh if line.strip())
        if lines != quarantined:
            res.add(Failure(f"{QUARANTINE_FILE} lists {lines} inputs, build.json says "
                            f"quarantined = {quarantined}", value=lines, location=QUARANTINE_FILE))
    if ctx.open_errors:
        res.stats["note"] = "rows not compared: some shards are unreadable (structure.shards)"
        return
    rows = sum(pf.metadata.num_rows for pf in ctx.files.values())
    res.stats["parquet_rows"] = rows
    if rows != records:
        res.add(Failure(f"build.json says records = {records}, the Parquet files hold {rows} rows",
                        value=records, location="build.json records"))


def _splits(ctx: CheckContext, res: CheckResult, summary: dict) -> None:
    if ctx.open_errors or not isinstance(summary.get("splits"), dict):
        return
    rows: Counter = Counter()
    for shard in ctx.folder.shards:
        rows[shard.split] += ctx.files[shard.rel].metadata.num_rows
    for split, n in summary["splits"].items():
        if n != rows.get(split, 0):
            res.add(Failure(f"build.json says split {split} has {n} records, its shards hold "
                            f"{rows.get(split, 0)} rows", value=n,
                            location=f"build.json splits.{split}"))


@register(CODE, TITLE, "after")
def reconciliation(ctx: CheckContext) -> list[CheckResult]:
    res = ctx.result(CODE, TITLE)
    summary = ctx.folder.summary
    if summary is None:
        if ctx.contract.get("reconciliation", "require_summary", True):
            res.add(Failure(ctx.folder.summary_error or "build.json is missing",
                            location="build.json"))
            return [res.finish()]
        res.status, res.message = SKIPPED, ctx.folder.summary_error or "no build.json"
        return [res]
    _counts(ctx, res, summary)
    _splits(ctx, res, summary)
    return [res.finish("records + quarantined + ignored = inputs; records = Parquet rows")]
