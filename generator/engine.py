"""The site engine (MkDocs 1.x): ``mkdocs build`` of docs/ into site/, on every core when it can.

The only module that calls MkDocs' internals. :func:`build` gives the same site
as a plain ``mkdocs build`` (byte for byte): with one process (one core, or
``FACTSHEET_WORKERS=1``) it *is* that command's ``build``; with more, it runs
MkDocs' own page pipeline (every ``on_page_*`` plugin event, the theme's
templates, link checks) for shares of the pages in forked workers:

1. here: the configuration, files and navigation, as ``build`` makes them; the
   pages listed in the navigation (every page shows their titles), the static
   files and the theme's own templates (404, sitemap);
2. in each worker, a share of the other pages read and converted, then every
   page of the share passed through the theme and written;
3. here again: the search entries each page added, joined in page order (the
   index is the one a serial build writes); anchors checked across all pages;
   ``on_post_build``; warnings counted for ``--strict`` as MkDocs counts them.

Workers fork after step 1, so they share what it made without copying it.
Only plugins whose per-page state is known to be merged here may run in
workers (Material's search and offline); with any other, with one process,
where forking is not possible, or with an engine that lacks the internals used
here, the build is MkDocs' own, serial. A small site (under ``PARALLEL_FROM``
pages a process) goes through the same steps in this process alone.
``PACKAGE`` names the engine's module (a drop-in MkDocs 1.x fork keeps these
internals under its own name).
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .parallel import can_fork, fork_map, workers

PACKAGE = "mkdocs"
# Plugins whose per-page work is all in the page events and the search entries merged here.
SHAREABLE_PLUGINS = frozenset({"material.plugins.search.plugin", "material.plugins.offline.plugin"})
PARALLEL_FROM = 200  # pages; below this, forking costs more than it saves


class EngineFailed(Exception):
    """The engine refused the pages (``--strict`` warnings, a broken configuration, …)."""


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def load(config_file: Path, docs: Path, site: Path, overrides: dict[str, str] | None = None) -> Any:
    """The engine's configuration of ``config_file`` for building ``docs`` into ``site``, strict,
    with ``overrides`` of its settings (``build.config_overrides``: repository, site address)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # MkDocs stamps the build day into sitemap.xml(.gz) unless this is set; a fixed
    # stamp keeps the same content building the same bytes on any day.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    return _module("config").load_config(
        str(config_file), docs_dir=str(docs), site_dir=str(site), strict=True, **(overrides or {})
    )


def build(
    config_file: Path,
    docs: Path,
    site: Path,
    processes: int | None = None,
    overrides: dict[str, str] | None = None,
) -> int:
    """``mkdocs build --strict`` of ``docs`` into ``site``; how many processes built the pages.

    Raises :class:`EngineFailed` when the engine refuses the build.
    """
    exceptions = _module("exceptions")
    try:
        config = load(config_file, docs, site, overrides)
        n = processes or workers()
        if n > 1 and can_fork() and _shareable(config):
            return _parallel_build(config, n, at_least=1 if processes else PARALLEL_FROM)
        _module("commands.build").build(config)
        return 1
    except exceptions.MkDocsException as exc:
        raise EngineFailed(str(exc)) from None


INTERNALS = ("_populate_page", "_build_page", "_build_theme_template", "_build_extra_template")


def _shareable(config: Any) -> bool:
    """Whether the pages may be shared out: known plugins only, and the engine's internals as expected."""
    b = _module("commands.build")
    return all(hasattr(b, name) for name in INTERNALS) and all(
        type(p).__module__ in SHAREABLE_PLUGINS for p in config.plugins.values()
    )


@dataclass
class _Share:
    """What a worker sends back: per page (by index) its search entries and anchors; its log, and
    the error that stopped it (raised once the log has been replayed, as a serial build would)."""

    entries: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    anchors: dict[int, tuple[set[str] | None, dict[str, dict[str, str]] | None]] = field(default_factory=dict)
    records: list[logging.LogRecord] = field(default_factory=list)
    error: Exception | None = None


@contextmanager
def _captured(records: list[logging.LogRecord]) -> Iterator[None]:
    """The engine's log records kept in ``records`` instead of handled (they are replayed in order)."""

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
            records.append(record)

    logger = logging.getLogger(PACKAGE)
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers = [_Keep()]
    logger.propagate = False
    try:
        yield
    finally:
        logger.handlers, logger.propagate = handlers, propagate


def _parallel_build(config: Any, n: int, at_least: int) -> int:
    """MkDocs' ``build`` (mkdocs/commands/build.py), its page loops shared out over ``n`` processes
    (fewer if there are not ``at_least`` pages for each)."""
    b = _module("commands.build")
    files_mod, nav_mod, pages_mod, utils = (
        _module("structure.files"),
        _module("structure.nav"),
        _module("structure.pages"),
        _module("utils"),
    )
    logger = logging.getLogger(PACKAGE)
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    logger.addHandler(counter)
    inclusion = files_mod.InclusionLevel.is_included
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files = files_mod.get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        files_mod.set_exclusions(files, config)
        nav = nav_mod.get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        doc_files = files.documentation_pages(inclusion=inclusion)
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():
                pages_mod.Page(None, file, config)
        # Every page shows the navigation's titles: its pages are read here, before forking.
        in_nav = {id(p) for p in nav.pages}
        for file in doc_files:
            if id(file.page) in in_nav:
                b._populate_page(file.page, config, files)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(inclusion=inclusion)
        for template in config.theme.static_templates:
            b._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            b._build_extra_template(template, files, config, nav)
        index = next((p.search_index for p in config.plugins.values() if hasattr(p, "search_index")), None)
        added: list[dict[str, Any]] = []  # where the search entries go when no plugin indexes

        def build_share(share: range) -> _Share:
            out = _Share()
            with _captured(out.records):
                try:
                    for i in share:
                        page = doc_files[i].page
                        if id(page) not in in_nav:
                            b._populate_page(page, config, files)
                    for i in share:
                        file = doc_files[i]
                        found = added if index is None else index.entries
                        start = len(found)
                        b._build_page(
                            file.page, config, doc_files, nav, env, excluded=file.inclusion.is_excluded()
                        )
                        out.entries[i] = found[start:]
                        links = file.page.links_to_anchors
                        out.anchors[i] = (
                            file.page.present_anchor_ids,
                            None if links is None else {f.src_uri: a for f, a in links.items()},
                        )
                except Exception as exc:
                    out.error = exc
            return out

        n = max(1, min(n, len(doc_files) // at_least))
        # What the workers inherit is never collected there: kept out of the collector's walks
        # (which would also copy every page of memory they touch into each worker).
        gc.freeze()
        try:
            shares = fork_map(build_share, [range(k, len(doc_files), n) for k in range(n)])
        finally:
            gc.unfreeze()
        entries: list[list[dict[str, Any]]] = [[] for _ in doc_files]
        for share in shares:
            for record in share.records:
                logging.getLogger(record.name).handle(record)
        for share in shares:
            if share.error is not None:
                raise share.error
        for share in shares:
            for i, found in share.entries.items():
                entries[i] = found
            for i, (present, links) in share.anchors.items():
                page = doc_files[i].page
                page.present_anchor_ids = present
                page.links_to_anchors = (
                    None if links is None else {files.get_file_from_path(k): a for k, a in links.items()}
                )
        if index is not None:
            index.entries = [e for found in entries for e in found]
        level = config.validation.links.anchors
        for file in doc_files:
            file.page.validate_anchor_links(files=files, log_level=level)
        config.plugins.on_post_build(config=config)
        if counts := counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise _module("exceptions").Abort(f"Aborted with {msg} in strict mode!")
    except Exception as exc:
        config.plugins.on_build_error(error=exc)
        if isinstance(exc, _module("exceptions").BuildError):
            raise _module("exceptions").Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(counter)
    return n
