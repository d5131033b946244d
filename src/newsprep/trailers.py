"""The end of an article: trailer lines that are not part of it (headlines of other articles,
link labels, share/comment boilerplate). Pure functions over the article's lines.

The last lines are read bottom-up; each is a trailer if a decisive sign says so (a boilerplate
pattern, a link-label prefix, the title of another article in the corpus) or if the evidence
adds up (`[trailer]` weights in checks/detectors.toml): headline form, off-topic words,
recurrence at the ends of other articles, layout. A caption, credit or sign-off (`keep_patterns`)
and the first line that is not a trailer end the block: what stands above is article text."""

from __future__ import annotations

import re
from collections.abc import Callable
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
from newsprep.textnorm import title_key
from newsprep.titles import is_repeat
from newsprep.topic import article_vocabulary, line_words

_RULE = re.compile(r"^\s*([-_=*~#•·+])(\s*\1){2,}\s*$")


@dataclass(frozen=True, slots=True)
class Context:
    """What a decision about one end line may look at besides the line itself."""

    title: str
    vocab: Callable[[], set[str]]  # words of the title and the article above the line (lazy)
    stats: Stats | None
    blank_layout: bool  # the article separates its paragraphs with blank lines
    below_is_trailer: bool = False
    below_glued: bool = False  # the line below has no blank line before it
    in_list: bool = False  # the line and a neighbour both start with a list marker


@lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...], path: str, key: str) -> PatternSet:
    try:
        return PatternSet(patterns, re.IGNORECASE)
    except re.error as exc:
        raise NewsprepError(f"{path}: [trailer] bad {key}: {exc}") from None


def _matches(line: str, cfg: Config, key: str) -> bool:
    return _compiled(tuple(cfg.get("trailer", key, [])), cfg.path, key).search(line.strip())


def is_boilerplate(line: str, cfg: Config) -> bool:
    """Site boilerplate: a link label, a share/comment/subscribe call, tags, an ad."""
    return _matches(line, cfg, "patterns")


def is_kept(line: str, cfg: Config) -> bool:
    """A caption, photo credit, wire sign-off or author bio: part of the article."""
    return _matches(line, cfg, "keep_patterns")


def link_prefix_pattern(cfg: Config) -> re.Pattern | None:
    prefixes = tuple(cfg.get("trailer", "link_prefixes", []))
    try:
        return compile_prefixes(prefixes)
    except re.error as exc:
        raise NewsprepError(f"{cfg.path}: [trailer] bad link_prefixes: {exc}") from None


def is_other_title(text: str, title: str, stats: Stats | None) -> bool:
    """The line is the title of another article of the corpus (not this article's own)."""
    return (stats is not None and title_key(text) != title_key(title)
            and title_seen(stats, text))


def decisive_reason(line: str, ctx: Context, cfg: Config) -> str | None:
    """A sign that settles it: boilerplate, a link label, another article's title, or the
    article's own title repeated at its end."""
    if is_boilerplate(line, cfg):
        return "boilerplate"
    if strip_link_prefix(line, link_prefix_pattern(cfg)) is not None:
        return "link-label"
    if (cfg.get("trailer", "other_titles", True) and is_other_title(line, ctx.title, ctx.stats)
            and n_words(line) >= cfg.get("trailer", "headline_min_words", 3)
            and not is_kept(line, cfg)):
        return "other-title"  # not a one-word title such as "Reuters" or "Letters"
    if cfg.get("trailer", "own_title", True) and is_repeat(line, ctx.title, cfg):
        return "own-title"
    return None


def _topic_score(text: str, ctx: Context, w: dict) -> float:
    weights = (w.get("on_topic_at_least", 0.5), w.get("w_on_topic", 1.0),
               w.get("off_topic_novel", 1.0), w.get("off_topic_at_most", 0.3),
               w.get("w_off_topic", 1.0))
    return topic_weight(ctx.stats, line_words(text, ctx.vocab()), weights)


def evidence(line: Line, ctx: Context, cfg: Config) -> float:
    """The weighed evidence that `line` is a trailer (>= `threshold` makes it one). The topic
    (the costly signal) is only weighed when it can change the outcome."""
    w = cfg.section("trailer")
    text = line.text.strip()
    form = line_form(text, (w.get("headline_min_words", 3), w.get("headline_max_words", 20)))
    score = {HEADLINE: w.get("w_headline", 1.5), SENTENCE: -w.get("w_sentence", 1.5)}.get(form, 0)
    if ctx.stats is not None and tail_recurs(ctx.stats, text, w.get("min_recurrence", 3)):
        score += w.get("w_recurring", 1.0) * (0.5 if form == SENTENCE else 1.0)
    if ctx.blank_layout and not line.blank_before and w.get("layout", True):
        score += w.get("w_glued", 1.0)
    if ctx.below_is_trailer and (ctx.below_glued or not ctx.blank_layout):
        score += w.get("w_run", 0.5)
    threshold = w.get("threshold", 2.0)
    if w.get("topic", True) and (threshold - w.get("w_off_topic", 1.0) <= score
                                 < threshold + w.get("w_on_topic", 1.0)):
        score += _topic_score(text, ctx, w)
    return score


def is_trailer(line: Line, ctx: Context, cfg: Config) -> bool:
    """Whether `line` is a trailer; the marker of a list item ("• ", "- ", "1. ") is looked
    through (for the weighed evidence, one dash-led line alone is a note, "- The match will be
    shown on BBC One", not a list item)."""
    if _RULE.match(line.text):
        return ctx.below_is_trailer  # a rule ("___", "* * *") above a trailer block joins it
    if decisive_reason(strip_bullet(line.text), ctx, cfg) is not None:
        return True
    item = strip_bullet(line.text, ctx.in_list)
    if item is not line.text:
        line = Line(item, line.blank_before)
    return (evidence(line, ctx, cfg) >= cfg.get("trailer", "threshold", 2.0)
            and not is_kept(line.text, cfg))


def blank_layout(lines: list[Line], cfg: Config) -> bool:
    """Whether the article separates its paragraphs with blank lines (a list glued to the end,
    such as a trailer block, left out): then a line glued to the one above is a sign."""
    end = len(lines)
    while end > 1 and not lines[end - 1].blank_before:
        end -= 1
    flags = [line.blank_before for line in lines[1:end]]
    share = cfg.get("trailer", "blank_layout_share", 0.8)
    return sum(flags) >= 2 and sum(flags) >= share * len(flags)


def count_trailers(title: str, lines: list[Line], stats: Stats | None, cfg: Config) -> int:
    """How many of the last `lines` (the article below its title block) are trailers.

    At least one line is always kept as the article."""
    if not cfg.enabled("trailer") or len(lines) < 2:
        return 0
    lowest = max(1, len(lines) - cfg.get("trailer", "max_lines", 10))
    blank = blank_layout(lines, cfg)
    texts = [line.text for line in lines]
    n = 0
    for i in range(len(lines) - 1, lowest - 1, -1):
        glued = i + 1 < len(lines) and not lines[i + 1].blank_before
        ctx = Context(title, _vocab_above(title, lines, i), stats, blank,
                      below_is_trailer=n > 0, below_glued=glued, in_list=_in_list(texts, i))
        if not is_trailer(lines[i], ctx, cfg):
            break
        n += 1
    return n


def _in_list(texts: list[str], i: int) -> bool:
    """Line `i` and the line above or below it both carry a list marker."""
    if strip_bullet(texts[i]) is texts[i]:
        return False
    return any(0 <= j < len(texts) and strip_bullet(texts[j]) is not texts[j]
               for j in (i - 1, i + 1))


def _vocab_above(title: str, lines: list[Line], i: int) -> Callable[[], set[str]]:
    """The words of the title and of the lines above line `i`, computed on first use."""
    cache: list[set[str]] = []

    def get() -> set[str]:
        if not cache:
            cache.append(article_vocabulary(title, [line.text for line in lines[:i]]))
        return cache[0]

    return get
