"""Wall time and CPU of each stage of one build, split between the driver and the workers.

    python scripts/bench_cpu_stages.py /tmp/b100k/txt [--out DIR] [--workers N]

For every stage of `newsprep.build` (discover, pass1, pass2, dedup, write, docs) prints its wall
seconds, the driver's CPU seconds (this process, all its threads) and the workers' (the
processes the stage forked and reaped: `getrusage(RUSAGE_CHILDREN)`). A worker pool lives for
one pass, so its CPU is counted in the stage that ran it. Build a corpus first with
`python scripts/bench.py --articles N --corpus DIR`."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import resource
import shutil
import tempfile
import time
from pathlib import Path


def _cpu() -> tuple[float, float]:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--out", type=Path, help="where to build (default: a temporary folder)")
    ap.add_argument("--workers", type=int)
    args = ap.parse_args()
    build = importlib.import_module("newsprep.build")
    rows: list[tuple[str, float, float, float]] = []
    timed = build._timed

    @contextlib.contextmanager
    def measured(timings, stage):
        (d0, w0), t0 = _cpu(), time.perf_counter()
        with timed(timings, stage):
            yield
        (d1, w1), t1 = _cpu(), time.perf_counter()
        rows.append((stage, t1 - t0, d1 - d0, w1 - w0))

    work = None if args.out else Path(tempfile.mkdtemp(prefix="newsprep-cpu-stages-"))
    out = args.out or work / "dataset"
    build._timed = measured
    try:
        (d0, w0), t0 = _cpu(), time.perf_counter()
        summary = build.build(args.corpus, out, workers=args.workers, timings={})
        (d1, w1), t1 = _cpu(), time.perf_counter()
    finally:
        build._timed = timed
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{summary.records} records")
    for stage, wall, driver, workers in [*rows, ("build", t1 - t0, d1 - d0, w1 - w0)]:
        print(f"{stage:9s} wall {wall:7.2f} s  driver {driver:7.2f} CPU-s  "
              f"workers {workers:7.2f} CPU-s")


if __name__ == "__main__":
    main()
