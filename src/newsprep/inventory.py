"""The inputs of a build: an input folder walked (recursively, in a stable order) into one task
per `.txt` or JSON Lines file, with what was ignored (hidden entries, symbolic links to
folders, other files, by suffix) and what could not be listed or is no regular file
(quarantined as `unreadable`). The subfolders' trees are walked by this process and one forked
helper (`newsprep.forkshare`). Reading the tasks is `newsprep.ingest`'s."""

from __future__ import annotations

import gc
import operator
import os
import stat
from dataclasses import dataclass, field
from functools import partial
from itertools import starmap
from pathlib import Path

from newsprep.errors import NewsprepError
from newsprep.ingest import Quarantined, Task, _file_type, _kind, _why, source_name

HIDDEN, SYMLINKED_FOLDER = "(hidden)", "(symlinked folder)"


@dataclass(slots=True)
class Inventory:
    tasks: list[Task] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)  # by suffix
    unreadable: list[Quarantined] = field(default_factory=list)


def discover(root: Path) -> Inventory:
    """Every input under `root` (a folder walked recursively, or one file), in a stable order."""
    root = Path(root)
    inv = Inventory()
    try:
        st = root.stat()
    except FileNotFoundError:
        raise NewsprepError(f"{root}: no such file or folder") from None
    except OSError as exc:
        raise NewsprepError(f"{root}: cannot read the input: {_why(exc, root)}") from None
    if stat.S_ISREG(st.st_mode):
        if _kind(root.name) is None:
            raise NewsprepError(f"{root}: not a .txt or JSON Lines file")
        inv.tasks.append(Task(source_name(root.name), _kind(root.name), st.st_size))
        return inv
    if not stat.S_ISDIR(st.st_mode):
        raise NewsprepError(f"{root}: not a file or folder but {_file_type(st.st_mode)}")
    collecting = gc.isenabled()
    gc.disable()  # the walk makes objects by the hundred thousand, all kept: nothing to collect
    try:
        _walk(root, inv)
    finally:
        if collecting:
            gc.enable()
    inv.tasks.sort(key=operator.attrgetter("rel"))
    inv.unreadable.sort(key=operator.attrgetter("source"))
    return inv


def _ignore(inv: Inventory, key: str) -> None:
    inv.ignored[key] = inv.ignored.get(key, 0) + 1


# A folder is listed by a descriptor where the system allows, and its files stat'ed by name
# relative to it (fstatat: the kernel walks one path component, not the whole path)
_BY_FD = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def _walk(root: Path, inv: Inventory) -> None:
    """The root's entries (down a chain of single subfolders), then each subfolder's tree,
    walked into an inventory of its own with a helper process (`forkshare`); these are
    added up in order, as one walk in that order gives them."""
    from newsprep.forkshare import map_shared

    trees = _list_folder(root, "", inv)
    while len(trees) == 1:
        trees = _list_folder(root, trees[0], inv)
    for part in map_shared(partial(_walk_tree, root), trees, _pack, _unpack):
        inv.tasks += part.tasks
        for key, count in part.ignored.items():
            inv.ignored[key] = inv.ignored.get(key, 0) + count
        inv.unreadable += part.unreadable


def _walk_tree(root: Path, rel_dir: str) -> Inventory:
    """The inventory of the folder `rel_dir` and all below it, unsorted. Iterative (any
    depth), never following symbolic links to folders (no loops)."""
    inv = Inventory()
    stack = [rel_dir]
    while stack:
        stack.extend(reversed(_list_folder(root, stack.pop(), inv)))
    return inv


_task_fields = operator.attrgetter("rel", "kind", "size", "path")


def _pack(inv: Inventory) -> tuple:
    """An inventory as plain tuples (about 5 times faster to unpickle than the tasks)."""
    return list(map(_task_fields, inv.tasks)), inv.ignored, inv.unreadable


def _unpack(packed: tuple) -> Inventory:
    return Inventory(list(starmap(Task, packed[0])), packed[1], packed[2])


def _list_folder(root: Path, rel_dir: str, inv: Inventory) -> list[str]:
    """Adds the entries of one folder to `inv` and returns its subfolders, in order."""
    folder = f"{os.fspath(root)}/{rel_dir}" if rel_dir else os.fspath(root)
    try:
        fd = os.open(folder, _FOLDER_FLAGS) if _BY_FD else None
    except OSError as exc:
        _unlistable(root, rel_dir, inv, exc)
        return []
    try:
        try:
            with os.scandir(folder if fd is None else fd) as it:
                entries = sorted(it, key=_name)
        except OSError as exc:
            _unlistable(root, rel_dir, inv, exc)
            return []
        subdirs, files = _sort_out(inv, entries, f"{rel_dir}/" if rel_dir else "")
        _add_files(inv, files, folder)  # stat'ed while `fd` is open
    finally:
        if fd is not None:
            os.close(fd)
    return subdirs


def _unlistable(root: Path, rel_dir: str, inv: Inventory, exc: OSError) -> None:
    if not rel_dir:  # the input itself: a build of nothing would replace the dataset
        raise NewsprepError(f"{root}: cannot list the input folder: {_why(exc)}") from None
    inv.unreadable.append(Quarantined(source_name(rel_dir), "unreadable",
                                      f"cannot list the folder: {_why(exc)}"))


_name = operator.attrgetter("name")


def _sort_out(inv: Inventory, entries: list[os.DirEntry],
              prefix: str) -> tuple[list[str], list[tuple[os.DirEntry, str, str]]]:
    """The subfolders (relative paths) and input files (entry, relative path, kind) of a
    folder's entries; hidden entries, symbolic links to folders and other files are counted."""
    subdirs, files = [], []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            _ignore(inv, HIDDEN)
        elif _is_dir(entry):
            if entry.is_symlink():
                _ignore(inv, SYMLINKED_FOLDER)
            else:
                subdirs.append(prefix + name)
        else:
            kind = _kind(name)
            if kind is None:
                _ignore(inv, source_name(os.path.splitext(name)[1].lower()) or "(none)")
            else:
                files.append((entry, prefix + name, kind))
    return subdirs, files


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _add_files(inv: Inventory, files: list[tuple[os.DirEntry, str, str]], folder: str) -> None:
    """A task for each regular file of `files` (their entries' stat follows symbolic links,
    as os.stat does), else a quarantine."""
    for entry, rel, kind in files:
        try:
            st = entry.stat()
        except OSError as exc:
            inv.unreadable.append(Quarantined(source_name(rel), "unreadable",
                                              _why(exc, f"{folder}/{entry.name}")))
            continue
        if not stat.S_ISREG(st.st_mode):
            inv.unreadable.append(Quarantined(source_name(rel), "unreadable",
                                              f"{_file_type(st.st_mode)}, not a regular file"))
            continue
        if rel.isprintable() and "\\" not in rel:  # source_name's own first test, inline
            inv.tasks.append(Task(rel, kind, st.st_size))
        else:
            name = source_name(rel)
            inv.tasks.append(Task(name, kind, st.st_size, "" if name == rel else rel))
