"""CPU per article of each stage of a build, in one process (no workers, no start-up costs).

    python scripts/bench_stages.py /tmp/b20k/txt --articles 8000 [--repeat 3]

Prints one line per stage (best of --repeat runs, in µs of CPU per article): reading and
decoding, parsing, pass-1 statistics, segmentation, the whole record, the Arrow table with the
duplicate keys, MinHash/LSH keys alone, the pass-1 spill (pickle round trip), and the pandera
validation of the rows. A corpus from `python scripts/bench.py --corpus DIR` will do."""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

import pyarrow as pa

from newsprep import passes
from newsprep.config import load_config
from newsprep.corpus import CorpusStats
from newsprep.dedup import near_keys, scheme_of
from newsprep.ingest import RawArticle, read
from newsprep.inventory import discover
from newsprep.record import make_record, page_of
from newsprep.schema import validate_batch
from newsprep.segment import segment


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--articles", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cfg, root = load_config(), args.corpus
    tasks = discover(root).tasks[: args.articles]
    n = len(tasks)

    def timed(label, fn):
        best, out = float("inf"), None
        for _ in range(args.repeat):
            start = time.process_time()
            out = fn()
            best = min(best, time.process_time() - start)
        print(f"{label:30s} {best / n * 1e6:8.1f} µs/article")
        return out

    raws = timed("read + decode", lambda: [a for t in tasks for a in read(root, t, 10**7)
                                           if isinstance(a, RawArticle)])
    pages = timed("parse", lambda: [page_of(r) for r in raws])

    def gather():
        stats = CorpusStats()
        for page in pages:
            stats.add(page)
        return stats.freeze()

    stats = timed("pass-1 statistics", gather)
    timed("segmentation", lambda: [segment(p, stats, cfg) for p in pages])
    recs = timed("record (parse + segment + ...)", lambda: [make_record(r, stats, cfg)
                                                            for r in raws])
    rows = [r for r in recs if isinstance(r, dict)]
    chunks = [rows[i: i + passes.BATCH_ROWS] for i in range(0, len(rows), passes.BATCH_ROWS)]
    timed("Arrow table + duplicate keys", lambda: [passes._batch(c, [], cfg) for c in chunks])
    timed("MinHash/LSH keys alone", lambda: [near_keys([r["text"] for r in c], scheme_of(cfg))
                                             for c in chunks])
    timed("spill (pickle round trip)", lambda: pickle.loads(pickle.dumps(raws, protocol=5)))
    table = pa.concat_tables([passes._batch(c, [], cfg)[0] for c in chunks])
    validate_batch(table.slice(0, 10))  # imports and first-call costs out of the figure
    timed("pandera validation", lambda: validate_batch(table))


if __name__ == "__main__":
    main()
