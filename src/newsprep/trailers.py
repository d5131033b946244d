"""The end of an article: trailer lines that are not part of it (headlines of other articles,
link labels, share/comment boilerplate). Pure functions over the article's lines."""

from __future__ import annotations

import re

from newsprep.config import Config
from newsprep.corpus import CorpusStats
from newsprep.textnorm import stems, title_key, words

_TERMINAL = re.compile(r"""[.!?…:;]["'”’»)\]]*\s*$""")


def is_boilerplate(line: str, cfg: Config) -> bool:
    text = line.strip()
    return any(p.search(text) for p in cfg.trailer_patterns)


def headline_form(line: str, cfg: Config) -> bool:
    """Short, no sentence-final punctuation, starts with a capital or a digit."""
    text = line.strip()
    n = len(words(text))
    if n == 0 or n > cfg.get("trailer", "max_words", 25):
        return False
    return not _TERMINAL.search(text) and (text[0].isupper() or text[0].isdigit())


def topic_overlap(line: str, context: set[str]) -> float:
    """The share of the line's content stems that the article itself uses."""
    own = stems(line)
    if not own:
        return 0.0
    return len(own & context) / len(own)


def trailer_reason(line: str, title: str, context: set[str], stats: CorpusStats | None,
                   cfg: Config) -> str | None:
    """Why `line`, at the end of an article, is a trailer; None if it belongs to the article."""
    if is_boilerplate(line, cfg):
        return "boilerplate"
    if stats is not None and title_key(line) != title_key(title):
        if stats.title_count(line) > 0:
            return "other-title"
        if stats.tail_recurrence(line) >= cfg.get("trailer", "min_recurrence", 3):
            return "recurring"
    if headline_form(line, cfg) and topic_overlap(line, context) <= cfg.get(
        "trailer", "max_topic_overlap", 0.34
    ):
        return "off-topic-headline"
    return None


def count_trailers(title: str, body: list[str], stats: CorpusStats | None, cfg: Config) -> int:
    """How many of the last lines of `body` are trailers (at least one body line is kept)."""
    if not cfg.enabled("trailer") or len(body) < 2:
        return 0
    max_lines = cfg.get("trailer", "max_lines", 8)
    lowest = max(1, len(body) - max_lines)
    line_stems = [stems(text) for text in body]
    prefix = [stems(title).union(*line_stems[:lowest])]  # context of line `lowest`
    for i in range(lowest, len(body) - 1):
        prefix.append(prefix[-1] | line_stems[i])
    n = 0
    for i in range(len(body) - 1, lowest - 1, -1):
        if trailer_reason(body[i], title, prefix[i - lowest], stats, cfg) is None:
            break
        n += 1
    return n
