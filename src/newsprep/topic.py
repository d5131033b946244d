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


def line_words(line: str, vocab: set[str]) -> tuple[tuple[str, bool], ...]:
    """The content words of `line`, sorted, each with whether its article (`vocab`) uses it
    (in some inflection): all that the topic signal needs of the text."""
    return tuple((word, not word_forms(word).isdisjoint(vocab))
                 for word in sorted(content_words(line)))


def overlap(words: tuple[tuple[str, bool], ...], stats: CorpusStats | None) -> Overlap | None:
    """The overlap of a line whose content words are `words` (see `line_words`); None without
    a content word. Summed in word order, so the floats never depend on set order."""
    total = shared = 0.0
    for word, used in words:
        weight = stats.idf(word) if stats is not None else 1.0
        total += weight
        if used:
            shared += weight
    if not total:
        return None
    top = stats.unique_idf() if stats is not None else 1.0
    return Overlap(shared / total, (total - shared) / top)


def topic_overlap(line: str, vocab: set[str], stats: CorpusStats | None) -> Overlap | None:
    """How much of `line` its article (`vocab`) speaks of; None without a content word."""
    return overlap(line_words(line, vocab), stats)


def topic_similarity(line: str, vocab: set[str], stats: CorpusStats | None) -> float | None:
    """The IDF-weighted share (0-1) of the line's content words found in `vocab`."""
    overlap = topic_overlap(line, vocab, stats)
    return None if overlap is None else overlap.share
