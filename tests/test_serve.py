"""``serve`` as an editor uses it: a saved YAML edit reaches the served page."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generator.build import Project

from conftest import REPO

pytestmark = pytest.mark.build


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return str(resp.read().decode("utf-8"))
    except OSError:
        return ""


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _get(url):
            return True
        time.sleep(0.2)
    return False


def test_serve_regenerates_after_an_edit(sample: Project, tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "--project",
            str(sample.root),
            "serve",
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/topics/arms.html"
    try:
        assert _wait_for(url, "Weapons and munitions", 60), (tmp_path / "serve.log").read_text()
        topic = sample.root / "content/topics/arms.yaml"
        topic.write_text(
            topic.read_text(encoding="utf-8").replace("Weapons and", "Arms and"), encoding="utf-8"
        )
        # The issue asks for "a second or two"; the bound here is loose so a busy CI machine does not flake.
        assert _wait_for(url, "Arms and munitions", 20), (tmp_path / "serve.log").read_text()
        # Invalid content is reported and the last good page stays up.
        topic.write_text("id: arms\nname: [\n", encoding="utf-8")
        deadline = time.monotonic() + 20
        while (
            "error[yaml-syntax]" not in (tmp_path / "serve.log").read_text() and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert "content/topics/arms.yaml:3:1: error[yaml-syntax]" in (tmp_path / "serve.log").read_text()
        assert "Arms and munitions" in _get(url)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
