"""Every link on the built site leads somewhere: every href and src of every page, SVG links and
fragments included, resolves to a file of the site and, for a fragment, to an element with that id.

MkDocs checks the links of the Markdown it converts, not those inside raw HTML (the charts' SVG,
footnote back-links, the redirect pages), so the built HTML itself is crawled here.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from generator.build import Project


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            if name in ("href", "src", "xlink:href"):
                self.links.append((tag, value))


@pytest.fixture(scope="module")
def site(repo_project: Project) -> Path:
    return repo_project.path("site")


def _parse(path: Path, cache: dict[Path, _Links]) -> _Links:
    if path not in cache:
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        cache[path] = parser
    return cache[path]


@pytest.mark.build
def test_every_link_on_every_page_resolves(site: Path) -> None:
    cache: dict[Path, _Links] = {}
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    broken: list[str] = []
    checked = 0
    for page in pages:
        for tag, url in _parse(page, cache).links:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto", "data", "javascript") or url.startswith("//"):
                continue  # outside references' addresses, and nothing else, leave the site
            if parts.scheme:
                broken.append(f"{page.relative_to(site)}: {url} (unexpected scheme)")
                continue
            target_url, fragment = urldefrag(url)
            if target_url.startswith("/"):  # only the 404 page, which is served over http at the root
                target = (site / unquote(target_url).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(target_url)).resolve() if target_url else page
            checked += 1
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)}: <{tag}> {url}")
                continue
            if fragment and target.suffix == ".html" and unquote(fragment) not in _parse(target, cache).ids:
                broken.append(f"{page.relative_to(site)}: <{tag}> {url} (no element with id {fragment!r})")
    assert checked > 1000
    assert broken == [], "\n".join(broken[:40])


@pytest.mark.build
def test_the_charts_link_to_built_pages(site: Path) -> None:
    for chart in ("timeline.html", "graph.html"):
        links = [url for tag, url in _parse(site / chart, {}).links if tag == "a" and url.endswith(".html")]
        svg = (site / chart).read_text(encoding="utf-8")
        assert "<svg" in svg and '.md"' not in svg.split("<svg", 1)[1].split("</svg>", 1)[0], chart
        assert links, chart
