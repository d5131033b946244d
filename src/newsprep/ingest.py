"""Files to raw articles: read `.txt` and JSON Lines inputs (JSON Lines files line by line:
`newsprep.jsonl`), quarantine what cannot be read. The input folder is walked into tasks by
`newsprep.inventory`. The input side's file I/O lives here and in `newsprep.jsonl`,
`newsprep.ranges`, `newsprep.zstdframes` and `newsprep.inventory`; parsing and detection never
touch files.

Hostile inputs are data, never exceptions: a file that cannot be read (a broken or looping
symbolic link, a named pipe or device, an I/O error) is quarantined as `unreadable`; a file or
JSON Lines line above `max_article_bytes` as `too-large`, without reading more than that limit
into memory. (The walk, `newsprep.inventory`, quarantines a folder it cannot list the same way.)"""

from __future__ import annotations

import errno
import io
import operator
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from newsprep.decode import DecodeFailure, decode

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson")


@dataclass(frozen=True, slots=True)
class Task:
    """One input file: `rel` is its path relative to the input root, `/`-separated, as
    `source_name` spells it; `path` is the real relative path ("" when it equals `rel`)."""

    rel: str
    kind: str  # "text" | "jsonl"
    size: int
    path: str = ""


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

    def __reduce__(self):
        """Pickled as its constructor's arguments (pass 1 spills every article): about three
        times faster to dump and load than the default slot-state dict."""
        return RawArticle, _raw_fields(self)


_raw_fields = operator.attrgetter(*(f.name for f in fields(RawArticle)))


@dataclass(frozen=True, slots=True)
class Quarantined:
    source: str
    reason: str
    detail: str


class _Refused(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def source_name(rel: str) -> str:
    """A relative OS path as one line of valid UTF-8, injectively: a byte that is not UTF-8
    becomes `\\xNN`, a control character `\\uNNNN`, a backslash `\\\\`; all else is kept."""
    if rel.isprintable() and "\\" not in rel:
        return rel
    out = []
    for ch in rel:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode keeps it
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return None


def _why(exc: OSError, path: str | Path | None = None) -> str:
    """An OS error as a short reason, naming link trouble plainly."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT and path is not None and os.path.islink(path):
        return f"broken symbolic link (to {source_name(os.readlink(path))})"
    return exc.strerror or str(exc)


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def input_path(root: Path, task) -> Path:
    """The real path of a task's file (`Task`, or anything with `rel` and maybe `path`): `rel`
    is how the source column spells it, which differs for names that are not UTF-8."""
    root = Path(root)
    return root if root.is_file() else root / (getattr(task, "path", "") or task.rel)


_path = input_path


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _check_regular(st: os.stat_result, max_bytes: int | None) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise _Refused("unreadable", f"{_file_type(st.st_mode)}, not a regular file")
    if max_bytes is not None and st.st_size > max_bytes:
        raise _Refused("too-large", f"{st.st_size} bytes > max_article_bytes {max_bytes}")


def _open_regular(path: str | Path, max_bytes: int | None) -> io.BufferedReader:
    """Open a regular file for reading without ever blocking (named pipes, devices refused)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        _check_regular(os.fstat(fd), max_bytes)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_fd(fd: int, size: int, max_bytes: int) -> bytes:
    """The bytes of an open file whose size was `size` (<= `max_bytes`): one read of `size + 1`
    bytes, which a short read ends; read on only if the file grew or the read came short."""
    data = os.read(fd, size + 1)
    return data if len(data) == size else _read_on(fd, data, max_bytes)


def _read_on(fd: int, data: bytes, max_bytes: int) -> bytes:
    """`data`, the bytes read so far, and the rest of the file up to `max_bytes`."""
    parts, total = [data], len(data)
    while total <= max_bytes:
        more = os.read(fd, min(max_bytes + 1 - total, 1 << 20))
        if not more:
            break
        parts.append(more)
        total += len(more)
    data = b"".join(parts)
    if len(data) > max_bytes:
        raise _Refused("too-large", f"more than max_article_bytes {max_bytes} bytes")
    return data


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; never reads more than that."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        _check_regular(st, max_bytes)
        return _read_fd(fd, st.st_size, max_bytes)
    finally:
        os.close(fd)


def _read_discovered(path: str, size: int, max_bytes: int) -> bytes:
    """`read_bytes` of a file `discover` found regular, of `size` (<= `max_bytes`) bytes,
    without its fstat when one read of `size + 1` bytes gives `size`: the end of the file as
    found. Else, or if that read fails, the type and size are checked as `read_bytes` checks
    them (a folder, pipe or device put there since is refused) and the file is read on. (A
    non-regular file put there since that gives exactly `size` bytes at once is read.)"""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        try:
            data = os.read(fd, size + 1)
        except OSError:
            _check_regular(os.fstat(fd), max_bytes)
            raise
        if len(data) == size:
            return data
        _check_regular(os.fstat(fd), max_bytes)
        return _read_on(fd, data, max_bytes)
    finally:
        os.close(fd)


def _read_task(root: Path, task: Task, max_bytes: int) -> bytes:
    """The bytes of a text task, joining the path as a string (no `Path`, no stat of the
    root): a root that is itself the file fails the join with ENOTDIR and is read instead."""
    path = f"{os.fspath(root)}/{task.path or task.rel}"
    try:
        return _read_discovered(path, task.size, max_bytes)
    except NotADirectoryError:
        if not os.path.isfile(root):
            raise
    return read_bytes(os.fspath(root), max_bytes)


def read(root: Path, task: Task, max_bytes: int) -> Iterator[RawArticle | Quarantined]:
    """The articles of one input file, or why they cannot be had."""
    if task.kind == "jsonl":
        from newsprep.jsonl import read_jsonl  # imports this module

        yield from read_jsonl(input_path(root, task), task.rel, max_bytes)
        return
    if task.size > max_bytes:
        yield Quarantined(task.rel, "too-large",
                          f"{task.size} bytes > max_article_bytes {max_bytes}")
        return
    try:
        dec = decode(_read_task(root, task, max_bytes))
    except _Refused as refused:
        yield Quarantined(task.rel, refused.reason, refused.detail)
        return
    except OSError as exc:
        yield Quarantined(task.rel, "unreadable", _why(exc, input_path(root, task)))
        return
    except DecodeFailure as fail:
        yield Quarantined(task.rel, fail.reason, fail.detail)
        return
    yield RawArticle(task.rel, dec.text, encoding=dec.encoding, repaired=dec.repaired)
