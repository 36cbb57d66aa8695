"""The records: one frozen dataclass per kind of content file and per object inside one.

Built from valid documents by :func:`record`; the model (``model.py``) adds
every back-reference and where each event sits in time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .loader import Document
from .schema import BEGUN, DATE_PARTS, NOT_ENCOUNTERS, NOT_YET, precision


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
class Outside:
    """An outside reference cited for what it says, in the editors' words (never verified)."""

    reference: str
    says: str


@dataclass(frozen=True)
class BoundSpec:
    """A bound the editors give: not before (or not after) ``date``, and why."""

    date: str
    reason: str
    citations: tuple[Citation, ...] = ()
    references: tuple[Outside, ...] = ()


@dataclass(frozen=True)
class Relative:
    """Words that date an event relative to an article's publication date."""

    source: str
    words: str
    cue: str
    day: int | None = None
    direction: str | None = None


@dataclass(frozen=True)
class EventDate:
    on: str | None = None
    end: str | None = None
    inferred: str | None = None
    by: str | None = None
    also_by: tuple[str, ...] = ()  # who else gives the date, together with `by`
    without_year: str | None = None
    relative: Relative | None = None
    not_before: BoundSpec | None = None
    not_after: BoundSpec | None = None
    references: tuple[Outside, ...] = ()
    from_references: tuple[str, ...] = ()  # parts of `on`/`end` only the references give

    @property
    def claimants(self) -> tuple[str, ...]:
        """Everyone the date is attributed to, ``by`` first."""
        return _claimants(self.by, self.also_by)

    @property
    def precision(self) -> str | None:
        return precision(self.on) if self.on else None


MeetingDate = EventDate  # its former name


@dataclass(frozen=True)
class Report:
    """What one source said of an event as of its publication, and the words that say so."""

    status: str
    citation: Citation
    by: str | None = None
    also_by: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return self.citation.source

    @property
    def claimants(self) -> tuple[str, ...]:
        return _claimants(self.by, self.also_by)


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
    outlet: str | None = None
    url: str | None = None
    description: str | None = None
    author: str | None = None
    published_basis: str | None = None
    published_references: tuple[Outside, ...] = ()
    former_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """An outside reference: a public page not archived in seeds/, never quoted, never verified."""

    id: str
    file: str
    url: str
    outlet: str
    title: str
    published: str
    language: str
    author: str | None = None
    description: str | None = None
    former_ids: tuple[str, ...] = ()


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
    former_ids: tuple[str, ...] = ()


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
    former_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    id: str
    file: str
    name: str
    description: str | None = None
    points: tuple[Point, ...] = ()
    statements: tuple[Statement, ...] = ()
    former_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Meeting:
    """An event (a meeting, visit, talks, process or series): one record however many report it."""

    id: str
    file: str
    title: str
    kind: str
    summary: str
    reports: tuple[Report, ...]
    citations: tuple[Citation, ...] = ()
    date: EventDate | None = None
    place: str | None = None
    place_by: str | None = None
    place_also_by: tuple[str, ...] = ()  # who else gives the place, together with `place_by`
    place_references: tuple[Outside, ...] = ()  # outside references on where it took place
    participants: tuple[Participant, ...] = ()
    points: tuple[Point, ...] = ()
    statements: tuple[Statement, ...] = ()
    topics: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    may_be: tuple[str, ...] = ()  # events it may be the same as: not counted as another meeting
    count: int | None = None
    instances: tuple[str, ...] = ()
    requested_by: tuple[str, ...] = ()
    part_of: str | None = None
    former_ids: tuple[str, ...] = ()

    @functools.cached_property  # asked for on every page that lists the event
    def status(self) -> str:
        """The current status: the latest report's (reports are listed in order of publication)."""
        return self.reports[-1].status

    @property
    def encounter(self) -> bool:
        """Whether it is a meeting of people at all (not a process, not a series known by count)."""
        return self.kind not in NOT_ENCOUNTERS

    @property
    def counts_as(self) -> str | None:
        """How who-met-whom counts it: "met" (held, or under way when reported), "to meet" (not
        yet), or not at all (cancelled, or it may be an event already on record)."""
        if self.may_be:
            return None
        return "met" if self.status in BEGUN else "to meet" if self.status in NOT_YET else None

    @property
    def place_claimants(self) -> tuple[str, ...]:
        """Everyone the place is attributed to, ``place_by`` first."""
        return _claimants(self.place_by, self.place_also_by)

    @functools.cached_property  # the record is kept between runs of serve, and so is this
    def dating_sources(self) -> tuple[str, ...]:
        """The sources whose publication dates help to date the event."""
        own = (self.date.relative.source,) if self.date and self.date.relative else ()
        return (*own, *(r.source for r in self.reports))

    @functools.cached_property
    def pairs(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """Its participants, sorted, and every two of them (who met whom in this event alone)."""
        people = tuple(sorted({p.actor for p in self.participants}))
        return people, tuple((a, b) for i, a in enumerate(people) for b in people[i + 1 :])

    def citations_all(self) -> tuple[Citation, ...]:
        """The reports' excerpts, the event's own citations, then those of its points, in order."""
        out = [r.citation for r in self.reports]
        out.extend(self.citations)
        for b in (self.date.not_before, self.date.not_after) if self.date else ():
            if b is not None:
                out.extend(b.citations)
        for p in self.points:
            out.extend(p.citations)
        return tuple(out)

    def outside_all(self) -> tuple[Outside, ...]:
        """Every outside reference the event cites (for its date, bounds and place)."""
        out = list(self.place_references)
        if self.date is not None:
            out.extend(self.date.references)
            for b in (self.date.not_before, self.date.not_after):
                if b is not None:
                    out.extend(b.references)
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
class OutsideUse:
    """Where an outside reference is cited: which page, for what, and what it is said to say."""

    outside: Outside
    kind: str
    id: str
    supports: str


def _tuple(items: Any, build: Any) -> tuple[Any, ...]:
    return tuple(build(i) for i in items or ())


def _citation(c: dict[str, Any]) -> Citation:
    return Citation(c["source"], c["excerpt"], c["translation"])


def _citations(items: Any) -> tuple[Citation, ...]:
    return _tuple(items, _citation)


def _outside(items: Any) -> tuple[Outside, ...]:
    return _tuple(items, lambda o: Outside(o["reference"], o["says"]))


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


def _bound(b: dict[str, Any] | None) -> BoundSpec | None:
    if b is None:
        return None
    return BoundSpec(b["date"], b["reason"], _citations(b.get("citations")), _outside(b.get("references")))


def _date(d: dict[str, Any]) -> EventDate:
    rel = d.get("relative")
    return EventDate(
        on=d.get("on"),
        end=d.get("end"),
        inferred=d.get("inferred"),
        by=d.get("by"),
        also_by=tuple(d.get("also_by") or ()),
        without_year=d.get("without_year"),
        relative=Relative(rel["source"], rel["words"], rel["cue"], rel.get("day"), rel.get("direction"))
        if rel
        else None,
        not_before=_bound(d.get("not_before")),
        not_after=_bound(d.get("not_after")),
        references=_outside(d.get("references")),
        from_references=tuple(part for part in DATE_PARTS if part in (d.get("from_references") or ())),
    )


def _report(r: dict[str, Any]) -> Report:
    return Report(r["status"], _citation(r), r.get("by"), tuple(r.get("also_by") or ()))


def record(doc: Document) -> Any:
    """The record of one valid document."""
    d: dict[str, Any] = doc.data
    common = {"id": d["id"], "file": doc.file, "former_ids": tuple(d.get("former_ids") or ())}
    if doc.kind == "sources":
        return Source(
            **common,
            seed=d["seed"],
            language=d["language"],
            title=d["title"],
            published=d.get("published"),
            published_note=d.get("published_note"),
            outlet=d.get("outlet"),
            url=d.get("url"),
            description=d.get("description"),
            author=d.get("author"),
            published_basis=d.get("published_basis"),
            published_references=_outside(d.get("published_references")),
        )
    if doc.kind == "references":
        return Reference(
            **common,
            url=d["url"],
            outlet=d["outlet"],
            title=d["title"],
            published=d["published"],
            language=d["language"],
            author=d.get("author"),
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
        summary=d["summary"],
        reports=_tuple(d["reports"], _report),
        citations=_citations(d.get("citations")),
        date=_date(date) if date else None,
        place=d.get("place"),
        place_by=d.get("place_by"),
        place_also_by=tuple(d.get("place_also_by") or ()),
        place_references=_outside(d.get("place_references")),
        participants=_tuple(
            d.get("participants"), lambda p: Participant(p["actor"], p["side"], p.get("role"))
        ),
        points=_points(d.get("points")),
        statements=_statements(d.get("statements")),
        topics=tuple(d.get("topics") or ()),
        related=tuple(d.get("related") or ()),
        may_be=tuple(d.get("may_be") or ()),
        count=d.get("count"),
        instances=tuple(d.get("instances") or ()),
        requested_by=tuple(d.get("requested_by") or ()),
        part_of=d.get("part_of"),
    )
