"""`parse_page` and `split_lines` (C-level passes, `Line` objects made on demand) give exactly
what the plain line-by-line definition gives, for any text."""

import pickle
from dataclasses import dataclass

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsprep.parse import Line, Page, parse_page, split_lines


@dataclass(frozen=True)
class _RefPage:
    title: str
    lines: tuple[tuple[str, bool], ...]


def _split_ref(text: str) -> list[tuple[str, bool]]:
    out, blank = [], False
    for raw in text.split("\n"):
        if raw.strip():
            out.append((raw, blank))
            blank = False
        else:
            blank = True
    return out


def _parse_ref(text: str, title: str | None) -> _RefPage:
    lines = _split_ref(text)
    if title is None:
        if not lines:
            return _RefPage("", ())
        title, lines = lines[0][0], lines[1:]
    return _RefPage(" ".join(title.split()), tuple(lines))


# Lines, blank lines of every kind of str.split() whitespace, and odd characters
_PIECES = st.sampled_from(["\n", "\n\n", " \n", "\t\n", "\x1c\n", "\x1f", "\x85", "\u2028",
                           "\u3000\n", "\xa0", " ", "word", "Title", "é", "\ud800", "\r", ""])
TEXTS = st.one_of(st.text(), st.lists(_PIECES, max_size=40).map("".join))


def _as_ref(page: Page) -> _RefPage:
    return _RefPage(page.title, tuple((line.text, line.blank_before) for line in page.lines))


@settings(max_examples=600, deadline=None)
@given(TEXTS, st.none() | TEXTS)
@example("Title\n\nfirst\nsecond\n \n\x1c\nthird", None)
@example("\n\n  \nTitle\n\nbody", None)
@example("body\n\nmore", "  A   given\ttitle ")
def test_parse_page_is_the_line_by_line_definition(text, title):
    page = parse_page(text, title)
    ref = _parse_ref(text, title)
    assert _as_ref(page) == ref
    assert page.texts == [t for t, _ in ref.lines]
    assert [(line.text, line.blank_before) for line in split_lines(text)] == _split_ref(text)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_a_parsed_page_equals_one_made_of_its_lines(text):
    page = parse_page(text)
    made = Page(page.title, tuple(Line(line.text, line.blank_before) for line in page.lines))
    assert made == page and hash(made) == hash(page) and repr(made) == repr(page)
    assert made.texts == page.texts and made.lines == page.lines
    assert made.blanks == page.blanks == [line.blank_before for line in page.lines]
    assert pickle.loads(pickle.dumps(page)) == page


def test_pages_and_lines_behave_as_the_frozen_records_they_were():
    page = parse_page("Title\n\nfirst\nsecond")
    texts = page.texts
    texts.append("changed")  # a new list each time: the page is not changed
    assert page.texts == ["first", "second"]
    blanks = page.blanks
    blanks.append(True)
    assert page.blanks == [True, False]
    assert page.lines == (Line("first", True), Line("second", False))
    assert repr(page.lines[0]) == "Line(text='first', blank_before=True)"
    assert page != parse_page("Title\n\nfirst\n\nsecond")
    for obj, attr in ((page, "title"), (page, "lines"), (page.lines[0], "text")):
        try:
            setattr(obj, attr, "x")
        except AttributeError:
            continue
        raise AssertionError(f"{attr} could be set")
