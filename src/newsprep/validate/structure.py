"""Structure checks: shards readable and complete, the Parquet schema against the record contract
(`newsprep.schema.SCHEMA`), and the card's features and split sizes against the Parquet files."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pyarrow.parquet as pq

from newsprep.errors import UsageError
from newsprep.schema import CONTRACT_COLUMNS, SCHEMA
from newsprep.validate.registry import CheckContext, register
from newsprep.validate.results import WARNING, CheckResult, Failure


def open_shards(ctx: CheckContext) -> None:
    """Open every shard's footer; unreadable ones (truncated, not Parquet) go to `open_errors`.

    A shard that cannot be read at all (permissions, not a file) is an I/O error: `UsageError`."""
    for shard in ctx.folder.shards:
        where = ctx.folder.root / shard.rel
        try:
            ctx.files[shard.rel] = pq.ParquetFile(shard.path)
        except (PermissionError, IsADirectoryError, FileNotFoundError) as exc:
            raise UsageError(f"{where}: cannot read: {exc}") from None
        except (OSError, pa.ArrowException) as exc:
            if shard.path.is_dir():
                raise UsageError(f"{where}: is a folder, not a file") from None
            ctx.open_errors[shard.rel] = str(exc).splitlines()[0]
    ctx.usable = usable_columns(ctx)


def usable_columns(ctx: CheckContext) -> dict[str, pa.DataType]:
    """Contract columns present with the expected type in every readable shard."""
    out = {}
    schemas = [pf.schema_arrow for pf in ctx.files.values()]
    for f in SCHEMA:
        if schemas and all(f.name in s.names and s.field(f.name).type == f.type for s in schemas):
            out[f.name] = f.type
    return out


@register("structure.shards", "Shards readable and complete", "structure", order=1)
def shards(ctx: CheckContext) -> list[CheckResult]:
    res = ctx.result("structure.shards", "Shards readable and complete")
    if not ctx.folder.shards:
        res.add(Failure("no Parquet shards in data/", location="data/"))
    for rel, err in ctx.open_errors.items():
        res.add(Failure(f"{rel}: unreadable Parquet file (truncated or corrupt): {err}",
                        location=rel))
    groups = defaultdict(list)
    for s in ctx.folder.shards:
        if s.index is None:
            res.add(Failure(f"{s.rel}: not named SPLIT-NNNNN-of-NNNNN.parquet", location=s.rel))
        else:
            groups[s.split].append(s)
    for split, group in groups.items():
        totals = {s.total for s in group}
        if len(totals) > 1:
            res.add(Failure(f"split {split}: shards disagree on their count {sorted(totals)}",
                            location=f"data/{split}-*"))
            continue
        total = totals.pop()
        missing = sorted(set(range(total)) - {s.index for s in group})
        for i in missing:
            rel = f"data/{split}-{i:05d}-of-{total:05d}.parquet"
            res.add(Failure(f"{rel}: shard missing (split {split} has {total} shards)",
                            location=rel))
    _manifest(ctx, res)
    res.stats = {"shards": len(ctx.folder.shards), "unreadable": len(ctx.open_errors),
                 "rows": sum(pf.metadata.num_rows for pf in ctx.files.values())}
    return [res.finish(f"{len(ctx.files)} shards, {res.stats['rows']} rows")]


def _manifest(ctx: CheckContext, res: CheckResult) -> None:
    """The data files build.json lists (newsprep >= 0.1) must all be there, at their size."""
    listed = (ctx.folder.summary or {}).get("files") or {}
    present = {s.rel for s in ctx.folder.shards}
    for rel, size in sorted(listed.items()):
        path = ctx.folder.root / rel
        if rel not in present:
            res.add(Failure(f"{rel}: shard missing (listed in build.json)", location=rel))
        elif path.stat().st_size != size:
            res.add(Failure(f"{rel}: {path.stat().st_size} bytes, build.json says {size}",
                            location=rel, value=path.stat().st_size))
    for rel in sorted(present - set(listed)) if listed else []:
        res.add(Failure(f"{rel}: not written by the build (not in build.json)", location=rel))


def _sample(pf: pq.ParquetFile, column: str):
    """The id and value of the first row of `column`, for a message about its type."""
    if pf.metadata.num_rows == 0 or pf.metadata.num_row_groups == 0:
        return None, None
    names = [c for c in ("id", column) if c in pf.schema_arrow.names]
    row = pf.read_row_group(0, columns=names).slice(0, 1).to_pylist()[0]
    return (row.get("id") if column != "id" else None), row.get(column)


@register("structure.schema", "Parquet schema matches the record contract", "structure",
          order=2)
def schema(ctx: CheckContext) -> list[CheckResult]:
    res = ctx.result("structure.schema", "Parquet schema matches the record contract")
    allow_missing = ctx.contract.get("structure", "allow_missing_optional", True)
    allow_extra = ctx.contract.get("structure", "allow_extra_columns", True)
    version = (ctx.folder.summary or {}).get("newsprep_version", "an unknown version")
    seen: set[tuple] = set()
    for rel, pf in ctx.files.items():
        actual = pf.schema_arrow
        for f in SCHEMA:
            if f.name not in actual.names:
                key = ("missing", f.name)
                if key in seen:
                    continue
                seen.add(key)
                if f.name in CONTRACT_COLUMNS or not allow_missing:
                    res.add(Failure(f"column {f.name} ({f.type}) is missing from {rel}",
                                    column=f.name, location=rel))
                else:
                    res.add(Failure(f"optional column {f.name} ({f.type}) is missing from {rel}: "
                                    f"built by newsprep {version}, which did not write it",
                                    column=f.name, location=rel), status=WARNING)
            elif actual.field(f.name).type != f.type and ("type", f.name) not in seen:
                seen.add(("type", f.name))
                rid, value = _sample(pf, f.name)
                res.add(Failure(f"column {f.name} has type {actual.field(f.name).type} in {rel}, "
                                f"expected {f.type}", row_id=rid, column=f.name, value=value,
                                location=rel))
        for name in actual.names:
            if name not in SCHEMA.names and ("extra", name) not in seen:
                seen.add(("extra", name))
                res.add(Failure(f"column {name} ({actual.field(name).type}) in {rel} is not in "
                                "the record contract", column=name, location=rel),
                        status=WARNING if allow_extra else "failed")
    res.stats = {"columns_expected": len(SCHEMA), "columns_usable": len(ctx.usable)}
    return [res.finish(f"all {len(ctx.files)} shards have the {len(SCHEMA)} contract columns")]


def parquet_features(schema: pa.Schema) -> list[dict]:
    """`dataset_info.features` as the card would state them for this Parquet schema."""
    import datasets

    features = datasets.Features.from_arrow_schema(schema.remove_metadata())
    return datasets.DatasetInfo(features=features)._to_yaml_dict()["features"]
