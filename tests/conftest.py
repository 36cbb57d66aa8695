"""Shared fixtures: the sample project (tests/fixtures/sample) copied where a test may change it,
this repository's project built once, and the edit-then-check helpers of the validation tests."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import Project, build
from generator.loader import load_content
from generator.validate import validate

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "fixtures" / "sample"
GOLDEN = REPO / "tests" / "golden" / "sample"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


# Where the build learns the repository and the site's address (history.py): cleared so a
# run under GitHub Actions builds what it builds anywhere; tests that need them set them.
BUILD_ENVIRONMENT = (
    "GITHUB_ACTIONS",
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_REF_NAME",
    "GITHUB_HEAD_REF",
    "FACTSHEET_SITE_URL",
    "FACTSHEET_HEAD_REPOSITORY",
)


@pytest.fixture(scope="session", autouse=True)
def hermetic_environment() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        for name in BUILD_ENVIRONMENT:
            mp.delenv(name, raising=False)
        # The sample sits inside this repository: its pages would show this repository's
        # commits, and the goldens change with every commit. test_history turns it on.
        mp.setenv("FACTSHEET_HISTORY", "0")
        yield


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


@pytest.fixture(scope="session")
def repo_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of this repository's project (the real sheet), built once for the tests that only read it."""
    root = tmp_path_factory.mktemp("repo")
    for name in ("content", "seeds", "templates", "pages", "overrides"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    project = Project(root)
    build(project)
    return project


def edit(project: Project, rel: str, old: str, new: str) -> None:
    """Replace the first ``old`` in a project file by ``new`` (``old`` must be there)."""
    path = project.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(project: Project) -> list[str]:
    """Every problem `check` reports for the project, as the editor reads it."""
    return [p.text() for p in validate(load_content(project.root))]


# A valid event to add to the sample (incremental and preview tests: a new page appears).
NEW_MEETING = """id: 2024-11-extra
title: A second meeting in Moscow
kind: talks
reports:
  - source: article-2024-11
    status: held
    excerpt: Ministri i Jashtëm rus Sergej Lavrov
    translation: Russian Foreign Minister Sergei Lavrov
date:
  on: "2024-11"
place: moscow
participants:
  - actor: sergei-lavrov
    side: host
  - actor: kim-jong-un
    side: visitor
summary: Invented for the test.
citations:
  - source: article-2024-11
    excerpt: Ministri i Jashtëm rus Sergej Lavrov
    translation: Russian Foreign Minister Sergei Lavrov
"""


def count_spawns(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time generator.parallel starts a worker process."""
    from generator import parallel

    spawned: list[int] = []
    real = parallel._spawn

    def counting(func, item):  # type: ignore[no-untyped-def]
        spawned.append(1)
        return real(func, item)

    monkeypatch.setattr(parallel, "_spawn", counting)
    sharing = parallel.Sharing._spawn

    def counting_sharing(self):  # type: ignore[no-untyped-def]
        spawned.append(1)
        return sharing(self)

    monkeypatch.setattr(parallel.Sharing, "_spawn", counting_sharing)
    return spawned
