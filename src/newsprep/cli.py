"""The `newsprep` command line: a thin layer over the library. Errors become one line and exit 1;
bad arguments exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from newsprep.console import err_console, out_console
from newsprep.errors import NewsprepError, UsageError

app = typer.Typer(
    name="newsprep",
    help="Package scraped news articles into a clean, validated, versioned dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ChecksOpt = Annotated[Path | None, typer.Option(
    "--checks", help="Folder with detectors.toml and the expectation suite (default: shipped).",
    exists=True, file_okay=False)]


def fail(exc: NewsprepError) -> typer.Exit:
    err_console().print(f"newsprep: error: {exc}", markup=False)
    return typer.Exit(2 if isinstance(exc, UsageError) else 1)


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False):
    if version:
        from newsprep import __version__

        out_console().print(f"newsprep {__version__}")
        raise typer.Exit(0)


@app.command()
def build(
    input: Annotated[Path, typer.Argument(help="Folder of raw articles (.txt, .jsonl[.gz|.zst]), "
                                          "or one such file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset folder to write.")],
    checks: ChecksOpt = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", min=1, help="Worker processes (default: CPU count).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    engine: Annotated[str, typer.Option(
        "--engine", help="local (worker processes) or ray (Ray Data; needs newsprep[ray]); "
        "ray:ADDRESS is ray with --ray-address ADDRESS.")]
    = "local",
    ray_address: Annotated[str | None, typer.Option(
        "--ray-address", help="Ray cluster to join: HOST:PORT of its head, or auto. Fails "
        "if nothing answers there within $NEWSPREP_RAY_CONNECT_TIMEOUT seconds (30).")]
    = None,
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Keep each input's pages, statistics and records in this folder for "
        "incremental rebuilds (default: no cache).", file_okay=False)] = None,
    splits: Annotated[str | None, typer.Option(
        "--splits", help="train,validation,test ratios, e.g. 0.8,0.1,0.1 (default: [splits] "
        "of detectors.toml).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the split assignment (default: [splits] seed).")] = None,
) -> None:
    """Build a dataset folder in Hugging Face layout from raw articles."""
    from newsprep.build import build as run_build
    from newsprep.config import load_config
    from newsprep.splits import with_splits

    if engine.startswith("ray:") and not ray_address:  # --engine ray:ADDRESS
        engine, ray_address = "ray", engine[4:] or None
    if engine not in ("local", "ray"):
        raise fail(UsageError(f"--engine must be local or ray, not {engine!r}"))
    if ray_address and engine != "ray":
        raise fail(UsageError("--ray-address needs --engine ray"))
    try:
        override = splits is not None or seed is not None
        config = with_splits(load_config(checks), splits, seed) if override else None
        summary = run_build(input, out, checks=checks, workers=workers,
                            progress=not quiet and not as_json and sys.stderr.isatty(),
                            engine=f"ray:{ray_address}" if ray_address else engine,
                            cache=cache or False, config=config)
    except NewsprepError as exc:
        raise fail(exc) from None
    if as_json:
        data = summary.to_dict()
        if summary.cache is not None:  # about this run, so not in build.json
            data["cache"] = summary.cache
        out_console().print_json(json.dumps(data))
    else:
        out_console().print(summary.table())
        out_console().print(f"wrote {out}")


@app.command("eval")
def eval_(
    raw_dir: Annotated[Path, typer.Argument(help="Folder of labelled raw articles.")],
    labels: Annotated[Path, typer.Argument(help="labels.jsonl (the format of the shared sets).")],
    errors: Annotated[bool, typer.Option("--errors", help="List every mistake: file and line.")]
    = False,
    variant: Annotated[str | None, typer.Option(
        "--variant", help="Measure on a layout derived from the labels: collapsed, prefixed, "
        "bulleted, wire, captions, isolated; join several with '+'.")] = None,
    checks: ChecksOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Measure the quality detectors against labelled articles: precision, recall, F1."""
    from newsprep.evaluate import evaluate

    try:
        report = evaluate(raw_dir, labels, variant=variant, checks=checks)
    except NewsprepError as exc:
        raise fail(exc) from None
    if as_json:
        out_console().print_json(json.dumps(report.to_dict(errors=errors), ensure_ascii=False))
        return
    out_console().print(report.table())
    if errors:
        for m in report.mistakes:
            out_console().print(f"{m.detector}\t{m.file}:{m.line}\t{m.kind}\t{m.text}",
                                markup=False, highlight=False, soft_wrap=True)


@app.command()
def publish(
    folder: Annotated[Path, typer.Argument(help="Built dataset folder.")],
    version: Annotated[str, typer.Option("--version", help="Release version X.Y.Z (tag vX.Y.Z).")],
    repo: Annotated[str | None, typer.Option(
        "--repo", help="Hugging Face Hub dataset repository OWNER/NAME.")] = None,
    to: Annotated[Path | None, typer.Option(
        "--to", help="Local git repository to publish to instead (created if missing).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Publish even if the dataset fails `newsprep check`.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="List what would be published; change nothing.")] = False,
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="Hub endpoint (default: HF_ENDPOINT or huggingface.co).")] = None,
) -> None:
    """Publish a dataset folder as a tagged release (Hub or local git), with release notes.

    The Hub token comes from HF_TOKEN or `hf auth login`; it is never printed."""
    from newsprep.publish import publish as run_publish

    try:
        result = run_publish(folder, version=version, repo=repo, to=to, force=force,
                             dry_run=dry_run, endpoint=endpoint)
    except NewsprepError as exc:
        raise fail(exc) from None
    if dry_run:
        for line in result.plan.lines():
            out_console().print(line, markup=False, highlight=False, soft_wrap=True)
        out_console().print("dry run: nothing published", markup=False)
    else:
        out_console().print(f"published {result.plan.tag} to {result.plan.target} "
                            f"(commit {result.commit})", markup=False, highlight=False)


@app.command()
def check(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder to check (as `build` wrote it).")],
    checks: Annotated[Path | None, typer.Option(
        "--checks", help="Folder with contract.toml and the expectation suite (default: shipped).",
        exists=True, file_okay=False)] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Write the machine report (JSON) to PATH; '-' for stdout.")] = None,
    html_out: Annotated[Path | None, typer.Option(
        "--html", help="Write a self-contained HTML report to PATH.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every check.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary, no progress.")] = False,
) -> None:
    """Check a dataset folder against the data contract in checks/.

    Exit status: 0 the data passes, 1 the data fails a check, 2 a usage or I/O error."""
    from newsprep.check import check as run_check
    from newsprep.validate.render import summary, write_html, write_json

    to_stdout = json_out is not None and str(json_out) == "-"
    try:
        report = run_check(dataset, checks=checks,
                           progress=not quiet and not to_stdout and sys.stderr.isatty())
        if json_out is not None:
            write_json(report, json_out)
        if html_out is not None:
            write_html(report, html_out)
    except NewsprepError as exc:
        err_console().print(f"newsprep: error: {exc}", markup=False)
        raise typer.Exit(2) from None
    if not quiet:
        (err_console() if to_stdout else out_console()).print(summary(report, verbose=verbose))
    raise typer.Exit(0 if report.valid else 1)
