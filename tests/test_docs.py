"""The README's tables are derived from the code: the record table from the Arrow schema, the flag
and quarantine tables from newsprep.flags. A change to one without the other fails here."""

from __future__ import annotations

import re

from newsprep.flags import FLAGS, QUARANTINE_REASONS
from newsprep.schema import COLUMNS

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_rows(heading: str) -> list[list[str]]:
    section = README.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def test_record_table_matches_the_schema():
    rows = table_rows("The record")
    expected = []
    for name, typ, nullable, doc in COLUMNS:
        t = str(typ).replace("list<item: string>", "list<string>") + (", null" if nullable else "")
        expected.append([f"`{name}`", t, doc])
    assert rows == expected


def test_flag_table_matches_the_codes():
    assert table_rows("Flags") == [[f"`{c}`", d] for c, d in FLAGS.items()]


def test_quarantine_table_matches_the_reasons():
    expected = [[f"`{c}`", d] for c, d in QUARANTINE_REASONS.items()]
    assert table_rows("Quarantine reasons") == expected


def test_codes_are_kebab_case():
    for code in [*FLAGS, *QUARANTINE_REASONS]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code
