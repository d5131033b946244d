"""Helpers of the hostile suite (imported by name: tests/hostile has no __init__.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

import newsprep
from newsprep.summary import BuildSummary

QUARANTINE = Path(".newsprep") / "quarantine.jsonl"

ARTICLE_TITLE = "Harbour cranes return to service"
ARTICLE_BODY = [
    "The three cranes at the north quay were switched back on on Monday after a month of "
    "repairs to their electrical systems, the port authority said.",
    "Shipping lines had diverted some vessels to other ports while the work went on, and the "
    "authority said it expected the backlog of containers to clear within a fortnight.",
]


def article(title: str = ARTICLE_TITLE, body: list[str] | None = None) -> str:
    return "\n\n".join([title, *(ARTICLE_BODY if body is None else body)]) + "\n"


@dataclass
class Built:
    out: Path
    summary: BuildSummary
    rows: dict[str, dict]  # by source
    quarantine: dict[str, dict]  # by source


def read_rows(out: Path) -> list[dict]:
    rows: list[dict] = []
    for shard in sorted((out / "data").glob("*.parquet")):
        rows += pq.read_table(shard).to_pylist()
    return rows


def read_quarantine(out: Path) -> list[dict]:
    path = out / QUARANTINE
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


def build(raw: Path, out: Path, **kwargs) -> Built:
    kwargs.setdefault("workers", 1)
    summary = newsprep.build(raw, out, **kwargs)
    rows, quarantine = read_rows(out), read_quarantine(out)
    by_source = {r["source"]: r for r in rows}
    q_by_source = {q["source"]: q for q in quarantine}
    assert len(by_source) == len(rows), "duplicate source names"
    assert len(q_by_source) == len(quarantine), "duplicate quarantine entries"
    assert summary.reconciles
    assert summary.records == len(rows) and summary.n_quarantined == len(quarantine)
    assert BuildSummary.read(out).to_dict() == summary.to_dict()
    return Built(out, summary, by_source, q_by_source)


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
