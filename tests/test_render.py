"""Rendering rules that the small sample does not reach: splitting long listings."""

from __future__ import annotations

import html
import itertools
import statistics
from pathlib import Path

import pytest

import generator.render
from generator.bench import make_content
from generator.build import Project, build, check, generate_files
from generator.render import Page, initial, make_env, md_escape, relative, render_page

from conftest import REPO, SAMPLE


@pytest.fixture
def tiny_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.render, "INDEX_LIMIT", 1)


def test_long_listings_are_split(tiny_limit: None) -> None:
    files = generate_files(Project(SAMPLE, templates=str(REPO / "templates"), pages="none"))
    letters = sorted(p for p in files if p.startswith("letters/"))
    assert letters == [
        "letters/actors-c.md",
        "letters/actors-k.md",
        "letters/actors-n.md",
        "letters/actors-r.md",
        "letters/actors-s.md",
        "letters/actors-u.md",
        "letters/actors-v.md",
        "letters/places-m.md",
        "letters/places-r.md",
    ]
    index = files["actors/index.md"].decode()
    assert "[S](../letters/actors-s.md) (1)" in index
    assert "| Name | Meetings |" not in index  # the full table is gone
    assert "[Sergei Lavrov](../actors/sergei-lavrov.md)" in files["letters/actors-s.md"].decode()
    topic = files["topics/arms.md"].decode()
    assert "The latest 1 of 4 meetings" in topic
    assert "un-security-council-missile-test.html" in topic
    assert "kim-putin-russia-2023.html" not in topic  # the earlier ones are left to the downloads
    timeline = files["timeline.md"].decode()
    assert "| [2023](dates/2023.md) | 3 |" in timeline
    assert "<th>Event</th>" not in timeline


def test_split_site_builds_strictly(tiny_limit: None, sample: Project) -> None:
    build(sample)  # mkdocs --strict: every letter and year link resolves
    assert (sample.root / "site/letters/actors-s.html").is_file()


def test_relative_links() -> None:
    assert relative("actors/x.md", "") == "actors/x.md"
    assert relative("actors/x.md", "actors") == "x.md"
    assert relative("places/y.md", "actors") == "../places/y.md"
    assert relative("downloads/a.json", "downloads/schemas") == "../a.json"


def test_initial_files_accented_and_other_scripts() -> None:
    assert initial("Émile") == "E"
    assert initial("Λαβρόφ") == "#"
    assert initial("3 Kings") == "#"


def test_md_escape_is_plain_text() -> None:
    assert md_escape("  a\n b ") == "a b"
    assert md_escape("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"


def test_the_home_page_explains_the_statuses_in_use() -> None:
    from generator.build import check
    from generator.schema import STATUS_MEANINGS, STATUSES

    assert list(STATUS_MEANINGS) == list(STATUSES)  # every status has its meaning, in order
    project = Project(SAMPLE, templates=str(REPO / "templates"), pages="none")
    site = check(project)
    used = {r.status for m in site.meetings.values() for r in m.reports}
    home = generate_files(project)["index.md"].decode()
    for status in STATUSES:
        line = f'fs-status--{status}">{status}</span> {STATUS_MEANINGS[status]}'
        assert (line in home) == (status in used), status


def test_the_graph_legend_names_only_the_kinds_of_actor_drawn() -> None:
    import re

    from generator.build import check
    from generator.charts import graph_actors, graph_svg

    site = check(Project(SAMPLE, templates=str(REPO / "templates"), pages="none"))
    svg = graph_svg(site, lambda kind, id: f"{kind}/{id}.html")
    legend = svg[svg.index('<g class="fs-legend">') :]
    drawn = {site.actors[a].kind for a in graph_actors(site)}
    assert set(re.findall(r"fs-node--(\w+)", legend)) == drawn


def test_a_year_bar_covers_only_the_months_its_events_may_fall_in() -> None:
    """On the chart, an event known to be "between July and September 2023" is a bar over those
    three months of 2023 (and says so), not over the whole year as if any month were possible."""
    import re

    from generator.build import check
    from generator.charts import timeline_svg

    site = check(Project(REPO, pages="none"))
    svg = timeline_svg(site, lambda kind, id: f"{kind}/{id}.html")
    grid = {int(y): float(x) for x, y in re.findall(r'<text class="fs-axis" x="([\d.]+)"[^>]*>(\d{4})<', svg)}
    year = statistics.median(b - a for a, b in itertools.pairwise(sorted(grid.values())))
    bars = re.findall(
        r'<rect class="fs-dot fs-year-span[^"]*" x="([\d.]+)"[^>]*width="([\d.]+)"[^>]*>'
        r"<title>([^<]*)</title>",
        svg,
    )
    assert bars
    for x, width, escaped in bars:
        title = html.unescape(escaped)
        y = int(re.search(r"\d{4}", title).group())  # type: ignore[union-attr]
        events = [
            i for i in site.placed if site.dating[i].chart_key == str(y) and site.meetings[i].title in title
        ]
        first = min(site.dating[i].chart_months[0] for i in events)  # type: ignore[index]
        last = max(site.dating[i].chart_months[1] for i in events)  # type: ignore[index]
        start = grid[y] - year / 2  # the axis label sits mid-year
        assert abs(float(x) - (start + year * (first - 1) / 12 + 2)) < 0.2, title
        assert abs(float(width) - (year * (last - first + 1) / 12 - 4)) < 0.2, title
        assert ("between" in title) == ((first, last) != (1, 12)), title
    assert any("between" in t for *_, t in bars) and any("between" not in t for *_, t in bars)


def test_a_small_dot_next_to_a_larger_one_is_drawn_over_it() -> None:
    """April 2018 (one event) beside May 2018 (two): both show, and each takes its own taps."""
    import re

    from generator.build import check
    from generator.charts import timeline_svg

    site = check(Project(REPO, pages="none"))
    svg = timeline_svg(site, lambda kind, id: f"{kind}/{id}.html")
    dots = [
        (float(x), float(y), float(r))
        for x, y, r in re.findall(
            r'<circle class="fs-dot[^"]*" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg
        )
    ]
    overlapping = [
        (a, b)
        for i, a in enumerate(dots)
        for b in dots[i + 1 :]
        if a[1] == b[1] and abs(a[0] - b[0]) < a[2] + b[2]
    ]
    assert overlapping  # this sheet has such neighbours
    assert all(later[2] <= earlier[2] for earlier, later in overlapping), overlapping
    # The larger target around a dot shows the dot's tooltip too.
    titles = re.findall(r'<circle class="fs-dot[^"]*" cx[^>]*>(<title>.*?</title>)', svg)
    assert sorted(re.findall(r'<circle class="fs-hit"[^>]*>(<title>.*?</title>)', svg)) == sorted(titles)


def test_the_pairs_who_met_most_are_those_a_full_sort_gives(tmp_path: Path) -> None:
    """The home page's pairs: counts first, then the first actor's name, then ids; ties at the cut kept."""
    make_content(tmp_path / "sheet", 300)
    site = check(Project(tmp_path / "sheet"))
    held = {(a, b): n for a, others in site.met_with.items() for b, n in others if a < b}
    coming = {(a, b): n for a, others in site.to_meet.items() for b, n in others if a < b}
    everything = sorted(
        held.keys() | coming.keys(),
        key=lambda p: (-held.get(p, 0), -coming.get(p, 0), site.actors[p[0]].name, p),
    )
    assert len(everything) > 50 and held
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "pairs.md.j2").write_text(
        "{% for n in limits %}{{ key_pairs(n) }}\n{% endfor %}", encoding="utf-8"
    )
    limits = [0, 1, 6, 25, len(everything), len(everything) + 5]
    out = render_page(make_env(templates), site, Page("pairs.md", "pairs.md.j2", {"limits": limits}))
    expected = [
        str([(a, b, held.get((a, b), 0), coming.get((a, b), 0)) for a, b in everything[:n]]) for n in limits
    ]
    assert out.replace("\\", "").splitlines() == expected  # the Markdown escapes taken off
