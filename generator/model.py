"""The site model: frozen records built from valid documents, plus every back-reference.

Built once, before anything is rendered, so that templates only read. Every
listing here has a named sort key, so output does not depend on file order.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .loader import Document
from .schema import date_key, precision

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# The browser builds the search index when a page opens, in time that grows with its text
# (about 0.3 s a million characters on our machine). Past this many meetings, a meeting
# page indexes what identifies it (title and summary), not its infobox, claims and
# quotes, so the first result stays within 2 s at 10,000 meetings.
FULL_TEXT_SEARCH_LIMIT = 3000


def _claimants(by: str | None, also_by: tuple[str, ...]) -> tuple[str, ...]:
    """Who something is attributed to: ``by``, then those who said it with them."""
    return (by, *also_by) if by else ()


@dataclass(frozen=True)
class Citation:
    source: str
    excerpt: str
    translation: str


@dataclass(frozen=True)
class Name:
    name: str
    lang: str
    script: str | None = None
    note: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Point:
    claim: str
    citations: tuple[Citation, ...]
    by: str | None = None
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    also_by: tuple[str, ...] = ()  # who else makes the claim, together with `by`

    @property
    def claimants(self) -> tuple[str, ...]:
        """Everyone the claim is attributed to, ``by`` first."""
        return _claimants(self.by, self.also_by)


@dataclass(frozen=True)
class Statement:
    speaker: str
    source: str
    quote: str
    translation: str
    direct: bool = True


@dataclass(frozen=True)
class Role:
    title: str
    citations: tuple[Citation, ...]
    of: str | None = None
    start: str | None = None
    end: str | None = None
    as_of: str | None = None


@dataclass(frozen=True)
class MeetingDate:
    on: str
    end: str | None = None
    inferred: str | None = None
    by: str | None = None
    also_by: tuple[str, ...] = ()  # who else gives the date, together with `by`

    @property
    def claimants(self) -> tuple[str, ...]:
        """Everyone the date is attributed to, ``by`` first."""
        return _claimants(self.by, self.also_by)

    @property
    def precision(self) -> str:
        return precision(self.on)


@dataclass(frozen=True)
class Participant:
    actor: str
    side: str
    role: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    seed: str
    language: str
    title: str
    published: str | None = None
    published_note: str | None = None
    publisher: str | None = None
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Actor:
    id: str
    file: str
    kind: str
    name: str
    citations: tuple[Citation, ...]
    other_names: tuple[Name, ...] = ()
    description: str | None = None
    affiliation: str | None = None
    based_in: str | None = None
    roles: tuple[Role, ...] = ()
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Place:
    id: str
    file: str
    kind: str
    name: str
    citations: tuple[Citation, ...]
    other_names: tuple[Name, ...] = ()
    country: str | None = None
    within: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Topic:
    id: str
    file: str
    name: str
    description: str | None = None
    points: tuple[Point, ...] = ()
    statements: tuple[Statement, ...] = ()


@dataclass(frozen=True)
class Meeting:
    id: str
    file: str
    title: str
    kind: str
    status: str
    summary: str
    citations: tuple[Citation, ...]
    date: MeetingDate | None = None
    place: str | None = None
    place_by: str | None = None
    place_also_by: tuple[str, ...] = ()  # who else gives the place, together with `place_by`
    participants: tuple[Participant, ...] = ()
    points: tuple[Point, ...] = ()
    statements: tuple[Statement, ...] = ()
    topics: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @functools.cached_property  # the record is kept between runs of serve, and so is this
    def sort_key(self) -> tuple[int, tuple[int, int, int], str]:
        """Dated meetings in date order (coarser dates first within a period), undated last."""
        if self.date is None:
            return (1, (0, 0, 0), self.id)
        return (0, date_key(self.date.on), self.id)

    @property
    def place_claimants(self) -> tuple[str, ...]:
        """Everyone the place is attributed to, ``place_by`` first."""
        return _claimants(self.place_by, self.place_also_by)

    def citations_all(self) -> tuple[Citation, ...]:
        """The meeting's own citations, then those of its points, in order."""
        out = list(self.citations)
        for p in self.points:
            out.extend(p.citations)
        return tuple(out)


@dataclass(frozen=True)
class CitationUse:
    """Where a citation is used: which page, and what it supports there."""

    citation: Citation
    kind: str  # actors, meetings, places, topics
    id: str
    supports: str


@dataclass(frozen=True)
class StatementUse:
    statement: Statement
    kind: str  # meetings or topics
    id: str


@dataclass(frozen=True)
class DateEntry:
    """One calendar page: a year, a month or a day."""

    key: str  # "2019", "2019-04" or "2019-04-25"
    meetings: tuple[str, ...]
    sources: tuple[str, ...]
    children: tuple[str, ...] = ()  # the months of a year, the days of a month

    @property
    def precision(self) -> str:
        return precision(self.key)


@dataclass(frozen=True)
class Site:
    """Everything the templates see, with back-references precomputed."""

    title: str
    sources: dict[str, Source]
    actors: dict[str, Actor]
    places: dict[str, Place]
    topics: dict[str, Topic]
    meetings: dict[str, Meeting]
    timeline: tuple[str, ...]  # meeting ids in date order, undated last
    neighbours: dict[str, tuple[str | None, str | None]]  # dated meeting -> (previous, next) dated one
    meetings_by_actor: dict[str, tuple[str, ...]]
    meetings_by_place: dict[str, tuple[str, ...]]
    meetings_by_topic: dict[str, tuple[str, ...]]
    related_to: dict[str, tuple[str, ...]]  # both directions of `related`
    met_with: dict[str, tuple[tuple[str, int], ...]]  # actor -> (other actor, shared meetings)
    statements_by_actor: dict[str, tuple[StatementUse, ...]]
    claims_by_actor: dict[str, tuple[tuple[Point, str, str], ...]]  # (point, kind, id)
    mentions: dict[tuple[str, str], tuple[tuple[Point, str, str], ...]]  # (kind, id) -> (point, kind, id)
    members: dict[str, tuple[str, ...]]  # actor -> actors affiliated with it
    places_in: dict[str, tuple[str, ...]]  # actor (state) or place -> places in it
    based_here: dict[str, tuple[str, ...]]  # place -> actors based there
    citations_by_source: dict[str, tuple[CitationUse, ...]]
    statements_by_source: dict[str, tuple[StatementUse, ...]]
    dates: dict[str, DateEntry] = field(default_factory=dict)

    @functools.cached_property  # computed once: charts, the calendar and serve ask again and again
    def dated(self) -> tuple[str, ...]:
        """Meeting ids with a date, in date order."""
        return tuple(mid for mid in self.timeline if self.meetings[mid].date is not None)

    @functools.cached_property
    def undated(self) -> tuple[str, ...]:
        """Meeting ids without a date (they sort last in the timeline)."""
        return self.timeline[len(self.dated) :]

    @functools.cached_property
    def searchable_in_full(self) -> bool:
        """Whether meeting pages put all their text in the search index (see FULL_TEXT_SEARCH_LIMIT)."""
        return len(self.meetings) <= FULL_TEXT_SEARCH_LIMIT

    @functools.cached_property
    def years(self) -> tuple[str, ...]:
        """The year pages, in order."""
        return tuple(k for k in self.dates if len(k) == 4)

    def status_counts(self, key: str) -> dict[str, int]:
        """How many meetings of each status a date page (year, month, day) lists."""
        return dict(Counter(self.meetings[m].status for m in self.dates[key].meetings))

    def name_of(self, kind: str, id: str) -> str:
        record: Any = getattr(self, kind)[id]
        return str(record.title if kind in ("meetings", "sources") else record.name)


def _tuple(items: Any, build: Any) -> tuple[Any, ...]:
    return tuple(build(i) for i in items or ())


def _citations(items: Any) -> tuple[Citation, ...]:
    return _tuple(items, lambda c: Citation(c["source"], c["excerpt"], c["translation"]))


def _points(items: Any) -> tuple[Point, ...]:
    return _tuple(
        items,
        lambda p: Point(
            p["claim"],
            _citations(p["citations"]),
            p.get("by"),
            tuple(p.get("actors") or ()),
            tuple(p.get("places") or ()),
            tuple(p.get("also_by") or ()),
        ),
    )


def _statements(items: Any) -> tuple[Statement, ...]:
    return _tuple(
        items,
        lambda s: Statement(
            s["speaker"], s["source"], s["quote"], s["translation"], s.get("direct", True) is not False
        ),
    )


def _names(items: Any) -> tuple[Name, ...]:
    return _tuple(
        items, lambda n: Name(n["name"], n["lang"], n.get("script"), n.get("note"), n.get("source"))
    )


def _date(d: dict[str, Any]) -> MeetingDate:
    return MeetingDate(d["on"], d.get("end"), d.get("inferred"), d.get("by"), tuple(d.get("also_by") or ()))


def _record(doc: Document) -> Any:
    d: dict[str, Any] = doc.data
    common = {"id": d["id"], "file": doc.file}
    if doc.kind == "sources":
        return Source(
            **common,
            seed=d["seed"],
            language=d["language"],
            title=d["title"],
            published=d.get("published"),
            published_note=d.get("published_note"),
            publisher=d.get("publisher"),
            url=d.get("url"),
            description=d.get("description"),
        )
    if doc.kind == "actors":
        roles = _tuple(
            d.get("roles"),
            lambda r: Role(
                r["title"],
                _citations(r["citations"]),
                r.get("of"),
                r.get("start"),
                r.get("end"),
                r.get("as_of"),
            ),
        )
        return Actor(
            **common,
            kind=d["kind"],
            name=d["name"],
            citations=_citations(d["citations"]),
            other_names=_names(d.get("other_names")),
            description=d.get("description"),
            affiliation=d.get("affiliation"),
            based_in=d.get("based_in"),
            roles=roles,
            points=_points(d.get("points")),
        )
    if doc.kind == "places":
        return Place(
            **common,
            kind=d["kind"],
            name=d["name"],
            citations=_citations(d["citations"]),
            other_names=_names(d.get("other_names")),
            country=d.get("country"),
            within=d.get("within"),
            description=d.get("description"),
        )
    if doc.kind == "topics":
        return Topic(
            **common,
            name=d["name"],
            description=d.get("description"),
            points=_points(d.get("points")),
            statements=_statements(d.get("statements")),
        )
    date = d.get("date")
    return Meeting(
        **common,
        title=d["title"],
        kind=d["kind"],
        status=d["status"],
        summary=d["summary"],
        citations=_citations(d["citations"]),
        date=_date(date) if date else None,
        place=d.get("place"),
        place_by=d.get("place_by"),
        place_also_by=tuple(d.get("place_also_by") or ()),
        participants=_tuple(
            d.get("participants"), lambda p: Participant(p["actor"], p["side"], p.get("role"))
        ),
        points=_points(d.get("points")),
        statements=_statements(d.get("statements")),
        topics=tuple(d.get("topics") or ()),
        related=tuple(d.get("related") or ()),
    )


def _days(start: str, end: str | None) -> list[str]:
    """Every day from ``start`` to ``end`` (both day-precise), at most 366 of them."""
    if end is None or len(start) != 10 or len(end) != 10:
        return [start] if len(start) == 10 else []
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    n = min((last - first).days, 365)
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(n + 1)]


def _neighbours(dated: list[str]) -> dict[str, tuple[str | None, str | None]]:
    return {
        m: (dated[i - 1] if i else None, dated[i + 1] if i + 1 < len(dated) else None)
        for i, m in enumerate(dated)
    }


def _freeze(d: dict[str, list[Any]], key: Any = None) -> dict[str, tuple[Any, ...]]:
    return {k: tuple(sorted(v, key=key) if key else v) for k, v in sorted(d.items())}


Contribution = tuple[str, Any, Any]  # (back-reference, key, value appended to its list)
RecordCache = dict[str, tuple[Document, Any, tuple[Contribution, ...]]]


def _contributions(kind: str, record: Any) -> tuple[Contribution, ...]:
    """What one record adds to the back-references that list citations, claims and statements.

    Made once per record and kept with it (see ``cache`` in :func:`build_site`),
    so an unchanged record brings the same use objects to every model.
    """
    out: list[Contribution] = []
    id = record.id

    def use(supports: str, citations: tuple[Citation, ...]) -> None:
        out.extend(("cites", c.source, CitationUse(c, kind, id, supports)) for c in citations)

    def points(items: tuple[Point, ...]) -> None:
        for p in items:
            use(p.claim, p.citations)
            out.extend(("claims", who, (p, kind, id)) for who in p.claimants)
            targets = {("actors", a) for a in p.actors} | {("places", pl) for pl in p.places}
            out.extend(("mentioned", target, (p, kind, id)) for target in sorted(targets))

    def said(items: tuple[Statement, ...]) -> None:
        for s in items:
            u = StatementUse(s, kind, id)
            out.extend([("statements", s.speaker, u), ("said_in", s.source, u)])

    if kind == "meetings":
        people = [p.actor for p in record.participants]
        for person in people:
            out.append(("by_actor", person, id))
            others = tuple(b for b in people if b != person)
            if others:  # a meeting of one (a body convening alone) links nobody
                out.append(("pairs", person, others))
        if record.place:
            out.append(("by_place", record.place, id))
        out.extend(("by_topic", t, id) for t in record.topics)
        if record.date:
            on_dates = set(_days(record.date.on, record.date.end))
            for d in (record.date.on, record.date.end):
                if d:
                    on_dates.update({d[:4], d[:7]} if len(d) >= 7 else {d})
            out.extend(("dates", k, id) for k in sorted(on_dates))
        use(record.title, record.citations)
        points(record.points)
        said(record.statements)
    elif kind == "actors":
        use(record.name, record.citations)
        for role in record.roles:
            use(role.title, role.citations)
        points(record.points)
    elif kind == "places":
        use(record.name, record.citations)
    elif kind == "topics":
        points(record.points)
        said(record.statements)
    return tuple(out)


def build_site(documents: list[Document], title: str, cache: RecordCache | None = None) -> Site:
    """The site model from documents that passed validation.

    With ``cache``, a document seen before (the same object) keeps its record
    object and what it contributes to the back-references, so an unchanged
    record is identical between two models.
    """
    by_kind: dict[str, dict[str, Any]] = defaultdict(dict)
    contributed: dict[str, tuple[Contribution, ...]] = {}
    fresh: RecordCache = {}
    for doc in sorted(documents, key=lambda d: (d.kind, d.data["id"])):
        hit = cache.get(doc.file) if cache is not None else None
        if hit is not None and hit[0] is doc:
            record, contributions = hit[1], hit[2]
        else:
            record = _record(doc)
            contributions = _contributions(doc.kind, record)
        fresh[doc.file] = (doc, record, contributions)
        by_kind[doc.kind][doc.data["id"]] = record
        contributed[doc.file] = contributions
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    sources: dict[str, Source] = by_kind["sources"]
    actors: dict[str, Actor] = by_kind["actors"]
    places: dict[str, Place] = by_kind["places"]
    topics: dict[str, Topic] = by_kind["topics"]
    meetings: dict[str, Meeting] = by_kind["meetings"]

    timeline = tuple(m.id for m in sorted(meetings.values(), key=lambda m: m.sort_key))
    order = {mid: i for i, mid in enumerate(timeline)}
    in_time = order.__getitem__

    by_actor: dict[str, list[str]] = defaultdict(list)
    by_place: dict[str, list[str]] = defaultdict(list)
    by_topic: dict[str, list[str]] = defaultdict(list)
    related: dict[str, set[str]] = defaultdict(set)
    pairs: dict[str, Counter[str]] = defaultdict(Counter)
    statements: dict[str, list[StatementUse]] = defaultdict(list)
    claims: dict[str, list[tuple[Point, str, str]]] = defaultdict(list)
    mentioned: dict[tuple[str, str], list[tuple[Point, str, str]]] = defaultdict(list)
    cites: dict[str, list[CitationUse]] = defaultdict(list)
    said_in: dict[str, list[StatementUse]] = defaultdict(list)
    date_meetings: dict[str, list[str]] = defaultdict(list)
    date_sources: dict[str, set[str]] = defaultdict(set)
    lists: dict[str, dict[Any, list[Any]]] = {
        "by_actor": by_actor,
        "by_place": by_place,
        "by_topic": by_topic,
        "dates": date_meetings,
        "cites": cites,
        "claims": claims,
        "mentioned": mentioned,
        "statements": statements,
        "said_in": said_in,
    }

    def add(record: Any) -> None:
        for name, key, value in contributed[record.file]:
            if name == "pairs":
                pairs[key].update(value)
            else:
                lists[name][key].append(value)

    for mid in timeline:  # in time order, so the lists of meetings below need no sorting
        m = meetings[mid]
        for r in m.related:
            related[m.id].add(r)
            related[r].add(m.id)
        add(m)
    for records in (actors, places, topics):
        for record in records.values():
            add(record)
    for src in sources.values():
        if src.published:
            for k in {src.published[:4], src.published[:7], src.published}:
                date_sources[k].add(src.id)

    members: dict[str, list[str]] = defaultdict(list)
    for a in actors.values():
        if a.affiliation:
            members[a.affiliation].append(a.id)
    based_here: dict[str, list[str]] = defaultdict(list)
    for a in actors.values():
        if a.based_in:
            based_here[a.based_in].append(a.id)
    places_in: dict[str, list[str]] = defaultdict(list)
    for pl in places.values():
        for parent in {pl.country, pl.within} - {None}:
            places_in[str(parent)].append(pl.id)

    use_key = operator.attrgetter("kind", "id")  # where a use is: (kind, id)

    keys = sorted(set(date_meetings) | set(date_sources))
    children: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        if len(k) > 4:
            children[k[: len(k) - 3]].append(k)
    dates = {
        k: DateEntry(
            k,
            tuple(date_meetings.get(k, ())),  # appended in time order
            tuple(sorted(date_sources.get(k, ()))),
            tuple(children.get(k, ())),
        )
        for k in keys
    }
    return Site(
        title=title,
        sources=sources,
        actors=actors,
        places=places,
        topics=topics,
        meetings=meetings,
        timeline=timeline,
        neighbours=_neighbours([m for m in timeline if meetings[m].date is not None]),
        meetings_by_actor=_freeze(by_actor),
        meetings_by_place=_freeze(by_place),
        meetings_by_topic=_freeze(by_topic),
        related_to={k: tuple(sorted(v, key=in_time)) for k, v in sorted(related.items())},
        met_with={
            k: tuple(sorted(c.items(), key=lambda kv: (-kv[1], actors[kv[0]].name, kv[0])))
            for k, c in sorted(pairs.items())
        },
        statements_by_actor=_freeze(statements),
        claims_by_actor=_freeze(claims),
        mentions={k: tuple(v) for k, v in sorted(mentioned.items())},
        members=_freeze(members, lambda i: (actors[i].name, i)),
        places_in=_freeze(places_in, lambda i: (places[i].name, i)),
        based_here=_freeze(based_here, lambda i: (actors[i].name, i)),
        citations_by_source={k: tuple(sorted(v, key=use_key)) for k, v in sorted(cites.items())},
        statements_by_source={k: tuple(sorted(v, key=use_key)) for k, v in sorted(said_in.items())},
        dates=dates,
    )
