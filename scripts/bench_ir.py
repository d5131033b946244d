"""Instructions (callgrind Ir) per article of one piece of a build: steady where CPU time is not
(the machine's 2 cores are shared, and a µs-sized change drowns in their noise).

    python scripts/bench_ir.py /tmp/b20k/txt --what record [--articles 500] [--repeat 2]

Runs this script twice under `valgrind --tool=callgrind`, once with no repeat of the measured
work and once with --repeat repeats of it, and prints the difference per article (the setup,
imports included, cancels out). --what: `record` (make_record against frozen statistics),
`stats` (pass-1 statistics: CorpusStats.add and its flushes), `pass1` (passes.pass1 of the
inputs' chunks, spill included) or `pass2` (passes.pass2_to_file from a pass-1 spill: records,
batches, keys, part files). For an A/B, run it with PYTHONPATH pointing at each tree's src.
Memory copies count few instructions: a change that saves copies shows better in CPU time."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHUNK = 250  # inputs a chunk (pass1, pass2)


def _work(corpus: Path, what: str, n: int, repeat: int) -> None:
    """The setup, then `repeat` times the measured work (run inside valgrind)."""
    from newsprep import passes
    from newsprep.config import load_config
    from newsprep.corpus import CorpusStats
    from newsprep.ingest import RawArticle, read
    from newsprep.inventory import discover
    from newsprep.record import make_record, page_of

    cfg = load_config()
    tasks = discover(corpus).tasks[:n]
    raws = [a for t in tasks for a in read(corpus, t, 10**7) if isinstance(a, RawArticle)]
    pages = [p for p in map(page_of, raws) if p.title]
    stats = CorpusStats()
    for page in pages:
        stats.add(page)
    stats.freeze()
    chunks = [tasks[i: i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    shared = {"root": corpus, "max_bytes": 10**7, "cfg": cfg, "cache": None, "stats": stats}
    work = Path(tempfile.mkdtemp())
    for i, chunk in enumerate(chunks):
        passes.pass1(shared, chunk, work / f"{i}.spill")
    make_record(raws[0], stats, cfg)  # first-call costs out of the difference
    for _ in range(repeat):
        if what == "record":
            for raw in raws:
                make_record(raw, stats, cfg)
        elif what == "stats":
            fresh = CorpusStats()
            for page in pages:
                fresh.add(page)
            fresh.freeze()
        elif what == "pass1":
            for i, chunk in enumerate(chunks):
                passes.pass1(shared, chunk, work / f"{i}.again")
        else:
            for i, chunk in enumerate(chunks):
                shutil.copy(work / f"{i}.spill", work / f"{i}.taken")  # pass 2 deletes it
                passes.pass2_to_file(shared, chunk, work / f"{i}.arrow", work / f"{i}.taken")
    shutil.rmtree(work)


def _ir(args, repeat: int) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
           __file__, str(args.corpus), "--what", args.what, "--articles", str(args.articles),
           "--inside", str(repeat)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stderr
    return sum(int(x.replace(",", "")) for x in re.findall(r"Collected : ([\d,]+)", out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--what", choices=["record", "stats", "pass1", "pass2"], default="record")
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--inside", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside is not None:
        _work(args.corpus, args.what, args.articles, args.inside)
        return
    per = (_ir(args, args.repeat) - _ir(args, 0)) / (args.articles * args.repeat)
    print(f"{args.what}: {per / 1000:.1f}k Ir/article ({args.articles} inputs x {args.repeat})")


if __name__ == "__main__":
    main()
