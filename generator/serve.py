"""``serve``: the live preview, regenerated when a source changes.

A watchdog observer (already a dependency of MkDocs) watches content/,
templates/, pages/ and seeds/. After a short quiet period the pages are
regenerated in place, incrementally (incremental.py): only the pages that read
what changed are rendered and only changed files are rewritten. Invalid
content is reported and the last good pages stay up.

The pages are served by :mod:`generator.preview`, which builds each page when
the browser asks for it and is told which docs/ files each regeneration wrote;
the browser reloads by itself. ``--mkdocs`` serves with ``mkdocs serve``
instead, which rebuilds the whole site after every change (slow on a large
sheet, but the engine's own server).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from .build import BuildFailed, Project, long_lived_objects
from .engine import EngineError
from .errors import ValidationFailed, format_problems
from .incremental import INCOMPLETE, Regenerator, Superseded
from .parallel import giving_way
from .preview import Ahead, Preview
from .render import RenderError
from .write import WriteStats

QUIET_SECONDS = 0.05  # an editor's save is several events within a few milliseconds
SOURCES = ("content", "templates", "pages", "seeds")
READY = "Pages up to date; watching content/, templates/, pages/ and seeds/ for changes."


class _Debounced(FileSystemEventHandler):
    """Calls ``action`` once events have stopped for QUIET_SECONDS, one call at a time.

    ``action`` is given the files the events since its last call modified (absolute
    paths), or None when one of them was anything else (a file created, removed or
    moved, a folder changed): then everything is to be looked at.
    """

    def __init__(
        self, action: Callable[[set[str] | None], None], started: Callable[[], None] = lambda: None
    ) -> None:
        self.action, self.started = action, started
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()  # guards the timer and the files touched
        self.running = threading.Lock()  # one action at a time
        self.touched: set[str] | None = set()
        self.waiting = threading.Event()  # events came that no call of ``action`` has taken yet

    def wanted(self, event: FileSystemEvent) -> bool:
        return event.event_type not in ("opened", "closed_no_write") and not str(event.src_path).endswith("~")

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not self.wanted(event):
            return
        self.started()
        with self.lock:
            news = True
            if event.event_type in ("modified", "closed") and not event.is_directory:
                if self.touched is not None:
                    self.touched.add(os.path.abspath(os.fsdecode(event.src_path)))
            elif not (event.is_directory and event.event_type == "modified"):
                self.touched = None
            else:
                news = False  # a folder's mtime
            # An edit waits: worth stopping a run of every page for (not an editor's swap file).
            if news and not _hidden(event):
                self.waiting.set()
            if self.timer:
                self.timer.cancel()
            self.timer = threading.Timer(QUIET_SECONDS, self.run)
            self.timer.daemon = True
            self.timer.start()

    def run(self) -> None:
        with self.running:
            with self.lock:
                touched, self.touched = self.touched, set()
                self.waiting.clear()
            self.action(touched)


def _hidden(event: FileSystemEvent) -> bool:
    """Whether the event is only about hidden files (an editor's swap and backup files), which
    are no content: the loader leaves them alone."""
    paths = [event.src_path, getattr(event, "dest_path", "") or event.src_path]
    return all(os.path.basename(os.fsdecode(p)).startswith(".") for p in paths)


class _ConfigChanged(_Debounced):
    def __init__(self, config: Path, action: Callable[[set[str] | None], None]) -> None:
        super().__init__(action)
        self.config = config

    def wanted(self, event: FileSystemEvent) -> bool:
        paths = {str(event.src_path), str(getattr(event, "dest_path", ""))}
        theme = str(self.config.parent / "overrides")
        return super().wanted(event) and (
            str(self.config) in paths or any(p.startswith(theme) for p in paths)
        )


def report_regeneration(
    regenerator: Regenerator, report: Callable[[str], None], touched: set[str] | None = None
) -> WriteStats | None:
    """Regenerate docs/ in place, only what the edits call for; report what changed or what is wrong.

    ``touched``: the files changed, when known (see :meth:`Regenerator.run`).
    Returns what was written and removed, or None when nothing could be.
    """
    start = time.perf_counter()
    try:
        stats = regenerator.run(touched)
    except ValidationFailed as exc:
        report(format_problems(exc.problems, "text") + "\nThe previous pages stay up until this is fixed.")
        return None
    except (BuildFailed, RenderError) as exc:
        report(f"error: {exc}")
        return None
    if stats.written or stats.removed:
        early = (
            f"; the edited records' pages in {regenerator.early_seconds:.2f} s"
            if regenerator.early_written
            else ""
        )
        report(
            f"Regenerated: {len(stats.written)} written, {len(stats.removed)} removed "
            f"({time.perf_counter() - start:.2f} s{early})."
        )
    return stats


def _watch(project: Project, handler: FileSystemEventHandler) -> BaseObserver:
    observer = Observer()
    for name in SOURCES:
        path: Path = project.path(name)
        if path.is_dir():
            observer.schedule(handler, str(path), recursive=True)
    observer.daemon = True
    return observer


def serve(project: Project, dev_addr: str, report: Callable[[str], None], *, engine: bool = False) -> None:
    """Generate docs/, then serve it with live reload until interrupted.

    ``engine``: serve with ``mkdocs serve`` (whole-site rebuilds) instead of the preview.
    """
    if threading.current_thread() is threading.main_thread():  # a plain kill tidies up too
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    if engine:
        _engine_serve(project, dev_addr, report)
        return
    regenerator = Regenerator(project)
    docs = project.path("docs")
    # docs/ as an earlier run left it; not when a first start was stopped before it had made everything
    earlier = docs.is_dir() and any(docs.iterdir()) and not (docs / INCOMPLETE).exists()
    expected: list[str] = []
    ahead: Ahead | None = None
    if not earlier:  # nothing to show yet: check the content, then make pages as they are asked for
        try:
            expected, ahead = _checked_start(project, regenerator)
        except ValidationFailed as exc:
            report(format_problems(exc.problems, "text"))
            raise BuildFailed("fix the problems above, then run serve again") from None
    try:
        preview = Preview(project, report, expected, regenerator.make_now if expected else None, ahead)
    except EngineError as exc:
        raise BuildFailed(str(exc)) from None
    try:
        _preview_serve(project, dev_addr, report, regenerator, preview, earlier)
    finally:
        preview.stop()  # its scratch folder goes, however serve ends


def _preview_serve(
    project: Project,
    dev_addr: str,
    report: Callable[[str], None],
    regenerator: Regenerator,
    preview: Preview,
    earlier: bool,
) -> None:
    host, _, port = dev_addr.rpartition(":")
    # Until the first regeneration is done, the search index waits: not a page of it is built
    # while the browser's first page is (both would want the engine at once).
    preview.editing.set()
    server = preview.start(host.strip("[]") or "127.0.0.1", int(port))
    report(f"Serving on http://{dev_addr}/")
    first = threading.Event()

    def regenerate(touched: set[str] | None = None) -> None:
        superseded = False
        try:
            try:
                # The first run looks at every file; a run after a stopped one at what changed since
                # (every file again if the stopped one had not read them all: see load_content).
                known = first.is_set() or regenerator.partial is not None
                with giving_way(preview.pages_first):  # a page a browser waits for goes first
                    stats = report_regeneration(regenerator, report, touched if known else None)
            except Superseded:  # an edit came during a run that makes every page: it goes next
                superseded = True
                report("An edit came in: its pages first, then the rest …")
                return
            early = set(regenerator.early_written)
            if stats is not None:
                preview.changed([p for p in stats.written if p not in early], stats.removed)
            if not first.is_set():
                preview.all_written()
                gc.freeze()  # the model is long-lived: keep the cyclic collector from walking it each edit
                first.set()
                report(READY if stats is not None else f"Watching {', '.join(SOURCES)} for changes.")
            else:
                regenerator.collect()  # the pages are on disk: tidy up while the browser reloads
        finally:
            if not superseded:  # else still editing: the run for the edit follows at once
                preview.settle()  # nothing more is coming: pages waiting are served as they are
                preview.editing.clear()

    # The pages of the edited records are shown as soon as they are written; the rest follows.
    def early(written: list[str], later: set[str]) -> None:
        preview.changed(written, (), pending=later)
        preview.wait_for_reloads()  # the browsers showing those pages reload before the rest is made

    regenerator.early = early
    handler = _Debounced(regenerate, started=preview.editing.set)
    regenerator.superseded = handler.waiting.is_set  # an edit need not wait for a whole first run
    regenerator.progress = report
    observer = _watch(project, handler)
    config = project.path("config")
    reload = _ConfigChanged(config, lambda _touched: preview.reload())
    observer.schedule(reload, str(config.parent), recursive=False)
    if (config.parent / "overrides").is_dir():
        observer.schedule(reload, str(config.parent / "overrides"), recursive=True)
    # Show the last run's pages at once (or, without them, each page as it is asked for) and
    # bring docs/ up to date meanwhile, watching already: an edit saved meanwhile is seen.
    if earlier:
        report("Serving the pages of the last run while checking the content …")
    else:
        report("Serving each page as it is asked for while the others are generated …")
    observer.start()
    threading.Thread(target=handler.run, name="first-regeneration", daemon=True).start()
    try:
        threading.Event().wait()  # until interrupted
    except KeyboardInterrupt:
        report("Stopped.")
    finally:
        observer.stop()
        server.shutdown()
        server.server_close()


# How long a save caught half-written gets to finish before the content is checked again.
SAVE_SETTLES = 0.3


def _checked_start(project: Project, regenerator: Regenerator) -> tuple[list[str], Ahead]:
    """The content checked and planned for a start without docs/ (``Regenerator.prepare``), with
    MkDocs loaded meanwhile. A file saved while it was read (an editor caught halfway through
    writing it: an empty file) is read again, once, rather than stopping serve for it.

    Raises ValidationFailed when the content is still wrong.
    """
    for attempt in range(2):
        began = time.time()
        ahead = Ahead(project)
        try:
            # The model is long-lived: left in the cyclic collector's reach, the collector walks
            # it again and again while the engine's view of the site is loaded (about 2 s at 10,000
            # meetings), starting as soon as it is turned back on. MkDocs' configuration and theme
            # are loaded while workers start reading the content.
            with long_lived_objects():
                return regenerator.prepare(meanwhile=ahead.load), ahead
        except ValidationFailed as exc:
            ahead.discard()
            if attempt or not _saved_since(project, exc, began):
                raise
            time.sleep(SAVE_SETTLES)
        except BaseException:
            ahead.discard()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _saved_since(project: Project, failed: ValidationFailed, began: float) -> bool:
    """Whether a file with a problem was written since ``began``."""
    for problem in failed.problems:
        try:
            if (project.root / problem.loc.file).stat().st_mtime >= began:
                return True
        except OSError:
            continue
    return False


def _engine_serve(project: Project, dev_addr: str, report: Callable[[str], None]) -> None:
    """``mkdocs serve`` over docs/, which it rebuilds whole when the regeneration rewrites it."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    regenerator = Regenerator(project)

    def regenerate(touched: set[str] | None) -> None:
        report_regeneration(regenerator, report, touched)
        regenerator.collect()

    handler = _Debounced(regenerate)
    observer = _watch(project, handler)
    observer.start()  # before the first run: an edit saved during it is seen
    with handler.running:
        if report_regeneration(regenerator, report) is None and not project.path("docs").is_dir():
            observer.stop()
            raise BuildFailed("fix the problems above, then run serve again")
    gc.freeze()
    try:
        mkdocs_serve(config_file=str(project.path("config")), dev_addr=dev_addr, livereload=True)
    finally:
        observer.stop()
