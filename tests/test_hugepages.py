"""hugepages.small_pages: transparent huge pages off inside, as they were after; the write stage
(`finalize.write_final`, its encoding threads included) runs inside it."""

from __future__ import annotations

import sys

import pytest

from newsprep import finalize, hugepages, write

from .test_finalize import _build

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="prctl(PR_SET_THP_DISABLE)")


def _set(disabled: bool) -> None:
    assert hugepages._prctl()(hugepages.PR_SET_THP_DISABLE, int(disabled), 0, 0, 0) == 0


@pytest.fixture
def restore_state():
    before = hugepages.huge_pages_disabled()
    assert before is not None
    yield before
    _set(before)


@pytest.mark.parametrize("start", [False, True])
def test_small_pages_off_inside_and_as_found_after(restore_state, start):
    _set(start)
    with hugepages.small_pages():
        assert hugepages.huge_pages_disabled() is True
    assert hugepages.huge_pages_disabled() is start


def test_small_pages_put_back_after_an_error(restore_state):
    _set(False)
    with pytest.raises(RuntimeError), hugepages.small_pages():
        raise RuntimeError("boom")
    assert hugepages.huge_pages_disabled() is False


def test_small_pages_without_prctl(monkeypatch):
    monkeypatch.setattr(hugepages, "_prctl", lambda: None)
    assert hugepages.huge_pages_disabled() is None
    with hugepages.small_pages():
        pass


def test_write_stage_runs_with_small_pages(tmp_path, monkeypatch, restore_state):
    _set(False)
    seen = []
    validate, encode = finalize.validate_batch, write.encode_row_group

    def validate_seen(table):
        seen.append(("validate", hugepages.huge_pages_disabled()))
        validate(table)

    def encode_seen(*args):
        seen.append(("encode", hugepages.huge_pages_disabled()))
        return encode(*args)

    monkeypatch.setattr(finalize, "validate_batch", validate_seen)
    monkeypatch.setattr(write, "encode_row_group", encode_seen)
    _build(tmp_path)
    assert {who for who, _ in seen} == {"validate", "encode"}
    assert all(state is True for _, state in seen)
    assert hugepages.huge_pages_disabled() is False
