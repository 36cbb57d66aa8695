"""The only module that writes: folders made to match a set of files, and swaps.

:func:`sync_tree` makes a folder hold exactly the given files: new and changed
files are written atomically (temporary file, then rename), unchanged files are
left alone (bytes and modification time), stale files are removed.
:func:`swap_in` replaces finished folders in one rename each, so a reader or
``mkdocs serve`` never sees a half-written ``docs/`` or ``site/``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync_tree(root: Path, files: dict[str, bytes], *, atomic: bool = True) -> WriteStats:
    """Make ``root`` hold exactly ``files`` (relative POSIX path -> bytes).

    ``atomic=False`` writes files in place, for a staging folder nobody reads
    until it is swapped in; it saves a temporary file and a rename per page.
    """
    stats = WriteStats()
    wanted = {_safe(rel).as_posix(): data for rel, data in files.items()}
    root.mkdir(parents=True, exist_ok=True)
    made: set[Path] = {root}
    for rel in sorted(wanted):
        target = root / rel
        data = wanted[rel]
        if target.is_file() and not target.is_symlink():
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                stats.unchanged += 1
                continue
        elif target.exists() or target.is_symlink():
            _remove(target)
        if atomic:
            write_atomic(target, data)
        else:
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
        stats.written.append(rel)
    for path in sorted(root.rglob("*"), reverse=True):
        rel = path.relative_to(root).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in wanted:
            path.unlink()
            stats.removed.append(rel)
    return stats


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


def copy_tree(src: Path, dst: Path) -> None:
    """Copy a folder keeping modification times (so unchanged pages stay unchanged)."""
    if dst.exists():
        shutil.rmtree(dst)
    if src.is_dir():
        shutil.copytree(src, dst, symlinks=False, copy_function=shutil.copy2)
    else:
        dst.mkdir(parents=True)


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


def compact_html_tree(root: Path) -> int:
    """Compact every ``.html`` file under ``root``; the bytes saved."""
    saved = 0
    for path in sorted(root.rglob("*.html")):
        before = path.read_text(encoding="utf-8")
        after = compact_html(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            saved += len(before.encode()) - len(after.encode())
    return saved
