"""Pass 2's own work around the records: batches of BATCH_ROWS rows, the input root it reads
from, and the flags of a record (in sorted order, as the schema keeps them)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pyarrow as pa
import pytest

from newsprep import flags as F
from newsprep import passes, record
from newsprep.config import load_config
from newsprep.corpus import gather
from newsprep.ingest import RawArticle
from newsprep.inventory import discover
from newsprep.segment import Segments
from tests.conftest import write_raw

_BODY = "The council met on Tuesday to discuss the new budget for the library and parks."


def _shared(root: Path, tasks) -> dict:
    shared = {"root": root, "max_bytes": 1 << 20, "cfg": load_config(), "cache": None}
    pages = [record.page_of(a) for t in tasks for a in passes.articles(shared, t)
             if isinstance(a, RawArticle)]
    shared["stats"] = gather(p for p in pages if p.title)
    return shared


def test_pass2_cuts_its_rows_into_batches_of_batch_rows(tmp_path, monkeypatch):
    files = {f"a{i}.txt": f"Story number {i}\n\n{_BODY} Item {i}.\n" for i in range(5)}
    files["a2x.txt"] = "\n\n"  # a quarantine among them: no row, no batch of its own
    root = write_raw(tmp_path / "raw", files)
    tasks = discover(root).tasks
    shared = _shared(root, tasks)
    whole = list(passes.pass2(shared, tasks))
    monkeypatch.setattr(passes, "BATCH_ROWS", 2)
    cut = list(passes.pass2(shared, tasks))
    assert [t.num_rows for t, _ in cut] == [2, 2, 1]
    assert [m.rows for _, m in cut] == [2, 2, 1]
    assert sum(len(m.quarantined) for _, m in cut) == 1
    assert pa.concat_tables([t for t, _ in cut]).equals(pa.concat_tables([t for t, _ in whole]))


def test_the_root_is_the_path_given(tmp_path):
    """A Path root is used as it is (no Path made per input); a string one becomes a Path."""
    assert passes.root_of({"root": tmp_path}) is tmp_path
    assert passes.root_of({"root": str(tmp_path)}) == tmp_path


@pytest.mark.parametrize("bits", list(itertools.product([False, True], repeat=5)))
def test_record_flags_are_the_sorted_set_of_what_holds(monkeypatch, bits):
    repeats, header, trailer, short, repaired = bits
    seg = Segments(header_lines=["Menu"] if header else [],
                   title_repeats=["T"] if repeats else [],
                   body=["x" * (10 if short else 300)],
                   trailer_lines=["Share this"] if trailer else [])
    monkeypatch.setattr(record, "segment", lambda page, stats, cfg: seg)
    raw = RawArticle("a.txt", "T\n\nbody\n", repaired=repaired)
    rec = record.make_record(raw, None, load_config())
    expected = {F.REPEATED_TITLE: repeats, F.HEADER_NOISE: header, F.OFFTOPIC_TRAILER: trailer,
                F.SHORT_BODY: short, F.ENCODING_REPAIRED: repaired}
    assert rec["flags"] == sorted(flag for flag, on in expected.items() if on)
