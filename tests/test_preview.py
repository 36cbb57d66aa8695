"""The live preview (generator/preview.py) serves what ``build`` publishes and keeps up with edits."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator import preview as preview_module
from generator.build import Project, build
from generator.errors import ValidationFailed
from generator.incremental import INCOMPLETE, Regenerator
from generator.parallel import giving_way
from generator.preview import Preview, without_live_reload

from conftest import NEW_MEETING, edit

pytestmark = pytest.mark.build

MEETING = "content/meetings/2024-11-choe-lavrov-moscow.yaml"
TITLE = "title: Choe Son Hui and Sergei Lavrov meet in Moscow"
MEETING_PAGE = "meetings/2024-11-choe-lavrov-moscow.md"


class Live:
    """``serve`` without its threads: the regenerator and the preview, driven by the test."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.regenerator = Regenerator(project)
        self.regenerator.run()
        self.messages: list[str] = []
        self.preview = Preview(project, self.messages.append)

    def get(self, url: str, status: int = 200) -> str:
        response = self.preview.get(url)
        assert response.status == status, url
        return response.body.decode("utf-8")

    def save(self) -> None:
        """What serve does after an editor saves: regenerate, then tell the preview."""
        stats = self.regenerator.run()
        self.preview.changed(stats.written, stats.removed)

    def search_index(self) -> str:
        self.preview.update_search()  # the background thread's work, done here
        assert self.preview.search_dir is not None
        return (self.preview.search_dir / "search/search_index.json").read_text(encoding="utf-8")


@pytest.fixture
def live(sample: Project) -> Iterator[Live]:
    live = Live(sample)
    yield live
    live.preview.stop()


def _same_as_built(live: Live) -> None:
    """Every page served is the page ``build`` writes now (apart from the live-reload script)."""
    build(live.project)
    site = live.project.path("site")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 40
    for rel in pages:
        served = live.get("/" + rel, 404 if rel == "404.html" else 200)
        assert 'id="factsheet-live-reload"' in served
        assert without_live_reload(served) == (site / rel).read_text(encoding="utf-8"), rel


def test_served_pages_equal_built_pages(sample: Project) -> None:
    build(sample)
    live = Live(sample)
    try:
        _same_as_built(live)
        site = sample.path("site")
        for rel in ("assets/factsheet.css", "downloads/meetings.csv", "assets/javascripts/bundle.min.js"):
            if (site / rel).exists():
                assert live.preview.get("/" + rel).body == (site / rel).read_bytes(), rel
        # The search index the browser gets is the one the build writes, entry for entry.
        assert json.loads(live.search_index()) == json.loads(
            (site / "search/search_index.json").read_text(encoding="utf-8")
        )
        built_js = (site / "search/search_index.js").read_bytes()
        assert live.preview.get("/search/search_index.js").body == built_js
    finally:
        live.preview.stop()


def test_an_edit_reaches_the_page_and_the_pages_that_show_it(live: Live) -> None:
    meeting, actor = "/meetings/2024-11-choe-lavrov-moscow.html", "/actors/sergei-lavrov.html"
    assert "Choe Son Hui and Sergei Lavrov meet in Moscow" in live.get(meeting)
    assert "Choe Son Hui and Sergei Lavrov meet in Moscow" in live.get(actor)  # now cached
    assert "Choe Son Hui and Sergei Lavrov meet in Moscow" in live.search_index()
    epoch = live.preview.epoch
    edit(live.project, MEETING, TITLE, "title: Talks on rail links in Moscow")
    live.save()
    assert live.preview.wait_for_change(epoch, timeout=0) > epoch  # the browser is told to reload
    for url in (meeting, actor, "/places/moscow.html", "/index.html"):
        page = live.get(url)
        assert "Talks on rail links in Moscow" in page, url
        assert "Choe Son Hui and Sergei Lavrov meet in Moscow" not in page, url
    index = live.search_index()
    pages = len(live.preview.engine.page_urls())  # every page of the site is indexed
    assert [m for m in live.messages if m.startswith("Search index complete")] == [
        f"Search index complete: {pages} pages; it is refreshed after each change."
    ]  # once, however often it is refreshed
    assert "Talks on rail links in Moscow" in index
    assert "Choe Son Hui and Sergei Lavrov meet in Moscow" not in index


def test_invalid_content_keeps_the_last_good_pages(live: Live) -> None:
    url = "/topics/arms.html"
    assert "Weapons and munitions" in live.get(url)
    epoch = live.preview.epoch
    (live.project.root / "content/topics/arms.yaml").write_text("id: arms\nname: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        live.save()
    assert live.preview.epoch == epoch
    assert "Weapons and munitions" in live.get(url)
    edit(live.project, "content/topics/arms.yaml", "name: [", "name: Arms and munitions")
    live.save()
    assert "Arms and munitions" in live.get(url)


def test_a_new_meeting_gets_its_page_and_a_removed_one_loses_it(live: Live) -> None:
    url = "/meetings/2024-11-extra.html"
    for _, page in live.preview.engine.page_urls():  # every page built and kept before the edits
        live.get("/" + page)
    live.get(url, 404)
    assert "A second meeting in Moscow" not in live.get("/meetings/index.html")
    path = live.project.root / "content/meetings/2024-11-extra.yaml"
    path.write_text(NEW_MEETING, encoding="utf-8")
    live.save()
    assert "A second meeting in Moscow" in live.get(url)
    assert "A second meeting in Moscow" in live.get("/meetings/index.html")
    assert "A second meeting in Moscow" in live.get("/actors/kim-jong-un.html")
    assert "A second meeting in Moscow" in live.search_index()
    edit(live.project, MEETING, TITLE, "title: Talks on rail links in Moscow")
    live.save()
    _same_as_built(live)  # pages kept from before the edits included
    path.unlink()
    live.save()
    live.get(url, 404)
    assert "A second meeting in Moscow" not in live.get("/meetings/index.html")
    assert "A second meeting in Moscow" not in live.search_index()


def test_requests_outside_the_site_are_refused(live: Live, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    for url in ("/../secret.txt", "/%2e%2e/secret.txt", "/../../" + str(tmp_path / "secret.txt")):
        assert b"secret" not in live.preview.get(url).body
    assert live.preview.get("/meetings/").status == 200
    assert live.preview.get("/meetings").status == 302


def test_a_reload_fetches_unchanged_static_files_no_more(live: Live) -> None:
    first = live.preview.get("/assets/factsheet.css")
    assert first.status == 200 and first.body
    again = live.preview.get("/assets/factsheet.css", first.headers["ETag"])
    assert again.status == 304 and again.body == b""
    (live.project.root / "docs/assets/factsheet.css").write_text("changed", encoding="utf-8")
    changed = live.preview.get("/assets/factsheet.css", first.headers["ETag"])
    assert changed.status == 200 and changed.body == b"changed"
    page = live.preview.get("/index.html", first.headers["ETag"])
    assert page.status == 200 and "ETag" not in page.headers  # pages are always sent whole


def test_a_changed_configuration_is_loaded_again_and_a_broken_one_refused(live: Live) -> None:
    assert "Navigation preview check" not in live.get("/index.html")
    epoch = live.preview.epoch
    config = live.project.path("config")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - Home: index.md", "  - Navigation preview check: index.md"), "utf-8")
    live.preview.reload()  # what serve does when mkdocs.yml or overrides/ change
    assert live.preview.epoch > epoch
    assert "Navigation preview check" in live.get("/index.html")
    config.write_text("nav: [\n", encoding="utf-8")
    live.preview.reload()
    assert any(m.startswith("error: the site configuration cannot be loaded") for m in live.messages)
    assert "Navigation preview check" in live.get("/index.html")


def test_only_browsers_showing_a_changed_page_reload_and_they_find_it_built(live: Live) -> None:
    preview, epoch = live.preview, live.preview.epoch
    meeting, putin = "meetings/2024-11-choe-lavrov-moscow.html", "actors/vladimir-putin.html"
    answers: dict[str, int] = {}

    def browser(page: str, timeout: float) -> None:
        answers[page] = preview.wait_for_change(epoch, page, timeout=timeout)

    browsers = [
        threading.Thread(target=browser, args=(meeting, 30.0)),
        threading.Thread(target=browser, args=(putin, 1.5)),
    ]
    for b in browsers:
        b.start()
    while len(preview.watched) < 2:
        time.sleep(0.01)
    edit(live.project, MEETING, TITLE, "title: Talks in Moscow")
    stats = live.regenerator.run()
    assert "actors/vladimir-putin.md" not in stats.written  # Putin is not in these talks
    live.preview.changed(stats.written, stats.removed)
    assert meeting in preview.pages  # built before the browser showing it was told to reload
    for b in browsers:
        b.join()
    assert answers[meeting] > epoch  # reloads
    assert answers[putin] == epoch  # asks again, without reloading
    assert "Talks in Moscow" in live.get("/" + meeting)


def test_a_page_being_regenerated_is_served_once_it_is_made(live: Live) -> None:
    before = live.get("/timeline.html")
    edit(live.project, MEETING, TITLE, "title: Talks in Moscow")
    live.preview.changed([], [], pending=["timeline.md"])
    served: list[str] = []
    reader = threading.Thread(target=lambda: served.append(live.get("/timeline.html")))
    reader.start()
    time.sleep(0.3)
    assert not served  # waiting for the regeneration rather than showing the page as it was
    live.save()
    reader.join(timeout=30)
    assert served and served[0] != before and "Talks in Moscow" in served[0]


def test_a_regeneration_waits_while_a_page_is_built_for_a_browser(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve's regeneration gives way between files and pages: the browser's page is not slowed by it."""
    monkeypatch.setattr(preview_module, "PAGES_FIRST_SECONDS", 60.0)
    edit(live.project, MEETING, TITLE, "title: Talks in Moscow")
    done = threading.Event()

    def regenerate() -> None:
        with giving_way(live.preview.pages_first):
            live.regenerator.run()
        done.set()

    with live.preview._foreground():  # a page being built for a browser
        worker = threading.Thread(target=regenerate)
        worker.start()
        time.sleep(0.5)
        assert not done.is_set()
        assert "Talks in Moscow" not in live.project.path("docs").joinpath(MEETING_PAGE).read_text("utf-8")
    assert done.wait(30)  # once the page is built, the regeneration goes on
    worker.join()
    assert "Talks in Moscow" in live.project.path("docs").joinpath(MEETING_PAGE).read_text("utf-8")


def test_a_regeneration_gives_way_for_a_bounded_time(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the page being built ever wait for the regeneration, the regeneration still goes on."""
    monkeypatch.setattr(preview_module, "PAGES_FIRST_SECONDS", 0.05)
    with live.preview._foreground():
        start = time.monotonic()
        live.preview.pages_first()
        assert 0.05 <= time.monotonic() - start < 5
    start = time.monotonic()
    live.preview.pages_first()  # no page being built: no wait at all (the bound: a busy machine)
    assert time.monotonic() - start < 0.5


def test_a_first_start_without_docs_makes_each_page_when_it_is_asked_for(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = sample.path("docs")
    shutil.rmtree(docs, ignore_errors=True)
    live = Live.__new__(Live)
    live.project, live.messages = sample, []
    live.regenerator = Regenerator(sample)
    expected = live.regenerator.prepare()
    assert live.regenerator.ahead is not None
    made = set(live.regenerator.ahead[1])  # generated, not hand-written
    compiled: list[tuple[jinja2.Environment, str | None]] = []  # templates, as they are compiled
    compile = jinja2.Environment.compile

    def compiling(env: jinja2.Environment, source: str, name: str | None = None, *a: Any, **k: Any) -> Any:
        compiled.append((env, name))
        return compile(env, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    before_navigation: list[tuple[jinja2.Environment, str | None]] = []

    def make(paths: list[str]) -> None:
        if not before_navigation:
            before_navigation.extend(compiled)
        live.regenerator.make_now(paths)

    live.preview = Preview(sample, live.messages.append, expected, make)
    try:
        # Only what every page needs is there: the navigation's pages and pages/; and a mark that
        # docs/ is not complete, should serve stop now (a start that finds it starts from nothing).
        assert (docs / "index.md").exists() and (docs / "assets/factsheet.css").exists()
        assert (docs / INCOMPLETE).exists()
        # MkDocs' file list takes in the files still to come as they are linked to or asked for.
        listed = {f.src_uri for f in live.preview.engine.files}
        assert "index.md" in listed and "meetings/2024-11-choe-lavrov-moscow.md" not in listed
        meeting = docs / "meetings/2024-11-choe-lavrov-moscow.md"
        assert not meeting.exists() and not (docs / "actors/sergei-lavrov.md").exists()
        # The page template and those it names were compiled while the navigation's pages were made:
        # the first page asked for compiles none of them (only icons the page names as it renders).
        theme = live.preview.engine.env
        early = {name for env, name in before_navigation if env is theme}
        assert {"main.html", "base.html", "partials/header.html"} <= early
        compiled.clear()
        served = live.get("/meetings/2024-11-choe-lavrov-moscow.html")
        by_theme = [name for env, name in compiled if env is theme]
        assert by_theme and not [name for name in by_theme if not str(name).endswith(".svg")]
        assert meeting.exists() and "Choe Son Hui" in served
        assert 'href="../actors/sergei-lavrov.html"' in served  # links to pages not made yet resolve
        assert not (docs / "actors/sergei-lavrov.md").exists()
        assert live.get("/downloads/meetings.csv").startswith("id,")  # a download too
        stats = live.regenerator.run()  # the first run, which serve starts at once
        assert "meetings/2024-11-choe-lavrov-moscow.md" not in stats.written  # made already, the same
        assert "actors/sergei-lavrov.md" in stats.written
        assert not (docs / INCOMPLETE).exists() and not stats.removed  # every file is there now
        live.preview.changed(stats.written, stats.removed)
        live.preview.all_written()
        # Every page listed now, in the order they were expected in (the order search indexes them).
        pages = [src for src, _ in live.preview.engine.page_urls()]
        assert sorted(pages) == sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
        assert [p for p in pages if p in made] == [p for p in expected if p in made and p.endswith(".md")]
        _same_as_built(live)
    finally:
        live.preview.stop()


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A list that grows by the configuration file's text each time the engine loads it."""
    from generator import engine

    loads: list[str] = []
    real = engine.load

    def counting(config_file: Path, *args: Any, **kwargs: Any) -> Any:
        loads.append(config_file.read_text(encoding="utf-8"))
        return real(config_file, *args, **kwargs)

    monkeypatch.setattr(engine, "load", counting)
    return loads


def test_a_first_start_loads_the_engine_while_the_content_is_read(
    sample: Project, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without docs/, MkDocs' configuration and theme are loaded while the content is read (on a
    core the reading leaves free), once; what that logs is told when the engine starts, and the
    pages are those of an engine loaded then."""
    from generator.engine import Loaded

    config = sample.path("config")
    config.write_text(
        config.read_text(encoding="utf-8") + "\nfactsheet_unknown_setting: 1\n", encoding="utf-8"
    )
    shutil.rmtree(sample.path("docs"), ignore_errors=True)
    pages: dict[str, list[str]] = {}
    for way in ("ahead", "at the start"):
        shutil.rmtree(sample.path("docs"), ignore_errors=True)
        loads = _loads(monkeypatch)
        regenerator = Regenerator(sample)
        ahead = preview_module.Ahead(sample)
        caplog.clear()
        expected = regenerator.prepare(meanwhile=ahead.load if way == "ahead" else None)
        assert not [r for r in caplog.records if r.name.startswith("mkdocs")]  # nothing told yet
        assert isinstance(ahead.loaded, Loaded) == (way == "ahead")
        assert len(loads) == (1 if way == "ahead" else 0)
        preview = Preview(sample, [].append, expected, regenerator.make_now, ahead)
        try:
            assert len(loads) == 1  # not loaded again
            told = [r.getMessage() for r in caplog.records if "factsheet_unknown_setting" in r.getMessage()]
            assert len(told) == 1  # MkDocs' warning about the setting, once, now
            urls = ("/", "/" + MEETING_PAGE[:-3] + ".html")
            pages[way] = [without_live_reload(preview.get(url).body.decode()) for url in urls]
        finally:
            preview.stop()
        assert not ahead.work.exists()
    assert pages["ahead"] == pages["at the start"]


def test_a_configuration_changed_or_broken_while_the_content_is_read_is_loaded_again(
    sample: Project, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from generator.engine import EngineError

    config = sample.path("config")
    text = config.read_text(encoding="utf-8")
    assert "site_name: " in text
    shutil.rmtree(sample.path("docs"), ignore_errors=True)
    loads = _loads(monkeypatch)
    regenerator = Regenerator(sample)
    ahead = preview_module.Ahead(sample)

    def edited_meanwhile() -> None:
        ahead.load()
        config.write_text(text.replace("site_name: ", "site_name: Renamed ", 1), encoding="utf-8")

    expected = regenerator.prepare(meanwhile=edited_meanwhile)
    preview = Preview(sample, [].append, expected, regenerator.make_now, ahead)
    try:
        assert len(loads) == 2 and "Renamed" in loads[1]
        assert "Renamed " in preview.get("/").body.decode()
    finally:
        preview.stop()

    assert "use_directory_urls: false" in text
    broken = text.replace("use_directory_urls: false", "use_directory_urls: sometimes")  # not yes or no
    config.write_text(broken, encoding="utf-8")
    shutil.rmtree(sample.path("docs"), ignore_errors=True)
    regenerator, ahead = Regenerator(sample), preview_module.Ahead(sample)
    caplog.clear()
    expected = regenerator.prepare(meanwhile=ahead.load)
    assert ahead.loaded is None and not [r for r in caplog.records if r.name.startswith("mkdocs")]
    with pytest.raises(EngineError, match=r"mkdocs\.yml"):
        Preview(sample, [].append, expected, regenerator.make_now, ahead)
    assert not ahead.work.exists()


def test_after_a_first_start_a_removed_page_stays_removed_when_the_configuration_reloads(
    sample: Project,
) -> None:
    shutil.rmtree(sample.path("docs"), ignore_errors=True)
    regenerator = Regenerator(sample)
    expected = regenerator.prepare()
    preview = Preview(sample, [].append, expected, regenerator.make_now)
    try:
        stats = regenerator.run()
        preview.changed(stats.written, stats.removed)
        preview.all_written()  # what serve says once the first run is done
        (sample.root / "content/meetings/choe-lavrov-plaque.yaml").unlink()
        stats = regenerator.run()
        assert "meetings/choe-lavrov-plaque.md" in stats.removed
        preview.changed(stats.written, stats.removed)
        preview.reload()
        assert preview.get("/meetings/choe-lavrov-plaque.html").status == 404
    finally:
        preview.stop()


def test_a_browser_that_left_is_no_longer_waited_for(live: Live) -> None:
    server = live.preview.start("127.0.0.1", 0)
    try:
        port = server.server_address[1]
        page = "meetings/2024-11-choe-lavrov-moscow.html"
        with socket.create_connection(("127.0.0.1", port)) as browser:
            poll = f"GET /livereload/{live.preview.epoch}?page=/{page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            browser.sendall(poll.encode())
            deadline = time.monotonic() + 10
            while page not in live.preview.watched:
                assert time.monotonic() < deadline
                time.sleep(0.01)
        # The browser went to another page: its poll's connection closed, the server lets it go.
        deadline = time.monotonic() + 5
        while page in live.preview.watched:
            assert time.monotonic() < deadline, "still waiting for a browser that left"
            time.sleep(0.05)
    finally:
        server.shutdown()
        server.server_close()
