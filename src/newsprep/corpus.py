"""Corpus-level statistics gathered in the first pass of a build, read by the detectors.

Compact by design: every line and title is kept as a 64-bit hash, never as text; words are
counted (document frequency) for the IDF weights of the topic signal."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from newsprep.hashcount import HashCounter, PairCounter
from newsprep.parse import Page
from newsprep.textnorm import hash64, line_key, title_key, vocabulary, word_forms

STATS_FORMAT = 3  # bump when the fields change (cached pass-1 statistics must not be reused)
DF_CHARS = 4000  # words of an article's first this many characters count for the IDF
DF_MAX_WORDS = 2_000_000  # above this many distinct words, words seen once are dropped
EDGE_LINES = 8  # how many lines at each end of an article are counted for recurrence


@dataclass(slots=True)
class CorpusStats:
    articles: int = 0
    titles: HashCounter = field(default_factory=HashCounter)  # hash(title key) -> articles
    # (hash(line key), hash(title key)) pairs seen at the top / end of an article; the number of
    # distinct titles a line recurs under marks site furniture, not a syndicated copy. Compact
    # numpy counters (newsprep.hashcount), not Python sets: a million articles fit in memory.
    head_pairs: PairCounter = field(default_factory=PairCounter)
    tail_pairs: PairCounter = field(default_factory=PairCounter)
    # word -> number of articles using it (lower-cased words, unstemmed): the IDF of the topic
    # signal, so that a line's rare words weigh more than words every article uses.
    doc_freq: Counter = field(default_factory=Counter)
    _idf: dict = field(default_factory=dict)  # word -> idf, filled as the detectors ask

    def add(self, page: Page, edge: int = EDGE_LINES) -> None:
        self.articles += 1
        tkey = hash64(title_key(page.title))
        self.titles.add(tkey)
        texts = page.texts
        self.doc_freq.update(vocabulary("\n".join([page.title, *texts])[:DF_CHARS]))
        n = len(texts)
        keys = {i: hash64(line_key(texts[i])) for i in (*range(min(edge, n)),
                                                          *range(max(0, n - edge), n))}
        for i in range(min(edge, n)):
            self.head_pairs.add(keys[i], tkey)
        for i in range(max(0, n - edge), n):
            self.tail_pairs.add(keys[i], tkey)
        self._idf = {}

    def merge(self, other: CorpusStats) -> None:
        self.articles += other.articles
        self.titles.merge(other.titles)
        self.doc_freq.update(other.doc_freq)
        if len(self.doc_freq) > DF_MAX_WORDS:
            self._prune_words()
        self.head_pairs.merge(other.head_pairs)
        self.tail_pairs.merge(other.tail_pairs)
        self._idf = {}

    def _prune_words(self) -> None:
        """Lossy counting: forget the words seen in one article only (a missing word weighs as
        a word of one article), so memory stays bounded on a huge corpus."""
        self.doc_freq = Counter({w: c for w, c in self.doc_freq.items() if c > 1})

    def freeze(self) -> CorpusStats:
        """Turn the pair sets into per-line counts; the pairs are dropped (smaller to ship)."""
        self.head_pairs.freeze()
        self.tail_pairs.freeze()
        return self

    def title_count(self, text: str) -> int:
        return self.titles.count(hash64(title_key(text)))

    def idf(self, word: str) -> float:
        """Inverse document frequency of a word, its likely inflections included (the most
        frequent form counts; an unknown word counts as a word of one article):
        log((articles + 1) / (df + 1)) + 0.1. A word most articles use weighs almost nothing;
        in a corpus of one article every word weighs the same."""
        value = self._idf.get(word)
        if value is None:
            df = max(1, max(self.doc_freq.get(f, 0) for f in word_forms(word)))
            value = self._idf[word] = math.log((self.articles + 1) / (df + 1)) + 0.1
        return value

    def unique_idf(self) -> float:
        """The IDF of a word only one article uses (the highest a word of the corpus has)."""
        return math.log((self.articles + 1) / 2) + 0.1

    def head_recurrence(self, text: str) -> int:
        return self.head_pairs.count(hash64(line_key(text)))

    def tail_recurrence(self, text: str) -> int:
        return self.tail_pairs.count(hash64(line_key(text)))


def gather(pages) -> CorpusStats:
    stats = CorpusStats()
    for page in pages:
        stats.add(page)
    return stats.freeze()
