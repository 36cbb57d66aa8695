"""The publishing workflow: valid for GitHub Actions (actionlint), least privilege, full
history for the page histories, and the same checks as CI before anything is published."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

WORKFLOW = REPO / ".github/workflows/site.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _actionlint() -> str:
    """actionlint from the test requirements (beside this Python), else from PATH."""
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert found, "actionlint is missing: it is in requirements-dev.txt (make test installs it)"
    return found


def test_actionlint_finds_nothing() -> None:
    done = subprocess.run([_actionlint(), "-no-color", str(WORKFLOW)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: a typo in a job's key and a step output that does not exist."""
    broken = tmp_path / ".github/workflows/site.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "run-on:", 1)
    assert "steps.pages.outputs.base_url" in text
    broken.write_text(
        text.replace("steps.pages.outputs.base_url", "steps.pagez.outputs.base_url"), encoding="utf-8"
    )
    done = subprocess.run([_actionlint(), "-no-color", str(broken)], capture_output=True, text=True)
    assert done.returncode != 0
    assert 'unexpected key "run-on"' in done.stdout and '"pagez" is not defined' in done.stdout


def test_least_privilege(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}  # the Pages address
    assert "permissions" not in jobs["test"]
    for job in jobs.values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False  # no token left in .git


def test_actions_are_pinned_to_commits() -> None:
    uses = re.findall(r"uses: (\S+)@(\S+)(.*)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    for action, ref, comment in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action}@{ref} is not pinned to a commit"
        assert re.search(r"# v\d+\.\d+\.\d+", comment), f"{action}: name the release beside the commit"


def test_publishes_only_after_the_checks_and_tests(workflow: dict[Any, Any]) -> None:
    jobs = workflow["jobs"]
    assert any(step.get("run") == "bash .ci/run" for step in jobs["test"]["steps"])
    assert jobs["build"]["needs"] == "test" and jobs["deploy"]["needs"] == "build"
    assert set(workflow[True]) >= {"push", "pull_request"}  # YAML 1.1 reads the key `on` as True
    assert workflow[True]["push"]["branches"] == ["main"]
    assert jobs["deploy"]["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    build = {step.get("uses", "").split("@")[0]: step for step in jobs["build"]["steps"]}
    assert build["actions/checkout"]["with"]["fetch-depth"] == 0  # the records' history
    assert build["actions/upload-pages-artifact"]["with"]["path"] == "site/"
    assert build["actions/upload-artifact"]["if"] == "github.event_name == 'pull_request'"
    assert build["actions/upload-artifact"]["with"]["path"] == "site/"
    make_site = [step for step in jobs["build"]["steps"] if step.get("run") == "make site"]
    assert make_site and make_site[0]["env"]["FACTSHEET_HISTORY"] == "required"  # never publish without
    deploy = jobs["deploy"]["steps"]
    assert [s["uses"].split("@")[0] for s in deploy] == ["actions/deploy-pages"]
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
