"""Reading one input file: a single read of the size the file had, with the limit still
enforced when the file grows, comes short or reports no size; the input root may be the file."""

from __future__ import annotations

import os

import pytest

from newsprep import ingest, jsonl
from newsprep.ingest import Quarantined, RawArticle, Task, read, read_bytes
from newsprep.inventory import discover


def test_reads_exactly_the_file(tmp_path):
    for size in (0, 1, 4095, 4096, 70_000):
        path = tmp_path / f"f{size}.txt"
        path.write_bytes(b"x" * size)
        assert read_bytes(path, 70_000) == b"x" * size
        assert read_bytes(str(path), 70_000) == b"x" * size


def test_a_file_above_the_limit_is_refused_by_its_size(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ingest._Refused) as refused:
        read_bytes(path, 100)
    assert (refused.value.reason, refused.value.detail) == (
        "too-large", "101 bytes > max_article_bytes 100")


def test_a_file_reporting_no_size_is_read_to_its_end_and_capped():
    """Like /proc files: a regular file of size 0 that has content."""
    data = read_bytes("/proc/self/status", 1_000_000)
    assert data.startswith(b"Name:") and data.endswith(b"\n")
    with pytest.raises(ingest._Refused) as refused:
        read_bytes("/proc/self/status", 10)
    assert refused.value.detail == "more than max_article_bytes 10 bytes"


@pytest.mark.parametrize(("real", "told"), [(5000, 3000), (3000, 5000), (5000, 0)])
def test_grown_shrunk_or_short_reads_still_give_the_whole_file(tmp_path, monkeypatch, real,
                                                               told):
    """The size the file had when opened is only a hint: reads go on to the end of the file,
    and never past the limit."""
    path = tmp_path / "f.txt"
    path.write_bytes(bytes(range(256)) * (real // 256) + b"y" * (real % 256))
    fstat = os.fstat

    class Told:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, told

    monkeypatch.setattr(os, "fstat", lambda fd: Told(fstat(fd)))
    assert read_bytes(path, 10_000) == path.read_bytes()
    if told < real:  # grown past the limit after the size was taken
        with pytest.raises(ingest._Refused) as refused:
            read_bytes(path, real - 1)
        assert refused.value.detail == f"more than max_article_bytes {real - 1} bytes"


def test_short_os_reads_are_continued(tmp_path, monkeypatch):
    path = tmp_path / "f.txt"
    path.write_bytes(b"abcdefghij" * 100)
    real = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real(fd, min(n, 7)))
    assert read_bytes(path, 10_000) == b"abcdefghij" * 100


def test_the_input_root_may_be_the_file_itself(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("Title\n\nBody text.\n", encoding="utf-8")
    inv = discover(path)
    (item,) = read(path, inv.tasks[0], 1000)
    assert isinstance(item, RawArticle) and item.source == "one.txt"
    assert item.text == "Title\n\nBody text.\n"


def test_a_missing_folder_on_the_way_is_unreadable(tmp_path):
    (tmp_path / "a").write_text("not a folder", encoding="utf-8")
    (item,) = read(tmp_path, Task("a/b.txt", "text", 10), 1000)
    assert isinstance(item, Quarantined) and item.reason == "unreadable"
    assert item.detail == "Not a directory"


@pytest.mark.parametrize("line", [
    b'{"title": "T", "text": "x"', b"[1, 2]", b'{"title": "T"} x', b"\xef\xbb\xbf\xef\xbb\xbf{}",
    b'{"title": "T", "text": "a\x01b"}', b"", b"  \n", b'{"n": ' + b"1" * 5000 + b"}",
    b"[" * 100_000, b'{"title": "T", "text": "\\ud800"}', b"\xef\xbb\xbf{\"a\": 1}",
])
def test_json_lines_are_parsed_as_json_loads_parses_them(line):
    """One decoder object serves every line; what it accepts and the errors it names are
    json.loads(strict=False)'s."""
    import json

    from newsprep.decode import DecodeFailure, decode

    try:
        text = decode(line, normalise=False).text
    except DecodeFailure:
        return
    try:
        want = ("ok", json.loads(text, strict=False))
    except json.JSONDecodeError as exc:
        want = ("error", exc.msg, exc.colno)
    except (ValueError, RecursionError) as exc:
        want = ("error", type(exc).__name__)
    try:
        got = ("ok", jsonl._json(text))
    except json.JSONDecodeError as exc:
        got = ("error", exc.msg, exc.colno)
    except (ValueError, RecursionError) as exc:
        got = ("error", type(exc).__name__)
    assert got == want


def test_a_raw_article_pickles_with_every_field():
    import dataclasses
    import pickle

    values = {f.name: f"v-{f.name}" for f in dataclasses.fields(RawArticle)}
    values["repaired"] = True
    raw = RawArticle(**values)
    back = pickle.loads(pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is RawArticle and back == raw
    assert pickle.loads(pickle.dumps(RawArticle("s", "t"))) == RawArticle("s", "t")
