"""Pass-1 corpus statistics against a plain reference: the batched, hashed counting of
`CorpusStats` gives the answers that Counters of the title keys, line keys and words give."""

from __future__ import annotations

import math
import pickle
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import corpus, textnorm
from newsprep.corpus import CorpusStats, collapse_spaces, edge_bytes, gather, key_hashes
from newsprep.hashcount import PairCounter
from newsprep.parse import Line, Page, parse_page
from newsprep.textnorm import (
    content_words,
    hash64,
    line_key,
    title_key,
    vocabulary,
    word_forms,
)
from newsprep.wordhash import span_hashes, token_spans, word_hash

# letters, digits, punctuation, "_", whitespace of every kind, accents, ligatures, other scripts
ALPHABET = st.sampled_from(list("aAbBzZ09_ ,.-'\t\x0b\x0c\u00a0\u2003\x1c\u00e9\u00c9\u00df"
                                "\ufb01\u0130\u03a3\u0436\u4e2d\u0661\U0001d400"))
LINE = st.text(ALPHABET, min_size=1, max_size=40).filter(str.strip)
ASCII_LINE = st.text(st.sampled_from(list("ab Z9_,. \t-")), min_size=1, max_size=30).filter(
    str.strip)
PAGE = st.builds(lambda title, lines: Page(title, tuple(Line(x, False) for x in lines)),
                 st.one_of(LINE, ASCII_LINE), st.lists(st.one_of(LINE, ASCII_LINE), max_size=20))


def counted(words) -> list[str]:
    """The words the document frequencies count (MIN_WORD_BYTES bytes or more)."""
    return [w for w in words if len(w.encode("utf-8", "surrogatepass")) >= corpus.MIN_WORD_BYTES]


def _group(h: int) -> int:
    return h & ((1 << 20) - 1)


class Reference:
    """The statistics as plain Counters and sets of text hashes (what CorpusStats must give)."""

    def __init__(self, pages, edge: int = corpus.EDGE_LINES):
        self.articles = len(pages)
        self.titles = Counter(hash64(title_key(p.title)) for p in pages)
        self.doc_freq: Counter = Counter()
        head, tail = defaultdict(set), defaultdict(set)
        for p in pages:
            group = _group(hash64(title_key(p.title)))
            texts = p.texts
            for i in range(min(edge, len(texts))):
                head[hash64(line_key(texts[i])) >> 20].add(group)
            for i in range(max(0, len(texts) - edge), len(texts)):
                tail[hash64(line_key(texts[i])) >> 20].add(group)
            text = "\n".join([p.title, *texts])[: corpus.DF_CHARS]
            self.doc_freq.update(counted(vocabulary(text)))
        self.head, self.tail = head, tail

    def idf(self, word: str) -> float:
        df = max(1, max(self.doc_freq.get(f, 0) for f in word_forms(word)))
        return math.log((self.articles + 1) / (df + 1)) + 0.1


def _assert_same(stats: CorpusStats, ref: Reference, pages) -> None:
    texts = {x for p in pages for x in (p.title, *p.texts)} | {"", "unknown line"}
    for text in texts:
        assert stats.title_count(text) == ref.titles[hash64(title_key(text))]
        key = hash64(line_key(text)) >> 20
        assert stats.head_recurrence(text) == len(ref.head.get(key, ()))
        assert stats.tail_recurrence(text) == len(ref.tail.get(key, ()))
    words = {w for t in texts for w in vocabulary(t)} | {"zzzunseen"}
    for word in words:
        assert stats.idf(word) == ref.idf(word)
    assert stats.unique_idf() == math.log((ref.articles + 1) / 2) + 0.1


@settings(max_examples=40, deadline=None)
@given(st.lists(PAGE, max_size=12), st.integers(1, 4), st.integers(1, 5))
def test_stats_match_the_reference_whatever_the_chunks(pages, chunks, batch):
    """Chunks gathered apart, shipped (pickled) and merged in order give the reference's
    answers; so does any batch size (here down to 1 article)."""
    old = corpus._BATCH
    corpus._BATCH = batch
    try:
        whole = CorpusStats()
        size = max(1, math.ceil(len(pages) / chunks))
        for i in range(0, len(pages), size):
            part = CorpusStats()
            for page in pages[i: i + size]:
                part.add(page)
            whole.merge(pickle.loads(pickle.dumps(part)))
        whole.freeze()
    finally:
        corpus._BATCH = old
    _assert_same(whole, Reference(pages), pages)


def test_stats_match_the_reference_on_synthetic_articles():
    from newsprep.synthetic import Generator

    pages = [parse_page(a.text) for a in Generator(5).articles(600)]  # > 2 batches
    _assert_same(gather(pages), Reference(pages), pages)


def test_pruning_forgets_words_of_one_article_as_a_counter_would(monkeypatch):
    """Above DF_MAX_WORDS distinct words after a merge, the words of one article go: the same
    merges of Counters, pruned at the same points, give the same document frequencies."""
    monkeypatch.setattr(corpus, "DF_MAX_WORDS", 12)
    chunks = [["alpha beta gamma", "alpha delta"], ["eps zeta eta theta", "iota kappa alpha"],
              ["lambda mu nu xi omicron", "pi rho beta"], ["alpha sigma"]]
    stats, ref = CorpusStats(), Counter()
    for chunk in chunks:
        part = CorpusStats()
        for text in chunk:
            part.add(Page("T " + text, (Line(text, False),)))
        stats.merge(part)
        ref.update(w for text in chunk for w in counted(vocabulary("t " + text)))
        if len(ref) > 12:
            ref = Counter({w: c for w, c in ref.items() if c > 1})
    stats.freeze()
    assert len(stats.doc_freq) == len(ref)
    for word in ["alpha", "beta", "t", "sigma", "delta", "xi"]:
        df = max(1, max(ref.get(f, 0) for f in word_forms(word)))
        assert stats.idf(word) == math.log((stats.articles + 1) / (df + 1)) + 0.1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(LINE, ASCII_LINE, st.just("")), min_size=1, max_size=8))
def test_key_hashes_are_the_title_key_hashes(texts):
    assert key_hashes(texts) == [hash64(title_key(t)) for t in texts]


def test_collapse_spaces_joins_each_lines_words_with_one_space():
    assert collapse_spaces(b"  a  b \n\n c\n   \nd e  ") == b"a b\n\nc\n\nd e"
    assert collapse_spaces(b"") == b""
    assert collapse_spaces(edge_bytes(["A-b", "x\u00e9  Y"])) == "a b\nx\u00e9 y".encode()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=70).map(lambda b: b.replace(b" ", b"x")),
                max_size=40))
def test_vectorised_word_hashes_equal_the_scalar_ones(words):
    buf = b"   ".join(words)
    starts, ends = token_spans(buf)
    assert [buf[s:e] for s, e in zip(starts, ends, strict=True)] == words
    assert span_hashes(buf, starts, ends).tolist() == [word_hash(w) for w in words]


def test_long_words_hash_the_same_vectorised_or_not():
    words = [bytes([97 + i % 26]) * n for i, n in enumerate(range(1, 400, 7))] * 2
    buf = b" ".join(words)
    assert span_hashes(buf, *token_spans(buf)).tolist() == [word_hash(w) for w in words]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=60), min_size=1, max_size=10))
def test_word_counts_are_the_document_frequencies(texts):
    keys, counts = corpus._word_counts([corpus.word_bytes(t) for t in texts])
    want = Counter(corpus.word_key(w) for t in texts for w in counted(vocabulary(t)))
    assert dict(zip(keys.tolist(), counts.tolist(), strict=True)) == want


def test_stats_pickle_with_unflushed_articles():
    stats = CorpusStats()
    stats.add(parse_page("Title here\n\nA first line.\n\nA second line."))
    again = pickle.loads(pickle.dumps(stats)).freeze()
    assert again.articles == 1 and again.title_count("title HERE") == 1
    assert again.head_recurrence("a first line") == 1
    assert again.idf("second") == pytest.approx(math.log(2 / 2) + 0.1)


def test_word_keys_are_56_bits():
    assert corpus.word_key("word") == word_hash(b"word") >> 8 < 1 << 56
    assert isinstance(np.uint64(corpus.word_key("x")), np.uint64)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(st.characters(max_codepoint=127)), LINE, ASCII_LINE,
                 st.text(st.characters(codec=None, exclude_categories=()))))
def test_line_hash_is_the_hash_of_the_title_key(text):
    """The statistics' lookups (and the duplicate-title keys) hash a line's key as bytes
    (ASCII) or through `title_key`."""
    assert textnorm.line_hash.__wrapped__(text) == hash64(title_key(text))
    assert textnorm.line_hash(text) == hash64(title_key(text))


@pytest.mark.parametrize("lines", [5, 16, 17, 20])
@pytest.mark.parametrize("word", ["word", "w\u00f6rd"])
def test_long_articles_count_the_words_of_their_first_df_chars(lines, word):
    """Articles longer than DF_CHARS, every line an edge line (16 or fewer) or not: the words
    past DF_CHARS do not count, as in the reference."""
    pages = [Page(f"Title {i}", tuple(Line(" ".join(f"{word}{j}y{k}" for k in range(100)),
                                           False) for j in range(lines)))
             for i in range(3)]
    assert len("\n".join(pages[0].texts)) > corpus.DF_CHARS
    _assert_same(gather(pages), Reference(pages), pages)


def test_an_error_freezing_the_head_pairs_is_raised(monkeypatch):
    """`freeze` freezes the head pairs in a thread: its failure must not leave them unfrozen
    (every head count 0) without a word."""
    stats = CorpusStats()
    stats.add(parse_page("Title\nFurniture line\nBody text here.\nLast line"))

    freeze = PairCounter.freeze

    def fail_for_head(self):
        if self is stats.head_pairs:
            raise MemoryError("no room")
        freeze(self)

    monkeypatch.setattr(PairCounter, "freeze", fail_for_head)
    with pytest.raises(MemoryError, match="no room"):
        stats.freeze()


def test_lines_longer_than_every_title_key_are_no_title():
    word = "Antidisestablishmentarianism"  # the longest title key: one word, no space
    stats = gather([parse_page(f"{t}\n\nSome text.") for t in
                    ("Short title", word, "A café reopens")]).freeze()
    assert stats.longest_title == len(word)
    # as many letters and digits as the longest key, longer as written: asked, and found
    assert stats.title_count(f" -- {word.upper()}!!") == 1
    assert stats.title_count(word + "s") == 0
    assert stats.title_count("x" * 200) == 0
    assert stats.title_count("A CAFÉ — reopens, " + " " * 40) == 1  # off ASCII: by its key
    merged = CorpusStats()
    merged.merge(stats)
    assert merged.longest_title == stats.longest_title
    assert pickle.loads(pickle.dumps(stats)).longest_title == stats.longest_title


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=60) | st.text(max_size=30))
def test_no_word_the_topic_signal_weighs_is_too_short_to_be_counted(text):
    """Words of fewer than MIN_WORD_BYTES bytes are not counted, which is exact only while
    `idf` is never asked of one: the content words and their forms are all long enough."""
    for word in content_words(text):
        assert all(len(f.encode("utf-8", "surrogatepass")) >= corpus.MIN_WORD_BYTES
                   for f in word_forms(word)), word


def test_short_words_are_not_counted():
    stats = gather([parse_page(f"Title {i}\n\nOf a cat and an owl.") for i in range(3)])
    assert stats.idf("cat") < stats.idf("of") == stats.unique_idf()
