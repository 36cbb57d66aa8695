"""``serve``: MkDocs' live-reloading server over docs/, regenerated when a source changes.

A watchdog observer (already a dependency of MkDocs) watches content/,
templates/, pages/ and seeds/. After a short quiet period the pages are
regenerated in place, incrementally (incremental.py): only the pages that read
what changed are rendered, only changed files are rewritten, and MkDocs, which
watches docs/, rebuilds and reloads the browser. Invalid content is reported
and the last good pages stay up.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .build import BuildFailed, Project
from .errors import ValidationFailed, format_problems
from .incremental import Regenerator
from .render import RenderError

QUIET_SECONDS = 0.2


class _Regenerate(FileSystemEventHandler):
    def __init__(self, regenerator: Regenerator, report: Callable[[str], None]) -> None:
        self.regenerator, self.report = regenerator, report
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()  # guards the timer
        self.running = threading.Lock()  # one regeneration at a time

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or str(event.src_path).endswith("~"):
            return
        with self.lock:
            if self.timer:
                self.timer.cancel()
            self.timer = threading.Timer(QUIET_SECONDS, self.run)
            self.timer.daemon = True
            self.timer.start()

    def run(self) -> None:
        with self.running:
            report_regeneration(self.regenerator, self.report)
            self.regenerator.collect()  # the pages are on disk: tidy up while the browser reloads


def report_regeneration(regenerator: Regenerator, report: Callable[[str], None]) -> bool:
    """Regenerate docs/ in place, only what the edits call for; report what changed or what is wrong."""
    try:
        stats = regenerator.run()
    except ValidationFailed as exc:
        report(format_problems(exc.problems, "text") + "\nThe previous pages stay up until this is fixed.")
        return False
    except (BuildFailed, RenderError) as exc:
        report(f"error: {exc}")
        return False
    if stats.written or stats.removed:
        report(f"Regenerated: {len(stats.written)} written, {len(stats.removed)} removed.")
    return True


def serve(project: Project, dev_addr: str, report: Callable[[str], None]) -> None:
    """Generate docs/, then serve it with live reload until interrupted."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    regenerator = Regenerator(project)
    if not report_regeneration(regenerator, report) and not project.path("docs").is_dir():
        raise BuildFailed("fix the problems above, then run serve again")
    gc.freeze()  # the model is long-lived: keep the cyclic collector from walking it on every edit
    handler = _Regenerate(regenerator, report)
    observer = Observer()
    for name in ("content", "templates", "pages", "seeds"):
        path: Path = project.path(name)
        if path.is_dir():
            observer.schedule(handler, str(path), recursive=True)
    observer.daemon = True
    observer.start()
    try:
        mkdocs_serve(config_file=str(project.path("config")), dev_addr=dev_addr, livereload=True)
    finally:
        observer.stop()
