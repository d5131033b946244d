"""Parquet row groups encoded one at a time, in any thread, then joined into one file with the
very bytes one `pyarrow.parquet.ParquetWriter` writes when it is handed the same row groups in
turn. Compressing a row group (zstd) is most of the cost of writing a shard, and a writer
compresses its row groups one after the other: encoding them apart lets every core work on
one shard.

A row group's column chunks do not depend on where they sit in the file; only the footer
(Thrift compact protocol) holds file offsets. `join` copies each piece's column chunks after
the previous ones and writes the footer of the first piece with every piece's row groups,
their offsets moved by where their chunks now start, numbered in order, and the row counts
added up. The Thrift structures are decoded generically (field ids, types and values, in the
order written) and encoded back with the rules of Thrift's compact writer, so a footer
decoded and encoded unchanged comes back byte for byte (`_check_round_trip`)."""

from __future__ import annotations

import struct
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

MAGIC = b"PAR1"

# compact protocol types
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
# field ids of parquet.thrift
_FMD_NUM_ROWS, _FMD_ROW_GROUPS = 3, 4
_RG_COLUMNS, _RG_FILE_OFFSET, _RG_ORDINAL = 1, 5, 7
_CC_FILE_OFFSET, _CC_META, _CC_OFFSET_INDEX, _CC_COLUMN_INDEX = 2, 3, 4, 6
_CMD_OFFSETS = (9, 10, 11, 14)  # data page, index page, dictionary page, bloom filter


def encode_row_group(table: pa.Table, schema: pa.Schema, options: dict) -> pa.Buffer:
    """`table` as a Parquet file of one row group (an empty table: a file of none). Each column
    is made one array first: Parquet ends a page where an input array ends, so the bytes would
    otherwise depend on how the rows were batched on their way here."""
    sink = pa.BufferOutputStream()
    with pq.ParquetWriter(sink, schema, **options) as writer:
        if table.num_rows:
            writer.write_table(table.combine_chunks(), row_group_size=table.num_rows)
    return sink.getvalue()


class JoinedFile:
    """A Parquet file written from the pieces of `encode_row_group`, appended in order."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self._pos = len(MAGIC)
        self._meta: list | None = None  # the first piece's footer (decoded)
        self._groups: list = []
        self._rows = 0
        out.write(MAGIC)

    def append(self, piece: pa.Buffer) -> None:
        data = memoryview(piece)
        footer_len = struct.unpack("<I", data[-8:-4])[0]
        body_end = len(data) - 8 - footer_len
        meta = _decode_footer(bytes(data[body_end: -8]))
        fields = dict((fid, value) for fid, _, value in meta)
        groups = fields.get(_FMD_ROW_GROUPS, (None, []))[1]
        if self._meta is None:
            self._meta = meta
        shift = self._pos - len(MAGIC)
        for group in groups:
            _move_group(group, shift, len(self._groups))
            self._groups.append(group)
        self._rows += fields[_FMD_NUM_ROWS]
        self.out.write(data[len(MAGIC): body_end])
        self._pos += body_end - len(MAGIC)

    def close(self) -> None:
        """Write the footer (the file must have had at least one piece)."""
        meta = []
        for fid, ctype, value in self._meta:
            if fid == _FMD_NUM_ROWS:
                value = self._rows
            elif fid == _FMD_ROW_GROUPS:
                value = (value[0], self._groups)
            meta.append((fid, ctype, value))
        footer = _encode_struct(meta)
        self.out.write(footer)
        self.out.write(struct.pack("<I", len(footer)))
        self.out.write(MAGIC)


def _move_group(group: list, shift: int, ordinal: int) -> None:
    """Move a decoded RowGroup's offsets by `shift` bytes and number it `ordinal`."""
    for i, (fid, ctype, value) in enumerate(group):
        if fid == _RG_FILE_OFFSET:
            group[i] = (fid, ctype, value + shift)
        elif fid == _RG_ORDINAL:
            group[i] = (fid, ctype, ordinal)
        elif fid == _RG_COLUMNS:
            for chunk in value[1]:
                _move_chunk(chunk, shift)


def _move_chunk(chunk: list, shift: int) -> None:
    for i, (fid, ctype, value) in enumerate(chunk):
        if fid in (_CC_OFFSET_INDEX, _CC_COLUMN_INDEX):
            raise ValueError("rowgroups: page indexes are not supported")
        if fid == _CC_FILE_OFFSET and value:  # pyarrow writes 0 (deprecated field)
            chunk[i] = (fid, ctype, value + shift)
        elif fid == _CC_META:
            for j, (mid, mtype, mvalue) in enumerate(value):
                if mid in _CMD_OFFSETS:
                    value[j] = (mid, mtype, mvalue + shift)


# -- Thrift compact protocol: generic decode and encode --------------------------------------

def _decode_footer(data: bytes) -> list:
    value, end = _read_struct(data, 0)
    if end != len(data):
        raise ValueError("rowgroups: trailing bytes after the Parquet footer")
    return value


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _read_struct(data: bytes, pos: int) -> tuple[list, int]:
    fields: list = []
    last = 0
    while True:
        head = data[pos]
        pos += 1
        ctype = head & 0x0F
        if ctype == _STOP:
            return fields, pos
        delta = head >> 4
        if delta:
            fid = last + delta
        else:
            raw, pos = _varint(data, pos)
            fid = _zigzag(raw)
        if ctype in (_TRUE, _FALSE):
            value = ctype == _TRUE
        else:
            value, pos = _read_value(data, pos, ctype)
        fields.append((fid, ctype, value))
        last = fid


def _read_value(data: bytes, pos: int, ctype: int):
    if ctype in (_I16, _I32, _I64):
        raw, pos = _varint(data, pos)
        return _zigzag(raw), pos
    if ctype == _BINARY:
        size, pos = _varint(data, pos)
        return bytes(data[pos: pos + size]), pos + size
    if ctype == _STRUCT:
        return _read_struct(data, pos)
    if ctype in (_LIST, _SET):
        head = data[pos]
        pos += 1
        size, etype = head >> 4, head & 0x0F
        if size == 15:
            size, pos = _varint(data, pos)
        items = []
        for _ in range(size):
            item, pos = _read_value(data, pos, etype)
            items.append(item)
        return (etype, items), pos
    if ctype in (_BYTE, _TRUE, _FALSE):  # a bool inside a list is one byte
        return data[pos], pos + 1
    if ctype == _DOUBLE:
        return bytes(data[pos: pos + 8]), pos + 8
    raise ValueError(f"rowgroups: unsupported Thrift compact type {ctype}")


def _put_varint(out: bytearray, n: int) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _encode_struct(fields: list) -> bytes:
    out = bytearray()
    _write_struct(out, fields)
    return bytes(out)


def _write_struct(out: bytearray, fields: list) -> None:
    last = 0
    for fid, ctype, value in fields:
        wire = (_TRUE if value else _FALSE) if ctype in (_TRUE, _FALSE) else ctype
        if 0 < fid - last <= 15:
            out.append(((fid - last) << 4) | wire)
        else:
            out.append(wire)
            _put_varint(out, (fid << 1) ^ (fid >> 15))  # zigzag i16
        if ctype not in (_TRUE, _FALSE):
            _write_value(out, ctype, value)
        last = fid
    out.append(_STOP)


def _write_value(out: bytearray, ctype: int, value) -> None:
    if ctype in (_I16, _I32, _I64):
        _put_varint(out, (value << 1) ^ (value >> 63))
    elif ctype == _BINARY:
        _put_varint(out, len(value))
        out += value
    elif ctype == _STRUCT:
        _write_struct(out, value)
    elif ctype in (_LIST, _SET):
        etype, items = value
        if len(items) < 15:
            out.append((len(items) << 4) | etype)
        else:
            out.append(0xF0 | etype)
            _put_varint(out, len(items))
        for item in items:
            _write_value(out, etype, item)
    elif ctype in (_BYTE, _TRUE, _FALSE):
        out.append(value)
    elif ctype == _DOUBLE:
        out += value
    else:
        raise ValueError(f"rowgroups: unsupported Thrift compact type {ctype}")
