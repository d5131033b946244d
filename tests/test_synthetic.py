"""The benchmark corpus: deterministic, ASCII unless asked, about half its lines off ASCII (as
in real news) with `typographic=0.35`."""

from __future__ import annotations

import tempfile
from pathlib import Path

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


SOURCE = ("Huawei denies spying claims – BBC News\n\nHuawei denies spying claims\n\n"
          "“We have never been asked,” the company’s chief said… on Tuesday.\n\n"
          "Zürich-based analysts agreed. THE END\nRead more: Other headline here\n")


def test_remixed_pages_keep_layout_and_punctuation_with_fresh_words():
    from newsprep.synthetic import REMIX_VARIANTS, remixed, write_remixed_txt

    pages = list(remixed([SOURCE, "Short one\n\nBody text here.\n"], 40, seed=5))
    assert pages == list(remixed([SOURCE, "Short one\n\nBody text here.\n"], 40, seed=5))
    assert pages != list(remixed([SOURCE, "Short one\n\nBody text here.\n"], 40, seed=6))
    for page in pages[0::2]:
        assert len(page) == len(SOURCE)  # words keep their lengths
        assert [c for c in page if not c.isascii()] == [c for c in SOURCE if not c.isascii()]
        assert [len(line) for line in page.split("\n")] == [
            len(line) for line in SOURCE.split("\n")]
        lines = page.split("\n")
        assert lines[0].startswith(lines[2])  # the title repeat is still the title's words
        assert lines[0][0].isupper() and lines[6][-3:].isupper()  # case kept (THE END)
    titles = [page.split("\n")[0] for page in pages[0::2]]
    assert len(set(titles)) == len(titles)  # each page its own words
    words = {w for page in pages[0::2] for w in page.split() if w.isalpha()}
    assert len(words) <= REMIX_VARIANTS * len(set(SOURCE.lower().split()))
    with tempfile.TemporaryDirectory() as tmp:
        total = write_remixed_txt(Path(tmp), 3, [SOURCE], seed=5)
        files = sorted(Path(tmp).rglob("*.txt"))
        assert [f.read_text(encoding="utf-8") for f in files] == list(remixed([SOURCE], 3, 5))
        assert total == sum(f.stat().st_size for f in files)
