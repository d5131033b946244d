"""Time the publishing steps on a real corpus: build, regenerate card/datasheet/Croissant, two
local git releases (the second with release notes against the first), load one release.

    python scripts/bench_publish.py ../shared/data/eval-dev/raw
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import newsprep
from newsprep import docs


def _timed(label: str, fn):
    start = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("-j", "--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ds, rel = Path(tmp) / "ds", Path(tmp) / "releases"
        summary = _timed("build", lambda: newsprep.build(args.input, ds, workers=args.workers))
        print(f"  {summary.records} records, splits {summary.splits}")
        _timed("docs (card, datasheet, croissant)", lambda: docs.regenerate(ds))
        _timed("publish v1.0.0 --to git", lambda: newsprep.publish(ds, version="1.0.0", to=rel))
        _timed("publish v1.0.1 --to git", lambda: newsprep.publish(ds, version="1.0.1", to=rel))
        cache = str(Path(tmp) / "cache")
        dd = _timed("load v1.0.0", lambda: newsprep.load(rel, version="1.0.0", cache_dir=cache))
        print(f"  {({k: v.num_rows for k, v in dd.items()})}")


if __name__ == "__main__":
    main()
