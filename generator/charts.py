"""Pure SVG charts: a visual timeline and a who-met-whom graph.

Drawn here rather than by a JavaScript library so they need no CDN, work from
``file://``, print, and are byte-identical for the same content. Every text
from content is HTML-escaped; links are relative to the page the chart is on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import escape

from .dating import MONTHS
from .model import STATUSES, Site

MAX_GRAPH_ACTORS = 40

Url = Callable[[str, str], str]  # (kind, id) -> relative URL from the page the chart is on


def _e(text: object) -> str:
    return str(escape(str(text)))


@dataclass(frozen=True)
class _Bucket:
    key: str  # the date page this dot links to: a year or a month
    status: str
    meetings: tuple[str, ...]


def _buckets(site: Site) -> list[_Bucket]:
    """Events by the month (or, failing that, the year) they certainly fall in, and status.

    An event the sources place only between bounds further apart is not drawn:
    the chronology below the chart lists it with its bounds.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    meetings = site.meetings
    for id in site.placed:
        key = chart_key(site, id)
        if key is not None:
            groups.setdefault((key, meetings[id].status), []).append(id)
    return [_Bucket(k, s, tuple(ids)) for (k, s), ids in sorted(groups.items())]


def chart_key(site: Site, id: str) -> str | None:
    """The month or year an event certainly began in, or None."""
    return site.dating[id].chart_key


_GAP = 0.6  # the width of a run of empty years, in years: the axis breaks there


def _axis(years: list[int]) -> tuple[dict[int, float], list[float], float]:
    """Where each year starts on the axis, in years; where the axis breaks; its whole length.

    Years with events follow each other; a run of more than two empty years (1949, then
    2018) is cut out and marked, so that a lone early event does not crowd the rest.
    """
    start: dict[int, float] = {}
    breaks: list[float] = []
    at = 0.0
    for i, year in enumerate(years):
        if i:
            before = years[i - 1]
            if year - before - 1 > 2:
                breaks.append(at + _GAP / 2)
                at += _GAP
            else:
                for empty in range(before + 1, year):
                    start[empty] = at
                    at += 1
        start[year] = at
        at += 1
    return start, breaks, at


def _x(key: str, start: dict[int, float], length: float, left: int, width: int) -> float:
    year = int(key[:4])
    month = int(key[5:7]) if len(key) >= 7 else 7  # a year-only date sits mid-year
    return left + width * (start[year] + (month - 0.5) / 12) / length


def timeline_svg(site: Site, url: Url, filterable: bool = False) -> str:
    """Events by month (x) and status (row); a dot's size grows with its count, and links to the date.

    ``filterable``: each dot names who took part in its events, for the chronology's filter (left
    out where the chronology has no filter: at scale, the lists would outweigh the chart).
    """
    buckets = _buckets(site)
    if not buckets:
        return ""
    start, breaks, length = _axis(sorted({int(b.key[:4]) for b in buckets}))
    first, last = min(start), max(start)
    left, width, row, top = 90, 860, 34, 20
    rows = [s for s in STATUSES if any(b.status == s for b in buckets)]
    bottom = top + row * len(rows)
    height = bottom + 40
    out = [
        f'<svg class="fs-timeline" viewBox="0 0 {left + width + 20} {height}" role="group" '
        f'aria-label="Events from {first} to {last} by status" xmlns="http://www.w3.org/2000/svg">'
    ]
    labelled = sorted(start)
    step = max(1, math.ceil(len(labelled) / 12))
    for n, year in enumerate(labelled):
        if n % step:
            continue
        x = left + width * start[year] / length
        out.append(
            f'<line class="fs-grid" x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text class="fs-axis" x="{x + width / length / 2:.1f}" y="{bottom + 18}">{year}</text>'
        )
    for at in breaks:
        x = left + width * at / length
        out.append(
            f'<line class="fs-break" x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text class="fs-axis" x="{x:.1f}" y="{bottom + 18}">⋯</text>'
        )
    for i, status in enumerate(rows):
        y = top + row * i + row / 2
        out.append(f'<text class="fs-lane" x="{left - 10}" y="{y + 4:.1f}">{status}</text>')
        # Events known only to their year span the year, behind the months' dots: a dot at mid-year
        # would claim July, and hide July's dot. Larger dots go behind smaller ones, so that a month
        # next to a busier one still shows (and takes its own taps).
        in_row = (b for b in buckets if b.status == status)
        # Around each mark (a month's dot, a year's bar), a larger invisible one is a target a finger
        # can hit (with the mark's tooltip). They all lie under every mark: else one dot's target
        # would cover its neighbour's dot.
        hits: list[str] = []
        shapes: list[str] = []
        for b in sorted(in_row, key=lambda b: (len(b.key), -len(b.meetings), b.key)):
            r = 5 + 3 * math.log2(len(b.meetings))
            # A year's bucket: the months its events may have begun in (all of them: drawn once).
            first, last = _months(site, b.meetings) if len(b.key) == 4 else (1, 12)
            label = _label(b.key, first, last)
            names = "; ".join(site.meetings[m].title for m in b.meetings[:5])
            more = f" and {len(b.meetings) - 5} more" if len(b.meetings) > 5 else ""
            title = f"<title>{_e(label)}: {len(b.meetings)} {status} – {_e(names)}{more}</title>"
            # Who took part, for the chronology's filter: a dot none of whose events match is dimmed.
            link = f'<a href="{_e(url("dates", b.key))}"'
            if filterable:
                actors = " ".join(
                    sorted({p.actor for m in b.meetings for p in site.meetings[m].participants})
                )
                link += f' data-actors="{_e(actors)}" data-status="{status}"'
            link += ">"
            if len(b.key) == 4:
                year_x = left + width * start[int(b.key)] / length
                x0 = year_x + width * (first - 1) / 12 / length + 2
                span = max(width * (last - first + 1) / 12 / length - 4, 2 * r)
                # Half as tall as a dot of as many events: a month's dot where the bar begins reads
                # as a dot on a bar, not as one shape with a tail. Its target reaches a fingertip
                # (24 px) above and below it where the chart is narrowed to a phone (two thirds).
                target = (
                    f'<rect class="fs-hit" x="{x0:.1f}" y="{y - 20:.1f}" width="{span:.1f}" height="40">'
                    f"{title}</rect>"
                )
                shape = (
                    f'<rect class="fs-dot fs-year-span fs-status--{status}" x="{x0:.1f}" y="{y - r / 2:.1f}" '
                    f'width="{span:.1f}" height="{r:.1f}" rx="{r / 2:.1f}">{title}</rect>'
                )
            else:
                x = _x(b.key, start, length, left, width)
                target = (
                    f'<circle class="fs-hit" cx="{x:.1f}" cy="{y:.1f}" r="{max(r, 16):.1f}">{title}</circle>'
                )
                shape = (
                    f'<circle class="fs-dot fs-status--{status}" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}">'
                    f"{title}</circle>"
                )
            hits.append(f'{link[:-1]} tabindex="-1" aria-hidden="true">{target}</a>')
            shapes.append(f"{link}{shape}</a>")
        out.extend(hits + shapes)
    out.append("</svg>")
    return "".join(out)


def timeline_key(site: Site) -> str:
    """The chart's colours, named: on a phone its row labels can be scrolled out of sight."""
    buckets = _buckets(site)
    used = {b.status for b in buckets}
    items = "".join(
        f'<span class="fs-key-item"><svg width="12" height="12" aria-hidden="true"><circle '
        f'class="fs-dot fs-status--{s}" cx="6" cy="6" r="5"/></svg> {s}</span>'
        for s in STATUSES
        if s in used
    )
    if not items:
        return ""

    def swatch(shape: str, w: int = 14) -> str:
        return f'<svg class="fs-key-shape" width="{w}" height="14" aria-hidden="true">{shape}</svg>'

    shapes = (
        "A dot "
        + swatch('<circle cx="7" cy="7" r="3.5"/>')
        + swatch('<circle cx="7" cy="7" r="6.5"/>')
        + " is a month, larger for more events"
    )
    if any(len(b.key) == 4 for b in buckets):
        shapes += (
            "; a bar "
            + swatch('<rect x="1" y="5.25" width="30" height="3.5" rx="1.75" fill-opacity=".55"/>', 32)
            + " spans the months of a year that events the articles place no closer may have begun in"
        )
    return (
        f'<p class="fs-key">{items}</p>'
        f'<p class="fs-key-note">{shapes}. An event the articles do not place within one year is'
        " not drawn; the list below has every event.</p>"
    )


def _months(site: Site, ids: tuple[str, ...]) -> tuple[int, int]:
    """The first and last month of their year that any of these events may have begun in."""
    spans = [site.dating[m].chart_months or (1, 12) for m in ids]
    return min(f for f, _ in spans), max(t for _, t in spans)


def _label(key: str, first: int = 1, last: int = 12) -> str:
    """A bucket's month or year; a year's, narrowed to the months ``first`` to ``last`` of it."""
    if len(key) > 4:
        return f"{MONTHS[int(key[5:7]) - 1]} {key[:4]}"
    if (first, last) == (1, 12):
        return key
    if first == last:
        return f"{MONTHS[first - 1]} {key}"
    return f"between {MONTHS[first - 1]} and {MONTHS[last - 1]} {key}"


def graph_actors(site: Site) -> list[str]:
    """The actors drawn in the graph: those with most shared meetings, at most MAX_GRAPH_ACTORS."""
    degree = {a: sum(n for _, n in others) for a, others in site.met_with.items()}
    ranked = sorted(degree, key=lambda a: (-degree[a], site.actors[a].name, a))[:MAX_GRAPH_ACTORS]
    return sorted(ranked, key=lambda a: (site.actors[a].kind, a))  # around the circle by kind, then id


def graph_svg(site: Site, url: Url) -> str:
    """Actors on a circle, linked by a line whose width grows with their shared meetings."""
    actors = graph_actors(site)
    if not actors:
        return ""
    size, radius = 760, 250
    centre = size / 2
    pos = {}
    for i, a in enumerate(actors):
        angle = 2 * math.pi * i / len(actors) - math.pi / 2
        pos[a] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    out = [
        f'<svg class="fs-graph" viewBox="0 0 {size} {size}" role="group" '
        f'aria-label="Who met whom: {len(actors)} actors" xmlns="http://www.w3.org/2000/svg">',
        _legend({site.actors[a].kind for a in actors}),
    ]
    shown = set(actors)
    for a in actors:
        for b, n in site.met_with.get(a, ()):
            if b in shown and a < b:
                (x1, y1), (x2, y2) = pos[a], pos[b]
                names = f"{site.actors[a].name} – {site.actors[b].name}"
                out.append(
                    f'<line class="fs-edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                    f'stroke-width="{1 + 1.5 * math.log2(n):.1f}"><title>{_e(names)}: {n} shared '
                    f"meeting{'s' if n != 1 else ''}</title></line>"
                )
    for a in actors:
        x, y = pos[a]
        actor = site.actors[a]
        anchor = "start" if x > centre + 1 else "end" if x < centre - 1 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        dy = 4 if anchor != "middle" else (-12 if y < centre else 20)
        out.append(
            f'<a href="{_e(url("actors", a))}"><circle class="fs-node fs-node--{actor.kind}" cx="{x:.1f}" '
            f'cy="{y:.1f}" r="7"><title>{_e(actor.name)}</title></circle>'
            f'<text class="fs-label" x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">'
            f"{_e(actor.name)}</text></a>"
        )
    out.append("</svg>")
    return "".join(out)


def _legend(kinds: set[str]) -> str:
    """What the graph's colours and lines mean, in its top-left corner: the kinds of actor drawn."""
    rows = [
        '<g class="fs-legend">',
        '<text class="fs-label" x="10" y="18">Legend</text>',
    ]
    y = 38
    for kind in (k for k in ("person", "state", "organisation") if k in kinds):
        rows.append(
            f'<circle class="fs-node fs-node--{kind}" cx="18" cy="{y - 4}" r="6"/>'
            f'<text class="fs-label" x="30" y="{y}">{kind}</text>'
        )
        y += 18
    rows.append(
        f'<line class="fs-edge" x1="12" y1="{y - 4}" x2="40" y2="{y - 4}" stroke-width="1"/>'
        f'<text class="fs-label" x="46" y="{y}">met once</text>'
        f'<line class="fs-edge" x1="12" y1="{y + 14}" x2="40" y2="{y + 14}" stroke-width="2.5"/>'
        f'<text class="fs-label" x="46" y="{y + 18}">met twice (thicker: more)</text>'
        "</g>"
    )
    return "".join(rows)
