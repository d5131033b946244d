"""One page split into header lines, title repeats, body paragraphs and trailer lines. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from newsprep.config import Config
from newsprep.parse import Page
from newsprep.probes import Stats
from newsprep.titles import split_top
from newsprep.trailers import count_trailers


@dataclass(frozen=True, slots=True)
class Segments:
    header_lines: list[str]
    title_repeats: list[str]
    body: list[str]  # paragraphs, stripped
    trailer_lines: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.body)


def segment(page: Page, stats: Stats | None, cfg: Config) -> Segments:
    """Split `page`. The non-blank lines come back whole: top + body + trailers == page lines."""
    lines = page.texts
    top = split_top(page.title, lines, stats, cfg)
    rest = lines[len(top):]
    n_trailers = count_trailers(page.title, rest, page.blanks[len(top):], stats, cfg)
    body = rest[: len(rest) - n_trailers]
    return Segments(
        header_lines=[t for t, label in zip(lines, top, strict=False) if label == "header"],
        title_repeats=[t for t, label in zip(lines, top, strict=False) if label == "repeat"],
        body=list(map(str.strip, body)),
        trailer_lines=rest[len(body):],
    )
