"""The whole built site as one zip, for readers who want it on their own disk.

Unzipped, it is a folder named after the sheet; opening its ``index.html`` works
without a server or a network (the site is built for ``file://``). The archive is
deterministic: files in sorted order, a fixed timestamp and permissions, so the
same site gives the same bytes on any machine and any day.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

# Zip's earliest representable time: no build date leaks into the archive.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--
# For search engines, not readers; MkDocs stamps the gzip with the build day.
LEFT_OUT = frozenset({"sitemap.xml", "sitemap.xml.gz"})


def slug(title: str) -> str:
    """An ASCII file name from the title: "North Korea–Russia diplomacy" → north-korea-russia-diplomacy."""
    letters = (c for c in unicodedata.normalize("NFKD", title.lower()) if unicodedata.category(c) != "Mn")
    kept = "".join(c if c.isascii() and c.isalnum() else "-" for c in letters)
    return re.sub(r"-+", "-", kept).strip("-") or "factsheet"


def zip_path(title: str) -> str:
    """Where in the site the archive goes (the downloads page links here)."""
    return f"downloads/{slug(title)}-offline.zip"


def write_site_zip(site: Path, title: str) -> Path:
    """Zip every file under ``site`` into ``site/downloads/…-offline.zip``; its path.

    The archive leaves out itself and the sitemaps: it is the site as a reader gets it.
    """
    dest = site / zip_path(title)
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder = slug(title)
    files = sorted(
        (rel, p)
        for p in site.rglob("*")
        if p.is_file() and p != dest and (rel := p.relative_to(site).as_posix()) not in LEFT_OUT
    )
    tmp = dest.with_name(dest.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for rel, path in files:
            info = zipfile.ZipInfo(f"{folder}/{rel}", FIXED_TIME)
            info.create_system = 3  # Unix, whatever machine builds it
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    tmp.replace(dest)
    return dest
