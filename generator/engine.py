"""The site engine (MkDocs 1.x): ``mkdocs build`` of docs/ into site/, on every core when it can.

The only module that calls MkDocs' internals. :func:`build` gives the same site
as a plain ``mkdocs build`` (byte for byte): with one process (one core, or
``FACTSHEET_WORKERS=1``) it *is* that command's ``build``; with more, it runs
MkDocs' own page pipeline (every ``on_page_*`` plugin event, the theme's
templates, link checks) for shares of the pages in forked workers:

1. here: the configuration, files and navigation, as ``build`` makes them; the
   pages listed in the navigation (every page shows their titles) and the
   theme's own templates (404, sitemap);
2. in each worker, a share of the static files copied, a share of the other
   pages read and converted, then every page of the share passed through the
   theme and written;
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

The live preview's :class:`Engine` (below) is the same pipeline one page at a
time: the configuration, the file list and the navigation loaded once, then the
page asked for built as a build would (``pre_page``, ``page_markdown``,
``page_content``, ``page_context``, ``post_page``, the same Markdown extensions
and theme template, in the same order), and the file list and navigation kept up
to date as docs/ changes. It is not thread-safe: the preview calls it under one
lock.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from .parallel import can_fork, fork_map, workers

if TYPE_CHECKING:  # the engine's classes, for the annotations only; at run time, PACKAGE's
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation

PACKAGE = "mkdocs"
# Plugins whose per-page work is all in the page events and the search entries merged here.
SHAREABLE_PLUGINS = frozenset({"material.plugins.search.plugin", "material.plugins.offline.plugin"})
PARALLEL_FROM = 200  # pages; below this, forking costs more than it saves


class EngineFailed(Exception):
    """The engine refused the pages (``--strict`` warnings, a broken configuration, …)."""


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _environment() -> None:
    """As every build and the preview run the engine: no MkDocs 2 banner, and a fixed date."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # MkDocs stamps the build day into sitemap.xml(.gz) unless this is set; a fixed
    # stamp keeps the same content building the same bytes on any day.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


def load(
    config_file: Path,
    docs: Path,
    site: Path,
    overrides: dict[str, str] | None = None,
    strict: bool = True,
) -> Any:
    """The engine's configuration of ``config_file`` for building ``docs`` into ``site``, strict
    unless told, with ``overrides`` of its settings (``build.config_overrides``: repository,
    site address)."""
    _environment()
    return _module("config").load_config(
        str(config_file), docs_dir=str(docs), site_dir=str(site), strict=strict, **(overrides or {})
    )


def _before_pages(config: Any, clean_site: bool, expected: Iterable[str] = ()) -> tuple[Any, Any, Any]:
    """What ``mkdocs build`` does before it reads a page, in its order: the configuration's
    plugin events, the site folder cleaned (if asked), the files of docs/ (and ``expected``,
    docs/ paths not written yet, in normal form) and of the theme, and the theme's template environment
    (``on_env`` comes once the navigation is read)."""
    config, env = _configured(config, clean_site)
    return config, _files(config, env, expected), env


def _configured(config: Any, clean_site: bool) -> tuple[Any, Any]:
    """The first part of :func:`_before_pages`: the plugin events before the files, and the theme's
    template environment (made from the configuration alone, so it may come before the files)."""
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    if clean_site:
        _module("utils").clean_directory(config.site_dir)
    return config, config.theme.get_env()


def _files(config: Any, env: Any, expected: Iterable[str] = ()) -> Any:
    """The second part of :func:`_before_pages`: the files of docs/, ``expected`` and the theme."""
    files_mod = _module("structure.files")
    files = files_mod.get_files(config)
    for rel in expected:  # in normal form: looked up in the file list's index, not through PurePath
        if rel not in files.src_uris:
            files.append(_new_file(config, rel))
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    files_mod.set_exclusions(files, config)
    return files


def _new_file(config: Any, rel: str) -> Any:
    """The engine's ``File`` for the docs/ path ``rel``, as ``get_files`` makes it."""
    return _module("structure.files").File(rel, config.docs_dir, config.site_dir, config.use_directory_urls)


PAGE_TEMPLATE = "main.html"  # the theme's template of a page whose front matter names none
# A template named, in quotes, as what another extends, includes or imports.
_TEMPLATE_NAMED = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+(["'])([^"'{}]+)\1""")


def compile_templates(env: Any, names: Iterable[str]) -> set[str]:
    """Compile (into ``env``'s cache) ``names`` and every template they extend, include or import
    by a name written out, as a page that renders them first would; the names compiled. One that
    cannot be loaded is left to that page, which reports it."""
    jinja2 = importlib.import_module("jinja2")
    todo, done = list(names), set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        try:
            env.get_template(name)
            source = env.loader.get_source(env, name)[0]
        except (jinja2.TemplateError, OSError):
            continue
        done.add(name)
        todo.extend(m.group(2) for m in _TEMPLATE_NAMED.finditer(source))
    return done


def _known_plugins(config: Any) -> bool:
    """Whether every plugin is one whose work is known to be all in its page events and search
    entries (it keeps no file list or page state of its own)."""
    return all(type(p).__module__ in SHAREABLE_PLUGINS for p in config.plugins.values())


def _expecting(files: Any, join: Callable[[str], Any]) -> Any:
    """``files``, whose lookups by path also find the files still to come, via ``join``."""
    base = type(files)

    class Expecting(base):  # type: ignore[misc,valid-type]
        def get_file_from_path(self, path: str) -> Any:
            file = super().get_file_from_path(path)
            return join(PurePath(path).as_posix()) if file is None else file  # MkDocs' own key

    return Expecting(files)


def _sources_of(url: str) -> list[str]:
    """The docs paths a file served at ``url`` may come from (pages: ``.md``, or ``index.md`` and
    ``README.md`` for a folder's page)."""
    folder: str | None
    if url.endswith("/") or not url:
        folder = url.rstrip("/")
        stem = folder
    elif url.endswith(".html"):
        stem = url[: -len(".html")]
        folder = stem[: -len("/index")] if stem.endswith("/index") else "" if stem == "index" else None
    else:
        return [url]
    found = [f"{stem}.md"] if stem else []
    if folder is not None:
        found += [posixpath.join(folder, "index.md"), posixpath.join(folder, "README.md")]
    return found


def nav_paths(nav: Any) -> set[str]:
    """Every docs path a ``nav`` setting (as in mkdocs.yml) names, whether or not it exists."""
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

    walk(nav)
    return found


def _navigation(files: Any, config: Any) -> Any:
    """The navigation of ``files``, after the plugins' ``on_nav``; its pages not read yet."""
    nav = _module("structure.nav").get_navigation(files, config)
    return config.plugins.on_nav(nav, config=config, files=files)


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
    return all(hasattr(b, name) for name in INTERNALS) and _known_plugins(config)


def _written_over(config: Any, files: Any) -> set[str]:
    """Where in the site the theme's and the extra templates are written, as MkDocs writes them:
    the theme's at their name (``sitemap.xml`` with a ``.gz`` beside it), an extra template over
    its own file."""
    out = set()
    for name in config.theme.static_templates:
        name = posixpath.normpath(name)
        out |= {name, f"{name}.gz"}
    for name in config.extra_templates:
        file = files.get_file_from_path(name)
        if file is not None:
            out.add(file.dest_uri)
    return out


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
    files_mod, pages_mod, utils = _module("structure.files"), _module("structure.pages"), _module("utils")
    logger = logging.getLogger(PACKAGE)
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    logger.addHandler(counter)
    inclusion = files_mod.InclusionLevel.is_included
    try:
        config, files, env = _before_pages(config, clean_site=True)
        nav = _navigation(files, config)
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
        # The static files are copied by the workers, each a share, except any that a template is
        # then written over (copied here first, as MkDocs does, so the template wins).
        statics = [f for f in files if not f.is_documentation_page() and inclusion(f.inclusion)]
        written_over = _written_over(config, files)
        for file in statics:
            if file.dest_uri in written_over:
                file.copy_file()
        statics = [f for f in statics if f.dest_uri not in written_over]
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
                    for file in statics[share.start :: share.step]:
                        file.copy_file()
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


# --- the live preview: one page at a time ---------------------------------------------------

SearchEntries = list[dict[str, Any]]


class EngineError(Exception):
    """The site's configuration cannot be loaded."""


def _stamp(paths: Iterable[Path]) -> list[tuple[str, int, int]]:
    """When each file under ``paths`` (files or folders) last changed, and its size."""
    found = []
    for path in paths:
        found += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    stamps = []
    for file in found:
        try:
            info = file.stat()
        except OSError:  # gone meanwhile: a change all the same
            continue
        stamps.append((str(file), info.st_mtime_ns, info.st_size))
    return stamps


class Loaded:
    """The configuration and the theme's templates loaded ahead of an :class:`Engine` (a first start
    does it while the content is read), as the engine would load them; used only if neither the
    configuration file nor the theme's own folder has changed since."""

    def __init__(
        self, config_file: Path, docs_dir: Path, site_dir: Path, overrides: dict[str, str] | None = None
    ) -> None:
        self.args = (config_file, docs_dir, site_dir, overrides)
        self.stamp = _stamp([config_file])  # before reading it: an edit after this is seen
        # What the engine logs meanwhile is told when the engine starts with it (not at all if it
        # is not used: the engine then loads the configuration again, and logs that).
        self.records: list[logging.LogRecord] = []
        with _captured(self.records):
            config = load(config_file, docs_dir, site_dir, overrides, strict=False)
            self.lazy = _known_plugins(config)
            self.theme = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
            self.stamp += _stamp(self.theme)
            self.config, self.env = _configured(config, clean_site=False)
            if self.lazy:  # see Engine: only with plugins known here
                compile_templates(self.env, [PAGE_TEMPLATE])

    def usable(self, *args: Any) -> bool:
        return args == self.args and _stamp([self.args[0], *self.theme]) == self.stamp

    def replay(self) -> None:
        """Log what was logged while loading, as the engine would have when it started."""
        for record in self.records:
            logging.getLogger(record.name).handle(record)


class Engine:
    """MkDocs' view of the site (config, files, navigation, theme), kept up to date as docs/ changes."""

    def __init__(
        self,
        config_file: Path,
        docs_dir: Path,
        site_dir: Path,
        overrides: dict[str, str] | None = None,
        expected: Iterable[str] = (),
        make: Callable[[list[str]], None] | None = None,
        loaded: Loaded | None = None,
    ) -> None:
        """``expected``: docs/ paths (in normal form, as the plan gives them) that are not written
        yet but will be (a first start without docs/), which ``make`` writes when asked; the
        navigation's pages are asked for at once. ``loaded``: the configuration and theme loaded
        ahead for these arguments (used if still up to date)."""
        if loaded is not None and loaded.usable(config_file, docs_dir, site_dir, overrides):
            config, env, lazy, compiled = loaded.config, loaded.env, loaded.lazy, loaded.lazy
            loaded.replay()
        else:
            exceptions = _module("exceptions")
            try:
                config = load(config_file, docs_dir, site_dir, overrides, strict=False)
            except exceptions.MkDocsException as exc:
                raise EngineError(f"{config_file.name}: {exc}") from None
            # The files to come join MkDocs' file list when a page links to one or it is asked for
            # (or written), rather than all at once: 27,000 at 10,000 meetings take a second or two.
            # Only with plugins known to look at no file list of their own.
            lazy = _known_plugins(config)
            config, env = _configured(config, clean_site=False)
            compiled = False
        files = _files(config, env, expected=() if lazy else expected)
        self.config = config
        self.files: Files = files
        self._expected: dict[str, None] = {}
        self._order: list[str] = []
        self.by_url: dict[str, File] = {}
        self.doc_files: list[File] = []
        self._paged = False
        if lazy:
            listed = files.src_uris  # (27,000 lookups through get_file_from_path's PurePath took 0.3 s)
            self._expected = {rel: None for rel in expected if rel not in listed}
            if self._expected:
                self._order = [*listed, *self._expected]
                self.files = files = _expecting(files, self._join)
        if make is not None:
            # The theme's templates are compiled now, while the navigation's pages are made (by a
            # worker, for a large sheet): else the first page asked for waits for it (0.4 s). Not
            # with a plugin (or hook) not known here: its on_env, which comes after the navigation,
            # may change how templates compile, and compiled templates are kept as they were.
            if lazy and not compiled:
                compile_templates(env, [PAGE_TEMPLATE])
            make(sorted(p for p in self._nav_sources() if not (docs_dir / p).exists()))
        self.nav = self._navigation()
        self.env = config.plugins.on_env(env, config=config, files=self.files)
        self._index_files()
        self._search = self._search_plugin()

    # --- what the site holds -------------------------------------------------------------------

    def _navigation(self) -> Navigation:
        """The navigation, with what it shows of its pages read (see :meth:`_read_nav_pages`)."""
        # A file the navigation names gets its page (and title) from the navigation: files joining
        # meanwhile get none here (the navigation makes one for every page it does not name).
        self._paged = False
        try:
            self.nav = _navigation(self.files, self.config)
        finally:
            self._paged = True
        self._read_nav_pages(None)
        return self.nav

    def _index_files(self) -> None:
        included: Callable[[Any], bool] = _module(
            "structure.files"
        ).InclusionLevel.is_included  # as the build copies and renders
        self.by_url = {f.dest_uri: f for f in self.files if included(f.inclusion)}
        self.doc_files = list(self.files.documentation_pages())

    def _nav_sources(self) -> set[str]:
        """Every docs path the configured navigation names (whether or not it exists)."""
        return nav_paths(self.config.nav)

    def lookup(self, url: str) -> File | None:
        """The file served at ``url`` (a path in the site, such as ``meetings/x.html``), or None."""
        file = self.by_url.get(url)
        if file is None and self._expected:
            for rel in _sources_of(url):
                self._join(rel)
            file = self.by_url.get(url)
            self._settle()
        return file

    def _join(self, rel: str) -> File | None:
        """A file still to come (see ``expected``) made part of the file list; None if not one."""
        if rel not in self._expected:
            return None
        del self._expected[rel]
        mod, config = _module("structure.files"), self.config
        file: File = _new_file(config, rel)
        mod.Files.append(self.files, file)
        mod.set_exclusions([file], config)
        if self._paged and file.is_documentation_page() and file.page is None:
            _module("structure.pages").Page(None, file, config)
        if mod.InclusionLevel.is_included(file.inclusion):
            self.by_url[file.dest_uri] = file
            if file.is_documentation_page():
                self.doc_files.append(file)
        return file

    def all_there(self) -> None:
        """Every file expected that was made is in docs/ and has been taken in (:meth:`update`):
        the others will not come (the content changed meanwhile)."""
        self._expected.clear()
        self._settle()

    def _settle(self) -> None:
        """Once every file expected has come: the file list in the order it would have had had they
        all been there at the start (the order pages are indexed for search in)."""
        if self._expected or not self._order:
            return
        listed, order = self.files.src_uris, self._order
        known = set(order)
        first = [listed[r] for r in order if r in listed]
        rest = [f for r, f in listed.items() if r not in known]
        self.files = _module("structure.files").Files(first + rest)
        self._order = []
        self._index_files()

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
                _module("commands.build")._populate_page(page, self.config, self.files)

    # --- building ------------------------------------------------------------------------------

    def build_page(self, file: File) -> tuple[str, SearchEntries]:
        """One page as ``mkdocs build`` writes it, and the search entries its ``page_context`` made."""
        config, files = self.config, self.files
        page = file.page if file.page is not None else _module("structure.pages").Page(None, file, config)
        in_nav = any(p is page for p in self.nav.pages)
        _module("commands.build")._populate_page(page, config, files)
        entries = self._entries()
        mark = len(entries) if entries is not None else 0
        config._current_page = page
        page.active = True
        try:  # mkdocs.commands.build._build_page, returning the page rather than writing it
            context = _module("commands.build").get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", PAGE_TEMPLATE))
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
        return str(
            _module("commands.build")._build_template(name, template, self.files, self.config, self.nav)
        )

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
        try:
            return self._update(written, removed)
        finally:
            self._settle()

    def _update(self, written: Iterable[str], removed: Iterable[str]) -> bool:
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
                file = _new_file(config, rel)
                files.append(file)
                added.append(file)
        if not added and not gone:
            shown = self._nav_shown()
            self._read_nav_pages(written)
            return self._nav_shown() != shown
        _module("structure.files").set_exclusions(added, config)
        nav_paths = self._nav_sources()
        if any(f.src_uri in nav_paths for f in added) or any(r in nav_paths for r in removed):
            self.nav = self._navigation()
        else:
            for file in added:
                if file.is_documentation_page() and file.page is None:
                    _module("structure.pages").Page(None, file, config)
            self._read_nav_pages(written)
        self._index_files()
        return True
