"""Regenerate the project's top-level DATASHEET.md: the datasheet of the demo dataset built from
examples/raw, written by the same function as every dataset's DATASHEET.md, keeping the answers
already written in DATASHEET.md.

    python scripts/datasheet.py                 # builds examples/raw in a temp folder
    python scripts/datasheet.py --dataset dataset   # or reads a built folder's build.json
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_META = {"pretty_name": "newsprep demo news corpus", "license": "cc0-1.0"}


def render(dataset: Path, old: Path) -> str:
    """The top-level datasheet for the built demo dataset `dataset`, answers kept from `old`."""
    from newsprep import datasheet
    from newsprep.summary import BuildSummary

    text = old.read_text(encoding="utf-8") if old.is_file() else None
    return datasheet.render(BuildSummary.read(dataset), DEMO_META, text)


def main() -> None:
    import newsprep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, help="a built demo dataset folder")
    parser.add_argument("--out", type=Path, default=ROOT / "DATASHEET.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dataset = args.dataset
        if dataset is None:
            dataset = Path(tmp) / "dataset"
            newsprep.build(ROOT / "examples" / "raw", dataset, workers=1)
        args.out.write_text(render(dataset, args.out), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
