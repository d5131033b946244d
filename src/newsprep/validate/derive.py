"""Compact columns derived from a record batch with pyarrow.compute, so that the expectation suite
runs on small values instead of whole article texts. Pure functions: a batch in, an array out.

| derived column | meaning |
|---|---|
| `title_chars` | characters of the stripped `title` |
| `text_chars` | characters of the stripped `text` |
| `text_len` | characters of `text` (what `num_chars` must equal) |
| `title_in_text` | the first line of `text` if it is the title (case, spacing aside), else null |
| `trailer_in_text` | the last line of `text` if it is one of the row's `trailer_lines`, else null |
| `n_trailer_lines`, `n_title_repeats`, `n_header_lines` | lengths of those lists |
| `duplicate_of_unflagged` | null, or how `duplicate_of` and the `duplicate-content` flag disagree |
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from newsprep.flags import DUPLICATE_CONTENT

Batch = pa.RecordBatch | pa.Table
_WS = r"[\s\p{Z}\x{85}]"  # RE2: ASCII whitespace, Unicode separators, NEL


def _col(batch: Batch, name: str) -> pa.Array:
    col = batch.column(name)
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _norm(arr: pa.Array) -> pa.Array:
    """Lower-cased, inner whitespace collapsed, stripped. (Only runs of whitespace and
    non-space whitespace are replaced: far fewer matches than every single space.)"""
    collapsed = pc.replace_substring_regex(pc.utf8_lower(arr), r"\s{2,}|[\t\n\r\f\v]", " ")
    return pc.utf8_trim_whitespace(collapsed)


def first_line(text: pa.Array) -> pa.Array:
    return pc.struct_field(pc.extract_regex(text, r"^(?P<line>[^\n]*)"), "line")


def last_line(text: pa.Array) -> pa.Array:
    return pc.struct_field(pc.extract_regex(text, r"(?P<line>[^\n]*)$"), "line")


def rows_where(n: int, parents: pa.Array, mask: pa.Array) -> pa.Array:
    """A boolean array of `n` rows: True where some list element of the row matched `mask`."""
    hit = pc.unique(pc.filter(parents, mask))
    return pc.is_in(pa.array(range(n), pa.int64()), value_set=hit.cast(pa.int64()))


def title_in_text(batch: Batch) -> pa.Array:
    text, title = _col(batch, "text"), _col(batch, "title")
    line = first_line(text)
    same = pc.and_(pc.equal(_norm(line), _norm(title)), pc.greater(pc.utf8_length(line), 0))
    return pc.if_else(pc.fill_null(same, False), line, pa.scalar(None, pa.string()))


def trailer_in_text(batch: Batch) -> pa.Array:
    text, trailers = _col(batch, "text"), _col(batch, "trailer_lines")
    line = last_line(text)
    flat, parents = pc.list_flatten(trailers), pc.list_parent_indices(trailers)
    if len(flat) == 0:
        return pa.nulls(len(text), pa.string())
    match = pc.equal(_norm(flat), pc.take(_norm(line), parents))
    match = pc.and_(pc.fill_null(match, False), pc.greater(pc.utf8_length(flat), 0))
    return pc.if_else(rows_where(len(text), parents, match), line, pa.scalar(None, pa.string()))


def has_flag(batch: Batch, code: str) -> pa.Array:
    flags = _col(batch, "flags")
    flat, parents = pc.list_flatten(flags), pc.list_parent_indices(flags)
    return rows_where(len(flags), parents, pc.fill_null(pc.equal(flat, code), False))


def duplicate_of_unflagged(batch: Batch) -> pa.Array:
    dup = pc.is_valid(_col(batch, "duplicate_of"))
    flagged = has_flag(batch, DUPLICATE_CONTENT)
    msg = pc.if_else(dup, f"duplicate_of set without the {DUPLICATE_CONTENT} flag",
                     f"{DUPLICATE_CONTENT} flag without duplicate_of")
    return pc.if_else(pc.not_equal(dup, flagged), msg, pa.scalar(None, pa.string()))


def _edge(arr: pa.Array, pattern: str) -> pa.Array:
    return pc.utf8_length(pc.struct_field(pc.extract_regex(arr, pattern), "ws"))


def _stripped_len(arr: pa.Array) -> pa.Array:
    """Length without leading and trailing whitespace, without copying the strings."""
    length, lead = pc.utf8_length(arr), _edge(arr, rf"^(?P<ws>{_WS}*)")
    trail = _edge(arr, rf"(?P<ws>{_WS}*)$")
    return pc.if_else(pc.equal(lead, length), 0, pc.subtract(pc.subtract(length, lead), trail))


def _length(name: str) -> Callable[[Batch], pa.Array]:
    return lambda b: pc.fill_null(pc.list_value_length(_col(b, name)), 0)


# derived column -> (source columns it needs, function)
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[Batch], pa.Array]]] = {
    "title_chars": (("title",), lambda b: _stripped_len(_col(b, "title"))),
    "text_chars": (("text",), lambda b: _stripped_len(_col(b, "text"))),
    "text_len": (("text",), lambda b: pc.utf8_length(_col(b, "text"))),
    "title_in_text": (("title", "text"), title_in_text),
    "trailer_in_text": (("text", "trailer_lines"), trailer_in_text),
    "n_trailer_lines": (("trailer_lines",), _length("trailer_lines")),
    "n_title_repeats": (("title_repeats",), _length("title_repeats")),
    "n_header_lines": (("header_lines",), _length("header_lines")),
    "duplicate_of_unflagged": (("duplicate_of", "flags"), duplicate_of_unflagged),
}


def needs(column: str) -> tuple[str, ...]:
    """The record columns a (record or derived) column is computed from."""
    return DERIVED[column][0] if column in DERIVED else (column,)


def compact(batch: Batch, columns: list[str]) -> pa.Table:
    """A table of `id` and the given record or derived columns of `batch`."""
    names = ["id"] + [c for c in columns if c != "id"]
    arrays = [DERIVED[c][1](batch) if c in DERIVED else _col(batch, c) for c in names]
    return pa.table(arrays, names=names)
