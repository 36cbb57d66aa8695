"""The site model: the records of valid documents, plus every back-reference.

Built once, before anything is rendered, so that templates only read. Every
listing here has a named sort key, so output does not depend on file order.
The records themselves are in ``records.py``; where events sit in time is
worked out by ``dating.py``.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .dating import MONTHS, Dating, date_event, within_whole
from .history import History
from .loader import Document
from .parallel import give_way
from .records import (
    Actor,
    Citation,
    CitationUse,
    EventDate,
    Meeting,
    MeetingDate,
    Outside,
    OutsideUse,
    Place,
    Point,
    Reference,
    Report,
    Source,
    Statement,
    StatementUse,
    Topic,
    record,
)
from .schema import STATUSES, precision

__all__ = [
    "MONTHS",
    "STATUSES",
    "Actor",
    "Citation",
    "CitationUse",
    "EventDate",
    "Meeting",
    "MeetingDate",
    "Outside",
    "OutsideUse",
    "Place",
    "Point",
    "Reference",
    "Report",
    "Site",
    "Source",
    "Statement",
    "StatementUse",
    "Topic",
    "build_site",
    "record",
]

# The browser builds the search index when a page opens, in time that grows with its text
# (about 0.3 s a million characters on our machine). Past this many meetings, a meeting
# page indexes what identifies it (title and summary), not its claims and
# quotes, and date pages are left out, so the first result stays within 2 s at 10,000 meetings.
FULL_TEXT_SEARCH_LIMIT = 3000


@dataclass(frozen=True)
class DateEntry:
    """One calendar page: a year, a month or a day."""

    key: str  # "2019", "2019-04" or "2019-04-25"
    meetings: tuple[str, ...]  # events that certainly fall in it, in time order
    sources: tuple[str, ...]
    children: tuple[str, ...] = ()  # the months of a year, the days of a month
    possible: tuple[str, ...] = ()  # events that may fall in it, as far as the sources say

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
    timeline: tuple[str, ...]  # event ids by earliest possible date, unplaced last
    dating: dict[str, Dating]  # event -> where it sits in time, and why
    neighbours: dict[str, tuple[str | None, str | None]]  # placed event -> (previous, next) placed one
    meetings_by_actor: dict[str, tuple[str, ...]]  # events an actor takes part in (not series)
    meetings_by_place: dict[str, tuple[str, ...]]
    meetings_by_topic: dict[str, tuple[str, ...]]
    related_to: dict[str, tuple[str, ...]]  # both directions of `related`
    may_be_same: dict[str, tuple[str, ...]]  # both directions of `may_be`
    met_with: dict[str, tuple[tuple[str, int], ...]]  # actor -> (other actor, held encounters together)
    to_meet: dict[str, tuple[tuple[str, int], ...]]  # actor -> (other, planned or expected encounters)
    encounters_by_actor: dict[str, tuple[str, ...]]  # actor -> whole encounters (parts folded in)
    parts: dict[str, tuple[str, ...]]  # event -> the events that are part of it
    series_by_actor: dict[str, tuple[str, ...]]  # actor -> series (meetings known by count) with them
    requested_by_actor: dict[str, tuple[str, ...]]  # actor -> events it requested or called
    statements_by_actor: dict[str, tuple[StatementUse, ...]]
    claims_by_actor: dict[str, tuple[tuple[Point, str, str], ...]]  # (point, kind, id)
    mentions: dict[tuple[str, str], tuple[tuple[Point, str, str], ...]]  # (kind, id) -> (point, kind, id)
    members: dict[str, tuple[str, ...]]  # actor -> actors affiliated with it
    places_in: dict[str, tuple[str, ...]]  # actor (state) or place -> places in it
    based_here: dict[str, tuple[str, ...]]  # place -> actors based there
    citations_by_source: dict[str, tuple[CitationUse, ...]]
    statements_by_source: dict[str, tuple[StatementUse, ...]]
    references: dict[str, Reference] = field(default_factory=dict)
    outside_uses: dict[str, tuple[OutsideUse, ...]] = field(default_factory=dict)  # reference -> uses
    former: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, former id) -> id now
    seeds: dict[str, str] = field(default_factory=dict)  # archived article (file name) -> its text
    dates: dict[str, DateEntry] = field(default_factory=dict)
    history: History | None = None  # the content files' history from git, when there is one

    @functools.cached_property  # computed once: charts, the calendar and serve ask again and again
    def placed(self) -> tuple[str, ...]:
        """Event ids that something places in time, in time order."""
        return tuple(mid for mid in self.timeline if self.dating[mid].placed)

    @functools.cached_property
    def loosely_placed(self) -> tuple[str, ...]:
        """Placed event ids that fall in no one year for certain (bounds years apart, or one only)."""
        return tuple(
            mid for mid in self.placed if not any(len(k) == 4 for k in self.dating[mid].certain_keys())
        )

    @functools.cached_property
    def undated(self) -> tuple[str, ...]:
        """Event ids nothing places in time (they sort last in the timeline)."""
        return self.timeline[len(self.placed) :]

    @functools.cached_property
    def searchable_in_full(self) -> bool:
        """Whether meeting pages put all their text in the search index (see FULL_TEXT_SEARCH_LIMIT)."""
        return len(self.meetings) <= FULL_TEXT_SEARCH_LIMIT

    @functools.cached_property
    def years(self) -> tuple[str, ...]:
        """The year pages, in order."""
        return tuple(k for k in self.dates if len(k) == 4)

    def status_counts(self, key: str) -> dict[str, int]:
        """How many events of each status a date page (year, month, day) lists as certain."""
        return dict(Counter(self.meetings[m].status for m in self.dates[key].meetings))

    def name_of(self, kind: str, id: str) -> str:
        record: Any = getattr(self, kind)[id]
        return str(record.title if kind in ("meetings", "sources", "references") else record.name)


def _neighbours(placed: list[str]) -> dict[str, tuple[str | None, str | None]]:
    return {
        m: (placed[i - 1] if i else None, placed[i + 1] if i + 1 < len(placed) else None)
        for i, m in enumerate(placed)
    }


def _freeze(d: dict[str, list[Any]], key: Any = None) -> dict[str, tuple[Any, ...]]:
    return {k: tuple(sorted(v, key=key) if key else v) for k, v in sorted(d.items())}


Contribution = tuple[str, Any, Any]  # (back-reference, key, value appended to its list)
RecordCache = dict[str, tuple[Document, Any, tuple[Contribution, ...]]]
# event id -> (record, the publication dates it was dated with, its dating)
DatingCache = dict[str, tuple[Any, tuple[str | None, ...], Dating]]


def _contributions(kind: str, record: Any) -> tuple[Contribution, ...]:
    """What one record adds to the back-references that depend on it alone.

    Made once per record and kept with it (see ``cache`` in :func:`build_site`),
    so an unchanged record brings the same use objects to every model. What
    depends on other records too (dates, who met whom) is made in build_site.
    """
    out: list[Contribution] = []
    id = record.id

    def use(supports: str, citations: tuple[Citation, ...]) -> None:
        out.extend(("cites", c.source, CitationUse(c, kind, id, supports)) for c in citations)

    def outside(supports: str, items: tuple[Outside, ...]) -> None:
        out.extend(("outside", o.reference, OutsideUse(o, kind, id, supports)) for o in items)

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
        for p in record.participants:
            out.append(("series" if record.kind == "series" else "by_actor", p.actor, id))
        out.extend(("requested", a, id) for a in record.requested_by)
        if record.place:
            out.append(("by_place", record.place, id))
        out.extend(("by_topic", t, id) for t in record.topics)
        for r in record.reports:
            use(f"{record.title}: reported {r.status}", (r.citation,))
        use(record.title, record.citations)
        outside(f"{record.title}: place", record.place_references)
        d = record.date
        if d is not None:
            outside(f"{record.title}: date", d.references)
            for name, b in (("not before", d.not_before), ("not after", d.not_after)):
                if b is not None:
                    use(f"{record.title}: {name} {b.date}", b.citations)
                    outside(f"{record.title}: {name} {b.date}", b.references)
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
    elif kind == "sources":
        outside(f"{record.title}: publication date", record.published_references)
    return tuple(out)


def _dated(
    meetings: dict[str, Meeting], sources: dict[str, Source], cache: DatingCache | None
) -> dict[str, Dating]:
    """Every event's dating; an event is dated again only when it or its sources' dates changed."""
    published = {sid: s.published for sid, s in sources.items()}
    out: dict[str, Dating] = {}
    fresh: DatingCache = {}
    for mid, m in meetings.items():
        pubs = tuple(published.get(s) for s in m.dating_sources)
        hit = cache.get(mid) if cache is not None else None
        kept = hit is not None and hit[0] is m and hit[1] == pubs
        if not kept:
            give_way()
        dating = hit[2] if kept and hit is not None else date_event(m, published)[0]
        out[mid] = dating
        fresh[mid] = (m, pubs, dating)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    for mid, m in meetings.items():
        out[mid] = _in_whole(m, out[mid], out)
    return out


def _in_whole(m: Meeting, dating: Dating, datings: dict[str, Dating]) -> Dating:
    """An event's dating, narrowed to its whole's (in ``datings``) when it has no date of its own."""
    whole = m.part_of
    if whole is not None and m.date is None and whole in datings:
        return within_whole(dating, datings[whole], whole)
    return dating


# Each back-reference build_site collects, and the Site field that holds it.
LISTS = {
    "by_actor": "meetings_by_actor",
    "by_place": "meetings_by_place",
    "by_topic": "meetings_by_topic",
    "series": "series_by_actor",
    "requested": "requested_by_actor",
    "cites": "citations_by_source",
    "claims": "claims_by_actor",
    "mentioned": "mentions",
    "statements": "statements_by_actor",
    "said_in": "statements_by_source",
    "outside": "outside_uses",
}


def _shape(kind: str, r: Any) -> tuple[Any, ...]:
    """Everything build_site reads from a record apart from its contributions and its dating.

    Two versions of a record with the same shape, the same dating and
    contributions to the same lists at the same keys sit in every listing
    at the same place: the model of one is the model of the other with the
    record and its contributed values swapped (:func:`_patched`). Keep this
    in step with build_site; ``tests/test_model.py`` edits every field of
    every kind and compares the patched model with a full build.
    """
    common = (r.id, r.former_ids)
    if kind == "meetings":
        return (*common, r.related, r.may_be, r.part_of, r.encounter, r.pairs, r.counts_as, r.dating_sources)
    if kind == "actors":
        return (*common, r.name, r.affiliation, r.based_in)
    if kind == "places":
        return (*common, r.name, r.country, r.within)
    if kind == "sources":
        return (*common, r.published, r.seed)
    return common


def _patched(
    previous: Site,
    documents: list[Document],
    title: str,
    cache: RecordCache,
    datings: DatingCache | None,
    seeds: dict[str, str] | None,
) -> Site | None:
    """``previous`` with the edited records swapped in, when no listing changes shape; else None.

    The common edit (a title, a summary, a claim's wording, an excerpt's
    translation) changes values but not what lists what in which order: the
    records and the values they contribute are replaced where they are, and
    everything else of the previous model is kept. Anything else (a record
    added, removed or renamed, a date, a participant, a name that orders a
    list, an article's text) returns None and the model is built again.
    """
    if title != previous.title or len(documents) != len(cache):
        return None
    edited: list[tuple[Document, tuple[Contribution, ...], Any, tuple[Contribution, ...]]] = []
    for doc in documents:
        hit = cache.get(doc.file)
        if hit is None:
            return None
        old_doc, old, old_contributions = hit
        if old_doc is doc:
            continue
        if old_doc.kind != doc.kind:
            return None
        new = record(doc)
        if _shape(doc.kind, new) != _shape(doc.kind, old):
            return None
        contributions = _contributions(doc.kind, new)
        if [c[:2] for c in contributions] != [c[:2] for c in old_contributions]:
            return None
        edited.append((doc, old_contributions, new, contributions))
    site_seeds = {s.seed: seeds[s.seed] for s in previous.sources.values() if seeds and s.seed in seeds}
    if site_seeds != previous.seeds:
        return None
    published = {sid: s.published for sid, s in previous.sources.items()}
    new_datings: dict[str, tuple[Any, tuple[str | None, ...], Dating]] = {}
    for doc, _, new, _ in edited:
        if doc.kind != "meetings":
            continue
        raw = date_event(new, published)[0]
        if _in_whole(new, raw, previous.dating) != previous.dating[new.id]:
            return None
        new_datings[new.id] = (new, tuple(published.get(s) for s in new.dating_sources), raw)
    # The shape of every listing is unchanged: swap the records and their values in.
    kinds: dict[str, dict[str, Any]] = {}
    fields: dict[str, dict[Any, tuple[Any, ...]]] = {}
    kept: RecordCache = {}
    for doc, old_contributions, new, contributions in edited:
        records = kinds.get(doc.kind)
        if records is None:
            records = kinds[doc.kind] = dict(getattr(previous, doc.kind))
        records[new.id] = new
        # What the listings hold from now on: an equal value stays as it is (the very object the
        # next patch looks for), a changed one takes its place.
        holds: list[Contribution] = []
        for (name, key, was), (_, _, now) in zip(old_contributions, contributions, strict=True):
            if was is now or was == now:
                holds.append((name, key, was))
                continue
            listing = fields.get(LISTS[name])
            if listing is None:
                listing = fields[LISTS[name]] = dict(getattr(previous, LISTS[name]))
            values = listing.get(key, ())
            if not any(value is was for value in values):
                return None  # not where this record put it: build the model again
            listing[key] = tuple(now if value is was else value for value in values)
            holds.append((name, key, now))
        kept[doc.file] = (doc, new, tuple(holds))
    cache.update(kept)
    changes: dict[str, Any] = {**kinds, **fields}
    return dataclasses.replace(previous, **changes)


def _whole(meetings: dict[str, Meeting], mid: str) -> str:
    """The largest encounter an encounter is part of (itself if none): who met whom counts it once."""
    seen = {mid}
    while True:
        parent = meetings[mid].part_of
        if parent is None or parent in seen or not meetings[parent].encounter:
            return mid
        seen.add(parent)
        mid = parent


def build_site(
    documents: list[Document],
    title: str,
    cache: RecordCache | None = None,
    datings: DatingCache | None = None,
    seeds: dict[str, str] | None = None,
    previous: Site | None = None,
) -> Site:
    """The site model from documents that passed validation.

    With ``cache``, a document seen before (the same object) keeps its record
    object and what it contributes to the back-references, so an unchanged
    record is identical between two models; with ``datings``, an event whose
    record and sources' dates are unchanged keeps its dating. With
    ``previous`` too (the model ``cache`` was filled for), an edit that leaves
    every listing's shape as it was is patched into a copy of it (see
    :func:`_patched`) instead of building every listing again.
    """
    if previous is not None and cache is not None:
        patched = _patched(previous, documents, title, cache, datings, seeds)
        if patched is not None:
            return patched
    by_kind: dict[str, dict[str, Any]] = defaultdict(dict)
    contributed: dict[str, tuple[Contribution, ...]] = {}
    fresh: RecordCache = {}
    for doc in sorted(documents, key=lambda d: (d.kind, d.data["id"])):
        hit = cache.get(doc.file) if cache is not None else None
        if hit is not None and hit[0] is doc:
            made, contributions = hit[1], hit[2]
        else:
            give_way()
            made = record(doc)
            contributions = _contributions(doc.kind, made)
        fresh[doc.file] = (doc, made, contributions)
        by_kind[doc.kind][doc.data["id"]] = made
        contributed[doc.file] = contributions
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    sources: dict[str, Source] = by_kind["sources"]
    references: dict[str, Reference] = by_kind["references"]
    actors: dict[str, Actor] = by_kind["actors"]
    places: dict[str, Place] = by_kind["places"]
    topics: dict[str, Topic] = by_kind["topics"]
    meetings: dict[str, Meeting] = by_kind["meetings"]

    dating = _dated(meetings, sources, datings)
    timeline = tuple(sorted(meetings, key=lambda mid: (*dating[mid].sort_key, mid)))
    order = {mid: i for i, mid in enumerate(timeline)}
    in_time = order.__getitem__

    by_actor: dict[str, list[str]] = defaultdict(list)
    by_place: dict[str, list[str]] = defaultdict(list)
    by_topic: dict[str, list[str]] = defaultdict(list)
    series: dict[str, list[str]] = defaultdict(list)
    requested: dict[str, list[str]] = defaultdict(list)
    related: dict[str, set[str]] = defaultdict(set)
    same: dict[str, set[str]] = defaultdict(set)
    statements: dict[str, list[StatementUse]] = defaultdict(list)
    claims: dict[str, list[tuple[Point, str, str]]] = defaultdict(list)
    mentioned: dict[tuple[str, str], list[tuple[Point, str, str]]] = defaultdict(list)
    cites: dict[str, list[CitationUse]] = defaultdict(list)
    said_in: dict[str, list[StatementUse]] = defaultdict(list)
    outside_uses: dict[str, list[OutsideUse]] = defaultdict(list)
    lists: dict[str, dict[Any, list[Any]]] = {
        "by_actor": by_actor,
        "by_place": by_place,
        "by_topic": by_topic,
        "series": series,
        "requested": requested,
        "cites": cites,
        "claims": claims,
        "mentioned": mentioned,
        "statements": statements,
        "said_in": said_in,
        "outside": outside_uses,
    }

    def add(r: Any) -> None:
        for name, key, value in contributed[r.file]:
            lists[name][key].append(value)

    date_meetings: dict[str, list[str]] = defaultdict(list)
    parts: dict[str, list[str]] = defaultdict(list)
    people: dict[str, set[str]] = defaultdict(set)  # whole encounter -> everyone in it or its parts
    # whole encounter -> who met whom in it: the pairs of each part (and of the whole) on their own, so
    # two people in different parts of a visit are not counted as having met
    paired: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for mid in timeline:  # in time order, so the lists of events below need no sorting
        m = meetings[mid]
        for r in m.related:
            related[m.id].add(r)
            related[r].add(m.id)
        for r in m.may_be:
            same[m.id].add(r)
            same[r].add(m.id)
        if m.part_of is not None:
            parts[m.part_of].append(mid)
        for k in dating[mid].certain_keys():  # each key's list stays in time order
            date_meetings[k].append(mid)
        if m.encounter:
            whole = _whole(meetings, mid)
            here, pairs = m.pairs
            people[whole].update(here)
            paired[whole].update(pairs)
        add(m)
    others: tuple[dict[str, Any], ...] = (sources, actors, places, topics)
    for records in others:
        for other in records.values():
            add(other)

    met: dict[str, Counter[str]] = defaultdict(Counter)
    expected: dict[str, Counter[str]] = defaultdict(Counter)
    encounters: dict[str, list[str]] = defaultdict(list)
    for whole in sorted(people, key=in_time):
        tally = {"met": met, "to meet": expected}.get(meetings[whole].counts_as or "")
        for person in people[whole]:  # each person's list is in time order whatever the order here
            encounters[person].append(whole)
        if tally is not None:
            for one, other in paired[whole]:  # counts: order does not matter
                tally[one][other] += 1
                tally[other][one] += 1

    date_sources: dict[str, set[str]] = defaultdict(set)
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

    # A day only an outside report gives keeps its page, which lists the event as one that may fall in it.
    outside = {k for mid in timeline if dating[mid].from_references for k in dating[mid].stated_keys()}
    keys = sorted(set(date_meetings) | set(date_sources) | outside)
    known = set(keys)
    possible: dict[str, list[str]] = defaultdict(list)
    for mid in timeline:
        for k in dating[mid].possible_keys() & known:
            possible[k].append(mid)
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
            tuple(possible.get(k, ())),
        )
        for k in keys
    }
    former = {
        (kind, old): r.id
        for kind in ("sources", "references", "actors", "places", "topics", "meetings")
        for r in by_kind[kind].values()
        for old in r.former_ids
    }

    def ranked(c: Counter[str]) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(c.items(), key=lambda kv: (-kv[1], actors[kv[0]].name, kv[0])))

    return Site(
        title=title,
        sources=sources,
        actors=actors,
        places=places,
        topics=topics,
        meetings=meetings,
        timeline=timeline,
        dating=dating,
        neighbours=_neighbours([m for m in timeline if dating[m].placed]),
        meetings_by_actor=_freeze(by_actor),
        meetings_by_place=_freeze(by_place),
        meetings_by_topic=_freeze(by_topic),
        related_to={k: tuple(sorted(v, key=in_time)) for k, v in sorted(related.items())},
        may_be_same={k: tuple(sorted(v, key=in_time)) for k, v in sorted(same.items())},
        met_with={k: ranked(c) for k, c in sorted(met.items()) if c},
        to_meet={k: ranked(c) for k, c in sorted(expected.items()) if c},
        encounters_by_actor=_freeze(encounters),
        parts=_freeze(parts),
        series_by_actor=_freeze(series),
        requested_by_actor=_freeze(requested),
        statements_by_actor=_freeze(statements),
        claims_by_actor=_freeze(claims),
        mentions={k: tuple(v) for k, v in sorted(mentioned.items())},
        members=_freeze(members, lambda i: (actors[i].name, i)),
        places_in=_freeze(places_in, lambda i: (places[i].name, i)),
        based_here=_freeze(based_here, lambda i: (actors[i].name, i)),
        citations_by_source={k: tuple(sorted(v, key=use_key)) for k, v in sorted(cites.items())},
        statements_by_source={k: tuple(sorted(v, key=use_key)) for k, v in sorted(said_in.items())},
        references=references,
        outside_uses={k: tuple(sorted(v, key=use_key)) for k, v in sorted(outside_uses.items())},
        former=dict(sorted(former.items())),
        seeds={s.seed: seeds[s.seed] for s in sources.values() if seeds and s.seed in seeds},
        dates=dates,
    )
