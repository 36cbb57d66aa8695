"""The site engine's internals, for the live preview: the only module that reaches into MkDocs.

``mkdocs build`` reads every page before it writes any. The preview
(:mod:`generator.preview`) needs one page at a time, so :class:`Engine` loads
the configuration, the file list and the navigation once and then builds the
page asked for through the engine's own page pipeline: the same plugin events
(``pre_page``, ``page_markdown``, ``page_content``, ``page_context``,
``post_page``), the same Markdown extensions and the same theme template as a
build, in the same order. It relies on MkDocs 1.x's ``mkdocs.commands.build``
and ``mkdocs.structure`` modules, which ProperDocs, a drop-in continuation of
MkDocs 1.x, keeps; another engine would need only this module rewritten.

An Engine is not thread-safe: the preview calls it under one lock.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.commands.build import _build_template, _populate_page, get_context
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

SearchEntries = list[dict[str, Any]]


class EngineError(Exception):
    """The site's configuration cannot be loaded."""


def _engine_environment() -> None:
    # As generator.build.mkdocs_build sets them, so a served page is the built one.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


class Engine:
    """MkDocs' view of the site (config, files, navigation, theme), kept up to date as docs/ changes."""

    def __init__(self, config_file: Path, docs_dir: Path, site_dir: Path) -> None:
        _engine_environment()
        try:
            config = load_config(str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir))
        except MkDocsException as exc:
            raise EngineError(f"{config_file.name}: {exc}") from None
        # The events of `mkdocs build` before any page is read, in its order.
        self.config = config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        self.files: Files = config.plugins.on_files(files, config=config)
        set_exclusions(self.files, config)
        self.nav = self._navigation()
        self.env = config.plugins.on_env(env, config=config, files=self.files)
        self._index_files()
        self._search = self._search_plugin()

    # --- what the site holds -------------------------------------------------------------------

    def _navigation(self) -> Navigation:
        """The navigation, with what it shows of its pages read (see :meth:`_read_nav_pages`)."""
        nav = get_navigation(self.files, self.config)
        self.nav = self.config.plugins.on_nav(nav, config=self.config, files=self.files)
        self._read_nav_pages(None)
        return self.nav

    def _index_files(self) -> None:
        included: Callable[[Any], bool] = InclusionLevel.is_included  # as the build copies and renders
        self.by_url: dict[str, File] = {f.dest_uri: f for f in self.files if included(f.inclusion)}
        self.doc_files = self.files.documentation_pages()

    def _nav_sources(self) -> set[str]:
        """Every docs path the configured navigation names (whether or not it exists)."""
        found: set[str] = set()

        def walk(item: Any) -> None:
            if isinstance(item, str):
                found.add(posixpath.normpath(item))
            elif isinstance(item, dict):
                for value in item.values():
                    walk(value)
            elif isinstance(item, list):
                for value in item:
                    walk(value)

        walk(self.config.nav)
        return found

    def lookup(self, url: str) -> File | None:
        """The file served at ``url`` (a path in the site, such as ``meetings/x.html``), or None."""
        return self.by_url.get(url)

    @staticmethod
    def is_page(file: File) -> bool:
        return file.is_documentation_page()

    @staticmethod
    def source_path(file: File) -> Path | None:
        """Where a static file's bytes are (docs/ or the theme's folders); None for one made in memory."""
        return Path(file.abs_src_path) if file.abs_src_path else None

    @staticmethod
    def content_bytes(file: File) -> bytes:
        return file.content_bytes

    def page_urls(self) -> list[tuple[str, str]]:
        """(docs path, site path) of every page, in the order a build renders them."""
        return [(f.src_uri, f.dest_uri) for f in self.doc_files]

    def static_templates(self) -> list[str]:
        """Pages the theme makes from a template alone (404.html, sitemap.xml)."""
        return sorted(self.config.theme.static_templates)

    def _nav_shown(self) -> list[tuple[str | None, dict[str, Any]]]:
        """What every page shows of each page in the navigation: its title and front matter."""
        return [(page.title, dict(page.meta)) for page in self.nav.pages]

    def _read_nav_pages(self, written: set[str] | None) -> None:
        """Read the navigation's pages (those in ``written``; None for all) as far as the nav shows them.

        A build has read every page before it renders one; what a page shows of
        the others is the navigation's titles and front matter (Material's icon,
        status, subtitle). A page titled in the config needs only its front
        matter read; another's title may come from its first heading, so it is
        rendered. A page asked for is always read and rendered in full.
        """
        for page in self.nav.pages:
            if written is not None and page.file.src_uri not in written:
                continue
            if "title" in vars(page):  # titled in the config: the title is the config's
                page.read_source(self.config)
            else:
                _populate_page(page, self.config, self.files)

    # --- building ------------------------------------------------------------------------------

    def build_page(self, file: File) -> tuple[str, SearchEntries]:
        """One page as ``mkdocs build`` writes it, and the search entries its ``page_context`` made."""
        config, files = self.config, self.files
        page = file.page if file.page is not None else Page(None, file, config)
        in_nav = any(p is page for p in self.nav.pages)
        _populate_page(page, config, files)
        entries = self._entries()
        mark = len(entries) if entries is not None else 0
        config._current_page = page
        page.active = True
        try:  # mkdocs.commands.build._build_page, returning the page rather than writing it
            context = get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            output: str = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
        finally:
            page.active = False
            config._current_page = None
            if not in_nav:  # read again when next asked for: keep no page's text in memory
                page.markdown = page.content = None
        made: SearchEntries = []
        if entries is not None:
            made = entries[mark:]
            del entries[mark:]
        return output, made

    def build_template(self, name: str) -> str:
        """A theme template page (``404.html``, ``sitemap.xml``) as a build writes it."""
        template = self.env.get_template(name)
        return str(_build_template(name, template, self.files, self.config, self.nav))

    # --- search --------------------------------------------------------------------------------

    def _search_plugin(self) -> Any:
        for plugin in self.config.plugins.values():
            if hasattr(plugin, "search_index"):
                return plugin
        return None

    def _entries(self) -> SearchEntries | None:
        """The list the search plugin adds a page's entries to (Material's or MkDocs' own)."""
        index = getattr(self._search, "search_index", None)
        if index is None:
            return None
        for name in ("entries", "_entries"):
            found = getattr(index, name, None)
            if isinstance(found, list):
                return found
        return None

    @property
    def has_search(self) -> bool:
        return self._entries() is not None

    def write_search_index(self, entries: Iterable[dict[str, Any]], site_dir: Path) -> None:
        """The search index of ``entries`` (in page order), written by the plugins' ``post_build``
        into ``site_dir`` (``search/search_index.json``, and the offline plugin's ``.js``)."""
        own = self._entries()
        if own is None:
            return
        own[:] = list(entries)
        saved = self.config.site_dir
        self.config.site_dir = str(site_dir)
        try:
            self.config.plugins.on_post_build(config=self.config)
        finally:
            self.config.site_dir = saved
            own.clear()

    # --- keeping up with docs/ -----------------------------------------------------------------

    def update(self, written: Iterable[str], removed: Iterable[str]) -> bool:
        """Take in files written to or removed from docs/ (paths in docs/).

        Returns True when every page may have changed (files came or went, so links
        resolve differently, or a title in the navigation changed); otherwise only
        the written pages did.
        """
        config, files = self.config, self.files
        written, removed = set(written), set(removed)
        added: list[File] = []
        gone = False
        for rel in removed:
            file = files.get_file_from_path(rel)
            if file is not None:
                files.remove(file)
                gone = True
        for rel in written:
            if files.get_file_from_path(rel) is None:
                file = File(rel, config.docs_dir, config.site_dir, config.use_directory_urls)
                files.append(file)
                added.append(file)
        if not added and not gone:
            shown = self._nav_shown()
            self._read_nav_pages(written)
            return self._nav_shown() != shown
        set_exclusions(added, config)
        nav_paths = self._nav_sources()
        if any(f.src_uri in nav_paths for f in added) or any(r in nav_paths for r in removed):
            self.nav = self._navigation()
        else:
            for file in added:
                if file.is_documentation_page() and file.page is None:
                    Page(None, file, config)
            self._read_nav_pages(written)
        self._index_files()
        return True
