"""The decisions of the detectors that read corpus-wide statistics ("probes").

Each probe is a pure function of the statistics and a small argument (a line, a threshold),
returning a small answer (a yes/no, a weight). Every detector reads the corpus statistics
through these and nothing else, so a record is a pure function of its article, the settings
and the answers of the probes it made. An incremental build records them (`Recorder`) and
reuses a record made under an earlier corpus when every probe still gives the same answer
(`still_holds`): the output is then the same as a clean build's."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from newsprep.corpus import CorpusStats
from newsprep.topic import Overlap, overlap

Log = list[tuple[str, tuple, Any]]  # (probe name, arguments, answer), in the order asked

PROBES: dict[str, Callable] = {}


class Recorder:
    """Corpus statistics that write down every probe asked of them, with its answer."""

    __slots__ = ("log", "stats")

    def __init__(self, stats: CorpusStats):
        self.stats = stats
        self.log: Log = []


Stats = CorpusStats | Recorder  # what the detectors are given


def probe(fn: Callable) -> Callable:
    """Register `fn(stats, *args)` as a probe; through a `Recorder`, the call is logged."""
    PROBES[fn.__name__] = fn

    @wraps(fn)
    def ask(stats: Stats | None, *args):
        if isinstance(stats, Recorder):
            answer = fn(stats.stats, *args)
            stats.log.append((fn.__name__, args, answer))
            return answer
        return fn(stats, *args)

    return ask


def still_holds(log: Log, stats: CorpusStats) -> bool:
    """Whether every probe of `log` gives the same answer under `stats`."""
    return all(PROBES[name](stats, *args) == answer for name, args, answer in log)


@probe
def title_seen(stats: CorpusStats, text: str) -> bool:
    """Some article of the corpus has `text` as its title."""
    return stats.title_count(text) > 0


@probe
def head_recurs(stats: CorpusStats, text: str, at_least: int) -> bool:
    """`text` stands at the top of at least `at_least` differently titled articles."""
    return stats.head_recurrence(text) >= at_least


@probe
def tail_recurs(stats: CorpusStats, text: str, at_least: int) -> bool:
    """`text` stands at the end of at least `at_least` differently titled articles."""
    return stats.tail_recurrence(text) >= at_least


@probe
def topic_weight(stats: CorpusStats, words: tuple[tuple[str, bool], ...],
                 weights: tuple[float, float, float, float, float]) -> float:
    """The topic evidence of a line whose content words are `words` ((word, the article uses
    it)): `-w_on_topic` for an on-topic line, `w_off_topic` (or half) for an off-topic one
    that names something specific, else 0. `weights`: (on_topic_at_least, w_on_topic,
    off_topic_novel, off_topic_at_most, w_off_topic)."""
    on_at_least, w_on, novel_at_least, off_at_most, w_off = weights
    found: Overlap | None = overlap(words, stats)
    if found is None:
        return 0.0
    if found.share >= on_at_least:
        return -w_on
    if found.novel < novel_at_least:
        return 0.0  # nothing specific the article does not speak of
    if found.share <= off_at_most:
        return w_off
    return w_off / 2
