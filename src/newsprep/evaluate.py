"""Measure the detectors against a labelled set (the format of `eval-dev` / `eval-real-dev`).

The detection is the build's own: the raw files are read by `ingest`, corpus statistics are
gathered over all of them (pass 1), every article is turned into a record by `record.make_record`
(pass 2) and duplicates are resolved by `dedup.Deduper`. Only the comparison is new here."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsprep import eval_variants
from newsprep.config import Config, load_config
from newsprep.corpus import gather
from newsprep.dedup import Deduper, signature
from newsprep.errors import NewsprepError
from newsprep.eval_score import (
    FileCheck,
    Mistake,
    Score,
    add,
    compare_lines,
    line_number,
    pair_score,
)
from newsprep.ingest import Quarantined, RawArticle, read
from newsprep.inventory import discover
from newsprep.record import make_record, page_of
from newsprep.textnorm import title_key

DETECTORS = ("title", "repeated_title", "header", "trailer")


@dataclass
class EvalReport:
    """Per-detector scores over one labelled set; `mistakes` lists every wrong line."""

    raw_dir: str
    variant: str
    files: int = 0
    quarantined: list[str] = field(default_factory=list)
    scores: dict[str, Score] = field(default_factory=lambda: {d: Score() for d in DETECTORS})
    mistakes: list[Mistake] = field(default_factory=list)

    def table(self):
        """The scores as a rich table (one row per detector)."""
        from rich.table import Table

        title = f"{self.raw_dir}: {self.files} files" + (f", variant {self.variant}"
                                                         if self.variant else "")
        table = Table(title=title)
        for col in ("detector", "P", "R", "F1", "tp", "fp", "fn", "files right"):
            table.add_column(col, justify="left" if col == "detector" else "right", no_wrap=True)
        for name, s in self.scores.items():
            table.add_row(name, f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}",
                          str(s.tp), str(s.fp), str(s.fn),
                          f"{s.files_right}/{s.files} {s.file_accuracy:.1%}")
        return table

    def to_dict(self, errors: bool = False) -> dict:
        out = {"raw_dir": self.raw_dir, "variant": self.variant or "none", "files": self.files,
               "quarantined": self.quarantined,
               "scores": {name: s.to_dict() for name, s in self.scores.items()}}
        if errors:
            out["mistakes"] = [m.to_dict() for m in self.mistakes]
        return out


def load_labels(path: str | Path) -> list[dict]:
    """The label objects of a labels.jsonl file (one per raw file, keyed by `file`)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NewsprepError(f"{path}: cannot read labels: {exc.strerror}") from None
    labels = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NewsprepError(f"{path}:{n}: invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("file"), str):
            raise NewsprepError(f"{path}:{n}: a label needs a 'file' field")
        labels.append(obj)
    return labels


def _articles(raw_dir: Path, labels: dict[str, dict], names: list[str]):
    """Every raw article under `raw_dir` in the build's order (all of them count for the corpus
    statistics), each with its label (None if unlabelled) and, if labelled, its variant text."""
    inv = discover(raw_dir)
    out: list[tuple[RawArticle | Quarantined, dict | None]] = []
    for task in inv.tasks:
        for item in read(raw_dir, task, 10**9):
            label = labels.get(task.rel)
            if label is not None and isinstance(item, RawArticle):
                item.text, label = eval_variants.apply(names, item.text, label)
            out.append((item, label))
    missing = set(labels) - {label["file"] for _, label in out if label is not None}
    if missing:
        raise NewsprepError(f"{raw_dir}: labelled files not found: {', '.join(sorted(missing))}")
    return out


def detect(articles: list[RawArticle], cfg: Config, isolated: bool = False) -> list:
    """Records (or quarantines) of `articles`, exactly as the build makes them (two passes)."""
    stats = None if isolated else gather(p for p in map(page_of, articles) if p.title)
    out = []
    for raw in articles:
        own = gather([page_of(raw)]) if isolated else stats
        out.append(make_record(raw, own, cfg))
    return out


def _duplicates(records: list, cfg: Config) -> dict[str, dict[int, str | None]]:
    """Per record index: the title-sharing group and the `duplicate_of` id, from `dedup`."""
    deduper = Deduper(cfg)
    index = [i for i, r in enumerate(records) if isinstance(r, dict)]
    for i in index:
        r = records[i]
        deduper.add(r["id"], title_key(r["title"]), r["content_hash"], signature(r["text"], cfg))
    result = deduper.resolve()
    return {"group": {i: deduper.titles[k] for k, i in enumerate(index)},
            "dup_of": {i: result.duplicate_of[k] for k, i in enumerate(index)}}


def evaluate(raw_dir: str | Path, labels: str | Path | list[dict], *, variant: str | None = None,
             checks: str | Path | None = None, config: Config | None = None) -> EvalReport:
    """Run the build's detection over the labelled files of `raw_dir` and score it.

    `variant` ("collapsed", "prefixed", "wire", "captions", "isolated", or several joined by "+")
    measures on a layout derived from the labels instead of the files as they are."""
    cfg = config or load_config(checks)
    names = eval_variants.parse_variant(variant)
    label_list = labels if isinstance(labels, list) else load_labels(labels)
    by_file = {label["file"]: label for label in label_list}
    pairs = _articles(Path(raw_dir), by_file, names)
    raws = [item for item, _ in pairs if isinstance(item, RawArticle)]
    records = iter(detect(raws, cfg, isolated=eval_variants.ISOLATED in names))
    results = [next(records) if isinstance(item, RawArticle) else item for item, _ in pairs]
    report = EvalReport(str(raw_dir), "+".join(names), files=len(by_file))
    for (item, label), record in zip(pairs, results, strict=True):
        if label is not None:
            text = item.text if isinstance(item, RawArticle) else ""
            _score_file(report, label, record, text.split("\n"))
    if any("title_shared_with" in label for label in label_list):
        _score_duplicates(report, pairs, results, cfg)
    return report


def _score_file(report: EvalReport, label: dict, record, raw_lines: list[str]) -> None:
    if isinstance(record, Quarantined):
        report.quarantined.append(label["file"])
        record = {"title": "", "title_repeats": [], "header_lines": [], "trailer_lines": []}
    checks: dict[str, FileCheck] = {
        "title": compare_lines([record["title"]], [" ".join(label.get("title", "").split())]),
        "repeated_title": compare_lines(record["title_repeats"],
                                        label.get("title_repeat_lines", [])),
        "header": compare_lines(record["header_lines"], label.get("header_noise_lines", [])),
        "trailer": compare_lines(record["trailer_lines"], label.get("trailer_lines", []),
                                 label.get("tail_boilerplate_kept", [])),
    }
    want_repeats = label.get("repeated_title_lines", len(label.get("title_repeat_lines", [])))
    for name, check in checks.items():
        exact = len(record["title_repeats"]) == want_repeats if name == "repeated_title" else None
        add(report.scores[name], check, exact)
        from_end = name == "trailer"
        for kind, lines in (("missed", check.missed), ("extra", check.extra)):
            for text in lines:
                report.mistakes.append(Mistake(name, label["file"], kind=kind, text=text,
                                               line=line_number(raw_lines, text, from_end)))


def _score_duplicates(report: EvalReport, pairs, results, cfg: Config) -> None:
    """`title_shared_with` and `duplicate_of` of the labels against dedup's, pair by pair."""
    dup = _duplicates(results, cfg)
    source = {i: r["source"] for i, r in enumerate(results) if isinstance(r, dict)}
    by_id = {r["id"]: r["source"] for r in results if isinstance(r, dict)}
    labelled = {label["file"] for _, label in pairs if label is not None}
    groups: dict[int, list[str]] = defaultdict(list)
    for i, group in dup["group"].items():
        if source[i] in labelled:
            groups[group].append(source[i])
    got_shared = {tuple(sorted((a, b))) for g in groups.values() for a in g for b in g if a != b}
    want_shared = {tuple(sorted((label["file"], other))) for _, label in pairs
                   if label is not None for other in label.get("title_shared_with") or []}
    # Which copy is "the first" is a convention (the build: first in sorted source order; the
    # labels: the file the copy was made from), so a pair is scored without its direction.
    got_dup = {tuple(sorted((source[i], by_id[d]))) for i, d in dup["dup_of"].items()
               if d and source[i] in labelled and by_id[d] in labelled}
    want_dup = {tuple(sorted((label["file"], label["duplicate_of"]))) for _, label in pairs
                if label is not None and label.get("duplicate_of")}
    for name, got, want in (("title_shared_with", got_shared, want_shared),
                            ("duplicate_of", got_dup, want_dup)):
        report.scores[name] = pair_score(got, want)
        for kind, missing in (("missed", want - got), ("extra", got - want)):
            for a, b in sorted(missing):
                report.mistakes.append(Mistake(name, a, 0, kind, b))
