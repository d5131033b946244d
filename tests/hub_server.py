"""A tiny in-memory stand-in for the Hugging Face Hub on 127.0.0.1: the endpoints huggingface_hub
2.x calls to create a dataset repo, preupload and commit files (NDJSON), tag, list refs and tree,
and download a file. Every request is logged (method, path, Authorization header) so tests can
assert what was sent. Not a Hub: enough to test newsprep's publishing for real, offline."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import yaml


@dataclass
class Commit:
    oid: str
    message: str
    files: dict[str, bytes]
    parent: str | None


@dataclass
class Repo:
    branches: dict[str, str] = field(default_factory=dict)  # name -> commit oid
    tags: dict[str, str] = field(default_factory=dict)
    tag_messages: dict[str, str] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)

    def resolve(self, rev: str) -> Commit | None:
        oid = self.branches.get(rev) or self.tags.get(rev) or rev
        return self.commits.get(oid)


class HubState:
    def __init__(self):
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str, str | None]] = []
        self.lock = threading.Lock()


def _git_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Handler(BaseHTTPRequestHandler):
    state: HubState
    base: str

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body=None, headers: dict | None = None, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, code: str, message: str):
        self._send(status, {"error": message}, {"X-Error-Code": code, "X-Error-Message": message})

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _route(self):
        path = unquote(urlsplit(self.path).path)
        with self.state.lock:
            self.state.requests.append((self.command, path, self.headers.get("Authorization")))
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "repos"] and parts[2:] == ["create"]:
            return self.create_repo()
        if parts[:2] == ["api", "validate-yaml"]:
            return self.validate_yaml()
        if parts[:2] == ["api", "datasets"] and len(parts) >= 5:
            repo_id, action, rest = "/".join(parts[2:4]), parts[4], parts[5:]
            return self.repo_api(repo_id, action, rest)
        if parts[0] == "datasets" and len(parts) >= 6 and parts[3] == "resolve":
            return self.resolve("/".join(parts[1:3]), parts[4], "/".join(parts[5:]))
        return self._error(404, "NotFound", f"no route {path}")

    do_GET = do_POST = do_HEAD = lambda self: self._route()  # noqa: E731

    def _repo(self, repo_id: str) -> Repo | None:
        repo = self.state.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", f"Repository {repo_id} not found")
        return repo

    def create_repo(self):
        payload = json.loads(self._body())
        repo_id = f"{payload['organization']}/{payload['name']}"
        if repo_id in self.state.repos:
            return self._send(
                409,
                {
                    "error": "You already created this dataset repo",
                    "url": f"{self.base}/datasets/{repo_id}",
                },
            )
        init = Commit(
            _git_oid(repo_id.encode()),
            "initial commit",
            {".gitattributes": b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"},
            None,
        )
        self.state.repos[repo_id] = Repo({"main": init.oid}, commits={init.oid: init})
        self._send(200, {"url": f"{self.base}/datasets/{repo_id}"})

    def validate_yaml(self):
        content = json.loads(self._body())["content"]
        if content.startswith("---\n"):
            try:
                yaml.safe_load(content[4:].split("\n---\n", 1)[0])
            except yaml.YAMLError as exc:
                return self._send(400, {"errors": [{"message": str(exc)}]})
        self._send(200, {"errors": [], "warnings": []})

    def repo_api(self, repo_id: str, action: str, rest: list[str]):
        repo = self._repo(repo_id)
        if repo is None:
            return
        if action == "refs":
            return self._send(
                200,
                {
                    "branches": [
                        {"name": n, "ref": f"refs/heads/{n}", "targetCommit": o}
                        for n, o in repo.branches.items()
                    ],
                    "tags": [
                        {"name": n, "ref": f"refs/tags/{n}", "targetCommit": o}
                        for n, o in repo.tags.items()
                    ],
                    "converts": [],
                    "pullRequests": [],
                },
            )
        if action == "preupload":
            files = json.loads(self._body())["files"]
            return self._send(
                200,
                {
                    "files": [
                        {
                            "path": f["path"],
                            "uploadMode": "regular",
                            "shouldIgnore": False,
                            "oid": None,
                        }
                        for f in files
                    ]
                },
            )
        if action == "commit":
            return self.commit(repo_id, repo, unquote(rest[0]))
        if action == "tag":
            return self.tag(repo, unquote(rest[0]))
        if action == "revision":
            return self.info(repo_id, repo, unquote("/".join(rest)))
        if action == "paths-info":
            return self.paths_info(repo, unquote("/".join(rest)))
        if action == "tree":
            return self.tree(repo, rest[0], "/".join(rest[1:]))
        return self._error(404, "NotFound", f"no action {action}")

    def commit(self, repo_id: str, repo: Repo, branch: str):
        lines = [json.loads(x) for x in self._body().decode().splitlines() if x.strip()]
        parent = repo.resolve(branch)
        files = dict(parent.files) if parent else {}
        header = lines[0]["value"]
        for item in lines[1:]:
            value = item["value"]
            if item["key"] == "file":
                files[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "deletedFile":
                files.pop(value["path"], None)
            else:
                return self._error(400, "BadRequest", f"unsupported operation {item['key']}")
        digest = hashlib.sha1(json.dumps([header, sorted(files), parent and parent.oid]).encode())
        oid = digest.hexdigest()
        repo.commits[oid] = Commit(oid, header["summary"], files, parent.oid if parent else None)
        repo.branches[branch] = oid
        self._send(
            200,
            {
                "commitUrl": f"{self.base}/datasets/{repo_id}/commit/{oid}",
                "commitOid": oid,
                "success": True,
            },
        )

    def tag(self, repo: Repo, rev: str):
        payload = json.loads(self._body())
        if payload["tag"] in repo.tags:
            return self._error(409, "TagExists", f"Tag {payload['tag']} already exists")
        commit = repo.resolve(rev)
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        repo.tags[payload["tag"]] = commit.oid
        repo.tag_messages[payload["tag"]] = payload.get("message", "")
        self._send(200, {})

    def info(self, repo_id: str, repo: Repo, rev: str):
        commit = repo.resolve(rev)
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        siblings = [{"rfilename": p} for p in sorted(commit.files)]
        self._send(200, {"id": repo_id, "sha": commit.oid, "private": False, "siblings": siblings})

    def paths_info(self, repo: Repo, rev: str):
        commit = repo.resolve(rev)
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        body = self._body().decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            paths = json.loads(body).get("paths", [])
        else:
            paths = parse_qs(body).get("paths", [])
        out = []
        for path in (p.strip("/") for p in paths):
            if path in commit.files:
                data = commit.files[path]
                out.append({"type": "file", "path": path, "size": len(data), "oid": _git_oid(data)})
            elif any(p.startswith(path + "/") for p in commit.files):
                out.append({"type": "directory", "path": path, "oid": "0" * 40})
        self._send(200, out)

    def tree(self, repo: Repo, rev: str, prefix: str):
        commit = repo.resolve(unquote(rev))
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        recursive = parse_qs(urlsplit(self.path).query).get("recursive", ["false"])[0]
        base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        items, dirs = [], set()
        for path, data in sorted(commit.files.items()):
            if not path.startswith(base):
                continue
            rest = path[len(base) :]
            if "/" in rest and recursive.lower() not in ("1", "true"):
                dirs.add(base + rest.split("/")[0])
                continue
            items.append({"type": "file", "path": path, "size": len(data), "oid": _git_oid(data)})
        items += [{"type": "directory", "path": d, "oid": "0" * 40} for d in sorted(dirs)]
        self._send(200, items)

    def resolve(self, repo_id: str, rev: str, path: str):
        repo = self._repo(repo_id)
        if repo is None:
            return
        commit = repo.resolve(unquote(rev))
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        if path not in commit.files:
            return self._error(404, "EntryNotFound", f"{path} not found")
        data = commit.files[path]
        self._send(
            200, raw=data, headers={"X-Repo-Commit": commit.oid, "ETag": f'"{_git_oid(data)}"'}
        )


class HubServer:
    """`with HubServer() as hub:` serves on `hub.url` until the block ends."""

    def __init__(self):
        self.state = HubState()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        handler.base = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> HubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def repo(self, repo_id: str) -> Repo:
        return self.state.repos[repo_id]
