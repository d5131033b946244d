"""Turning a `CheckReport` into a short terminal summary (rich), a JSON document and a
self-contained HTML page. Data values never reach rich markup or HTML unescaped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.table import Table
from rich.text import Text

from newsprep.errors import UsageError
from newsprep.validate.results import FAILED, PASSED, SKIPPED, WARNING, CheckReport, short

_STYLE = {FAILED: "bold red", WARNING: "yellow", PASSED: "green", SKIPPED: "dim"}
TEMPLATE = "report.html.j2"


def summary_table(report: CheckReport, *, verbose: bool = False) -> Table:
    """Failing and warning checks (all checks with `verbose`), one line each."""
    verdict = "passed" if report.valid else "FAILED"
    title = Text(f"newsprep check {report.dataset}: {verdict}",
                 style="bold green" if report.valid else "bold red")
    table = Table(title=title, title_justify="left", show_header=False, box=None)
    table.add_column("status", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("detail", overflow="fold")
    shown = report.ordered() if verbose else [r for r in report.ordered()
                                              if r.status in (FAILED, WARNING)]
    for r in shown:
        table.add_row(Text(r.status, style=_STYLE[r.status]), Text(r.code), Text(r.detail()[:240]))
    counts = {s: sum(r.status == s for r in report.results) for s in _STYLE}
    table.add_row(Text(""), Text("checks"), Text(", ".join(f"{n} {s}" for s, n in counts.items())))
    table.add_row(Text(""), Text("rows"), Text(f"{report.stats.get('rows', 0)} in "
                                               f"{report.stats.get('shards', 0)} shards, "
                                               f"{report.stats.get('seconds', 0)} s"))
    return table


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
