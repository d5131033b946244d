"""Benchmark `newsprep check` against `newsprep build` on the same data; print one JSON line.

    python scripts/bench_check.py --articles 200000          # synthetic corpus -> build -> check
    python scripts/bench_check.py --dataset DIR --build-seconds S   # check a built folder only

The corpus (newsprep.synthetic, JSON Lines) and the built dataset are kept in --work, so a second
run only re-checks. Each check runs in a fresh process, so its peak resident memory is its own;
the check also runs on a quarter of the rows (whole shards), to show that memory does not grow
with the rows (compare peak_rss_mb - rss_after_import_mb), and the resident memory is sampled
during the check: the largest value of its first half against its second half.
Target: check seconds <= 25% of the build seconds."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, resource, sys, threading, time
def rss(): return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
def now_rss():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) // 1024 for l in fh if l.startswith("VmRSS:"))
t0 = time.perf_counter()
import newsprep
import great_expectations, datasets, pandera.pandas  # the check imports them: count them here
t1, rss0 = time.perf_counter(), rss()
samples, stop = [], threading.Event()
def sample():
    while not stop.wait(0.25):
        samples.append(now_rss())
threading.Thread(target=sample, daemon=True).start()
report = newsprep.check(sys.argv[1])
t2 = time.perf_counter()
stop.set()
half = len(samples) // 2
print(json.dumps({"valid": report.valid, "rows": report.stats["rows"],
                  "failed": [r.code for r in report.errors],
                  "import_seconds": round(t1 - t0, 3), "check_seconds": round(t2 - t1, 3),
                  "rss_after_import_mb": rss0, "peak_rss_mb": rss(),
                  "rss_max_first_half_mb": max(samples[:half], default=0),
                  "rss_max_second_half_mb": max(samples[half:], default=0)}))
"""


def corpus(work: Path, n: int) -> Path:
    from newsprep import synthetic

    path, marker = work / "corpus.jsonl", work / f".corpus-{n}"
    if not marker.exists():
        synthetic.write_jsonl(path, n, seed=0)
        marker.write_text("ok")
    return path


def build(src: Path, out: Path, workers: int | None) -> float:
    """Seconds of a clean build of `src` into `out` (kept: later runs reuse it)."""
    import newsprep

    marker = out.parent / f".built-{out.name}"
    if marker.exists():
        return json.loads(marker.read_text())["seconds"]
    start = time.perf_counter()
    try:
        newsprep.build(src, out, workers=workers, cache=False)
    except TypeError:  # a build without the incremental cache option
        newsprep.build(src, out, workers=workers)
    seconds = round(time.perf_counter() - start, 3)
    marker.write_text(json.dumps({"seconds": seconds}))
    return seconds


def check_in_child(folder: Path) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(folder)], capture_output=True,
                          text=True, check=True)
    res = json.loads(done.stdout.strip().splitlines()[-1])
    res["process_seconds"] = round(time.perf_counter() - start, 3)
    return res


def quarter(folder: Path, into: Path) -> Path:
    """A copy of `folder` with the largest shards that hold about a quarter of its rows (for the
    memory comparison; its card and build.json no longer match, which does not matter here)."""
    import pyarrow.parquet as pq

    shutil.rmtree(into, ignore_errors=True)
    (into / "data").mkdir(parents=True)
    rows = {p: pq.ParquetFile(p).metadata.num_rows for p in (folder / "data").glob("*.parquet")}
    taken = 0
    for shard in sorted(rows, key=lambda p: (-rows[p], p.name)):
        if taken >= sum(rows.values()) / 4:
            break
        (into / "data" / shard.name).hardlink_to(shard)
        taken += rows[shard]
    return into


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=None, help="build workers (default: CPUs)")
    ap.add_argument("--work", type=Path, default=None, help="where corpus and dataset are kept")
    ap.add_argument("--dataset", type=Path, default=None, help="check this folder only")
    ap.add_argument("--build-seconds", type=float, default=None,
                    help="with --dataset: the build time to compare with")
    args = ap.parse_args(argv)
    if args.dataset:
        folder, build_seconds = args.dataset, args.build_seconds
    else:
        work = args.work or Path(tempfile.gettempdir()) / f"newsprep-bench-check-{args.articles}"
        work.mkdir(parents=True, exist_ok=True)
        folder = work / "dataset"
        build_seconds = build(corpus(work, args.articles), folder, args.workers)
    full = check_in_child(folder)
    part = check_in_child(quarter(folder, folder.parent / f"{folder.name}-quarter"))
    report = {"rows": full["rows"], "build_seconds": build_seconds, "check": full,
              "check_quarter_of_rows": {k: part[k] for k in (
                  "rows", "check_seconds", "rss_after_import_mb", "peak_rss_mb")}}
    if build_seconds:
        report["check_share_of_build"] = round(full["check_seconds"] / build_seconds, 3)
        report["check_process_share_of_build"] = round(full["process_seconds"] / build_seconds, 3)
        report["target_met"] = report["check_process_share_of_build"] <= 0.25
    print(json.dumps(report), flush=True)
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
