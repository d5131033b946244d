"""CPU seconds of the work a build does in its driver process; prints one JSON line.

    python scripts/bench_driver.py --corpus /tmp/b20k/txt

- `engine`: the local engine's own cost (a no-op function mapped over the corpus's chunks with
  2 workers): what the driver and the workers spend moving jobs and results.
- `write`: the write stage of a real build (`finalize.write_final`): the CPU of the driver's
  main thread (read, duplicate columns, splits, pandera validation, joining the row groups into
  shards), that of the other threads (the pool encoding and compressing row groups, `write.py`:
  the process's CPU less the main thread's), and the stage's wall time. Wall time is at least
  the main thread's, and at least the sum over 2 (two cores).
- `docs`: the docs stage (card, datasheet, Croissant) of the built folder, in a new process:
  once at first use (imports included) and once warm.

CPU time is steadier than wall time on a shared machine, but threads and processes of other
jobs still slow it down a little."""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _noop(shared, item) -> None:
    return None


def _cpu(who) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def engine_cost(corpus: Path, workers: int) -> dict:
    from newsprep import engine, ranges

    build = importlib.import_module("newsprep.build")
    inv = build.discover_tasks(corpus)
    chunks = list(build._chunks(ranges.plan(corpus, inv.tasks, build.CHUNK_BYTES)))
    jobs = [(chunk, Path(f"/nonexistent/{i}")) for i, chunk in enumerate(chunks)]
    d0, c0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    for _ in engine.map_ordered(_noop, jobs, workers, {}):
        pass
    return {"chunks": len(jobs),
            "driver_cpu_s": round(_cpu(resource.RUSAGE_SELF) - d0, 3),
            "workers_cpu_s": round(_cpu(resource.RUSAGE_CHILDREN) - c0, 3)}


def write_cost(corpus: Path, out: Path, workers: int | None) -> dict:
    """Build `corpus` into `out`, timing the write stage's threads."""
    import newsprep

    build = importlib.import_module("newsprep.build")
    seen: dict[str, float] = {}
    write_final = build.write_final

    def timed_final(*args, **kwargs):
        t, p, w = time.thread_time(), time.process_time(), time.perf_counter()
        files = write_final(*args, **kwargs)
        seen.update(main=time.thread_time() - t, process=time.process_time() - p,
                    wall=time.perf_counter() - w)
        return files

    build.write_final = timed_final
    try:
        summary = newsprep.build(corpus, out, workers=workers)
    finally:
        build.write_final = write_final
    return {"records": summary.records, "main_thread_cpu_s": round(seen["main"], 3),
            "other_threads_cpu_s": round(seen["process"] - seen["main"], 3),
            "process_cpu_s": round(seen["process"], 3), "wall_s": round(seen["wall"], 3)}


def docs_cost(folder: Path) -> dict:
    """Run in a new process (`--docs FOLDER`), so that the first call pays its imports."""
    import subprocess

    res = subprocess.run([sys.executable, __file__, "--docs", str(folder)], check=True,
                         capture_output=True, text=True)
    return json.loads(res.stdout)


def _docs_here(folder: Path) -> dict:
    from newsprep import card, docs
    from newsprep.summary import BuildSummary

    out = {}
    for label in ("first_cpu_s", "warm_cpu_s"):
        t = time.process_time()
        docs.write(folder, BuildSummary.read(folder), card.split_files_of(folder), None)
        out[label] = round(time.process_time() - t, 3)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="a folder of raw articles")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--docs", type=Path, help=argparse.SUPPRESS)  # docs_cost's child process
    args = ap.parse_args(argv)
    if args.docs:
        out = _docs_here(args.docs)
        print(json.dumps(out))
        return out
    if not args.corpus:
        ap.error("--corpus is required")
    work = Path(tempfile.mkdtemp(prefix="newsprep-bench-driver-"))
    try:
        report = {"corpus": str(args.corpus), "workers": args.workers,
                  "engine": engine_cost(args.corpus, args.workers),
                  "write": write_cost(args.corpus, work / "out", args.workers)}
        report["docs"] = docs_cost(work / "out")
        print(json.dumps(report), flush=True)
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
