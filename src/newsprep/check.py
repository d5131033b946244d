"""`newsprep.check`: validate a built dataset folder against the data contract in `checks/`.

Structure checks run first (shards, schema, card); then one streamed pass over the Parquet rows
feeds every row unit (pandera, the great-expectations suite, thresholds) one batch at a time, so
memory stays flat; then the reconciliation with `build.json`. The result is a `CheckReport`."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa

# The unit modules register themselves in the registry when imported.
from newsprep.validate import card, expectations, reconcile, rows, structure, thresholds  # noqa: F401
from newsprep.validate.contract import Contract, load_contract
from newsprep.validate.folder import open_folder
from newsprep.validate.registry import CheckContext, RowUnit, units
from newsprep.validate.results import CheckReport, CheckResult, Failure
from newsprep.validate.structure import open_shards

__all__ = ["CheckReport", "check"]


def _progress(enabled: bool, total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from newsprep.console import err_console

    bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
                   console=err_console(), disable=not enabled, transient=True)
    return bar, bar.add_task("rows", total=total)


def _row_pass(ctx: CheckContext, row_units: list[RowUnit], progress: bool) -> CheckResult:
    """Stream every readable shard once, in batches, through all row units."""
    res = ctx.result("structure.decode", "Every row group decodes")
    wanted = set().union(*(u.columns for u in row_units)) if row_units else set()
    total = sum(pf.metadata.num_rows for pf in ctx.files.values())
    bar, task = _progress(progress, total)
    pool = pa.default_memory_pool()
    with bar:
        for shard in ctx.folder.shards:
            pf = ctx.files.get(shard.rel)
            if pf is None:
                continue
            cols = [n for n in pf.schema_arrow.names if n in wanted and n in ctx.usable]
            try:
                for batch in pf.iter_batches(batch_size=ctx.contract.batch_rows, columns=cols):
                    for unit in row_units:
                        unit.batch(batch, shard)
                    ctx.rows_read += batch.num_rows
                    bar.advance(task, batch.num_rows)
                    del batch
                    pool.release_unused()  # hand freed batch memory back: flat resident memory
            except (OSError, pa.ArrowException) as exc:
                msg = str(exc).splitlines()[0]
                res.add(Failure(f"{shard.rel}: cannot decode rows after row {ctx.rows_read}: "
                                f"{msg}", location=shard.rel))
    res.stats = {"rows_read": ctx.rows_read}
    return res.finish(f"{ctx.rows_read} rows read")


def check(dataset: str | Path, *, checks: str | Path | None = None,
          contract: Contract | None = None, progress: bool = False) -> CheckReport:
    """Check the dataset folder `dataset`; return the report (`valid`, `stats`, `errors`).

    `checks` is a folder with `contract.toml` and its expectation suite (default: the shipped
    `checks/`). Raises `UsageError` when `dataset` is not a dataset folder or the contract is
    unreadable; a dataset that fails its checks is a report with `valid == False`."""
    start = time.perf_counter()
    contract = contract or load_contract(checks)
    ctx = CheckContext(open_folder(dataset), contract)
    open_shards(ctx)
    report = CheckReport(str(ctx.folder.root),
                         html_sample_rows=int(contract.get("run", "html_sample_rows", 25)))
    for unit in units("structure"):
        if contract.enabled(unit.code):
            report.results += unit.make(ctx)
    row_units = [u.make(ctx) for u in units("rows") if contract.enabled(u.code)]
    decode = _row_pass(ctx, row_units, progress)
    if contract.enabled(decode.code):
        report.results.append(decode)
    for unit in row_units:
        report.results += unit.finish()
    for unit in units("after"):
        if contract.enabled(unit.code):
            report.results += unit.make(ctx)
    report.stats = {
        "rows": ctx.rows_read, "shards": len(ctx.folder.shards), "checks": len(report.results),
        "failed": len(report.errors), "seconds": round(time.perf_counter() - start, 3),
        "contract": contract.path,
    }
    return report
