"""Whether a `.zst` file ends where its last frame ends. A truncated Zstandard stream decodes
without any error up to the cut, so the loss would go unnoticed; walking the frame and block
headers (no decompression, a few bytes read per block) tells. Format: RFC 8878."""

from __future__ import annotations

from typing import BinaryIO

_MAGIC = 0xFD2FB528
_SKIPPABLE = 0x184D2A50  # ..0x184D2A5F


def _frame_header_size(descriptor: int) -> tuple[int, bool]:
    """Bytes after the descriptor byte, and whether the frame ends with a checksum."""
    fcs_flag, single_segment = descriptor >> 6, (descriptor >> 5) & 1
    checksum, dict_flag = (descriptor >> 2) & 1, descriptor & 3
    fcs = (1 if single_segment else 0, 2, 4, 8)[fcs_flag]
    return (0 if single_segment else 1) + (0, 1, 2, 4)[dict_flag] + fcs, bool(checksum)


def _skip(fh: BinaryIO, n: int, size: int) -> bool:
    pos = fh.tell() + n
    fh.seek(pos)
    return pos <= size


def truncation(fh: BinaryIO, size: int) -> str | None:
    """None if the frames of `fh` (of `size` bytes) are complete, else what is wrong."""
    fh.seek(0)
    while fh.tell() < size:
        head = fh.read(4)
        if len(head) < 4:
            return "ends inside a frame header"
        magic = int.from_bytes(head, "little")
        if magic & 0xFFFFFFF0 == _SKIPPABLE:
            length = fh.read(4)
            if len(length) < 4 or not _skip(fh, int.from_bytes(length, "little"), size):
                return "ends inside a skippable frame"
            continue
        if magic != _MAGIC:
            return "not a Zstandard frame"
        descriptor = fh.read(1)
        if not descriptor:
            return "ends inside a frame header"
        extra, checksum = _frame_header_size(descriptor[0])
        if not _skip(fh, extra, size):
            return "ends inside a frame header"
        last = False
        while not last:
            block = fh.read(3)
            if len(block) < 3:
                return "ends before the last block of a frame"
            header = int.from_bytes(block, "little")
            last, kind, length = bool(header & 1), (header >> 1) & 3, header >> 3
            if not _skip(fh, 1 if kind == 1 else length, size):
                return "ends inside a block"
        if checksum and not _skip(fh, 4, size):
            return "ends inside a frame checksum"
    return None
