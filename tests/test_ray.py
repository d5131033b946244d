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


def test_a_worker_names_the_first_input_file_it_cannot_see(tmp_path):
    from newsprep.ingest import Task
    from newsprep.ranges import JsonlRange
    from newsprep.ray_engine import _first_missing

    root = tmp_path / "raw"
    names = ["a.txt", "b.txt", "sub/c.txt"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("Title\n\nBody.\n")
    chunk = [Task(name, "text", 1) for name in names]
    assert _first_missing(root, chunk) == ""
    (root / names[1]).unlink()
    assert _first_missing(root, chunk) == f"{root}/{names[1]}"
    assert _first_missing(root, [JsonlRange("feed.jsonl", 0, 9, 0)]) == f"{root}/feed.jsonl"
    assert _first_missing(tmp_path / "elsewhere", chunk) == str(tmp_path / "elsewhere")
    assert _first_missing(root / names[0], chunk) == ""  # the input is that one file
    assert _first_missing(None, chunk) == _first_missing(root, "not a chunk") == ""


def test_a_file_the_driver_has_but_a_worker_lacks_is_one_line_naming_both(tmp_path):
    from newsprep.errors import NewsprepError
    from newsprep.ray_engine import _check_missing

    there = tmp_path / "a.txt"
    there.write_text("x")
    _check_missing({"missing": "", "node": ""})
    _check_missing({"missing": str(tmp_path / "vanished.txt"), "node": "10.0.0.2 (node ab)"})
    with pytest.raises(NewsprepError) as caught:
        _check_missing({"missing": str(there), "node": "10.0.0.2 (node ab)"})
    assert str(caught.value).startswith(f"{there}: not found on Ray node 10.0.0.2 (node ab), ")
    assert "\n" not in str(caught.value)
