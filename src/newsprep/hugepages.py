"""Transparent huge pages off while a stage runs, or for a worker's life (Linux
`prctl(PR_SET_THP_DISABLE)`).

Arrow's allocator (mimalloc) and numpy ask the kernel for transparent huge pages for large
buffers (`madvise`). On a virtual machine whose memory the host backs lazily, the first touch
of a 2 MiB huge page is slow: on the 2-core benchmark machine the write stage of a 100k build
spent about 0.3 CPU-s more with them than with 4 KiB pages, most of it in the kernel, as every
batch it copies and every row group it encodes lands in fresh memory. Off, new memory comes
in small pages (which the kernel reuses warm); memory already mapped keeps its pages.

The setting belongs to the process (all its threads), so `small_pages` puts back what it
found; `turn_off` does not (a worker process lives for one pass). Elsewhere than Linux, or
if the kernel refuses, it does nothing: this changes speed, never results."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager

PR_SET_THP_DISABLE = 41
PR_GET_THP_DISABLE = 42


def _prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def huge_pages_disabled() -> bool | None:
    """Whether the process has transparent huge pages off; None where it cannot tell."""
    prctl = _prctl()
    if prctl is None:
        return None
    state = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0)
    return None if state < 0 else bool(state)


def turn_off() -> bool:
    """Transparent huge pages off for the rest of this process's life (a worker's: pass 2's
    Arrow batches and part files are fresh buffers too; 100k `.txt`, three A/B pairs on a quiet
    machine: pass-2 workers 11.4-12.3 -> 11.2-11.6 CPU-s). Whether this call switched them."""
    prctl = _prctl()
    return (prctl is not None and huge_pages_disabled() is False
            and prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0)


@contextmanager
def small_pages() -> Iterator[None]:
    """Transparent huge pages off for the body, as they were after it."""
    switched = turn_off()
    try:
        yield
    finally:
        if switched:
            _prctl()(PR_SET_THP_DISABLE, 0, 0, 0, 0)
