"""Shared fixtures: the sample project (tests/fixtures/sample) copied where a test may change it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.build import Project

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "fixtures" / "sample"
GOLDEN = REPO / "tests" / "golden" / "sample"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def copy_sample(dest: Path) -> Project:
    """A self-contained project: sample content and seeds; the repo's templates, pages and config."""
    shutil.copytree(SAMPLE, dest, dirs_exist_ok=True)
    for folder in ("templates", "pages", "overrides"):
        shutil.copytree(REPO / folder, dest / folder)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    name = (SAMPLE / "mkdocs.yml").read_text(encoding="utf-8").strip()
    (dest / "mkdocs.yml").write_text(re.sub(r"(?m)^site_name: .*$", name, config), encoding="utf-8")
    return Project(dest)


@pytest.fixture
def sample(tmp_path: Path) -> Project:
    return copy_sample(tmp_path / "project")
