"""The offline copy: the built site as one deterministic zip, linked from the downloads page."""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from pathlib import Path

import pytest

from generator import offline
from generator.build import Project
from generator.cli import main
from generator.offline import _write_with_zipfile, slug, write_site_zip, zip_path


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("North Korea–Russia diplomacy", "north-korea-russia-diplomacy"),
        ("Élysée  talks (2024)", "elysee-talks-2024"),
        ("Κόσμος", "factsheet"),  # nothing ASCII is left: a name that still works
    ],
)
def test_the_archive_is_named_after_the_sheet(title: str, expected: str) -> None:
    assert slug(title) == expected
    assert zip_path(title) == f"downloads/{expected}-offline.zip"


def _site(root: Path, mtime: int) -> Path:
    for rel, body in {
        "index.html": "<h1>Home</h1>",
        "actors/a.html": "<p>é</p>",
        "assets/x.js": "var x;",
        "sitemap.xml": "<urlset/>",
        "sitemap.xml.gz": "\x1f\x8b",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        os.utime(path, (mtime, mtime))
    return root


def test_the_archive_is_the_site_and_only_the_site(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", 1_700_000_000)
    dest = write_site_zip(site, "My Sheet")
    assert dest == site / "downloads/my-sheet-offline.zip"
    with zipfile.ZipFile(dest) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == sorted(names)
        assert names == ["my-sheet/actors/a.html", "my-sheet/assets/x.js", "my-sheet/index.html"]
        assert archive.read("my-sheet/actors/a.html") == (site / "actors/a.html").read_bytes()
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
    # A second build zips the new site, not the old archive inside it.
    write_site_zip(site, "My Sheet")
    with zipfile.ZipFile(dest) as archive:
        assert not any(n.endswith(".zip") for n in archive.namelist())


def test_the_same_site_gives_the_same_bytes_whenever_it_is_built(tmp_path: Path) -> None:
    a = write_site_zip(_site(tmp_path / "a", 1_700_000_000), "Sheet")
    b = write_site_zip(_site(tmp_path / "b", 1_800_000_000), "Sheet")  # other day, other folder
    assert a.read_bytes() == b.read_bytes()


def _varied_site(root: Path) -> Path:
    """Files of every kind the archive meets: pages, binary, empty, a name that is not ASCII."""
    files = {
        "index.html": b"<html>\n    <body>\n        <p>Home</p>\n    </body>\n</html>\n",
        "actors/\u00e9lys\u00e9e.html": "<p>\u00e9\u00e9\u00e9</p>\n".encode() * 50,
        "assets/logo.png": bytes(range(256)) * 40,
        "assets/empty.css": b"",
        "search/search_index.json": b'{"docs": []}' * 300,
        "sitemap.xml": b"<urlset/>",
    }
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return root


@pytest.mark.parametrize("processes", [1, 2])
def test_the_archive_is_byte_for_byte_what_zipfile_writes(tmp_path: Path, processes: int) -> None:
    site = _varied_site(tmp_path / "site")
    ours = write_site_zip(site, "Sheet", processes=processes).read_bytes()
    files = sorted(
        (p.relative_to(site).as_posix(), p) for p in site.rglob("*") if p.is_file() and p.suffix != ".zip"
    )
    reference = tmp_path / "reference.zip"
    _write_with_zipfile(reference, "sheet", [(rel, p) for rel, p in files if rel != "sitemap.xml"])
    assert ours == reference.read_bytes()
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:
        assert archive.testzip() is None
        assert "sheet/actors/\u00e9lys\u00e9e.html" in archive.namelist()


def test_a_rewrite_reaches_the_site_and_the_archive(tmp_path: Path) -> None:
    site = _varied_site(tmp_path / "site")

    def shout(rel: str, data: bytes) -> bytes:
        return data.upper() if rel.endswith((".html", ".xml")) else data

    with zipfile.ZipFile(write_site_zip(site, "Sheet", rewrite=shout, processes=2)) as archive:
        assert archive.read("sheet/index.html") == (site / "index.html").read_bytes()
        assert b"<HTML>" in archive.read("sheet/index.html")
        assert archive.read("sheet/assets/logo.png") == bytes(range(256)) * 40
        assert "sheet/sitemap.xml" not in archive.namelist()
    # Rewritten like every file, though left out of the archive.
    assert (site / "sitemap.xml").read_bytes() == b"<URLSET/>"


def test_an_archive_too_big_for_the_plain_format_is_left_to_zipfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = write_site_zip(_varied_site(tmp_path / "a"), "Sheet").read_bytes()
    monkeypatch.setattr(offline, "ZIP_COUNT_LIMIT", 2)  # as if there were more than 65,535 files
    calls: list[int] = []
    real = offline._write_with_zipfile
    monkeypatch.setattr(offline, "_write_with_zipfile", lambda *a: calls.append(1) or real(*a))
    compressed: list[int] = []
    compressor = zlib.compressobj
    monkeypatch.setattr(zlib, "compressobj", lambda *a: compressed.append(1) or compressor(*a))
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        members = len(archive.namelist())
    assert write_site_zip(_varied_site(tmp_path / "b"), "Sheet", processes=1).read_bytes() == plain
    assert calls == [1]
    # Too many files is known before any is compressed: each is compressed once, by zipfile.
    assert len(compressed) == members


@pytest.mark.build
def test_a_build_links_the_archive_from_the_downloads_page(sample: Project) -> None:
    assert main(["--project", str(sample.root), "build"]) == 0
    site = sample.root / "site"
    archives = list((site / "downloads").glob("*-offline.zip"))
    assert len(archives) == 1
    page = (site / "downloads.html").read_text(encoding="utf-8")
    assert re.search(rf'href="downloads/{re.escape(archives[0].name)}"', page)
    with zipfile.ZipFile(archives[0]) as archive:
        folder = archives[0].name.removesuffix("-offline.zip")
        inside = {n.removeprefix(folder + "/") for n in archive.namelist()}
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert inside == on_disk - {archives[0].relative_to(site).as_posix(), "sitemap.xml", "sitemap.xml.gz"}
