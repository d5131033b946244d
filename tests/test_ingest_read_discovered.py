"""A text task is read without an fstat when its file still has the size `discover` found, and
otherwise exactly as `read_bytes` reads it: same bytes, same refusals."""

import os
import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import ingest
from newsprep.ingest import Quarantined, RawArticle, Task, _Refused, read, read_bytes


def _outcome(fn, *args):
    try:
        return fn(*args)
    except _Refused as refused:
        return (refused.reason, refused.detail)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 300), st.integers(0, 300), st.integers(0, 300))
def test_any_discovered_size_gives_what_read_bytes_gives(length, size, max_bytes):
    size = min(size, max_bytes)  # read() quarantines a task above the limit before reading
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "a.txt")
        with open(path, "wb") as fh:
            fh.write(bytes(range(256)) * 2)
            fh.truncate(length)
        want = _outcome(read_bytes, path, max_bytes)
        assert _outcome(ingest._read_discovered, path, size, max_bytes) == want


def test_the_discovered_size_spares_the_fstat(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"Title\n\nbody")
    calls = []
    real = os.fstat
    monkeypatch.setattr(ingest.os, "fstat", lambda fd: calls.append(fd) or real(fd))
    assert ingest._read_discovered(str(path), 11, 100) == b"Title\n\nbody"
    assert calls == []
    assert ingest._read_discovered(str(path), 5, 100) == b"Title\n\nbody"  # grew since
    assert len(calls) == 1


def test_what_is_no_longer_a_regular_file_is_refused_as_before(tmp_path):
    folder = tmp_path / "was_a_file.txt"
    folder.mkdir()
    with pytest.raises(_Refused, match="a folder, not a regular file"):
        ingest._read_discovered(str(folder), 10, 100)
    with pytest.raises(_Refused, match="a character device"):
        ingest._read_discovered("/dev/zero", 10, 100)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.txt"
        os.mkfifo(fifo)
        with pytest.raises(_Refused, match="a named pipe"):
            ingest._read_discovered(str(fifo), 10, 100)
        (item,) = read(tmp_path, Task("pipe.txt", "text", 10), 100)
        assert isinstance(item, Quarantined) and item.reason == "unreadable"


def test_a_file_grown_past_the_limit_since_discovery_is_too_large(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"T\n\n" + b"x" * 200)
    (item,) = read(tmp_path, Task("a.txt", "text", 10), 100)
    assert isinstance(item, Quarantined) and item.reason == "too-large"
    (item,) = read(tmp_path, Task("a.txt", "text", 203), 1000)
    assert isinstance(item, RawArticle) and item.text == "T\n\n" + "x" * 200
