"""CPU per article of the real pass 1 and pass 2 of a build, chunk by chunk in one process.

    python scripts/bench_passes.py /tmp/b20k/txt [--articles 6000] [--repeat 3] [--profile]
                                   [--walk]

Runs `passes.pass1` (with its spill file) and `passes.pass2_to_file` (reading that spill,
writing a part file) over the build's own chunks of the first --articles inputs, as a worker
would, and prints the best of --repeat runs of each in µs of CPU (time.process_time) per
article. Unlike `bench_stages.py` this counts everything a worker does with an article
(reading, spilling, batching, part files; the garbage collector set as a worker sets it),
not the stages one by one; unlike `bench_cpu_stages.py` no process is started, so the figures
are steadier. For an A/B, run it twice with PYTHONPATH pointing at each tree's src. --profile
prints the last pass 2's cProfile.

--walk also runs pass 2 with the detectors' walk over each page's lines (`segment.segment`: the
title window and the trailer walk) answered from a table of its own answers, alternating with
the real pass 2: the difference is what the walk costs where it runs, hence the most any faster
walk (compiled, or batched) could save. The table lookup's own cost is printed too."""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import pstats
import tempfile
import time
from pathlib import Path

from newsprep import engine, passes, record
from newsprep.config import load_config
from newsprep.corpus import CorpusStats
from newsprep.inventory import discover


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--articles", type=int, default=6000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--walk", action="store_true",
                    help="also time pass 2 with the walk answered from a table (see above)")
    args = ap.parse_args()
    engine._collect_rarely()  # the garbage collector as in a worker
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
            best2 = min(best2, _pass2_seconds(shared, chunks, work))
            if last:
                profile.disable()
        if args.walk:
            walk = _without_walk(shared, chunks, work, args.repeat)
    print(f"pass 1 {best1 / n * 1e6:.1f} µs/article, pass 2 {best2 / n * 1e6:.1f} µs/article "
          f"({n} inputs, best of {args.repeat})")
    if args.walk:
        real, table, lookup = (x / n * 1e6 for x in walk)
        print(f"pass 2 {real:.1f} µs/article, with the walk answered from a table {table:.1f} "
              f"(the lookup itself {lookup:.1f} µs): the walk costs {real - table + lookup:.1f} "
              f"µs/article (best of {args.repeat}, alternated)")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumtime").print_stats(40)


def _without_walk(shared: dict, chunks: list, work: Path, repeat: int) -> tuple[float, ...]:
    """(best CPU seconds of pass 2, of pass 2 with `segment` answered from a table of its
    answers, of looking every page it was asked of up in that table), alternating the two
    passes."""
    walk = record.segment
    table: dict[tuple, object] = {}

    def _key(page) -> tuple:
        return page.title, tuple(page.texts), tuple(page.blanks)

    pages = []

    def remembered(page, stats, cfg):
        pages.append(page)
        table[_key(page)] = seg = walk(page, stats, cfg)
        return seg

    def answered(page, stats, cfg):
        return table[_key(page)]

    def run(segment) -> float:
        record.segment = segment
        try:
            return _pass2_seconds(shared, chunks, work)
        finally:
            record.segment = walk

    run(remembered)
    gc.freeze()  # the table's objects: never walked by a collection during the passes timed
    real = table_only = float("inf")
    for _ in range(repeat):
        real = min(real, run(walk))
        table_only = min(table_only, run(answered))
    start = time.process_time()
    for page in pages:
        answered(page, None, None)
    return real, table_only, time.process_time() - start


def _pass2_seconds(shared: dict, chunks: list, work: Path) -> float:
    """CPU seconds of pass 2 over `chunks` (their spill files in `work`, from pass 1)."""
    start = time.process_time()
    for i, chunk in enumerate(chunks):
        passes.pass2_to_file(shared, chunk, work / f"{i}.arrow", work / f"{i}.spill")
    return time.process_time() - start


if __name__ == "__main__":
    main()
