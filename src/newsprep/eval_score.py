"""Scores of the detectors against line labels: per-line counts, whole-file accuracy, mistakes.

Pure functions over one article's record and its label; `newsprep.evaluate` adds them up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class Score:
    """Per-line counts of one detector, and how many files it got exactly right."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    files_right: int = 0
    files: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def file_accuracy(self) -> float:
        return self.files_right / self.files if self.files else 1.0

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "files_right": self.files_right, "files": self.files,
                "file_accuracy": round(self.file_accuracy, 4)}


@dataclass(frozen=True, slots=True)
class Mistake:
    """One wrong decision: `kind` is 'missed' (a labelled line kept) or 'extra' (a line removed
    that the label keeps); `line` is its 1-based line number in the raw file (0 if not found)."""

    detector: str
    file: str
    line: int
    kind: str
    text: str

    def to_dict(self) -> dict:
        return {"detector": self.detector, "file": self.file, "line": self.line,
                "kind": self.kind, "text": self.text}


@dataclass(slots=True)
class FileCheck:
    """The outcome of one detector on one file."""

    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    tp: int = 0
    exact: bool = True


def compare_lines(predicted: list[str], gold: list[str], neutral: list[str] = ()) -> FileCheck:
    """Compare the lines a detector removed with the labelled ones, as multisets of exact lines.

    A `neutral` line (borderline: may be removed or kept) is neither a hit nor a mistake."""
    pred, want, free = Counter(predicted), Counter(gold), Counter(neutral)
    hits = pred & want
    extra = pred - want - free
    missed = want - pred
    check = FileCheck(tp=sum(hits.values()))
    check.extra = _in_order(predicted, extra)
    check.missed = _in_order(gold, missed)
    check.exact = not check.extra and not check.missed
    return check


def _in_order(lines: list[str], wanted: Counter) -> list[str]:
    """The lines of `wanted` (a multiset), in the order they come in `lines`."""
    left, out = Counter(wanted), []
    for line in lines:
        if left[line] > 0:
            out.append(line)
            left[line] -= 1
    return out


def add(score: Score, check: FileCheck, exact: bool | None = None) -> None:
    score.tp += check.tp
    score.fp += len(check.extra)
    score.fn += len(check.missed)
    score.files += 1
    score.files_right += int(check.exact if exact is None else exact)


def pair_score(predicted: set[tuple[str, str]], gold: set[tuple[str, str]]) -> Score:
    """Pairs (e.g. files sharing a title) as a detector: every pair must match, no extra pair."""
    score = Score(tp=len(predicted & gold), fp=len(predicted - gold), fn=len(gold - predicted))
    score.files, score.files_right = 1, int(predicted == gold)
    return score


def line_number(raw_lines: list[str], text: str, from_end: bool) -> int:
    """The 1-based number of the line `text` in the raw file, searched from the top or the end."""
    order = range(len(raw_lines) - 1, -1, -1) if from_end else range(len(raw_lines))
    for i in order:
        if raw_lines[i] == text:
            return i + 1
    return 0
