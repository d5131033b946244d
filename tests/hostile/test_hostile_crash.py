"""Crashes and concurrency: a build killed with SIGKILL at any moment leaves the previous dataset
complete and loadable, and the next build matches a clean one byte for byte; two builds of the
same folder at once never mix: one wins or one fails with one clear line (the lock in write.py).

Killed builds run one at a time in children forked from a server that imported newsprep once,
each on its own copy of the previous dataset, killed at a random moment of a whole build's span.
The racing builds are two fresh interpreters released at the same instant."""

from __future__ import annotations

import multiprocessing
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_util import article, build, tree_digest

import newsprep

# A child build through the library, started at a signal (a file appears), errors as the CLI has.
CHILD = """
import sys, time
from pathlib import Path
import newsprep
go = Path(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
try:
    newsprep.build(sys.argv[1], sys.argv[2], workers=1)
except newsprep.NewsprepError as exc:
    print(f"newsprep: error: {exc}", file=sys.stderr)
    sys.exit(1)
"""


def _corpus(folder: Path, n: int, variant: str) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        body = [f"Report {i} ({variant}) says the council of town {i} met on day {i % 28 + 1} "
                f"and agreed budget item {i * 13} after a debate of {i % 5 + 1} hours.",
                f"Residents of town {i} asked for item {i * 7} to be reviewed next {variant}."]
        (folder / f"a{i:04d}.txt").write_text(article(f"Town {i} council {variant}", body),
                                              encoding="utf-8")
    return folder


def _start(jobs: list[tuple[Path, Path]], go: Path) -> list[subprocess.Popen]:
    """Start a child build per (raw, out); return when all have imported newsprep."""
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(raw), str(out), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True) for raw, out in jobs]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    return procs


def _load(folder: Path, cache: Path) -> dict[str, int]:
    import datasets

    ds = datasets.load_dataset(str(folder), cache_dir=str(cache))
    return {split: d.num_rows for split, d in ds.items()}


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """The previous dataset (built from corpus v1) and a clean build of corpus v2."""
    base = tmp_path_factory.mktemp("crash")
    raw1, raw2 = _corpus(base / "raw1", 200, "spring"), _corpus(base / "raw2", 200, "autumn")
    old = build(raw1, base / "old", cache=False)
    started = time.monotonic()
    new = build(raw2, base / "new", cache=False)
    return base, raw2, old, new, time.monotonic() - started


def _forkserver():
    """Children forked from a server that has imported newsprep once: each killed build starts in
    milliseconds instead of paying the imports again. Its target is `newsprep.build` itself."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["newsprep", "newsprep.build", "newsprep.docs", "datasets",
                                "pandera.pandas", "pyarrow.parquet"])
    return ctx


def test_sigkill_at_any_moment_leaves_the_previous_dataset(states):
    base, raw2, old, new, seconds = states
    old_digest, new_digest = tree_digest(old.out), tree_digest(new.out)
    ctx = _forkserver()
    warm = ctx.Process(target=newsprep.build, args=(raw2, base / "warm-up"),
                       kwargs={"workers": 1, "cache": False})
    warm.start()  # starts the server; also times one whole build in a child
    started = time.monotonic()
    warm.join(timeout=60)
    child_seconds = time.monotonic() - started
    assert warm.exitcode == 0
    rng = random.Random()
    runs = []
    for i in range(4):  # one at a time: the kill moments spread over a whole child build
        out = base / f"killed{i}" / "ds"
        out.parent.mkdir()
        shutil.copytree(old.out, out, symlinks=True)
        delay = rng.uniform(0.0, 1.3 * child_seconds)
        proc = ctx.Process(target=newsprep.build, args=(raw2, out), kwargs={"workers": 1})
        proc.start()
        time.sleep(delay)
        proc.kill()  # SIGKILL
        proc.join(timeout=60)
        runs.append((delay, out))
    loaded = {}
    for delay, out in runs:
        digest = tree_digest(out)
        assert digest in (old_digest, new_digest), f"mixed dataset after a kill at {delay:.2f} s"
        state = "old" if digest == old_digest else "new"
        if state not in loaded:  # the same bytes load the same: load each state once
            loaded[state] = _load(out, base / f"hf-cache-{state}")
            assert loaded[state] == (old if state == "old" else new).summary.splits
    for delay, out in runs:
        rebuilt = build(raw2, out)  # with whatever cache the killed build left
        assert tree_digest(out) == new_digest, f"rebuild after a kill at {delay:.2f} s differs"
        assert rebuilt.summary.to_dict() == new.summary.to_dict()
        assert not list(out.parent.glob(".ds.staging-*")), "a staging folder was left behind"


def test_two_builds_of_one_folder_never_mix(states):
    base, raw2, _, new, _ = states
    out = base / "race" / "ds"
    out.parent.mkdir()
    go = base / "go-race"
    procs = _start([(raw2, out), (raw2, out)], go)
    go.touch()
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 1]), results
    for code, err in results:
        if code:
            assert err.splitlines() == [
                f"newsprep: error: {out}: another newsprep build is writing this folder"]
    got, want = tree_digest(out), tree_digest(new.out)
    assert got == want, ([k for k in {*got, *want} if got.get(k) != want.get(k)], results)
