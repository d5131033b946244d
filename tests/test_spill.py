"""The pass-1 spill gives back each task's items in order, however tasks and records meet."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import spill
from newsprep.spill import SpillReader, SpillWriter


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 600), max_size=12), st.lists(st.booleans(), max_size=12),
       st.booleans())
def test_every_task_comes_back_whole(tmp_path_factory, sizes, taken, with_keys):
    path = tmp_path_factory.mktemp("spill") / "0.pkl"
    tasks = [[f"t{i}-{j}" for j in range(n)] for i, n in enumerate(sizes)]
    writer = SpillWriter(path)
    if with_keys:
        writer.keys([b"k%d" % i for i in range(len(tasks))])
    for i, items in enumerate(tasks):
        assert list(writer.items(i, iter(items))) == items  # passed through as read
    writer.close()
    reader = SpillReader(path)
    assert reader.keys == ([b"k%d" % i for i in range(len(tasks))] if with_keys else None)
    for i, items in enumerate(tasks):
        if i < len(taken) and not taken[i]:
            continue  # pass 2 may skip a task (its record reused from the cache)
        held = reader.take(i)
        assert held is not None and list(held) == items  # an empty task is there, empty
    assert reader.take(len(tasks)) is None
    reader.close()
    assert not path.exists()


def test_small_tasks_share_records(tmp_path):
    path = tmp_path / "0.pkl"
    writer = SpillWriter(path)
    for i in range(1000):
        list(writer.items(i, iter([i])))
    writer.close()
    records = 0
    with open(path, "rb") as fh:
        while True:
            try:
                pickle.load(fh)
            except EOFError:
                break
            records += 1
    assert records == -(-1000 // spill.GROUP)
