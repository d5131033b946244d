"""JSON Lines inputs: one article per line, `{"title": ..., "text": ..., "id"?, "url"?, "date"?}`,
from plain, gzip or Zstandard files. A bad line is quarantined with its reason (`malformed-jsonl`,
`invalid-field`, `no-body`, `too-large`); a corrupt or truncated stream loses the rest of the file,
which is quarantined as `unreadable`. Lines longer than `max_article_bytes` are never held whole."""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from newsprep.decode import DecodeFailure, clean, decode
from newsprep.ingest import Quarantined, RawArticle, _open_regular, _Refused, _why

_FIELDS = {"title": str, "text": str, "id": (str, int), "url": str, "date": str}
_TYPE_NAMES = {str: "a string", (str, int): "a string or an integer"}
_JSON = json.JSONDecoder(strict=False)  # what json.loads(strict=False) builds for every call


def _open_stream(path: Path):
    """The decompressed byte stream of a JSON Lines file, and for `.zst` whether (and how) the
    file is cut short: a truncated Zstandard stream decodes without error up to the cut."""
    name = path.name.lower()
    raw = _open_regular(path, None)
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw), None
    if name.endswith(".zst"):
        import zstandard

        from newsprep.zstdframes import truncation

        cut = truncation(raw, os.fstat(raw.fileno()).st_size)
        raw.seek(0)
        reader = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
        return io.BufferedReader(reader), cut
    return raw, None


def _stream_errors() -> tuple[type[BaseException], ...]:
    """What reading a corrupt or truncated (compressed) stream raises."""
    import zstandard

    return (OSError, EOFError, ValueError, zlib.error, zstandard.ZstdError)


def _lost(rel: str, lineno: int, why: object) -> Quarantined:
    return Quarantined(f"{rel}:{lineno}", "unreadable",
                       f"corrupt or truncated stream, the rest of the file is lost: {why}")


def read_jsonl(path: Path, rel: str, max_bytes: int) -> Iterator[RawArticle | Quarantined]:
    """The articles of a JSON Lines file (plain, `.gz` or `.zst`), one per line, sources
    `file.jsonl:LINE`; a blank line is skipped, a bad one quarantined."""
    try:
        stream, cut = _open_stream(path)
    except _Refused as refused:
        yield Quarantined(rel, refused.reason, refused.detail)
        return
    except OSError as exc:
        yield Quarantined(rel, "unreadable", _why(exc, path))
        return
    lines = count = 0
    with stream:
        try:
            for item in _jsonl_items(stream, rel, max_bytes, cut):
                lines += 1
                if item is not None:
                    count += 1
                    yield item
        except _stream_errors() as exc:
            count += 1
            yield _lost(rel, lines + 1, exc)
    if count == 0:
        yield Quarantined(rel, "empty", "no JSON Lines in the file")


def _jsonl_items(stream, rel: str, max_bytes: int, cut: str | None):
    """One item per line (None for a blank line); a truncated stream ends with its loss."""
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            break
        lineno += 1
        source = f"{rel}:{lineno}"
        if cut is not None and not line.endswith(b"\n") and len(line) <= max_bytes:
            break  # the partial last line of a cut stream belongs to what is lost
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = stream.readline(1 << 20)
            yield Quarantined(source, "too-large", f"line longer than {max_bytes} bytes")
            continue
        yield jsonl_article(line, source) if line.strip() else None
    if cut is not None:
        yield _lost(rel, lineno + (0 if line else 1), f"zstd stream {cut}")


def _clean_field(value: str | None) -> tuple[str | None, bool]:
    if value is None:
        return None, False
    return clean(value)


def _json(text: str):
    """`json.loads(text, strict=False)` without building a decoder for every line."""
    if text.startswith("\ufeff"):  # as json.loads refuses it
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _JSON.decode(text)


def jsonl_article(line: bytes, source: str) -> RawArticle | Quarantined:
    """One JSON Lines line (`{"title": ..., "text": ..., "id"?, "url"?, "date"?}`) to an article."""
    try:
        dec = decode(line, normalise=False)
        obj = _json(dec.text)
    except DecodeFailure as fail:
        return Quarantined(source, fail.reason, fail.detail)
    except json.JSONDecodeError as exc:
        return Quarantined(source, "malformed-jsonl",
                           f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return Quarantined(source, "malformed-jsonl", "invalid JSON: nested too deeply")
    except ValueError as exc:  # a number of more than 4300 digits
        return Quarantined(source, "malformed-jsonl", f"invalid JSON: {exc}".splitlines()[0])
    if not isinstance(obj, dict):
        return Quarantined(source, "malformed-jsonl", f"a JSON {type(obj).__name__}, not an object")
    for key, typ in _FIELDS.items():
        value = obj.get(key)
        if value is not None and (not isinstance(value, typ) or isinstance(value, bool)):
            return Quarantined(source, "invalid-field",
                               f"field {key!r} is a {type(value).__name__}, not {_TYPE_NAMES[typ]}")
    title, t_removed = clean(obj.get("title") or "")
    title = " ".join(title.split())
    if not title:
        return Quarantined(source, "invalid-field", "missing or empty 'title'")
    text, x_removed = clean(obj.get("text") or "")
    if not text.strip():
        return Quarantined(source, "no-body", "missing or empty 'text'")
    given, _ = _clean_field(None if obj.get("id") is None else str(obj["id"]))
    if given is not None and not given.strip():
        return Quarantined(source, "invalid-field", "empty 'id'")
    url, _ = _clean_field(obj.get("url"))
    date, _ = _clean_field(obj.get("date"))
    return RawArticle(source, text, title=title, given_id=given, url=url, date=date,
                      encoding=dec.encoding, repaired=dec.repaired or t_removed or x_removed)

