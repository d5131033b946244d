"""The peak memory of a process tree, sampled: `scripts/bench.py`'s memory figure.

    python scripts/pss_sampler.py PID [INTERVAL]

Every INTERVAL seconds (default 0.2) until a line arrives on its standard input, sums the
proportional set size (PSS: resident memory, a page shared by n processes counted 1/n in each)
of process PID and all its descendants but itself, then prints the largest sum seen, in MB.

The sampler shares the machine with what it measures, so it is kept cheap. Reading a process's
PSS makes the kernel walk its page tables (about 4 ms for 400 MB here), while its resident size
(RSS) is one counter. A process's PSS never exceeds its RSS, so a sample whose RSS sum is not
above the peak so far cannot raise the peak: its PSS is not read. The processes are found through
/proc/PID/task/TID/children, not by listing every process of the machine. And the sampler runs
at the lowest priority (nice 19): it reads in the moments a core is free, not instead of the
build (its reads took about 0.55 CPU-s of a 10 s build at 100k articles)."""

from __future__ import annotations

import os
import select
import sys

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def children(pid: int) -> list[int]:
    """The child processes of `pid` (of all its threads); raises OSError once it is gone."""
    kids: list[int] = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids += map(int, fh.read().split())
        except FileNotFoundError:  # the thread ended since the listing
            continue
    return kids


def tree(root: int, skip: int) -> list[int]:
    """`root` and its descendants, but `skip` (and what descends from it)."""
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid == skip:
            continue
        out.append(pid)
        try:
            stack += children(pid)
        except OSError:  # ended meanwhile
            continue
    return out


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * PAGE_KB


def pss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _total(read_kb, pids: list[int]) -> int:
    """The sum of `read_kb` over `pids`; a process that ends while being read is left out (its
    memory is being freed)."""
    total = 0
    for pid in pids:
        try:
            total += read_kb(pid)
        except OSError:
            continue
    return total


def sample(root: int, skip: int, peak_kb: int) -> int:
    """The PSS sum of the tree now if it may exceed `peak_kb`, else `peak_kb`."""
    pids = tree(root, skip)
    if _total(rss_kb, pids) <= peak_kb:
        return peak_kb
    return max(peak_kb, _total(pss_kb, pids))


def main(argv: list[str]) -> None:
    root, interval = int(argv[0]), float(argv[1]) if len(argv) > 1 else 0.2
    os.nice(19)
    me, peak = os.getpid(), 0
    while not select.select([sys.stdin], [], [], interval)[0]:
        peak = sample(root, me, peak)
    print(peak / 1024)


if __name__ == "__main__":
    main(sys.argv[1:])
