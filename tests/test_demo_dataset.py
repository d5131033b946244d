"""The committed demo dataset in dataset/ is exactly what a build of examples/raw gives."""

from __future__ import annotations

import newsprep

from .conftest import DATASET, EXAMPLES
from .test_build import tree_digest


def test_demo_dataset_is_rebuilt_byte_for_byte(tmp_path):
    summary = newsprep.build(EXAMPLES, tmp_path / "dataset", workers=2)
    assert summary.reconciles
    assert tree_digest(tmp_path / "dataset") == tree_digest(DATASET), (
        "dataset/ is stale: run `newsprep build examples/raw --out dataset` and commit it")


def test_demo_dataset_loads(tmp_path):
    import datasets

    ds = datasets.load_dataset(str(DATASET), cache_dir=str(tmp_path / "cache"))
    assert sum(split.num_rows for split in ds.values()) == newsprep.summary.BuildSummary.read(
        DATASET).records
