"""The benchmark's synthetic content is valid and the report has every measure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.bench import make_content, markdown_table, preview_table, run
from generator.incremental import MAKING
from generator.loader import load_content
from generator.serve import READY
from generator.validate import validate


def test_synthetic_content_is_valid_and_deterministic(tmp_path: Path) -> None:
    make_content(tmp_path / "a", 60)
    make_content(tmp_path / "b", 60)
    content = load_content(tmp_path / "a")
    assert validate(content) == []
    assert len([d for d in content.documents if d.kind == "meetings"]) == 60
    assert len([d for d in content.documents if d.kind == "actors"]) == 12
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a/content").rglob("*.yaml"))
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


@pytest.mark.build
def test_bench_measures_every_phase(tmp_path: Path) -> None:
    result = run(tmp_path / "n40", 40, lambda msg: None, phases=("build",))
    assert set(result.timings) == {
        "load",
        "validate",
        "model",
        "render",
        "write",
        "mkdocs",
        "zip",
        "incremental",
    }
    assert result.facts["html_pages"] > result.pages - 5
    # The CPU time of the build, its workers' included.
    assert result.facts["build_cpu_s"] > 0
    assert 0 < result.facts["incremental_rendered"] < result.pages
    table = markdown_table([result]).splitlines()
    assert len(table) == 5 and table[2].startswith("| 40 |")
    assert table[4].startswith("- One edit at 40 meetings, by phase: load ")
    assert set(result.facts["incremental_phases"]) >= {"load", "validate", "model", "render", "write"}


@pytest.mark.build
def test_bench_times_serve_end_to_end(tmp_path: Path) -> None:
    """serve started as a process, edits saved to a meeting: each shows up on the served page."""
    result = run(tmp_path / "n30", 30, lambda msg: None, phases=("preview",), cold=True, edits=2)
    assert "mkdocs" not in result.timings  # the build was not run
    preview = result.facts["preview"]
    # Both measured; in either order: on a sheet this small the regeneration behind the first
    # page can end before the page's next poll (every 0.05 s) sees it served.
    assert preview["first_page_cold"] > 0 and preview["first_page"] > 0 and preview["ready"] > 0
    # Starts without docs/ come last (one stopped early leaves docs/ marked as not complete).
    assert len(preview["first_pages_cold"]) == 3
    assert preview["first_page_cold"] == sorted(preview["first_pages_cold"])[1]
    # And the work each took, serve's workers included: more than starting Python, and no more
    # than every core could have done in that time.
    cores = os.cpu_count() or 1
    for cpu, wall in zip(preview["first_pages_cold_cpu"], preview["first_pages_cold"], strict=True):
        assert 0.1 < cpu <= wall * cores + 0.5
    assert f"({preview['first_page_cold_cpu']:.1f} CPU-s)" in preview_table([result])
    # A save while a start without docs/ was checking the content reached the served page.
    assert 0 < preview["start_edit_at"] < preview["first_page_cold"] and preview["start_edit"] > 0
    saved = f"{preview['start_edit']:.2f} s (saved at {preview['start_edit_at']:.1f} s)"
    assert saved in preview_table([result])
    # serve says when its first run begins to make every page (the bench saves an edit then).
    assert f"{MAKING} " in preview["log"]
    if "first_run_edit" in preview:  # the first run was still going: the edit stopped it
        assert "An edit came in" in preview["log"]
        assert f"{preview['first_run_edit']:.2f} s" in preview_table([result])
    assert len(preview["edits"]) == 2 and preview["browser_edits"] == []
    # Each save regenerated the meeting's page and the pages that show it, then served them.
    after_start = preview["log"].split(READY, 1)[1]
    assert after_start.count("Regenerated: ") == 2 and len(preview["regenerations"]) == 2
    page = (tmp_path / "n30/docs/meetings/m-00015.md").read_text(encoding="utf-8")
    assert "Edit during the start at " in page  # the save during a start without docs/ came last
    table = markdown_table([result]).splitlines()
    assert len(table) == 3 and table[2].startswith("| 30 | ") and "(of 2)" in table[2]


@pytest.mark.build
@pytest.mark.browser
def test_bench_times_the_browser_reloading_by_itself(tmp_path: Path) -> None:
    result = run(tmp_path / "n20", 20, lambda msg: None, phases=("preview",), search=True, edits=1)
    preview = result.facts["preview"]
    assert len(preview["browser_edits"]) == 1  # the page open in Chromium showed the edit unprompted
    assert "Browser edit 1 at " in (tmp_path / "n20/docs/meetings/m-00010.md").read_text(encoding="utf-8")
    assert preview["search_complete"] > 0  # serve said so
    assert "edit → browser" in markdown_table([result])
