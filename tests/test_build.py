"""The build pipeline end to end: records, Hugging Face layout, quarantine, determinism and
atomicity."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import newsprep
from newsprep.schema import CONTRACT_COLUMNS, SCHEMA
from newsprep.summary import BuildSummary

from .conftest import EVAL_DEV, write_raw

ARTICLE = (
    "Harbour cranes return to service\n\n"
    "Harbour cranes return to service\n\n"
    "The three cranes at the north quay were switched back on on Monday after a month of repairs "
    "to their electrical systems, the port authority said.\n\n"
    "Shipping lines had diverted some vessels to other ports while the work went on, and the "
    "authority said it expected the backlog of containers to clear within a fortnight.\n\n"
    "Chess prodigy wins regional title\n"
    "Storm warning issued for the coast\n"
)


def read_rows(folder: Path) -> list[dict]:
    rows = []
    for shard in sorted((folder / "data").glob("*.parquet")):
        rows += pq.read_table(shard).to_pylist()
    return sorted(rows, key=lambda r: r["source"])


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_eval_dev_gives_one_record_per_file(eval_dev_build):
    summary, out = eval_dev_build
    files = sorted(p.name for p in (EVAL_DEV / "raw").glob("*.txt"))
    rows = read_rows(out)
    assert summary.records == len(files) == 600
    assert summary.reconciles and summary.n_quarantined == 0
    assert sorted(r["source"] for r in rows) == files
    assert len({r["id"] for r in rows}) == 600
    for shard in (out / "data").glob("*.parquet"):
        schema = pq.read_schema(shard)
        for name in CONTRACT_COLUMNS:
            assert schema.field(name).type == SCHEMA.field(name).type, name


def test_load_dataset_returns_the_same_rows_and_features(eval_dev_build):
    import datasets

    _, out = eval_dev_build
    ds = datasets.load_dataset(str(out))
    assert set(ds) == {"train", "validation", "test"}
    assert ds["train"].features == newsprep.schema.hf_features()
    loaded = sorted((row for split in ds.values() for row in split), key=lambda r: r["source"])
    assert loaded == read_rows(out)


def test_card_declares_configs_and_features(eval_dev_build):
    import yaml

    _, out = eval_dev_build
    text = (out / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    names = [f["name"] for f in front["dataset_info"]["features"]]
    assert names == SCHEMA.names
    splits = {s["name"]: s["num_examples"] for s in front["dataset_info"]["splits"]}
    assert sum(splits.values()) == 600
    assert {d["split"] for d in front["configs"][0]["data_files"]} == set(splits)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n \n", "empty"),
        ("title-only.txt", b"Just a title\n\n", "no-body"),
        ("repeats-only.txt", b"A title\n\nA title\n\nA TITLE\n", "no-body"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        ("zeros.txt", b"\x00\x01\x02\x03" * 300, "binary"),
    ],
)
def test_bad_text_inputs_are_quarantined_with_a_reason(tmp_path, name, content, reason):
    raw = write_raw(tmp_path / "raw", {"good.txt": ARTICLE, name: content})
    summary = newsprep.build(raw, tmp_path / "ds", workers=1)
    assert summary.records == 1
    assert dict(summary.quarantined) == {reason: 1}
    assert summary.reconciles and summary.inputs == 2
    lines = (tmp_path / "ds" / ".newsprep" / "quarantine.jsonl").read_text().splitlines()
    assert [json.loads(x)["source"] for x in lines] == [name]
    assert json.loads(lines[0])["reason"] == reason


def test_jsonl_inputs_and_their_bad_lines(tmp_path):
    good = {"id": "w1", "title": "Harbour cranes return to service",
            "text": ARTICLE.split("\n\n", 2)[2], "url": "https://example.org/a",
            "date": "2024-01-02"}
    lines = [json.dumps(good), "{not json", json.dumps([1, 2]),
             json.dumps({"title": 3, "text": "x"}),
             json.dumps({"title": "No body", "text": "  "}), json.dumps(dict(good, title="Other")),
             ""]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    with gzip.open(raw / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(dict(good, id="w2")) + "\n")
    (raw / "notes.csv").write_text("a,b\n")
    summary = newsprep.build(raw, tmp_path / "ds", workers=1)
    assert summary.records == 2
    assert dict(summary.quarantined) == {"malformed-jsonl": 2, "invalid-field": 1, "no-body": 1,
                                         "duplicate-id": 1}
    assert dict(summary.ignored) == {".csv": 1}
    assert summary.inputs == 8 and summary.reconciles
    rows = read_rows(tmp_path / "ds")
    assert [r["id"] for r in rows] == ["w1", "w2"]
    assert rows[0]["source"] == "feed.jsonl:1" and rows[0]["url"] == "https://example.org/a"
    assert rows[0]["trailer_lines"] == ["Chess prodigy wins regional title",
                                        "Storm warning issued for the coast"]


def test_encodings_and_line_endings_give_the_same_text(tmp_path):
    variants = {
        "lf.txt": ARTICLE.encode(),
        "crlf.txt": ARTICLE.replace("\n", "\r\n").encode(),
        "cr.txt": ARTICLE.replace("\n", "\r").encode(),
        "bom.txt": b"\xef\xbb\xbf" + ARTICLE.encode(),
        "utf16.txt": ARTICLE.encode("utf-16"),
        "nul.txt": ARTICLE.replace("cranes at", "cranes\x00 at").encode(),
    }
    raw = write_raw(tmp_path / "raw", variants)
    summary = newsprep.build(raw, tmp_path / "ds", workers=1)
    assert summary.records == len(variants)
    rows = {r["source"]: r for r in read_rows(tmp_path / "ds")}
    texts = {r["text"] for r in rows.values()}
    assert len(texts) == 1
    assert "encoding-repaired" not in rows["bom.txt"]["flags"]
    assert "encoding-repaired" in rows["utf16.txt"]["flags"]
    assert "encoding-repaired" in rows["nul.txt"]["flags"]


def test_cp1252_input_is_decoded_and_flagged(tmp_path):
    text = ARTICLE.replace("said.", "said, at a cost of \u00a34m \u2013 \u201cworth it\u201d.")
    raw = write_raw(tmp_path / "raw", {"legacy.txt": text.encode("cp1252")})
    newsprep.build(raw, tmp_path / "ds", workers=1)
    (row,) = read_rows(tmp_path / "ds")
    assert "\u00a34m \u2013 \u201cworth it\u201d" in row["text"]
    assert "encoding-repaired" in row["flags"] and row["encoding"] != "utf-8"


def _copy_in_order(src: Path, dst: Path, reverse: bool) -> None:
    files = sorted(p for p in src.rglob("*") if p.is_file())
    for path in reversed(files) if reverse else files:
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def test_builds_are_byte_identical_whatever_the_file_order(tmp_path):
    src = EVAL_DEV / "raw"
    _copy_in_order(src, tmp_path / "a", reverse=False)
    _copy_in_order(src, tmp_path / "b", reverse=True)
    newsprep.build(tmp_path / "a", tmp_path / "out-a", workers=1)
    newsprep.build(tmp_path / "b", tmp_path / "out-b", workers=2)
    assert tree_digest(tmp_path / "out-a") == tree_digest(tmp_path / "out-b")


def test_a_failed_build_leaves_the_old_dataset_intact(tmp_path, monkeypatch):
    raw = write_raw(tmp_path / "raw", {"a.txt": ARTICLE})
    out = tmp_path / "ds"
    newsprep.build(raw, out, workers=1)
    before = tree_digest(out)
    write_raw(raw, {"b.txt": ARTICLE.replace("Harbour", "River")})

    def explode(self, folder: Path) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(BuildSummary, "write", explode)  # late in the build: shards are written
    with pytest.raises(RuntimeError, match="disk on fire"):
        newsprep.build(raw, out, workers=1)
    assert tree_digest(out) == before
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_a_rebuild_replaces_the_dataset(tmp_path):
    raw = write_raw(tmp_path / "raw", {"a.txt": ARTICLE})
    out = tmp_path / "ds"
    newsprep.build(raw, out, workers=1)
    write_raw(raw, {"b.txt": ARTICLE.replace("Harbour", "River")})
    summary = newsprep.build(raw, out, workers=1)
    assert summary.records == 2 and len(read_rows(out)) == 2
