"""Variants of a labelled set, derived from its line labels, to measure the detectors on layouts
the set itself does not have: no blank lines, prefixed or bulleted trailers, wire datelines and
sign-offs, photo captions at the end. Pure: (raw text, label) -> (raw text, label);
deterministic."""

from __future__ import annotations

import copy
from collections.abc import Callable

from newsprep.errors import UsageError
from newsprep.textnorm import hash64

TRAILER_PREFIXES = ("Read more: ", "More news: ", "Related: ", "See also: ", "READ MORE: ",
                    "Also read: ", "Related story: ", "More: ", "Read More - ", "RELATED: ")
DATELINES = ("LONDON (Reuters) - ", "WASHINGTON (AP) — ", "PARIS, Jan 12 (AFP) - ",
             "NEW YORK — ", "BRUSSELS, March 3 (Reuters) - ")
SIGN_OFFS = ("(Reporting by Kate Holton; Editing by Mark Potter)", "Reuters", "REUTER",
             "-- Associated Press writers contributed to this report.", "(AP)",
             "Additional reporting by Sarah Young")
CAPTION_CREDITS = (" (Photo: Reuters)", ". Photo: Getty Images", " (AP Photo)",
                   ". Picture: PA")


def _pick(options: tuple[str, ...], *key: object) -> str:
    return options[hash64("\x00".join(map(str, key))) % len(options)]


def _nonblank_index(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip()]


def collapsed(text: str, label: dict) -> tuple[str, dict]:
    """Every blank line removed: paragraphs separated by single newlines."""
    lines = [line for line in text.split("\n") if line.strip()]
    end = "\n" if text.endswith("\n") else ""
    return "\n".join(lines) + end, label


def prefixed(text: str, label: dict) -> tuple[str, dict]:
    """Each trailer line gets a link-label prefix ("Read more: ", "Related: ", ...)."""
    lines = text.split("\n")
    idx = _nonblank_index(lines)
    n = len(label.get("trailer_lines", []))
    label = copy.deepcopy(label)
    new = []
    for k, i in enumerate(idx[len(idx) - n:] if n else []):
        lines[i] = _pick(TRAILER_PREFIXES, label["file"], k) + lines[i]
        new.append(lines[i])
    label["trailer_lines"] = new
    return "\n".join(lines), label


def bulleted(text: str, label: dict) -> tuple[str, dict]:
    """The trailer lines as a list: each gets a marker ("• ", "- ", "* ")."""
    lines = text.split("\n")
    idx = _nonblank_index(lines)
    n = len(label.get("trailer_lines", []))
    label = copy.deepcopy(label)
    marker = _pick(("• ", "- ", "* ", "» "), label["file"], "bullet")
    new = []
    for i in idx[len(idx) - n:] if n else []:
        lines[i] = marker + lines[i]
        new.append(lines[i])
    label["trailer_lines"] = new
    return "\n".join(lines), label


def _insert_after_body(text: str, label: dict, line: str) -> str:
    """`line` as a new paragraph right after the last body line (before any trailers)."""
    lines = text.split("\n")
    idx = _nonblank_index(lines)
    last_body = idx[len(idx) - len(label.get("trailer_lines", [])) - 1]
    sep = [""] if last_body + 1 < len(lines) and not lines[last_body + 1].strip() else []
    lines[last_body + 1: last_body + 1] = [*sep, line] if sep else [line]
    return "\n".join(lines)


def wire(text: str, label: dict) -> tuple[str, dict]:
    """A wire dateline opens the body; a sign-off closes it (a sign-off may go either way)."""
    label = copy.deepcopy(label)
    lines = text.split("\n")
    first = label.get("body_first_line")
    if first and first in lines:
        i = lines.index(first)
        lines[i] = label["body_first_line"] = _pick(DATELINES, label["file"]) + first
    sign_off = _pick(SIGN_OFFS, label["file"], "sign-off")
    label["tail_boilerplate_kept"] = [*label.get("tail_boilerplate_kept", []), sign_off]
    return _insert_after_body("\n".join(lines), label, sign_off), label


def captions(text: str, label: dict) -> tuple[str, dict]:
    """A photo caption about the article (the opening words of its first or last body line) as
    the last body line: kept."""
    first = label.get("body_first_line") or label.get("body_last_line") or ""
    words = first.split()[:8]
    caption = " ".join(words).rstrip(",.;:") + _pick(CAPTION_CREDITS, label["file"], "caption")
    label = copy.deepcopy(label)
    label["body_last_line"] = caption
    return _insert_after_body(text, label, caption), label


VARIANTS: dict[str, Callable[[str, dict], tuple[str, dict]]] = {
    "collapsed": collapsed, "prefixed": prefixed, "bulleted": bulleted, "wire": wire,
    "captions": captions,
}
ISOLATED = "isolated"  # not a text change: every article is a corpus of its own


def parse_variant(spec: str | None) -> list[str]:
    """`"collapsed+prefixed"` -> ["collapsed", "prefixed"]; text changes apply in that order."""
    names = [n.strip() for n in (spec or "").replace(",", "+").split("+") if n.strip()]
    for name in names:
        if name not in VARIANTS and name != ISOLATED:
            known = ", ".join([*VARIANTS, ISOLATED])
            raise UsageError(f"unknown variant {name!r} (known: {known})")
    return names


def apply(names: list[str], text: str, label: dict) -> tuple[str, dict]:
    for name in names:
        if name in VARIANTS:
            text, label = VARIANTS[name](text, label)
    return text, label
