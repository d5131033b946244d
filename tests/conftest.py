"""Shared fixtures. The shared evaluation data is read-only: every build writes to a temp folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Hugging Face caches go to a temporary folder: tests write nowhere else.
if "HF_HOME" not in os.environ:
    os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="newsprep-test-hf-")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSPREP_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seed" / "huawei-no-spy.txt"
EVAL_DEV = SHARED / "data" / "eval-dev"
EVAL_REAL_DEV = SHARED / "data" / "eval-real-dev"
EXAMPLES = ROOT / "examples" / "raw"
DATASET = ROOT / "dataset"


def need(path: Path) -> Path:
    """The shared data is part of CI's checkout; fail loudly (not skip) when it is missing."""
    if not path.exists():
        pytest.fail(f"{path}: shared evaluation data missing (set NEWSPREP_SHARED)")
    return path


@pytest.fixture(scope="session")
def eval_dev_build(tmp_path_factory):
    """eval-dev built once per session: (summary, dataset folder)."""
    import newsprep

    out = tmp_path_factory.mktemp("eval-dev") / "ds"
    summary = newsprep.build(need(EVAL_DEV / "raw"), out, workers=2)
    return summary, out


def write_raw(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write raw article files (text or bytes) under `folder`; return it."""
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder
