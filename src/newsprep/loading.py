"""Loading one release: `newsprep.load("OWNER/NAME" or PATH, version="X.Y.Z")` is the
`datasets.DatasetDict` of exactly the tag `vX.Y.Z`, from the Hub or from a local git repository
written by `newsprep publish --to PATH`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from newsprep import releasenotes
from newsprep.errors import NewsprepError
from newsprep.gitrepo import export, is_repo, list_tags


def _missing(where: str, tag: str, tags: list[str]) -> NewsprepError:
    have = ", ".join(releasenotes.release_tags(tags)) or "none"
    return NewsprepError(f"{where}: no release {tag} (releases: {have})")


def load(repo_or_path: str | Path, version: str, **kwargs):
    """The DatasetDict of release `version` of a Hub dataset (`OWNER/NAME`) or of a local git
    repository (a path). Extra keyword arguments go to `datasets.load_dataset`."""
    import datasets

    tag = releasenotes.tag_of(version)
    path = Path(repo_or_path)
    if path.exists():
        if not is_repo(path):
            raise NewsprepError(
                f"{path}: not a git repository of releases "
                "(load a plain folder with datasets.load_dataset)"
            )
        if kwargs.get("streaming"):
            raise NewsprepError(
                "streaming=True needs the files to stay: export the tag with "
                "`git archive` and stream that folder"
            )
        tags = list_tags(path)
        if tag not in tags:
            raise _missing(str(path), tag, tags)
        with tempfile.TemporaryDirectory(prefix="newsprep-load-") as tmp:
            export(path, tag, Path(tmp))
            # load_dataset copies the rows into its Arrow cache: the export may go away.
            return datasets.load_dataset(tmp, **kwargs)
    from newsprep.hub import HubTarget

    name = str(repo_or_path)
    if name.count("/") != 1 or not all(name.split("/")) or name.startswith("."):
        raise NewsprepError(f"{name}: no such folder, and not a Hub dataset OWNER/NAME")

    target = HubTarget(
        str(repo_or_path), token=kwargs.pop("token", None), endpoint=kwargs.pop("endpoint", None)
    )
    tags = target.tags()
    if tag not in tags:
        raise _missing(f"Hub dataset {repo_or_path}", tag, tags)
    return datasets.load_dataset(str(repo_or_path), revision=tag, token=target.token, **kwargs)
