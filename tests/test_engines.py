"""A second engine: ProperDocs (the maintained continuation of MkDocs 1.x) builds the
generated pages strictly, into the same site as MkDocs apart from its generator tag.
Nothing in the project is an engine hook or plugin of its own, so this holds by design."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from generator.build import Project
from generator.history import plain_config
from generator.offline import zip_path
from generator.write import compacted

from conftest import REPO

GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"]*">')


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def test_properdocs_builds_the_same_site(repo_project: Project, tmp_path: Path) -> None:
    properdocs = Path(sys.executable).parent / "properdocs"
    assert properdocs.exists(), "properdocs is missing: it is in requirements-dev.txt (make test installs it)"
    out = tmp_path / "site"
    env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run(
        [str(properdocs), "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)],
        cwd=repo_project.root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    for page in out.rglob("*.html"):  # compacted, as `build` does after either engine
        page.write_bytes(compacted(page.name, page.read_bytes()))
    mkdocs_site = repo_project.path("site")
    theirs, ours = _files(out), _files(mkdocs_site)
    # The offline zip is the generator's, made after the engine; everything else is the engine's.
    assert set(theirs) == set(ours) - {zip_path(repo_project.site_title())}
    tags = set()
    for rel, path in theirs.items():
        a, b = path.read_bytes(), ours[rel].read_bytes()
        if rel.endswith(".html"):
            tags.update(GENERATOR_TAG.findall(a))
            a, b = GENERATOR_TAG.sub(b"", a), GENERATOR_TAG.sub(b"", b)
        assert a == b, f"{rel} differs between ProperDocs and MkDocs"
    assert any(b"properdocs" in tag.lower() for tag in tags), tags  # it was ProperDocs that built it


def test_no_engine_hook_or_plugin_of_our_own() -> None:
    """What the site needs beyond Markdown lives in generated files and theme overrides, so an
    engine that runs no hooks (Zensical) can follow: mkdocs.yml names only Material's plugins."""
    config = plain_config(REPO / "mkdocs.yml")
    assert "hooks" not in config
    names = {next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]}
    assert names <= {"search", "offline"}, names  # both built into Material
    overrides = {p.relative_to(REPO / "overrides").as_posix() for p in (REPO / "overrides").rglob("*.html")}
    assert overrides == {"main.html", "partials/actions.html", "partials/source.html"}  # listed in README
