"""The CLI: every command has help and is documented; errors are one line with the right status."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from newsprep.cli import app

from .conftest import ROOT, write_raw
from .test_build import ARTICLE

runner = CliRunner()


def commands() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def test_there_are_commands():
    assert "build" in commands()


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_and_is_documented(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^### `newsprep {name}\b", readme, re.M), f"{name} not in README"


def test_build_prints_a_json_summary(tmp_path):
    raw = write_raw(tmp_path / "raw", {"a.txt": ARTICLE, "b.txt": "", "c.md": "x"})
    result = runner.invoke(app, ["build", str(raw), "--out", str(tmp_path / "ds"), "--json",
                                 "-j", "1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["inputs"] == 3 and summary["records"] == 1 and summary["reconciles"]
    assert summary["quarantined_by_reason"] == {"empty": 1}
    assert summary["ignored_by_suffix"] == {".md": 1}


def test_build_prints_a_table(tmp_path):
    raw = write_raw(tmp_path / "raw", {"a.txt": ARTICLE})
    result = runner.invoke(app, ["build", str(raw), "--out", str(tmp_path / "ds"), "-j", "1"])
    assert result.exit_code == 0
    assert "reconciles" in result.stdout and "records" in result.stdout


def test_a_missing_input_is_one_line_and_exit_1(tmp_path):
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["build", str(missing), "--out", str(tmp_path / "ds")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"newsprep: error: {missing}: no such file or folder"


def test_a_bad_argument_is_exit_2(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "ds"),
                                 "--workers", "0"])
    assert result.exit_code == 2


def test_bad_detector_settings_name_the_file(tmp_path):
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "detectors.toml").write_text("[trailer\n")
    raw = write_raw(tmp_path / "raw", {"a.txt": ARTICLE})
    result = runner.invoke(app, ["build", str(raw), "--out", str(tmp_path / "ds"),
                                 "--checks", str(checks)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"newsprep: error: {checks / 'detectors.toml'}: invalid TOML")
    assert len(result.stderr.strip().splitlines()) == 1
