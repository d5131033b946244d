"""`newsprep check` on the command line: exit status 0 / 1 / 2, the terminal summary and the
JSON report a CI job reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from newsprep.cli import app
from newsprep.config import default_checks_dir

from .test_check import all_rows, built, ds, edit_rows  # noqa: F401 (fixtures)

runner = CliRunner()


def test_a_passing_dataset_exits_0_with_a_summary(built):  # noqa: F811
    result = runner.invoke(app, ["check", str(built)])
    assert result.exit_code == 0, result.output
    assert f"newsprep check {built}: passed" in result.stdout
    assert "checks: 0 failed" in result.stdout


def test_a_failing_dataset_exits_1_and_the_json_names_rows_and_values(ds, tmp_path):  # noqa: F811
    target = all_rows(ds)[1]["id"]
    edit_rows(ds, lambda row: row.update(title="  ") if row["id"] == target else None)
    report = tmp_path / "check.json"
    result = runner.invoke(app, ["check", str(ds), "--json", str(report)])
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.stdout and "rows.schema" in result.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["valid"] is False
    errors = {e["code"]: e for e in data["errors"]}
    assert {"rows.schema", "expectations.title-not-empty"} <= set(errors)
    failure = errors["expectations.title-not-empty"]["failures"][0]
    assert failure["row_id"] == target and failure["value"] == 0
    assert "expect_column_values_to_be_between" in failure["message"]
    assert f"id={target!r} value=0 in data/" in failure["message"]  # plain values, no numpy repr


def test_json_to_stdout_is_only_json(ds):  # noqa: F811
    result = runner.invoke(app, ["check", str(ds), "--json", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["valid"] is True
    assert "passed" in result.stderr  # the summary moved to stderr


def test_not_a_dataset_folder_exits_2(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"newsprep: error: {tmp_path}: not a dataset folder "
                                     "(no data/ folder of Parquet shards)")


def test_a_missing_folder_exits_2(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"newsprep: error: {tmp_path / 'nowhere'}: not a folder"


def test_a_broken_contract_exits_2_naming_the_file(built, tmp_path):  # noqa: F811
    checks = Path(shutil.copytree(default_checks_dir(), tmp_path / "checks"))
    (checks / "contract.toml").write_text("[run\n")
    result = runner.invoke(app, ["check", str(built), "--checks", str(checks)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"newsprep: error: {checks / 'contract.toml'}: invalid TOML")


def test_an_unwritable_report_exits_2(built, tmp_path):  # noqa: F811
    target = tmp_path / "no" / "such" / "dir" / "r.json"
    result = runner.invoke(app, ["check", str(built), "--json", str(target)])
    assert result.exit_code == 2
    assert "cannot write the report" in result.stderr


def test_a_shard_that_is_a_folder_is_an_io_error_exit_2(ds):  # noqa: F811
    (ds / "data" / "train-00009-of-00010.parquet").mkdir()
    result = runner.invoke(app, ["check", str(ds)])
    assert result.exit_code == 2
    assert result.stderr.startswith("newsprep: error: ")
    assert "train-00009-of-00010.parquet: is a folder, not a file" in result.stderr


def test_a_truncated_shard_is_a_data_failure_exit_1(ds):  # noqa: F811
    victim = sorted((ds / "data").glob("*.parquet"))[0]
    victim.write_bytes(victim.read_bytes()[:100])
    result = runner.invoke(app, ["check", str(ds)])
    assert result.exit_code == 1
    assert f"data/{victim.name}: unreadable Parquet file" in result.stdout


def test_the_pre_commit_hook_runs_the_check(built):  # noqa: F811
    import yaml

    from .conftest import ROOT

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "newsprep-check" and hook["pass_filenames"] is False
    command = hook["entry"].split()
    assert command[:2] == ["newsprep", "check"]
    result = runner.invoke(app, [*command[1:], str(built)])  # the hook's args name the folder
    assert result.exit_code == 0, result.output


def test_the_data_workflow_builds_and_checks_the_demo_corpus():
    import yaml

    from .conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github/workflows/data.yml").read_text(encoding="utf-8"))
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert "newsprep build examples/raw" in runs
    assert "newsprep check" in runs and "--json check.json" in runs and 'exit "$status"' in runs
