"""The in-memory Arrow size of a table once written to Parquet as one row group and read back:
what `card.arrow_bytes` adds up over the row groups of the shards (the `num_bytes` that
`datasets` reports), counted from the table as it is written instead of reading it back.

A column read back is one fresh array: a validity bitmap (one bit per row) if it has nulls,
and for numbers whenever the field is nullable (pyarrow's Parquet reader keeps it then);
offsets of 4 bytes per row (strings, lists: `nbytes` counts one offset per row); the bytes
of its values, not those of any slice around them; a list's values as a column of their own.
Assumes each column of a row group reads back as one array, as it does while its strings stay
below the 2 GiB of 32-bit offsets (row groups of thousands of articles are far below)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def read_back_size(table: pa.Table) -> int:
    """`table.nbytes` of `table` written as one Parquet row group and read back."""
    return sum(_column_size(col, field) for col, field in zip(table.columns, table.schema,
                                                              strict=True))


def _column_size(col: pa.ChunkedArray | pa.Array, field: pa.Field) -> int:
    n, typ = len(col), field.type
    bitmap = (n + 7) // 8
    size = bitmap if col.null_count else 0
    if pa.types.is_string(typ) or pa.types.is_binary(typ):
        return size + 4 * n + (pc.sum(pc.binary_length(col)).as_py() or 0)
    if pa.types.is_list(typ):
        return size + 4 * n + _column_size(pc.list_flatten(col), typ.value_field)
    if pa.types.is_boolean(typ):
        return size + bitmap
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        return (bitmap if field.nullable else 0) + n * typ.bit_width // 8
    raise TypeError(f"read_back_size: no rule for Arrow type {typ}")
