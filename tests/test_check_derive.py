"""The compact columns the expectation suite runs on, as (column, passing row, failing row)
tables: a passing row derives null (or the expected number), a failing row the offending value."""

from __future__ import annotations

import pyarrow as pa
import pytest

from newsprep.schema import SCHEMA
from newsprep.validate.derive import DERIVED, compact

BASE = {"id": "r1", "source": "a.txt", "title": "Harbour cranes return", "text": "Body line.",
        "title_repeats": [], "trailer_lines": [], "header_lines": [], "flags": [],
        "duplicate_of": None, "near_duplicate_cluster": None, "content_hash": "0" * 32,
        "url": None, "date": None, "num_chars": 10, "encoding": "utf-8"}


def derive_one(column: str, **row) -> object:
    table = pa.Table.from_pylist([BASE | row], schema=SCHEMA)
    return compact(table, [column]).column(column)[0].as_py()


@pytest.mark.parametrize("column, passing, failing, value", [
    ("title_in_text", {"text": "Cranes are back.\n\nHarbour cranes return"},
     {"text": "  HARBOUR   cranes return \n\nBody."}, "  HARBOUR   cranes return "),
    ("title_in_text", {"text": "Harbour cranes return to service today."},
     {"text": "Harbour\tcranes return\nBody."}, "Harbour\tcranes return"),
    ("trailer_in_text", {"text": "Body.\n\nStorm warning", "trailer_lines": ["Read more"]},
     {"text": "Body.\n\nRead More ", "trailer_lines": ["Other", "Read more"]}, "Read More "),
    ("trailer_in_text", {"text": "Read more\n\nBody.", "trailer_lines": ["Read more"]},
     {"text": "Body.\nRead more", "trailer_lines": ["Read more"]}, "Read more"),
    ("duplicate_of_unflagged", {"duplicate_of": "r0", "flags": ["duplicate-content"]},
     {"duplicate_of": "r0", "flags": []}, "duplicate_of set without the duplicate-content flag"),
    ("duplicate_of_unflagged", {"flags": ["repeated-title"]},
     {"flags": ["duplicate-content"]}, "duplicate-content flag without duplicate_of"),
])
def test_derived_flags_the_failing_row_with_its_value(column, passing, failing, value):
    assert derive_one(column, **passing) is None
    assert derive_one(column, **failing) == value


@pytest.mark.parametrize("column, row, expected", [
    ("text_chars", {"text": " \u00a0\n "}, 0),
    ("text_chars", {"text": "\n  two words \t"}, 9),
    ("title_chars", {"title": "   "}, 0),
    ("text_len", {"text": "né\n\nx"}, 5),
    ("n_trailer_lines", {"trailer_lines": ["a", "b"]}, 2),
])
def test_derived_counts(column, row, expected):
    assert derive_one(column, **row) == expected


def test_every_derived_column_is_documented_in_the_suite_notes():
    import json

    from newsprep.config import default_checks_dir

    notes = json.loads((default_checks_dir() / "expectations.json").read_text())["meta"]["notes"]
    assert all(name in notes for name in DERIVED)
