"""Fixtures of the hostile suite. Every test runs under an alarm: a build that blocks (on a named
pipe, a device, a lock) fails the test instead of hanging CI."""

from __future__ import annotations

import signal

import pytest

ALARM_SECONDS = 120


@pytest.fixture(autouse=True)
def no_hang():
    def fire(signum, frame):
        raise TimeoutError(f"hostile test still running after {ALARM_SECONDS} s: it hangs")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(ALARM_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)
