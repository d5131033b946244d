"""The build summary: what went in, what came out, and the reconciliation
`inputs == records + quarantined + ignored`. Written as `build.json` in the dataset folder."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsprep.flags import FLAGS

SUMMARY_FILE = "build.json"


@dataclass
class BuildSummary:
    inputs: int = 0
    records: int = 0
    quarantined: Counter = field(default_factory=Counter)  # by reason code
    ignored: Counter = field(default_factory=Counter)  # by file suffix
    flags: Counter = field(default_factory=Counter)
    splits: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)  # data file -> bytes: the folder's manifest
    newsprep_version: str = ""
    config_hash: str = ""
    # With the incremental cache: records reused and made, cache entries pruned. About this run,
    # not the dataset: never in build.json (a rebuild's folder equals a clean build's).
    cache: dict | None = field(default=None, compare=False)

    @property
    def n_quarantined(self) -> int:
        return sum(self.quarantined.values())

    @property
    def n_ignored(self) -> int:
        return sum(self.ignored.values())

    @property
    def reconciles(self) -> bool:
        return self.inputs == self.records + self.n_quarantined + self.n_ignored

    def to_dict(self) -> dict:
        return {
            "inputs": self.inputs,
            "records": self.records,
            "quarantined": self.n_quarantined,
            "ignored": self.n_ignored,
            "reconciles": self.reconciles,
            "quarantined_by_reason": dict(sorted(self.quarantined.items())),
            "ignored_by_suffix": dict(sorted(self.ignored.items())),
            "flags": {code: self.flags.get(code, 0) for code in FLAGS},
            "splits": dict(self.splits),
            "files": dict(sorted(self.files.items())),
            "newsprep_version": self.newsprep_version,
            "config_hash": self.config_hash,
        }

    @classmethod
    def from_dict(cls, data: dict) -> BuildSummary:
        return cls(
            inputs=data["inputs"], records=data["records"],
            quarantined=Counter(data.get("quarantined_by_reason", {})),
            ignored=Counter(data.get("ignored_by_suffix", {})),
            flags=Counter(data.get("flags", {})), splits=dict(data.get("splits", {})),
            files=dict(data.get("files", {})),
            newsprep_version=data.get("newsprep_version", ""),
            config_hash=data.get("config_hash", ""),
        )

    def write(self, folder: Path) -> None:
        text = json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n"
        (Path(folder) / SUMMARY_FILE).write_text(text, encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> BuildSummary:
        return cls.from_dict(json.loads((Path(folder) / SUMMARY_FILE).read_text(encoding="utf-8")))

    def table(self):
        """A rich table for the terminal."""
        from rich.table import Table

        t = Table(title="newsprep build", show_header=False, box=None)
        t.add_row("inputs", str(self.inputs))
        t.add_row("records", str(self.records))
        t.add_row("quarantined", str(self.n_quarantined))
        for reason, n in sorted(self.quarantined.items()):
            t.add_row(f"  {reason}", str(n))
        t.add_row("ignored", str(self.n_ignored))
        for suffix, n in sorted(self.ignored.items()):
            t.add_row(f"  {suffix}", str(n))
        for split, n in self.splits.items():
            t.add_row(f"split {split}", str(n))
        for code in FLAGS:
            if self.flags.get(code):
                t.add_row(f"flag {code}", str(self.flags[code]))
        t.add_row("reconciles", "yes" if self.reconciles else "NO")
        if self.cache is not None:
            t.add_row("cache: records reused", str(self.cache["records_reused"]))
            t.add_row("cache: records made", str(self.cache["records_made"]))
            pruned = self.cache.get("entries_pruned")
            t.add_row("cache: entries pruned", "none (not pruned)" if pruned is None
                      else str(pruned))
        return t
