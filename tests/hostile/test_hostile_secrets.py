"""The Hub token never appears in logs, errors, tracebacks or the dataset folder, even when a
hostile (or broken) server echoes it back in its error responses.

The server is a local stand-in that answers every request with an error whose body and headers
repeat the Authorization header it received, so the token reaches newsprep in the error text.

Logs are checked at INFO and above, for every logger. At DEBUG the HTTP library's own transport
trace (httpcore) prints response headers verbatim, so a server that echoes the token gets it into
that trace; newsprep never turns DEBUG on, and scrubbing third-party traces is not attempted."""

from __future__ import annotations

import importlib
import json
import logging
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hostile_util import article, build
from typer.testing import CliRunner

import newsprep
from newsprep.cli import app

TOKEN = "hf_HostileEchoSecret0123456789abcdef"


class Echo(BaseHTTPRequestHandler):
    seen: list[str] = []

    def log_message(self, *args):
        pass

    def _reply(self):
        auth = self.headers.get("Authorization", "")
        Echo.seen.append(auth)
        body = json.dumps({"error": f"token rejected: {auth} for {self.path}"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Error-Message", f"token rejected: {auth}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _reply


@pytest.fixture
def echo(monkeypatch, tmp_path):
    # The data check before publishing is not under test here (and takes seconds): it passes.
    monkeypatch.setattr(importlib.import_module("newsprep.publish"), "run_check",
                        lambda folder: (True, "passed (check skipped in this test)"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Echo.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(5):
        body = [f"Article {i}: the library of village {i} reopened on day {i + 1} after "
                f"repairs to its roof, the parish council said on Monday evening."]
        (raw / f"a{i}.txt").write_text(article(f"Library {i} reopens", body), encoding="utf-8")
    return build(raw, tmp_path / "ds").out


def _files_text(folder) -> str:
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*")
                   if p.is_file())


def test_the_token_is_not_in_errors_tracebacks_or_logs(echo, dataset, caplog, capsys):
    caplog.set_level(logging.INFO)  # see the module docstring about DEBUG transport traces
    with pytest.raises(newsprep.NewsprepError) as err:
        newsprep.publish(dataset, version="1.0.0", repo="alice/news", endpoint=echo)
    assert Echo.seen and all(TOKEN in auth for auth in Echo.seen)  # the echo did carry it
    texts = [str(err.value), repr(err.value), "".join(traceback.format_exception(err.value)),
             caplog.text, *capsys.readouterr()]
    for text in texts:
        assert TOKEN not in text
    assert "\n" not in str(err.value)
    assert TOKEN not in _files_text(dataset)


def test_the_cli_never_shows_the_token(echo, dataset):
    result = CliRunner().invoke(app, ["publish", str(dataset), "--repo", "alice/news",
                                      "--version", "1.0.0", "--endpoint", echo])
    assert result.exit_code == 1
    assert result.stderr.startswith("newsprep: error: ") and len(result.stderr.splitlines()) == 1
    assert TOKEN not in result.output + result.stderr
    assert TOKEN not in _files_text(dataset)


def _chain(exc: BaseException | None):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def test_no_exception_in_the_chain_holds_the_token(echo, dataset):
    with pytest.raises(newsprep.NewsprepError) as err:
        newsprep.publish(dataset, version="1.0.0", repo="alice/news", endpoint=echo)
    for exc in _chain(err.value):
        assert TOKEN not in str(exc) and TOKEN not in repr(exc.args)
