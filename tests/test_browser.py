"""The built site as a reader sees it, in Debian's Chromium driven by Playwright.

Served over http://127.0.0.1 and opened from disk (file://) with every other
request blocked: search finds actors by any spelling, meeting pages show their
citations and statements, the charts render, no console errors, and nothing
leaves the machine. Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import Project, check
from generator.charts import chart_key
from generator.dating import format_date
from generator.model import Site

from conftest import REPO

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="module")
def project(repo_project: Project) -> Project:
    """This repository's project, built (shared with the link crawl)."""
    return repo_project


@pytest.fixture(scope="module")
def site(project: Project) -> Site:
    return check(project)


@pytest.fixture(scope="module")
def http_base(project: Project) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(project.path("site")))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


class Reader:
    """A browser tab that records console errors and every request it makes."""

    def __init__(self, browser: object, base: str, offline: bool) -> None:
        self.base, self.offline = base, offline
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        self.page.set_default_timeout(10_000)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        local = "file://" if offline else base
        self.page.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith(local) else route.abort()
        )

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}/{path}")
        self.page.wait_for_load_state("load")

    def search(self, text: str) -> list[str]:
        """Type ``text`` into the search box; the hrefs of the results."""
        box = self.page.locator("input.md-search__input")
        box.click()
        box.fill(text)
        box.press("End")  # Material listens to keyup; fill() alone sends none
        results = self.page.locator(".md-search-result__item > a")
        results.first.wait_for(timeout=10_000)
        return [str(results.nth(i).get_attribute("href")) for i in range(results.count())]

    def leaked(self) -> list[str]:
        local = ("file://",) if self.offline else (self.base, "data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith((*local, "data:", "blob:", "about:"))]


@pytest.fixture(params=["http", "file"])
def reader(request: pytest.FixtureRequest, browser: object, project: Project) -> Iterator[Reader]:
    offline = request.param == "file"
    base = project.path("site").as_uri() if offline else request.getfixturevalue("http_base")
    r = Reader(browser, base, offline=offline)
    yield r
    r.page.close()
    assert r.errors == [], f"console errors: {r.errors}"
    assert r.leaked() == [], f"requests that left the machine: {r.leaked()}"


def _actor_id(site: Site, name: str) -> str:
    return next(a.id for a in site.actors.values() if a.name == name)


def _page(href: str) -> str:
    return href.split("#")[0].split("?")[0]


@pytest.mark.parametrize(
    ("query", "actor"),
    [
        ("Λαβρόφ", "Sergei Lavrov"),
        ("λαβροφ", "Sergei Lavrov"),  # no accent, lower case: the page carries the folded form
        ("Lavrovi", "Sergei Lavrov"),
        ("Lavrov", "Sergei Lavrov"),
        ("Κιμ Γιονγκ Ουν", "Kim Jong Un"),
        ("Kim Jong Un", "Kim Jong Un"),
        ("Putin", "Vladimir Putin"),
        ("Πούτιν", "Vladimir Putin"),
        # Names that start others: the page titled as typed comes first.
        ("Russia", "Russia"),
        ("United Nations", "United Nations"),
        ("Ministry of Unification", "Ministry of Unification"),
        ("Moon Jae-in", "Moon Jae-in"),  # "in", a stop word, is not counted
    ],
)
def test_search_finds_an_actor_by_any_spelling(reader: Reader, site: Site, query: str, actor: str) -> None:
    """The actor's own page comes first, whichever spelling of the name the reader types."""
    reader.open("index.html")
    hrefs = reader.search(query)
    assert _page(hrefs[0]).endswith(f"actors/{_actor_id(site, actor)}.html"), (query, hrefs[:5])


@pytest.mark.parametrize("query", ["Wonsan", "Γουονσάν", "Vladivostok", "Phenian", "Embassy of Russia"])
def test_search_finds_a_place_by_any_spelling(reader: Reader, site: Site, query: str) -> None:
    """A place's page comes first for its name in English or as an article spells it."""
    place = next(p for p in site.places.values() if query in [p.name, *(n.name for n in p.other_names)])
    reader.open("index.html")
    hrefs = reader.search(query)
    assert _page(hrefs[0]).endswith(f"places/{place.id}.html"), (query, hrefs[:5])


@pytest.mark.parametrize("precision", [4, 7])
def test_search_finds_the_page_of_a_year_or_month(reader: Reader, site: Site, precision: int) -> None:
    """Typing "2019" or "July 2025" leads first to that year's or month's page of events."""
    key = next(k for k in sorted(site.dates, reverse=True) if len(k) == precision and site.dates[k].meetings)
    reader.open("index.html")
    hrefs = reader.search(format_date(key))
    assert _page(hrefs[0]).endswith(f"dates/{key}.html"), (key, hrefs[:5])


def _stop_words() -> set[str]:
    """lunr's English stop words, as the theme's search worker has them."""
    spec = importlib.util.find_spec("material")
    assert spec and spec.origin
    worker = next(Path(spec.origin).parent.glob("templates/assets/javascripts/workers/search.*.min.js"))
    listed = re.search(r"generateStopWordFilter\(\[([^\]]*)\]\)", worker.read_text(encoding="utf-8"))
    assert listed, worker
    return set(re.findall(r'"([^"]*)"', listed.group(1)))


def _words_held(project: Project, query: str) -> dict[str, tuple[int, int]]:
    """Per page of the site, how many of ``query``'s words (stop words aside) it holds, each as the
    start of a word anywhere in the page, and how many its own entry (title, opening, search
    keywords) holds; read from the search index the way Material's search splits it: markup
    apart, at its separator, in lower case."""
    index = json.loads((project.path("site") / "search/search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    stop = _stop_words()
    words = [w for w in separator.split(query.lower()) if w and w not in stop]
    tokens: dict[str, set[str]] = {}
    own: dict[str, set[str]] = {}
    for doc in index["docs"]:
        found = set()
        for field in [doc.get("title", ""), doc.get("text", ""), *doc.get("tags", [])]:
            for text in re.split(r"<[^>]*>", field):
                found.update(t.lower() for t in separator.split(text) if t)
        tokens.setdefault(_page(doc["location"]), set()).update(found)
        if "#" not in doc["location"]:
            own[doc["location"]] = found

    def held(found: set[str]) -> int:
        return sum(any(t.startswith(w) for t in found) for w in words)

    return {page: (held(found), held(own.get(page, set()))) for page, found in tokens.items()}


@pytest.mark.parametrize("query", ["Kim Jong Un", "Putin Vostochny", "Lavrov Wonsan", "Moon Jae-in"])
def test_search_lists_pages_holding_more_of_the_words_first(
    reader: Reader, project: Project, query: str
) -> None:
    """Of several words, a page holding more of them comes before one holding fewer, whatever
    each word weighs alone, and of those holding as many, one whose title or opening holds more:
    "Kim Jong Un" no longer lists Yonsei University or the Ministry of Unification (a word
    starting "un", nothing else) above the meetings with Kim. Stop words are not counted: "in"
    of "Moon Jae-in" would favour pages with a word starting "in"."""
    held = _words_held(project, query)
    reader.open("index.html")
    shown = reader.page.url
    pages = [urllib.parse.urljoin(shown, _page(h))[len(reader.base) + 1 :] for h in reader.search(query)]
    order = [held[p] for p in pages]
    assert order == sorted(order, reverse=True), list(zip(pages, order, strict=True))
    assert order[0][0] == max(h for h, _ in held.values()), pages[:3]
    assert len(pages) >= 5


def test_search_counts_the_words_as_the_theme_leaves_them_out() -> None:
    """The page's list of stop words is lunr's, as the theme's search worker has it."""
    script = (REPO / "pages/assets/search-order.js").read_text(encoding="utf-8")
    listed = script[script.index("var LEFT_OUT") : script.index('.split(" ")')]
    assert set(" ".join(re.findall(r'"([^"]*)"', listed)).split()) == _stop_words()


def test_search_for_a_figure_finds_the_facts_not_the_editors_pages(reader: Reader, site: Site) -> None:
    """A number quoted in the sheet (troops, kilometres) leads to the records that cite it."""
    figure = next(
        m.group()
        for a in site.actors.values()
        for m in [re.search(r"\b\d{1,3}(,\d{3})+\b", a.description or "")]
        if m
    )
    reader.open("index.html")
    hrefs = [_page(h) for h in reader.search(figure)]
    editors = ("performance.html", "hostile-input.html", "reference/schema.html")
    assert not any(h.endswith(editors) for h in hrefs), hrefs
    assert re.search(r"/(actors|meetings|places|topics)/[^/]+\.html$", hrefs[0]), hrefs[:3]
    reader.page.locator(".md-search-result__item > a").first.click()
    reader.page.wait_for_load_state("load")
    assert figure in reader.page.locator("article").inner_text()


def test_meeting_page_shows_citations_and_statements(reader: Reader, site: Site) -> None:
    meeting = next(m for m in (site.meetings[i] for i in site.timeline) if m.statements and m.points)
    reader.open(f"meetings/{meeting.id}.html")
    page = reader.page
    assert page.locator("h1").inner_text().rstrip("¶").strip() == meeting.title
    footnotes = page.locator(".footnote li")
    assert footnotes.count() == len({*meeting.citations_all()})
    text = page.locator("article").inner_text()
    for c in meeting.citations_all():
        assert c.excerpt.split()[0] in text
    for s in meeting.statements:
        assert s.translation in text
        assert s.quote[:30] in text
    # a footnote mark jumps to its excerpt
    page.locator("sup a.footnote-ref").first.click()
    assert page.locator(".footnote li").first.is_visible()


def test_timeline_and_graph_render(reader: Reader, site: Site) -> None:
    reader.open("timeline.html")
    dots = reader.page.locator("svg.fs-timeline .fs-dot")
    # A dot per month (or year) and status of the events that certainly fall in one; an event
    # known only to its year spans the year, rather than sit in July as if that were known.
    keys = {(chart_key(site, i), site.meetings[i].status) for i in site.placed}
    assert dots.count() == len({k for k in keys if k[0] is not None})
    years = len({k for k in keys if k[0] is not None and len(k[0]) == 4})
    assert years and reader.page.locator("svg.fs-timeline rect.fs-dot").count() == years
    box = reader.page.locator("svg.fs-timeline").bounding_box()
    assert box and box["width"] > 400 and box["height"] > 50
    rows = reader.page.locator("li.fs-event")
    assert rows.count() == len(site.meetings)
    # A tap on a dot's centre reaches that dot's date, however close its neighbour.
    missed = reader.page.evaluate(
        "[...document.querySelectorAll('svg.fs-timeline .fs-dot')].map(d => {"
        " d.scrollIntoView({block: 'center'}); const r = d.getBoundingClientRect();"
        " const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        " return at && at.closest('a') === d.closest('a') ? null : d.textContent; }).filter(t => t)"
    )
    assert missed == []
    # every dot links to a date page that lists the events it stands for
    first = reader.page.locator("svg.fs-timeline a:not([aria-hidden])").first  # a dot, not its target
    first.click()
    reader.page.wait_for_load_state("load")
    assert "/dates/" in reader.page.url
    reader.open("graph.html")
    nodes = reader.page.locator("svg.fs-graph a circle.fs-node")  # not the legend's
    assert nodes.count() == min(len(site.met_with), 40)
    assert reader.page.locator("svg.fs-graph line.fs-edge").count() >= 1
    assert "Legend" in (reader.page.locator("svg.fs-graph .fs-legend").text_content() or "")
    reader.page.locator("svg.fs-graph a").first.click()  # a node leads to the actor's page
    reader.page.wait_for_load_state("load")
    assert "/actors/" in reader.page.url


def test_screenshots(browser: object, http_base: str, site: Site) -> None:
    """Home, a meeting, an actor and the timeline, saved for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    reader = Reader(browser, http_base, offline=False)
    meeting = next(m.id for m in (site.meetings[i] for i in site.timeline) if m.statements)
    for name, path in [
        ("home", "index.html"),
        ("meeting", f"meetings/{meeting}.html"),
        ("actor", f"actors/{_actor_id(site, 'Sergei Lavrov')}.html"),
        ("timeline", "timeline.html"),
        ("graph", "graph.html"),
    ]:
        reader.open(path)
        shot = ARTIFACTS / f"{name}.png"
        reader.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    reader.page.close()
    assert reader.errors == []


def test_a_former_address_leads_to_the_event(reader: Reader, site: Site) -> None:
    """A link shared before an event was renamed or merged still reaches it, over http and from disk."""
    (kind, old), new = next(iter(site.former.items()))
    reader.page.goto(f"{reader.base}/{kind}/{old}.html")
    reader.page.wait_for_url(f"**/{kind}/{new}.html")
    title = site.meetings[new].title if kind == "meetings" else None
    assert title is None or reader.page.locator("h1").inner_text().rstrip("¶").strip() == title


def test_an_event_shows_its_date_bounds_and_outside_references(reader: Reader, site: Site) -> None:
    dated = next(
        m for m in (site.meetings[i] for i in site.timeline) if m.date and m.date.references and m.date.on
    )
    reader.open(f"meetings/{dated.id}.html")
    infobox = reader.page.locator("article table").first
    assert "outside reference" in infobox.inner_text()
    reader.page.locator("article table").first.locator("a[href*='references/']").first.click()
    reader.page.wait_for_load_state("load")
    assert "/references/" in reader.page.url
    assert "Outside reference." in reader.page.locator("article").inner_text()
    bounded = next(
        m for m in site.meetings.values() if site.dating[m.id].on is None and site.dating[m.id].placed
    )
    reader.open(f"meetings/{bounded.id}.html")
    assert "Earliest and latest possible" in reader.page.locator("article table").first.inner_text()


def test_a_footnote_leads_to_the_words_in_the_archived_article(reader: Reader, site: Site) -> None:
    """One click from a claim's footnote to the highlighted passage of the original article."""
    event = next(m for m in (site.meetings[i] for i in site.timeline) if m.points)
    reader.open(f"meetings/{event.id}.html")
    note = reader.page.locator(".footnote li").first
    note.locator("a[href*='sources/']").first.click()
    reader.page.wait_for_load_state("load")
    assert "/sources/" in reader.page.url and "#p-" in reader.page.url
    anchor = reader.page.url.split("#", 1)[1]
    passage = reader.page.locator("mark.fs-current")
    assert passage.count() >= 1 and passage.first.is_visible()
    box = passage.first.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled to it
    for i in range(passage.count()):
        assert anchor in (passage.nth(i).get_attribute("data-p") or "").split()


def test_every_passage_is_emphasised_whole_when_a_link_leads_to_it(reader: Reader, site: Site) -> None:
    """Overlapping passages included: each anchor's words, and only they, are emphasised."""
    for source in site.sources:
        reader.open(f"sources/{source}.html")
        anchors = reader.page.eval_on_selector_all("a.fs-anchor", "els => els.map(e => e.id)")
        assert anchors, source
        for anchor in anchors:
            reader.page.evaluate(f"window.location.hash = '{anchor}'")
            reader.page.wait_for_function(  # the hashchange handler runs after the assignment
                "id => [...document.querySelectorAll('mark.fs-current')]"
                ".some(m => m.dataset.p.split(' ').includes(id))",
                arg=anchor,
            )
            current = reader.page.locator("mark.fs-current")
            owners = current.evaluate_all("els => els.map(e => e.dataset.p.split(' '))")
            assert all(anchor in o for o in owners), (source, anchor)


def test_the_chronology_filters_by_actor_and_status(reader: Reader, site: Site) -> None:
    reader.open("timeline.html")
    page = reader.page
    events = page.locator("li.fs-event")
    assert events.count() == len(site.meetings)  # every event once
    kim = _actor_id(site, "Kim Jong Un")
    page.select_option("form.fs-filter select[name=actor]", kim)
    shown = page.locator("li.fs-event:visible")
    mine = [m for m in site.meetings.values() if kim in {p.actor for p in m.participants}]
    assert shown.count() == len(mine)
    page.locator("form.fs-filter input[value=held]").uncheck()
    held = [m for m in mine if m.status == "held"]
    assert page.locator("li.fs-event:visible").count() == len(mine) - len(held)
    assert (
        f"{len(mine) - len(held)} of {len(site.meetings)} events shown"
        in page.locator(".fs-filter-count").inner_text()
    )
    # The chart's dots of no chosen event fade; those with one stay.
    dots = page.eval_on_selector_all(
        "svg.fs-timeline a",
        "els => els.map(a => [a.dataset.actors.split(' '), a.dataset.status,"
        " a.classList.contains('fs-dim')])",
    )
    assert any(dim for *_, dim in dots) and not all(dim for *_, dim in dots)
    assert all(dim == (kim not in actors or status == "held") for actors, status, dim in dots), dots
    # The choice is in the address: reloading keeps it, and the address can be shared.
    assert f"actor={kim}" in page.url and "status=" in page.url and "held" not in page.url.split("status=")[1]
    kept = [b.get_attribute("value") for b in page.locator("form.fs-filter input:checked").all()]
    assert page.url.split("status=")[1].split("&")[0] == ",".join(kept)  # as a person would type it
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("li.fs-event:visible").count() == len(mine) - len(held)
    assert not page.locator("form.fs-filter input[value=held]").is_checked()
    # Nothing ticked: the list says so, rather than showing a blank page.
    for box in page.locator("form.fs-filter input[name=status]").all():
        box.uncheck()
    assert page.locator("li.fs-event:visible").count() == 0
    assert "No event matches" in page.locator(".fs-filter-count").inner_text()
    # An address with a status or actor the sheet has not got shows everything, and drops it.
    reader.page.goto(f"{reader.base}/timeline.html?status=HELD,nonsense&actor=nobody")
    reader.page.wait_for_load_state("load")
    assert "nobody" not in reader.page.url and "nonsense" not in reader.page.url
    assert "status=held" in reader.page.url  # the one it knows, whatever its case
    # A link from elsewhere can choose the actor.
    reader.page.goto(f"{reader.base}/timeline.html?actor={kim}")
    reader.page.wait_for_load_state("load")
    assert reader.page.locator("li.fs-event:visible").count() == len(mine)


def _one_of_each(site: Site) -> list[str]:
    """A page of every kind a reader lands on: indexes, charts and one record of each kind."""
    meeting = next(m for m in (site.meetings[i] for i in site.timeline) if m.statements)
    pages = ["index.html", "timeline.html", "graph.html", "meetings/index.html", "actors/index.html"]
    pages.append(f"meetings/{meeting.id}.html")
    pages.append(f"actors/{_actor_id(site, 'Kim Jong Un')}.html")
    for kind in ("places", "topics", "sources", "references"):
        records = getattr(site, kind)
        if records:
            pages.append(f"{kind}/{sorted(records)[0]}.html")
    pages.append(f"dates/{max(k for k in site.dates if len(k) == 4)}.html")
    return pages


def test_no_page_is_wider_than_a_phone(browser: object, http_base: str, site: Site) -> None:
    """On a 390-pixel screen nothing is cut off: no page scrolls sideways, and no table hides
    columns past the edge (tables of three or more columns stack into labelled cards)."""
    reader = Reader(browser, http_base, offline=False)
    reader.page.set_viewport_size({"width": 390, "height": 844})
    too_wide: dict[str, object] = {}
    stacked = 0
    for path in _one_of_each(site):
        reader.open(path)
        width = reader.page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
        hidden = reader.page.evaluate(
            "[...document.querySelectorAll('.md-typeset__scrollwrap')]"
            ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
        )
        if hidden:
            too_wide[path + " (tables)"] = hidden
        stacked += reader.page.locator("table[data-stack] td[data-label]").count()
        if path == "timeline.html":  # the chart is wider: it opens at the latest years and says so
            assert reader.page.evaluate("document.querySelector('.fs-chart').scrollLeft") > 0
            assert reader.page.locator(".fs-swipe").is_visible()
    assert stacked > 0  # the meeting lists, at least, are stacked
    ARTIFACTS.mkdir(exist_ok=True)
    reader.page.screenshot(path=str(ARTIFACTS / "phone-date.png"))
    reader.page.close()
    assert too_wide == {}
    assert reader.errors == []


def test_an_infobox_leaves_its_values_room_on_a_phone(browser: object, http_base: str, site: Site) -> None:
    """The longest labels ("How the date is known") wrap on a phone rather than take half the
    width from the value; on a wide screen they stay on one line."""
    event = next(m for m in site.meetings.values() if m.date is not None and m.date.inferred)
    reader = Reader(browser, http_base, offline=False)
    measure = (
        "(() => { const t = document.querySelector('.fs-infobox table');"
        " const cell = [...t.querySelectorAll('td:first-child')]"
        ".find(td => td.textContent.includes('How the date is known'));"
        " const label = cell.querySelector('strong');"
        " return [cell.getBoundingClientRect().width, t.getBoundingClientRect().width,"
        " label.getBoundingClientRect().height, parseFloat(getComputedStyle(label).lineHeight)]; })()"
    )
    try:
        reader.page.set_viewport_size({"width": 390, "height": 844})
        reader.open(f"meetings/{event.id}.html")
        cell, table, height, line = reader.page.evaluate(measure)
        assert cell <= table * 0.34 and height > 1.5 * line, (cell, table, height, line)
        reader.page.set_viewport_size({"width": 1280, "height": 900})
        reader.open(f"meetings/{event.id}.html")
        cell, table, height, line = reader.page.evaluate(measure)
        assert height < 1.5 * line, (height, line)
        # On a phone no label is broken inside a word ("Affiliatio" / "n"), on any record's page.
        reader.page.set_viewport_size({"width": 390, "height": 844})
        split = (
            "[...document.querySelectorAll('.fs-infobox td:first-child')].flatMap(td => {"
            " const text = td.firstElementChild ? td.firstElementChild.firstChild : td.firstChild;"
            " if (!text || text.nodeType !== 3) return [];"
            " const out = []; const range = document.createRange();"
            " for (const m of text.data.matchAll(/\\S+/g)) { range.setStart(text, m.index);"
            " range.setEnd(text, m.index + m[0].length);"
            " if (range.getClientRects().length > 1) out.push(m[0]); } return out; })"
        )
        pages = [f"actors/{a}.html" for a in site.actors] + [f"places/{p}.html" for p in site.places]
        for page in [*pages, f"meetings/{event.id}.html"]:
            reader.open(page)
            assert reader.page.evaluate(split) == [], page
    finally:
        reader.page.close()
    assert reader.errors == []


def test_a_stacked_cards_short_values_share_a_line_on_a_phone(
    browser: object, http_base: str, site: Site
) -> None:
    """On a phone a name's language and script (columns of short values) sit side by side in
    its card, under the name on its own line; a long value (the note) keeps a line of its own."""
    reader = Reader(browser, http_base, offline=False)
    measure = (
        "(() => { const t = [...document.querySelectorAll('table[data-stack]')]"
        ".find(t => t.querySelector('td[data-label=Script]'));"
        " const row = [...t.querySelectorAll('tbody tr')].find(r => r.children[3].textContent.length > 40);"
        " const box = i => row.children[i].getBoundingClientRect();"
        " return [box(0).top, box(1).top, box(2).top, box(3).top, box(1).right, box(2).left,"
        " box(3).width, row.getBoundingClientRect().width]; })()"
    )
    try:
        reader.page.set_viewport_size({"width": 390, "height": 844})
        reader.open(f"actors/{_actor_id(site, 'Kim Jong Un')}.html")
        name, language, script, note, language_right, script_left, note_width, card = reader.page.evaluate(
            measure
        )
        assert name < language == script < note, (name, language, script, note)
        assert language_right <= script_left  # side by side, not overlapping
        assert note_width > card * 0.9  # the note has the card's width
        # A card leaves out a label with no value after it (an actor known by one name only).
        reader.open("actors/index.html")
        empty = reader.page.evaluate(
            "[...document.querySelectorAll('table[data-stack] td')].filter(td => !td.textContent.trim())"
            ".map(td => getComputedStyle(td).display)"
        )
        assert empty and set(empty) == {"none"}, empty
    finally:
        reader.page.close()
    assert reader.errors == []


# The area of the page a tap on `el` reaches, measured as a finger would find it: from the mark's
# centre outward, as long as the point still belongs to the mark.
_TAP_AREA = """el => { el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const hits = (px, py) => { const e = document.elementFromPoint(px, py); return !!e && el.contains(e); };
  const reach = (dx, dy) => { let n = 0; while (n < 60 && hits(x + dx * (n + 1), y + dy * (n + 1))) n++;
    return n; };
  return [reach(-1, 0) + reach(1, 0) + 1, reach(0, -1) + reach(0, 1) + 1, el.getClientRects().length]; }"""

# Every other link on the page, each tapped at its edges and centre: what answers must be it.
_TAPS_TAKEN = """() => { const taken = []; const links = [...document.querySelectorAll('.md-content a[href]')]
  .filter(a => !a.matches('.footnote-ref, .footnote-backref, .fs-gloss a[title]'));
  for (const a of links) { a.scrollIntoView({block: 'center'});
    for (const r of a.getClientRects()) { if (r.width < 6 || r.height < 6) continue;
      for (const y of [r.top + 2, r.top + r.height / 2, r.bottom - 2])
        for (const x of [r.left + 2, r.left + r.width / 2, r.right - 2]) {
          const e = document.elementFromPoint(x, y), other = e && e.closest('a');
          if (other && other !== a) taken.push([a.textContent.trim(), other.textContent.trim()]); } } }
  return taken; }"""


# The height of every paragraph, list item and table row, then the same with the phone's rules for
# the evidence marks taken out of the page's style sheets: the differences. (The space kept between
# two back links side by side stays: it is there on purpose, as a space would be.)
_MOVED_BY_TARGETS = """() => {
  const blocks = [...document.querySelectorAll('.md-content p, .md-content li, .md-content tr')];
  const heights = () => blocks.map(b => Math.round(b.getBoundingClientRect().height));
  const before = heights();
  for (const sheet of document.styleSheets) {
    let rules; try { rules = sheet.cssRules; } catch (e) { continue; }
    for (const rule of [...rules]) { if (!(rule instanceof CSSMediaRule)) continue;
      for (let i = rule.cssRules.length - 1; i >= 0; i--)
        if (/footnote-(back)?ref|fs-gloss a/.test(rule.cssRules[i].selectorText || '')
            && !rule.cssRules[i].selectorText.includes('+')) rule.deleteRule(i); } }
  const after = heights();
  return blocks.map((b, i) => [b.textContent.trim().slice(0, 40), before[i], after[i]])
    .filter(x => x[1] !== x[2]); }"""


_CHART_TAPS = """() => {
  const open = (x, y) => {
    const el = document.elementFromPoint(x, y);
    const a = el && el.closest("a");
    return a ? a.getAttribute("href") : null;
  };
  const out = [];
  for (const shape of document.querySelectorAll(".fs-timeline .fs-dot")) {
    const href = shape.closest("a").getAttribute("href");
    shape.scrollIntoView({block: "center", inline: "center"});
    const r = shape.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const bar = shape.tagName === "rect";
    let above = null;  // a bar: somewhere along it, 12 px above its middle (a fingertip's reach)
    if (bar) {
      for (let x = r.left + 1; x < r.right - 1 && above !== href; x += 2) above = open(x, cy - 12);
    }
    out.push({href, bar, height: r.height, centre: open(cx, cy), above});
  }
  return out;
}"""


def test_every_mark_of_the_chart_opens_its_dates_on_a_phone(browser: object, http_base: str) -> None:
    """A tap on a dot or a bar of the chronology's chart opens the page of its month or year; a
    bar (events known only to be within a year) is thinner than a dot of as many events, so a
    month's dot where it begins still reads as a dot, and its target reaches a fingertip above
    and below it."""
    reader = Reader(browser, http_base, offline=False)
    try:
        reader.page.set_viewport_size({"width": 390, "height": 844})
        reader.open("timeline.html")
        marks = reader.page.evaluate(_CHART_TAPS)
        assert any(m["bar"] for m in marks) and any(not m["bar"] for m in marks)
        assert [m for m in marks if m["centre"] != m["href"]] == []
        bars = [m for m in marks if m["bar"]]
        assert [m for m in bars if m["above"] != m["href"]] == []
        dots = {round(m["height"]) for m in marks if not m["bar"]}
        assert all(m["height"] < min(dots) for m in bars), (bars, dots)
    finally:
        reader.page.close()
    assert reader.errors == []


def test_a_long_page_lists_its_sections_where_the_theme_shows_no_contents(
    browser: object, http_base: str, site: Site, project: Project
) -> None:
    """Below 60em the theme shows a page's table of contents only in its drawer, and only for pages
    in the navigation: a record page on a phone had none. There a long page lists its sections
    under its title, and a tap on one goes to it; on a wide screen the theme's own table of
    contents is shown instead. The list is not indexed by search."""
    reader = Reader(browser, http_base, offline=False)
    lavrov = f"actors/{_actor_id(site, 'Sergei Lavrov')}.html"
    listed = "[...document.querySelectorAll('nav.fs-toc a')].map(a => a.getAttribute('href'))"
    headings = "[...document.querySelectorAll('article h2[id]')].map(h => '#' + h.id)"
    try:
        reader.page.set_viewport_size({"width": 390, "height": 844})
        reader.open(lavrov)
        contents = reader.page.locator("nav.fs-toc")
        assert contents.is_visible()
        assert not reader.page.locator(".md-sidebar--secondary").is_visible()
        sections = reader.page.evaluate(headings)
        assert len(sections) >= 3 and reader.page.evaluate(listed) == sections
        target = sections[-2]
        contents.locator(f"a[href='{target}']").click()
        reader.page.wait_for_function(f"location.hash === '{target}'")
        top = reader.page.evaluate(f"document.getElementById('{target[1:]}').getBoundingClientRect().top")
        assert 0 <= top < 200, top
        # However long a section's name, the list never widens a page past the smallest phone.
        reader.page.set_viewport_size({"width": 320, "height": 700})
        site_dir = project.path("site")
        with_list = sorted(
            str(f.relative_to(site_dir))
            for f in site_dir.rglob("*.html")
            if 'class="fs-toc"' in f.read_text("utf-8")
        )
        assert "performance.html" in with_list
        too_wide = {}
        for path in with_list:
            reader.open(path)
            if (width := reader.page.evaluate("document.documentElement.scrollWidth")) > 320:
                too_wide[path] = width
        assert too_wide == {}
        reader.page.set_viewport_size({"width": 1280, "height": 900})
        reader.open(lavrov)
        assert not reader.page.locator("nav.fs-toc").is_visible()
        assert reader.page.locator(".md-sidebar--secondary nav").is_visible()
    finally:
        reader.page.close()
    assert reader.errors == []
    index = json.loads((project.path("site") / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if "Contents:" in d.get("text", "")]


def test_the_way_to_the_evidence_is_big_enough_to_tap_on_a_phone(
    browser: object, http_base: str, site: Site
) -> None:
    """A footnote mark is a few pixels wide; on a phone each is a target of about a fingertip
    (24 px tall, WCAG 2.5.8) that takes no tap from the links around it and leaves lines where they
    are, the back links are shown (a phone has no hover), and the chronology puts each date above
    its event."""
    reader = Reader(browser, http_base, offline=False)

    def areas(selector: str) -> list[list[int]]:
        marks = reader.page.locator(selector)
        assert marks.count(), selector
        return [marks.nth(i).evaluate(_TAP_AREA) for i in range(marks.count())]

    try:
        reader.page.set_viewport_size({"width": 390, "height": 844})
        reader.open(f"actors/{_actor_id(site, 'Kim Jong Un')}.html")
        plain_rows = reader.page.evaluate(
            "[...document.querySelectorAll('.fs-infobox tr')].map(r => r.getBoundingClientRect().height)"
        )
        # A mark "[1]" sits beside the next: its target is as wide as it is; a back link's is 24 px.
        for selector, wide in (("a.footnote-ref", 10), ("a.footnote-backref", 24)):
            sizes = areas(selector)
            assert all(w >= wide and h >= 24 and lines == 1 for w, h, lines in sizes), (selector, sizes)
        backref = reader.page.locator("a.footnote-backref").first
        assert backref.evaluate("a => getComputedStyle(a).opacity") == "1"
        assert reader.page.evaluate(_TAPS_TAKEN) == []
        # The targets are drawn outside the flow: an infobox row is as tall as its text alone.
        reader.page.add_style_tag(content=".md-typeset .fs-infobox sup { display: none; }")
        bare_rows = reader.page.evaluate(
            "[...document.querySelectorAll('.fs-infobox tr')].map(r => r.getBoundingClientRect().height)"
        )
        assert all(p - b < 8 for p, b in zip(plain_rows, bare_rows, strict=True)), (plain_rows, bare_rows)
        # The targets move nothing: no line, row or item is taller for them, on any record page.
        records = [f"actors/{a}.html" for a in site.actors] + [f"meetings/{m}.html" for m in site.meetings]
        for record in records:
            reader.open(record)
            assert reader.page.evaluate(_MOVED_BY_TARGETS) == [], record
        source = next(iter(site.sources))
        reader.open(f"sources/{source}.html")
        sizes = areas('.fs-gloss a[title="The passage"]')
        assert all(w >= 16 and h >= 24 for w, h, _ in sizes), sizes
        assert reader.page.evaluate(_TAPS_TAKEN) == []
        reader.open("timeline.html")
        when, title = reader.page.evaluate(
            "(() => { const li = document.querySelector('li.fs-event');"
            " return [li.querySelector('.fs-when').getBoundingClientRect().bottom,"
            " li.querySelector('.fs-event-title').getBoundingClientRect().top]; })()"
        )
        assert when <= title, (when, title)  # the date's line, then the event's
    finally:
        reader.page.close()
    assert reader.errors == []


def test_breadcrumbs_lead_back_to_the_section(reader: Reader, site: Site) -> None:
    meeting = site.timeline[0]
    reader.open(f"meetings/{meeting}.html")
    crumbs = reader.page.locator("nav.fs-crumbs")
    assert crumbs.locator("[aria-current=page]").inner_text() == site.meetings[meeting].title
    crumbs.locator("a", has_text="Meetings").click()
    reader.page.wait_for_load_state("load")
    assert reader.page.url.endswith("/meetings/index.html")
    assert reader.page.locator("nav.fs-crumbs").count() == 0  # section pages need none
    reader.open(f"actors/{_actor_id(site, 'Kim Jong Un')}.html")
    reader.page.locator("nav.fs-crumbs a", has_text="Home").click()
    reader.page.wait_for_load_state("load")
    assert reader.page.url.endswith("/index.html") and "/actors/" not in reader.page.url


def test_dark_mode_is_one_click_and_stays(reader: Reader, site: Site) -> None:
    reader.open("index.html")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert reader.page.evaluate(scheme) == "default"
    reader.page.locator("form[data-md-component=palette] label:visible").click()
    assert reader.page.evaluate(scheme) == "slate"
    reader.open(f"meetings/{site.timeline[0]}.html")
    assert reader.page.evaluate(scheme) == "slate"  # the choice carries to the next page
    background = reader.page.evaluate(
        "getComputedStyle(document.querySelector('.md-main')).backgroundColor"
        " || getComputedStyle(document.body).backgroundColor"
    )
    assert background != "rgb(255, 255, 255)"


def test_a_printed_event_is_its_content_with_addresses(browser: object, http_base: str, site: Site) -> None:
    """Printed, an event page drops the site's chrome and spells out outside references' addresses."""
    event = next(m for m in site.meetings.values() if m.date and m.date.references)
    reader = Reader(browser, http_base, offline=False)
    reader.page.emulate_media(media="print")
    reader.open(f"meetings/{event.id}.html")
    for chrome in (
        ".md-header",
        ".md-tabs",
        ".md-sidebar--primary",
        "nav.fs-crumbs",
        "a.fs-json",
        ".fs-noprint",
    ):
        assert not reader.page.locator(chrome).first.is_visible(), chrome
    assert reader.page.locator("h1").is_visible()
    printed = reader.page.evaluate(
        "[...document.querySelectorAll('.fs-print-url')]"
        ".map(e => getComputedStyle(e, '::after').content).join(' ')"
    )
    for ref in event.date.references:
        assert site.references[ref.reference].url in printed
    pdf = reader.page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    reader.page.close()
    assert reader.errors == []


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def _axe(reader: Reader) -> list[str]:
    """Serious and critical accessibility violations on the open page, as axe-core finds them."""
    # Colours fade in (search results, links): measure them once every transition has finished.
    reader.page.wait_for_function("document.getAnimations().every(a => a.playState === 'finished')")
    reader.page.add_script_tag(path=str(AXE))
    found = reader.page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""
    )
    return [str(f) for f in found]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_passes_an_accessibility_audit(
    browser: object, http_base: str, site: Site, scheme: str
) -> None:
    """axe-core (WCAG 2.x A and AA rules) in each page kind, light and dark, search open too."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it (npm ci)")
    reader = Reader(browser, http_base, offline=False)
    reader.page.emulate_media(color_scheme=scheme)
    problems = {}
    for path in _one_of_each(site):
        reader.open(path)
        expected = "slate" if scheme == "dark" else "default"
        assert reader.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        if found := _axe(reader):
            problems[path] = found
    reader.open("index.html")
    reader.search("Kim")
    if found := _axe(reader):
        problems["search results"] = found
    reader.page.close()
    assert problems == {}
    assert reader.errors == []


def test_the_offline_copy_works_unzipped_from_disk(
    browser: object, http_base: str, site: Site, tmp_path: Path
) -> None:
    """Download the zip from the downloads page, unzip it, open index.html: search and links work."""
    import zipfile

    reader = Reader(browser, http_base, offline=False)
    reader.open("downloads.html")
    with reader.page.expect_download() as download:
        reader.page.locator("a[href$='-offline.zip']").click()
    archive = tmp_path / download.value.suggested_filename
    download.value.save_as(archive)
    reader.page.close()
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "unzipped")
    (folder,) = (tmp_path / "unzipped").iterdir()

    offline = Reader(browser, folder.as_uri(), offline=True)
    offline.open("index.html")
    kim = _actor_id(site, "Kim Jong Un")
    hrefs = offline.search("Kim Jong Un")
    assert _page(hrefs[0]).endswith(f"actors/{kim}.html")
    offline.page.locator(".md-search-result__item > a").first.click()
    offline.page.wait_for_load_state("load")
    assert offline.page.url.startswith(folder.as_uri())
    offline.page.locator("article a[href*='meetings/']").first.click()
    offline.page.wait_for_load_state("load")
    assert "/meetings/" in offline.page.url and offline.page.locator("h1").is_visible()
    offline.page.close()
    assert offline.errors == [] and offline.leaked() == []
