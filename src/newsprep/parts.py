"""Pass 2's part files: the records of one chunk, kept on disk until the write stage reads them
back once, in order. Arrow IPC files, uncompressed: a worker only copies its record batches
out (no Parquet encoding, no compression), and the write stage maps the file and reads the
batches without copying or decoding them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from newsprep.schema import SCHEMA

SUFFIX = ".arrow"


class PartWriter:
    """Writes tables of SCHEMA into the part file `path`, in order (a context manager)."""

    def __init__(self, path: Path):
        self._sink = pa.OSFile(str(path), "wb")
        self._writer = ipc.new_file(self._sink, SCHEMA)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._writer.write_table(table)

    def close(self) -> None:
        try:
            self._writer.close()
        finally:
            self._sink.close()

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_part(path: Path, tables: Iterable[pa.Table]) -> None:
    with PartWriter(path) as writer:
        for table in tables:
            writer.write(table)


def batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The record batches of a part file, in order, mapped from the file (not copied)."""
    with pa.memory_map(str(path)) as source:
        reader = ipc.open_file(source)
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)


def read(path: Path, columns: list[str] | None = None) -> pa.Table:
    """A part file as one table (of `columns` only, if given)."""
    table = pa.Table.from_batches(list(batches(path)), schema=SCHEMA)
    return table.select(columns) if columns is not None else table
