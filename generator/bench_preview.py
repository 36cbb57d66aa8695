"""The live preview timed end to end, as an editor meets it (``bench``'s preview phase).

``serve`` is started as a separate process, as a user starts it; the clock
runs from starting it to the first page it serves, then from saving a meeting's
YAML file to the served meeting page (fetched over HTTP, and with ``browser``
open in Chromium with live reload) showing the new title.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .incremental import MAKING
from .preview import SEARCH_READY
from .serve import READY

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's; never a browser Playwright downloads


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, as the bench's browser timings run it."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, timeout: float = 5.0) -> tuple[int, str]:
    """(status, text) of a GET; status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return int(resp.status), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8", "replace")
    except OSError:
        return 0, ""


class Serve:
    """``python -m generator serve`` on a free port, its terminal output kept with the time of each line."""

    def __init__(self, root: Path, *extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.lines: list[tuple[float, str]] = []
        self.started = time.perf_counter()
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "generator", "--project", str(root), "serve"),
                *("--dev-addr", f"127.0.0.1:{self.port}", *extra),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append((time.perf_counter(), line.rstrip("\n")))

    @property
    def log(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def wait_for_line(self, text: str, timeout: float) -> float:
        """Seconds from the start until a line containing ``text`` was printed."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for at, line in list(self.lines):
                if text in line:
                    return at - self.started
            self._alive()
            time.sleep(0.05)
        raise TimeoutError(f"serve printed no {text!r} in {timeout:.0f} s:\n{self.log}")

    def wait_for_count(self, text: str, count: int, timeout: float) -> None:
        """Wait until ``count`` lines containing ``text`` have been printed."""
        deadline = time.perf_counter() + timeout
        while sum(text in line for _, line in list(self.lines)) < count:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"serve printed {text!r} fewer than {count} times in {timeout:.0f} s")
            self._alive()
            time.sleep(0.02)

    def wait_for_page(self, path: str, text: str, timeout: float, every: float = 0.02) -> float:
        """Seconds from the start until ``path`` is served with ``text`` in it."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            status, body = fetch(self.base + path)
            if status == 200 and text in body:
                return time.perf_counter() - self.started
            self._alive()
            time.sleep(every)
        raise TimeoutError(f"{path} did not show {text!r} in {timeout:.0f} s:\n{self.log}")

    def save_and_wait(self, path: Path, url: str, what: str, timeout: float) -> tuple[float, float]:
        """Retitle the meeting at ``path`` (``what`` and the time) and wait until the page at ``url``
        shows it: when it was saved (seconds since the start) and how long it took to be served."""
        title = f"{what} at {time.time():.0f}"
        start = time.perf_counter()
        retitle(path, title)
        self.wait_for_page(url, title, timeout)
        return start - self.started, time.perf_counter() - start

    def cpu_seconds(self) -> float | None:
        """CPU time serve has used so far, its workers waited for included; None off Linux."""
        try:
            with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), counted after the name here
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def _alive(self) -> None:
        if self.proc.poll() is not None:
            time.sleep(0.2)  # let the reader thread catch the last lines
            raise RuntimeError(f"serve stopped (exit {self.proc.returncode}):\n{self.log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def retitle(path: Path, title: str) -> None:
    """Give the meeting file at ``path`` a new title line, as an editor saving it would."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            lines[i] = f'title: "{title}"\n'
            break
    else:
        raise ValueError(f"{path} has no title line")
    path.write_text("".join(lines), encoding="utf-8")


def measure(
    root: Path,
    meeting: str,
    report: Callable[[str], None],
    *,
    edits: int = 5,
    browser: bool = False,
    cold: bool = False,
    cold_starts: int = 3,
    timeout: float = 600.0,
) -> dict[str, Any]:
    """Time serve on the project at ``root`` (docs/ as a previous run left it); edit ``meeting``.

    Returns seconds: ``first_page`` (start to the meeting page served), ``ready``
    (start to the first regeneration done), ``edits`` (each save to the served page
    showing it), ``regenerations`` (what serve said each of those regenerations
    took); with ``browser`` ``browser_edits`` (save to the page open in Chromium
    showing it after reloading by itself) and ``search_complete`` (start to the
    first complete search index, built in the background); with ``cold``
    ``first_pages_cold`` (``cold_starts`` starts without docs/, which serve then generates
    first, each stopped at its first page: measured last) and their median ``first_page_cold``,
    and ``start_edit``: a save half way to that first page in one more such start, to the served
    page showing it (``start_edit_at``: when it was saved).
    """
    path = root / "content" / "meetings" / f"{meeting}.yaml"
    url = f"/meetings/{meeting}.html"
    out: dict[str, Any] = {"edits": [], "browser_edits": []}
    os.sync()
    serve = Serve(root)
    try:
        out["first_page"] = serve.wait_for_page(url, "</html>", timeout, every=0.05)
        # A save while the first run makes every page (it stops that run: Regenerator.superseded);
        # not measured when the run is over by then (a small sheet).
        serve.wait_for_line(MAKING, timeout)
        time.sleep(1.0)
        if READY not in serve.log:
            out["first_run_edit"] = serve.save_and_wait(path, url, "Edit during the first run", timeout)[1]
            report(f"an edit during the first run → served page: {out['first_run_edit']:.2f} s")
        out["ready"] = serve.wait_for_line(READY, timeout)
        report(f"first page after {out['first_page']:.2f} s, up to date after {out['ready']:.2f} s")
        before = serve.log.count("Regenerated: ")
        for i in range(edits):
            time.sleep(1.0)  # an editor's saves are seconds apart
            out["edits"].append(serve.save_and_wait(path, url, f"Edit {i + 1}", 60)[1])
            serve.wait_for_count("Regenerated: ", before + i + 1, 60)  # the rest of the run, too
        if browser:
            out["browser_edits"] = _browser_edits(serve.base + url, path, edits)
            report("waiting for the search index to be complete …")
            out["search_complete"] = serve.wait_for_line(SEARCH_READY, 3 * timeout)
        out["log"] = serve.log
        # What serve says each regeneration took; the rest of an edit's time is the preview's.
        after_start = out["log"].split(READY, 1)[-1]
        done = r"^Regenerated: .* \(([0-9.]+) s(?:; [^0-9]*([0-9.]+) s)?\)\.$"
        runs = list(re.finditer(done, after_start, re.MULTILINE))
        out["regenerations"] = [float(m[1]) for m in runs]
        out["early"] = [float(m[2]) for m in runs if m[2]]
    finally:
        serve.stop()
    report(
        f"edit → served page: median {statistics.median(out['edits']):.2f} s of {edits}"
        + (f"; in the browser {statistics.median(out['browser_edits']):.2f} s" if browser else "")
    )
    # Last: a start stopped before it has made every file leaves docs/ marked as not complete,
    # so a start after it is one without docs/ too.
    if cold:
        out["first_pages_cold"] = []
        cpu: list[float | None] = []
        for _ in range(cold_starts):
            shutil.rmtree(root / "docs", ignore_errors=True)
            os.sync()  # the disk's writeback of the files just removed is no part of serve's start
            serve = Serve(root)
            try:
                out["first_pages_cold"].append(serve.wait_for_page(url, "</html>", timeout, every=0.05))
                cpu.append(serve.cpu_seconds())
            finally:
                serve.stop()
        out["first_page_cold"] = statistics.median(out["first_pages_cold"])
        # The work of such a start, however the cores shared it: on n cores it takes at least this / n.
        counted = [c for c in cpu if c is not None]
        if len(counted) == len(cpu):
            out["first_pages_cold_cpu"] = counted
            out["first_page_cold_cpu"] = statistics.median(counted)
        # A save while such a start is still checking the content, before anything watches the files:
        # half way to its first page.
        shutil.rmtree(root / "docs", ignore_errors=True)
        os.sync()
        serve = Serve(root)
        try:
            time.sleep(out["first_page_cold"] / 2)
            saved = serve.save_and_wait(path, url, "Edit during the start", timeout)
            out["start_edit_at"], out["start_edit"] = saved
        finally:
            serve.stop()
        report(
            f"an edit {out['start_edit_at']:.1f} s into a start without docs/ → served page: "
            f"{out['start_edit']:.2f} s"
        )
        report(
            f"first page without docs/: median {out['first_page_cold']:.2f} s of "
            + ", ".join(f"{s:.2f}" for s in out["first_pages_cold"])
            + (
                f"; CPU time {', '.join(f'{c:.1f}' for c in counted)} s"
                if "first_page_cold_cpu" in out
                else ""
            )
        )
    return out


def _browser_edits(url: str, path: Path, edits: int) -> list[float]:
    """Seconds from each save to the open page (reloaded by live reload) showing the new title."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        page = chromium.new_page()
        local = url.split("/meetings/")[0]
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local) else r.abort())
        page.goto(url)
        page.wait_for_load_state("load")
        for i in range(edits):
            time.sleep(1.0)
            title = f"Browser edit {i + 1} at {time.time():.0f}"
            start = time.perf_counter()
            retitle(path, title)
            page.locator("h1", has_text=title).wait_for(timeout=60_000)
            times.append(time.perf_counter() - start)
        chromium.close()
    return times
