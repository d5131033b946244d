"""The detector and build settings, read from `checks/detectors.toml` (data, reviewed like code)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from newsprep.errors import NewsprepError
from newsprep.patternset import PatternSet

T = TypeVar("T")

_PACKAGED = Path(__file__).parent / "checks"
_SOURCE_TREE = Path(__file__).resolve().parents[2] / "checks"


def default_checks_dir() -> Path:
    """`checks/` shipped in the wheel, or the source tree's `checks/` in an editable install."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


@dataclass(frozen=True)
class Config:
    data: dict[str, Any]
    path: str

    def section(self, name: str) -> dict[str, Any]:
        return self.data.get(name, {})

    def get(self, section: str, key: str, default: Any = None) -> Any:
        try:  # one lookup: the detectors ask a few dozen settings per article
            return self._flat[section, key]
        except KeyError:
            return default

    @cached_property
    def _flat(self) -> dict[tuple[str, str], Any]:
        return {(name, key): value for name, sec in self.data.items() if isinstance(sec, dict)
                for key, value in sec.items()}

    def derived(self, make: Callable[[Config], T]) -> T:
        """`make(self)`, made once per Config: the settings a detector reads for every line,
        gathered in one object instead of looked up one by one (dozens per article)."""
        made = self.__dict__.setdefault("_derived", {})
        try:
            return made[make]
        except KeyError:
            value = made[make] = make(self)
            return value

    def __getstate__(self) -> dict[str, Any]:  # the settings only, not what is derived
        return {"data": self.data, "path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def enabled(self, section: str) -> bool:
        return bool(self.get(section, "enabled", True))

    @cached_property
    def header_patterns(self) -> PatternSet:
        return _compile(self.get("header", "patterns", []), self.path, "header")


def _compile(patterns: list[str], path: str, section: str) -> PatternSet:
    for pattern in patterns:
        try:
            re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise NewsprepError(f"{path}: [{section}] bad pattern {pattern!r}: {exc}") from None
    return PatternSet(patterns, re.IGNORECASE)


def load_config(checks_dir: str | Path | None = None, overrides: dict | None = None) -> Config:
    """Read `detectors.toml` from `checks_dir` (default: the shipped checks)."""
    folder = Path(checks_dir) if checks_dir else default_checks_dir()
    path = folder / "detectors.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NewsprepError(f"{path}: cannot read detector settings: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise NewsprepError(f"{path}: invalid TOML: {exc}") from None
    for section, values in (overrides or {}).items():
        data.setdefault(section, {}).update(values)
    return Config(data, str(path))
