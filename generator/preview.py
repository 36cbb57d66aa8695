"""The live preview's web server: each page built when the browser asks for it.

``mkdocs serve`` builds the whole site before it serves a page, and again
after every change (minutes at 10,000 meetings). Here the engine's view of the
site (configuration, file list, navigation, theme; :mod:`generator.engine`)
is loaded once, and a page is built through the engine's own page pipeline
only when it is asked for, then kept until the Markdown it is made from
changes. The bytes are those ``build`` publishes (compacted the same way);
only the live-reload script is added.

- **Edits.** ``serve`` regenerates docs/ incrementally and tells
  :meth:`Preview.changed` which files it wrote and removed: those pages are
  dropped from the cache (every page, if files came or went or a title in the
  navigation changed), the file list and navigation are updated, and the
  browser, long-polling ``/livereload/EPOCH``, reloads.
- **Static files** (the theme's assets, downloads, images) are read from where
  they are, docs/ or the theme's folders; nothing is copied.
- **Search.** A background thread builds every page once, in the build's
  order, to collect the search plugin's entries, then has the plugins write the
  index (``search/search_index.json``, the offline plugin's ``.js``) into a
  private folder; after edits it builds again only the pages that changed. It
  steps aside while a page is asked for or content is being regenerated, so
  it never delays a page by more than the one it is building.
"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import mimetypes
import posixpath
import re
import select
import shutil
import socket
import socketserver
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .build import Project, config_overrides
from .engine import Engine, Loaded, SearchEntries
from .write import compact_html

Report = Callable[[str], None]

PAGES_KEPT = 256  # built pages kept in memory (about 25 KB each)
SEARCH_WRITE_EVERY = 15.0  # seconds: while the first index is being built, write what there is this often
SEARCH_FILES = ("search/search_index.json", "search/search_index.js")
SEARCH_READY = "Search index complete"
# The regeneration waits for a page being built for a browser at most this long at a time
# (see Preview.pages_first): a bound in case that page ever waits for the regeneration.
PAGES_FIRST_SECONDS = 1.0
POLL_SECONDS = 60.0  # a live-reload request is answered after this long even if nothing changed
# After a change the search index waits this long: the browsers reloading come first (a page
# being indexed holds the engine, and a long listing takes a good part of a second).
SEARCH_GRACE = 2.0

LIVE_RELOAD = """<script id="factsheet-live-reload">(function (epoch) {
  var req, timeout;
  function stop() {
    if (req) { req.abort(); }
    if (timeout) { clearTimeout(timeout); }
    req = timeout = undefined;
  }
  function poll() {
    stop();
    req = new XMLHttpRequest();
    req.onloadend = function () {
      if (parseFloat(this.responseText) > epoch) { location.reload(); }
      else { timeout = setTimeout(poll, this.status === 200 ? 0 : 3000); }
    };
    req.open("GET", "/livereload/" + epoch + "?page=" + encodeURIComponent(location.pathname));
    req.send();
  }
  window.addEventListener("load", function () { if (document.visibilityState === "visible") { poll(); } });
  window.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { poll(); } else { stop(); }
  });
  window.addEventListener("beforeunload", stop);
})(EPOCH);</script>"""
_LIVE_RELOAD_RE = re.compile(r'<script id="factsheet-live-reload">.*?</script>', re.DOTALL)


def without_live_reload(html: str) -> str:
    """A served page as ``build`` writes it: the live-reload script taken out."""
    return _LIVE_RELOAD_RE.sub("", html)


def _with_live_reload(html: bytes, epoch: int) -> bytes:
    script = LIVE_RELOAD.replace("EPOCH", str(epoch)).encode()
    end = html.rfind(b"</body>")
    end = len(html) if end < 0 else end
    return html[:end] + script + html[end:]


# Files a page does not show (downloads, data): written, they reload no page. Any other file
# written that is not a page (a stylesheet, an image) reloads every page.
NOT_SHOWN = (".csv", ".json", ".ics", ".zip", ".xml", ".txt", ".yaml", ".md")


def site_path(url_path: str) -> str:
    """The file a URL path asks for, as a path in the site ("/" is "index.html")."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url_path).path)
    rel = posixpath.normpath("/" + path).lstrip("/")
    if rel in ("", "."):
        return "index.html"
    return rel + "/index.html" if path.endswith("/") else rel


_TYPES = {".js": "text/javascript", ".json": "application/json", ".csv": "text/csv", ".md": "text/plain"}


def _content_type(path: str) -> str:
    suffix = posixpath.splitext(path)[1].lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    text = kind.startswith("text/") or kind in ("application/json", "image/svg+xml")
    return f"{kind}; charset=utf-8" if text else kind


class Response:
    """What one request gets back."""

    def __init__(self, status: int, body: bytes, path: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}
        self.headers.setdefault("Content-Type", _content_type(path))


class Ahead:
    """A preview's scratch folder, and its engine's configuration and theme loaded ahead by
    :meth:`load` (a first start does it while the content is read, on a core that is free)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.work = Path(tempfile.mkdtemp(prefix="factsheet-preview-"))
        self.loaded: Loaded | None = None

    def load(self) -> None:
        config, docs, site, overrides = _engine_args(self.project, self.work)
        try:
            docs.mkdir(exist_ok=True)  # the engine wants it there (empty, it is no earlier run's pages)
            self.loaded = Loaded(config, docs, site, overrides)
        except Exception:  # the engine loads it again when it starts, and says what is wrong
            self.loaded = None

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def _engine_args(project: Project, work: Path) -> tuple[Path, Path, Path, dict[str, str]]:
    # With what `build` adds to mkdocs.yml (repository, site address): a served page is the built one.
    return project.path("config"), project.path("docs"), work / "site", config_overrides(project)


class Preview:
    """The site as the browser sees it while editing: pages built on demand, search in the background."""

    def __init__(
        self,
        project: Project,
        report: Report,
        expected: Iterable[str] = (),
        make: Callable[[list[str]], None] | None = None,
        ahead: Ahead | None = None,
    ) -> None:
        """``expected``: docs/ paths not written yet (a first start without docs/), which ``make``
        writes when they are asked for, until they are all there. ``ahead``: the scratch folder
        and what was loaded ahead (the preview removes the folder when it stops or fails)."""
        self.project, self.report = project, report
        self.expected, self.make = list(expected), make
        self.lock = threading.Lock()  # the engine and the caches below
        self.work = ahead.work if ahead else Path(tempfile.mkdtemp(prefix="factsheet-preview-"))
        try:
            self.engine = self._engine(ahead.loaded if ahead else None)
        except BaseException:
            shutil.rmtree(self.work, ignore_errors=True)
            raise
        self.pages: OrderedDict[str, bytes] = OrderedDict()  # site path -> page as built (compacted)
        self.entries: dict[str, SearchEntries] = {}  # docs path -> the page's search entries
        self.search_dir: Path | None = None  # holds search/ once an index has been written
        self.search_writes = 0
        self.search_complete = False  # an index of every page has been written
        self.epoch = int(time.time() * 1000)  # a page reloads when the epoch passes the one it was served at
        self.epoch_changed = threading.Condition()
        # When every page last changed (the configuration, files added or removed).
        self.all_epoch = self.epoch
        self.page_epochs: dict[str, int] = {}  # site path -> when that page last changed
        self.pending: set[str] = set()  # site paths being regenerated: asked for, they wait
        self.watched: Counter[str] = Counter()  # site path -> browsers showing it (waiting for a change)
        self.polled: dict[str, int] = {}  # site path -> the latest epoch a browser showing it asked from
        self.reloading: tuple[set[str], int] = (set(), 0)  # pages told to reload by the last change, and when
        self.changed_at = 0.0  # time.monotonic() of the last change
        self._busy = 0  # pages being built for the browser
        self._busy_lock = threading.Lock()
        self.editing = threading.Event()  # set by serve while content is being regenerated
        self.search_wanted = threading.Event()
        self.stopping = threading.Event()
        self.search_wanted.set()

    def _engine(self, loaded: Loaded | None = None) -> Engine:
        """The engine; ``loaded``: what a first start loaded ahead (a reload loads it afresh)."""
        config, docs, site, overrides = _engine_args(self.project, self.work)
        return Engine(
            config, docs, site, overrides=overrides, expected=self.expected, make=self.make, loaded=loaded
        )

    # --- answering requests --------------------------------------------------------------------

    @contextlib.contextmanager
    def _foreground(self) -> Iterator[None]:
        with self._busy_lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy -= 1

    def get(self, raw_path: str, etag: str | None = None) -> Response:
        """The response to a GET of ``raw_path`` (a URL path, possibly with a query).

        ``etag``: the browser's If-None-Match. A static file it already has is
        answered 304, so a reload after an edit fetches the page and little else.
        """
        rel = site_path(raw_path)
        if rel in self.pending:  # being regenerated: the page as it will be, not as it was
            with self.epoch_changed:
                self.epoch_changed.wait_for(
                    lambda: rel not in self.pending or self.stopping.is_set(), POLL_SECONDS
                )
        static: Path | None = None
        with self._foreground(), self.lock:
            epoch = self.epoch
            if rel in SEARCH_FILES:
                static = self.search_dir / rel if self.search_dir else None
            else:
                file = self.engine.lookup(rel)
                if file is None:
                    if self.engine.lookup(rel + "/index.html") is not None:
                        return Response(302, b"", rel, {"Location": "/" + urllib.parse.quote(rel) + "/"})
                    if rel in self.engine.static_templates() and rel != "404.html":
                        return Response(200, self._template(rel), rel)
                    return Response(404, _with_live_reload(self._template("404.html"), epoch), "404.html")
                static = self.engine.source_path(file)
                if self.make is not None and static is not None and not static.exists():
                    self.make([file.src_uri])  # not generated yet: made now
                if self.engine.is_page(file):
                    return Response(200, _with_live_reload(self._page(file), epoch), rel)
                if static is None:
                    return Response(200, self.engine.content_bytes(file), rel)
        try:
            if static is None:
                raise FileNotFoundError(rel)
            stat = static.stat()
            tag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            if etag == tag:
                return Response(304, b"", rel, {"ETag": tag})
            return Response(200, static.read_bytes(), rel, {"ETag": tag})
        except OSError:
            why = "the search index is still being built" if rel in SEARCH_FILES else "no such file"
            return Response(404, why.encode(), "x.txt")

    def _page(self, file: Any) -> bytes:
        url = file.dest_uri
        html = self.pages.get(url)
        if html is not None:
            self.pages.move_to_end(url)
            return html
        try:
            output, entries = self.engine.build_page(file)
        except Exception:
            message = traceback.format_exc()
            self.report(f"error: building {file.src_uri} failed:\n{message}")
            return b"<!doctype html><title>Error</title><pre>" + _escape(message) + b"</pre></body>"
        self.entries[file.src_uri] = entries
        html = compact_html(output).encode("utf-8", errors="xmlcharrefreplace")
        self.pages[url] = html
        if len(self.pages) > PAGES_KEPT:
            self.pages.popitem(last=False)
        return html

    def _template(self, name: str) -> bytes:
        key = "\0" + name
        html = self.pages.get(key)
        if html is None:
            text = self.engine.build_template(name)
            html = self.pages[key] = (compact_html(text) if name.endswith(".html") else text).encode()
        return html

    def wait_for_change(
        self,
        epoch: int,
        page: str | None = None,
        timeout: float = POLL_SECONDS,
        gone: Callable[[], bool] | None = None,
    ) -> int:
        """The current epoch as soon as ``page`` (a site path; None: any) changed after ``epoch``.

        After ``timeout`` with no such change, or once ``gone()`` says the browser
        has left (looked at every quarter of a second), ``epoch`` itself: the
        browser asks again, if it is still there.
        """

        # A page of the site, watched; not one (a 404) reloads when every page does (a file came).
        watched = page if page is not None and self.engine.lookup(page) is not None else None

        def changed() -> bool:
            if page is None:
                return self.epoch > epoch
            return max(self.all_epoch, self.page_epochs.get(page, 0) if watched else 0) > epoch

        with self.epoch_changed:
            if watched is not None:
                self.watched[watched] += 1
                self.polled[watched] = max(self.polled.get(watched, 0), epoch)
                self.epoch_changed.notify_all()
            try:
                deadline = time.monotonic() + timeout
                while True:
                    left = max(0.0, deadline - time.monotonic())
                    if self.epoch_changed.wait_for(
                        lambda: changed() or self.stopping.is_set(), min(left, 0.25)
                    ):
                        return self.epoch if changed() else epoch
                    if left <= 0.25 or (gone is not None and gone()):
                        break
                return epoch
            finally:
                if watched is not None:
                    self.watched[watched] -= 1
                    if not self.watched[watched]:
                        del self.watched[watched]

    def _bump(self, pages: set[str] | None = None) -> int:
        """A new epoch, returned: the browsers showing ``pages`` (site paths; None: every page) reload."""
        with self.epoch_changed:
            self.epoch = max(int(time.time() * 1000), self.epoch + 1)
            if pages is None:
                self.all_epoch = self.epoch
            else:
                self.page_epochs.update(dict.fromkeys(pages, self.epoch))
            self.changed_at = time.monotonic()
            self.epoch_changed.notify_all()
            return self.epoch

    # --- keeping up with edits -----------------------------------------------------------------

    def changed(self, written: Iterable[str], removed: Iterable[str], pending: Iterable[str] = ()) -> None:
        """docs/ has new bytes at ``written`` and lost ``removed``: forget what they made, reload browsers.

        Only the browsers showing a page written reload, unless every page may
        have changed. ``pending``: docs/ paths still being regenerated; asked
        for meanwhile, their pages wait for the next call, which clears them.
        """
        written, removed = list(written), list(removed)
        with self.lock:
            everything = bool(written or removed) and self.engine.update(written, removed)
            if everything:
                self.pages.clear()
            shown: set[str] = set()
            for rel in written:
                file = self.engine.files.get_file_from_path(rel)
                if file is None:
                    continue
                self.pages.pop(file.dest_uri, None)
                if self.engine.is_page(file):
                    shown.add(file.dest_uri)
                elif not rel.endswith(NOT_SHOWN):
                    everything = True
            for rel in (*written, *removed):
                self.entries.pop(rel, None)
            # The pages open in a browser are built before it is told to reload: it finds them ready.
            with self.epoch_changed:
                open_pages = set(self.watched)
            reloading = open_pages if everything else open_pages & shown
            for url in sorted(reloading):
                file = self.engine.lookup(url)
                if file is not None and self.engine.is_page(file):
                    self._page(file)
            waiting = set()
            for rel in pending:
                file = self.engine.files.get_file_from_path(rel)
                if file is not None:
                    waiting.add(file.dest_uri)
        self._hold(waiting)
        told_at = 0
        if everything or shown:
            self.search_wanted.set()
            told_at = self._bump(None if everything else shown)
        with self.epoch_changed:  # a page still to be made is not waited for: it waits for us
            self.reloading = (reloading - waiting if told_at else set(), told_at)

    def all_written(self) -> None:
        """docs/ holds every file now (or the first run failed): nothing more is made on demand, and
        the files expected at the start are no longer assumed (a reload reads docs/ as it is)."""
        with self.lock:
            self.expected, self.make = [], None
            self.engine.all_there()

    def settle(self) -> None:
        """No regeneration is under way: pages waiting for one are served as they are."""
        self._hold(set())

    def _hold(self, pages: set[str]) -> None:
        """From now on, ``pages`` (site paths) asked for wait for the next change; the others are served."""
        with self.epoch_changed:
            self.pending = pages
            self.epoch_changed.notify_all()

    def wait_for_reloads(self, timeout: float = 1.0) -> None:
        """Wait (at most ``timeout``) until the browsers told to reload by the last change have.

        A browser has reloaded when its page asks for changes after that one.
        Work that can wait (the listings, after the edited records' own pages)
        waits for this, so that it does not slow down the pages being reloaded.
        """
        with self.epoch_changed:
            pages, epoch = self.reloading
            self.epoch_changed.wait_for(
                lambda: self.stopping.is_set() or all(self.polled.get(p, 0) >= epoch for p in pages), timeout
            )

    def reload(self) -> None:
        """The configuration or the theme changed: load the engine again and build every page afresh."""
        try:
            engine = self._engine()
        except Exception as exc:  # whatever a broken mkdocs.yml or theme raises
            self.report(f"error: the site configuration cannot be loaded; the previous one stays: {exc}")
            return
        with self.lock:
            self.engine = engine
            self.pages.clear()
            self.entries.clear()
        self.search_wanted.set()
        self._bump()

    def pages_first(self) -> None:
        """Wait while a page is being built for a browser (see PAGES_FIRST_SECONDS).

        ``serve``'s regeneration calls this between files and pages: a thread as busy as it would
        otherwise take every other time slice of the interpreter, doubling the time the browser
        waits (the first page after a start, the edited page after an edit).
        """
        if not self._busy:
            return
        deadline = time.monotonic() + PAGES_FIRST_SECONDS
        while self._busy and time.monotonic() < deadline and not self.stopping.is_set():
            time.sleep(0.002)

    # --- search, in the background -------------------------------------------------------------

    def _wait_until_idle(self) -> None:
        while not self.stopping.is_set() and (
            self._busy or self.editing.is_set() or time.monotonic() - self.changed_at < SEARCH_GRACE
        ):
            time.sleep(0.02)

    def index_search(self) -> None:
        """Keep the search index current: the background thread's loop (runs until :meth:`stop`)."""
        while not self.stopping.is_set():
            self.search_wanted.wait()
            if self.stopping.is_set():
                return
            try:
                self.update_search()
            except Exception:
                self.report(f"error: the search index could not be built:\n{traceback.format_exc()}")

    def update_search(self) -> None:
        """Build the pages the index lacks, then write it (unless something changes meanwhile)."""
        self.search_wanted.clear()
        with self.lock:
            if not self.engine.has_search:
                return
            todo = [src for src, _ in self.engine.page_urls() if src not in self.entries]
        last_write = time.monotonic()
        for src in todo:
            if self.stopping.is_set() or self.search_wanted.is_set():
                return  # something changed meanwhile: start again from the new state
            self._wait_until_idle()
            with self.lock:
                file = self.engine.files.get_file_from_path(src)
                if file is None or src in self.entries or not self.engine.is_page(file):
                    continue
                self.entries[src] = self.engine.build_page(file)[1]
            if not self.search_complete and time.monotonic() - last_write > SEARCH_WRITE_EVERY:
                self._write_search(complete=False)
                last_write = time.monotonic()
        self._write_search(complete=True)

    def _write_search(self, complete: bool) -> None:
        self._wait_until_idle()
        with self.lock:
            folder = self.work / f"search-{self.search_writes + 1}"
            pages = [src for src, _ in self.engine.page_urls()]
            if complete and any(src not in self.entries for src in pages):
                self.search_wanted.set()  # pages came while this pass ran: another pass
                return
            entries = [e for src in pages for e in self.entries.get(src, ())]
            self.engine.write_search_index(entries, folder)
            old, self.search_dir = self.search_dir, folder
            self.search_writes += 1
            first = complete and not self.search_complete
            self.search_complete = self.search_complete or complete
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        if first:  # later ones follow every edit: not worth a line each
            self.report(f"{SEARCH_READY}: {len(pages):,} pages; it is refreshed after each change.")

    # --- the server ----------------------------------------------------------------------------

    def start(self, host: str, port: int) -> _Server:
        """Serve on ``host:port`` from a thread; start indexing search in another.

        ``host`` may be an IPv6 address (``::1``). On a loopback address only
        requests naming a loopback host are answered, so that a web page
        elsewhere cannot read the preview through a domain name pointed at
        this machine (DNS rebinding).
        """
        server = (_Server6 if ":" in host else _Server)((host, port), _Handler)
        server.preview = self
        server.local_only = _loopback(host)
        threading.Thread(target=server.serve_forever, name="preview-http", daemon=True).start()
        threading.Thread(target=self.index_search, name="preview-search", daemon=True).start()
        return server

    def stop(self) -> None:
        self.stopping.set()
        self.search_wanted.set()
        with self.epoch_changed:
            self.epoch_changed.notify_all()
        shutil.rmtree(self.work, ignore_errors=True)


def _escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower().rstrip(".") == "localhost"


def _host_name(header: str) -> str:
    """The host a Host header names, without its port: ``[::1]:8000`` is ``::1``."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    preview: Preview
    local_only = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        self.do_GET(body=False)

    def do_GET(self, body: bool = True) -> None:
        preview = self.server.preview
        host = _host_name(self.headers.get("Host", ""))
        if self.server.local_only and host and not _loopback(host):
            response = Response(403, b"the preview answers requests for localhost only", "x.txt")
        elif m := re.fullmatch(r"/livereload/([0-9]+)(?:/[0-9]+)?(?:\?page=(.*))?", self.path):
            epoch = preview.wait_for_change(
                int(m[1]),
                site_path(urllib.parse.unquote(m[2])) if m[2] is not None else None,
                gone=self._gone,
            )
            response = Response(200, str(epoch).encode(), "x.txt")
        else:
            response = preview.get(self.path, self.headers.get("If-None-Match"))
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if body:
            with contextlib.suppress(OSError):
                self.wfile.write(response.body)

    def _gone(self) -> bool:
        """Whether the browser has closed this connection (it left the page, or hid its tab)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a line per asset would bury the content problems the terminal is for
