"""Joining a Ray cluster that is not there fails at once, or within the connect timeout, with
one line naming the address and the reason, and leaves no dataset behind (Ray alone retries for
minutes). Nothing here starts Ray: the address is refused or silent before `ray.init`.

Needs the optional extra `newsprep[ray]`; skipped without it, except in CI (CI set)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

import newsprep
from newsprep.errors import NewsprepError, UsageError

from .conftest import EXAMPLES

HAVE_RAY = importlib.util.find_spec("ray") is not None

pytestmark = [pytest.mark.ray, pytest.mark.skipif(
    not HAVE_RAY and not os.environ.get("CI"),
    reason="ray not installed (pip install newsprep[ray])")]

CLI = "from newsprep.cli import app; app(prog_name='newsprep')"


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port bound on every address but not listening: any connection to it is refused."""
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        yield s.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose one-place queue of connections is full: a new connection is never answered
    (its SYN is dropped), as with a host behind a firewall."""
    with socket.socket() as srv:
        srv.bind(("0.0.0.0", 0))
        srv.listen(0)
        port = srv.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            yield port


@pytest.mark.parametrize("given", ["--engine ray:ADDRESS", "RAY_ADDRESS"])
def test_a_port_where_nothing_listens_fails_the_cli_in_one_line(tmp_path, refused_port, given):
    """The address given to newsprep, or in $RAY_ADDRESS (which Ray joins when given none)."""
    out = tmp_path / "out"
    address = f"127.0.0.1:{refused_port}"
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["NEWSPREP_RAY_CONNECT_TIMEOUT"] = "3"
    engine = "ray"
    if given == "RAY_ADDRESS":
        env["RAY_ADDRESS"] = address
    else:
        engine = f"ray:{address}"
    # Ray alone retries for 820 s: the timeout of the run catches a regression.
    run = subprocess.run([sys.executable, "-c", CLI, "build", str(EXAMPLES), "--out", str(out),
                          "--engine", engine, "-q"], env=env, capture_output=True, text=True,
                         timeout=90)
    assert run.returncode == 1, run.stderr[-3000:]
    [line] = run.stderr.splitlines()
    label = address if given != "RAY_ADDRESS" else f"RAY_ADDRESS={address}"
    assert line.startswith(f"newsprep: error: cannot join the Ray cluster at {label}")
    assert line.endswith(": connection refused")
    assert run.stdout == ""
    assert not out.exists()
    assert not list(tmp_path.glob(".out.staging-*"))


def test_a_silent_address_fails_within_the_connect_timeout(tmp_path, silent_port):
    from newsprep.ray_engine import RayEngine

    out = tmp_path / "out"
    engine = RayEngine(f"127.0.0.1:{silent_port}", connect_timeout=0.5)
    with pytest.raises(NewsprepError) as caught:
        newsprep.build(EXAMPLES, out, engine=engine)
    assert str(caught.value).startswith(f"cannot join the Ray cluster at 127.0.0.1:{silent_port}")
    assert str(caught.value).endswith(": no answer within 0.5 s")
    assert not out.exists()
    assert not list(tmp_path.glob(".out.staging-*"))


def _serve_once(reply: bytes) -> int:
    """A port where a server accepts one connection, reads what comes, sends `reply` and
    closes."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve():
        with srv, srv.accept()[0] as conn:
            conn.recv(100)
            conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def test_unreachable_names_the_reason(refused_port, silent_port):
    from newsprep.ray_engine import unreachable

    assert unreachable("127.0.0.1", refused_port, 5) == "connection refused"
    assert unreachable("127.0.0.1", silent_port, 0.2) == "no answer within 0.2 s"
    assert unreachable("nosuchhost.invalid", 6379, 5).startswith(
        "unknown host 'nosuchhost.invalid'")
    with socket.socket() as mute:  # takes the connection, says nothing
        mute.bind(("127.0.0.1", 0))
        mute.listen(1)
        assert unreachable("127.0.0.1", mute.getsockname()[1], 0.2) == "no answer within 0.2 s"
    http = _serve_once(b"HTTP/1.0 400 Bad Request\r\n\r\n")  # a dashboard's port, say
    assert unreachable("127.0.0.1", http, 5).startswith("something answers there, but not as "
                                                        "a Ray head does")
    grpc = _serve_once(bytes([0, 0, 0, 4, 0, 0, 0, 0, 0]))  # an HTTP/2 server's SETTINGS
    assert unreachable("127.0.0.1", grpc, 5) is None


def test_the_connect_timeout_comes_from_the_engine_the_environment_or_30_s(monkeypatch):
    from newsprep.ray_engine import CONNECT_TIMEOUT_ENV, timeout_seconds

    monkeypatch.delenv(CONNECT_TIMEOUT_ENV, raising=False)
    assert timeout_seconds() == 30.0
    monkeypatch.setenv(CONNECT_TIMEOUT_ENV, " 2.5 ")
    assert timeout_seconds() == 2.5
    assert timeout_seconds(7) == 7
    for bad in ("soon", "0", "-1", "nan", "inf"):
        monkeypatch.setenv(CONNECT_TIMEOUT_ENV, bad)
        with pytest.raises(UsageError, match="seconds"):
            timeout_seconds()


def test_where_ray_connects(monkeypatch):
    from newsprep.ray_engine import _host_port

    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert _host_port("ray://head.example:10001") == ("head.example", 10001)
    assert _host_port("head.example:6379") == ("head.example", 6379)
    assert _host_port("not an address") is None
