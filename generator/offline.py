"""The whole built site as one zip, for readers who want it on their own disk.

Unzipped, it is a folder named after the sheet; opening its ``index.html`` works
without a server or a network (the site is built for ``file://``). The archive is
deterministic: files in sorted order, a fixed timestamp and permissions, so the
same site gives the same bytes on any machine and any day.
"""

from __future__ import annotations

import functools
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .parallel import fork_map, workers

# Zip's earliest representable time: no build date leaks into the archive.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--
# For search engines, not readers; MkDocs stamps the gzip with the build day.
LEFT_OUT = frozenset({"sitemap.xml", "sitemap.xml.gz"})
PARALLEL_FROM = 2000  # files; below this, one process


def slug(title: str) -> str:
    """An ASCII file name from the title: "North Korea–Russia diplomacy" → north-korea-russia-diplomacy."""
    letters = (c for c in unicodedata.normalize("NFKD", title.lower()) if unicodedata.category(c) != "Mn")
    kept = "".join(c if c.isascii() and c.isalnum() else "-" for c in letters)
    return re.sub(r"-+", "-", kept).strip("-") or "factsheet"


def zip_path(title: str) -> str:
    """Where in the site the archive goes (the downloads page links here)."""
    return f"downloads/{slug(title)}-offline.zip"


def write_site_zip(
    site: Path,
    title: str,
    rewrite: Callable[[str, bytes], bytes] | None = None,
    processes: int | None = None,
) -> Path:
    """Zip every file under ``site`` into ``site/downloads/…-offline.zip``; its path.

    The archive leaves out itself and the sitemaps: it is the site as a reader gets it.
    ``rewrite(path, bytes)``, if given, is applied to every file first, and written back where it
    changes one (a build compacts its pages in the same pass). Reading, rewriting and compressing
    are shared out over ``processes`` (default: every core, for a large site); the archive is
    put together here, the same bytes however the work was shared.
    """
    dest = site / zip_path(title)
    dest.parent.mkdir(parents=True, exist_ok=True)
    files = sorted((p.relative_to(site).as_posix(), p) for p in site.rglob("*") if p.is_file() and p != dest)
    n = processes or (workers() if len(files) >= PARALLEL_FROM else 1)
    shares = _by_size(files, n)
    # Past 65,535 files zipfile writes ZIP64 and compresses them itself: the workers only rewrite.
    compress = sum(1 for rel, _ in files if rel not in LEFT_OUT) <= ZIP_COUNT_LIMIT
    work = functools.partial(_compressed, rewrite, compress)
    done = fork_map(work, [[files[i] for i in share] for share in shares])
    found: list[_Member | None] = [None] * len(files)
    for share, compressed in zip(shares, done, strict=True):
        for i, member in zip(share, compressed, strict=True):
            found[i] = member
    members = [m for m in found if m is not None]
    folder = slug(title)
    tmp = dest.with_name(dest.name + ".tmp")
    if not compress or _too_big(folder, members):
        _write_with_zipfile(tmp, folder, [(m.name, site / m.name) for m in members])
    else:
        _write(tmp, folder, members)
    tmp.replace(dest)
    return dest


def _by_size(files: list[tuple[str, Path]], n: int) -> list[list[int]]:
    """The files' indexes in ``n`` shares of about the same size, biggest first to the smallest
    share (pages and their JSON alternate in sorted order: taking turns would give one share every page)."""
    sizes = [path.stat().st_size for _, path in files]
    shares: list[list[int]] = [[] for _ in range(n)]
    loads = [0] * n
    for i in sorted(range(len(files)), key=lambda i: (-sizes[i], i)):
        k = loads.index(min(loads))
        shares[k].append(i)
        loads[k] += sizes[i] + 4096  # a file costs something whatever its size
    return shares


@dataclass(frozen=True)
class _Member:
    """A file of the archive, compressed as ``zipfile`` compresses it (deflate, level 6)."""

    name: str  # its path in the site
    crc: int
    size: int
    data: bytes


def _compressed(
    rewrite: Callable[[str, bytes], bytes] | None, compress: bool, files: list[tuple[str, Path]]
) -> list[_Member | None]:
    """Each file rewritten (and written back if that changes it), then compressed (if ``compress``:
    else a member with no data, for zipfile to read and compress); None for those the archive
    leaves out."""
    out: list[_Member | None] = []
    for rel, path in files:
        data = path.read_bytes()
        if rewrite is not None:
            new = rewrite(rel, data)
            if new != data:
                path.write_bytes(new)
                data = new
        if rel in LEFT_OUT:
            out.append(None)
            continue
        if not compress:
            out.append(_Member(rel, 0, len(data), b""))
            continue
        deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)  # raw deflate, as zipfile makes it
        out.append(_Member(rel, zlib.crc32(data), len(data), deflate.compress(data) + deflate.flush()))
    return out


# The zip format as zipfile writes it for these members (no ZIP64: beyond these limits, zipfile does).
ZIP_COUNT_LIMIT = 0xFFFF
ZIP64_LIMIT = (1 << 31) - 1  # sizes and offsets beyond this need ZIP64
LEVEL = 6
_VERSION = 20  # 2.0: deflate
_UNIX = 3
_DEFLATED = 8
_UTF8_NAME = 0x800
_DOS_TIME = FIXED_TIME[3] << 11 | FIXED_TIME[4] << 5 | FIXED_TIME[5] // 2
_DOS_DATE = (FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2]


def _too_big(folder: str, members: list[_Member]) -> bool:
    """Whether ``zipfile`` would use ZIP64 for the sizes or offsets of these members (reckoned
    generously; their count is checked before they are compressed)."""
    if any(m.size * 1.05 > ZIP64_LIMIT for m in members):
        return True
    names = sum(len(_name(folder, m.name)[0]) for m in members)
    return sum(len(m.data) for m in members) + 2 * names + 100 * len(members) > ZIP64_LIMIT


def _name(folder: str, rel: str) -> tuple[bytes, int]:
    """A member's name as stored, and the flag that says it is UTF-8 (only when it is not ASCII)."""
    name = f"{folder}/{rel}"
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


def _write(path: Path, folder: str, members: list[_Member]) -> None:
    """The archive of ``members``, byte for byte what ``zipfile`` writes for them (tested)."""
    central = []
    with path.open("wb") as out:
        for m in members:
            name, flags = _name(folder, m.name)
            offset = out.tell()
            fixed = (flags, _DEFLATED, _DOS_TIME, _DOS_DATE, m.crc, len(m.data), m.size, len(name))
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, *fixed, 0))
            out.write(name)
            out.write(m.data)
            central.append(
                struct.pack(
                    "<4s4B4HL2L5H2L",
                    b"PK\x01\x02",
                    _VERSION,
                    _UNIX,
                    _VERSION,
                    0,
                    *fixed,
                    0,
                    0,
                    0,
                    0,
                    FILE_MODE << 16,
                    offset,
                )
                + name
            )
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        out.write(
            struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), start, 0)
        )


def _write_with_zipfile(path: Path, folder: str, files: list[tuple[str, Path]]) -> None:
    """The archive written by ``zipfile`` (which knows ZIP64), from the files as they now are."""
    with zipfile.ZipFile(path, "w") as archive:
        for rel, file in files:
            info = zipfile.ZipInfo(f"{folder}/{rel}", FIXED_TIME)
            info.create_system = _UNIX  # whatever machine builds it
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes(), compresslevel=LEVEL)
