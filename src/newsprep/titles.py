"""The top of an article: repeated titles and page furniture (header lines). Pure functions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from newsprep.config import Config
from newsprep.probes import Stats, head_recurs
from newsprep.textnorm import NOT_KEY_BYTES, blank_marks, nfkc, title_key


@lru_cache(maxsize=1 << 12)  # pure; the title's variants are asked for every line compared
def _variants(text: str, separators: tuple[str, ...]) -> tuple[str, ...]:
    """The line, and the line with a site-name suffix or prefix cut at each separator."""
    out = [text]
    for sep in separators:
        if sep in text:
            head, _, tail = text.rpartition(sep)
            first, _, rest = text.partition(sep)
            out += [head, first, rest, tail]
    return tuple(title_key(v) for v in out if v.strip())


@lru_cache(maxsize=1 << 12)
def title_forms(title: str, separators: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The title's key, and those of its forms long enough to be matched (at least 0.6 of
    the key: a line form equal to a shorter one would be too short to count)."""
    tkey = title_key(title)
    return tkey, tuple(f for f in _variants(title, separators) if f and len(f) >= 0.6 * len(tkey))


@dataclass(frozen=True, slots=True)
class TopSettings:
    """The `[repeated_title]` and `[header]` settings, read once per Config."""

    repeats_on: bool
    separators: tuple[str, ...]
    spaced: bool  # every separator starts and ends with a space (see `repeats_title`)
    min_similarity: float
    search_lines: int
    header_on: bool
    max_recurring_words: int
    min_recurrence: int


def top_settings(cfg: Config) -> TopSettings:
    separators = tuple(cfg.get("repeated_title", "site_suffix_separators", ()))
    return TopSettings(
        cfg.enabled("repeated_title"), separators,
        all(sep[:1] == sep[-1:] == " " for sep in separators),
        cfg.get("repeated_title", "min_similarity", 0.9),
        cfg.get("repeated_title", "search_lines", 6),
        cfg.enabled("header"),
        cfg.get("header", "max_recurring_words", 15),
        cfg.get("header", "min_recurrence", 3))


def is_repeat(line: str, title: str, cfg: Config) -> bool:
    """Whether `line` repeats `title`: same words (case, spacing, punctuation and a site-name
    suffix aside), or nearly the same characters."""
    s = cfg.derived(top_settings)
    return repeats_title(line, title_forms(title, s.separators), s)


@lru_cache(maxsize=1 << 12)
def _longest_words(forms: tuple[str, ...]) -> tuple[str, ...]:
    """The longest word of each form: a form within a line's key has it within the line."""
    return tuple(max(f.split(), key=len) for f in forms)


def _too_long(line: str, forms: tuple[str, tuple[str, ...]], s: TopSettings) -> bool:
    """Whether `line` cannot repeat the title, known without its key: no title form can be in
    its key (a form's longest word is not in the line folded as the key folds it: the key's
    words are that text's runs of word characters), and its ASCII letters and digits alone
    (fewer characters than its key has, if any) are too many for the length rule. Typographic
    marks (`textnorm.blank_marks`) are blanked first: they split words as a space does, so the
    key of the line and of each of its pieces stay what they were, and a line with no other
    non-ASCII character is asked as ASCII. Off ASCII, only where every separator is spaced:
    NFKC never joins characters across a space, so the forms of the pieces of the line are
    pieces of its key (see `repeats_title`)."""
    tkey, tforms = forms
    if not 0 < s.min_similarity <= 1 or not tkey:
        return False
    if not line.isascii():
        line = blank_marks(line)  # the same key, words and letters: ASCII if no other is left
    if line.isascii():
        low = line.lower()
        data = line.encode("ascii")
    elif s.spaced:
        low = nfkc(line).casefold()
        data = low.encode("utf-8", "surrogatepass")
    else:
        return False
    if any(w in low for w in _longest_words(tforms)):
        return False
    return len(data.translate(None, NOT_KEY_BYTES)) >= _fewest_too_many(len(tkey), s.min_similarity)


def _too_many(n: int, k: int, sim: float) -> bool:
    """The length rule: a key of at least `n` characters cannot be `sim`-similar to one of
    `k` (0 < sim <= 1, so it needs n > k)."""
    return 2 * k < sim * (n + k)


@lru_cache(maxsize=1 << 10)
def _fewest_too_many(k: int, sim: float) -> int:
    """The least `n` for which `_too_many(n, k, sim)` holds (0 < sim <= 1): it holds for every
    larger `n` too, as a float product of a larger integer never rounds lower."""
    n = max(k, int(2 * k / sim) - k - 2)  # at most the answer: the real bound is above it
    while not _too_many(n, k, sim):
        n += 1
    return n


# the same, less the line break: deleted, it leaves each line's letters and digits apart
_NOT_KEPT_NOR_BREAK = NOT_KEY_BYTES.replace(b"\n", b"")


def _body_lines(window: list[str], forms: tuple[str, tuple[str, ...]],
                s: TopSettings) -> list[bool]:
    """For each line of an ASCII `window`, whether it cannot repeat the title for `_too_long`'s
    reasons (no title form's longest word in it, too many letters and digits; they hold at any
    length), asked of the whole window at once: one case fold, one search for each longest word
    (none holds a line break, so none is found across two lines; a line where one is found is
    not ruled out) and one count of letters and digits. Off ASCII, all False: each line is then
    asked on its own (`repeats_title`)."""
    tkey, tforms = forms
    if not window or not 0 < s.min_similarity <= 1 or not tkey:
        return [False] * len(window)
    joined = "\n".join(window)
    if not joined.isascii():
        joined = blank_marks(joined)  # the same keys, words and letters (see `_too_long`)
        if not joined.isascii():
            return [False] * len(window)
    kept = joined.encode("ascii").translate(None, _NOT_KEPT_NOR_BREAK).split(b"\n")
    out = list(map(_fewest_too_many(len(tkey), s.min_similarity).__le__, map(len, kept)))
    for i in _lines_holding(joined.lower(), _longest_words(tforms)):
        out[i] = False
    return out


def _lines_holding(text: str, words: tuple[str, ...]) -> set[int]:
    """The numbers of the lines of `text` in which one of `words` (none empty, none holding a
    line break) occurs."""
    found: set[int] = set()
    for word in set(words):
        at = text.find(word)
        while at >= 0:
            found.add(text.count("\n", 0, at))
            end = text.find("\n", at)
            at = -1 if end < 0 else text.find(word, end + 1)
    return found


def repeats_title(line: str, forms: tuple[str, tuple[str, ...]], s: TopSettings) -> bool:
    """`is_repeat`, given the title's `title_forms`."""
    if len(line) > 2 * len(forms[0]) and _too_long(line, forms, s):
        return False  # a body line: its key (the costly part) is not needed
    key, (tkey, tforms) = title_key(line), forms
    if not key or not tkey:
        return False
    if key == tkey:
        return True
    # A form of the line is the key of a piece of it, so a substring of its key: when no title
    # form is, no line form can equal one (the line's forms need not be computed). On ASCII,
    # as the key is made character by character. Otherwise, where the pieces are cut next to
    # spaces: NFKC never joins characters across a space and case folding is character by
    # character, so the words of a piece are a run of the line's words.
    if (tforms and (not (s.spaced or line.isascii())
                         or any(tf in key for tf in tforms))
            and any(lf in tforms for lf in _variants(line, s.separators))):
        return True
    threshold = s.min_similarity
    if 2 * min(len(key), len(tkey)) < threshold * (len(key) + len(tkey)):
        return False  # the lengths alone rule it out: no matcher on a long body line
    # difflib's quick_ratio: most lines of a title's length fail it, and need no
    # SequenceMatcher at all
    if 2.0 * _shared_chars(key, tkey) / (len(key) + len(tkey)) < threshold:
        return False
    return SequenceMatcher(None, key, tkey, autojunk=False).ratio() >= threshold


def _shared_chars(a: str, b: str) -> int:
    """How many characters `a` and `b` share, as multisets (difflib's quick_ratio's count). On
    ASCII, by counting their bytes with numpy (a third of `Counter` and `&`, a Python loop)."""
    if a.isascii() and b.isascii():
        counts = np.bincount(np.frombuffer(a.encode("ascii"), np.uint8), minlength=128)
        other = np.bincount(np.frombuffer(b.encode("ascii"), np.uint8), minlength=128)
        return int(np.minimum(counts, other, out=counts).sum())
    return sum((Counter(a) & Counter(b)).values())


def is_furniture(line: str, stats: Stats | None, cfg: Config) -> bool:
    """A furniture pattern, or a short line that stands at the top of many differently titled
    articles (a long recurring line is more likely a syndicated copy's own first paragraph)."""
    return _furniture(line, stats, cfg, cfg.derived(top_settings))


def _furniture(line: str, stats: Stats | None, cfg: Config, s: TopSettings) -> bool:
    if cfg.header_patterns.search(line.strip()):
        return True
    # (more words than the most: split no further than one word more)
    if stats is None or len(line.split(None, s.max_recurring_words)) > s.max_recurring_words:
        return False
    return head_recurs(stats, line, s.min_recurrence)


def split_top(title: str, lines: list[str], stats: Stats | None, cfg: Config) -> list[str]:
    """Label the first lines: 'repeat', 'header', then stop at the first body line.

    Returns the labels of the leading lines that are not body (possibly empty)."""
    s = cfg.derived(top_settings)
    window = lines[: s.search_lines]
    if s.repeats_on:
        forms = title_forms(title, s.separators)
        ruled_out = _body_lines(window, forms, s)
        repeats = [not out and repeats_title(line, forms, s)
                   for line, out in zip(window, ruled_out, strict=True)]
    else:
        repeats = [False] * len(window)
    last_repeat = len(repeats) - 1 - repeats[::-1].index(True) if True in repeats else -1
    # Lines between the title and its last repeat are furniture; below it, only marked furniture.
    out: list[str] = []
    for i, line in enumerate(window):
        if repeats[i]:
            out.append("repeat")
        elif s.header_on and (i < last_repeat or _furniture(line, stats, cfg, s)):
            out.append("header")
        else:
            break
    while len(out) == len(lines) and out and out[-1] == "header":
        out.pop()  # never take every line: the last one is body, not furniture
    return out
