"""Incremental builds: the cache, keyed by the bytes of each input, means a rebuild parses only
what changed (pass 1), remakes only the records whose input changed or whose corpus statistics
answer differently now (pass 2), and gives output byte-identical to a clean build's."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

import newsprep
from newsprep import cache as cache_mod
from newsprep import passes, synthetic
from newsprep.cache import CacheWarning, default_folder
from newsprep.config import load_config

from .test_build import tree_digest


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The articles pass 1 parses (the build runs in this process: workers=1)."""
    seen: list[str] = []
    real = passes.page_of

    def counting(raw):
        seen.append(raw.source)
        return real(raw)

    monkeypatch.setattr(passes, "page_of", counting)
    return seen


def _change(root: Path) -> set[str]:
    files = sorted(root.rglob("*.txt"))
    for path in files[5:7]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\nA late correction.",
                        encoding="utf-8")
    (root / "00000" / "new.txt").write_text(
        "A brand new article\n\n" + "Its body says something new, at some length. " * 10,
        encoding="utf-8")
    return {p.relative_to(root).as_posix() for p in files[5:7]} | {"00000/new.txt"}


def test_rebuild_parses_only_changed_inputs_and_matches_a_clean_build(tmp_path, parsed):
    root = tmp_path / "raw"
    synthetic.write_txt(root, 80, seed=4)
    out = tmp_path / "ds"
    newsprep.build(root, out, workers=1, cache=True)
    assert len(parsed) == 80 and default_folder(out).is_dir()
    assert not (out / ".newsprep" / "cache").exists()  # the cache is never in the dataset
    changed = _change(root)
    parsed.clear()
    summary = newsprep.build(root, out, workers=1, cache=True)
    assert set(parsed) == changed
    assert summary.records == 81
    newsprep.build(root, tmp_path / "clean", workers=1)
    assert tree_digest(out) == tree_digest(tmp_path / "clean")


def test_other_settings_do_not_reuse_the_cache(tmp_path, parsed):
    root = tmp_path / "raw"
    synthetic.write_txt(root, 20, seed=6)
    cache = tmp_path / "cache"
    newsprep.build(root, tmp_path / "a", workers=1, cache=cache)
    parsed.clear()
    newsprep.build(root, tmp_path / "b", workers=1, cache=cache)
    assert parsed == []
    cfg = load_config(overrides={"header": {"min_recurrence": 4}})
    newsprep.build(root, tmp_path / "c", workers=1, cache=cache, config=cfg)
    assert len(parsed) == 20


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The records pass 2 makes (rather than reuses), by source (workers=1)."""
    seen: list[str] = []
    real = passes.make_record

    def counting(raw, stats, cfg):
        seen.append(raw.source)
        return real(raw, stats, cfg)

    monkeypatch.setattr(passes, "make_record", counting)
    return seen


def _same_as_clean(root: Path, out: Path, tmp_path: Path, **kw) -> None:
    clean = tmp_path / f"clean-{out.name}"
    newsprep.build(root, clean, workers=1, **kw)
    assert tree_digest(out) == tree_digest(clean)
    shutil.rmtree(clean)


def test_a_rebuild_reuses_records_and_remakes_only_changed_inputs(tmp_path, parsed, made):
    root = tmp_path / "raw"
    synthetic.write_txt(root, 300, seed=8)
    out, cache = tmp_path / "ds", tmp_path / "cache"
    newsprep.build(root, out, workers=1, cache=cache)
    assert len(made) == 300
    changed = _change(root)
    parsed.clear()
    made.clear()
    newsprep.build(root, out, workers=1, cache=cache)
    assert set(parsed) == changed  # pass 1 parsed only these
    assert changed <= set(made) and len(made) < 30  # pass 2 remade these, and few others
    _same_as_clean(root, out, tmp_path)
    parsed.clear()
    made.clear()
    newsprep.build(root, out, workers=1, cache=cache)  # nothing changed: nothing made
    assert parsed == [] and made == []


def test_deleted_inputs(tmp_path, parsed):
    root = tmp_path / "raw"
    synthetic.write_txt(root, 120, seed=9)
    out, cache = tmp_path / "ds", tmp_path / "cache"
    newsprep.build(root, out, workers=1, cache=cache)
    for path in sorted(root.rglob("*.txt"))[10:40:3]:
        path.unlink()
    parsed.clear()
    summary = newsprep.build(root, out, workers=1, cache=cache)
    assert parsed == [] and summary.records == 110
    with sqlite3.connect(cache / "cache.sqlite") as conn:  # the deleted inputs' are pruned
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 110
    conn.close()
    _same_as_clean(root, out, tmp_path)


STORM = ("Storm hits the coast tonight\n\n"
         "The storm reached the coast tonight with strong winds and heavy rain across the towns."
         "\n\nResidents of the coast were told to stay indoors while the storm passed over the "
         "region.\n\nCoast residents stay indoors")


def _add_article_titled_as_storms_last_line(root):
    """A new article whose title is the storm article's last line (which then is a trailer)."""
    (root / "z-new.txt").write_text("Coast residents stay indoors\n\n" + "They did, all of them, "
                                    "for the whole night long while the wind blew. " * 3,
                                    encoding="utf-8")


def test_a_record_whose_probes_change_is_remade(tmp_path, made):
    """The last line of the storm article is body until another article takes it as its
    title: then it is a trailer. Its bytes did not change, but its record must."""
    root = tmp_path / "raw"
    synthetic.write_txt(root, 40, seed=10)
    (root / "storm.txt").write_text(STORM, encoding="utf-8")
    out, cache = tmp_path / "ds", tmp_path / "cache"
    newsprep.build(root, out, workers=1, cache=cache)
    assert _row(out, "storm.txt")["trailer_lines"] == []
    _add_article_titled_as_storms_last_line(root)
    made.clear()
    newsprep.build(root, out, workers=1, cache=cache)
    assert {"storm.txt", "z-new.txt"} <= set(made)
    assert _row(out, "storm.txt")["trailer_lines"] == ["Coast residents stay indoors"]
    _same_as_clean(root, out, tmp_path)


def _row(out: Path, source: str) -> dict:
    import pyarrow.parquet as pq

    for shard in sorted((out / "data").glob("*.parquet")):
        for row in pq.read_table(shard).to_pylist():
            if row["source"] == source:
                return row
    raise AssertionError(source)


def test_quarantines_jsonl_and_workers(tmp_path):
    """Quarantined inputs, JSON Lines articles and two worker processes sharing the cache."""
    root = tmp_path / "raw"
    synthetic.write_txt(root / "txt", 60, seed=11)
    synthetic.write_jsonl(root / "feed.jsonl", 50, seed=12)
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 40)
    (root / "title-only.txt").write_text("Just a title\n", encoding="utf-8")
    out, cache = tmp_path / "ds", tmp_path / "cache"
    newsprep.build(root, out, workers=2, cache=cache)
    lines = (root / "feed.jsonl").read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].replace('"text": "', '"text": "A changed opening. ', 1)
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "txt" / "00000" / "late.txt").write_text(STORM, encoding="utf-8")
    summary = newsprep.build(root, out, workers=2, cache=cache)
    assert summary.n_quarantined == 3
    _same_as_clean(root, out, tmp_path)


def test_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    """The stat memo: a file whose size, mtime, ctime and inode are unchanged is not hashed
    again; touching one (same bytes, new mtime) hashes it again, changing nothing else."""
    root = tmp_path / "raw"
    synthetic.write_txt(root, 30, seed=13)
    old = time.time() - 3600
    for path in root.rglob("*.txt"):
        os.utime(path, (old, old))  # not "racily clean": older than the memo's margin
    hashed: list[bytes] = []
    real = cache_mod._hash_file

    def counting(path, start, end):
        hashed.append(path)
        return real(path, start, end)

    monkeypatch.setattr(cache_mod, "_hash_file", counting)
    out, cache = tmp_path / "ds", tmp_path / "cache"
    newsprep.build(root, out, workers=1, cache=cache)
    assert len(hashed) == 30
    hashed.clear()
    newsprep.build(root, out, workers=1, cache=cache)
    assert hashed == []
    touched = sorted(root.rglob("*.txt"))[3]
    os.utime(touched, (old + 60, old + 60))
    newsprep.build(root, out, workers=1, cache=cache)
    assert hashed == [os.fsencode(touched.absolute())]


def test_a_damaged_cache_is_ignored_with_a_warning(tmp_path):
    root = tmp_path / "raw"
    synthetic.write_txt(root, 40, seed=14)
    out, cache = tmp_path / "ds", tmp_path / "cache"
    newsprep.build(root, out, workers=1, cache=cache)
    db = cache / "cache.sqlite"
    with sqlite3.connect(db) as conn:  # damaged values: misses, the build goes on
        conn.execute("UPDATE records SET value = x'80059500'")
        conn.execute("UPDATE stats SET value = x'00'")
    conn.close()
    with pytest.warns(CacheWarning, match="damaged"):
        newsprep.build(root, out, workers=1, cache=cache)
    _same_as_clean(root, out, tmp_path)
    for name in ("cache.sqlite-wal", "cache.sqlite-shm"):
        (cache / name).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)  # a damaged file: a new cache
    with pytest.warns(CacheWarning, match="started afresh"):
        newsprep.build(root, out, workers=1, cache=cache)
    _same_as_clean(root, out, tmp_path)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 40
    conn.close()
    db.unlink()  # a cache that cannot be written: ignored
    db.mkdir()
    with pytest.warns(CacheWarning, match="ignored"):
        newsprep.build(root, out, workers=1, cache=cache)
    _same_as_clean(root, out, tmp_path)


def test_one_record_of_an_unchanged_jsonl_range_is_remade(tmp_path, made):
    """An input of many articles whose bytes did not change: only the records whose probes
    answer differently are made again, the others come from the cache."""
    root = tmp_path / "raw"
    synthetic.write_jsonl(root / "feed.jsonl", 30, seed=15)
    title, _, body = STORM.partition("\n\n")
    with open(root / "feed.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "storm", "title": title, "text": body}) + "\n")
    out, cache = tmp_path / "ds", tmp_path / "cache"
    newsprep.build(root, out, workers=1, cache=cache)
    assert _row(out, "feed.jsonl:31")["trailer_lines"] == []
    _add_article_titled_as_storms_last_line(root)
    made.clear()
    newsprep.build(root, out, workers=1, cache=cache)
    assert "feed.jsonl:31" in made and len(made) < 10
    assert _row(out, "feed.jsonl:31")["trailer_lines"] == ["Coast residents stay indoors"]
    _same_as_clean(root, out, tmp_path)


def test_the_summary_tells_what_the_cache_reused_but_build_json_does_not(tmp_path):
    """`summary.cache` (and the CLI's --json and table): records reused and made, entries
    pruned. About the run, so never in build.json: the folder equals a clean build's."""
    from typer.testing import CliRunner

    from newsprep.cli import app

    root = tmp_path / "raw"
    synthetic.write_txt(root, 40, seed=21)
    out, cache = tmp_path / "ds", tmp_path / "cache"
    first = newsprep.build(root, out, workers=2, cache=cache)
    assert first.cache == {"records_reused": 0, "records_made": 40, "entries_pruned": 0}
    _change(root)  # two inputs changed, one added
    res = CliRunner().invoke(app, ["build", str(root), "--out", str(out), "--cache", str(cache),
                                   "--json"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)["cache"]
    assert got["records_made"] >= 3 and got["records_reused"] + got["records_made"] == 41
    assert got["entries_pruned"] >= 2  # the records and pages of the two changed inputs
    assert "cache" not in json.loads((out / "build.json").read_text())
    again = newsprep.build(root, out, workers=1, cache=cache)
    assert again.cache == {"records_reused": 41, "records_made": 0, "entries_pruned": 0}
    assert newsprep.build(root, tmp_path / "clean", workers=1).cache is None
    assert tree_digest(out) == tree_digest(tmp_path / "clean")
