"""The site built on several cores is the site a plain, serial ``mkdocs build`` makes, byte for byte."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import pytest

from generator import engine
from generator.build import Project, generate

from conftest import copy_sample, count_spawns

pytestmark = pytest.mark.build


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_sample(tmp_path_factory.mktemp("engine") / "project")
    generate(project)
    return project


def _build(project: Project, site: Path, processes: int) -> int:
    return engine.build(project.path("config"), project.path("docs"), site, processes=processes)


def test_parallel_build_is_byte_identical_to_plain_mkdocs_build(
    generated: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build as plain_build

    plain = tmp_path / "plain"
    plain_build(engine.load(generated.path("config"), generated.path("docs"), plain))
    spawned = count_spawns(monkeypatch)
    shared = tmp_path / "shared"
    assert _build(generated, shared, processes=3) == 3
    assert len(spawned) == 2  # two workers, the third share here
    assert _tree(shared) == _tree(plain)
    # The search index is merged in page order: it holds every page's entries, as the serial one.
    assert (shared / "search/search_index.js").read_bytes() == (plain / "search/search_index.js").read_bytes()


def test_one_process_is_mkdocs_own_build(generated: Project, tmp_path: Path) -> None:
    assert _build(generated, tmp_path / "serial", processes=1) == 1
    assert _tree(tmp_path / "serial") == _tree(_built(generated, tmp_path / "shared", 2))


def _built(project: Project, site: Path, processes: int) -> Path:
    _build(project, site, processes)
    return site


def test_a_plugin_not_known_to_merge_keeps_the_build_serial(generated: Project, tmp_path: Path) -> None:
    config = generated.path("config")
    text = config.read_text(encoding="utf-8")
    try:
        config.write_text(text.replace("  - offline\n", "  - offline\n  - tags\n"), encoding="utf-8")
        assert _build(generated, tmp_path / "site", processes=2) == 1
    finally:
        config.write_text(text, encoding="utf-8")


def _docs_copy(generated: Project, docs: Path) -> Path:
    """A copy of the generated docs/ that a test may break; its last event page."""
    for path in sorted(generated.path("docs").rglob("*")):
        if path.is_file():
            target = docs / path.relative_to(generated.path("docs"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return sorted((docs / "meetings").glob("*.md"))[-1]


def test_without_the_search_plugin_too(generated: Project, tmp_path: Path) -> None:
    from mkdocs.commands.build import build as plain_build

    config = generated.path("config")
    text = config.read_text(encoding="utf-8")
    assert "  - search:\n      lang: [en]\n" in text
    try:
        config.write_text(text.replace("  - search:\n      lang: [en]\n", ""), encoding="utf-8")
        plain_build(engine.load(config, generated.path("docs"), tmp_path / "plain"))
        assert _build(generated, tmp_path / "shared", processes=2) == 2
    finally:
        config.write_text(text, encoding="utf-8")
    assert not (tmp_path / "shared/search").exists()
    assert _tree(tmp_path / "shared") == _tree(tmp_path / "plain")


def test_a_static_file_under_a_template_is_written_over_as_in_a_serial_build(
    generated: Project, tmp_path: Path
) -> None:
    """Workers copy the static files, but those a template is then written over are copied first, as
    MkDocs does, so the template's output is the one left: the theme's 404 page, its sitemap and
    the sitemap's gzip, and an extra template named other than in normal form."""
    from mkdocs.commands.build import build as plain_build

    docs = tmp_path / "docs"
    _docs_copy(generated, docs)
    for name in ("404.html", "sitemap.xml.gz"):
        (docs / name).write_text(f"a static {name} where the theme writes", encoding="utf-8")
    (docs / "robots.txt").write_text("Sitemap: {{ config.site_name }}\n", encoding="utf-8")
    config = generated.root / "mkdocs-extra-template.yml"
    config.write_text(
        generated.path("config").read_text(encoding="utf-8") + "\nextra_templates:\n  - ./robots.txt\n",
        encoding="utf-8",
    )
    try:
        plain_build(engine.load(config, docs, tmp_path / "plain"))
        assert engine.build(config, docs, tmp_path / "shared", processes=2) == 2
    finally:
        config.unlink()
    shared = tmp_path / "shared"
    assert "a static" not in (shared / "404.html").read_text(encoding="utf-8")
    assert (shared / "sitemap.xml.gz").read_bytes()[:2] == b"\x1f\x8b"  # MkDocs' gzip
    assert (shared / "robots.txt").read_text(encoding="utf-8").startswith("Sitemap: Sample")
    assert _tree(shared) == _tree(tmp_path / "plain")


def test_warnings_in_workers_fail_a_strict_build(
    generated: Project, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    docs = tmp_path / "docs"
    # A record page (read in a worker, not here) with a link to nowhere and one to a missing anchor.
    broken = _docs_copy(generated, docs)
    broken.write_text(
        broken.read_text(encoding="utf-8") + "\n[gone](nowhere.md) [no anchor](../index.md#nothing-here)\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="mkdocs"), pytest.raises(engine.EngineFailed) as failed:
        engine.build(generated.path("config"), docs, tmp_path / "site", processes=2)
    assert "2 warnings" in str(failed.value)
    messages = [r.getMessage() for r in caplog.records]
    assert any("nowhere.md" in m for m in messages)
    assert any("nothing-here" in m for m in messages)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_page_that_fails_in_a_worker_fails_the_build_as_in_a_serial_one(
    generated: Project, tmp_path: Path, caplog: pytest.LogCaptureFixture, processes: int
) -> None:
    docs = tmp_path / "docs"
    broken = _docs_copy(generated, docs)
    broken.write_bytes(b"# Caf\xe9\n")  # not UTF-8
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(UnicodeDecodeError):
        engine.build(generated.path("config"), docs, tmp_path / "site", processes=processes)
    assert any(
        f"Error reading page '{broken.relative_to(docs).as_posix()}'" in r.getMessage()
        for r in caplog.records
    )


def test_an_engine_without_the_expected_internals_builds_serially(
    generated: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As with a fork of MkDocs whose build module has renamed what the workers call.
    monkeypatch.setattr(engine, "INTERNALS", (*engine.INTERNALS, "_renamed_in_a_fork"))
    assert _build(generated, tmp_path / "site", processes=2) == 1
    assert (tmp_path / "site/index.html").is_file()


def test_compile_templates_follows_the_names_written_out_and_leaves_the_rest_to_the_page() -> None:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "main.html": '{% extends "base.html" %}',
                "base.html": "{%- include 'partials/header.html' %}"
                "{% include 'missing.html' ignore missing %}"
                '{% include "icons/" ~ name ~ ".svg" %}{% from "macros.html" import m %}',
                "partials/header.html": "{% include 'broken.html' %}",
                "broken.html": "{% if %}",
                "macros.html": "{% macro m() %}{% endmacro %}",
                "unused.html": "never named",
            }
        )
    )
    done = engine.compile_templates(env, ["main.html"])
    assert done == {"main.html", "base.html", "partials/header.html", "macros.html"}


@pytest.mark.parametrize("plugins", ["known", "one not known"])
def test_the_preview_compiles_the_theme_early_only_with_plugins_it_knows(
    generated: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins: str
) -> None:
    """A plugin's on_env (after the navigation) may change how templates compile: with one not
    known, nothing is compiled before it."""
    import jinja2

    config = generated.path("config")
    text = config.read_text(encoding="utf-8")
    compiled: list[str | None] = []
    compile = jinja2.Environment.compile

    def compiling(env: jinja2.Environment, source: str, name: str | None = None, *a: Any, **k: Any) -> Any:
        compiled.append(name)
        return compile(env, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    at_make: list[str | None] = []
    try:
        if plugins != "known":
            config.write_text(text.replace("  - offline\n", "  - offline\n  - tags\n"), encoding="utf-8")
        site = tmp_path / "site"
        engine.Engine(config, generated.path("docs"), site, make=lambda paths: at_make.extend(compiled))
    finally:
        config.write_text(text, encoding="utf-8")
    assert ("main.html" in at_make) == (plugins == "known")
