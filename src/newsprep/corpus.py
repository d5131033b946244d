"""Corpus-level statistics gathered in the first pass of a build, read by the detectors.

Compact by design: every line and title is kept as a 64-bit hash, never as text; words are
counted (document frequency) for the IDF weights of the topic signal, as hashes too.

Fast by batching: `add` only makes, per article, the hashes of its title and edge lines and
the lower-cased bytes of its words; every `_BATCH` articles the words are cut, hashed, made
distinct per article and counted with numpy at once (`_word_counts`), and the line hashes
join the counters as arrays.

Hashes: a title or a line counts under the xxh3-64 hash of its key (`textnorm.title_key`), as
it always did; a word under the top 56 bits of `wordhash.word_hash` of its UTF-8 bytes. Two
distinct words of a corpus share a key with a probability of about n**2 / 2**57 for n distinct
words (3e-5 at the two million words the counter keeps): negligible, so `idf` gives the
values a `Counter` of the words themselves would."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat

import numpy as np
import xxhash

from newsprep.hashcount import HashCounter, KeyCounts, PairCounter, run_counts, run_heads
from newsprep.parse import Page
from newsprep.textnorm import (
    ASCII_KEY,
    ASCII_WORDS,
    NOT_KEY_BYTES,
    UTF8_KEY,
    UTF8_WORDS,
    line_hash,
    nfkc,
    title_key,
    word_forms,
    words_as_bytes,
)
from newsprep.wordhash import span_hashes, token_spans, word_hash

STATS_FORMAT = 5  # bump when the fields change (cached pass-1 statistics must not be reused)
DF_CHARS = 4000  # words of an article's first this many characters count for the IDF
DF_MAX_WORDS = 2_000_000  # above this many distinct words, words seen once are dropped
# Words of fewer bytes are not counted: `idf` is asked of content words (three letters or more,
# `textnorm.content_words`) and of their forms, never shorter (`textnorm.word_forms`); a fifth
# of news text's words are shorter ("a", "of", "to"), and pass 1 sorts every word it counts.
MIN_WORD_BYTES = 3
EDGE_LINES = 8  # how many lines at each end of an article are counted for recurrence
_DOC_BITS = 8  # a word key keeps 64 - _DOC_BITS bits; the article's index in its batch the rest
# articles counted at once (at most 1 << _DOC_BITS): small enough that a batch's temporary arrays
# (tens of KB) are reused from the heap, not fresh pages (at 256, 2x the CPU in a real pass 1)
_BATCH = 64

# `textnorm`'s bytes.translate tables on ASCII text: `title_key`'s, but keeping the line breaks
# between lines, and `vocabulary`'s
_KEY_BYTES = ASCII_KEY[:10] + b"\n" + ASCII_KEY[11:]
_UTF8_KEY_BYTES = UTF8_KEY[:10] + b"\n" + UTF8_KEY[11:]
_WORD_BYTES = ASCII_WORDS


def edge_bytes(texts: list[str]) -> bytes:
    """The title keys (`textnorm.title_key`) of `texts` (a title, lines: none holds a line
    break), one a line, as UTF-8 bytes, but for the spaces between words, which
    `collapse_spaces` makes single: one translation by a byte table, no Python string a word.
    Other text is NFKC-normalised and case-folded whole first, as `title_key` does each line
    (neither joins characters across a line break)."""
    joined = "\n".join(texts)
    if joined.isascii():
        out = joined.encode("ascii").translate(_KEY_BYTES)
    else:
        out = words_as_bytes(nfkc(joined), _UTF8_KEY_BYTES, "casefold")
    if out.count(b"\n") == len(texts) - 1:
        return out
    return "\n".join(map(title_key, texts)).encode("utf-8", "surrogatepass")


def _collapsed_lines(buf: bytes) -> list[bytes]:
    """The lines of `buf`, each with its words joined by single spaces (no space at either end):
    a run of spaces is cut to its last space where a word byte (neither space nor line break)
    follows, else dropped, then the one space left before a line's first word is stripped."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    keep = arr != 32
    keep[:-1] |= keep[1:] & (arr[1:] != 10)
    lines = arr[keep].tobytes().split(b"\n")
    return list(map(bytes.lstrip, lines, repeat(b" ", len(lines))))


def collapse_spaces(buf: bytes) -> bytes:
    """`buf` with every line's words joined by single spaces (no space at either end)."""
    return b"\n".join(_collapsed_lines(buf))


def line_hashes(buf: bytes) -> np.ndarray:
    """The xxh3-64 hash of every line of `buf` (`edge_bytes` of some texts, joined by line
    breaks), its spaces collapsed: `hash64(title_key(t))` of every text."""
    return keyed_lines(buf)[1]


def keyed_lines(buf: bytes) -> tuple[list[bytes], np.ndarray]:
    """The keys of the lines of `buf` (as `line_hashes` reads it) and their hashes."""
    lines = _collapsed_lines(buf)
    return lines, np.fromiter(map(xxhash.xxh3_64_intdigest, lines), np.uint64, len(lines))


def key_hashes(texts: list[str]) -> list[int]:
    """`hash64(title_key(t))` for every text of `texts` (as `add` computes them)."""
    return line_hashes(edge_bytes(texts)).tolist()


def _spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[i] .. starts[i] + lengths[i] - 1 for every i, in order."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(ends[-1] if len(ends) else 0)


def word_bytes(text: str) -> bytes:
    """The words of `vocabulary(text)`, with repeats, as bytes between runs of spaces."""
    if text.isascii():
        return text.encode("ascii").translate(_WORD_BYTES)
    return words_as_bytes(text, UTF8_WORDS, "lower")


def word_key(word: str) -> int:
    """The key a word is counted under."""
    return word_hash(word.encode("utf-8", "surrogatepass")) >> _DOC_BITS


def _word_counts(texts: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(word keys, number of texts using each) of at most _BATCH texts of `word_bytes`."""
    buf = b" ".join(texts)
    starts, ends = token_spans(buf)
    long = ends - starts >= MIN_WORD_BYTES
    starts, ends = starts[long], ends[long]
    if not len(starts):
        return np.zeros(0, np.uint64), np.zeros(0, np.uint32)
    doc_starts = np.cumsum([0, *(len(t) + 1 for t in texts[:-1])])
    first = np.append(starts.searchsorted(doc_starts), len(starts))  # each text's first word
    doc = np.repeat(np.arange(len(texts), dtype=np.uint64), np.diff(first))
    high = ~np.uint64((1 << _DOC_BITS) - 1)  # _BATCH articles at most: an index fits below
    # (word, article) made distinct by one sort, then counted per word (keys sorted)
    pairs = span_hashes(buf, starts, ends)
    pairs &= high
    pairs |= doc
    pairs.sort()
    pairs = pairs[run_heads(pairs)]
    pairs >>= np.uint64(_DOC_BITS)
    return run_counts(pairs)


class _Batch:
    """What `add` gathered since the last flush, one entry an article."""

    __slots__ = ("head", "keys", "lines", "tail", "texts")

    def __init__(self):
        self.keys: list[bytes] = []  # `edge_bytes` of the title and the edge lines
        self.lines: list[int] = []  # how many lines that is, the title included
        self.head: list[int] = []  # how many of them count at the top (after the title)
        self.tail: list[int] = []  # how many at the end (the last ones)
        self.texts: list[bytes] = []  # `word_bytes` of the article


class CorpusStats:
    __slots__ = ("_batch", "_idf", "articles", "doc_freq", "head_pairs", "longest_title",
                 "tail_pairs", "titles")

    def __init__(self):
        self.articles = 0
        self.titles = HashCounter()  # hash(title key) -> articles
        self.longest_title = 0  # the UTF-8 bytes of the longest title key (see `title_count`)
        # (hash(line key), hash(title key)) pairs seen at the top / end of an article; the
        # number of distinct titles a line recurs under marks site furniture, not a syndicated
        # copy. Compact numpy counters (newsprep.hashcount): a million articles fit in memory.
        self.head_pairs = PairCounter()
        self.tail_pairs = PairCounter()
        # word key -> number of articles using the word (lower-cased, unstemmed): the IDF of
        # the topic signal, so that a line's rare words weigh more than words all articles use
        self.doc_freq = KeyCounts()
        self._batch = _Batch()
        self._idf: dict[str, float] = {}  # word -> idf, filled as the detectors ask

    def __getstate__(self) -> tuple:
        self._flush()
        return (self.articles, self.titles, self.longest_title, self.head_pairs, self.tail_pairs,
                self.doc_freq)

    def __setstate__(self, state: tuple) -> None:
        (self.articles, self.titles, self.longest_title, self.head_pairs, self.tail_pairs,
         self.doc_freq) = state
        self._batch = _Batch()
        self._idf = {}

    def add(self, page: Page, edge: int = EDGE_LINES) -> None:
        self.articles += 1
        texts = page.texts
        n = len(texts)
        top, low = min(edge, n), max(0, n - edge)
        edges = [page.title, *(texts if low <= top else texts[:top] + texts[low:])]
        batch = self._batch
        batch.keys.append(edge_bytes(edges))
        batch.lines.append(len(edges))
        batch.head.append(top)
        batch.tail.append(n - low)
        batch.texts.append(word_bytes("\n".join([page.title, *texts])[:DF_CHARS]))
        self._idf = {}
        if len(batch.keys) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        """Count what `add` gathered."""
        batch = self._batch
        if not batch.keys:
            return
        self._batch = _Batch()
        lines, keys = keyed_lines(b"\n".join(batch.keys))
        head, tail, count = (np.array(x, dtype=np.int64) for x in
                             (batch.head, batch.tail, batch.lines))
        first = np.cumsum(count) - count  # each article's title
        self.longest_title = max(self.longest_title, *(len(lines[i]) for i in first.tolist()))
        titles = keys[first]
        self.titles.add_array(titles)
        self.head_pairs.add_array(keys[_spans(first + 1, head)], np.repeat(titles, head))
        self.tail_pairs.add_array(keys[_spans(first + count - tail, tail)],
                                  np.repeat(titles, tail))
        self.doc_freq.add_counts(*_word_counts(batch.texts))

    def merge(self, other: CorpusStats) -> None:
        self._flush()
        other._flush()
        self.articles += other.articles
        self.titles.merge(other.titles)
        self.longest_title = max(self.longest_title, other.longest_title)
        self.doc_freq.merge(other.doc_freq)
        if self.doc_freq.upper_bound() > DF_MAX_WORDS and len(self.doc_freq) > DF_MAX_WORDS:
            self._prune_words()
        self.head_pairs.merge(other.head_pairs)
        self.tail_pairs.merge(other.tail_pairs)
        self._idf = {}

    def _prune_words(self) -> None:
        """Lossy counting: forget the words seen in one article only (a missing word weighs as
        a word of one article), so memory stays bounded on a huge corpus."""
        self.doc_freq.keep_counts_above(1)

    def freeze(self) -> CorpusStats:
        """Turn the pair sets into per-line counts; the pairs are dropped (smaller to ship)."""
        self._flush()
        # The two pair sets are frozen side by side: most of it is numpy sorting their blocks,
        # which lets go of the GIL (100k articles: 0.08 s of the driver alone, one core idle).
        # The thread ends here, before any worker is forked.
        with ThreadPoolExecutor(1, thread_name_prefix="newsprep-freeze") as pool:
            head = pool.submit(self.head_pairs.freeze)
            self.doc_freq.settle()
            self.tail_pairs.freeze()
            head.result()  # its error, if any, is raised here
        return self

    def title_count(self, text: str) -> int:
        """How many articles have the key of `text` as their title's. A long ASCII line (a
        paragraph) is known to be none's without its key: its letters and digits alone, all
        in its key, are more bytes than the longest title key has."""
        if self._batch.keys:
            self._flush()
        if (len(text) > self.longest_title and text.isascii()
                and len(text.encode("ascii").translate(None, NOT_KEY_BYTES)) > self.longest_title):
            return 0
        return self.titles.count(line_hash(text))

    def idf(self, word: str) -> float:
        """Inverse document frequency of a word, its likely inflections included (the most
        frequent form counts; an unknown word counts as a word of one article, and so does
        a word of fewer than MIN_WORD_BYTES bytes, never counted):
        log((articles + 1) / (df + 1)) + 0.1. A word most articles use weighs almost nothing;
        in a corpus of one article every word weighs the same."""
        value = self._idf.get(word)
        if value is None:
            self._flush()
            df = max(1, max(self.doc_freq.get(word_key(f)) for f in word_forms(word)))
            value = self._idf[word] = math.log((self.articles + 1) / (df + 1)) + 0.1
        return value

    def unique_idf(self) -> float:
        """The IDF of a word only one article uses (the highest a word of the corpus has)."""
        return math.log((self.articles + 1) / 2) + 0.1

    def head_recurrence(self, text: str) -> int:
        return self.head_pairs.count(line_hash(text))

    def tail_recurrence(self, text: str) -> int:
        return self.tail_pairs.count(line_hash(text))


def gather(pages) -> CorpusStats:
    stats = CorpusStats()
    for page in pages:
        stats.add(page)
    return stats.freeze()
