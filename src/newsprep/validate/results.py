"""What a check finds: failures (row id, column, value), one result per check, and the report
(`valid`, `stats`, `errors`) that the CLI turns into an exit status and the renderers into JSON,
HTML and a terminal summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, WARNING, SKIPPED = "passed", "failed", "warning", "skipped"
_ORDER = {FAILED: 0, WARNING: 1, PASSED: 2, SKIPPED: 3}
MAX_VALUE_CHARS = 300


def short(value: Any, limit: int = MAX_VALUE_CHARS) -> Any:
    """A JSON-friendly, length-capped copy of a failing value."""
    if hasattr(value, "tolist") and not isinstance(value, list | dict | str):
        value = value.tolist()  # numpy scalars and arrays, pyarrow arrays
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str | bytes) and len(value) > limit:
        return value[:limit] + "…"
    if isinstance(value, list | tuple):
        return [short(v, limit) for v in value[:20]]
    if isinstance(value, dict):
        return {str(k): short(v, limit) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return short(str(value), limit)


@dataclass(frozen=True, slots=True)
class Failure:
    """One failing item: a row (by `id`), a column, a file, or the dataset as a whole."""

    message: str
    row_id: str | None = None
    column: str | None = None
    value: Any = None
    location: str | None = None  # shard file, card field, build.json key

    def to_dict(self) -> dict:
        out = {"row_id": self.row_id, "column": self.column, "value": short(self.value),
               "location": self.location, "message": self.message}
        return {k: v for k, v in out.items() if v is not None or k in ("row_id", "value")}


@dataclass(slots=True)
class CheckResult:
    """The outcome of one check, keyed by a stable code such as `structure.schema`."""

    code: str
    title: str
    status: str = PASSED
    message: str = ""
    failures: list[Failure] = field(default_factory=list)
    failure_count: int = 0  # all failures, also those beyond the kept sample
    stats: dict[str, Any] = field(default_factory=dict)
    max_kept: int = 1000

    def add(self, failure: Failure, *, status: str = FAILED) -> None:
        """Record a failure (kept up to `max_kept`; always counted)."""
        self.failure_count += 1
        if len(self.failures) < self.max_kept:
            self.failures.append(failure)
        if _ORDER[status] < _ORDER[self.status]:
            self.status = status

    def finish(self, passed_message: str = "") -> CheckResult:
        if self.status == PASSED and passed_message and not self.message:
            self.message = passed_message
        if self.status in (FAILED, WARNING) and not self.message:
            first = self.failures[0].message if self.failures else ""
            more = f" (and {self.failure_count - 1} more)" if self.failure_count > 1 else ""
            self.message = first + more
        return self

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def detail(self) -> str:
        """The message, with the first failing row, column, value and location."""
        text = self.message
        if self.failures:
            f = self.failures[0]
            where = ", ".join(p for p in (
                f"row id={f.row_id!r}" if f.row_id is not None else "",
                f"column {f.column}" if f.column else "",
                f"value={short(f.value, 80)!r}" if f.value is not None else "",
                f.location or "") if p)
            if where:
                text += f" [{where}]"
        return text

    def line(self) -> str:
        """One line naming the check, the first failing row and its value."""
        return f"{self.code}: {self.status}: {self.detail()}"

    def to_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "status": self.status,
                "message": self.message, "failure_count": self.failure_count,
                "failures": [f.to_dict() for f in self.failures], "stats": self.stats}


@dataclass(slots=True)
class CheckReport:
    """The report of `newsprep.check`: `valid` is False when any check failed."""

    dataset: str
    results: list[CheckResult] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    html_sample_rows: int = 25  # failing rows per check shown in the HTML report

    @property
    def valid(self) -> bool:
        return not any(r.failed for r in self.results)

    @property
    def errors(self) -> list[CheckResult]:
        """The failed checks."""
        return [r for r in self.results if r.failed]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == WARNING]

    def get(self, code: str) -> CheckResult:
        for r in self.results:
            if r.code == code:
                return r
        raise KeyError(code)

    def ordered(self) -> list[CheckResult]:
        """Failing checks first, then warnings, passes and skips; stable within each."""
        return sorted(self.results, key=lambda r: _ORDER[r.status])

    def to_dict(self) -> dict:
        counts = {s: sum(r.status == s for r in self.results) for s in _ORDER}
        return {"dataset": self.dataset, "valid": self.valid, "stats": self.stats,
                "summary": counts,
                "errors": [r.to_dict() for r in self.errors],
                "checks": [r.to_dict() for r in self.ordered()]}
