"""The pipeline: load -> validate -> model -> render -> write -> mkdocs build.

Functions here return results or raise domain exceptions; printing and exit
codes belong to ``cli.py``.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ValidationFailed
from .export import FACTSHEET, dataset, export_plan
from .history import History, HistoryMissing, history_for, plain_config, repository, site_url
from .loader import ContentFile, Document, ReadMany, load_content, load_document
from .model import Site, build_site
from .offline import write_site_zip
from .parallel import can_fork, fork_map, share_map, workers
from .render import RenderError, make_env, page_plan, render_page
from .validate import FileCache, check_file, validate
from .write import WriteStats, compacted, link_tree, swap_in, sync_tree

log = logging.getLogger("generator")


class BuildFailed(Exception):
    """MkDocs refused the generated pages; the previous docs/ and site/ are untouched."""


@dataclass(frozen=True)
class Project:
    """Where things are. Every path is relative to ``root``."""

    root: Path
    content: str = "content"
    seeds: str = "seeds"
    templates: str = "templates"
    pages: str = "pages"  # hand-written Markdown and assets, copied into docs/ as they are
    docs: str = "docs"
    site: str = "site"
    config: str = "mkdocs.yml"
    work: str = ".build"  # staging area for build-beside-then-swap

    def path(self, name: str) -> Path:
        return self.root / str(getattr(self, name))

    def site_title(self) -> str:
        """``site_name`` from mkdocs.yml, read without running any of its tags."""

        try:
            config = plain_config(self.path("config"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise BuildFailed(f"{self.config} cannot be read: {exc}") from None
        return str(config.get("site_name", "Fact sheet"))

    def history(self) -> History | None:
        """What git says of the content's history (None without git or in a shallow clone)."""
        try:
            return history_for(self.root, self.content, self.path("config"))
        except HistoryMissing as exc:
            raise BuildFailed(str(exc)) from None


Phases = dict[str, float]  # seconds per phase of a run, filled in when asked for


@contextmanager
def timed(phases: Phases | None, name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        if phases is not None:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while, then as it was.

    For work that makes many long-lived objects and few garbage cycles: left on,
    the collector walks the growing heap again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def long_lived_objects() -> Iterator[None]:
    """Build the model without the cyclic garbage collector, then take it out of its reach.

    Loading, checking and modelling make millions of objects that all live until
    the run ends, and no garbage cycles (the collector took a third of the
    loading time at 10,000 meetings).
    """
    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()  # what exists now is never scanned again in this run


PARALLEL_FROM = 2000  # files; below this, forking costs more than it saves


def check(project: Project, phases: Phases | None = None) -> Site:
    """Load and validate everything; raise :class:`ValidationFailed` with every problem.

    Each file is read, parsed and checked on its own in the ``load`` phase (on
    every core for a large sheet); ``validate`` then checks across files.
    """
    checked: FileCache = {}
    with timed(phases, "load"):
        content = load_content(project.root, project.content, project.seeds, read_many=reader(checked))
    title = project.site_title()
    return checked_then_modelled(
        len(content.documents),
        lambda: validate(content, cache=checked),
        lambda: build_site(content.documents, title, seeds=content.seeds),
        phases,
    )


def checked_then_modelled(
    files: int,
    check_across: Callable[[], list[Problem]],
    model: Callable[[], Site],
    phases: Phases | None = None,
    alongside: bool = True,
) -> Site:
    """The model, if ``check_across`` finds no problem; else raise :class:`ValidationFailed`.

    For a large sheet on more than one core, the checks run in a forked worker
    while this process builds the model (about a second each at 10,000
    meetings). A model made of content that fails its checks is thrown away,
    and whatever making it raised too: the problems are what is reported, as
    when the checks come first. Timed as ``validate`` (what the checks took
    beyond the model) and ``model``. ``alongside`` False: one after the other (the checks
    reuse what a long-running process kept of them, which a worker's would not).
    """
    if not alongside or files < PARALLEL_FROM or workers() < 2 or not can_fork():
        with timed(phases, "validate"):
            problems = check_across()
        if problems:
            raise ValidationFailed(problems)
        with timed(phases, "model"):
            return model()
    start = time.perf_counter()

    def job(which: str) -> Any:
        if which == "checks":
            return check_across()
        try:
            return model(), None, time.perf_counter() - start
        except Exception as exc:  # raised below only if the checks find nothing wrong
            return None, exc, time.perf_counter() - start

    problems, (site, failed, model_s) = fork_map(job, ["checks", "model"])
    if phases is not None:
        phases["model"] = phases.get("model", 0.0) + model_s
        phases["validate"] = phases.get("validate", 0.0) + max(0.0, time.perf_counter() - start - model_s)
    if problems:
        raise ValidationFailed(problems)
    if failed is not None:
        raise failed
    assert isinstance(site, Site)
    return site


def reader(checked: FileCache, first: Callable[[], None] | None = None) -> ReadMany:
    """A ``read_many`` for load_content that reads and checks each file on every core for a large
    sheet, and puts each file's own checks in ``checked`` for validate. ``first``: other work for
    this process, done before it reads any file while the workers start reading (it is done
    once, when the files are read)."""

    def read_many(files: list[ContentFile]) -> list[tuple[Document | None, Problem | None]]:
        n = workers() if len(files) >= PARALLEL_FROM else 1
        # Every process takes the next few files as it becomes free: the work evens out, whatever
        # ``first`` costs; a worker pickles each batch to send it here, where it is unpickled
        # between this process's own batches.
        size = max(READ_BATCH, -(-len(files) // 1000))
        batches = [files[k : k + size] for k in range(0, len(files), size)]
        # Shared out, the checks across files then run in a worker while this process models, and
        # are done first; that worker checks some files on their own too (see CHECKED_LATER).
        later = CHECKED_LATER if n > 1 else 0
        jobs = [(batch, not later or k % later != later - 1) for k, batch in enumerate(batches)]
        out: list[tuple[Document | None, Problem | None]] = []
        for results in share_map(_read_and_check, jobs, n, first):
            for doc, problem, own in results:
                out.append((doc, problem))
                checked.update(own)
        return out

    return read_many


READ_BATCH = 64  # files a process reads at a time (about 20 ms of work at 10,000 meetings)
# Every this many batches, one is only read: its files' own checks are left to validate, which
# makes them where it checks across files (in a worker, alongside the model; a long-running
# process fills its cache of them behind its first run). At 10,000 meetings the model took about
# 0.6 s longer than the checks across files, while both cores read.
CHECKED_LATER = 4


def _read_and_check(
    job: tuple[list[ContentFile], bool],
) -> list[tuple[Document | None, Problem | None, FileCache]]:
    """Each file read, and checked on its own if it could be read and ``job`` says so (its checks
    in a FileCache)."""
    files, check = job
    out: list[tuple[Document | None, Problem | None, FileCache]] = []
    for path, rel, kind in files:
        doc, problem = load_document(path, rel, kind)
        checked: FileCache = {}
        if doc is not None and check:
            check_file(doc, checked)
        out.append((doc, problem, checked))
    return out


Report = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def generate_files(
    project: Project, report: Report = _quiet, phases: Phases | None = None
) -> dict[str, bytes]:
    """Every file of docs/: generated pages and data, plus the hand-written ones from pages/."""
    start = time.perf_counter()
    try:
        with long_lived_objects():
            site = check(project, phases)
        site = dataclasses.replace(site, history=project.history())  # one `git log`
        report(
            f"checked {len(site.meetings):,} meetings, {len(site.actors):,} actors, "
            f"{len(site.places):,} places ({time.perf_counter() - start:.1f} s); rendering pages …"
        )
        with timed(phases, "render"):
            files = render_files(site, project.path("templates"))
            files.update(hand_written(project, files))
    finally:
        gc.unfreeze()  # a long-running caller (tests, serve) gets its collector back whole
    return files


def render_files(site: Site, templates: Path, processes: int | None = None) -> dict[str, bytes]:
    """Every generated page and download as UTF-8, sorted by path.

    Each file is made from the model alone, so the work is shared out over
    ``processes`` (default: every core, see :mod:`generator.parallel`) for a
    large sheet; the bytes are the same however it is shared.
    """
    env = make_env(templates)
    jobs: list[tuple[str, Callable[[], str]]] = [
        (page.path, functools.partial(render_page, env, site, page)) for page in page_plan(site)
    ]
    jobs += [(path, functools.partial(make, site)) for path, make in export_plan(site)]
    seen: set[str] = set()
    for path, _ in jobs:
        if path in seen:
            raise RenderError(f"two files would be written to {path}")
        seen.add(path)
    n = processes or (workers() if len(jobs) >= PARALLEL_FROM else 1)

    def make_share(share: list[tuple[str, Callable[[], str]]]) -> dict[str, bytes]:
        return {path: make().encode("utf-8") for path, make in share}

    files: dict[str, bytes] = {}
    with collector_paused():  # rendering leaves little cyclic garbage; the collector's passes cost 7 %
        for part in fork_map(make_share, [jobs[i::n] for i in range(n)]):
            files.update(part)
    files[FACTSHEET] = dataset(site, files)
    return dict(sorted(files.items()))


def hand_written(project: Project, generated: dict[str, bytes]) -> dict[str, bytes]:
    """The files of pages/, by their path in docs/; none may take a generated page's path."""
    files: dict[str, bytes] = {}
    pages = project.path("pages")
    if pages.is_dir():
        for src in sorted(pages.rglob("*")):
            if src.is_file() and not src.is_symlink():
                rel = src.relative_to(pages).as_posix()
                if rel in generated:
                    raise BuildFailed(f"pages/{rel} has the same path as a generated page")
                files[rel] = src.read_bytes()
    return files


def generate(project: Project, out: Path | None = None) -> WriteStats:
    """Write docs/ in place, touching only the files that change (used by ``serve``)."""
    return sync_tree(out or project.path("docs"), generate_files(project))


@contextmanager
def _mkdocs_logging() -> Iterator[list[str]]:
    """Collect MkDocs warnings and errors so the CLI can show them."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(f"{record.levelname}: {record.getMessage()}")

    handler = _Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_propagate = logger.propagate
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def config_overrides(project: Project) -> dict[str, str]:
    """What the build adds to mkdocs.yml: the repository (for edit and view links) and the
    site's address, from GitHub Actions' environment when mkdocs.yml names neither.

    ``edit_uri`` is always given with ``repo_url``: relative to the repository's root (pages
    name their file in ``edit_path``), not MkDocs' default of the docs folder.
    """
    out: dict[str, str] = {}
    repo = repository(project.path("config"))
    if repo:
        out["repo_url"], out["edit_uri"] = repo.url, repo.edit_uri
    url = site_url(project.path("config"))
    if url:
        out["site_url"] = url
    return out


def mkdocs_build(project: Project, docs: Path, site: Path) -> int:
    """``mkdocs build --strict`` of ``docs`` into ``site``, on every core (see :mod:`generator.engine`);
    how many processes built the pages."""
    from .engine import EngineFailed
    from .engine import build as engine_build

    with _mkdocs_logging() as messages:
        try:
            return engine_build(project.path("config"), docs, site, overrides=config_overrides(project))
        except (EngineFailed, SystemExit, OSError) as exc:
            detail = "\n".join(messages) or str(exc)
            raise BuildFailed(f"mkdocs build failed:\n{detail}") from None


def build(project: Project, report: Report = _quiet, phases: Phases | None = None) -> WriteStats:
    """Check, generate docs/ and build site/ beside the old ones, then swap both in.

    ``report`` hears about each phase as it starts (a long build shows progress);
    ``phases``, if given, gets the seconds each took (``bench`` reads them).
    """
    start = time.perf_counter()
    files = generate_files(project, report, phases)  # raises before anything is written
    report(f"generated {len(files):,} files ({time.perf_counter() - start:.1f} s); writing …")
    work = project.path("work")
    new_docs, new_site = work / "docs", work / "site"
    try:
        with timed(phases, "write"):
            link_tree(project.path("docs"), new_docs)
            stats = sync_tree(new_docs, files, atomic=False, linked=True)  # staging: swapped in whole
        if new_site.exists():
            shutil.rmtree(new_site)
        report(f"wrote {len(stats.written):,} changed files; building the site with MkDocs …")
        with timed(phases, "mkdocs"):
            processes = mkdocs_build(project, new_docs, new_site)
        with timed(phases, "zip"):
            # One pass over the site on every core: each page compacted (the theme's indentation
            # was half of every page), then every file compressed into the offline copy.
            write_site_zip(new_site, project.site_title(), rewrite=compacted)
        report(
            f"MkDocs done on {processes} process{'es' if processes > 1 else ''} "
            f"({time.perf_counter() - start:.1f} s in all); swapping in docs/ and site/"
        )
        swap_in([(new_docs, project.path("docs")), (new_site, project.path("site"))], work / "old")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return stats
