"""How well the near-duplicate signatures estimate Jaccard similarity and find near-duplicates.

    python scripts/minhash_accuracy.py [--shared ../shared] [--pairs 20000]

Pairs of texts with a known exact Jaccard similarity of their word 5-shingles:
- `synthetic`: a synthetic article and its near copy (one word replaced, as the benchmark
  corpus makes them), `--pairs` of them;
- `eval-dev`: each eval-dev body against itself with a share of its words replaced, whole and
  cut to its first N words (short texts leave signature slots empty: densification).
For each: the estimate's bias and spread (share of equal signature values minus the exact
similarity), the share of pairs the build would call near-duplicates (a band key in common and
16-bit signatures agreeing on >= threshold), and how often that call agrees with the exact
similarity being >= threshold. Deterministic (fixed seeds)."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np

from newsprep.minhash import Scheme, band_keys, shingle_hashes, short, signatures
from newsprep.synthetic import Generator


def _row(label: str, a: list[str], b: list[str], scheme: Scheme) -> str:
    k = scheme.shingle_words
    sets = [(set(shingle_hashes(x, k).tolist()), set(shingle_hashes(y, k).tolist()))
            for x, y in zip(a, b, strict=True)]
    exact = np.array([len(x & y) / len(x | y) for x, y in sets])
    sa, sb = signatures(a, scheme), signatures(b, scheme)
    err = (sa == sb).mean(axis=1) - exact
    found = ((band_keys(sa, scheme) == band_keys(sb, scheme)).any(axis=1)
             & ((short(sa) == short(sb)).mean(axis=1) >= scheme.threshold))
    agree = (found == (exact >= scheme.threshold)).mean()
    return (f"| {label} | {len(a)} | {exact.mean():.3f} | {err.mean():+.4f} | {err.std():.4f} "
            f"| {found.mean():.4f} | {agree:.3f} |")


def _replace(text: str, share: float, rng: random.Random) -> str:
    return " ".join(f"zz{rng.randrange(10**9)}" if rng.random() < share else w
                    for w in text.split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--pairs", type=int, default=20000)
    args = ap.parse_args()
    scheme = Scheme()
    print("| pairs | n | exact J | bias | spread (sd) | found | found = (J >= threshold) |")
    print("|---|---|---|---|---|---|---|")
    gen = Generator(11, dup_rate=0, near_rate=0)
    arts = list(gen.articles(args.pairs))
    print(_row("synthetic near copies", [a.text for a in arts],
               [gen._near(a).text for a in arts], scheme))
    bodies = [p.read_text(encoding="utf-8").split("\n", 1)[-1]
              for p in sorted((args.shared / "data/eval-dev/raw").glob("*.txt"))]
    rng = random.Random(1)
    for words in (None, 120, 30, 12):
        cut = [" ".join(t.split()[:words]) if words else t for t in bodies]
        for share in (0.01, 0.03, 0.05):
            part = "whole" if words is None else f"first {words} words"
            label = f"eval-dev {part}, {share:.0%} replaced"
            print(_row(label, cut, [_replace(t, share, rng) for t in cut], scheme))


if __name__ == "__main__":
    main()
