"""Topical similarity of a line to its own article: the IDF-weighted share of the line's content
words that the article uses. A headline of another story scores low (its rare words, the names
and subjects, are not in the article); the article's own last line scores high. Pure."""

from __future__ import annotations

from newsprep.corpus import CorpusStats
from newsprep.textnorm import content_words, vocabulary, word_forms


def article_vocabulary(title: str, lines: list[str]) -> set[str]:
    """The words of the title and `lines` (the article above the candidate lines)."""
    return vocabulary("\n".join([title, *lines]))


def topic_similarity(line: str, vocab: set[str], stats: CorpusStats | None) -> float | None:
    """Share (0-1) of the line's content words found in `vocab`, each weighted by its IDF over
    the corpus (uniform without statistics). None when the line has no content word."""
    total = shared = 0.0
    for word in content_words(line):
        forms = word_forms(word)
        weight = stats.idf(word) if stats is not None else 1.0
        total += weight
        if not forms.isdisjoint(vocab):
            shared += weight
    return shared / total if total else None
