"""The dataset card and the datasheet: front matter that load_dataset honours, numbers from the
build, hand-written text that survives a rebuild, data that cannot break the YAML or Markdown."""

from __future__ import annotations

import json
import re

import pyarrow.parquet as pq
import pytest
import yaml

import newsprep
from newsprep import datasheet, docs, keep
from newsprep.card import old_front_matter
from newsprep.schema import features_yaml
from newsprep.summary import BuildSummary

from .conftest import write_raw
from .publish_helpers import article, build

HOSTILE = (
    "---\nlicense: mit\n--- <!-- /newsprep:keep --> <!-- newsprep:keep citation -->"
    " ```` | col | <script>alert(1)</script> & *bold* [x](javascript:alert(1)) #"
)


def front(folder) -> dict:
    return old_front_matter((folder / "README.md").read_text(encoding="utf-8"))


def test_front_matter_describes_the_shards(tmp_path):
    folder = build(tmp_path, "ds")
    fm = front(folder)
    summary = BuildSummary.read(folder)
    assert fm["pretty_name"] == "newsprep dataset" and fm["license"] == "other"
    assert fm["language"] == ["en"] and fm["size_categories"] == ["n<1K"]
    assert fm["task_categories"] == ["text-generation", "text-classification"]
    assert fm["dataset_info"]["features"] == features_yaml()
    splits = {s["name"]: s for s in fm["dataset_info"]["splits"]}
    assert {s: v["num_examples"] for s, v in splits.items()} == summary.splits
    config = fm["configs"][0]["data_files"]
    assert [d["split"] for d in config] == list(summary.splits)
    shards = sorted((folder / "data").glob("*.parquet"))
    assert fm["dataset_info"]["download_size"] == sum(p.stat().st_size for p in shards)
    for name, info in splits.items():
        arrow = sum(pq.read_table(p).nbytes for p in shards if p.name.startswith(name + "-"))
        assert info["num_bytes"] == arrow
    assert fm["dataset_info"]["dataset_size"] == sum(s["num_bytes"] for s in splits.values())


def test_load_dataset_accepts_the_card(tmp_path):
    import datasets

    folder = build(tmp_path, "ds")
    ds = datasets.load_dataset(str(folder), cache_dir=str(tmp_path / "cache"))
    summary = BuildSummary.read(folder)
    assert {s: d.num_rows for s, d in ds.items()} == summary.splits


def test_quality_section_has_flag_counts_and_rates(tmp_path):
    folder = build(tmp_path, "ds")
    card = (folder / "README.md").read_text()
    summary = BuildSummary.read(folder)
    n = summary.flags["repeated-title"]
    assert n == summary.records  # every test article repeats its title
    assert f"| `repeated-title` | {n} | 100.0% |" in card


def test_detector_accuracy_shipped_in_checks_is_shown_or_said_missing(tmp_path):
    from newsprep.card import read_accuracy
    from newsprep.config import default_checks_dir

    shipped = read_accuracy(default_checks_dir() / "accuracy.json")
    card = (build(tmp_path, "ds") / "README.md").read_text()
    for measurement in shipped:
        assert f"Measured on {measurement['measured_on']}, per line:" in card
    raw = write_raw(tmp_path / "raw", {"a.txt": article("harbour")})
    meta = {"accuracy_file": str(tmp_path / "none.json")}
    newsprep.build(raw, tmp_path / "bare", workers=1, meta=meta)
    card = (tmp_path / "bare" / "README.md").read_text()
    assert "Not measured for this build." in card and "Measured on" not in card


def test_detector_accuracy_is_read_from_the_eval_report(tmp_path):
    scores = {"offtopic-trailer": {"precision": 0.912, "recall": 0.8, "f1": 0.853, "tp": 9}}
    report = {"raw_dir": "/somewhere/eval-dev/raw", "variant": "none", "files": 600}
    acc = tmp_path / "accuracy.json"  # `newsprep eval --json` output, one per variant
    acc.write_text(
        json.dumps(
            [
                {**report, "scores": scores},
                {**report, "variant": "collapsed", "scores": {"header-noise": {}}},
            ]
        )
    )
    raw = write_raw(tmp_path / "raw", {"a.txt": article("harbour")})
    newsprep.build(raw, tmp_path / "ds", workers=1, meta={"accuracy_file": str(acc)})
    card = (tmp_path / "ds" / "README.md").read_text()
    assert "Measured on eval-dev (600 articles), per line:" in card
    assert "| offtopic-trailer | 0.912 | 0.800 | 0.853 |" in card
    assert "Measured on eval-dev (600 articles, variant collapsed), per line:" in card
    assert "| header-noise | - | - | - |" in card
    assert "Not measured" not in card


def test_hand_written_text_and_front_matter_survive_a_rebuild(tmp_path):
    raw = write_raw(tmp_path / "raw", {"a.txt": article("harbour"), "b.txt": article("bridge")})
    out = tmp_path / "ds"
    newsprep.build(raw, out, workers=1)
    card = (out / "README.md").read_text()
    card = card.replace("license: other", "license: cc-by-4.0")
    card = re.sub(
        r"(<!-- newsprep:keep description -->\n).*?(\n<!-- /newsprep:keep -->)",
        r"\1Scraped from the Ostland Gazette, 2019-2021.\2",
        card,
        flags=re.S,
    )
    card += "\n" + keep.block("history", "Started as a student project.") + "\n"
    (out / "README.md").write_text(card)
    sheet = (out / "DATASHEET.md").read_text()
    sheet = sheet.replace(keep.block("purpose", keep.TODO), keep.block("purpose", "To train."))
    (out / "DATASHEET.md").write_text(sheet)
    write_raw(raw, {"c.txt": article("museum")})
    newsprep.build(raw, out, workers=1)
    card = (out / "README.md").read_text()
    assert front(out)["license"] == "cc-by-4.0"
    assert keep.extract(card)["description"] == "Scraped from the Ostland Gazette, 2019-2021."
    assert keep.extract(card)["history"] == "Started as a student project."
    assert "## Kept notes" in card
    assert front(out)["dataset_info"]["splits"]  # regenerated for 3 articles
    assert sum(s["num_examples"] for s in front(out)["dataset_info"]["splits"]) == 3
    sheet = (out / "DATASHEET.md").read_text()
    assert keep.extract(sheet)["purpose"] == "To train."
    assert "purpose" not in datasheet.open_questions(out)
    assert "consent" in datasheet.open_questions(out)


def test_hostile_title_cannot_break_the_card(tmp_path):
    line = {"id": "x1", "title": HOSTILE, "text": "Body text of the hostile article. " * 20}
    raw = write_raw(tmp_path / "raw", {"feed.jsonl": json.dumps(line) + "\n"})
    meta = {"pretty_name": HOSTILE}
    newsprep.build(raw, tmp_path / "ds", workers=1, meta=meta)
    card = (tmp_path / "ds" / "README.md").read_text()
    fm = front(tmp_path / "ds")
    assert fm["pretty_name"] == HOSTILE and fm["license"] == "other"
    assert set(keep.extract(card)) == {"description", "limitations", "citation"}
    body = keep.split_front(card)[1]
    assert "<script>" not in body and "<!-- /newsprep:keep --> <!--" not in body
    assert "-->" not in body.split("### Data instance")[1].split("## Quality")[0]
    heading = body.lstrip().splitlines()[0]
    assert heading.startswith("# ") and "\n" not in heading and "<" not in heading
    sheet = (tmp_path / "ds" / "DATASHEET.md").read_text()
    assert "<script>" not in sheet
    assert set(keep.extract(sheet)) == {k for _, qs in datasheet.QUESTIONS for k, _ in qs}
    # the regenerated card is identical: nothing in the data was taken for a keep block
    docs.regenerate(tmp_path / "ds", meta)
    assert (tmp_path / "ds" / "README.md").read_text() == card


def test_datasheet_has_every_section_numbers_and_open_questions(tmp_path):
    folder = build(tmp_path, "ds")
    sheet = (folder / "DATASHEET.md").read_text()
    sections = re.findall(r"^## (.+)$", sheet, flags=re.M)
    assert sections == [s for s, _ in datasheet.QUESTIONS]
    summary = BuildSummary.read(folder)
    assert f"{summary.records} articles (one row each)" in sheet
    assert f"{summary.inputs} raw inputs were read" in sheet
    assert sheet.count(keep.TODO) == sum(len(qs) for _, qs in datasheet.QUESTIONS) + 1
    assert len(datasheet.open_questions(folder)) == sum(len(qs) for _, qs in datasheet.QUESTIONS)


@pytest.mark.parametrize("name", ["README.md", "DATASHEET.md", "croissant.json"])
def test_generated_documents_are_byte_identical_across_builds(tmp_path, name):
    a = build(tmp_path, "a")
    raw = tmp_path / "raw-a"
    newsprep.build(raw, tmp_path / "b", workers=2)
    assert (a / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_yaml_front_matter_round_trips(tmp_path):
    folder = build(tmp_path, "ds")
    text = (folder / "README.md").read_text()
    assert text.startswith("---\n")
    assert yaml.safe_load(text.split("---\n")[1]) == front(folder)


def test_structure_table_follows_the_schema(tmp_path):
    from newsprep.schema import COLUMNS

    card = (build(tmp_path, "ds") / "README.md").read_text()
    table = card.split("## Dataset structure", 1)[1].split("\n\n| split |", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [r.split(" | ")[0] for r in rows] == [f"| `{c[0]}`" for c in COLUMNS]
    assert "| `flags` | `list<string>` |" in table  # in code: no bare `<` tag for HTML to eat
    assert "| `duplicate_of` | `string`, null |" in table
