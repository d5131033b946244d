"""The benchmark corpus: deterministic, ASCII unless asked, about half its lines off ASCII (as
in real news) with `typographic=0.35`."""

from __future__ import annotations

from newsprep.synthetic import Generator


def _pages(n: int, **kw) -> list[str]:
    return [a.page() for a in Generator(3, **kw).articles(n)]


def test_same_seed_same_corpus_and_ascii_by_default():
    pages = _pages(300)
    assert pages == _pages(300) == _pages(300, typographic=0.0)
    assert all(p.isascii() for p in pages)


def test_typographic_share_of_lines_off_ascii():
    pages = _pages(600, typographic=0.35)
    assert pages == _pages(600, typographic=0.35)
    lines = [line for p in pages for line in p.split("\n") if line.strip()]
    share = sum(not line.isascii() for line in lines) / len(lines)
    assert 0.4 < share < 0.6  # eval-real-dev: 51 % of lines
    text = "".join(pages)
    assert all(ch in text for ch in "“”‘’—é")
