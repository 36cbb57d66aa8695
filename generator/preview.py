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
import mimetypes
import posixpath
import re
import shutil
import socketserver
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .build import Project, config_overrides
from .engine import Engine, SearchEntries
from .write import compact_html

Report = Callable[[str], None]

PAGES_KEPT = 256  # built pages kept in memory (about 25 KB each)
SEARCH_WRITE_EVERY = 15.0  # seconds: while the first index is being built, write what there is this often
SEARCH_FILES = ("search/search_index.json", "search/search_index.js")
SEARCH_READY = "Search index complete"
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
    req.open("GET", "/livereload/" + epoch);
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


class Preview:
    """The site as the browser sees it while editing: pages built on demand, search in the background."""

    def __init__(self, project: Project, report: Report) -> None:
        self.project, self.report = project, report
        self.lock = threading.Lock()  # the engine and the caches below
        self.work = Path(tempfile.mkdtemp(prefix="factsheet-preview-"))
        try:
            self.engine = self._engine()
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
        self.changed_at = 0.0  # time.monotonic() of the last change
        self._busy = 0  # pages being built for the browser
        self._busy_lock = threading.Lock()
        self.editing = threading.Event()  # set by serve while content is being regenerated
        self.search_wanted = threading.Event()
        self.stopping = threading.Event()
        self.search_wanted.set()

    def _engine(self) -> Engine:
        # With what `build` adds to mkdocs.yml (repository, site address): a served page is the built one.
        return Engine(
            self.project.path("config"),
            self.project.path("docs"),
            self.work / "site",
            overrides=config_overrides(self.project),
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
        path = urllib.parse.unquote(urllib.parse.urlsplit(raw_path).path)
        rel = posixpath.normpath("/" + path).lstrip("/")
        if rel in ("", "."):
            rel = "index.html"
        elif path.endswith("/"):
            rel += "/index.html"
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
                if self.engine.is_page(file):
                    return Response(200, _with_live_reload(self._page(file), epoch), rel)
                static = self.engine.source_path(file)
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

    def wait_for_change(self, epoch: int, timeout: float = POLL_SECONDS) -> int:
        """The current epoch, as soon as it is past ``epoch`` (or after ``timeout``)."""
        with self.epoch_changed:
            self.epoch_changed.wait_for(lambda: self.epoch > epoch or self.stopping.is_set(), timeout)
            return self.epoch

    def _bump(self) -> None:
        with self.epoch_changed:
            self.epoch = max(int(time.time() * 1000), self.epoch + 1)
            self.changed_at = time.monotonic()
            self.epoch_changed.notify_all()

    # --- keeping up with edits -----------------------------------------------------------------

    def changed(self, written: Iterable[str], removed: Iterable[str]) -> None:
        """docs/ has new bytes at ``written`` and lost ``removed``: forget what they made, reload browsers."""
        written, removed = list(written), list(removed)
        if not written and not removed:
            return
        with self.lock:
            everything = self.engine.update(written, removed)
            if everything:
                self.pages.clear()
            else:
                for rel in written:
                    file = self.engine.files.get_file_from_path(rel)
                    if file is not None:
                        self.pages.pop(file.dest_uri, None)
            for rel in (*written, *removed):
                self.entries.pop(rel, None)
        self.search_wanted.set()
        self._bump()

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
        """Serve on ``host:port`` from a thread; start indexing search in another."""
        server = _Server((host, port), _Handler)
        server.preview = self
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


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    preview: Preview


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        preview = self.server.preview
        if m := re.fullmatch(r"/livereload/([0-9]+)(?:/[0-9]+)?", self.path):
            epoch = preview.wait_for_change(int(m[1]))
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
        with contextlib.suppress(OSError):
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a line per asset would bury the content problems the terminal is for
