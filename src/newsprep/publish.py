"""Publishing a release: a built dataset folder becomes one commit tagged `vX.Y.Z` on the Hub
(`repo=`) or in a local git repository (`to=`). It refuses an existing tag, a version that is not
newer than the latest release, a schema change without a major version, and a dataset that fails
`check` (unless `force`). The release carries its card, datasheet and Croissant metadata stamped
with the version, and a CHANGELOG section generated against the previous release."""

from __future__ import annotations

import importlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from newsprep import card, docs, releasenotes
from newsprep.errors import NewsprepError, UsageError
from newsprep.gitrepo import GitTarget
from newsprep.releasenotes import CHANGELOG_FILE, Notes
from newsprep.schema import SCHEMA
from newsprep.summary import SUMMARY_FILE, BuildSummary

PRIVATE_DIR = ".newsprep"


@dataclass
class Plan:
    target: str
    tag: str
    message: str
    files: list[tuple[str, int]]  # (path in the release, bytes)
    deletes: list[str]
    notes: Notes
    check: str

    def lines(self) -> list[str]:
        out = [
            f"target: {self.target}",
            f"tag: {self.tag}",
            f"commit message: {self.message}",
            f"check: {self.check}",
        ]
        out += [f"add {path} ({size} bytes)" for path, size in self.files]
        out += [f"delete {path}" for path in self.deletes]
        out += ["release notes:"] + [
            "  " + ln for ln in releasenotes.section(self.notes).splitlines()
        ]
        return out


@dataclass
class PublishResult:
    plan: Plan
    commit: str | None  # None for a dry run
    dry_run: bool


def find_check():
    """`newsprep.check.check(folder)` when that module exists (it returns a report with `valid`)."""
    try:
        module = importlib.import_module("newsprep.check")
    except ModuleNotFoundError as exc:
        if exc.name != "newsprep.check":
            raise
        return None
    return getattr(module, "check", None)


def basic_check(folder: Path) -> list[str]:
    """The minimum a release needs when `newsprep.check` is not available."""
    problems = []
    if not (folder / SUMMARY_FILE).is_file():
        return [f"{SUMMARY_FILE} missing"]
    if not BuildSummary.read(folder).reconciles:
        problems.append(f"{SUMMARY_FILE} does not reconcile")
    for shard in sorted((folder / "data").glob("*.parquet")):
        if not pq.read_schema(shard).remove_metadata().equals(SCHEMA.remove_metadata()):
            problems.append(f"data/{shard.name}: schema differs from the record contract")
    return problems


def run_check(folder: Path) -> tuple[bool, str]:
    """(passed, one-line outcome) of checking the dataset folder."""
    fn = find_check()
    if fn is None:
        problems = basic_check(folder)
        return not problems, "; ".join(problems) or "passed (basic: summary, schema)"
    report = fn(folder)
    if getattr(report, "valid", None) is None:
        raise NewsprepError("newsprep.check returned no `valid` result")
    failed = [
        getattr(r, "code", str(r))
        for r in getattr(report, "results", [])
        if getattr(r, "failed", False)
    ]
    return bool(report.valid), "passed" if report.valid else ", ".join(failed) or "not valid"


def stage_release(folder: Path, stage: Path, meta: dict) -> None:
    """Copy the dataset folder (minus `.newsprep/`) and regenerate its documents with `meta`."""
    for src in sorted(folder.rglob("*")):
        rel = src.relative_to(folder)
        if rel.parts[0] == PRIVATE_DIR or not src.is_file():
            continue
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, stage / rel)
    summary = BuildSummary.read(stage)
    docs.write(stage, summary, card.split_files_of(stage), meta, keep_from=folder)


def _target(repo: str | None, to: str | Path | None, token: str | None, endpoint: str | None):
    if (repo is None) == (to is None):
        raise UsageError("give exactly one of --repo OWNER/NAME (Hub) or --to PATH (local git)")
    if to is not None:
        return GitTarget(Path(to)), {"load_as": str(Path(to).absolute())}
    from newsprep.hub import HubTarget

    return HubTarget(repo, token=token, endpoint=endpoint), {"repo_id": repo, "load_as": repo}


@dataclass
class Previous:
    """The latest release before this one: its tag, snapshot and CHANGELOG (or None)."""

    tag: str | None = None
    snapshot: releasenotes.Snapshot | None = None
    changelog: str | None = None


def _previous(target, tag: str) -> Previous:
    tags = target.tags()
    if tag in tags:
        raise NewsprepError(f"{target.describe()}: release {tag} already exists")
    releases = releasenotes.release_tags(tags)
    if not releases:
        return Previous()
    prev = releases[-1]
    files = target.files(prev)
    snap = releasenotes.snapshot(prev[1:], files, lambda p: target.read(prev, p))
    log = target.read(prev, CHANGELOG_FILE).decode() if CHANGELOG_FILE in files else None
    return Previous(prev, snap, log)


def _plan(folder: Path, stage: Path, target, meta: dict, prev: Previous, check: str) -> Plan:
    """Stage the release in `stage` (documents, CHANGELOG) and say what publishing it does."""
    tag = "v" + meta["version"]
    stage_release(folder, stage, meta)
    notes = releasenotes.diff(prev.snapshot, releasenotes.folder_snapshot(meta["version"], stage))
    releasenotes.check_version(notes, prev.tag)
    log = releasenotes.changelog(prev.changelog, notes)
    (stage / CHANGELOG_FILE).write_text(log, encoding="utf-8")
    files = sorted(
        (p.relative_to(stage).as_posix(), p.stat().st_size) for p in stage.rglob("*") if p.is_file()
    )
    names = {name for name, _ in files}
    gone = sorted(n for n in target.head_files() if n not in names and n != ".gitattributes")
    return Plan(target.describe(), tag, f"newsprep release {tag}", files, gone, notes, check)


def publish(
    folder: str | Path,
    *,
    version: str,
    repo: str | None = None,
    to: str | Path | None = None,
    force: bool = False,
    dry_run: bool = False,
    token: str | None = None,
    endpoint: str | None = None,
    meta: dict | None = None,
) -> PublishResult:
    """Publish the dataset folder as release `version` (X.Y.Z) to the Hub (`repo`) or a local
    git repository (`to`). `dry_run` returns the plan without changing anything."""
    folder = Path(folder)
    tag = releasenotes.tag_of(version)
    if not (folder / SUMMARY_FILE).is_file():
        raise NewsprepError(f"{folder}: not a built dataset folder ({SUMMARY_FILE} missing)")
    target, target_meta = _target(repo, to, token, endpoint)
    passed, outcome = run_check(folder)
    if not passed and not force:
        raise NewsprepError(f"{folder}: check failed: {outcome}; fix the dataset or use --force")
    check = outcome if passed else f"failed: {outcome} (ignored: --force)"
    prev = _previous(target, tag)
    meta = {**(meta or {}), **target_meta, "version": tag[1:]}
    with tempfile.TemporaryDirectory(prefix="newsprep-release-") as tmp:
        plan = _plan(folder, Path(tmp), target, meta, prev, check)
        if dry_run:
            return PublishResult(plan, None, True)
        commit = target.push(Path(tmp), plan.message, tag)
    return PublishResult(plan, commit, False)
