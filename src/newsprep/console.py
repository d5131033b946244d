"""Terminal consoles (rich): stdout for results, stderr for progress and errors."""

from __future__ import annotations

from functools import cache

from rich.console import Console


@cache
def out_console() -> Console:
    return Console(highlight=False, soft_wrap=True)


@cache
def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)
