"""A built dataset folder as `newsprep check` sees it: its Parquet shards, its card's front
matter and its build summary. Reading problems here are findings for the checks, not exceptions;
only a folder that is not a dataset at all raises (`UsageError`, exit status 2)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsprep.errors import UsageError

_SHARD = re.compile(r"^(?P<split>[A-Za-z0-9_.]+?)-(?P<index>\d{5})-of-(?P<total>\d{5})\.parquet$")


@dataclass(frozen=True, slots=True)
class Shard:
    path: Path
    rel: str  # "data/train-00000-of-00001.parquet"
    split: str
    index: int | None = None
    total: int | None = None


@dataclass
class DatasetFolder:
    root: Path
    shards: list[Shard] = field(default_factory=list)
    card: dict[str, Any] | None = None
    card_error: str | None = None
    summary: dict[str, Any] | None = None
    summary_error: str | None = None

    def splits(self) -> list[str]:
        return list(dict.fromkeys(s.split for s in self.shards))


def _shards(data: Path) -> list[Shard]:
    out = []
    for path in sorted(data.glob("*.parquet")):
        m = _SHARD.match(path.name)
        rel = f"data/{path.name}"
        if m:
            out.append(Shard(path, rel, m["split"], int(m["index"]), int(m["total"])))
        else:
            out.append(Shard(path, rel, path.name.split("-")[0].removesuffix(".parquet")))
    order = {"train": 0, "validation": 1, "test": 2}
    return sorted(out, key=lambda s: (order.get(s.split, 3), s.split, s.rel))


def read_front_matter(path: Path) -> dict[str, Any]:
    """The YAML front matter of a dataset card. Raises ValueError or OSError."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise ValueError("no YAML front matter (the card must start with '---')")
    end = text.find("\n---", 3)
    if end < 0:
        raise ValueError("the YAML front matter is not closed by '---'")
    data = yaml.safe_load(text[3:end])
    if not isinstance(data, dict):
        raise ValueError("the YAML front matter is not a mapping")
    return data


def open_folder(root: str | Path) -> DatasetFolder:
    """Find the shards, card and build summary of the dataset folder `root`."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder")
    data = root / "data"
    if not data.is_dir():
        raise UsageError(f"{root}: not a dataset folder (no data/ folder of Parquet shards)")
    folder = DatasetFolder(root, _shards(data))
    try:
        folder.card = read_front_matter(root / "README.md")
    except FileNotFoundError:
        folder.card_error = "README.md (the dataset card) is missing"
    except (OSError, ValueError, yaml.YAMLError) as exc:
        folder.card_error = f"README.md: {exc}"
    try:
        folder.summary = json.loads((root / "build.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        folder.summary_error = "build.json is missing"
    except (OSError, ValueError) as exc:
        folder.summary_error = f"build.json: {exc}"
    return folder
