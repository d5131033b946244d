"""Small corpora and dataset folders for the card, Croissant and publishing tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

import newsprep

from .conftest import write_raw

TOPICS = [
    "harbour",
    "orchard",
    "railway",
    "library",
    "market",
    "theatre",
    "bridge",
    "school",
    "museum",
    "stadium",
    "river",
    "hospital",
]


def article(topic: str, n: int = 3, extra: str = "") -> str:
    """A plain article about `topic`: title, title repeat, body paragraphs."""
    title = f"Council approves new {topic} plan"
    body = [
        f"The {topic} plan number {i} was discussed at length by residents of the town, "
        f"who said the {topic} needed work after years of neglect and rising costs. {extra}"
        for i in range(n)
    ]
    return "\n\n".join([title, title, *body])


def corpus(folder: Path, topics: list[str] = TOPICS, edits: dict[str, str] | None = None) -> Path:
    """One .txt article per topic; `edits` maps a topic to extra body text."""
    files = {f"{t}.txt": article(t, extra=(edits or {}).get(t, "")) for t in topics}
    return write_raw(folder, files)


def build(tmp_path: Path, name: str, **kw) -> Path:
    raw = corpus(tmp_path / f"raw-{name}", **kw)
    out = tmp_path / name
    newsprep.build(raw, out, workers=1)
    return out


def rows_by_id(folder: Path) -> dict[str, dict]:
    rows = {}
    for shard in sorted((folder / "data").glob("*.parquet")):
        for row in pq.read_table(shard).to_pylist():
            rows[row["id"]] = row
    return rows


def drop_column(src: Path, dst: Path, column: str) -> Path:
    """A copy of a dataset folder whose shards lack `column` (an older schema)."""
    shutil.copytree(src, dst)
    for shard in sorted((dst / "data").glob("*.parquet")):
        table = pq.read_table(shard)
        pq.write_table(table.drop_columns([column]), shard)
    return dst


def break_reconciliation(folder: Path) -> None:
    summary = json.loads((folder / "build.json").read_text())
    summary["inputs"] += 1
    summary["reconciles"] = False
    (folder / "build.json").write_text(json.dumps(summary, indent=2) + "\n")
