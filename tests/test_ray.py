"""The Ray Data engine gives the same dataset as the local engine (a local Ray, 2 CPUs, started
by the first build of this module and stopped after its last test), with or without the
incremental cache.

Needs the optional extra `newsprep[ray]`; skipped when Ray is not installed, except in CI (CI
set), where a missing Ray is a failure."""

from __future__ import annotations

import importlib
import os
import pickle
import shutil
import warnings
from collections.abc import Iterator

import pytest

import newsprep
from newsprep import cacheprune, synthetic
from newsprep.cache import Cache, CacheWarning

from .conftest import EXAMPLES
from .test_build import read_rows, tree_digest

try:
    import ray  # noqa: F401

    HAVE_RAY = True
except ImportError:
    HAVE_RAY = False

pytestmark = [pytest.mark.ray, pytest.mark.skipif(
    not HAVE_RAY and not os.environ.get("CI"),
    reason="ray not installed (pip install newsprep[ray])")]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """Ray on this machine, as the first build with `engine="ray", workers=2` starts it; stopped
    (with every process it started) once the module's tests are done."""
    yield
    import ray

    ray.shutdown()


def test_ray_engine_gives_the_same_dataset_as_local(tmp_path, local_ray):
    root = tmp_path / "raw"
    synthetic.write_txt(root / "txt", 60, seed=8)
    synthetic.write_jsonl(root / "feed.jsonl", 40, seed=9)
    local = newsprep.build(root, tmp_path / "local", workers=2, cache=False)
    on_ray = newsprep.build(root, tmp_path / "ray", engine="ray", workers=2, cache=False)
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


def _edit_demo_corpus(root) -> None:
    """One article gets a new paragraph, one is added."""
    story = root / "science" / "comet-break-up.txt"
    story.write_text(story.read_text(encoding="utf-8") + "\n\nThe observatory will publish "
                     "its images of the fragments next month.\n", encoding="utf-8")
    (root / "science" / "new-telescope.txt").write_text(
        "A new telescope opens on the ridge\n\n" + "Its first images are of the comet's "
        "fragments, taken on a clear night above the valley. " * 6 + "\n", encoding="utf-8")


def test_ray_with_the_cache_rebuilds_a_changed_corpus_as_a_clean_local_build(
        tmp_path, monkeypatch, local_ray):
    """The workers share the driver's SQLite cache (given as a relative folder: they resolve it
    as the driver does); a rebuild after an edit reuses what did not change and writes the same
    bytes as a clean local build."""
    from newsprep.ray_engine import RayEngine

    build_module = importlib.import_module("newsprep.build")  # newsprep.build: the function
    monkeypatch.setattr(build_module, "CHUNK_TASKS", 8)  # several chunks: several Ray tasks
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "raw"
    shutil.copytree(EXAMPLES, root)
    first, again = RayEngine(workers=2), RayEngine(workers=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        newsprep.build(root, "ray", engine=first, cache="cache")
        _edit_demo_corpus(root)
        newsprep.build(root, "ray", engine=again, cache="cache")
    assert first.cache_hits == 0 and first.cache_misses > 0
    # the edited and the new input (and the statistics of their groups) are all that is made
    assert again.cache_hits > again.cache_misses > 0
    assert again.cache_misses < first.cache_misses / 3
    assert first.uncached_chunks == again.uncached_chunks == 0
    newsprep.build(root, tmp_path / "local", workers=1, cache=False)
    assert tree_digest(tmp_path / "ray") == tree_digest(tmp_path / "local")


def test_the_cache_is_opened_only_where_it_is_the_same_folder_on_the_same_machine(
        tmp_path, monkeypatch):
    from newsprep import ray_engine
    from newsprep.ray_engine import _CacheHere

    folder = tmp_path / "cache"
    cache = Cache(folder, "salt")
    handle = pickle.loads(pickle.dumps(_CacheHere(cache)))
    here = handle.open()
    assert isinstance(here, Cache) and here.folder == folder and here.salt == cache.salt
    here.close()
    monkeypatch.setattr(ray_engine, "_machine", lambda: "another-host/another-boot")
    assert handle.open() is None
    monkeypatch.undo()
    cache.close()
    shutil.rmtree(folder)
    assert handle.open() is None
    assert not folder.exists()  # never made where it is missing


def test_chunks_made_where_the_cache_cannot_be_shared_are_made_afresh_with_a_warning(
        tmp_path, monkeypatch, local_ray):
    """As if the workers ran on another machine: the driver's notion of where the cache is does
    not match theirs. They get no cache (a clean build's path), the build warns and will not
    prune the cache."""
    from newsprep import ray_engine
    from newsprep.ray_engine import RayEngine

    def has_cache(shared, item):  # nested: Ray ships it by value
        return item, shared["cache"] is not None

    cache = Cache(tmp_path / "cache", "salt")
    engine = RayEngine(workers=2)
    try:
        assert list(engine.map_ordered(has_cache, range(3), {"cache": cache})) == [
            (0, True), (1, True), (2, True)]
        assert engine.uncached_chunks == 0
        assert not cacheprune.incomplete(cache.folder, cache.gen).exists()
        monkeypatch.setattr(ray_engine, "_machine", lambda: "the-driver-elsewhere/boot")
        with pytest.warns(CacheWarning, match=r"3 of 3 chunks ran on Ray nodes that cannot share"):
            assert list(engine.map_ordered(has_cache, range(3), {"cache": cache})) == [
                (0, False), (1, False), (2, False)]
        assert engine.uncached_chunks == 3
        # what those chunks would have used is unknown: the build will not prune the cache
        assert cacheprune.incomplete(cache.folder, cache.gen).exists()
    finally:
        cache.close()
