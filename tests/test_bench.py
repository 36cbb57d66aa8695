"""The benchmark's synthetic content is valid and the report has every measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.bench import make_content, markdown_table, run
from generator.loader import load_content
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
    result = run(tmp_path / "n40", 40, lambda msg: None)
    assert set(result.timings) == {
        "load",
        "validate",
        "model",
        "render",
        "write",
        "mkdocs",
        "compact",
        "zip",
        "incremental",
    }
    assert result.facts["html_pages"] > result.pages - 5
    assert 0 < result.facts["incremental_rendered"] < result.pages
    table = markdown_table([result]).splitlines()
    assert len(table) == 5 and table[2].startswith("| 40 |")
    assert table[4].startswith("- One edit at 40 meetings, by phase: load ")
    assert set(result.facts["incremental_phases"]) >= {"load", "validate", "model", "render", "write"}
