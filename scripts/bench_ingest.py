"""CPU per article of the input side and the duplicate keys, one process; prints one JSON line.

    python scripts/bench_ingest.py --corpus /tmp/b20k/txt [--jsonl /tmp/b1m/corpus.jsonl]

- `read_decode_us`: reading and decoding `.txt` files (`ingest.read`), `--articles` of them.
- `jsonl_us`: JSON Lines articles of the first 3 byte ranges of 4 MB of `--jsonl` (`read_range`).
- `near_keys_us`, `batch_keys_us`: MinHash band keys and signatures of the texts read
  (`dedup.near_keys`), and all the duplicate keys of record-like rows (`dedup.batch_keys`),
  in batches of 2,000.
- `signatures_accented_us`: `minhash.signatures` of the same texts with accented letters
  and curly quotes (the non-ASCII paths).

Each figure is the best of `--repeat` runs after a warm-up run (steady state: the one-time
costs of a process, such as imports and first allocations, are left out). CPU time, not wall
time: steadier on a shared machine, though other jobs still slow it a little."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def _best(fn, repeat: int, n: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return round(best / max(1, n) * 1e6, 1)


def main() -> None:
    from newsprep import dedup
    from newsprep.config import load_config
    from newsprep.dedup import near_keys, scheme_of
    from newsprep.ingest import RawArticle, read
    from newsprep.inventory import discover
    from newsprep.minhash import Scheme, signatures
    from newsprep.textnorm import hash_hex

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a folder of .txt articles")
    ap.add_argument("--jsonl", type=Path, help="a plain JSON Lines file")
    ap.add_argument("--articles", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tasks = discover(args.corpus).tasks[: args.articles]
    raws = [a for t in tasks for a in read(args.corpus, t, 10**7) if isinstance(a, RawArticle)]
    out = {"articles": len(tasks), "read_decode_us": _best(
        lambda: [a for t in tasks for a in read(args.corpus, t, 10**7)], args.repeat, len(tasks))}
    if args.jsonl is not None:
        from newsprep.ranges import read_range, split

        ranges = split(args.jsonl, args.jsonl.name, 1 << 22)[:3]
        root = args.jsonl.parent
        n = sum(1 for r in ranges for _ in read_range(root, r, 10**7))
        out["jsonl_us"] = _best(lambda: [a for r in ranges for a in read_range(root, r, 10**7)],
                                args.repeat, n)
    scheme = scheme_of(load_config())
    texts = [r.text for r in raws]
    batches = [texts[i: i + 2000] for i in range(0, len(texts), 2000)]
    out["near_keys_us"] = _best(lambda: [near_keys(b, scheme) for b in batches], args.repeat,
                                len(texts))
    rows = [{"id": r.source, "title": r.text.split("\n", 1)[0], "text": r.text,
             "content_hash": hash_hex(r.text)} for r in raws]
    parts = [rows[i: i + 2000] for i in range(0, len(rows), 2000)]
    if hasattr(dedup, "batch_keys"):  # not in commits before it (measured there without it)
        out["batch_keys_us"] = _best(lambda: [dedup.batch_keys(p, scheme) for p in parts],
                                     args.repeat, len(rows))
    accented = [t.replace("e", "é").replace("o", "“") for t in texts[:2000]]
    out["signatures_accented_us"] = _best(lambda: signatures(accented, Scheme()), args.repeat,
                                          len(accented))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
