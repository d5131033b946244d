"""The card check: the dataset card's `dataset_info.features`, split sizes and `configs`
data files against the Parquet shards they describe."""

from __future__ import annotations

import fnmatch
from collections import Counter

from newsprep.validate.registry import CheckContext, register
from newsprep.validate.results import CheckResult, Failure
from newsprep.validate.structure import parquet_features

CODE = "structure.card"
TITLE = "Card features and split sizes match the Parquet"
WHERE = "README.md dataset_info"


def _features(ctx: CheckContext, res: CheckResult, info: dict) -> None:
    if not ctx.files:
        return
    rel, pf = next(iter(ctx.files.items()))
    actual = {f["name"]: {k: v for k, v in f.items() if k != "name"}
              for f in parquet_features(pf.schema_arrow)}
    stated = {f.get("name"): {k: v for k, v in f.items() if k != "name"}
              for f in info.get("features") or [] if isinstance(f, dict)}
    where = f"{WHERE}.features"
    for name, feat in stated.items():
        if name not in actual:
            res.add(Failure(f"card feature {name} is not a column of {rel}", column=name,
                            value=feat, location=where))
        elif feat != actual[name]:
            res.add(Failure(f"card says {name} is {feat}, {rel} has {actual[name]}",
                            column=name, value=feat, location=where))
    for name, feat in actual.items():
        if name not in stated:
            res.add(Failure(f"column {name} ({feat}) of {rel} is missing from the card's features",
                            column=name, value=feat, location=where))


def _splits(ctx: CheckContext, res: CheckResult, info: dict) -> None:
    rows: Counter = Counter()
    broken = set()
    for shard in ctx.folder.shards:
        if shard.rel in ctx.files:
            rows[shard.split] += ctx.files[shard.rel].metadata.num_rows
        else:
            broken.add(shard.split)
    stated = {s.get("name"): s.get("num_examples") for s in info.get("splits") or []
              if isinstance(s, dict)}
    for split in sorted(set(stated) | set(ctx.folder.splits())):
        if split in broken:
            continue  # its unreadable shard is reported by structure.shards
        if split not in stated:
            res.add(Failure(f"split {split} has {rows[split]} rows in data/ but is not in the card",
                            value=rows[split], location=f"{WHERE}.splits"))
        elif stated[split] != rows[split]:
            res.add(Failure(f"card says split {split} has {stated[split]} examples, its shards "
                            f"hold {rows[split]} rows", value=stated[split],
                            location=f"{WHERE}.splits[{split}].num_examples"))


def _data_files(ctx: CheckContext, res: CheckResult, card: dict) -> None:
    rels = [s.rel for s in ctx.folder.shards]
    for config in card.get("configs") or []:
        for entry in config.get("data_files") or []:
            path = entry.get("path") if isinstance(entry, dict) else entry
            for pattern in [path] if isinstance(path, str) else path or []:
                if not fnmatch.filter(rels, pattern):
                    res.add(Failure(f"card data_files pattern {pattern!r} matches no shard",
                                    value=pattern, location="README.md configs"))


@register(CODE, TITLE, "structure", order=3)
def card(ctx: CheckContext) -> list[CheckResult]:
    res = ctx.result(CODE, TITLE)
    if ctx.folder.card_error:
        res.add(Failure(ctx.folder.card_error, location="README.md"))
        return [res.finish()]
    info = ctx.folder.card.get("dataset_info")
    if not isinstance(info, dict):
        res.add(Failure("the card has no dataset_info mapping", location="README.md"))
        return [res.finish()]
    _features(ctx, res, info)
    _splits(ctx, res, info)
    _data_files(ctx, res, ctx.folder.card)
    return [res.finish("features, split sizes and data files agree with the Parquet")]
