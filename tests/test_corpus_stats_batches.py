"""Pass 1's batched counting (batches of `corpus._BATCH` articles, lines squeezed by one mask,
(word, article) pairs made distinct by a sort) against the way it was counted before: 256
articles a batch, spaces collapsed by runs, pairs made distinct by pandas. The frozen counters
hold the same arrays, on real pages and on hypothesis' texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import corpus
from newsprep.corpus import CorpusStats
from newsprep.decode import decode
from newsprep.parse import parse_page
from newsprep.wordhash import span_hashes, token_spans

from .conftest import EVAL_DEV, EVAL_REAL_DEV, need


def _old_collapse_spaces(buf: bytes) -> bytes:
    """collapse_spaces as it was (runs of spaces found by their edges)."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    space = np.zeros(len(arr) + 2, dtype=bool)
    space[1:-1] = arr == 32
    word = ~space
    word[1:-1] &= arr != 10
    word[0] = word[-1] = False
    edges = np.flatnonzero(space[1:] != space[:-1])
    start, end = edges[0::2], edges[1::2]
    inner = word[start] & word[end + 1]
    keep = ~space[1:-1]
    keep[start[inner]] = True
    return arr[keep].tobytes()


def _old_line_hashes(buf: bytes) -> np.ndarray:
    lines = _old_collapse_spaces(buf).split(b"\n")
    return np.fromiter(map(xxhash.xxh3_64_intdigest, lines), np.uint64, len(lines))


def _old_word_counts(texts: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """_word_counts as it was (pd.unique of the pairs, pd.factorize of their words), counting
    the words of MIN_WORD_BYTES bytes or more as it now does."""
    buf = b" ".join(texts)
    starts, ends = token_spans(buf)
    long = ends - starts >= corpus.MIN_WORD_BYTES
    starts, ends = starts[long], ends[long]
    if not len(starts):
        return np.zeros(0, np.uint64), np.zeros(0, np.uint32)
    doc_starts = np.cumsum([0, *(len(t) + 1 for t in texts[:-1])])
    first = np.append(starts.searchsorted(doc_starts), len(starts))
    doc = np.repeat(np.arange(len(texts), dtype=np.uint64), np.diff(first))
    high = ~np.uint64((1 << corpus._DOC_BITS) - 1)
    pairs = pd.unique((span_hashes(buf, starts, ends) & high) | doc)
    codes, keys = pd.factorize(pairs >> np.uint64(corpus._DOC_BITS))
    return keys, np.bincount(codes).astype(np.uint32)


def _arrays(stats: CorpusStats) -> dict[str, np.ndarray]:
    """Every array of the frozen counters."""
    out = {"titles_" + k: v for k, v in zip("kc", stats.titles._table.items(), strict=True)}
    out.update({"df_" + k: v for k, v in zip("kc", stats.doc_freq.items(), strict=True)})
    for name in ("head_pairs", "tail_pairs"):
        frozen = getattr(stats, name)._frozen
        out[name + "_offsets"] = np.array(frozen._offsets)
        out[name + "_low"], out[name + "_small"] = frozen._low, frozen._small
        out[name + "_bigk"], out[name + "_bigc"] = frozen._big
    return out


def _old_stats(pages, monkeypatch) -> CorpusStats:
    with monkeypatch.context() as m:
        m.setattr(corpus, "_BATCH", 256)
        m.setattr(corpus, "line_hashes", _old_line_hashes)
        m.setattr(corpus, "_word_counts", _old_word_counts)
        return corpus.gather(pages)


@pytest.fixture(scope="module")
def real_pages():
    files = sorted(need(EVAL_DEV / "raw").rglob("*.txt"))[:300]
    files += sorted(need(EVAL_REAL_DEV / "raw").rglob("*.txt"))
    return [parse_page(decode(f.read_bytes()).text) for f in files]


def test_real_pages_give_the_same_frozen_arrays(real_pages, monkeypatch):
    assert len(real_pages) > 300
    new, old = _arrays(corpus.gather(real_pages)), _arrays(_old_stats(real_pages, monkeypatch))
    assert new.keys() == old.keys()
    for name, arr in old.items():
        assert len(arr) or "_big" in name, name  # no line recurs under 255 titles here
        np.testing.assert_array_equal(new[name], arr, err_msg=name)
        assert new[name].dtype == arr.dtype, name


def test_typographic_pages_give_the_same_frozen_arrays(real_pages, monkeypatch):
    """Curly quotes, dashes, no-break spaces around words (so non-ASCII edge lines)."""
    fancy = str.maketrans({"'": "\u2019", '"': "\u201c", "-": "\u2014", " ": " \u00a0"})
    pages = [parse_page("\n\n".join([p.title, *p.texts]).translate(fancy))
             for p in real_pages[:150]]
    new, old = _arrays(corpus.gather(pages)), _arrays(_old_stats(pages, monkeypatch))
    for name, arr in old.items():
        np.testing.assert_array_equal(new[name], arr, err_msg=name)


# bytes of edge lines and more: spaces, line breaks, word bytes, other whitespace, UTF-8
BUF = st.lists(st.sampled_from([b" ", b"  ", b"\n", b"a", b"bc", b"\t", b"\xc3\xa9", b"\x00"]),
               max_size=60).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(BUF)
def test_collapse_spaces_and_line_hashes_as_before(buf):
    assert corpus.collapse_spaces(buf) == _old_collapse_spaces(buf)
    assert corpus.line_hashes(buf).tolist() == _old_line_hashes(buf).tolist()


WORDS = st.lists(st.lists(st.sampled_from(["a", "b", "the", "x" * 9, "y" * 20, "é", "ab_c"]),
                          max_size=12).map(" ".join), min_size=1, max_size=70)


@settings(max_examples=150, deadline=None)
@given(WORDS)
def test_word_counts_as_before_with_keys_sorted(texts):
    texts = [corpus.word_bytes(t) for t in texts]
    keys, counts = corpus._word_counts(texts)
    old_keys, old_counts = _old_word_counts(texts)
    order = np.argsort(old_keys)
    assert keys.tolist() == old_keys[order].tolist()
    assert counts.tolist() == old_counts[order].tolist()
    assert keys.dtype == np.uint64 and counts.dtype == np.uint32
