"""The seed article, the kind of input newsprep exists for, gives exactly the expected record."""

from __future__ import annotations

import pyarrow.parquet as pq

import newsprep
from newsprep.config import load_config
from newsprep.ingest import RawArticle
from newsprep.record import make_record

from .conftest import SEED, need

TITLE = "Huawei says willing to sign 'no-spy' agreements"
TRAILERS = [
    "West Bromwich Albion vs. Aston Villa - Football Match Report",
    "Europe rejects US escalation strategy against Iran",
]


def _paragraphs(raw: str) -> list[str]:
    lines = [line for line in raw.split("\n") if line.strip()]
    return [line.strip() for line in lines[3:-2]]


def test_seed_record_from_the_library():
    raw = need(SEED).read_text(encoding="utf-8")
    record = make_record(RawArticle("huawei-no-spy.txt", raw), None, load_config())
    assert record["title"] == TITLE
    assert record["title_repeats"] == [TITLE, TITLE]
    assert record["trailer_lines"] == TRAILERS
    assert record["header_lines"] == []
    assert record["text"] == "\n\n".join(_paragraphs(raw))
    assert record["flags"] == ["offtopic-trailer", "repeated-title"]


def test_seed_record_through_a_build(tmp_path):
    summary = newsprep.build(need(SEED).parent, tmp_path / "ds", workers=1)
    assert summary.records == 1 and summary.reconciles
    rows = [r for f in sorted((tmp_path / "ds" / "data").glob("*.parquet"))
            for r in pq.read_table(f).to_pylist()]
    assert len(rows) == 1
    assert rows[0]["source"] == "huawei-no-spy.txt"
    assert rows[0]["trailer_lines"] == TRAILERS
    assert rows[0]["title_repeats"] == [TITLE, TITLE]
