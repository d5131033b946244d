"""Turning a `CheckReport` into a short terminal summary (rich), a JSON document and a
self-contained HTML page. Data values never reach rich markup or HTML unescaped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Group
from rich.text import Text

from newsprep.errors import UsageError
from newsprep.validate.results import FAILED, PASSED, SKIPPED, WARNING, CheckReport, short

_STYLE = {FAILED: "bold red", WARNING: "yellow", PASSED: "green", SKIPPED: "dim"}
TEMPLATE = "report.html.j2"


def summary(report: CheckReport, *, verbose: bool = False) -> Group:
    """The verdict, then one line per failing and warning check (every check with `verbose`)
    naming its first failing row and value, then the counts. Lines wrap; nothing is cut."""
    verdict = "passed" if report.valid else "FAILED"
    lines = [Text(f"newsprep check {report.dataset}: {verdict}",
                  style="bold green" if report.valid else "bold red")]
    shown = report.ordered() if verbose else [r for r in report.ordered()
                                              if r.status in (FAILED, WARNING)]
    for r in shown:
        line = Text(f"{r.status:>8} ", style=_STYLE[r.status])
        line.append(r.code, style="bold")
        line.append(f": {r.detail()[:400]}")
        lines.append(line)
    counts = ", ".join(f"{sum(r.status == s for r in report.results)} {s}" for s in _STYLE)
    lines.append(Text(f"{report.stats.get('rows', 0)} rows in {report.stats.get('shards', 0)} "
                      f"shards; checks: {counts}; {report.stats.get('seconds', 0)} s"))
    return Group(*lines)


def to_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"


def _write(path: str | Path, text: str) -> None:
    if str(path) == "-":
        sys.stdout.write(text)
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the report: {exc.strerror}") from None


def write_json(report: CheckReport, path: str | Path) -> None:
    """Write the machine report to `path` (`-` for stdout)."""
    _write(path, to_json(report))


def show_value(value) -> str:
    """A failing value as text (escaped later by the template): strings as they are."""
    value = short(value)
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def to_html(report: CheckReport, sample_rows: int | None = None) -> str:
    """A self-contained HTML page: failing checks first, a sample of failing rows each."""
    import jinja2

    from newsprep import __version__

    env = jinja2.Environment(loader=jinja2.PackageLoader("newsprep.validate", "."),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["show"] = show_value
    return env.get_template(TEMPLATE).render(
        report=report, checks=report.ordered(), version=__version__,
        sample_rows=report.html_sample_rows if sample_rows is None else sample_rows,
        counts={s: sum(r.status == s for r in report.results) for s in _STYLE})


def write_html(report: CheckReport, path: str | Path, sample_rows: int | None = None) -> None:
    _write(path, to_html(report, sample_rows))
