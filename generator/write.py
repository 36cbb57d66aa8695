"""The only module that writes: folders made to match a set of files, and swaps.

:func:`sync_tree` makes a folder hold exactly the given files: new and changed
files are written atomically (temporary file, then rename), unchanged files are
left alone (bytes and modification time), stale files are removed.
:func:`swap_in` replaces finished folders in one rename each, so a reader or
``mkdocs serve`` never sees a half-written ``docs/`` or ``site/``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .parallel import give_way


class WriteError(Exception):
    """A page path that would escape its folder, or two pages on one path."""


@dataclass
class WriteStats:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _safe(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts):
        raise WriteError(f"refusing to write outside the output folder: {rel!r}")
    return p


def write_atomic(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    With ``replace=False`` an existing ``path`` (or a link there) is left as it
    is and ``FileExistsError`` raised, however close together two writers come.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        if replace:
            os.replace(tmp, path)
        else:  # a hard link is made only where nothing is: the check and the write are one step
            os.link(tmp, path)
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _entries(root: str) -> dict[str, os.DirEntry[str]]:
    """Everything below ``root`` (files, folders, links), by path relative to it; links not followed."""
    found: dict[str, os.DirEntry[str]] = {}
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as it:
            for entry in it:
                rel = prefix + entry.name
                found[rel] = entry
                if entry.is_dir(follow_symlinks=False):
                    pending.append((rel + "/", entry.path))
    return found


def _same(path: str, size: int, data: bytes) -> bool:
    if size != len(data):
        return False
    with open(path, "rb") as fh:
        return fh.read() == data


def sync_tree(
    root: Path, files: dict[str, bytes], *, atomic: bool = True, linked: bool = False
) -> WriteStats:
    """Make ``root`` hold exactly ``files`` (relative POSIX path -> bytes).

    ``atomic=False`` writes files in place, for a staging folder nobody reads
    until it is swapped in; it saves a temporary file and a rename per page.
    ``linked=True`` is for a folder made by :func:`link_tree`: a changed file is
    unlinked before it is written, so the folder it shares files with keeps its own.
    Thousands of files go through here on every build, so it works with
    ``os`` calls and one scan of the folder rather than a stat per path.
    """
    stats = WriteStats()
    wanted = {_safe(rel).as_posix(): data for rel, data in files.items()}
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        _remove(root)
    root.mkdir(parents=True, exist_ok=True)
    base = str(root)
    existing = _entries(base)
    folders = {""} | {rel for rel, e in existing.items() if e.is_dir(follow_symlinks=False)}
    for rel in sorted(wanted):
        give_way()
        data = wanted[rel]
        path = os.path.join(base, rel)
        entry = existing.get(rel)
        if entry is not None:
            if entry.is_file(follow_symlinks=False):
                if _same(path, entry.stat(follow_symlinks=False).st_size, data):
                    stats.unchanged += 1
                    continue
            else:  # a folder, a link or something else where a file belongs
                _remove(Path(path))
                folders = {f for f in folders if f != rel and not f.startswith(rel + "/")}
        parent = rel.rpartition("/")[0]
        if parent not in folders:
            _make_folder(base, parent, folders)
        if atomic:
            write_atomic(Path(path), data)
        else:
            if linked and entry is not None and entry.is_file(follow_symlinks=False):
                os.unlink(path)
            with open(path, "wb") as fh:
                fh.write(data)
        stats.written.append(rel)
    for rel in sorted(existing, reverse=True):  # children before their folders
        if rel in wanted:
            continue
        path = os.path.join(base, rel)
        if rel in folders:
            with contextlib.suppress(OSError):  # still holds files: kept
                os.rmdir(path)
        elif os.path.lexists(path):
            os.unlink(path)
            stats.removed.append(rel)
    stats.removed.sort()
    return stats


def _make_folder(base: str, rel: str, folders: set[str]) -> None:
    """Make ``base/rel`` a folder, replacing a file or link that stands on it or on a parent."""
    parts = rel.split("/")
    for i in range(1, len(parts) + 1):
        sub = "/".join(parts[:i])
        if sub in folders:
            continue
        path = os.path.join(base, sub)
        if os.path.lexists(path) and not (os.path.isdir(path) and not os.path.islink(path)):
            os.unlink(path)
        os.makedirs(path, exist_ok=True)
        folders.add(sub)


def remove_file(root: Path, rel: str) -> None:
    """Delete ``root/rel`` and any folders it leaves empty (up to, not including, ``root``)."""
    path = root / _safe(rel)
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def link_tree(src: Path, dst: Path) -> None:
    """Make ``dst`` a copy of ``src`` whose files are hard links to the originals.

    Cheap (no bytes copied) and keeps modification times. The two folders share
    each file until :func:`sync_tree` with ``linked=True`` writes a new one in
    its place; nothing may write into a linked file.
    """
    if dst.exists():
        shutil.rmtree(dst)
    if src.is_dir():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link)
    else:
        dst.mkdir(parents=True)


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links: copy
        shutil.copy2(src, dst)


def swap_in(pairs: list[tuple[Path, Path]], trash: Path) -> None:
    """Move each finished ``new`` folder onto its ``final`` path, keeping nothing half-done.

    The old folders go to ``trash`` first and are deleted only after every new
    one is in place; if a rename fails, the old folders are put back.
    """
    trash.mkdir(parents=True, exist_ok=True)
    moved: list[tuple[Path, Path | None]] = []
    try:
        for new, final in pairs:
            old = None
            if final.exists():
                old = trash / final.name
                if old.exists():
                    _remove(old)
                os.replace(final, old)
            moved.append((final, old))
            os.replace(new, final)
    except BaseException:
        for final, old in reversed(moved):
            if old is not None and old.exists():
                if final.exists():
                    _remove(final)
                os.replace(old, final)
        raise
    shutil.rmtree(trash, ignore_errors=True)


_PRE = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)


def compact_html(html: str) -> str:
    """The same page without indentation and blank lines (the theme's templates are
    mostly whitespace). Outside ``<pre>`` and ``<textarea>`` a run of whitespace
    renders as one space whatever it is, so the page looks and reads the same."""
    out = []
    for i, part in enumerate(_PRE.split(html)):
        kind = i % 3  # split with two groups: text, the whole pre/textarea, its tag name
        if kind == 0:
            text = "\n".join(line.strip() for line in part.splitlines() if line.strip())
            # keep one whitespace where the original had some, next to a <pre> or <textarea>
            lead = "\n" if i and part[:1].isspace() else ""
            trail = "\n" if part[-1:].isspace() else ""
            out.append(lead + text + trail if text else (lead or trail))
        elif kind == 1:
            out.append(part)
    return "".join(out)


def compacted(rel: str, data: bytes) -> bytes:
    """The file at ``rel`` compacted if it is a page (see :func:`compact_html`); ``data`` itself if
    that changes nothing. Line breaks are read as a text file reads them."""
    if not rel.endswith(".html"):
        return data
    before = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    after = compact_html(before)
    return data if after == before else after.encode("utf-8")
