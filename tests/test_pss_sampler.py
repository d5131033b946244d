"""The benchmark's memory sampler (`scripts/pss_sampler.py`): it finds a process's descendants,
sums their PSS, and skips reading PSS only where it cannot raise the peak."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pss_sampler.py"
pytestmark = pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists()
                                or not Path(f"/proc/self/task/{os.getpid()}/children").exists(),
                                reason="needs Linux's /proc smaps_rollup and children files")

_HOLD = "import sys; x = bytearray(80 << 20); x[::4096] = b'1' * len(x[::4096]); " \
        "print('ready', flush=True); sys.stdin.read()"


def _sampler():
    spec = importlib.util.spec_from_file_location("pss_sampler", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def holder():
    """A child process holding 80 MB of touched memory until its stdin closes."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    proc.stdin.close()
    proc.wait(10)


def test_tree_finds_children_and_skips_one(holder):
    s = _sampler()
    assert holder.pid in s.tree(os.getpid(), skip=-1)
    assert holder.pid not in s.tree(os.getpid(), skip=holder.pid)
    assert s.tree(holder.pid, skip=-1) == [holder.pid]


def test_sample_sums_pss_and_keeps_a_higher_peak(holder):
    s = _sampler()
    kb = s.sample(holder.pid, -1, 0)
    assert 80 << 10 <= kb <= s.rss_kb(holder.pid)  # its 80 MB, not shared with anyone
    assert kb == s.pss_kb(holder.pid)
    assert s.sample(holder.pid, -1, kb * 10) == kb * 10  # no PSS read can beat it


def test_sampler_process_reports_the_peak_in_mb(holder):
    proc = subprocess.run([sys.executable, str(SCRIPT), str(holder.pid), "0.01"],
                          input="", capture_output=True, text=True, timeout=30)
    # stdin at its end: the sampler stops at once, before its first sample
    assert proc.returncode == 0 and float(proc.stdout) == 0.0
    proc = subprocess.Popen([sys.executable, str(SCRIPT), str(holder.pid), "0.01"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    out, _ = proc.communicate("stop\n", timeout=30)
    assert float(out) >= 80
