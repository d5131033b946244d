"""Releases to the Hub, against a local stand-in server (tests/hub_server.py): one commit with
every file and a message naming the version, then the tag; refusals; the token never shown."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import newsprep
from newsprep.cli import app

from .hub_server import HubServer
from .publish_helpers import TOPICS, build, rows_by_id

TOKEN = "hf_TestSecretToken0123456789"


@pytest.fixture
def hub(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    with HubServer() as server:
        yield server


@pytest.fixture
def folders(tmp_path):
    v1 = build(tmp_path, "v1")
    v2 = build(tmp_path, "v2", topics=[*TOPICS, "ferry"])
    return v1, v2


def _release_files(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".newsprep" not in p.parts
    }


def test_publish_makes_one_commit_with_every_file_then_the_tag(hub, folders):
    v1, _ = folders
    result = newsprep.publish(v1, version="1.0.0", repo="alice/news", endpoint=hub.url)
    repo = hub.repo("alice/news")
    commit = repo.commits[result.commit]
    assert commit.message == "newsprep release v1.0.0"
    assert repo.tags == {"v1.0.0": result.commit}
    assert repo.tag_messages["v1.0.0"] == "newsprep release v1.0.0"
    local = _release_files(v1)
    want = set(local) | {"CHANGELOG.md", ".gitattributes"}
    assert set(commit.files) == want
    for name in local:
        if name.endswith(".parquet") or name == "build.json":
            assert commit.files[name] == local[name], name
    assert b"Release v1.0.0." in commit.files["README.md"]
    assert b'newsprep.load("alice/news", version="1.0.0")' in commit.files["README.md"]
    commits = [r for r in hub.state.requests if r[0] == "POST" and "/commit/" in r[1]]
    assert len(commits) == 1  # all files in ONE commit
    assert {auth for _, _, auth in hub.state.requests} == {f"Bearer {TOKEN}"}


def test_second_release_reads_the_first_for_its_notes(hub, folders):
    v1, v2 = folders
    newsprep.publish(v1, version="1.0.0", repo="alice/news", endpoint=hub.url)
    result = newsprep.publish(v2, version="1.1.0", repo="alice/news", endpoint=hub.url)
    repo = hub.repo("alice/news")
    assert sorted(repo.tags) == ["v1.0.0", "v1.1.0"]
    assert len(result.plan.notes.added) == 1 and not result.plan.notes.removed
    log = repo.commits[repo.tags["v1.1.0"]].files["CHANGELOG.md"].decode()
    assert "## v1.1.0" in log and "## v1.0.0" in log and "1 added, 0 removed" in log
    # the first release is untouched by the second
    assert "## v1.1.0" not in repo.commits[repo.tags["v1.0.0"]].files["CHANGELOG.md"].decode()


def test_an_existing_tag_is_refused_and_nothing_is_committed(hub, folders):
    v1, v2 = folders
    newsprep.publish(v1, version="1.0.0", repo="alice/news", endpoint=hub.url)
    n = len(hub.repo("alice/news").commits)
    with pytest.raises(newsprep.NewsprepError, match="release v1.0.0 already exists"):
        newsprep.publish(v2, version="1.0.0", repo="alice/news", endpoint=hub.url)
    assert len(hub.repo("alice/news").commits) == n


def test_dry_run_creates_nothing(hub, folders):
    result = newsprep.publish(
        folders[0], version="1.0.0", repo="alice/news", endpoint=hub.url, dry_run=True
    )
    assert result.commit is None
    assert hub.state.repos == {}
    assert "target: Hub dataset alice/news at " + hub.url in result.plan.lines()


def test_cli_never_prints_the_token(hub, folders, capsys):
    runner = CliRunner()
    args = ["publish", str(folders[0]), "--repo", "alice/news", "--version", "1.0.0"]
    args += ["--endpoint", hub.url]
    dry = runner.invoke(app, [*args, "--dry-run"])
    ok = runner.invoke(app, args)
    again = runner.invoke(app, args)
    bad = runner.invoke(app, [*args[:-2], "--endpoint", "http://127.0.0.1:9"])
    assert (dry.exit_code, ok.exit_code, again.exit_code) == (0, 0, 1), ok.output
    assert "published v1.0.0 to Hub dataset alice/news" in ok.output
    assert "already exists" in again.output
    assert bad.exit_code == 1 and "newsprep: error:" in bad.output
    captured = capsys.readouterr()
    for text in (dry.output, ok.output, again.output, bad.output, captured.out, captured.err):
        assert TOKEN not in text
    assert hub.state.requests and all(a == f"Bearer {TOKEN}" for _, _, a in hub.state.requests)


def test_load_pins_the_tag_as_revision(hub, folders, monkeypatch):
    import datasets

    newsprep.publish(folders[0], version="1.0.0", repo="alice/news", endpoint=hub.url)
    calls = []
    monkeypatch.setattr(datasets, "load_dataset", lambda *a, **kw: calls.append((a, kw)) or "DD")
    assert newsprep.load("alice/news", version="1.0.0", endpoint=hub.url) == "DD"
    assert calls[0][0] == ("alice/news",) and calls[0][1]["revision"] == "v1.0.0"
    with pytest.raises(newsprep.NewsprepError, match=r"no release v2.0.0 \(releases: v1.0.0\)"):
        newsprep.load("alice/news", version="2.0.0", endpoint=hub.url)


def test_a_failed_tag_after_the_commit_says_what_happened(hub, folders, monkeypatch):
    from huggingface_hub import HfApi

    def refuse(self, *a, **kw):
        raise OSError("tag service down")

    monkeypatch.setattr(HfApi, "create_tag", refuse)
    with pytest.raises(newsprep.NewsprepError) as err:
        newsprep.publish(folders[0], version="1.0.0", repo="alice/news", endpoint=hub.url)
    repo = hub.repo("alice/news")
    head = repo.branches["main"]
    assert f"commit {head} is on main but tagging it v1.0.0 failed" in str(err.value)
    assert "tag service down" in str(err.value) and repo.tags == {}


def test_the_same_dataset_gives_the_same_release_files(monkeypatch, tmp_path, folders):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    files = []
    for _ in range(2):
        with HubServer() as server:
            result = newsprep.publish(
                folders[0], version="1.0.0", repo="alice/news", endpoint=server.url, token=TOKEN
            )
            files.append(server.repo("alice/news").commits[result.commit].files)
    assert files[0] == files[1]


LOAD_BOTH = """
import json, sys
import newsprep
out = {}
for version in ("1.0.0", "1.1.0"):
    ds = newsprep.load("alice/news", version=version, cache_dir=sys.argv[1])
    out[version] = sorted(row["id"] for split in ds.values() for row in split)
print(json.dumps(out))
"""


def test_load_from_the_hub_gives_each_release_its_own_rows(hub, folders, tmp_path):
    """The real path: datasets.load_dataset(revision=tag) through huggingface_hub, in a fresh
    interpreter pointed at the stand-in server (HF_ENDPOINT is read at import)."""
    import json
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    v1, v2 = folders
    newsprep.publish(v1, version="1.0.0", repo="alice/news", endpoint=hub.url)
    newsprep.publish(v2, version="1.1.0", repo="alice/news", endpoint=hub.url)
    env = {**os.environ, "HF_ENDPOINT": hub.url, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", LOAD_BOTH, str(tmp_path / "cache")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"1.0.0": sorted(rows_by_id(v1)), "1.1.0": sorted(rows_by_id(v2))}
    assert TOKEN not in proc.stdout + proc.stderr
