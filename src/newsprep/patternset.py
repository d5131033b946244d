"""A set of regular expressions asked at once: does any of them match somewhere in a text?

The detectors ask each end line against some thirty patterns. One by one, Python's `re` scans
the line once per pattern (about 27 µs for a 200-character line); RE2's `Set` (google-re2)
scans it once for all of them (about 1 µs). The answer is always that of
`any(re.search(p, text, flags) for p in patterns)`:

- RE2 is used only on text where both engines mean the same thing by `\\w`, `\\b`, `\\s`, `$`
  and case: printable ASCII, tabs and carriage returns, no line break. Other text is asked
  with `re`, pattern by pattern.
- A pattern RE2 cannot compile (look-behind, back-references) is always asked with `re`."""

from __future__ import annotations

import re
from collections.abc import Sequence

import re2

# Text with a character outside these may be read differently by the two engines (Python's `$`
# also matches before a final line break; its `\s` also matches \x0b and \x1c-\x1f).
_NOT_RE2_SAFE = re.compile(r"[^\t\r\x0c\x20-\x7e]")


class PatternSet:
    """`patterns` compiled with `flags` (re.IGNORECASE or 0); `search(text)`: whether any of
    them matches somewhere in `text`. A bad pattern raises `re.error`."""

    __slots__ = ("_each", "_flags", "_patterns", "_python_only", "_set")

    def __init__(self, patterns: Sequence[str], flags: int = 0):
        self._patterns, self._flags = tuple(patterns), flags
        self._each = tuple(re.compile(p, flags) for p in patterns)
        options = re2.Options()
        options.case_sensitive = not flags & re.IGNORECASE
        options.log_errors = False
        rset = re2.Set.SearchSet(options)
        python_only = []
        for pattern, compiled in zip(patterns, self._each, strict=True):
            try:
                rset.Add(pattern)
            except re2.error:
                python_only.append(compiled)
        self._python_only = tuple(python_only)
        self._set = None
        if len(python_only) < len(patterns):
            rset.Compile()
            self._set = rset

    def __reduce__(self):  # RE2's compiled set cannot be pickled: compile it again
        return PatternSet, (self._patterns, self._flags)

    def search(self, text: str) -> bool:
        if self._set is None or _NOT_RE2_SAFE.search(text):
            return any(p.search(text) for p in self._each)
        if self._set.Match(text):
            return True
        return any(p.search(text) for p in self._python_only)
