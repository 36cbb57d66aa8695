"""Pure data exports: (site model) -> ``{relative path: text}`` for the downloads.

The whole dataset as JSON and CSV, an iCalendar file of dated meetings, the
JSON Schema of each content kind, and one JSON file beside each meeting and
actor page. Output is deterministic: sorted keys, fixed row order, ``\\n``
line ends in JSON, CRLF where the CSV and iCalendar formats ask for it.
The schema files committed for editors (schemas/, the reference page) are
written by schemafiles.py.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .dating import Dating, describe, last_day
from .feed import FEED, atom_feed
from .model import Actor, CitationUse, Meeting, Site, StatementUse
from .schema import SCHEMAS, json_schema

DOWNLOADS = "downloads"
ICS_STATUS = {"held": "CONFIRMED", "cancelled": "CANCELLED"}


_FIELDS: dict[type, tuple[str, ...]] = {}  # a record class -> the fields exported


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, without the private ``file`` field and without empty values."""
    kind = type(value)
    if kind is str:
        return value
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return [_plain(v) for v in value] if isinstance(value, tuple | list) else value
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value) if f.name != "file")
    out = {}
    for name in names:
        v = getattr(value, name)
        if type(v) is not str:
            v = _plain(v)
            if v is None or v == []:
                continue
        out[name] = v
    return out


def _json(data: Any, indent: int | None = None) -> str:
    # Compact by default: json only uses its C encoder without indent, and the
    # data files are for programs; the small schema files are indented for people.
    return json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=True) + "\n"


def _cell(value: Any) -> Any:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_line(row: list[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([_cell(v) for v in row])
    return buf.getvalue()


def _csv(header: list[str], lines: Iterable[str]) -> str:
    """A CSV file from its header and its lines (each made by :func:`_csv_line`)."""
    return _csv_line(header) + "".join(lines)


class _Pieces:
    """The pieces of one download (CSV lines, calendar events), each kept with what it was made from.

    ``serve`` makes every download again after each edit; a piece whose inputs
    are the same objects as last time (the model reuses unchanged records) or
    equal to them is taken as it was: making one is a pure function of its inputs.
    """

    def __init__(self) -> None:
        self._old: dict[Any, tuple[tuple[Any, ...], str]] = {}
        self._new: dict[Any, tuple[tuple[Any, ...], str]] = {}

    def get(self, key: Any, inputs: tuple[Any, ...], make: Callable[..., str], *args: Any) -> str:
        """The piece ``make(*args)``, made from ``inputs``, or the one kept under ``key`` for them."""
        hit = self._old.get(key)
        # Tuples compare items by identity first, then by ==.
        piece = make(*args) if hit is None or hit[0] != inputs else hit[1]
        # Kept with these inputs, even when equal ones were found: next time they compare
        # by identity, not field by field.
        self._new[key] = (inputs, piece)
        return piece

    def done(self) -> None:
        """Keep only the pieces used by this run."""
        self._old, self._new = self._new, {}


_PIECES: dict[str, _Pieces] = {}


def _pieces(name: str) -> _Pieces:
    return _PIECES.setdefault(name, _Pieces())


def record_json(site: Site, kind: str, id: str) -> dict[str, Any]:
    """One record as exported, with its source file and back-references."""
    record = getattr(site, kind)[id]
    data: dict[str, Any] = {"kind": kind[:-1], **_plain(record), "content_file": record.file}
    # From the repository's history: null when the site was built without it.
    history = site.history
    data["first_published"] = history.first_published(record.file) if history else None
    data["last_changed"] = history.last_changed(record.file) if history else None
    if isinstance(record, Meeting):
        data["related_meetings"] = list(site.related_to.get(id, ()))
        data["status"] = record.status
        data["dating"] = _dating_json(site.dating[id])
        data["parts"] = list(site.parts.get(id, ()))
        if record.date and record.date.on:
            data["date"]["precision"] = record.date.precision
    if isinstance(record, Actor):
        data["meetings"] = list(site.meetings_by_actor.get(id, ()))
        data["met_with"] = [{"actor": a, "held_encounters": n} for a, n in site.met_with.get(id, ())]
        data["to_meet"] = [{"actor": a, "expected_encounters": n} for a, n in site.to_meet.get(id, ())]
        data["series"] = list(site.series_by_actor.get(id, ()))
        data["requested"] = list(site.requested_by_actor.get(id, ()))
    return data


def _dating_json(d: Dating) -> dict[str, Any]:
    """Where an event sits in time: the text a reader sees, the earliest and latest possible
    start, and every bound with where it comes from."""
    out: dict[str, Any] = {"text": describe(d), "earliest": d.lo, "latest": d.hi}
    if d.on:
        out["date"] = d.on
    if d.year_from_bounds:
        out["year_from_bounds"] = True
    if d.relative:
        out["relative"] = d.relative
    if d.from_references:  # parts of the date only outside references give (a part's, from its whole)
        out["from_references"] = list(d.from_references)
    out["bounds"] = [
        {
            "side": "not_before" if b.side == "lower" else "not_after",
            "date": b.date,
            "origin": b.origin,
            **({"reason": b.reason} if b.reason else {}),
            **({"source": b.source} if b.source else {}),
            **({"status": b.status} if b.status else {}),
        }
        for b in d.bounds
    ]
    return {k: v for k, v in out.items() if v is not None}


def _meeting_line(m: Meeting, d: Dating) -> str:
    return _csv_line(
        [
            m.id,
            m.title,
            m.kind,
            m.status,
            " > ".join(f"{r.status}:{r.source}" for r in m.reports),
            describe(d),
            d.lo,
            d.hi,
            d.on,
            d.precision,
            d.end,
            m.date.inferred if m.date else None,
            ";".join(d.from_references),
            m.place,
            ";".join(f"{p.actor}:{p.side}" for p in m.participants),
            ";".join(m.requested_by),
            m.part_of,
            m.count,
            ";".join(m.topics),
            ";".join(sorted({c.source for c in m.citations_all()})),
            m.summary,
        ]
    )


def _meetings_csv(site: Site) -> str:
    pieces = _pieces("meetings.csv")
    lines = []
    for id in site.timeline:
        m, d = site.meetings[id], site.dating[id]
        lines.append(pieces.get(id, (m, d), _meeting_line, m, d))
    pieces.done()
    header = [
        "id",
        "title",
        "kind",
        "status",
        "status_history",
        "when",
        "earliest",
        "latest",
        "date",
        "date_precision",
        "end_date",
        "date_inferred",
        "date_from_references",
        "place",
        "participants",
        "requested_by",
        "part_of",
        "count",
        "topics",
        "sources",
        "summary",
    ]
    return _csv(header, lines)


def _actor_line(a: Actor, meetings: int) -> str:
    return _csv_line(
        [
            a.id,
            a.kind,
            a.name,
            a.affiliation,
            "; ".join(n.name for n in a.other_names),
            "; ".join(r.title for r in a.roles),
            meetings,
            a.description,
        ]
    )


def _actors_csv(site: Site) -> str:
    pieces = _pieces("actors.csv")
    lines = []
    for a in site.actors.values():
        n = len(site.meetings_by_actor.get(a.id, ()))
        lines.append(pieces.get(a.id, (a, n), _actor_line, a, n))
    pieces.done()
    return _csv(
        ["id", "kind", "name", "affiliation", "other_names", "roles", "meetings", "description"], lines
    )


def _statement_lines(speaker: str, uses: tuple[StatementUse, ...]) -> str:
    lines = []
    for u in uses:
        s = u.statement
        speech = "direct" if s.direct else "reported"
        lines.append(_csv_line([speaker, u.kind[:-1], u.id, s.source, speech, s.quote, s.translation]))
    return "".join(lines)


def _statements_csv(site: Site) -> str:
    # One piece per speaker: the model keeps an unchanged record's use objects, so a
    # speaker's uses compare by identity.
    pieces = _pieces("statements.csv")
    lines = [
        pieces.get(speaker, uses, _statement_lines, speaker, uses)
        for speaker, uses in site.statements_by_actor.items()
    ]
    pieces.done()
    return _csv(["speaker", "on_kind", "on_id", "source", "speech", "quote", "translation"], lines)


def _citation_lines(source: str, uses: tuple[CitationUse, ...]) -> str:
    return "".join(
        _csv_line([source, u.kind[:-1], u.id, u.supports, u.citation.excerpt, u.citation.translation])
        for u in uses
    )


def _citations_csv(site: Site) -> str:
    pieces = _pieces("citations.csv")  # one piece per source, as for statements
    lines = [
        pieces.get(source, uses, _citation_lines, source, uses)
        for source, uses in site.citations_by_source.items()
    ]
    pieces.done()
    return _csv(["source", "on_kind", "on_id", "supports", "excerpt", "translation"], lines)


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545 line folding: at most 75 octets a line, continuation lines start with a space."""
    if line.isascii():  # one octet a character: cut by length
        parts = [line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)]
        return [parts[0], *(" " + part for part in parts[1:])]
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = ch, width
        else:
            current, size = current + ch, size + width
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def _ics_dates(d: Dating) -> tuple[str, str] | None:
    """An all-day DTSTART and exclusive DTEND, for an event whose day is known; else None.

    An iCalendar event needs a day: an event known only to its month or year,
    or only between bounds, is left out of the calendar rather than shown as a
    month- or year-long event.
    """
    if d.day is None:
        return None
    start = dt.date.fromisoformat(d.day)
    stop = last_day(d.end) if d.end and len(d.end) == 10 and d.end >= d.day else start
    return start.strftime("%Y%m%d"), (stop + dt.timedelta(days=1)).strftime("%Y%m%d")


def _calendar(site: Site) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//factsheet-generator//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_text(site.title)}",
    ]
    pieces = _pieces("meetings.ics")
    events = []
    for id in site.placed:
        m, d = site.meetings[id], site.dating[id]
        if d.day is None:
            continue
        place = site.places[m.place].name if m.place else None
        events.append(pieces.get(id, (m, d, place), _event, m, d, place))
    pieces.done()
    head = "".join(part + "\r\n" for line in lines for part in _fold(line))
    return head + "".join(events) + "END:VCALENDAR\r\n"


def _event(m: Meeting, d: Dating, place: str | None) -> str:
    """One event whose day is known as an iCalendar event, folded, with its line ends."""
    dates = _ics_dates(d)
    assert dates is not None
    start, stop = dates
    note = ""
    if m.date is not None and m.date.inferred:
        note += f" Date inferred: {m.date.inferred}"
    if m.date is not None and m.date.relative is not None and d.relative:
        note += f" Date worked out from the article's words “{m.date.relative.words}”: {d.relative}."
    elif d.on is None or d.year_from_bounds:
        note += f" Dated from the sources' dates: {describe(d)}."
    if d.from_references:
        parts = " and ".join(d.from_references)
        note += f" Only outside reports (not archived with the sheet, so not verified) give the {parts}."
    lines = [
        "BEGIN:VEVENT",
        f"UID:{m.id}@factsheet",
        f"DTSTAMP:{start}T000000Z",
        f"DTSTART;VALUE=DATE:{start}",
        f"DTEND;VALUE=DATE:{stop}",
        f"SUMMARY:{_ics_text(m.title)} ({m.status})",
        f"DESCRIPTION:{_ics_text(m.summary + note)}",
        f"STATUS:{ICS_STATUS.get(m.status, 'TENTATIVE')}",
    ]
    if place is not None:
        lines.append(f"LOCATION:{_ics_text(place)}")
    lines.append("END:VEVENT")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


RECORD_KINDS = ("actors", "meetings", "places", "references", "sources", "topics")  # the dataset's key order
FACTSHEET = f"{DOWNLOADS}/factsheet.json"

Builder = Callable[[Site], str]


def _record_file(site: Site, kind: str, id: str) -> str:
    return _json(record_json(site, kind, id))


def _schema_file(site: Site, kind: str) -> str:
    return _json(json_schema(kind), indent=2)


def export_plan(site: Site) -> list[tuple[str, Builder]]:
    """Every download but the dataset, each with the function that makes it from the model."""
    plan: list[tuple[str, Builder]] = [
        (f"{DOWNLOADS}/meetings.csv", _meetings_csv),
        (f"{DOWNLOADS}/actors.csv", _actors_csv),
        (f"{DOWNLOADS}/statements.csv", _statements_csv),
        (f"{DOWNLOADS}/citations.csv", _citations_csv),
        (f"{DOWNLOADS}/meetings.ics", _calendar),
    ]
    plan += [
        (f"{DOWNLOADS}/schemas/{k}.schema.json", functools.partial(_schema_file, kind=k)) for k in SCHEMAS
    ]
    for kind in RECORD_KINDS:
        plan += [
            (f"{kind}/{id}.json", functools.partial(_record_file, kind=kind, id=id))
            for id in getattr(site, kind)
        ]
    if site.history:
        plan.append((FEED, atom_feed))
    return plan


def _without_newline(data: bytes) -> memoryview:
    """A record's JSON without its final line break, as a view: the 27 MB dataset (10,000
    meetings) is assembled after every edit in ``serve``, and views join without copies."""
    end = len(data)
    while end and data[end - 1] == 0x0A:  # as data.rstrip(b"\n"), which would copy it
        end -= 1
    return memoryview(data)[:end]


def dataset(site: Site, files: Mapping[str, bytes]) -> bytes:
    """The whole dataset, assembled from the records' own JSON files (so it costs a join).

    Byte for byte what ``json.dumps`` of the whole would give, encoded: keys sorted,
    the default separators, each record as its own file has it. Made as bytes
    from the files' bytes, in one join: no copy of the whole is made twice.
    """
    out: list[bytes | memoryview] = [b"{"]
    for k, kind in enumerate(RECORD_KINDS):
        out.append(f"{', ' if k else ''}{json.dumps(kind)}: [".encode())
        for i, id in enumerate(getattr(site, kind)):
            if i:
                out.append(b", ")
            out.append(_without_newline(files[f"{kind}/{id}.json"]))
        out.append(b"]")
        if kind == "sources":  # "title" sorts between "sources" and "topics"
            out.append(f', "title": {json.dumps(site.title, ensure_ascii=False)}'.encode())
    out.append(b"}\n")
    return b"".join(out)
