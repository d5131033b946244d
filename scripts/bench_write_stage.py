"""Time the write stage alone (finalize.write_final) and pass 2's part files; one JSON line.

    python scripts/bench_write_stage.py --corpus /tmp/b100k/txt --repeat 7

Builds the corpus once, keeping a copy of what the write stage starts from (the part files,
the duplicate decisions), then runs write_final on it --repeat times: wall seconds and CPU
seconds of the process and of the calling thread (the encoding threads are the rest), medians.
Also the CPU of writing the part files as pass 2's workers do and of reading them back."""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def capture(corpus: Path, work: Path, workers: int | None) -> dict:
    """Build `corpus`; the write stage's inputs, the part files linked into `work` (on the
    same file system as the build's staging folder: the system's temporary folder)."""
    import newsprep

    build = importlib.import_module("newsprep.build")
    real, seen = build.write_final, {}

    def keep(stage, cfg, parts, result, split_ratios, summary, num_bytes=None):
        copied = []
        for path, mask in parts:
            os.link(path, work / path.name)  # kept when the build removes its part files
            copied.append((work / path.name, mask))
        seen["state"] = pickle.dumps((cfg, copied, result, split_ratios, summary))
        return real(stage, cfg, parts, result, split_ratios, summary, num_bytes)

    build.write_final = keep
    timings: dict[str, float] = {}
    try:
        newsprep.build(corpus, work / "out", workers=workers, timings=timings)  # in `work`
    finally:
        build.write_final = real
    return {"state": seen["state"], "build_write_s": round(timings["write"], 3)}


def time_write(state: bytes, work: Path, repeat: int) -> dict:
    from newsprep import finalize

    cfg, parts, result, split_ratios, summary = pickle.loads(state)
    finalize.warm_up()
    finalize._wait_for_warm_up()
    runs = []
    for _ in range(repeat):
        out = work / "stage"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        w, p, t = time.perf_counter(), time.process_time(), time.thread_time()
        finalize.write_final(out, cfg, parts, result, split_ratios, copy.deepcopy(summary), {})
        runs.append((time.perf_counter() - w, time.process_time() - p, time.thread_time() - t))
    wall, cpu, main = (statistics.median(c) for c in zip(*runs, strict=True))
    return {"write_wall_s": round(wall, 3), "write_wall_min_s": round(min(r[0] for r in runs), 3),
            "write_cpu_s": round(cpu, 3), "write_main_thread_cpu_s": round(main, 3),
            "rows": sum(len(m) for _, m in parts), "repeat": repeat}


def time_parts(state: bytes, work: Path) -> dict:
    """CPU of writing the part files (pass 2's workers) and reading them back (write stage)."""
    from newsprep import finalize, parts

    _, files, *_ = pickle.loads(state)
    tables = [parts.read(path) for path, _ in files]
    rows = sum(t.num_rows for t in tables)
    c = time.process_time()
    for i, table in enumerate(tables):
        parts.write_part(work / f"again-{i}{parts.SUFFIX}", [table])
    written = time.process_time() - c
    c = time.process_time()
    n = sum(t.num_rows for t in finalize._groups([(work / f"again-{i}{parts.SUFFIX}", m)
                                                  for i, (_, m) in enumerate(files)]))
    read = time.process_time() - c
    assert n == sum(int(m.sum()) for _, m in files)
    return {"part_write_us_per_article": round(written / rows * 1e6, 2),
            "part_read_cpu_s": round(read, 3)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsprep-write-") as tmp:
        work = Path(tmp)
        got = capture(args.corpus, work, args.workers)
        out = {"corpus": str(args.corpus), "build_write_s": got["build_write_s"],
               **time_write(got["state"], work, args.repeat), **time_parts(got["state"], work)}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
