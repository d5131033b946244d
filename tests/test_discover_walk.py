"""`discover` (folders listed by descriptor, files stat'ed relative to it) gives the inventory of
the plain walk (scandir and os.stat by path) on a tree with every kind of odd entry."""

import contextlib
import os
import stat

import pytest

from newsprep import ingest, inventory
from newsprep.ingest import Quarantined, Task, source_name
from newsprep.inventory import HIDDEN, SYMLINKED_FOLDER, Inventory


def _plain_discover(root) -> Inventory:
    """The walk as it was: scandir by path, os.stat(entry.path) for each input file."""
    inv = Inventory()
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            inv.unreadable.append(Quarantined(source_name(rel_dir), "unreadable",
                                              f"cannot list the folder: {ingest._why(exc)}"))
            continue
        subdirs = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.name.startswith("."):
                inventory._ignore(inv, HIDDEN)
            elif inventory._is_dir(entry):
                if entry.is_symlink():
                    inventory._ignore(inv, SYMLINKED_FOLDER)
                else:
                    subdirs.append(rel)
            else:
                kind = ingest._kind(entry.name)
                if kind is None:
                    ext = os.path.splitext(entry.name)[1].lower()
                    inventory._ignore(inv, source_name(ext) or "(none)")
                    continue
                try:
                    st = os.stat(entry.path)
                except OSError as exc:
                    inv.unreadable.append(Quarantined(source_name(rel), "unreadable",
                                                      ingest._why(exc, entry.path)))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    inv.unreadable.append(Quarantined(
                        source_name(rel), "unreadable",
                        f"{ingest._file_type(st.st_mode)}, not a regular file"))
                    continue
                name = source_name(rel)
                inv.tasks.append(Task(name, kind, st.st_size, "" if name == rel else rel))
        stack.extend(reversed(subdirs))
    inv.tasks.sort(key=lambda t: t.rel)
    inv.unreadable.sort(key=lambda q: q.source)
    return inv


def _odd_tree(root):
    (root / "a" / "b").mkdir(parents=True)
    (root / "a-b").mkdir()
    (root / "a" / "b" / "x.txt").write_text("T\n\nbody")
    (root / "a-b" / "y.TXT").write_text("T\n\nbody too")
    (root / "a.txt").write_text("T\n\nbody three")
    (root / "lines.jsonl").write_text('{"title": "T", "text": "x"}\n')
    (root / ".hidden.txt").write_text("x")
    (root / "notes.md").write_text("x")
    (root / "noext").write_text("x")
    (root / "back\\slash.txt").write_text("T\n\nb")
    (root / "tab\there.txt").write_text("T\n\nb")
    (root / "empty.txt").write_bytes(b"")
    os.symlink(root / "a", root / "link_to_folder")
    os.symlink(root / "a.txt", root / "link_to_file.txt")
    os.symlink(root / "missing.txt", root / "broken.txt")
    os.symlink(root / "loop.txt", root / "loop.txt")
    (root / "folder.txt").mkdir()  # a folder with an input's name is walked
    (root / "folder.txt" / "inner.txt").write_text("T\n\nb")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.txt")
    with contextlib.suppress(OSError, UnicodeError):  # a name that is not UTF-8
        (root / os.fsdecode(b"latin\xe9.txt")).write_text("T\n\nb")


def test_discover_gives_the_plain_walks_inventory(tmp_path):
    _odd_tree(tmp_path)
    got, want = inventory.discover(tmp_path), _plain_discover(tmp_path)
    assert got == want
    assert list(got.ignored.items()) == list(want.ignored.items())  # and in the same order
    assert {q.source for q in got.unreadable} >= {"broken.txt", "loop.txt"}


@pytest.mark.parametrize("by_fd", [True, False])
def test_both_ways_of_listing_agree(tmp_path, monkeypatch, by_fd):
    _odd_tree(tmp_path)
    monkeypatch.setattr(inventory, "_BY_FD", by_fd and inventory._BY_FD)
    assert inventory.discover(tmp_path) == _plain_discover(tmp_path)


def test_a_folder_that_cannot_be_listed_is_quarantined(tmp_path, monkeypatch):
    _odd_tree(tmp_path)
    real = os.scandir

    def refuse(path):
        if path == os.fspath(tmp_path / "a") or (isinstance(path, int)
                                                and os.readlink(f"/proc/self/fd/{path}")
                                                == os.fspath(tmp_path / "a")):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(inventory.os, "scandir", refuse)
    inv = inventory.discover(tmp_path)
    assert Quarantined("a", "unreadable", "cannot list the folder: Permission denied") \
        in inv.unreadable
    assert not any(t.rel.startswith("a/") for t in inv.tasks)
