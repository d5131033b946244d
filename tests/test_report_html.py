"""The HTML report of `newsprep check`: self-contained, failing checks first, a sample of failing
rows, and nothing from the data runs. One test loads it in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsprep
from newsprep.cli import app
from newsprep.validate.render import to_html
from newsprep.validate.results import CheckReport, CheckResult, Failure

from .conftest import write_raw
from .test_check import checks_dir, edit_rows, raw_files

SCRIPT_TITLE = "Council <script>document.title='PWNED'</script> votes on budget"
IMG = "<img src=x onerror=\"document.title='PWNED2'\">"
BODY = ("Councillors debated the budget for three hours before the vote on Tuesday night, and "
        "the finance chair said the plan would keep the libraries open.\n\n"
        f"Residents who watched from the gallery applauded {IMG} when it passed.")


def hostile_report() -> CheckReport:
    bad = CheckResult("expectations.text-starts-with-title", "<b>title</b> kept", max_kept=50)
    for i in range(40):
        bad.add(Failure(f"failed for <i>{i}</i>", row_id=f"id-{i}<script>", column="title_in_text",
                        value=SCRIPT_TITLE))
    bad.finish()
    ok = CheckResult("structure.shards", "Shards readable and complete").finish("3 shards")
    return CheckReport("/data/<ds>", [ok, bad], {"rows": 40, "shards": 3, "seconds": 0.1},
                       html_sample_rows=7)


def test_html_is_escaped_self_contained_and_failing_first():
    html = to_html(hostile_report())
    assert not re.search(r"<script|<img|<b>|<i>", html, re.I)
    assert "&lt;script&gt;document.title=" in html and "/data/&lt;ds&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)  # nothing fetched
    assert html.index("expectations.text-starts-with-title") < html.index("structure.shards")
    assert "Showing 7 of 40 failures." in html
    assert html.count("<tr><td><code>id-") == 7


def chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and not os.environ.get("CI"):
        pytest.skip("chromium is not installed (CI installs it: .ci/run)")
    assert found, "CI is set but chromium is missing: .ci/run installs the Debian package"
    return found


def dump_dom(browser: str, page: Path, profile: Path) -> str:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
           "--dump-dom", page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.browser
def test_the_report_in_a_real_browser_shows_failures_and_runs_nothing(tmp_path):
    browser = chromium()
    files = raw_files() | {"hostile.txt": f"{SCRIPT_TITLE}\n\n{BODY}"}
    raw = write_raw(tmp_path / "raw", files)
    ds = tmp_path / "ds"
    newsprep.build(raw, ds, checks=checks_dir(tmp_path / "checks"), workers=1)
    target = {}

    def keep_title(row):  # the hostile title also stays at the top of its text: a failure
        if "<script>" in row["title"]:
            row["text"] = row["title"] + "\n\n" + row["text"]
            row["num_chars"] = len(row["text"])
            target["id"] = row["id"]

    edit_rows(ds, keep_title)
    page = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["check", str(ds), "--html", str(page), "-q"])
    assert result.exit_code == 1, result.output
    dom = dump_dom(browser, page, tmp_path / "profile")
    assert "<title>newsprep check: FAILED</title>" in dom  # no script changed it
    assert "PWNED" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert not re.search(r"<script|<img", dom, re.I)  # the data made no element
    assert "FAILED: 1 of" in dom
    section = dom.split('id="check-expectations.text-starts-with-title"', 1)[1]
    assert target["id"] in section
    assert "Council &lt;script&gt;document.title='PWNED'&lt;/script&gt; votes" in section
    checks = dom.split('id="checks"', 1)[1]
    assert checks.index("expectations.text-starts-with-title") < checks.index("structure.shards")
