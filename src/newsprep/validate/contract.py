"""The data contract of `newsprep check`, read from `checks/contract.toml` and the
great-expectations suite it names (`checks/expectations.json`): which checks run and their
thresholds, as data a user edits without writing code."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsprep.config import default_checks_dir
from newsprep.errors import UsageError

CONTRACT_FILE = "contract.toml"


@dataclass(frozen=True)
class Contract:
    data: dict[str, Any]
    suite: dict[str, Any]
    path: str

    def section(self, name: str) -> dict[str, Any]:
        return self.data.get(name, {})

    def get(self, section: str, key: str, default: Any = None) -> Any:
        return self.section(section).get(key, default)

    def enabled(self, code: str) -> bool:
        """False when `code` or one of its dotted prefixes is listed in `disabled`."""
        off = self.data.get("disabled", [])
        return not any(code == d or code.startswith(d.rstrip(".") + ".") for d in off)

    @property
    def batch_rows(self) -> int:
        return max(1, int(self.get("run", "batch_rows", 20_000)))

    @property
    def max_failures(self) -> int:
        return max(1, int(self.get("run", "max_failures", 1_000)))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the check contract: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def _read_suite(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the expectation suite: {exc.strerror}") from None
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            suite = yaml.safe_load(text)
        else:
            suite = json.loads(text)
    except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError
        raise UsageError(f"{path}: invalid expectation suite: {exc}") from None
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise UsageError(f"{path}: an expectation suite needs a list `expectations`")
    return suite


def load_contract(checks_dir: str | Path | None = None) -> Contract:
    """Read `contract.toml` and its suite from `checks_dir` (default: the shipped `checks/`)."""
    folder = Path(checks_dir) if checks_dir else default_checks_dir()
    path = folder / CONTRACT_FILE
    data = _read_toml(path)
    suite_name = data.get("expectations", {}).get("suite", "expectations.json")
    suite = _read_suite(folder / suite_name)
    return Contract(data, suite, str(path))
