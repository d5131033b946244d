"""One raw article to one record (a dict of the columns in `schema.COLUMNS`), or a quarantine."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsprep import flags as F
from newsprep.config import Config
from newsprep.corpus import CorpusStats
from newsprep.ingest import Quarantined, RawArticle
from newsprep.parse import Page, parse_page
from newsprep.segment import segment
from newsprep.textnorm import hash_hex, nfkc, squash, title_key


def article_id(raw: RawArticle) -> str:
    """The given id of a JSON Lines article, else a hash of its source path (stable, unique)."""
    return raw.given_id if raw.given_id is not None else hash_hex(raw.source)[:16]


def page_of(raw: RawArticle) -> Page:
    return parse_page(raw.text, raw.title)


# str.split() whitespace that NFKC keeps (the other non-ASCII spaces become " ")
_NFKC_SPACES = ("\x85", "\u1680", "\u2028", "\u2029")
# a bytes.translate table: ASCII whitespace (str.split()'s: \t-\r, \x1c-\x1f, space) to a
# space, all else kept
_TO_SPACE = bytes(32 if chr(c).isspace() else c for c in range(128)) + bytes(range(128, 256))
# two spaces in a row: found by `re` in half the time of `in` (which stops at every space)
_TWO_SPACES = re.compile(b"  ")


def content_hash(title: str, text: str) -> str:
    """hash_hex(title_key(title), squash(text)): the exact-duplicate key of a record's text."""
    return paragraphs_hash(title, text.split("\n\n"))


def paragraphs_hash(title: str, paragraphs: Sequence[str]) -> str:
    """content_hash(title, "\\n\\n".join(paragraphs)), for any strings: a line feed and a space
    are both whitespace to squash, and NFKC neither composes nor reorders across either, so the
    paragraphs may be joined by a space, as squash would leave them. Fast path: after NFKC, no
    whitespace but ASCII, and once each whitespace character is a space, no two in a row nor
    at either end; then squash only maps each whitespace character to a space."""
    joined = " ".join(paragraphs)
    if not joined.isascii():
        joined = nfkc(joined)
        if any(space in joined for space in _NFKC_SPACES):
            return hash_hex(title_key(title), squash(joined))
    spaced = joined.encode("utf-8", "surrogatepass").translate(_TO_SPACE)
    if _TWO_SPACES.search(spaced) or spaced[:1] == b" " or spaced[-1:] == b" ":
        return hash_hex(title_key(title), squash(joined))
    return hash_hex(title_key(title), spaced)


def make_record(raw: RawArticle, stats: CorpusStats | None, cfg: Config) -> dict | Quarantined:
    """The record of `raw` before the corpus-wide duplicate pass (`duplicate_of` is None)."""
    page = page_of(raw)
    if not page.title:
        return Quarantined(raw.source, "empty", "no title line")
    seg = segment(page, stats, cfg)
    if not seg.body:
        return Quarantined(raw.source, "no-body", "a title but no body text")
    text = seg.text
    flags = []  # in sorted order, as the schema's list of flags keeps them
    if raw.repaired:
        flags.append(F.ENCODING_REPAIRED)
    if seg.header_lines:
        flags.append(F.HEADER_NOISE)
    if seg.trailer_lines:
        flags.append(F.OFFTOPIC_TRAILER)
    if seg.title_repeats:
        flags.append(F.REPEATED_TITLE)
    if len(text) < cfg.get("build", "min_body_chars", 200):
        flags.append(F.SHORT_BODY)
    return {
        "id": article_id(raw),
        "source": raw.source,
        "title": page.title,
        "text": text,
        "title_repeats": seg.title_repeats,
        "trailer_lines": seg.trailer_lines,
        "header_lines": seg.header_lines,
        "flags": flags,
        "duplicate_of": None,
        "near_duplicate_cluster": None,
        "content_hash": paragraphs_hash(page.title, seg.body),
        "url": raw.url,
        "date": raw.date,
        "num_chars": len(text),
        "encoding": raw.encoding,
    }
