"""Hand-written blocks in generated documents (card, datasheet): text between
`<!-- newsprep:keep NAME -->` and `<!-- /newsprep:keep -->` survives regeneration.

Generated text never contains `<!--` from the data (the renderers escape `<`), so data cannot
open or close a block."""

from __future__ import annotations

import re

_OPEN = "<!-- newsprep:keep {name} -->"
_CLOSE = "<!-- /newsprep:keep -->"
_BLOCK = re.compile(
    r"<!-- newsprep:keep ([a-z0-9][a-z0-9-]*) -->\n?(.*?)\n?<!-- /newsprep:keep -->", re.S
)
TODO = "TODO: answer"
ORPHANS_HEADING = "## Kept notes"


def block(name: str, default: str = "") -> str:
    """A keep block named `name` holding `default` until a human edits it."""
    return f"{_OPEN.format(name=name)}\n{default.strip()}\n{_CLOSE}"


def split_front(text: str) -> tuple[str, str]:
    """(YAML front matter with its `---` lines, the rest). Blocks live only in the rest: the
    front matter holds data (a title may contain anything) and is never searched."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            return text[: end + 5], text[end + 5 :]
    return "", text


def extract(text: str | None) -> dict[str, str]:
    """The blocks of `text` by name (the last wins if a name repeats)."""
    body = split_front(text or "")[1]
    return {m.group(1): m.group(2).strip() for m in _BLOCK.finditer(body)}


def merge(rendered: str, old: str | None) -> str:
    """`rendered` with each block's content replaced by the old document's block of that name.

    Blocks of the old document that `rendered` no longer has are appended under
    "Kept notes", so no hand-written text is ever dropped."""
    kept = extract(old)
    names = set()

    def sub(m: re.Match) -> str:
        names.add(m.group(1))
        return block(m.group(1), kept.get(m.group(1), m.group(2)))

    front, body = split_front(rendered)
    out = front + _BLOCK.sub(sub, body)
    orphans = [n for n in kept if n not in names and kept[n]]
    if orphans:
        out = out.rstrip("\n") + f"\n\n{ORPHANS_HEADING}\n\n"
        out += "\n\n".join(block(n, kept[n]) for n in orphans) + "\n"
    return out


def unanswered(text: str) -> list[str]:
    """Names of the blocks still holding only the TODO placeholder (or nothing)."""
    return [name for name, body in extract(text).items() if body in ("", TODO)]
