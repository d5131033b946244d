"""croissant.json: MLCommons Croissant 1.0 that mlcroissant validates offline and reads back
record for record, with the split of each record; fields derived from the schema."""

from __future__ import annotations

import json
import logging
from collections import Counter

import mlcroissant as mlc
import pytest

from newsprep.croissant import CROISSANT_FILE, RECORDSET_ID
from newsprep.schema import COLUMNS
from newsprep.summary import BuildSummary

from .publish_helpers import build, rows_by_id


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return build(tmp_path_factory.mktemp("croissant"), "ds")


def test_fields_follow_the_schema(folder):
    doc = json.loads((folder / CROISSANT_FILE).read_text())
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    fields = doc["recordSet"][0]["field"]
    assert [f["name"] for f in fields] == [c[0] for c in COLUMNS] + ["split"]
    repeated = {f["name"] for f in fields if f.get("repeated")}
    assert repeated == {c[0] for c in COLUMNS if str(c[1]).startswith("list")}
    assert {f["name"]: f["dataType"] for f in fields}["num_chars"] == "sc:Integer"


def test_mlcroissant_validates_it_without_errors(folder, caplog):
    caplog.set_level(logging.WARNING)
    dataset = mlc.Dataset(jsonld=str(folder / CROISSANT_FILE))
    assert dataset.metadata.name == "newsprep dataset"
    issues = dataset.metadata.ctx.issues
    assert not issues.errors, issues.report()


def test_records_read_through_croissant_match_the_parquet(folder):
    dataset = mlc.Dataset(jsonld=str(folder / CROISSANT_FILE))
    records = list(dataset.records(RECORDSET_ID))
    want = rows_by_id(folder)
    got = {r[f"{RECORDSET_ID}/id"].decode(): r for r in records}
    assert set(got) == set(want)
    for rid, row in want.items():
        rec = got[rid]
        assert rec[f"{RECORDSET_ID}/title"].decode() == row["title"]
        assert [f.decode() for f in rec[f"{RECORDSET_ID}/flags"]] == row["flags"]
        assert rec[f"{RECORDSET_ID}/num_chars"] == row["num_chars"]
    splits = Counter(r[f"{RECORDSET_ID}/split"].decode() for r in records)
    assert dict(splits) == {s: n for s, n in BuildSummary.read(folder).splits.items() if n}
