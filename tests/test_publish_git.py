"""Releases to a local git repository, end to end: publish two versions, check out each tag,
load it; release notes; the refusals (existing tag, old version, schema change, failing check)."""

from __future__ import annotations

import subprocess

import pytest

import newsprep
from newsprep import keep
from newsprep.gitrepo import export
from newsprep.releasenotes import CHANGELOG_FILE

from .publish_helpers import TOPICS, break_reconciliation, build, drop_column, rows_by_id


def git(repo, *args) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def two_builds(tmp_path):
    """v1: 12 articles; v2: one removed, one added, one edited."""
    v1 = build(tmp_path, "v1")
    topics = [t for t in TOPICS if t != "bridge"] + ["ferry"]
    v2 = build(tmp_path, "v2", topics=topics, edits={"museum": "A late amendment was added."})
    return v1, v2


def _load(path, tmp_path, **kw):
    import datasets

    ds = datasets.load_dataset(str(path), cache_dir=str(tmp_path / "cache"), **kw)
    return {row["id"]: row["content_hash"] for split in ds.values() for row in split}


def test_two_releases_each_tag_loads_its_own_rows(two_builds, tmp_path):
    v1, v2 = two_builds
    repo = tmp_path / "releases"
    r1 = newsprep.publish(v1, version="1.0.0", to=repo)
    r2 = newsprep.publish(v2, version="1.1.0", to=repo)
    assert git(repo, "tag", "--list").split() == ["v1.0.0", "v1.1.0"]
    assert git(repo, "rev-parse", "v1.0.0^{commit}").strip() == r1.commit
    assert git(repo, "log", "-1", "--format=%s", "v1.1.0").strip() == "newsprep release v1.1.0"
    assert ".newsprep/quarantine.jsonl" not in git(repo, "ls-tree", "-r", "--name-only", "v1.0.0")
    for tag, folder, commit in (("v1.0.0", v1, r1.commit), ("v1.1.0", v2, r2.commit)):
        checkout = tmp_path / f"checkout-{tag}"
        subprocess.run(
            ["git", "clone", "-q", "--branch", tag, str(repo), str(checkout)],
            check=True,
            capture_output=True,
        )
        assert git(checkout, "rev-parse", "HEAD").strip() == commit
        want = {i: r["content_hash"] for i, r in rows_by_id(folder).items()}
        assert _load(checkout, tmp_path) == want
        ds = newsprep.load(repo, version=tag[1:], cache_dir=str(tmp_path / "cache2"))
        assert {r["id"]: r["content_hash"] for s in ds.values() for r in s} == want


def test_release_notes_list_added_removed_and_changed_ids(two_builds, tmp_path):
    v1, v2 = two_builds
    repo = tmp_path / "releases"
    newsprep.publish(v1, version="1.0.0", to=repo)
    result = newsprep.publish(v2, version="1.1.0", to=repo)
    old, new = rows_by_id(v1), rows_by_id(v2)
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(
        i for i in set(old) & set(new) if old[i]["content_hash"] != new[i]["content_hash"]
    )
    assert (len(added), len(removed), len(changed)) == (1, 1, 1)
    notes = result.plan.notes
    assert (notes.added, notes.removed, notes.changed) == (added, removed, changed)
    log = (tmp_path / "releases" / CHANGELOG_FILE).read_text()
    assert log.index("## v1.1.0") < log.index("## v1.0.0")
    section = log.split("## v1.1.0", 1)[1].split("## v1.0.0", 1)[0]
    assert f"Added (1): `{added[0]}`" in section
    assert f"Removed (1): `{removed[0]}`" in section
    assert f"Changed (1): `{changed[0]}`" in section
    assert "Schema: no change." in section


def test_card_of_a_release_names_its_version_and_how_to_pin_it(two_builds, tmp_path):
    repo = tmp_path / "releases"
    card_file = two_builds[0] / "README.md"
    blank = keep.block("citation", "<!-- BibTeX for this dataset. -->")
    assert blank in card_file.read_text()
    card_file.write_text(card_file.read_text().replace(blank, keep.block("citation", "@misc{x}")))
    newsprep.publish(two_builds[0], version="1.0.0", to=repo)
    card = (repo / "README.md").read_text()
    assert keep.extract(card)["citation"] == "@misc{x}"  # hand-written text is released
    assert "Release v1.0.0." in card
    assert f'newsprep.load("{repo}", version="1.0.0")' in card
    assert 'revision="v1.0.0"' in card


def test_an_existing_tag_is_refused(two_builds, tmp_path):
    repo = tmp_path / "releases"
    newsprep.publish(two_builds[0], version="1.0.0", to=repo)
    with pytest.raises(newsprep.NewsprepError, match="release v1.0.0 already exists"):
        newsprep.publish(two_builds[1], version="1.0.0", to=repo)
    with pytest.raises(newsprep.NewsprepError, match="not newer than the latest release v1.0.0"):
        newsprep.publish(two_builds[1], version="0.9.0", to=repo)
    assert git(repo, "tag", "--list").split() == ["v1.0.0"]


def test_a_schema_change_needs_a_major_version(two_builds, tmp_path):
    v1, v2 = two_builds
    old_schema = drop_column(v1, tmp_path / "old-schema", "encoding")
    repo = tmp_path / "releases"
    newsprep.publish(old_schema, version="1.0.0", to=repo, force=True)  # its shards fail check
    with pytest.raises(
        newsprep.NewsprepError,
        match=r"schema changed since v1.0.0 \(added "
        r"encoding\): a schema change needs a major version \(e.g. 2.0.0\)",
    ):
        newsprep.publish(v2, version="1.1.0", to=repo)
    assert git(repo, "tag", "--list").split() == ["v1.0.0"]
    result = newsprep.publish(v2, version="2.0.0", to=repo)
    assert result.plan.notes.schema_added == ["encoding"]
    assert "Schema: added encoding." in (repo / CHANGELOG_FILE).read_text()


def test_a_dataset_failing_check_is_refused_unless_forced(two_builds, tmp_path):
    v1 = two_builds[0]
    break_reconciliation(v1)
    repo = tmp_path / "releases"
    with pytest.raises(newsprep.NewsprepError, match="check failed: .*use --force"):
        newsprep.publish(v1, version="1.0.0", to=repo)
    assert not repo.exists()
    result = newsprep.publish(v1, version="1.0.0", to=repo, force=True)
    assert result.plan.check.endswith("(ignored: --force)")
    assert git(repo, "tag", "--list").split() == ["v1.0.0"]


def test_dry_run_changes_nothing_and_lists_the_plan(two_builds, tmp_path):
    repo = tmp_path / "releases"
    newsprep.publish(two_builds[0], version="1.0.0", to=repo)
    head = git(repo, "rev-parse", "HEAD")
    result = newsprep.publish(two_builds[1], version="1.1.0", to=repo, dry_run=True)
    assert result.commit is None and result.dry_run
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "tag", "--list").split() == ["v1.0.0"]
    lines = result.plan.lines()
    assert "tag: v1.1.0" in lines and "commit message: newsprep release v1.1.0" in lines
    assert any(line.startswith("add data/train-00000-of-00001.parquet") for line in lines)


def test_a_release_is_the_whole_tree_removed_shards_disappear(two_builds, tmp_path):
    repo = tmp_path / "releases"
    newsprep.publish(two_builds[0], version="1.0.0", to=repo)
    (repo / "notes.txt").write_text("stray")  # uncommitted change: refused
    with pytest.raises(newsprep.NewsprepError, match="uncommitted changes"):
        newsprep.publish(two_builds[1], version="1.1.0", to=repo)
    (repo / "notes.txt").unlink()
    git(repo, "rm", "-q", "data/test-00000-of-00001.parquet")
    git(repo, "commit", "-q", "-m", "hand edit")
    newsprep.publish(two_builds[1], version="1.1.0", to=repo)
    files = set(git(repo, "ls-tree", "-r", "--name-only", "v1.1.0").split())
    assert "data/test-00000-of-00001.parquet" in files
    export(repo, "v1.0.0", tmp_path / "exported")
    assert (tmp_path / "exported" / "data").is_dir()


def test_load_names_the_releases_when_the_version_is_missing(two_builds, tmp_path):
    repo = tmp_path / "releases"
    newsprep.publish(two_builds[0], version="1.0.0", to=repo)
    with pytest.raises(newsprep.NewsprepError, match=r"no release v3.0.0 \(releases: v1.0.0\)"):
        newsprep.load(repo, version="3.0.0")
    with pytest.raises(newsprep.NewsprepError, match="not X.Y.Z"):
        newsprep.load(repo, version="latest")


@pytest.mark.parametrize("configured", [True, False])
def test_commits_use_the_git_identity_or_a_default(two_builds, tmp_path, monkeypatch, configured):
    for key in ("NAME", "EMAIL"):
        for who in ("AUTHOR", "COMMITTER"):
            monkeypatch.delenv(f"GIT_{who}_{key}", raising=False)
    gitconfig = tmp_path / "gitconfig"
    if configured:
        gitconfig.write_text("[user]\n\tname = Ada Maintainer\n\temail = ada@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = tmp_path / "releases"
    newsprep.publish(two_builds[0], version="1.0.0", to=repo)
    author = git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip()
    tagger = git(repo, "for-each-ref", "--format=%(taggername) %(taggeremail)", "refs/tags/v1.0.0")
    if configured:
        assert author == "Ada Maintainer <ada@example.org>|Ada Maintainer <ada@example.org>"
        assert tagger.strip() == "Ada Maintainer <ada@example.org>"
    else:
        assert author == "newsprep <newsprep@localhost>|newsprep <newsprep@localhost>"
        assert tagger.strip() == "newsprep <newsprep@localhost>"


def test_a_non_empty_folder_that_is_not_a_repository_is_refused(two_builds, tmp_path):
    target = tmp_path / "photos"
    target.mkdir()
    (target / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(newsprep.NewsprepError, match="not empty and is not a git repository"):
        newsprep.publish(two_builds[0], version="1.0.0", to=target)
    assert sorted(p.name for p in target.iterdir()) == ["holiday.jpg"]


def test_load_works_on_a_repository_with_local_changes(two_builds, tmp_path):
    repo = tmp_path / "releases"
    newsprep.publish(two_builds[0], version="1.0.0", to=repo)
    (repo / "scratch.txt").write_text("work in progress")
    with pytest.raises(newsprep.NewsprepError, match="uncommitted changes"):
        newsprep.publish(two_builds[1], version="1.1.0", to=repo, dry_run=True)
    ds = newsprep.load(repo, version="1.0.0", cache_dir=str(tmp_path / "cache"))
    assert sum(s.num_rows for s in ds.values()) == len(rows_by_id(two_builds[0]))


def test_cli_publish_to_a_local_repository(two_builds, tmp_path):
    from typer.testing import CliRunner

    from newsprep.cli import app

    runner = CliRunner()
    repo = tmp_path / "releases"
    base = ["publish", str(two_builds[0]), "--version", "1.0.0"]
    dry = runner.invoke(app, [*base, "--to", str(repo), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "tag: v1.0.0" in dry.output and "dry run: nothing published" in dry.output
    assert not repo.exists()
    ok = runner.invoke(app, [*base, "--to", str(repo)])
    assert ok.exit_code == 0 and f"published v1.0.0 to git repository {repo}" in ok.output
    both = runner.invoke(app, [*base, "--to", str(repo), "--repo", "a/b"])
    neither = runner.invoke(app, base)
    bad = runner.invoke(app, ["publish", str(two_builds[0]), "--version", "1.0", "--to", str(repo)])
    for result in (both, neither, bad):
        assert result.exit_code == 2 and result.output.startswith("newsprep: error: ")
    again = runner.invoke(app, [*base, "--to", str(repo)])
    assert again.exit_code == 1
    assert (
        again.output == f"newsprep: error: git repository {repo}: release v1.0.0 already exists\n"
    )


@pytest.mark.parametrize("where", ["./missing-folder", "missing/deep/folder", "justaname"])
def test_load_of_a_missing_path_says_so(where):
    with pytest.raises(newsprep.NewsprepError, match="no such folder, and not a Hub dataset"):
        newsprep.load(where, version="1.0.0")
