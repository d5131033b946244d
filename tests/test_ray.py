"""The Ray Data engine gives the same dataset as the local engine (a local Ray, 2 CPUs).

Needs the optional extra `newsprep[ray]`; skipped when Ray is not installed, except in CI (CI
set), where a missing Ray is a failure."""

from __future__ import annotations

import os

import pytest

import newsprep
from newsprep import synthetic

from .test_build import read_rows, tree_digest

try:
    import ray  # noqa: F401

    HAVE_RAY = True
except ImportError:
    HAVE_RAY = False

pytestmark = [pytest.mark.ray, pytest.mark.skipif(
    not HAVE_RAY and not os.environ.get("CI"),
    reason="ray not installed (pip install newsprep[ray])")]


def test_ray_engine_gives_the_same_dataset_as_local(tmp_path):
    root = tmp_path / "raw"
    synthetic.write_txt(root / "txt", 60, seed=8)
    synthetic.write_jsonl(root / "feed.jsonl", 40, seed=9)
    local = newsprep.build(root, tmp_path / "local", workers=2, cache=False)
    try:
        on_ray = newsprep.build(root, tmp_path / "ray", engine="ray", workers=2, cache=False)
    finally:
        import ray

        ray.shutdown()
    assert on_ray.to_dict() == local.to_dict()
    assert read_rows(tmp_path / "ray") == read_rows(tmp_path / "local")
    assert tree_digest(tmp_path / "ray") == tree_digest(tmp_path / "local")
