"""The stages after pass 2 without their per-row loops and sorts, against the way each was
computed before: blank and flag checks of the schema, split assignment, rows handed to each
split's writer, first copies and repeated titles of the duplicate index, and the first use of
each id. The same answers, on chosen edge cases and on hypothesis' values."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import dedup, finalize, schema, splits
from newsprep.errors import NewsprepError
from newsprep.splits import assign, assign_many, group_key, unit_fractions
from newsprep.textnorm import hash64

build_module = importlib.import_module("newsprep.build")

# Arrow strings hold no lone surrogates
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_SPACES = "".join(chr(c) for c in (9, 10, 11, 12, 13, 0x1C, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                                   0x2000, 0x200A, 0x200B, 0x2028, 0x2029, 0x202F, 0x205F,
                                   0x3000, 0xFEFF))


def _arrow_series(values: list) -> pd.Series:
    return pd.Series(pa.array(values, pa.string()).to_pandas(types_mapper=pd.ArrowDtype),
                     index=pd.RangeIndex(3, 3 + len(values)))


def _old_not_blank(series: pd.Series) -> pd.Series:
    return series.str.strip().str.len() > 0


def _same_mask(new: pd.Series, old: pd.Series) -> None:
    assert new.index.equals(old.index)
    assert new.astype(object).tolist() == old.astype(object).tolist()


# -- schema: _not_blank, _known_flags ------------------------------------------------------

def test_not_blank_agrees_on_every_single_character():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    series = _arrow_series(chars)
    _same_mask(schema._not_blank(series), _old_not_blank(series))


@given(st.lists(st.one_of(st.none(), st.text(st.sampled_from(_SPACES + "ab\u00e9"), max_size=6)),
                max_size=30))
@settings(max_examples=300, deadline=None)
def test_not_blank_agrees_on_strings_of_white_space(values):
    series = _arrow_series(["", " ", "  x ", *values])
    _same_mask(schema._not_blank(series), _old_not_blank(series))


def test_not_blank_of_a_series_without_arrow_storage():
    series = pd.Series(["a", " ", "", "\u3000b"], dtype=object)
    assert schema._not_blank(series).tolist() == [True, False, False, True]


def _failures(table: pa.Table) -> str:
    with pytest.raises(NewsprepError) as err:
        schema._validate(table)
    return str(err.value)


def test_blank_rows_are_reported_as_before(monkeypatch):
    rows = [{"id": f"r{i}", "source": "s", "title": "T", "text": "body", "title_repeats": [],
             "trailer_lines": [], "header_lines": [], "flags": [], "duplicate_of": None,
             "near_duplicate_cluster": None, "content_hash": "0" * 32, "url": None,
             "date": None, "num_chars": 4, "encoding": "utf-8"} for i in range(6)]
    rows[1]["text"] = " \u3000\n"
    rows[2]["title"] = ""
    rows[4]["id"] = "\t"
    rows[5]["flags"] = ["no-such-flag"]
    table = pa.Table.from_pylist(rows, schema=schema.SCHEMA)
    new = _failures(table)
    monkeypatch.setattr(schema, "_not_blank", _old_not_blank)
    monkeypatch.setattr(schema, "_known_flags", _old_known_flags)
    schema.pandera_schema.cache_clear()
    try:
        old = _failures(table)
    finally:
        monkeypatch.undo()
        schema.pandera_schema.cache_clear()
    assert new == old
    for check in ("text_not_blank", "title_not_blank", "id_not_blank", "flags_known"):
        assert check in new


def _old_known_flags(series: pd.Series) -> pd.Series:
    arr = pa.chunked_array(series.array._pa_array).combine_chunks()
    flat = pc.list_flatten(arr)
    bad = pc.invert(pc.is_in(flat, value_set=pa.array(sorted(schema.FLAGS))))
    parents = pc.list_parent_indices(arr)
    bad_rows = set(pc.filter(parents, bad).to_pylist())
    return pd.Series([i not in bad_rows for i in range(len(series))], index=series.index)


@given(st.lists(st.lists(st.sampled_from([*sorted(schema.FLAGS)[:4], "bogus", "x"]),
                         max_size=3), max_size=25),
       st.integers(0, 5))
@settings(max_examples=200, deadline=None)
def test_known_flags_as_before(lists, start):
    arr = pa.array([["x"], *lists], pa.list_(pa.string())).slice(min(start, len(lists)))
    series = pd.Series(arr.to_pandas(types_mapper=pd.ArrowDtype),
                       index=pd.RangeIndex(7, 7 + len(arr)))
    new, old = schema._known_flags(series), _old_known_flags(series)
    assert new.index.equals(old.index) and new.tolist() == old.tolist()


# -- splits: assign_many, unit_fractions ---------------------------------------------------

_EDGES = [0, 1, 2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**63 + 2**10,
          2**63 + 2**10 + 1, 2**63 + 3 * 2**10, 2**63 + 2**11 - 1, 2**64 - 2**11,
          2**64 - 2**10, 2**64 - 2**10 - 1, 2**64 - 1, 2**62 + 2**9, 2**62 + 3 * 2**9]


@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
@settings(max_examples=200, deadline=None)
def test_unit_fractions_round_as_python_divides(values):
    values = _EDGES + values
    got = unit_fractions(np.array(values, dtype=np.uint64))
    assert got.tolist() == [v / 2**64 for v in values]


def _indices(groups, ratios, seed) -> list[int]:
    names = list(ratios)
    return [names.index(assign(g, ratios, seed)) for g in groups]


_RATIOS = st.one_of(
    st.just({"train": 0.8, "validation": 0.1, "test": 0.1}),
    st.just({"train": 0.5, "test": 0.5}),
    st.just({"train": 0.3, "validation": 0.0, "test": 0.4}),  # short of 1: the fallback
    st.dictionaries(st.sampled_from(splits.SPLIT_ORDER), st.floats(0, 1), min_size=1))


@given(st.lists(_TEXT, max_size=40), _RATIOS, st.integers(-3, 2**40))
@settings(max_examples=200, deadline=None)
def test_assign_many_is_assign(groups, ratios, seed):
    got = assign_many(pa.array(groups, pa.string()), ratios, seed)
    assert got.dtype == np.int8 and got.tolist() == _indices(groups, ratios, seed)


def test_assign_many_at_a_bound():
    """A fraction equal to a bound is past it (`u < acc`), as in `assign`."""
    groups = ["a", "b\u00e9", "c"]
    u = hash64("0\x00b\u00e9") / 2**64
    ratios = {"train": u, "validation": 1 - u}
    assert assign_many(pa.array(groups), ratios, 0).tolist() == _indices(groups, ratios, 0)
    assert assign("b\u00e9", ratios, 0) == "validation"


# -- finalize: _split_codes, _by_split -----------------------------------------------------

def _old_split_codes(table, names, ratios, seed) -> np.ndarray:
    groups = table.column("id").to_pylist()
    dups = table.column("duplicate_of").to_pylist()
    clus = table.column("near_duplicate_cluster").to_pylist()
    code = {s: i for i, s in enumerate(names)}
    return np.array([code[assign(group_key(g, d, c), ratios, seed)]
                     for g, d, c in zip(groups, dups, clus, strict=True)], dtype=np.int8)


_OPT = st.one_of(st.none(), st.just(""), _TEXT)


def _id_table(ids, dups=None, clus=None) -> pa.Table:
    """A table of SCHEMA's columns: these ids and duplicate columns, the others null."""
    n = len(ids)
    given_cols = {"id": ids, "duplicate_of": [None] * n if dups is None else dups,
                  "near_duplicate_cluster": [None] * n if clus is None else clus}
    return pa.table({f.name: pa.array(given_cols[f.name], f.type) if f.name in given_cols
                     else pa.nulls(n, f.type) for f in schema.SCHEMA})


@given(st.lists(st.tuples(st.one_of(_TEXT, st.none()), _OPT, _OPT), max_size=40),
       st.integers(0, 9))
@settings(max_examples=200, deadline=None)
def test_split_codes_follow_the_group_of_each_row(rows, seed):
    table = _id_table([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    ratios = {"train": 0.5, "validation": 0.25, "test": 0.25}
    names = ["train", "validation", "test"]
    got = finalize._split_codes(table, names, ratios, seed)
    assert got.tolist() == _old_split_codes(table, names, ratios, seed).tolist()


def test_split_codes_map_ratio_order_to_writer_order():
    table = _id_table([f"id{i}" for i in range(50)])
    ratios = {"test": 0.3, "train": 0.7}
    got = finalize._split_codes(table, ["train", "test"], ratios, 1)
    assert got.tolist() == _old_split_codes(table, ["train", "test"], ratios, 1).tolist()
    assert set(got.tolist()) == {0, 1}


@given(st.lists(st.integers(0, 2), max_size=300), st.integers(1, 3))
@settings(max_examples=100, deadline=None)
def test_by_split_gives_each_splits_rows_in_order(codes, count):
    codes = np.array(codes, dtype=np.int8) % count
    table = pa.table({"i": np.arange(len(codes)), "s": [str(i) * 3 for i in range(len(codes))]})
    got = finalize._by_split(table, codes, count)
    assert len(got) == count
    for k, rows in enumerate(got):
        want = table.filter(pa.array(codes == k))
        if not want.num_rows:
            assert rows is None
        else:
            assert rows.equals(want)
            if want.num_rows == table.num_rows:
                assert rows is table  # one split: the table as it is


def test_by_split_keeps_order_in_large_tables():
    rng = np.random.default_rng(5)
    codes = rng.choice(3, 5000, p=[0.8, 0.1, 0.1]).astype(np.int8)
    table = pa.table({"i": np.arange(5000)})
    got = finalize._by_split(table, codes, 3)
    for k in range(3):
        assert got[k].column("i").to_numpy().tolist() == np.flatnonzero(codes == k).tolist()


# -- dedup: _repeated, _first_index; build._unique_ids -------------------------------------

def _old_first_index(content: np.ndarray) -> np.ndarray:
    view = np.ascontiguousarray(content).view([("hi", np.uint64), ("lo", np.uint64)]).ravel()
    _, first, inverse = np.unique(view, return_index=True, return_inverse=True)
    return first[inverse.ravel()].astype(np.int64)


def _keys(rng, n, distinct):
    """n keys drawn from `distinct` values whose halves collide with other values' halves."""
    his = rng.integers(0, 4, distinct, dtype=np.uint64) << np.uint64(62)
    los = rng.integers(0, 3, distinct, dtype=np.uint64)
    return np.stack([his, los], axis=1)[rng.integers(0, distinct, n)]


@pytest.mark.parametrize("n, distinct", [(1, 1), (2, 1), (9, 12), (500, 12), (3000, 400)])
def test_first_index_as_before(n, distinct):
    rng = np.random.default_rng(n)
    content = _keys(rng, n, distinct)
    got = dedup._first_index(content)
    assert got.dtype == np.int64 and got.tolist() == _old_first_index(content).tolist()
    extreme = np.array([[2**64 - 1, 0], [0, 2**64 - 1], [2**64 - 1, 0], [0, 0]], np.uint64)
    assert dedup._first_index(extreme).tolist() == [0, 1, 0, 3]


@given(st.lists(st.integers(0, 6), max_size=60))
def test_repeated_titles_as_before(values):
    titles = np.array(values, dtype=np.uint64) * np.uint64(2**61 + 1)
    _, inverse, counts = np.unique(titles, return_inverse=True, return_counts=True)
    assert dedup._repeated(titles).tolist() == (counts[inverse] > 1).tolist()


class _Meta:
    def __init__(self, id_h):
        self.id_h, self.rows = id_h, len(id_h)


@given(st.lists(st.integers(0, 9), max_size=60))
def test_unique_ids_keep_the_first_use_of_each(values):
    id_h = np.array(values, dtype=np.uint64) * np.uint64(2**60 + 7)
    want = np.zeros(len(id_h), bool)
    want[np.unique(id_h, return_index=True)[1]] = True
    if not want.all():
        return  # the quarantine path reads part files (tests/test_build.py)
    keep = build_module._unique_ids([[_Meta(id_h)]], [None], None, None)
    assert keep.tolist() == want.tolist()


def test_unique_ids_quarantine_later_uses(tmp_path):
    from newsprep import parts
    from newsprep.summary import BuildSummary

    ids = ["a", "b", "a", "c", "b", "a"]
    id_h = np.array([hash64(i) for i in ids], dtype=np.uint64)
    path = tmp_path / f"000000{parts.SUFFIX}"
    rows = [{"id": rid, "source": f"s{i}", "title": "T", "text": "b", "title_repeats": [],
             "trailer_lines": [], "header_lines": [], "flags": [], "content_hash": "0",
             "num_chars": 1, "encoding": "utf-8"} for i, rid in enumerate(ids)]
    parts.write_part(path, [pa.Table.from_pylist(rows, schema=schema.SCHEMA)])
    summary = BuildSummary()
    with open(tmp_path / "q.jsonl", "w") as qfile:
        keep = build_module._unique_ids([[_Meta(id_h[:4]), _Meta(id_h[4:])]], [path], qfile,
                                        summary)
    assert keep.tolist() == [True, True, False, True, False, False]
    assert summary.quarantined["duplicate-id"] == 3
