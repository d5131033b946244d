"""The record contract. The Arrow schema below is the single source of truth: the pandera
schema, the card's `features` and the README's record table are all derived from it."""

from __future__ import annotations

import threading
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from newsprep.flags import FLAGS

_STR = pa.string()
_LIST = pa.list_(pa.string())

# (name, type, nullable, description). Order is the column order of every Parquet file.
COLUMNS: list[tuple[str, pa.DataType, bool, str]] = [
    ("id", _STR, False, "unique, stable across rebuilds of the same input"),
    ("source", _STR, False, "path of the raw file relative to the input root, `/`-separated "
     "(`file.jsonl:LINE` for JSON Lines)"),
    ("title", _STR, False, "the article's title"),
    ("text", _STR, False,
     'clean body: paragraphs joined by "\\n\\n"; no title repeats, no trailer lines'),
    ("title_repeats", _LIST, False,
     "the repeated title lines removed from the top, exactly as written"),
    ("trailer_lines", _LIST, False,
     "the trailer lines removed from the bottom, exactly as written, in order"),
    ("header_lines", _LIST, False,
     "page furniture removed from the top (not the title, not its repeats)"),
    ("flags", _LIST, False, "quality flag codes, sorted"),
    ("duplicate_of", _STR, True, "for an exact duplicate article: the `id` of the first copy"),
    ("near_duplicate_cluster", _STR, True,
     "for a near-duplicate: the `id` of the first article of its cluster"),
    ("content_hash", _STR, False, "xxh3-128 of the normalised title and text (hex)"),
    ("url", _STR, True, "the article's URL when the input gives one"),
    ("date", _STR, True, "the article's date when the input gives one, as given"),
    ("num_chars", pa.int64(), False, "length of `text` in characters"),
    ("encoding", _STR, False, "encoding the input was decoded from"),
]

CONTRACT_COLUMNS = ("id", "source", "title", "text", "title_repeats", "trailer_lines",
                    "header_lines", "flags", "duplicate_of")

SCHEMA: pa.Schema = pa.schema(
    [pa.field(name, typ, nullable=nullable, metadata={"description": doc})
     for name, typ, nullable, doc in COLUMNS]
)


def hf_features():
    """The `datasets.Features` that match SCHEMA exactly."""
    import datasets

    return datasets.Features.from_arrow_schema(SCHEMA.remove_metadata())


# Arrow types -> the `dtype` names of `datasets.Value` (the ones a record may use).
_HF_DTYPES = {pa.string(): "string", pa.large_string(): "large_string", pa.int64(): "int64",
              pa.int32(): "int32", pa.float64(): "float64", pa.bool_(): "bool"}


def _hf_yaml(typ: pa.DataType) -> dict:
    """One feature of the card's YAML, as `datasets` writes it: `{"dtype": NAME}` for a value,
    `{"list": NAME}` for a list of values, `{"list": {...}}` for a list of lists."""
    if pa.types.is_list(typ):
        inner = _hf_yaml(typ.value_type)
        return {"list": inner["dtype"] if list(inner) == ["dtype"] else inner}
    if typ in _HF_DTYPES:
        return {"dtype": _HF_DTYPES[typ]}
    raise TypeError(f"no card feature for the Arrow type {typ}")


def features_yaml(schema: pa.Schema = SCHEMA) -> list[dict]:
    """`dataset_info.features` of the card, derived from `schema` without importing `datasets`
    (about a second at every build); the same YAML as `datasets.DatasetInfo._to_yaml_dict`
    (tested against it) and read back by `load_dataset` as `hf_features()`."""
    return [{"name": f.name, **_hf_yaml(f.type)} for f in schema]


def _known_flags(series: pd.Series) -> pd.Series:
    arr = pa.chunked_array(series.array._pa_array).combine_chunks()
    flat = pc.list_flatten(arr)
    bad = pc.invert(pc.is_in(flat, value_set=pa.array(sorted(FLAGS))))
    ok = np.ones(len(series), dtype=bool)
    ok[pc.filter(pc.list_parent_indices(arr), bad).to_numpy()] = False
    return pd.Series(ok, index=series.index)


def _not_blank(series: pd.Series) -> pd.Series:
    """True where the string has a character that is not white space: what
    `series.str.strip().str.len() > 0` says (Arrow's white space for both), read without
    making a stripped copy of every text: `utf8_is_space` stops at the first other character."""
    if not isinstance(series.dtype, pd.ArrowDtype):
        return series.str.strip().str.len() > 0
    arr = series.array._pa_array
    blank = pc.or_(pc.utf8_is_space(arr), pc.equal(pc.binary_length(arr), 0))
    return pd.Series(pd.arrays.ArrowExtensionArray(pc.invert(blank)), index=series.index)


@cache
def pandera_schema():
    """The pandera schema of one batch, derived from SCHEMA (dtypes are `pd.ArrowDtype`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pandera.pandas as pda

    checks = {
        "id": [pda.Check(_not_blank, name="id_not_blank")],
        "title": [pda.Check(_not_blank, name="title_not_blank")],
        "text": [pda.Check(_not_blank, name="text_not_blank")],
        "flags": [pda.Check(_known_flags, name="flags_known")],
        "num_chars": [pda.Check.ge(0)],
    }
    columns = {
        name: pda.Column(pd.ArrowDtype(typ), nullable=nullable, checks=checks.get(name, []),
                         unique=(name == "id"), description=doc)
        for name, typ, nullable, doc in COLUMNS
    }
    return pda.DataFrameSchema(columns, strict=True, ordered=True, name="newsprep-record")


_FIRST_USE = threading.Lock()
_warm = False


def warm_up_validation() -> None:
    """Import pandera and validate an empty batch once (its first call loads most of pandera),
    under a lock: a build may start this in a background thread before its first batch."""
    global _warm
    with _FIRST_USE:
        if not _warm:
            _validate(SCHEMA.empty_table())
            _warm = True


def validate_batch(table: pa.Table) -> None:
    """Validate one record batch against the pandera schema (all failures collected).

    Raises `NewsprepError` naming each failing check, row id and value."""
    warm_up_validation()
    _validate(table)


def _validate(table: pa.Table) -> None:
    from newsprep.errors import NewsprepError

    schema = pandera_schema()
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    try:
        schema.validate(frame, lazy=True)
    except Exception as exc:  # pandera.errors.SchemaErrors
        cases = getattr(exc, "failure_cases", None)
        if cases is None:
            raise
        lines = []
        for row in cases.head(20).itertuples():
            idx = row.index
            rid = frame["id"].iloc[idx] if idx is not None and idx == idx else None
            lines.append(f"{row.column}: {row.check} failed for id={rid!r} "
                         f"value={row.failure_case!r}")
        raise NewsprepError("schema validation failed: " + "; ".join(lines)) from None
