"""Recovery: a dataset folder damaged after the build (a deleted or truncated shard, a lost
build.json) is caught by `newsprep check`, which names the damaged file; `build` repairs it (a
rebuild writes a fresh folder, byte-identical to a clean build). And the HTML/JSON check
reports escape whatever a (tampered) row holds."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hostile_util import article, build, tree_digest
from typer.testing import CliRunner

from newsprep.check import check
from newsprep.cli import app
from newsprep.config import load_config

runner = CliRunner()
CONFIG = load_config(overrides={"build": {"shard_rows": 10, "row_group_rows": 5}})  # 4 train shards


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    base = tmp_path_factory.mktemp("recovery")
    raw = base / "raw"
    raw.mkdir()
    for i in range(40):
        body = [f"Story {i}: the ferry to island {i} ran {i % 4 + 1} times on day {i}, the "
                f"operator said, after repairs to pier number {i * 3}.",
                f"Passengers on route {i} were told to expect delays of {i % 7 + 1} hours."]
        (raw / f"s{i:03d}.txt").write_text(article(f"Ferry {i} back in service", body),
                                           encoding="utf-8")
    got = build(raw, base / "clean", config=CONFIG)
    assert check(got.out).valid
    return raw, got


def _damaged(clean, tmp_path, damage) -> tuple:
    raw, got = clean
    out = tmp_path / "ds"
    build(raw, out, config=CONFIG)
    target = damage(out, out / "data")
    return raw, got, out, target


def _delete_one_of_four(out, data):
    (data / "train-00001-of-00004.parquet").unlink()
    return "data/train-00001-of-00004.parquet"


def _delete_only_shard(out, data):
    (data / "test-00000-of-00001.parquet").unlink()
    return "data/test-00000-of-00001.parquet"


def _truncate(out, data):
    shard = data / "train-00002-of-00004.parquet"
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    return "data/train-00002-of-00004.parquet"


def _lose_summary(out, data):
    (out / "build.json").unlink()
    return "build.json"


@pytest.mark.parametrize("damage", [_delete_one_of_four, _truncate, _lose_summary,
                                    _delete_only_shard])
def test_check_names_the_damaged_file_and_build_repairs_it(clean, tmp_path, damage):
    raw, got, out, target = _damaged(clean, tmp_path, damage)
    try:
        report = check(out)
        caught = not report.valid
        text = json.dumps(report.to_dict()) if hasattr(report, "to_dict") else str(report)
    except Exception as exc:  # noqa: BLE001 - a usage error must name the file too
        caught, text = True, str(exc)
    assert caught, f"check passed a folder whose {target} was damaged"
    assert target in text, f"check did not name {target}"
    result = runner.invoke(app, ["check", str(out)])
    assert result.exit_code in (1, 2) and target in result.output + result.stderr
    build(raw, out, config=CONFIG)  # the repair
    assert check(out).valid
    assert tree_digest(out) == tree_digest(got.out)


def _tamper(out, hostile: str) -> None:
    """Rewrite the first row of a shard with hostile values in checked columns."""
    shard = out / "data" / "train-00000-of-00004.parquet"
    table = pq.read_table(shard)
    rows = table.to_pylist()
    rows[0].update(id=hostile, title=hostile, flags=[hostile], text="")
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), shard)


def _tags(page: str) -> list[tuple[str, list]]:
    """The start tags of an HTML page, as a browser's tokenizer sees them."""
    tags: list[tuple[str, list]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    Collect().feed(page)
    return tags


def test_check_reports_escape_hostile_values(clean, tmp_path):
    raw, _ = clean
    out = tmp_path / "ds"
    build(raw, out, config=CONFIG)
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    _tamper(out, hostile)
    html, js = tmp_path / "report.html", tmp_path / "report.json"
    result = runner.invoke(app, ["check", str(out), "--html", str(html), "--json", str(js), "-q"])
    assert result.exit_code == 1
    page = html.read_text(encoding="utf-8")
    tags = _tags(page)
    assert not {"script", "img", "iframe", "object", "embed"} & {t for t, _ in tags}
    assert not [a for _, attrs in tags for a, _ in attrs if a.startswith("on")]
    assert "&lt;script&gt;alert(1)" in page  # the value is shown, as text
    assert hostile in js.read_text(encoding="utf-8") or hostile in json.dumps(
        json.loads(js.read_text(encoding="utf-8")))
