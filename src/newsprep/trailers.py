"""The end of an article: trailer lines that are not part of it (headlines of other articles,
link labels, share/comment boilerplate). Pure functions over the article's lines.

The last lines are read bottom-up; each is a trailer if a decisive sign says so (a boilerplate
pattern, a link-label prefix, the title of another article in the corpus) or if the evidence
adds up (`[trailer]` weights in checks/detectors.toml): headline form, off-topic words,
recurrence at the ends of other articles, layout. A caption, credit or sign-off (`keep_patterns`)
and the first line that is not a trailer end the block: what stands above is article text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newsprep.config import Config
from newsprep.errors import NewsprepError
from newsprep.lineform import (
    HEADLINE,
    SENTENCE,
    compile_prefixes,
    line_form,
    n_words,
    strip_bullet,
    strip_link_prefix,
)
from newsprep.parse import Line
from newsprep.patternset import PatternSet
from newsprep.probes import Stats, tail_recurs, title_seen, topic_weight
from newsprep.textnorm import line_hash
from newsprep.titles import TopSettings, repeats_title, title_forms, top_settings
from newsprep.topic import article_vocabulary, line_words

# a margin for the bound of `evidence_reaches` (its sum is added in another order)
_ROUNDING = 1e-9
_RULE = re.compile(r"^\s*([-_=*~#•·+])(\s*\1){2,}\s*$")


@lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...], path: str, key: str) -> PatternSet:
    try:
        return PatternSet(patterns, re.IGNORECASE)
    except re.error as exc:
        raise NewsprepError(f"{path}: [trailer] bad {key}: {exc}") from None


@dataclass(frozen=True, slots=True)
class TrailerSettings:
    """The `[trailer]` settings, read (and their patterns compiled) once per Config."""

    boilerplate: PatternSet
    keep: PatternSet
    link_prefix: re.Pattern | None
    other_titles: bool
    own_title: bool
    headline_words: tuple[int, int]
    w_form: dict[str, float]  # by line form: + w_headline, - w_sentence
    min_recurrence: int
    w_recurring: float
    layout: bool
    w_glued: float
    w_run: float
    threshold: float
    topic: bool
    topic_band: tuple[float, float]  # the scores where the topic can still change the outcome
    topic_weights: tuple[float, float, float, float, float]
    topic_lift: float  # the most `topic_weight` can add: -w_on, w_off or w_off / 2 (0 if off)
    enabled: bool
    max_lines: int
    blank_layout_share: float


def trailer_settings(cfg: Config) -> TrailerSettings:
    w = cfg.section("trailer")
    threshold, w_off, w_on = w.get("threshold", 2.0), w.get("w_off_topic", 1.0), w.get(
        "w_on_topic", 1.0)
    return TrailerSettings(
        boilerplate=_patterns(cfg, "patterns"), keep=_patterns(cfg, "keep_patterns"),
        link_prefix=link_prefix_pattern(cfg),
        other_titles=w.get("other_titles", True), own_title=w.get("own_title", True),
        headline_words=(w.get("headline_min_words", 3), w.get("headline_max_words", 20)),
        w_form={HEADLINE: w.get("w_headline", 1.5), SENTENCE: -w.get("w_sentence", 1.5)},
        min_recurrence=w.get("min_recurrence", 3), w_recurring=w.get("w_recurring", 1.0),
        layout=w.get("layout", True), w_glued=w.get("w_glued", 1.0), w_run=w.get("w_run", 0.5),
        threshold=threshold, topic=w.get("topic", True),
        topic_band=(threshold - w_off, threshold + w_on),
        topic_weights=(w.get("on_topic_at_least", 0.5), w_on, w.get("off_topic_novel", 1.0),
                       w.get("off_topic_at_most", 0.3), w_off),
        topic_lift=max(0.0, -w_on, w_off) if w.get("topic", True) else 0.0,
        enabled=cfg.enabled("trailer"), max_lines=w.get("max_lines", 10),
        blank_layout_share=w.get("blank_layout_share", 0.8))


def _patterns(cfg: Config, key: str) -> PatternSet:
    return _compiled(tuple(cfg.get("trailer", key, [])), cfg.path, key)


def is_boilerplate(line: str, cfg: Config) -> bool:
    """Site boilerplate: a link label, a share/comment/subscribe call, tags, an ad."""
    return cfg.derived(trailer_settings).boilerplate.search(line.strip())


def is_kept(line: str, cfg: Config) -> bool:
    """A caption, photo credit, wire sign-off or author bio: part of the article."""
    return cfg.derived(trailer_settings).keep.search(line.strip())


def link_prefix_pattern(cfg: Config) -> re.Pattern | None:
    prefixes = tuple(cfg.get("trailer", "link_prefixes", []))
    try:
        return compile_prefixes(prefixes)
    except re.error as exc:
        raise NewsprepError(f"{cfg.path}: [trailer] bad link_prefixes: {exc}") from None


def is_other_title(text: str, title: str, stats: Stats | None) -> bool:
    """The line is the title of another article of the corpus (not this article's own). The
    corpus is asked first: it knows a paragraph is no title without its key. Keys are then
    compared by the hash the corpus counts them under (`textnorm.line_hash`, which the lookup
    made): a long line's key is never made as a string."""
    return (stats is not None and title_seen(stats, text)
            and line_hash(text) != line_hash(title))


@dataclass(slots=True)
class _Walk:
    """One article's end, read bottom-up: what deciding a line may look at besides the line."""

    title: str
    forms: tuple[str, tuple[str, ...]]  # the title's forms (`titles.title_forms`)
    texts: list[str]  # the lines' texts
    blanks: list[bool]  # for each line, whether a blank line stood before it
    stats: Stats | None
    blank_layout: bool  # the article separates its paragraphs with blank lines
    s: TrailerSettings
    top: TopSettings
    below_is_trailer: bool = False

    def vocab(self, i: int) -> set[str]:
        """The words of the title and of the lines above line `i`."""
        return article_vocabulary(self.title, self.texts[:i])


def decisive_reason(line: str, w: _Walk) -> str | None:
    """A sign that settles it: boilerplate, a link label, another article's title, or the
    article's own title repeated at its end."""
    s = w.s
    stripped = line.strip()
    if s.boilerplate.search(stripped):
        return "boilerplate"
    if strip_link_prefix(line, s.link_prefix) is not None:
        return "link-label"
    if (s.other_titles and is_other_title(line, w.title, w.stats)
            and n_words(line) >= s.headline_words[0] and not s.keep.search(stripped)):
        return "other-title"  # not a one-word title such as "Reuters" or "Letters"
    if s.own_title and repeats_title(line, w.forms, w.top):
        return "own-title"
    return None


def evidence_reaches(line: Line, i: int, w: _Walk, below_glued: bool) -> bool:
    """Whether the weighed evidence that `line` (line `i`) is a trailer reaches `threshold`.
    The signs read from the corpus (recurrence, then the costly topic) are only read when they
    can change the outcome: not for a line that would fall short even with both at their most
    (a sentence, with the default weights)."""
    s = w.s
    text = line.text.strip()
    form = line_form(text, s.headline_words)
    recurring = s.w_recurring * (0.5 if form == SENTENCE else 1.0)
    glued = s.w_glued if w.blank_layout and not line.blank_before and s.layout else 0.0
    run = s.w_run if w.below_is_trailer and (below_glued or not w.blank_layout) else 0.0
    score = s.w_form.get(form, 0)
    if score + max(0.0, recurring) + glued + run + s.topic_lift < s.threshold - _ROUNDING:
        return False
    if w.stats is not None and tail_recurs(w.stats, text, s.min_recurrence):
        score += recurring
    score += glued  # added in this order, as always: the same sums to the last bit
    score += run
    if s.topic and s.topic_band[0] <= score < s.topic_band[1]:
        score += topic_weight(w.stats, line_words(text, w.vocab(i)), s.topic_weights)
    return score >= s.threshold


def is_trailer(i: int, w: _Walk) -> bool:
    """Whether line `i` is a trailer; the marker of a list item ("• ", "- ", "1. ") is looked
    through (for the weighed evidence, one dash-led line alone is a note, "- The match will be
    shown on BBC One", not a list item)."""
    text = w.texts[i]
    if not text[:1].isalpha() and _RULE.match(text):  # a rule starts with none of its letters
        return w.below_is_trailer  # a rule ("___", "* * *") above a trailer block joins it
    marked = strip_bullet(text)
    if decisive_reason(marked, w) is not None:
        return True
    item = text
    if marked is not text:  # a list marker: a dash or a number only counts inside a list
        item = marked if _in_list(w.texts, i) else strip_bullet(text, False)
    glued = i + 1 < len(w.texts) and not w.blanks[i + 1]
    return (evidence_reaches(Line(item, w.blanks[i]), i, w, glued)
            and not w.s.keep.search(item.strip()))


def blank_layout(blanks: list[bool], cfg: Config) -> bool:
    """Whether the article separates its paragraphs with blank lines (`blanks`: for each line,
    whether a blank line stood before it; a list glued to the end, such as a trailer block,
    left out): then a line glued to the one above is a sign."""
    end = len(blanks)
    while end > 1 and not blanks[end - 1]:
        end -= 1
    flags = blanks[1:end]
    share = cfg.derived(trailer_settings).blank_layout_share
    return sum(flags) >= 2 and sum(flags) >= share * len(flags)


def count_trailers(title: str, texts: list[str], blanks: list[bool], stats: Stats | None,
                   cfg: Config) -> int:
    """How many of the last lines (the article below its title block: `texts`, and for each
    whether a blank line stood before it, `blanks`) are trailers.

    At least one line is always kept as the article."""
    s = cfg.derived(trailer_settings)
    if not s.enabled or len(texts) < 2:
        return 0
    top = cfg.derived(top_settings)
    w = _Walk(title, title_forms(title, top.separators), texts, blanks, stats,
              blank_layout(blanks, cfg), s, top)
    n = 0
    for i in range(len(texts) - 1, max(1, len(texts) - s.max_lines) - 1, -1):
        w.below_is_trailer = n > 0
        if not is_trailer(i, w):
            break
        n += 1
    return n


def _in_list(texts: list[str], i: int) -> bool:
    """Line `i` and the line above or below it both carry a list marker."""
    if strip_bullet(texts[i]) is texts[i]:
        return False
    return any(0 <= j < len(texts) and strip_bullet(texts[j]) is not texts[j]
               for j in (i - 1, i + 1))
