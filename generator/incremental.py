"""Incremental regeneration for a long-running process (``serve``).

A :class:`Regenerator` keeps, between runs, what it read (files unchanged on
disk are not parsed again), what it checked, the records it built, every page
it produced and, for each page, which parts of the model that page read.
After an edit it rebuilds the model (cheap: unchanged records are reused),
compares it with the previous one part by part, and renders again only the
pages that read a part that changed. Only files whose bytes changed are
written.

Which parts a page reads is not declared by hand: while a page renders, the
model is seen through :class:`TrackedSite`, which records every record,
listing and back-reference looked up. A page that iterates a whole collection
depends on all of it. The result is always what a full regeneration would
write (the tests compare the two after every kind of edit).
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from .build import (
    PARALLEL_FROM,
    Project,
    checked_then_modelled,
    collector_paused,
    hand_written,
    reader,
    timed,
)
from .engine import nav_paths
from .errors import ValidationFailed
from .export import FACTSHEET, dataset, export_plan
from .history import plain_config
from .loader import Content, ReadCache, ReadMany, load_content
from .model import DatingCache, RecordCache, Site, build_site
from .parallel import Sharing, give_way, start_sharing, workers
from .render import Page, make_env, page_plan, render_page
from .validate import AcrossCache, FileCache, validate
from .write import WriteStats, remove_file, sync_tree, write_atomic

Dep = tuple[str, Any]  # (model part, key) or (model part, ALL)
ALL = "*"
# Parts of the model that are not dataclass fields but derived from them.
DERIVED = ("placed", "loosely_placed", "years", "undated", "searchable_in_full")


class TrackedDict:
    """A read-only view of one of the model's dicts that records which keys are read."""

    __slots__ = ("_d", "_deps", "_name")

    def __init__(self, name: str, d: dict[Any, Any], deps: set[Dep]) -> None:
        self._name, self._d, self._deps = name, d, deps

    def __getitem__(self, key: Any) -> Any:
        self._deps.add((self._name, key))
        return self._d[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self._deps.add((self._name, key))
        return self._d.get(key, default)

    def __contains__(self, key: Any) -> bool:
        self._deps.add((self._name, key))
        return key in self._d

    def _all(self) -> dict[Any, Any]:
        self._deps.add((self._name, ALL))
        return self._d

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def keys(self) -> Any:
        return self._all().keys()

    def values(self) -> Any:
        return self._all().values()

    def items(self) -> Any:
        return self._all().items()


class TrackedSite:
    """The site model as a page sees it while rendering, recording what it reads."""

    def __init__(self, site: Site, deps: set[Dep]) -> None:
        self._site, self._deps = site, deps
        self._views: dict[str, TrackedDict] = {}

    def __getattr__(self, name: str) -> Any:
        view = self._views.get(name)
        if view is not None:
            return view
        value = getattr(self._site, name)
        if isinstance(value, dict):
            view = self._views[name] = TrackedDict(name, value, self._deps)
            return view
        if name == "name_of":
            return self._name_of
        if name == "status_counts":
            return self._status_counts
        if callable(value):  # a method not known here: depend on everything
            self._deps.add(("*", ALL))
            return value
        self._deps.add((name, ALL))
        return value

    def _name_of(self, kind: str, id: str) -> str:
        self._deps.add((kind, id))
        return self._site.name_of(kind, id)

    def _status_counts(self, key: str) -> dict[str, int]:
        self._deps.update({("dates", key), ("meetings", ALL)})
        return self._site.status_counts(key)


def changed_parts(old: Site, new: Site) -> set[Dep]:
    """Every (part, key) whose value differs between two models, and (part, ALL) for each part that does."""
    changed: set[Dep] = set()
    for f in dataclasses.fields(Site):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a is b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            keys = {k for k in a.keys() | b.keys() if _differ(a.get(k, _MISSING), b.get(k, _MISSING))}
            changed.update((f.name, k) for k in keys)
            if keys:
                changed.add((f.name, ALL))
        elif a != b:
            changed.add((f.name, ALL))
    for name in DERIVED:
        if getattr(old, name) != getattr(new, name):
            changed.add((name, ALL))
    return changed


_MISSING = object()


def _differ(a: Any, b: Any) -> bool:
    # `!=` has no shortcut for the same object, and a record's == builds tuples of its fields.
    return a is not b and bool(a != b)


INCOMPLETE = ".factsheet-incomplete"  # in docs/ while a first start is making its pages
MAKING = "Content checked: making"  # told (see Regenerator.progress) when a run of every page renders


class Superseded(Exception):
    """A run that makes every page stopped for an edit: nothing was written, what it made is kept
    (see :attr:`Regenerator.superseded`)."""


@dataclasses.dataclass
class _Partial:
    """What a run that makes every page had made when an edit superseded it."""

    site: Site
    templates_key: tuple[Any, ...]
    outputs: dict[str, str]
    deps: dict[str, set[Dep]]
    made: set[str]  # every path made by this run and the stopped runs before it


class _Stop(Exception):
    """Raised between pages when an edit supersedes the run (see Regenerator.superseded)."""


# A run that makes every page renders for at least this long (CPU time) before an edit may stop
# it: edits saved every few seconds would otherwise stop it again and again before it made anything.
MIN_RENDER_SECONDS = 1.0


def _edited_page(job: tuple[str, Any, set[Dep]], changed: set[Dep]) -> bool:
    """Whether a page not made yet is a changed record's own page (by the record it is made for)."""
    path, _, base = job
    return path.endswith(".md") and not base.isdisjoint(changed) and all(key != ALL for _, key in base)


def _differs(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` does not hold ``data`` (or is not there)."""
    try:
        return path.read_bytes() != data
    except OSError:
        return True


def _reads_any(deps: set[Dep], changed: set[Dep]) -> bool:
    """Whether a page that read ``deps`` reads a part of the model in ``changed`` (or anything)."""
    return ("*", ALL) in deps or not deps.isdisjoint(changed)


class Regenerator:
    """Regenerates docs/ after edits, doing only the work the edits call for."""

    def __init__(self, project: Project, out: Path | None = None) -> None:
        self.project = project
        self.out = out or project.path("docs")
        self.reads = ReadCache()
        self.checks: FileCache = {}
        self.across = AcrossCache()
        self.records: RecordCache = {}
        self.datings: DatingCache = {}
        self.site: Site | None = None  # the model of the last pages made
        self.model: Site | None = None  # the last model built (the one the caches above are for)
        self.content: Content | None = None  # what it was built from
        self.history = project.history()  # from git, read once: the preview shows saved edits, not commits
        self.templates_key: tuple[Any, ...] = ()
        self.env: Any = None
        self.outputs: dict[str, str] = {}  # generated text by path
        self.outputs_before: dict[str, str] = {}
        self.deps: dict[str, set[Dep]] = {}
        self.files: dict[str, bytes] = {}  # everything in docs/ as last written
        self.rendered: list[str] = []  # paths made in the last run, for reporting and tests
        self.by_dep: dict[Dep, set[str]] = {}  # a part of the model -> the paths that read it
        self.always: set[str] = set()  # paths that read something untracked: made on every change
        self.timings: dict[str, float] = {}  # seconds per phase of the last run
        # Told, during a run after an edit, which pages of the edited records were written first
        # and which paths are still to come (serve shows the first at once); None: all at the end.
        self.early: Callable[[list[str], set[str]], None] | None = None
        self.early_written: list[str] = []  # what the last run wrote before the rest
        self.early_seconds = 0.0  # and how long into the run
        # From prepare() to the end of the first run: the model, how to make each file, pages/.
        self.ahead: tuple[Site, dict[str, Callable[[Any], str]], dict[str, bytes]] | None = None
        self.writing: Sharing | None = None  # workers writing files ahead (see prepare)
        self.written_ahead: set[str] = set()  # what it wrote
        # Asked between pages during a run that makes every page (the first, or after a template
        # changed), which takes a minute at 10,000 meetings: True when an edit is waiting, which
        # then stops the run (Superseded). The next run keeps what it made that the edit leaves
        # alone and makes the edited records' pages first, so an edit is not a minute behind.
        self.superseded: Callable[[], bool] = lambda: False
        self.partial: _Partial | None = None
        self.progress: Callable[[str], None] | None = None  # told when a run of every page renders

    def _templates_key(self) -> tuple[Any, ...]:
        root = self.project.path("templates")
        return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(root.glob("*.j2")))

    def run(self, touched: set[str] | None = None) -> WriteStats:
        """Check, regenerate what changed and write it; raises ValidationFailed like ``check``.

        ``touched``: the absolute paths of the only files changed since the last
        run, when a file watcher knows them (see ``load_content``); None: look at
        every file.

        ``timings`` then holds the seconds each phase took. The cyclic garbage
        collector is paused while it works: the model is hundreds of thousands of
        objects, and the collector walked them again and again during every run
        (a third of the time of a run after one edit at 10,000 meetings). What
        the run leaves for it is collected after, while the editor reads the page
        (``serve`` calls :meth:`collect`).
        """
        self._written_ahead()  # a worker writing files is done before anything else writes
        with collector_paused():
            stopped = self.partial
            p = self.project
            if stopped is None and self.ahead is not None and self.reads.stale(p.root, p.content, p.seeds):
                # Saved after prepare() read the files, before anything watched them (the first
                # seconds of serve at 10,000 meetings): this run goes on as from one that edit
                # stopped before it made a page, every file looked at again, the edited records'
                # pages first (and, the edit invalid, every page from prepare()'s model).
                stopped = self.partial = _Partial(self.ahead[0], self._templates_key(), {}, {}, set())
                touched = None
            try:
                stats = self._run(touched)
            except Superseded:
                raise  # nothing written: pages asked for meanwhile are still made (see make_now)
            except ValidationFailed:
                if stopped is not None:
                    # The edit that stopped a run of every page is invalid: that run is finished from
                    # the last model that passed the checks, so every page is there (as before the
                    # edit) while the problems are reported.
                    self.partial = stopped
                    self._run(None, model=stopped.site)
                self.ahead = None
                raise
            except BaseException:
                self.ahead = None
                raise
            self.ahead = None  # the first run used it (and wrote every file)
            if self.across.context is None and self.content is not None:
                # The checks across files ran in a worker (prepare, or a first run): fill their
                # cache now, from the content they checked, or the next run (the first edit)
                # makes them all again (a second at 10,000 meetings).
                validate(self.content, cache=self.checks, across=self.across)
        return stats

    @staticmethod
    def collect() -> None:
        """Collect the young garbage a run left (cycles made while rendering); the model is left alone."""
        gc.collect(1)

    def prepare(self, meanwhile: Callable[[], None] | None = None) -> list[str]:
        """Check the content and plan every file ahead of the first run; the docs/ paths it will write.

        Raises ValidationFailed like :meth:`run`. Until the first run has written
        them, :meth:`make_now` makes any of those files on demand (``serve``
        without docs/ from an earlier run: the pages asked for first come first).
        ``meanwhile``: other work for this process, done while workers start
        reading the content (see :func:`reader`).
        """
        with collector_paused():
            # On every core for a large sheet.
            site = self._model(None, read_many=reader(self.checks, first=meanwhile))
            env = make_env(self.project.path("templates"))
            made = {path: make for path, make, _ in self._jobs(site, env)}
            own = hand_written(self.project, {path: b"" for path in made})
        self.ahead = (site, made, own)
        self.out.mkdir(parents=True, exist_ok=True)
        # Until the first run has written every file (its writing removes this, as any file it did
        # not make), docs/ is no earlier run's pages: a start that finds it starts as from nothing.
        (self.out / INCOMPLETE).touch()
        self.make_now(list(own))  # stylesheets and scripts too: every page asks for them
        # MkDocs reads the navigation's pages before it can build any page: for a large sheet, a
        # worker writes them while this process goes on to load MkDocs (make_now waits for it).
        try:
            nav = nav_paths(plain_config(self.project.path("config")).get("nav"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            nav = set()  # the engine says what is wrong with mkdocs.yml
        ahead = sorted(p for p in nav if p in made)
        if ahead and len(made) >= PARALLEL_FROM:
            # This process joins in once MkDocs is ready for them (make_now): each takes the next.
            self.writing = start_sharing(self._write_one, ahead, workers())
        return [*made, FACTSHEET, *own]

    def _write_one(self, rel: str) -> str:
        self._write_now([rel])
        return rel

    def _written_ahead(self) -> set[str]:
        """What the worker started by prepare() wrote, once it has ended (nothing if it failed)."""
        writing, self.writing = self.writing, None
        if writing is not None:
            try:
                self.written_ahead = set(writing.finish())
            except Exception:  # whatever stopped it: those files are made here when asked for
                self.written_ahead = set()
        return self.written_ahead

    def make_now(self, paths: list[str]) -> None:
        """Write these docs/ files now, from the model :meth:`prepare` built (see there)."""
        if self.ahead is None:
            return
        done = self._written_ahead()
        self._write_now([p for p in paths if p not in done])

    def _write_now(self, paths: list[str]) -> list[str]:
        if self.ahead is None:
            return []
        site, made, own = self.ahead
        for rel in paths:
            make = made.get(rel)
            data = own.get(rel) if make is None else make(site).encode()
            if data is None:
                continue
            if _differs(self.out / rel, data):
                write_atomic(self.out / rel, data)
        return paths

    def _model(self, touched: set[str] | None, read_many: ReadMany | None = None) -> Site:
        """Load, check and model the content (only what changed, after the first run)."""
        project, t = self.project, self.timings
        with timed(t, "load"):
            content = load_content(
                project.root, project.content, project.seeds, self.reads, read_many, touched
            )
        self.content = content
        modelled: list[bool] = []

        def model() -> Site:
            modelled.append(True)
            try:
                return build_site(
                    content.documents,
                    project.site_title(),
                    cache=self.records,
                    datings=self.datings,
                    seeds=content.seeds,
                    previous=self.model,
                )
            except BaseException:
                self.model = None  # the caches may be half updated: nothing to patch next time
                raise

        try:
            site = checked_then_modelled(
                len(content.documents),
                lambda: validate(content, cache=self.checks, across=self.across),
                model,
                t,
                alongside=self.across.context is None,  # else the kept checks are quicker here
            )
        except ValidationFailed:
            if modelled:  # alongside the checks (a first start): the caches hold content that failed
                self.model = None  # them, so nothing is patched from the model before it
            raise
        else:
            if site.history is not self.history:
                site = dataclasses.replace(site, history=self.history)
            self.model = site  # what ``records`` and ``datings`` now hold, even if rendering fails
        return site

    @staticmethod
    def _jobs(site: Site, env: Any) -> list[tuple[str, Callable[[Any], str], set[Dep]]]:
        """Every file to make: its path, how (given the model), what it reads besides lookups."""
        jobs: list[tuple[str, Callable[[Any], str], set[Dep]]] = []
        for page in page_plan(site):
            jobs.append((page.path, _page_job(env, page), _page_deps(page)))
        for path, build in export_plan(site):
            jobs.append((path, build, set()))
        return jobs

    def _run(self, touched: set[str] | None, model: Site | None = None) -> WriteStats:
        """See :meth:`run`; ``model``: the model to make the pages from, already checked."""
        project, t = self.project, self.timings
        t.clear()
        self.early_written = []
        partial, self.partial = self.partial, None
        if model is not None:
            site = model
        elif self.ahead is not None and partial is None:  # after prepare(): checked and modelled already
            site = self.ahead[0]
            # Files may change before the watcher that starts with this run sees them: the next
            # run looks at every file, whatever a watcher says.
            self.reads.listing = None
        else:
            site = self._model(touched)
        with timed(t, "compare"):
            templates_key = self._templates_key()
            full = self.site is None or templates_key != self.templates_key
            changed = set() if full or self.site is None else changed_parts(self.site, site)
            affected = self._dependents(changed)
            kept: set[str] = set()  # made by a run an edit stopped, and untouched by the edit
            if not (full and partial is not None and partial.templates_key == templates_key):
                partial = None  # from here on: set only when this run goes on from a stopped one
            if partial is not None:
                changed = changed_parts(partial.site, site)
                kept = {p for p, d in partial.deps.items() if not _reads_any(d, changed)}
        self.rendered = []
        if full or self.env is None:  # compiled templates are kept while the files are unchanged
            self.env = make_env(project.path("templates"))
        env = self.env
        with timed(t, "plan"):
            jobs = self._jobs(site, env)
        if self.ahead is not None and self.ahead[0] is not site:
            # A page asked for before this run writes it is made from this model (an edit stopped
            # the first run): one made from prepare()'s could be one this run no longer makes,
            # written after this run looked at docs/.
            self.ahead = (site, {path: make for path, make, _ in jobs}, self.ahead[2])
        outputs: dict[str, str] = {}
        deps: dict[str, set[Dep]] = {}
        todo: list[tuple[str, Callable[[Any], str], set[Dep]]] = []
        for job in jobs:
            path = job[0]
            if not full and path in self.outputs and path not in affected:
                outputs[path], deps[path] = self.outputs[path], self.deps[path]
            elif partial is not None and path in kept:
                outputs[path], deps[path] = partial.outputs[path], partial.deps[path]
            else:
                todo.append(job)
        made_before = partial.made if partial is not None else set()
        if made_before:
            # Pages not made yet before those the edit makes again (the listings and downloads,
            # which every edit of a record touches), and only the first may be cut short by the
            # next edit: each run stopped makes pages never made before, so the pages keep coming.
            todo.sort(key=lambda job: job[0] in made_before)
        if full and self.progress is not None:
            self.progress(f"{MAKING} {len(todo):,} files …")
        try:
            if self.early is not None and (not full or (partial is not None and changed)):
                # The pages of the edited records first, written and announced at once; the listings of
                # whole collections and the downloads, which take most of the time, after them.
                if full:  # what the pages not made yet read is not known: their records say
                    first = [job for job in todo if _edited_page(job, changed)]
                else:
                    first = [job for job in todo if self._own_page(job[0], site)]
                if first and len(first) < len(todo):
                    with timed(t, "render"):
                        self._render(first, site, outputs, deps)
                    with timed(t, "write"):
                        self.early_written = self._write_early({path: outputs[path] for path, _, _ in first})
                    # The dataset is made from every record: it comes with the listings.
                    later = ({path for path, _, _ in todo} - {path for path, _, _ in first}) | {FACTSHEET}
                    self.early_seconds = sum(t.values())
                    # After a stopped run the rest is most of the site, shown as it was meanwhile (as
                    # during any first run) rather than waited for.
                    self.early(self.early_written, set() if full else later)
                    todo = [job for job in todo if job[0] in later]
            with timed(t, "render"):
                self._render(todo, site, outputs, deps, stoppable=full, made_before=made_before)
            with timed(t, "index"):
                self._index(deps, full)
            self.outputs_before = self.outputs
            self.site, self.templates_key, self.outputs, self.deps = site, templates_key, outputs, deps
            # Unchanged text keeps its old bytes object: no re-encoding, and the writer's
            # comparison is an identity check.
            with timed(t, "write"):
                previous = self.files
                files = {
                    path: previous[path]
                    if self.outputs_before.get(path) is text and path in previous
                    else text.encode()
                    for path, text in outputs.items()
                }
                files[FACTSHEET] = dataset(site, files)  # from the records' bytes
                own = hand_written(project, files)
                files.update(own)
                # After the first run only these can differ from what was written last time.
                candidates = None if full else {*self.rendered, FACTSHEET, *own}
                stats = self._write(files, candidates)
        except _Stop:
            self.partial = _Partial(site, templates_key, outputs, deps, made_before | set(self.rendered))
            raise Superseded from None
        except BaseException:
            # Some files may be written and others not, and what is kept about them may be half
            # updated: the next run makes everything again and compares it with the disk.
            self.site, self.files = None, {}
            raise
        stats.written = sorted({*self.early_written, *stats.written})
        stats.removed = [rel for rel in stats.removed if rel != INCOMPLETE]  # no page of the site
        return stats

    def _own_page(self, path: str, site: Site) -> bool:
        """Whether a page read no whole collection when last made: a record's own page, not a listing."""
        deps = self.deps.get(path)
        return (
            path.endswith(".md")
            and deps is not None
            and path not in self.always
            and not any(
                key == ALL and isinstance(getattr(site, part, None), (dict, tuple)) for part, key in deps
            )
        )

    def _render(
        self,
        jobs: list[tuple[str, Callable[[Any], str], set[Dep]]],
        site: Site,
        outputs: dict[str, str],
        deps: dict[str, set[Dep]],
        stoppable: bool = False,
        made_before: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """Make ``jobs`` into ``outputs`` and ``deps``; ``stoppable``: stop (_Stop) before a page
        not in ``made_before`` when an edit is waiting (:attr:`superseded`), once at least one
        such page and MIN_RENDER_SECONDS of work are done."""
        start = time.thread_time()  # this thread's work: not the time it gave way to a browser's page
        new = 0
        for path, make, base in jobs:
            give_way()
            if path not in made_before:
                if (
                    stoppable
                    and new
                    and time.thread_time() - start >= MIN_RENDER_SECONDS
                    and self.superseded()
                ):
                    raise _Stop
                new += 1
            seen = set(base)
            outputs[path] = make(TrackedSite(site, seen))
            deps[path] = seen
            self.rendered.append(path)

    def _write_early(self, texts: dict[str, str]) -> list[str]:
        """Write these pages now, where their bytes changed; the paths written."""
        written = []
        tracked = bool(self.files)  # else a first run: its end compares every file with the disk
        for rel in sorted(texts):
            data = texts[rel].encode()
            if tracked:
                if self._write_changed(rel, data):
                    written.append(rel)
                self.files[rel] = data
            elif _differs(self.out / rel, data):
                write_atomic(self.out / rel, data)
                written.append(rel)
        return written

    def _write_changed(self, rel: str, data: bytes) -> bool:
        """Write ``data`` at ``rel`` unless the last run wrote those bytes there; whether it did."""
        old = self.files.get(rel)
        if old is data or old == data:
            return False
        write_atomic(self.out / rel, data)
        return True

    def _dependents(self, changed: set[Dep]) -> set[str]:
        """The paths that read a part of the model in ``changed``."""
        if not changed:
            return set()
        out = set(self.always)
        for dep in changed:
            out |= self.by_dep.get(dep, set())
        return out

    def _index(self, deps: dict[str, set[Dep]], full: bool) -> None:
        """Keep ``by_dep`` (part of the model -> paths that read it) in step with ``deps``."""
        if full:
            self.by_dep, self.always = {}, set()
            made = list(deps)
        else:
            # A page made again usually read the same parts as before: nothing to change.
            made = [p for p in self.rendered if self.deps.get(p) != deps.get(p)]
            for path in [*made, *(self.deps.keys() - deps.keys())]:  # changed or gone
                for dep in self.deps.get(path, ()):
                    self.by_dep.get(dep, set()).discard(path)
                self.always.discard(path)
        for path in made:
            if path not in deps:
                continue
            if ("*", ALL) in deps[path]:
                self.always.add(path)
            for dep in deps[path]:
                self.by_dep.setdefault(dep, set()).add(path)

    def _write(self, files: dict[str, bytes], candidates: set[str] | None = None) -> WriteStats:
        """Write what differs from the last run (or, on the first, from the disk).

        ``candidates``: the only paths whose bytes may have changed; None for all.
        """
        if not self.files:  # first run: compare with what is on disk
            stats = sync_tree(self.out, files)
        else:
            stats = WriteStats()
            check = sorted(files) if candidates is None else sorted(candidates & files.keys())
            for rel in check:
                if self._write_changed(rel, files[rel]):
                    stats.written.append(rel)
                else:
                    stats.unchanged += 1
            if candidates is not None:
                stats.unchanged += len(files) - len(check)
            for rel in sorted(self.files.keys() - files.keys()):
                remove_file(self.out, rel)
                stats.removed.append(rel)
        self.files = files
        return stats


def _page_job(env: Any, page: Page) -> Callable[[Any], str]:
    return lambda tracked: render_page(env, tracked, page)


def _page_deps(page: Page) -> set[Dep]:
    """What a page depends on through its context rather than through lookups."""
    deps: set[Dep] = set()
    for name, value in page.context.items():
        if name in ("meeting", "actor", "place", "topic", "source", "reference"):
            deps.add((name + "s", value.id))
        elif name == "entry":
            deps.add(("dates", value.key))
        elif name == "ids":
            deps.add((page.context["kind"], ALL))
        elif name == "target":  # the page at a former address: the record it sends readers to
            deps.add((page.context["kind"], value))
            deps.add(("former", (page.context["kind"], page.context["old"])))
        elif name == "letters" and value:  # the split by letter follows every name of the kind
            deps.add((value[0][0], ALL))
    return deps
