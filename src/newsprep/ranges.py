"""Big JSON Lines files split into byte ranges, so that several workers share one file and no
worker holds more than a range. Only plain (uncompressed) files can be split: a `.gz` or `.zst`
file is streamed whole by one worker. Ranges start at line starts; articles keep the names
`file.jsonl:LINE` that a whole-file read gives them.

Planning reads a few KB per range (`cut` seeks to every `target` bytes and reads on to the next
line break), so a range's first line number is not known when it is planned: pass 1, which
reads every range anyway, counts the lines of each (`read_range(..., lines=)`), and the driver
numbers the ranges from these counts (`numbered`) before pass 2, which names the lines. What
pass 1 keeps for pass 2 is numbered from its range's start; `renumbered` shifts it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from newsprep.ingest import Quarantined, RawArticle, Task, input_path
from newsprep.jsonl import jsonl_article

SPLITTABLE = (".jsonl", ".ndjson")
_SCAN = 1 << 22
_PROBE = 1 << 13  # bytes read at a time when looking for the line break after a cut


@dataclass(frozen=True, slots=True)
class JsonlRange:
    """Bytes [start, end) of the JSON Lines file `rel`; its first line is line `line0 + 1`
    (`line0` is 0 until the range is `numbered`, except for a file's first range)."""

    rel: str
    start: int
    end: int
    line0: int = 0
    path: str = ""  # the real relative path when `rel` escapes a non-UTF-8 name

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def kind(self) -> str:
        return "jsonl"


def plan(root: Path, tasks: list[Task], target: int) -> list[Task | JsonlRange]:
    """`tasks`, with every plain JSON Lines file larger than `target` bytes cut into ranges
    (not numbered yet: see `numbered`). A file that cannot be opened stays whole (its read
    quarantines it)."""
    out: list[Task | JsonlRange] = []
    for task in tasks:
        if task.kind == "jsonl" and task.size > target and task.rel.lower().endswith(SPLITTABLE):
            try:
                cuts = cut(input_path(root, task), task.rel, target)
            except OSError:
                out.append(task)
                continue
            out.extend(replace(r, path=task.path) for r in cuts)
        else:
            out.append(task)
    return out


def cut(path: Path, rel: str, target: int) -> list[JsonlRange]:
    """Cut `path` into ranges of about `target` bytes, each ending after a line break (the
    first at or after `start + target`), reading only around the cuts. Not numbered."""
    ranges = []
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        start = 0
        while start < size:
            end = _line_end(fh, start + target) if start + target < size else size
            ranges.append(JsonlRange(rel, start, end))
            start = end
    return ranges


def _line_end(fh, pos: int) -> int:
    """Just after the first line break at or after `pos`; the end of the file if none."""
    fh.seek(pos)
    while True:
        block = fh.read(_PROBE)
        if not block:
            return pos
        nl = block.find(b"\n")
        if nl >= 0:
            return pos + nl + 1
        pos += len(block)


def split(path: Path, rel: str, target: int) -> list[JsonlRange]:
    """`cut`, numbered by counting the line breaks of the whole file (for tools and tests;
    a build learns the numbers from pass 1 instead)."""
    ranges = cut(path, rel, target)
    return numbered([ranges], [[count_lines(path, r) for r in ranges]])[0]


def count_lines(path: Path, rng: JsonlRange) -> int:
    """The line breaks of a range of the file `path` (0 if it cannot be read: the range is
    quarantined when read)."""
    lines = 0
    try:
        with open(path, "rb") as fh:
            fh.seek(rng.start)
            left = rng.size
            while left > 0:
                block = fh.read(min(_SCAN, left))
                if not block:
                    break
                left -= len(block)
                lines += block.count(b"\n")
    except OSError:
        return 0
    return lines


def numbered(chunks: list[list], lines: list[list[int | None]]) -> list[list]:
    """`chunks` of tasks (in plan order) with each range's `line0` set from the line counts of
    the ranges before it in its file (`lines`: one per task, None where it is no range)."""
    out = []
    seen = 0
    for chunk, counts in zip(chunks, lines, strict=True):
        out.append([])
        for task, count in zip(chunk, counts, strict=True):
            if isinstance(task, JsonlRange):
                if task.start == 0:
                    seen = 0
                if task.line0 != seen:
                    task = replace(task, line0=seen)
                seen += count or 0
            out[-1].append(task)
    return out


def renumbered(items: Iterable, rng: JsonlRange) -> Iterator:
    """The items of `rng` as read with its lines numbered from 1 (pass 1), named by their
    line numbers in the file."""
    if not rng.line0:
        yield from items
        return
    prefix = f"{rng.rel}:"
    n = len(prefix)
    for item in items:
        source = item.source
        if source.startswith(prefix) and source[n:].isdecimal():
            source = f"{prefix}{int(source[n:]) + rng.line0}"
            if isinstance(item, RawArticle):
                item.source = source
            else:
                item = Quarantined(source, item.reason, item.detail)
        yield item


def read_range(root: Path, rng: JsonlRange, max_bytes: int,
               lines: list[int] | None = None) -> Iterator[RawArticle | Quarantined]:
    """The articles of one range (as `ingest.read` gives those of a whole file). Once the range
    is read, its count of lines is appended to `lines` if given."""
    path = input_path(root, rng)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        if lines is not None:
            lines.append(0)
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
    if lines is not None:
        lines.append(lineno - rng.line0)
