"""File names that are not UTF-8 reach every reader: the source column spells them escaped
(`\\xff`), but the bytes are read from the real path: whole text files, big JSON Lines files cut
into byte ranges, and the pass-1 cache key (two such files must never share a key)."""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

from hostile_util import build

from newsprep import ranges
from newsprep.cache import Cache
from newsprep.inventory import discover

BUILD = importlib.import_module("newsprep.build")  # the module (`newsprep.build` is the function)


def _bad_name(folder: Path, name: bytes, data: bytes) -> None:
    with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
        fh.write(data)


def test_a_big_jsonl_with_a_non_utf8_name_is_read_in_ranges(tmp_path, monkeypatch):
    monkeypatch.setattr(BUILD, "CHUNK_BYTES", 64 << 10)  # "big": above 64 KB
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = [json.dumps({"id": f"t{i}", "title": f"Tide table {i}",
                         "text": f"High tide at harbour {i} will be at {i % 24}:{i % 60:02d} "
                                 f"on day {i % 31 + 1}, the {i * 7 % 1000}th table says."}).encode()
             for i in range(1500)]
    data = b"\n".join(lines) + b"\n"
    _bad_name(raw, b"feed-\xff.jsonl", data)
    planned = ranges.plan(raw, discover(raw).tasks, BUILD.CHUNK_BYTES)
    assert len(planned) >= 3 and all(isinstance(r, ranges.JsonlRange) for r in planned)
    got = build(raw, tmp_path / "ds")
    assert got.quarantine == {}
    assert len(got.rows) == len(lines)
    assert f"feed-\\xff.jsonl:{len(lines)}" in got.rows


def test_cache_keys_of_non_utf8_names_differ(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _bad_name(raw, b"a-\xff.txt", b"First title\n\nFirst body.\n")
    _bad_name(raw, b"a-\xfe.txt", b"Second title\n\nSecond body.\n")
    tasks = discover(raw).tasks
    cache = Cache(tmp_path / "cache", "salt")
    keys = {cache.key(raw, task) for task in tasks}
    cache.close()
    assert len(tasks) == 2 and len(keys) == 2
