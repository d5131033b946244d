"""One article's text to a `Page`: its title and its non-blank lines, each remembering whether a
blank line stood before it. Pure: no I/O. Lines are kept exactly as written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    text: str  # exactly as written, without the line break
    blank_before: bool


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    lines: tuple[Line, ...]  # the non-blank lines after the title

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of `text` (line breaks already normalised to `\\n`)."""
    out: list[Line] = []
    blank = False
    for raw in text.split("\n"):
        if raw.strip():
            out.append(Line(raw, blank))
            blank = False
        else:
            blank = True
    return out


def parse_page(text: str, title: str | None = None) -> Page:
    """A page whose first non-blank line is the title, or whose title is given apart (JSON Lines).

    The title is stripped and its inner whitespace collapsed; every other line is kept as written.
    A page with no title or no line after it has `lines == ()`: the caller quarantines it."""
    lines = split_lines(text)
    if title is None:
        if not lines:
            return Page("", ())
        title = lines[0].text
        lines = lines[1:]
    return Page(" ".join(title.split()), tuple(lines))
