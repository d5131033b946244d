"""Topical similarity of a line to its own article: the IDF-weighted share of the line's content
words that the article uses. A headline of another story scores low (its rare words, the names
and subjects, are not in the article); the article's own last line scores high. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from newsprep.corpus import CorpusStats
from newsprep.textnorm import content_words, vocabulary, word_forms


def article_vocabulary(title: str, lines: list[str]) -> set[str]:
    """The words of the title and `lines` (the article above the candidate lines)."""
    return vocabulary("\n".join([title, *lines]))


@dataclass(frozen=True, slots=True)
class Overlap:
    """`share`: IDF-weighted share (0-1) of the line's content words that its article uses.
    `novel`: the weight of the words it does not use, in units of the weight of a word only one
    article uses (a line of common words, "So what happens next?", is about nothing else)."""

    share: float
    novel: float


def topic_overlap(line: str, vocab: set[str], stats: CorpusStats | None) -> Overlap | None:
    """How much of `line` its article (`vocab`) speaks of; None without a content word."""
    total = shared = 0.0
    for word in content_words(line):
        weight = stats.idf(word) if stats is not None else 1.0
        total += weight
        if not word_forms(word).isdisjoint(vocab):
            shared += weight
    if not total:
        return None
    top = stats.unique_idf() if stats is not None else 1.0
    return Overlap(shared / total, (total - shared) / top)


def topic_similarity(line: str, vocab: set[str], stats: CorpusStats | None) -> float | None:
    """The IDF-weighted share (0-1) of the line's content words found in `vocab`."""
    overlap = topic_overlap(line, vocab, stats)
    return None if overlap is None else overlap.share
