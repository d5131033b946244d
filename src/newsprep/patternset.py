"""A set of regular expressions asked at once: does any of them match somewhere in a text?

The detectors ask each end line against some thirty patterns. One by one, Python's `re` scans
the line once per pattern (about 27 µs for a 200-character line); RE2's `Set` (google-re2)
scans it once for all of them (about 1 µs). The answer is always that of
`any(re.search(p, text, flags) for p in patterns)`:

- On plain ASCII (printable, tabs and carriage returns, no line break) both engines mean the
  same thing by `\\w`, `\\b`, `\\s`, `$` and case: RE2's answer is the answer.
- On other text (curly quotes, dashes, accents: half the lines of real news), RE2 asks
  *widened* patterns first: each class and each `\\w`, `\\d`, `\\s` also takes any non-ASCII
  character (and the odd ASCII spaces Python counts as `\\s`), each `\\b`, `\\B` is dropped.
  A widened pattern matches wherever the pattern matches under Python's rules, so when no
  widened pattern matches, no pattern does (the common case); the patterns whose widened
  form did match are then asked with `re`.
- A non-ASCII character of a pattern is widened to any non-ASCII character (a class holding
  one is widened as any class is), unless it is one of those that Python's IGNORECASE matches
  with an ASCII letter (İ, ı, ſ, the Kelvin sign): such a pattern is asked with `re` off ASCII.
- A pattern RE2 cannot compile (look-behind, back-references, `{,n}`) is always asked with `re`;
  so are all of them on text RE2 cannot read as Python does at all (a line break, the dotted or
  dotless i, a lone surrogate)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import re2

# Text with a character outside these may be read differently by the two engines (Python's `$`
# also matches before a final line break; its `\s` also matches \x0b and \x1c-\x1f).
_NOT_RE2_SAFE = re.compile(r"[^\t\r\x0c\x20-\x7e]")
# Text no widened pattern may be asked on: Python's `$` and a final line break; "İ" and "ı",
# which Python's IGNORECASE matches with "i" and RE2's does not; a lone surrogate (not UTF-8).
# (`_not_widenable` and `_utf8` look for them.)
def _not_widenable(text: str) -> bool:
    """The text holds a line break, "İ" or "ı" (see above; `_utf8` finds the surrogates): three
    scans in C, a twentieth of a regex search's cost."""
    return "\n" in text or "\u0130" in text or "\u0131" in text


def _utf8(text: str) -> bytes | None:
    """The UTF-8 bytes RE2 reads; None for text with a lone surrogate (not UTF-8)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


# What a widened class or `\w`, `\d`, `\s` also takes (RE2 syntax): any non-ASCII character, and
# \x0b and \x1c-\x1f, which Python's `\s` matches and RE2's does not.
_WIDE = r"[\x0b\x1c-\x1f\x{80}-\x{10ffff}]"


def for_re2(pattern: str) -> str | None:
    """`pattern` where RE2 reads it as Python's `re` does on plain ASCII, else None: `{,n}` (RE2:
    the literal text) or a `[` in a class (RE2: `[[:alpha:]]` a POSIX class; Python: a class
    and a "]"). What else RE2 cannot read fails to compile."""
    return pattern if _rewrite(pattern, wide=False) is not None else None


# Non-ASCII characters that Python's IGNORECASE matches with ASCII letters ("i", "I", "s", "k")
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")


def widened(pattern: str) -> str | None:
    """`pattern` for RE2, matching at least wherever `pattern` matches in Python's `re` (see the
    module's docstring), or None where that cannot be promised (a character that folds to an
    ASCII letter, and what `for_re2` refuses)."""
    if not pattern.isascii() and not _FOLDS_TO_ASCII.isdisjoint(pattern):
        return None
    return _rewrite(pattern, wide=True)


def _rewrite(pattern: str, wide: bool) -> str | None:
    if "{," in pattern:
        return None
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 == len(pattern):
                return None
            e = pattern[i + 1]
            out.append(pattern[i: i + 2] if not wide else "(?:)" if e in "bB" else
                       f"(?:\\{e}|{_WIDE})" if e in "wdsWDS" else pattern[i: i + 2])
            i += 2
        elif c == "[":
            end = _class_end(pattern, i)
            if end is None:
                return None
            out.append(f"(?:{pattern[i:end]}|{_WIDE})" if wide else pattern[i:end])
            i = end
        else:
            out.append(_WIDE if wide and not c.isascii() else c)
            i += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int | None:
    """The index after the `]` closing the class opened at `start`; None for a class holding a
    `[` (Python and RE2 read `[[:alpha:]]` differently) or an unclosed one."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a "]" first in a class is itself
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
        elif c == "[":
            return None
        elif c == "]":
            return i + 1
        else:
            i += 1
    return None


class PatternSet:
    """`patterns` compiled with `flags` (re.IGNORECASE or 0); `search(text)`: whether any of
    them matches somewhere in `text`. A bad pattern raises `re.error`."""

    __slots__ = ("_each", "_flags", "_patterns", "_python_only", "_set", "_wide",
                 "_wide_each", "_wide_python")

    def __init__(self, patterns: Sequence[str], flags: int = 0):
        self._patterns, self._flags = tuple(patterns), flags
        self._each = tuple(re.compile(p, flags) for p in patterns)
        self._set, python_only = self._compile([for_re2(p) for p in patterns], flags)
        self._python_only = tuple(self._each[k] for k in python_only)
        self._wide, wide_python = self._compile([widened(p) for p in patterns], flags)
        self._wide_python = tuple(self._each[k] for k in wide_python)
        added = [k for k in range(len(patterns)) if k not in set(wide_python)]
        self._wide_each = tuple(self._each[k] for k in added)  # by the set's own numbering

    @staticmethod
    def _compile(patterns: list[str | None], flags: int):
        """(RE2 set of the patterns it can read, or None; indices of those it cannot)."""
        options = re2.Options()
        options.case_sensitive = not flags & re.IGNORECASE
        options.log_errors = False
        rset, left = re2.Set.SearchSet(options), []
        for k, pattern in enumerate(patterns):
            try:
                if pattern is None:
                    raise re2.error("not for RE2")
                rset.Add(pattern)
            except re2.error:
                left.append(k)
        if len(left) == len(patterns):
            return None, left
        rset.Compile()
        return rset, left

    def __reduce__(self):  # RE2's compiled set cannot be pickled: compile it again
        return PatternSet, (self._patterns, self._flags)

    def search(self, text: str) -> bool:
        rset = self._set
        # printable ASCII (most lines) is RE2-safe: two C scans instead of a regex search
        if rset is None or not (text.isascii() and text.isprintable()
                                or not _NOT_RE2_SAFE.search(text)):
            return self._search_wide(text)
        if rset.Match(text):
            return True
        return bool(self._python_only) and any(p.search(text) for p in self._python_only)

    def _search_wide(self, text: str) -> bool:
        data = None if self._wide is None or _not_widenable(text) else _utf8(text)
        if data is None:
            return any(p.search(text) for p in self._each)
        hits = self._wide.Match(data) if self._wide_each else None
        if hits and any(self._wide_each[k].search(text) for k in sorted(hits)):
            return True
        return any(p.search(text) for p in self._wide_python)
