"""Files to raw articles: walk an input folder, read `.txt` and JSON Lines, quarantine what cannot
be read. All file I/O of the input side lives here; parsing and detection never touch files."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsprep.decode import DecodeFailure, decode
from newsprep.errors import NewsprepError

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson")
_JSONL_FIELDS = {"title": str, "text": str, "id": (str, int), "url": str, "date": str}


@dataclass(frozen=True, slots=True)
class Task:
    """One input file: `rel` is its path relative to the input root, `/`-separated."""

    rel: str
    kind: str  # "text" | "jsonl"
    size: int


@dataclass(slots=True)
class RawArticle:
    source: str
    text: str  # whole page for "text" files; the body for JSON Lines (title given apart)
    title: str | None = None
    given_id: str | None = None
    url: str | None = None
    date: str | None = None
    encoding: str = "utf-8"
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class Quarantined:
    source: str
    reason: str
    detail: str


@dataclass(slots=True)
class Inventory:
    tasks: list[Task] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)  # by suffix
    unreadable: list[Quarantined] = field(default_factory=list)


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return None


def _rel(path: Path, root: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def discover(root: Path) -> Inventory:
    """Every input under `root` (a folder walked recursively, or one file), in a stable order."""
    root = Path(root)
    inv = Inventory()
    if root.is_file():
        kind = _kind(root.name)
        if kind is None:
            raise NewsprepError(f"{root}: not a .txt or JSON Lines file")
        inv.tasks.append(Task(root.name, kind, root.stat().st_size))
        return inv
    if not root.is_dir():
        raise NewsprepError(f"{root}: no such file or folder")

    def onerror(err: OSError) -> None:
        where = Path(err.filename) if err.filename else root
        inv.unreadable.append(Quarantined(_rel(where, root) if where != root else ".",
                                          "unreadable", err.strerror or str(err)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            kind = _kind(name)
            if kind is None:
                suffix = path.suffix.lower() or "(none)"
                inv.ignored[suffix] = inv.ignored.get(suffix, 0) + 1
                continue
            try:
                size = path.stat().st_size
            except OSError as exc:
                inv.unreadable.append(Quarantined(_rel(path, root), "unreadable",
                                                  exc.strerror or str(exc)))
                continue
            inv.tasks.append(Task(_rel(path, root), kind, size))
    inv.tasks.sort(key=lambda t: t.rel)
    inv.unreadable.sort(key=lambda q: q.source)
    return inv


def _path(root: Path, task: Task) -> Path:
    return root if root.is_file() else root / task.rel


def read(root: Path, task: Task, max_bytes: int) -> Iterator[RawArticle | Quarantined]:
    """The articles of one input file, or why they cannot be had."""
    path = _path(Path(root), task)
    if task.kind == "jsonl":
        yield from _read_jsonl(path, task.rel, max_bytes)
        return
    if task.size > max_bytes:
        yield Quarantined(task.rel, "too-large", f"{task.size} bytes > max_article_bytes {max_bytes}")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Quarantined(task.rel, "unreadable", exc.strerror or str(exc))
        return
    try:
        dec = decode(data)
    except DecodeFailure as fail:
        yield Quarantined(task.rel, fail.reason, fail.detail)
        return
    yield RawArticle(task.rel, dec.text, encoding=dec.encoding, repaired=dec.repaired)


def _open_stream(path: Path):
    name = path.name.lower()
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller's `with`
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw)
    if name.endswith(".zst"):
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))
    return raw


def _read_jsonl(path: Path, rel: str, max_bytes: int) -> Iterator[RawArticle | Quarantined]:
    try:
        stream = _open_stream(path)
    except OSError as exc:
        yield Quarantined(rel, "unreadable", exc.strerror or str(exc))
        return
    with stream:
        lineno = 0
        try:
            while True:
                line = stream.readline(max_bytes + 1)
                if not line:
                    break
                lineno += 1
                source = f"{rel}:{lineno}"
                if len(line) > max_bytes and not line.endswith(b"\n"):
                    while line and not line.endswith(b"\n"):  # skip the rest of the long line
                        line = stream.readline(1 << 20)
                    yield Quarantined(source, "too-large", f"line longer than {max_bytes} bytes")
                    continue
                if line.strip():
                    yield _jsonl_article(line, source)
        except (OSError, EOFError, ValueError) as exc:
            yield Quarantined(f"{rel}:{lineno + 1}", "unreadable", f"stream error: {exc}")


def _jsonl_article(line: bytes, source: str) -> RawArticle | Quarantined:
    try:
        dec = decode(line)
        obj = json.loads(dec.text)
    except DecodeFailure as fail:
        return Quarantined(source, fail.reason, fail.detail)
    except json.JSONDecodeError as exc:
        return Quarantined(source, "malformed-jsonl", f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(obj, dict):
        return Quarantined(source, "malformed-jsonl", f"a JSON {type(obj).__name__}, not an object")
    for key, typ in _JSONL_FIELDS.items():
        if obj.get(key) is not None and not isinstance(obj[key], typ):
            return Quarantined(source, "invalid-field", f"field {key!r} is {type(obj[key]).__name__}")
    title, text = (obj.get("title") or "").strip(), obj.get("text") or ""
    if not title:
        return Quarantined(source, "invalid-field", "missing or empty 'title'")
    if not text.strip():
        return Quarantined(source, "no-body", "missing or empty 'text'")
    from newsprep.decode import clean

    title_clean, t_removed = clean(title)
    text_clean, x_removed = clean(text)
    given = obj.get("id")
    return RawArticle(source, text_clean, title=" ".join(title_clean.split()),
                      given_id=None if given is None else str(given), url=obj.get("url"),
                      date=obj.get("date"), encoding=dec.encoding,
                      repaired=dec.repaired or t_removed or x_removed)
