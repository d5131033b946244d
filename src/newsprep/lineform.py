"""The form of one line: a headline, a sentence, or a fragment (a name, a number, a list item);
link-label prefixes ("Read more: ..."). Pure functions, no corpus knowledge."""

from __future__ import annotations

import re
from functools import lru_cache

HEADLINE = "headline"
SENTENCE = "sentence"
FRAGMENT = "fragment"

_CLOSERS = "\"'”’»)]"
# A full stop (or ; , :) ends the line; a truncation ("..." or "…") does not count as one.
_FINAL_STOP = re.compile(r"(?<!\.\.)[.;,:][" + re.escape(_CLOSERS) + r"]*\s*$")
_FINAL_ASK = re.compile(r"[?!][" + re.escape(_CLOSERS) + r"]*\s*$")
# A sentence end inside the line: a full stop after a word of 3+ letters (not "vs." or "St."),
# a digit or a closing quote, then a capital. ("?" and "!" inside are headline style too:
# "Is your broadband slower at weekends? Here's why".)
_INNER_STOP = re.compile(r"(?:\b(?!(?:Inc|Ltd|Corp|Gov|Sen|Rep|Gen|Col|Sgt)\.)[^\W\d_]{3,}"
                         r"|\d|[\"'”’)])[.][\"'”’]?\s+[\"'“‘]?[A-Z]")
_STOPS, _ASKS = frozenset(".;,:"), frozenset("?!")  # what _FINAL_STOP, _FINAL_ASK end with
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_OPENERS = "\"'“‘«(["
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


# A list marker before an item: "• ", "* ", "» ", "> " (a bullet), or "- ", "1. ", "2) " (which
# also open notes and numbered paragraphs, so they count as markers only inside a list).
_BULLET = re.compile(r"^\s*[•·*>»▪►]+\s+(?=\S)")
_DASH_OR_NUMBER = re.compile(r"^\s*(?:[–—-]+|\d{1,2}[.)])\s+(?=\S)")


def strip_bullet(line: str, in_list: bool = True) -> str:
    """The line without a leading list marker ("• Oil prices fall" -> "Oil prices fall"); a
    dash or a number counts as one only `in_list` (several marked lines together)."""
    if line[:1].isalpha():  # no marker starts with a letter (most lines do)
        return line
    m = _BULLET.match(line) or (_DASH_OR_NUMBER.match(line) if in_list else None)
    return line[m.end():] if m else line


# ASCII letters and digits (`[^\W_]` on ASCII) to "a", all else to a space; an apostrophe
# between two of them joins two runs into one word
_ALNUM_RUNS = bytes(97 if c < 128 and chr(c).isalnum() else 32 for c in range(256))
_ASCII_JOIN = re.compile(r"(?<=[A-Za-z0-9])'(?=[A-Za-z0-9])")


def n_words(text: str) -> int:
    """`len(_WORD.findall(text))`; on ASCII, the runs of letters and digits less the
    apostrophes that join two of them (a byte table, no match object a word)."""
    if not text.isascii():
        return len(_WORD.findall(text))
    runs = len(text.encode("ascii").translate(_ALNUM_RUNS).split())
    return runs - len(_ASCII_JOIN.findall(text)) if "'" in text else runs


def _inner_stop(text: str) -> bool:
    return "." in text and _INNER_STOP.search(text) is not None  # the pattern needs a "."


def _starts_high(text: str) -> bool:
    """Starts with a capital letter, a digit or a currency sign (after any opening quote)."""
    body = text.lstrip(_OPENERS)
    return bool(body) and (body[0].isupper() or body[0].isdigit() or body[0] in "$£€¥")


def line_form(line: str, headline_words: tuple[int, int] = (3, 20)) -> str:
    """HEADLINE: 3-20 words (default), starts high, no full stop at the end or inside ('?' or
    '!' at the end is allowed in short ones; not ending in a bracket, as list items and captions
    do: "Joel Jutge (France)"; no web address); SENTENCE: ends with a full stop and has six words
    or more, or holds two sentences, or starts in lower case; else FRAGMENT."""
    text = line.strip()
    if not text:
        return FRAGMENT
    tail = text[-8:]  # the end marks are in the last few characters: no scan of a long line
    # (each pattern below is only asked where the characters it needs are there)
    ends_stop = bool(_STOPS.intersection(tail)) and bool(_FINAL_STOP.search(tail))
    n = len(text.split(None, 8))  # the words, counted up to 9: only compared with 6 and 8
    if (ends_stop and n >= 6) or text[0].islower():
        return SENTENCE
    inner = None  # whether a sentence ends inside: asked when it decides
    if n >= 8:
        inner = _inner_stop(text)
        if inner:
            return SENTENCE
    if ends_stop:
        return FRAGMENT
    n = n_words(text)
    low, high = headline_words
    if not low <= n <= high or not _starts_high(text):
        return FRAGMENT
    if inner is None and _inner_stop(text):
        return FRAGMENT
    if text[-1] in ")]" or (("/" in text or "." in text) and _URL.search(text)):
        return FRAGMENT  # a web address has "://" or "www."
    if _ASKS.intersection(tail) and _FINAL_ASK.search(tail) and n > high // 2:
        return FRAGMENT
    return HEADLINE


@lru_cache(maxsize=16)
def compile_prefixes(prefixes: tuple[str, ...]) -> re.Pattern | None:
    """One case-insensitive pattern for the link-label prefixes, each followed by a separator."""
    if not prefixes:
        return None
    alternatives = "|".join(f"(?:{p})" for p in prefixes)
    return re.compile(rf"^\s*(?:{alternatives})\s*(?:[:|>»–—-]+|\.{{3}})\s*(?=\S)", re.IGNORECASE)


def strip_link_prefix(line: str, pattern: re.Pattern | None) -> str | None:
    """The rest of the line after a link-label prefix ("Read more: X" -> "X"), else None."""
    if pattern is None:
        return None
    m = pattern.match(line)
    return line[m.end():] if m else None
