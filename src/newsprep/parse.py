"""One article's text to a `Page`: its title and its non-blank lines, each remembering whether a
blank line stood before it. Pure: no I/O. Lines are kept exactly as written.

Parsing runs twice per article in a build (pass 1 gathers statistics from the line texts only,
pass 2 segments), so it is done by C-level passes over the split lines (`map`, `compress`), and
a page keeps its line texts and blank flags as lists (`texts`, `blanks`): the `Line` objects
are made only when `Page.lines` is first asked for (a build never does)."""

from __future__ import annotations

from functools import partial
from itertools import compress
from operator import not_
from typing import NamedTuple


class Line(NamedTuple):
    text: str  # exactly as written, without the line break
    blank_before: bool


_line = partial(tuple.__new__, Line)  # Line(text, blank) of a (text, blank) pair, in C


class Page:
    """A title and the non-blank lines after it (`lines`, a tuple of `Line`; `texts`, a new
    list of their texts at each call). Immutable; equal to a page of the same title and lines."""

    __slots__ = ("_blanks", "_lines", "_texts", "_title")

    def __init__(self, title: str, lines: tuple[Line, ...]):
        self._title = title
        self._lines = tuple(lines)
        self._texts = [line.text for line in self._lines]
        self._blanks = None

    @classmethod
    def _parsed(cls, title: str, texts: list[str], blanks: list[bool]) -> Page:
        page = object.__new__(cls)
        page._title, page._texts, page._blanks, page._lines = title, texts, blanks, None
        return page

    @property
    def title(self) -> str:
        return self._title

    @property
    def lines(self) -> tuple[Line, ...]:
        lines = self._lines
        if lines is None:
            lines = self._lines = tuple(map(_line, zip(self._texts, self._blanks, strict=True)))
        return lines

    @property
    def texts(self) -> list[str]:
        return self._texts.copy()

    @property
    def blanks(self) -> list[bool]:
        """For each line, whether a blank line stood before it (a new list at each call)."""
        if self._blanks is None:
            self._blanks = [line.blank_before for line in self._lines]
        return self._blanks.copy()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.title, self.lines) == (other.title, other.lines)

    def __hash__(self) -> int:
        return hash((self.title, self.lines))

    def __repr__(self) -> str:
        return f"Page(title={self.title!r}, lines={self.lines!r})"

    def __reduce__(self):
        return Page, (self.title, self.lines)


def _split(text: str) -> tuple[list[str], list[bool]]:
    """The non-blank lines of `text` and, for each, whether a blank line stood before it."""
    raws = text.split("\n")
    stripped = list(map(str.strip, raws))  # "" for a blank line
    blank = [False]
    blank += map(not_, stripped)  # blank[i]: line i - 1 is blank
    return list(compress(raws, stripped)), list(compress(blank, stripped))


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of `text` (line breaks already normalised to `\\n`)."""
    return list(map(_line, zip(*_split(text), strict=True)))


def parse_page(text: str, title: str | None = None) -> Page:
    """A page whose first non-blank line is the title, or whose title is given apart (JSON Lines).

    The title is stripped and its inner whitespace collapsed; every other line is kept as written.
    A page with no title or no line after it has `lines == ()`: the caller quarantines it."""
    texts, blanks = _split(text)
    if title is None:
        if not texts:
            return Page._parsed("", [], [])
        title = texts[0]
        del texts[0], blanks[0]
    return Page._parsed(" ".join(title.split()), texts, blanks)
