"""Property-based tests (hypothesis): decoding, parsing and segmenting never raise and never lose a
non-blank line, whatever the article looks like.

The whitespace normalisation these tests hold the code to (documented in the README):
- line breaks are CRLF, CR, LF, form feed, NEL (U+0085), LINE/PARAGRAPH SEPARATOR (U+2028/9);
- C0/C1 control characters other than tab and the breaks, U+FEFF, U+FFFE and lone surrogates are
  removed; a line that is then empty or whitespace (`str.strip`) is blank and carries nothing;
- the title is the first non-blank line with its whitespace collapsed to single spaces; body lines
  are stripped (each becomes a paragraph of `text`, joined by a blank line); `header_lines`,
  `title_repeats` and `trailer_lines` keep their lines exactly as written.
"""

from __future__ import annotations

import json
import os
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsprep.config import load_config
from newsprep.corpus import gather
from newsprep.decode import DecodeFailure, clean, decode
from newsprep.flags import QUARANTINE_REASONS
from newsprep.ingest import Quarantined, RawArticle, source_name
from newsprep.jsonl import jsonl_article
from newsprep.record import make_record, page_of
from newsprep.segment import segment

CFG = load_config()
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# An independent statement of the normalisation above (not a call into newsprep).
BREAKS = re.compile("\r\n|\r|\n|\x0c|\x85|\u2028|\u2029")
REMOVED = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\ud800-\udfff]")


def reference_lines(raw: str) -> list[str]:
    parts = (REMOVED.sub("", part) for part in BREAKS.split(raw))
    return [part for part in parts if part.strip()]


def is_interleaving(seq: list[str], a: list[str], b: list[str]) -> bool:
    """Whether `seq` is `a` and `b` merged, each in its own order."""
    if len(seq) != len(a) + len(b):
        return False
    reach = {(0, 0)}
    for x in seq:
        reach = {p for i, j in reach for p, ok in (((i + 1, j), i < len(a) and a[i] == x),
                                                  ((i, j + 1), j < len(b) and b[j] == x)) if ok}
    return (len(a), len(b)) in reach


# --- article generator -------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
WORD = st.text(st.characters(categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=10)
SENTENCE = st.lists(WORD, min_size=1, max_size=14).map(" ".join)
LINE = st.one_of(SENTENCE, SENTENCE.map(lambda s: s + "."), ANY_TEXT)
FURNITURE = st.sampled_from(["Subscribe to The Daily Planet for FREE", "Advertisement", "Menu",
                             "Share | Tweet | Email", "Skip to content"])
TRAILER = st.one_of(
    st.sampled_from(["Read more: Storm warning issued for the coast", "Related: Markets fall",
                     "Share this", "Follow us on Twitter for updates", "Tags: news, world",
                     "Featured image via Reuters", "Reuter", "Leave a comment"]), SENTENCE)
SEPARATOR = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \n", "\n\t\u3000\n",
                             "\u2028", "\x0c", "\x85", "\n\x00\n", "\n\ufeff\n"])
EDGE = st.sampled_from(["", " ", "\t", "  ", "\u00a0", "\ufeff", "\x00"])


@st.composite
def article(draw) -> str:
    title = draw(st.one_of(SENTENCE, ANY_TEXT))
    repeat = st.sampled_from([title, title.upper(), f"{title} - The Daily Planet", f"  {title} "])
    top = draw(st.lists(st.one_of(FURNITURE, repeat), max_size=4))
    body = draw(st.lists(LINE, max_size=6))
    tail = draw(st.lists(TRAILER, max_size=4))
    lines = [title, *top, *body, *tail]
    out = [draw(EDGE)]
    for line in lines:
        out += [draw(EDGE), line, draw(EDGE), draw(SEPARATOR)]
    return "".join(out[: None if draw(st.booleans()) else -1])


def check_segments(raw: str, text: str, stats) -> None:
    ref = reference_lines(raw)
    page = page_of(RawArticle("a.txt", text))
    assert page.title == " ".join(ref[0].split())
    seg = segment(page, stats, CFG)
    rest = ref[1:]
    k = len(seg.header_lines) + len(seg.title_repeats)
    assert is_interleaving(rest[:k], seg.header_lines, seg.title_repeats)
    n_tail = len(seg.trailer_lines)
    assert seg.trailer_lines == rest[len(rest) - n_tail:]
    assert seg.body == [line.strip() for line in rest[k: len(rest) - n_tail]]


@SETTINGS
@given(st.lists(article(), min_size=1, max_size=4), st.booleans())
def test_segmenting_never_raises_nor_loses_a_line(raws, with_stats):
    texts = [clean(raw)[0] for raw in raws]
    stats = gather(page_of(RawArticle(f"{i}.txt", t)) for i, t in enumerate(texts)
                   if t.strip()) if with_stats else None
    for raw, text in zip(raws, texts, strict=True):
        if not text.strip():
            assert not reference_lines(raw)
            continue
        check_segments(raw, text, stats)
        rec = make_record(RawArticle("a.txt", text), stats, CFG)
        if isinstance(rec, Quarantined):
            assert rec.reason == "no-body"
            continue
        seg = segment(page_of(RawArticle("a.txt", text)), stats, CFG)
        assert rec["text"].split("\n\n") == seg.body
        assert (rec["header_lines"], rec["title_repeats"], rec["trailer_lines"]) == (
            seg.header_lines, seg.title_repeats, seg.trailer_lines)
        assert rec["title"].strip() and rec["text"].strip()


@SETTINGS
@given(article())
def test_every_unicode_encoding_decodes_to_the_same_text(raw):
    expected, _ = clean(raw)
    assume(expected.strip())
    # Enough plain text that the content is not judged binary (a few controls in a short line).
    assume(len(REMOVED.findall(raw)) <= 0.02 * len(raw))
    for enc in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        dec = decode(raw.encode(enc))
        assert dec.text == expected, enc


@SETTINGS
@given(st.binary(max_size=2000))
def test_decode_never_raises_on_arbitrary_bytes(data):
    try:
        dec = decode(data)
    except DecodeFailure as fail:
        assert fail.reason in QUARANTINE_REASONS and "\n" not in fail.detail
        return
    assert dec.text.strip()
    assert not REMOVED.search(dec.text) and "\r" not in dec.text
    dec.text.encode("utf-8")  # valid UTF-8: no lone surrogates


NAME_BYTES = st.binary(min_size=1, max_size=20).filter(lambda b: b"/" not in b and b"\x00" not in b)


@SETTINGS
@given(NAME_BYTES, NAME_BYTES)
def test_source_names_are_one_line_of_utf8_and_unique(a, b):
    sa, sb = source_name(os.fsdecode(a)), source_name(os.fsdecode(b))
    for s in (sa, sb):
        s.encode("utf-8")
        assert s.isprintable() or not any(ch in s for ch in "\n\r\x00")
        assert "\n" not in s and "\r" not in s
    assert (a == b) == (sa == sb)


JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
                          lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(ANY_TEXT, inner, max_size=3), max_leaves=8)
FIELDS = st.sampled_from(["id", "title", "text", "url", "date", "other"])


@SETTINGS
@given(st.one_of(st.dictionaries(FIELDS, JSON_VALUE, max_size=6), JSON_VALUE,
                 st.binary(max_size=300)))
def test_a_jsonl_line_is_an_article_or_a_quarantine(value):
    line = value if isinstance(value, bytes) else json.dumps(value).encode()
    assume(line.strip())
    got = jsonl_article(line, "f.jsonl:1")
    if isinstance(got, Quarantined):
        assert got.reason in QUARANTINE_REASONS and "\n" not in got.detail
        return
    assert got.title.strip() and got.text.strip()
    for field in (got.title, got.text, got.given_id, got.url, got.date):
        if field is not None:
            field.encode("utf-8")
            assert not REMOVED.search(field)
    assert got.given_id is None or got.given_id.strip()


FILE_NAME = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"),
                    min_size=1, max_size=12).filter(lambda n: not n.startswith("."))
CONTENT = st.one_of(
    article().map(lambda a: a.encode("utf-8")),
    article().map(lambda a: a.encode("utf-16")),
    article().map(lambda a: a.encode("cp1252", "replace")),
    st.binary(max_size=400),
    st.lists(st.one_of(st.binary(max_size=60), JSON_VALUE.map(lambda v: json.dumps(v).encode()),
                       article().map(lambda a: json.dumps({"title": a[:20], "text": a}).encode())),
             max_size=5).map(b"\n".join).map(lambda b: b"JSONL" + b))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.dictionaries(FILE_NAME, CONTENT, min_size=1, max_size=6))
def test_any_folder_of_files_builds_and_reconciles(files):
    import tempfile
    from pathlib import Path

    import newsprep
    from newsprep.inventory import discover

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for i, (name, data) in enumerate(files.items()):
            jsonl = data.startswith(b"JSONL")
            path = raw / f"{i}-{name}{'.jsonl' if jsonl else '.txt'}"
            path.write_bytes(data[5:] if jsonl else data)
        n_files = len(discover(raw).tasks)
        summary = newsprep.build(raw, Path(tmp) / "ds", workers=1, cache=False)
        assert summary.reconciles and summary.n_ignored == 0
        assert summary.inputs >= n_files
        for q in (Path(tmp) / "ds" / ".newsprep" / "quarantine.jsonl").read_text(
                encoding="utf-8").splitlines():
            assert json.loads(q)["reason"] in QUARANTINE_REASONS
