"""`newsprep check`: datasets built from tiny raw files, then broken on purpose; each break is
caught by the check that owns it, with a message that names the check, the row and the value."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import newsprep
from newsprep.config import default_checks_dir
from newsprep.errors import UsageError
from newsprep.validate.results import FAILED, PASSED, SKIPPED, WARNING

from .conftest import write_raw

BODIES = [
    ("Harbour cranes return to service",
     "The three cranes at the north quay were switched back on on Monday after a month of "
     "repairs to their electrical systems, the port authority said.\n\nShipping lines had "
     "diverted some vessels while the work went on."),
    ("Library extends its opening hours",
     "The central library will open until nine in the evening from next week, after readers "
     "asked for more time to study.\n\nThe council said the cost would be met from savings."),
    ("Orchard growers expect a late harvest",
     "A cold spring has held back the apple blossom across the valley, and growers now expect "
     "picking to start three weeks later than usual.\n\nPrices are unlikely to change much."),
    ("Bridge repainting closes one lane",
     "Painters working on the old iron bridge will close one lane to traffic for six weeks, "
     "the highways office announced.\n\nBuses will keep their usual timetable."),
    ("Choir wins national competition",
     "A village choir of forty singers took first prize at the national festival on Saturday, "
     "beating groups from the largest cities.\n\nThey sang two folk songs and a hymn."),
    ("Museum opens a gallery of maps",
     "The town museum has opened a new gallery of old sea charts and estate maps, some of them "
     "four hundred years old.\n\nEntry is free for children under twelve."),
]
TRAILERS = "Chess prodigy wins regional title\nStorm warning issued for the coast"


def raw_files() -> dict[str, str]:
    files = {}
    for i, (title, body) in enumerate(BODIES):
        repeat = f"{title}\n\n" if i == 0 else ""
        trailer = f"\n\n{TRAILERS}" if i == 0 else ""
        files[f"a{i}.txt"] = f"{title}\n\n{repeat}{body}{trailer}"
    files["copy.txt"] = files["a1.txt"]  # an exact duplicate: flagged duplicate-content
    return files


def checks_dir(folder: Path) -> Path:
    """The shipped checks, with small shards (several per split) and every article in train."""
    shutil.copytree(default_checks_dir(), folder)
    toml = folder / "detectors.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in (("shard_rows", 3), ("row_group_rows", 2), ("train", 1.0),
                       ("validation", 0.0), ("test", 0.0)):
        text, n = re.subn(rf"^{key} = \S+", f"{key} = {value}", text, flags=re.M)
        assert n == 1, key
    toml.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("check-base")
    raw = write_raw(base / "raw", raw_files())
    out = base / "ds"
    newsprep.build(raw, out, checks=checks_dir(base / "checks"), workers=1)
    return out


@pytest.fixture
def ds(built, tmp_path) -> Path:
    """A private copy of the built dataset, to break."""
    return Path(shutil.copytree(built, tmp_path / "ds"))


def shards(folder: Path) -> list[Path]:
    return sorted((folder / "data").glob("*.parquet"))


def rewrite(folder: Path, fn) -> None:
    """Replace each shard's table by `fn(table, path)`, as if the build had written it: the file
    manifest in build.json is updated (a shard changed behind it is its own test)."""
    for path in shards(folder):
        pq.write_table(fn(pq.read_table(path), path), path)
    summary = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    summary["files"] = {f"data/{p.name}": p.stat().st_size for p in shards(folder)}
    (folder / "build.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


def edit_rows(folder: Path, fn) -> None:
    """Apply `fn(row)` to every row dict (it edits in place)."""
    def apply(table, _path):
        rows = table.to_pylist()
        for row in rows:
            fn(row)
        return pa.Table.from_pylist(rows, schema=table.schema)

    rewrite(folder, apply)


def all_rows(folder: Path) -> list[dict]:
    return [r for p in shards(folder) for r in pq.read_table(p).to_pylist()]


def failing(report) -> dict[str, object]:
    return {r.code: r for r in report.errors}


def test_a_clean_build_passes(built):
    report = newsprep.check(built)
    assert report.valid, [r.line() for r in report.errors]
    assert report.errors == []
    assert report.stats["rows"] == len(raw_files())
    assert report.stats["shards"] >= 3  # several shards: the checks span them
    assert {r.status for r in report.results} <= {PASSED, WARNING}
    codes = {r.code for r in report.results}
    assert {"structure.shards", "structure.schema", "structure.card", "rows.schema",
            "expectations.unique-ids", "thresholds.min-records", "reconciliation"} <= codes


def test_duplicate_ids_across_shards_name_the_id(ds):
    first, last = shards(ds)[0], shards(ds)[-1]
    dup = pq.read_table(first).column("id")[0].as_py()

    def clash(table, path):
        if path != last:
            return table
        ids = table.column("id").to_pylist()
        ids[0] = dup
        return table.set_column(0, "id", pa.array(ids, pa.string()))

    rewrite(ds, clash)
    report = newsprep.check(ds)
    assert not report.valid
    res = failing(report)["expectations.unique-ids"]
    assert res.failure_count == 2 and {f.row_id for f in res.failures} == {dup}
    assert f"id={dup!r}" in res.line() and "expect_column_values_to_be_unique" in res.message
    assert "rows.schema" not in failing(report)  # pandera sees one batch: only GX sees across


def test_a_missing_contract_column_is_named(ds):
    rewrite(ds, lambda t, _p: t.drop_columns(["title_repeats"]))
    report = newsprep.check(ds)
    res = failing(report)["structure.schema"]
    assert res.failures[0].column == "title_repeats"
    assert "column title_repeats (list<item: string>) is missing from data/train-" in res.line()
    assert "structure.card" in failing(report)  # the card still lists it


def test_an_older_build_without_optional_columns_passes_with_a_warning(ds):
    rewrite(ds, lambda t, _p: t.drop_columns(["encoding"]).append_column(
        "legacy_score", pa.array([1.0] * t.num_rows)))
    card = ds / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace(
        "  - name: encoding\n    dtype: string\n", "  - name: legacy_score\n    dtype: float64\n"),
        encoding="utf-8")
    summary = json.loads((ds / "build.json").read_text(encoding="utf-8"))
    del summary["files"]  # builds before the file manifest did not list their shards
    (ds / "build.json").write_text(json.dumps(summary), encoding="utf-8")
    report = newsprep.check(ds)
    assert report.valid, [r.line() for r in report.errors]
    res = report.get("structure.schema")
    assert res.status == WARNING
    messages = " | ".join(f.message for f in res.failures)
    assert "optional column encoding (string) is missing" in messages
    assert "built by newsprep 0." in messages
    assert "column legacy_score (double)" in messages and "not in the record contract" in messages


def test_a_wrong_type_names_the_column_row_and_value(ds):
    def num_as_text(table, _path):
        i = table.schema.get_field_index("num_chars")
        return table.set_column(i, "num_chars", pc.cast(table.column(i), pa.string()))

    rewrite(ds, num_as_text)
    first = pq.read_table(shards(ds)[0]).slice(0, 1).to_pylist()[0]
    report = newsprep.check(ds)
    res = failing(report)["structure.schema"]
    f = res.failures[0]
    assert (f.column, f.row_id, f.value) == ("num_chars", first["id"], first["num_chars"])
    assert "column num_chars has type string" in res.line() and "expected int64" in res.line()
    assert report.get("expectations.num-chars-matches-text").status == SKIPPED
    assert report.get("rows.schema").stats["columns_not_validated"] == ["num_chars"]


def test_card_features_that_disagree_with_the_parquet(ds):
    card = ds / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace(
        "  - name: num_chars\n    dtype: int64\n", "  - name: num_chars\n    dtype: int32\n"),
        encoding="utf-8")
    res = failing(newsprep.check(ds))["structure.card"]
    f = res.failures[0]
    assert f.column == "num_chars" and f.value == {"dtype": "int32"}
    assert "card says num_chars is {'dtype': 'int32'}" in f.message
    assert "{'dtype': 'int64'}" in f.message


def test_card_split_sizes_that_disagree_with_the_parquet(ds):
    card = ds / "README.md"
    text = card.read_text(encoding="utf-8")
    n = len(raw_files())
    assert f"num_examples: {n}\n" in text
    card.write_text(text.replace(f"num_examples: {n}\n", f"num_examples: {n + 5}\n"),
                    encoding="utf-8")
    res = failing(newsprep.check(ds))["structure.card"]
    assert f"card says split train has {n + 5} examples, its shards hold {n} rows" in res.message


def test_a_truncated_shard_is_named(ds):
    victim = shards(ds)[1]
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])
    report = newsprep.check(ds)
    res = failing(report)["structure.shards"]
    assert res.failures[0].location == f"data/{victim.name}"
    assert f"data/{victim.name}: unreadable Parquet file (truncated or corrupt)" in res.message
    assert report.get("structure.decode").status == PASSED  # the other shards were read
    assert report.stats["rows"] < len(raw_files())


def test_a_missing_shard_is_named(ds):
    victim = shards(ds)[0]
    victim.unlink()
    res = failing(newsprep.check(ds))["structure.shards"]
    assert f"data/{victim.name}: shard missing" in res.message


def test_a_text_that_still_holds_its_trailer(ds):
    hit = {}

    def keep_trailer(row):
        if row["trailer_lines"]:
            row["text"] += "\n" + row["trailer_lines"][-1]
            row["num_chars"] = len(row["text"])
            hit[row["id"]] = row["trailer_lines"][-1]

    edit_rows(ds, keep_trailer)
    assert hit
    res = failing(newsprep.check(ds))["expectations.text-ends-with-trailer"]
    assert {(f.row_id, f.value) for f in res.failures} == set(hit.items())
    rid, line = next(iter(hit.items()))
    assert f"id={rid!r} value={line!r}" in res.line()


def test_a_text_that_still_starts_with_its_title(ds):
    target = all_rows(ds)[2]["id"]

    def keep_title(row):
        if row["id"] == target:
            row["text"] = row["title"].upper() + "\n\n" + row["text"]
            row["num_chars"] = len(row["text"])

    edit_rows(ds, keep_title)
    res = failing(newsprep.check(ds))["expectations.text-starts-with-title"]
    assert [f.row_id for f in res.failures] == [target]
    assert res.failures[0].value.isupper()


@pytest.mark.parametrize("column, value, check", [
    ("title", "   ", "title_not_blank"),
    ("flags", ["no-such-flag"], "flags_known"),
    ("num_chars", -3, "greater_than_or_equal_to(0)"),
])
def test_pandera_row_failures_name_the_check_row_and_value(ds, column, value, check):
    target = all_rows(ds)[3]["id"]

    def spoil(row):
        if row["id"] == target:
            row[column] = value

    edit_rows(ds, spoil)
    res = failing(newsprep.check(ds))["rows.schema"]
    mine = [f for f in res.failures if f.column == column]
    assert mine and mine[0].row_id == target
    assert check in mine[0].message and f"id={target!r}" in mine[0].message


def test_a_build_summary_that_does_not_reconcile(ds):
    path = ds / "build.json"
    summary = json.loads(path.read_text())
    summary["inputs"] += 2
    path.write_text(json.dumps(summary))
    res = failing(newsprep.check(ds))["reconciliation"]
    assert "but inputs = " in res.message and res.failures[0].location == "build.json inputs"


def test_flag_share_thresholds_come_from_the_contract(ds, tmp_path):
    checks = Path(shutil.copytree(default_checks_dir(), tmp_path / "checks"))
    contract = checks / "contract.toml"
    text = contract.read_text().replace("share_min_rows = 100", "share_min_rows = 0")
    contract.write_text(text.replace("duplicate-content = 0.25", "duplicate-content = 0.1"))
    res = failing(newsprep.check(ds, checks=checks))["thresholds.max-share.duplicate-content"]
    assert "articles" in res.message and "more than max_flag_share = 10.0%" in res.message


def test_a_user_adds_an_expectation_and_disables_a_check_without_code(ds, tmp_path):
    checks = Path(shutil.copytree(default_checks_dir(), tmp_path / "checks"))
    suite = json.loads((checks / "expectations.json").read_text())
    suite["expectations"].append({
        "type": "expect_column_value_lengths_to_be_between",
        "kwargs": {"column": "title", "max_value": 30}, "meta": {"code": "short-titles"}})
    (checks / "expectations.json").write_text(json.dumps(suite))
    contract = checks / "contract.toml"
    contract.write_text(contract.read_text().replace(
        "disabled = []", 'disabled = ["reconciliation", "thresholds."]'))
    report = newsprep.check(ds, checks=checks)
    long_titles = {t for t, _ in BODIES if len(t) > 30}
    res = failing(report)["expectations.short-titles"]
    assert {f.value for f in res.failures} == long_titles
    codes = {r.code for r in report.results}
    assert "reconciliation" not in codes and not any(c.startswith("thresholds.") for c in codes)


def test_not_a_dataset_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not a dataset folder"):
        newsprep.check(tmp_path)


def test_a_bad_suite_is_a_usage_error(built, tmp_path):
    checks = Path(shutil.copytree(default_checks_dir(), tmp_path / "checks"))
    (checks / "expectations.json").write_text(json.dumps(
        {"expectations": [{"type": "expect_no_such_thing", "kwargs": {"column": "id"}}]}))
    with pytest.raises(UsageError, match="bad expectation"):
        newsprep.check(built, checks=checks)


def test_a_suite_naming_an_unknown_column_is_a_usage_error(built, tmp_path):
    checks = Path(shutil.copytree(default_checks_dir(), tmp_path / "checks"))
    (checks / "expectations.json").write_text(json.dumps({"expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "titel"},
         "meta": {"code": "typo"}}]}))
    with pytest.raises(UsageError, match="typo: unknown column 'titel'"):
        newsprep.check(built, checks=checks)


def test_the_report_dict_lists_failing_rows(ds):
    edit_rows(ds, lambda row: row.update(title=" ") if row["id"] == all_rows(ds)[0]["id"]
              else None)
    data = newsprep.check(ds).to_dict()
    assert data["valid"] is False and data["errors"]
    assert data["checks"][0]["status"] == FAILED  # failing checks first
    rows = [f for e in data["errors"] for f in e["failures"] if f["row_id"]]
    assert rows and all("value" in f and "message" in f for f in rows)
    json.dumps(data)  # JSON-ready as it is


def test_a_shard_replaced_after_the_build_is_named_by_the_manifest(ds):
    shard = shards(ds)[0]
    table = pq.read_table(shard)
    pq.write_table(table, shard, compression="snappy")  # same rows, other bytes
    rel = f"data/{shard.name}"
    report = newsprep.check(ds)
    res = failing(report)["structure.shards"]
    assert any(f.location == rel and "build.json says" in f.message for f in res.failures)
    assert json.loads((ds / "build.json").read_text())["files"][rel] != shard.stat().st_size


def test_a_stray_shard_is_named(ds):
    src = shards(ds)[0]
    stray = src.with_name("train-00009-of-00010.parquet")
    shutil.copyfile(src, stray)
    report = newsprep.check(ds)
    messages = [f.message for f in failing(report)["structure.shards"].failures]
    assert any("data/train-00009-of-00010.parquet: not written by the build" in m
               for m in messages)
