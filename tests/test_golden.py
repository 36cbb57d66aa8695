"""Golden files: every page and data file generated from the sample content is committed and diffed.

Run ``pytest --update-goldens`` after an intended change to templates or
rendering, then review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from generator.build import Project, generate_files

from conftest import GOLDEN, REPO, SAMPLE


def _sample_files() -> dict[str, bytes]:
    project = Project(SAMPLE, templates=str(REPO / "templates"), pages="no-hand-written-pages")
    return generate_files(project)


def test_sample_matches_goldens(update_goldens: bool) -> None:
    files = _sample_files()
    if update_goldens:
        for old in GOLDEN.rglob("*"):
            if old.is_file():
                old.unlink()
        for rel, data in files.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()
    }
    assert sorted(files) == sorted(expected), "pages added or missing: run pytest --update-goldens"
    for rel in files:
        if files[rel] != expected[rel]:
            diff = difflib.unified_diff(
                expected[rel].decode().splitlines(),
                files[rel].decode().splitlines(),
                f"golden/{rel}",
                f"generated/{rel}",
                lineterm="",
            )
            raise AssertionError("\n".join(diff))


def test_generation_is_deterministic() -> None:
    assert _sample_files() == _sample_files()


def test_goldens_cover_every_kind_of_page() -> None:
    pages = {Path(p).parts[0] if "/" in p else p for p in _sample_files()}
    assert {"actors", "meetings", "places", "topics", "sources", "dates", "index.md", "timeline.md"} <= pages
