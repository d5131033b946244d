"""Print the detector figures on the labelled sets and their derived variants as a Markdown table
(the table in the README's "Quality detectors" section).

    python scripts/eval_report.py [--shared ../shared] [--variants "" collapsed ...]
    python scripts/eval_report.py --write-accuracy checks/accuracy.json

`--write-accuracy` writes the `newsprep eval --json` reports of both sets (as they are) to the
file the dataset card reads its "Detector accuracy" table from; tests/test_eval.py checks that
the committed file matches a fresh evaluation.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from newsprep.evaluate import evaluate

SETS = {"eval-dev": "data/eval-dev", "eval-real-dev": "data/eval-real-dev"}
VARIANTS = ["", "collapsed", "prefixed", "collapsed+prefixed", "bulleted", "collapsed+bulleted",
            "wire", "captions", "isolated", "collapsed+isolated"]


def row(name: str, variant: str, report, seconds: float) -> str:
    rep, tr = report.scores["repeated_title"], report.scores["trailer"]
    hdr = report.scores["header"]
    return (f"| {name} | {variant or '(as is)'} | {rep.file_accuracy:.2%} | {tr.precision:.4f} | "
            f"{tr.recall:.4f} | {tr.f1:.4f} | {tr.file_accuracy:.2%} | {hdr.precision:.2f} / "
            f"{hdr.recall:.2f} | {seconds:.1f} s |")


def accuracy(shared: Path) -> list[dict]:
    """The eval reports of both sets as they are, with portable `raw_dir` names."""
    out = []
    for name, rel in SETS.items():
        report = evaluate(shared / rel / "raw", shared / rel / "labels.jsonl").to_dict()
        report["raw_dir"] = f"{name}/raw"
        out.append(report)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--variants", nargs="*", default=VARIANTS)
    parser.add_argument("--write-accuracy", type=Path, metavar="PATH",
                        help="write the card's detector accuracy file and stop")
    args = parser.parse_args()
    if args.write_accuracy:
        text = json.dumps(accuracy(args.shared), indent=1, ensure_ascii=False) + "\n"
        args.write_accuracy.write_text(text, encoding="utf-8")
        print(f"wrote {args.write_accuracy}")
        return
    print("| set | variant | repeats: exact count | trailer P | trailer R | trailer F1 | "
          "trailer block exact | header P / R | time |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, rel in SETS.items():
        root = args.shared / rel
        for variant in args.variants:
            start = time.perf_counter()
            report = evaluate(root / "raw", root / "labels.jsonl", variant=variant or None)
            print(row(name, variant, report, time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    main()
