"""The committed demo dataset in dataset/ is exactly what a rebuild of examples/raw gives.

The rebuild runs over a copy of dataset/, as a maintainer's `newsprep build examples/raw --out
dataset` does: the card's hand-edited metadata (licence, name) and hand-written sections are
carried over by the build, everything else is regenerated from the corpus."""

from __future__ import annotations

import shutil

import newsprep
from newsprep.summary import BuildSummary

from .conftest import DATASET, EXAMPLES
from .test_build import tree_digest


def test_demo_dataset_is_rebuilt_byte_for_byte(tmp_path):
    out = tmp_path / "dataset"
    shutil.copytree(DATASET, out)
    summary = newsprep.build(EXAMPLES, out, workers=2, cache=False)
    assert summary.reconciles
    assert tree_digest(out) == tree_digest(DATASET), (
        "dataset/ is stale: run `newsprep build examples/raw --out dataset` and commit it")


def test_demo_dataset_loads(tmp_path):
    import datasets

    ds = datasets.load_dataset(str(DATASET), cache_dir=str(tmp_path / "cache"))
    assert sum(split.num_rows for split in ds.values()) == BuildSummary.read(DATASET).records
    assert set(ds) == {"train", "validation", "test"}
