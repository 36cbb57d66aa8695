"""Shared fixtures: the sample project (tests/fixtures/sample) copied where a test may change it."""

from __future__ import annotations

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
    """A self-contained project: sample content and seeds, the repo's templates."""
    shutil.copytree(SAMPLE, dest, dirs_exist_ok=True)
    shutil.copytree(REPO / "templates", dest / "templates")
    return Project(dest)


@pytest.fixture
def sample(tmp_path: Path) -> Project:
    return copy_sample(tmp_path / "project")
