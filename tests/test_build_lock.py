"""One build at a time per output folder; the lock file goes when the build ends."""

from __future__ import annotations

import pytest

import newsprep
from newsprep.errors import NewsprepError
from newsprep.write import build_lock
from tests.conftest import EXAMPLES


def test_a_second_build_of_the_same_folder_fails_at_once(tmp_path):
    out = tmp_path / "ds"
    with build_lock(out):
        assert (tmp_path / ".ds.lock").exists()
        with pytest.raises(NewsprepError, match="another newsprep build is writing"):
            newsprep.build(EXAMPLES, out)
    assert not (tmp_path / ".ds.lock").exists()
    assert not out.exists()


def test_a_build_leaves_no_lock_file(tmp_path):
    newsprep.build(EXAMPLES, tmp_path / "ds", workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_a_lock_file_removed_before_it_is_locked_is_not_trusted(tmp_path, monkeypatch):
    """The build that held the lock removes its file between our open and our flock: the lock
    we then get is on a file no longer there, so we start over with the file at the path."""
    from newsprep import write

    out, calls, real_flock = tmp_path / "ds", [], write.fcntl.flock

    def flock(fd, op):
        calls.append(fd)
        if len(calls) == 1:  # the other build ends now: its file goes, a new one appears
            (tmp_path / ".ds.lock").unlink()
            (tmp_path / ".ds.lock").touch()
        return real_flock(fd, op)

    monkeypatch.setattr(write.fcntl, "flock", flock)
    with build_lock(out):
        assert len(calls) == 2  # the first lock was dropped, the second is on the live file
        assert write._same_file(calls[1], tmp_path / ".ds.lock")
    assert not (tmp_path / ".ds.lock").exists()
