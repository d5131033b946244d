"""A local git repository as a release target: one commit per release, tagged `vX.Y.Z`. Uses the
git command line. Releases then work without the Hub, and a tag checks out exactly one release."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from newsprep.errors import NewsprepError

# Used only where git has no identity configured (CI, fresh containers).
DEFAULT_IDENTITY = {"name": "newsprep", "email": "newsprep@localhost"}


def _identity_env(repo: Path) -> dict[str, str]:
    """The environment for a commit or tag: git's own identity (config or GIT_* variables) when
    it has one, else newsprep's default for the missing part."""
    env = dict(os.environ)
    where = repo if repo.is_dir() else Path.cwd()
    for part, default in DEFAULT_IDENTITY.items():
        keys = [f"GIT_AUTHOR_{part.upper()}", f"GIT_COMMITTER_{part.upper()}"]
        configured = subprocess.run(
            ["git", "-C", str(where), "config", "--get", f"user.{part}"],
            capture_output=True,
            check=False,
        ).stdout.strip()
        if not configured:
            for key in keys:
                env.setdefault(key, default)
    return env


def git(repo: Path, *args: str, data: bytes | None = None, check: bool = True) -> bytes:
    env = _identity_env(Path(repo)) if args[0] in ("commit", "tag") else None
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), *args], input=data, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise NewsprepError("git is not installed (needed for --to PATH releases)") from None
    if check and proc.returncode != 0:
        msg = proc.stderr.decode(errors="replace").strip().splitlines()
        raise NewsprepError(f"{repo}: git {args[0]} failed: {msg[-1] if msg else proc.returncode}")
    return proc.stdout


def is_repo(path: Path) -> bool:
    if not Path(path).is_dir():
        return False
    out = git(path, "rev-parse", "--show-toplevel", check=False).decode().strip()
    return bool(out) and Path(out).resolve() == Path(path).resolve()


def list_tags(repo: Path) -> list[str]:
    return git(Path(repo), "tag", "--list").decode().split()


class GitTarget:
    """Release target: the git repository at `path` (created on the first release)."""

    def __init__(self, path: Path):
        self.path = Path(path).absolute()
        self.exists = is_repo(self.path)
        if not self.exists and self.path.exists() and any(self.path.iterdir()):
            raise NewsprepError(
                f"{self.path}: exists, is not empty and is not a git repository; "
                "give a new folder or a release repository"
            )
        if self.exists and git(self.path, "status", "--porcelain").strip():
            raise NewsprepError(f"{self.path}: the repository has uncommitted changes")

    def describe(self) -> str:
        return f"git repository {self.path}"

    def tags(self) -> list[str]:
        return list_tags(self.path) if self.exists else []

    def files(self, rev: str) -> list[str]:
        out = git(self.path, "ls-tree", "-r", "-z", "--name-only", rev).decode()
        return [p for p in out.split("\0") if p]

    def read(self, rev: str, path: str) -> bytes:
        return git(self.path, "cat-file", "blob", f"{rev}:{path}")

    def head_files(self) -> list[str]:
        if (
            not self.exists
            or not git(self.path, "rev-parse", "-q", "--verify", "HEAD", check=False).strip()
        ):
            return []
        return self.files("HEAD")

    def push(self, staged: Path, message: str, tag: str) -> str:
        """Commit the staged release as the whole tree and tag it. Returns the commit id."""
        if not self.exists:
            self.path.mkdir(parents=True, exist_ok=True)
            git(self.path, "init", "-q", "-b", "main")
            self.exists = True
        for rel in self.head_files():
            (self.path / rel).unlink(missing_ok=True)
        for src in sorted(Path(staged).rglob("*")):
            if src.is_file():
                dest = self.path / src.relative_to(staged)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
        git(self.path, "add", "-A", ".")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        git(self.path, "tag", "-a", tag, "-m", message)
        return git(self.path, "rev-parse", "HEAD").decode().strip()


def export(repo: Path, rev: str, dest: Path) -> Path:
    """Extract the tree of `rev` into `dest` (no checkout: the repository is not touched)."""
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "archive", "--format=tar", rev],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            tar.extractall(dest, filter="data")
    except tarfile.ReadError:
        pass  # git failed before writing anything: reported below
    err = proc.stderr.read().decode(errors="replace").strip()
    if proc.wait() != 0:
        raise NewsprepError(f"{repo}: cannot export {rev}: {err.splitlines()[-1] if err else ''}")
    return Path(dest)
