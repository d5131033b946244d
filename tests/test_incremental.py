"""Incremental builds: the pass-1 cache, keyed by the bytes of each input, means a rebuild
parses only what changed, and its output is byte-identical to a clean build's."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsprep
from newsprep import passes, synthetic
from newsprep.cache import default_folder
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
