"""CPU per article of the real pass 1 and pass 2 of a build, chunk by chunk in one process.

    python scripts/bench_passes.py /tmp/b20k/txt [--articles 6000] [--repeat 3] [--profile]

Runs `passes.pass1` (with its spill file) and `passes.pass2_to_file` (reading that spill,
writing a part file) over the build's own chunks of the first --articles inputs, as a worker
would, and prints the best of --repeat runs of each in µs of CPU (time.process_time) per
article. Unlike `bench_stages.py` this counts everything a worker does with an article
(reading, spilling, batching, part files), not the stages one by one; unlike
`bench_cpu_stages.py` no process is started, so the figures are steadier. For an A/B, run it
twice with PYTHONPATH pointing at each tree's src. --profile prints the last pass 2's cProfile."""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import tempfile
import time
from pathlib import Path

from newsprep import passes
from newsprep.config import load_config
from newsprep.corpus import CorpusStats
from newsprep.inventory import discover


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--articles", type=int, default=6000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    build = importlib.import_module("newsprep.build")
    tasks = discover(args.corpus).tasks[: args.articles]
    n = len(tasks)
    chunks = list(build._chunks(tasks))
    shared = {"root": args.corpus, "max_bytes": 10**7, "cfg": load_config(), "cache": None}
    best1 = best2 = float("inf")
    profile = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for rep in range(args.repeat):
            start = time.process_time()
            stats = CorpusStats()
            for i, chunk in enumerate(chunks):
                stats.merge(passes.pass1(shared, chunk, work / f"{i}.spill").stats)
            best1 = min(best1, time.process_time() - start)
            shared["stats"] = stats.freeze()
            last = profile is not None and rep == args.repeat - 1
            if last:
                profile.enable()
            start = time.process_time()
            for i, chunk in enumerate(chunks):
                passes.pass2_to_file(shared, chunk, work / f"{i}.arrow", work / f"{i}.spill")
            best2 = min(best2, time.process_time() - start)
            if last:
                profile.disable()
    print(f"pass 1 {best1 / n * 1e6:.1f} µs/article, pass 2 {best2 / n * 1e6:.1f} µs/article "
          f"({n} inputs, best of {args.repeat})")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumtime").print_stats(40)


if __name__ == "__main__":
    main()
