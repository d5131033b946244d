"""Build benchmark of issue 2: a synthetic corpus of N articles (default 20,000, about 2 KB
each, .txt), built with every detector on; prints articles/s, MB/s and peak memory.

    python scripts/bench_build.py [--articles N] [--workers N]

The same measurement as `scripts/bench.py` (which also does JSON Lines, compressed inputs, the
Ray engine and incremental rebuilds), with a human-readable summary after its JSON line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    argv = ["--articles", str(args.articles)]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    r = bench.main(argv)
    print(f"{r['records']} articles, {r['input_mb']} MB in {r['seconds']} s: "
          f"{r['articles_per_s']} articles/s, {r['mb_per_s']} MB/s, "
          f"peak memory {r['peak_pss_mb_tree']} MB (all processes, PSS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
