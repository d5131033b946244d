"""A Hugging Face Hub dataset repository as a release target (huggingface_hub): one commit per
release holding every file, tagged `vX.Y.Z`. The token comes from the standard place (HF_TOKEN or
`hf auth login`) unless given, and is never printed: errors are re-worded without it."""

from __future__ import annotations

import importlib
from pathlib import Path

from newsprep.errors import NewsprepError

REPO_TYPE = "dataset"


def _call(what: str, token: str | None, fn):
    """`fn()`, with Hub and connection errors turned into one NewsprepError line without the
    token. The error is raised after the `except` block, so it chains nothing: the original
    exception (whose text may echo the token) is not kept as `__context__`."""
    from huggingface_hub.errors import HfHubHTTPError

    try:
        return fn()
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = f"{what}: HTTP {status}: {text}"
    except _transport_errors() as exc:
        message = f"{what}: {str(exc) or type(exc).__name__}"
    raise NewsprepError(_scrub(message, token))


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Connection-level errors of whichever HTTP client huggingface_hub uses."""
    out: list[type[BaseException]] = [OSError, ValueError]
    for module, name in (("httpx2", "HTTPError"), ("httpx", "HTTPError")):
        try:
            out.append(getattr(importlib.import_module(module), name))
        except ImportError:
            continue
    return tuple(out)


def _scrub(message: str, token: str | None) -> str:
    return message.replace(token, "***") if token else message


class HubTarget:
    """Release target: the dataset repository `repo_id` on the Hub at `endpoint`."""

    def __init__(self, repo_id: str, *, token: str | None = None, endpoint: str | None = None):
        from huggingface_hub import HfApi, get_token

        if repo_id.count("/") != 1 or not all(repo_id.split("/")):
            raise NewsprepError(f"--repo {repo_id!r} is not OWNER/NAME")
        self.repo_id = repo_id
        self.token = token or get_token()
        self.api = HfApi(endpoint=endpoint, token=self.token)
        self._exists: bool | None = None

    def describe(self) -> str:
        return f"Hub dataset {self.repo_id} at {self.api.endpoint}"

    @property
    def exists(self) -> bool:
        if self._exists is None:
            from huggingface_hub.errors import RepositoryNotFoundError

            def refs():
                try:
                    return self.api.list_repo_refs(self.repo_id, repo_type=REPO_TYPE)
                except RepositoryNotFoundError:
                    return None

            self._exists = _call(f"{self.repo_id}: repository info", self.token, refs) is not None
        return self._exists

    def tags(self) -> list[str]:
        if not self.exists:
            return []
        refs = _call(
            f"{self.repo_id}: listing tags",
            self.token,
            lambda: self.api.list_repo_refs(self.repo_id, repo_type=REPO_TYPE),
        )
        return [t.name for t in refs.tags]

    def files(self, rev: str) -> list[str]:
        return _call(
            f"{self.repo_id}@{rev}: listing files",
            self.token,
            lambda: self.api.list_repo_files(self.repo_id, repo_type=REPO_TYPE, revision=rev),
        )

    def read(self, rev: str, path: str) -> bytes:
        local = _call(
            f"{self.repo_id}@{rev}: reading {path}",
            self.token,
            lambda: self.api.hf_hub_download(self.repo_id, path, repo_type=REPO_TYPE, revision=rev),
        )
        return Path(local).read_bytes()

    def head_files(self) -> list[str]:
        return self.files("main") if self.exists else []

    def push(self, staged: Path, message: str, tag: str) -> str:
        """Create the repo if needed, commit all staged files (deleting files of the previous
        release that are gone) in one commit, tag it. Returns the commit id."""
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete

        staged = Path(staged)
        names = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file())
        ops: list = [
            CommitOperationAdd(path_in_repo=n, path_or_fileobj=str(staged / n)) for n in names
        ]
        ops += [
            CommitOperationDelete(path_in_repo=n)
            for n in sorted(self.head_files())
            if n not in names and n != ".gitattributes"
        ]

        def commit():
            self.api.create_repo(self.repo_id, repo_type=REPO_TYPE, exist_ok=True)
            return self.api.create_commit(
                self.repo_id, ops, commit_message=message, repo_type=REPO_TYPE
            )

        info = _call(f"{self.repo_id}: publishing {tag}", self.token, commit)
        self._exists = True
        what = f"{self.repo_id}: commit {info.oid} is on main but tagging it {tag} failed"
        _call(
            what + " (tag it by hand or delete the commit)",
            self.token,
            lambda: self.api.create_tag(
                self.repo_id, tag=tag, revision=info.oid, tag_message=message, repo_type=REPO_TYPE
            ),
        )
        return info.oid
