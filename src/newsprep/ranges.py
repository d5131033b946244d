"""Big JSON Lines files split into byte ranges, so that several workers share one file and no
worker holds more than a range. Only plain (uncompressed) files can be split: a `.gz` or `.zst`
file is streamed whole by one worker. Ranges start at line starts; articles keep the names
`file.jsonl:LINE` that a whole-file read gives them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from newsprep.ingest import Quarantined, RawArticle, Task, input_path
from newsprep.jsonl import jsonl_article

SPLITTABLE = (".jsonl", ".ndjson")
_SCAN = 1 << 22


@dataclass(frozen=True, slots=True)
class JsonlRange:
    """Bytes [start, end) of the JSON Lines file `rel`; its first line is line `line0 + 1`."""

    rel: str
    start: int
    end: int
    line0: int
    path: str = ""  # the real relative path when `rel` escapes a non-UTF-8 name

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def kind(self) -> str:
        return "jsonl"


def plan(root: Path, tasks: list[Task], target: int) -> list[Task | JsonlRange]:
    """`tasks`, with every plain JSON Lines file larger than `target` bytes cut into ranges."""
    out: list[Task | JsonlRange] = []
    for task in tasks:
        if task.kind == "jsonl" and task.size > target and task.rel.lower().endswith(SPLITTABLE):
            out.extend(replace(r, path=task.path)
                       for r in split(input_path(root, task), task.rel, target))
        else:
            out.append(task)
    return out


def split(path: Path, rel: str, target: int) -> list[JsonlRange]:
    """Cut `path` into ranges of about `target` bytes, each ending after a line break."""
    ranges = []
    start = pos = lines = line0 = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(_SCAN)
            if not block:
                break
            base = pos
            pos += len(block)
            cut = start + target
            while cut < pos:
                nl = block.find(b"\n", max(0, cut - base))
                if nl < 0:
                    break
                end = base + nl + 1
                ranges.append(JsonlRange(rel, start, end, line0))
                line0 = lines + block.count(b"\n", 0, nl + 1)
                start, cut = end, end + target
            lines += block.count(b"\n")
    if pos > start:
        ranges.append(JsonlRange(rel, start, pos, line0))
    return ranges


def read_range(root: Path, rng: JsonlRange, max_bytes: int) -> Iterator[RawArticle | Quarantined]:
    """The articles of one range (as `ingest.read` gives those of a whole file)."""
    path = input_path(root, rng)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield Quarantined(rng.rel, "unreadable", exc.strerror or str(exc))
        return
    with fh:
        fh.seek(rng.start)
        lineno, pos = rng.line0, rng.start
        while pos < rng.end:
            line = fh.readline(max_bytes + 1)
            if not line:
                break
            pos += len(line)
            lineno += 1
            source = f"{rng.rel}:{lineno}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = fh.readline(1 << 20)
                    pos += len(line)
                yield Quarantined(source, "too-large", f"line longer than {max_bytes} bytes")
                continue
            if line.strip():
                yield jsonl_article(line, source)
