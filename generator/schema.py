"""The content schema: one declarative description per kind of file.

Everything the validator checks about a single file's shape lives here, and the
JSON Schema given to editors is generated from the same objects
(:func:`json_schema`), so the two cannot drift apart. Cross-file rules
(references resolve, excerpts are found in their seed, dates agree with the
sources' publication dates) are declared here too, as :class:`Ref` fields and
:attr:`Obj.verbatim`, and carried out by ``validate.py``. The field types are
in ``fields.py``.
"""

from __future__ import annotations

from typing import Any

from .errors import did_you_mean
from .fields import (
    DATE,
    JSON_DATE,
    SLUG,
    SLUG_HINT,
    Bool,
    Checker,
    Date,
    Enum,
    Field,
    Int,
    Lang,
    ListOf,
    Obj,
    Ref,
    Text,
    Type,
    Url,
    YearlessDate,
    date_key,
    date_le,
    id_text,
    precision,
)
from .languages import LANGUAGES
from .loader import FieldPath

__all__ = [
    "BEYOND_JSON_SCHEMA",
    "DATE",
    "JSON_DATE",
    "LANGUAGES",
    "SCHEMAS",
    "SLUG",
    "STATUS_MEANINGS",
    "Bool",
    "Checker",
    "Date",
    "Enum",
    "Field",
    "Int",
    "Lang",
    "ListOf",
    "Obj",
    "Ref",
    "Text",
    "Type",
    "Url",
    "YearlessDate",
    "date_key",
    "date_le",
    "did_you_mean",
    "json_schema",
    "precision",
]

# What a source can say of an event's status when it was published, and what each tells of
# the event's date: held, ongoing and stalled events had begun by then ("by" the date of the
# source); planned, expected, announced, requested and postponed ones had not ("not before").
STATUSES = (
    "held",
    "ongoing",
    "stalled",
    "planned",
    "expected",
    "announced",
    "requested",
    "postponed",
    "cancelled",
)
BEGUN = frozenset({"held", "ongoing", "stalled"})
NOT_YET = frozenset({"planned", "expected", "announced", "requested", "postponed"})
# What each status means, as readers see it explained (the glossary on the home page).
STATUS_MEANINGS = {
    "held": "took place",
    "ongoing": "was under way",
    "stalled": "had begun and stopped moving",
    "planned": "was being prepared or arranged; it had not happened yet",
    "expected": "someone said it would happen, and it had not yet",
    "announced": "a party had announced it; it had not happened yet",
    "requested": "someone had asked for it; it had not happened yet",
    "postponed": "had been put off to a later date",
    "cancelled": "had been called off",
}
# Kinds of event. A process (negotiations over months) and a series (meetings known only by
# their number, "met Xi four times") are not encounters: who-met-whom never counts them.
EVENT_KINDS = (
    "summit",
    "talks",
    "visit",
    "meeting",
    "ceremony",
    "conference",
    "process",
    "series",
    "other",
)
NOT_ENCOUNTERS = frozenset({"process", "series"})
# Words of an article that place an event relative to the article's own date.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
RELATIVE_CUES = (
    "today",
    "yesterday",
    "tomorrow",
    "last-week",
    "this-week",
    "next-week",
    "last-month",
    "this-month",
    "next-month",
    "last-year",
    "this-year",
    "next-year",
    *WEEKDAYS,
    *MONTH_NAMES,
)


# --- the shared building blocks --------------------------------------------------------

CITATION = Obj(
    "citation",
    [
        Field("source", Ref("sources"), "id of the source the excerpt is quoted from", True),
        Field("excerpt", Text(), "the supporting words, verbatim, in the article's language", True),
        Field("translation", Text(), "an English translation of the excerpt", True),
    ],
    doc="A verbatim excerpt from a source, with its English translation.",
    verbatim=("source", "excerpt", False),
)
CITATIONS = ListOf(CITATION, min_items=1)

NAME = Obj(
    "name",
    [
        Field("name", Text(line=True, max_len=200), "the name as written", True),
        Field("lang", Lang(), "language of this form (ISO 639-1)", True),
        Field(
            "script",
            Text(
                line=True,
                max_len=4,
                pattern=r"^[A-Z][a-z]{3}$",
                hint=": an ISO 15924 code such as Latn, Grek, Cyrl, Hang",
            ),
            "writing system (ISO 15924), e.g. Latn, Grek, Cyrl, Hang",
        ),
        Field("note", Text(line=True, max_len=300), "e.g. 'genitive', 'misspelling in the article'"),
        Field("source", Ref("sources"), "a source whose article uses this form (it is checked there)"),
    ],
    doc="Another name or spelling of an actor or place.",
    verbatim=("source", "name", True),
)


def _said_once(value: dict[str, Any], path: FieldPath, c: Checker) -> None:
    """A claim with `by` is shown as 'According to X: …': the text must not say it again."""
    claim = value.get("claim")
    if value.get("by") and isinstance(claim, str) and claim.lstrip().lower().startswith("according to "):
        c.emit(
            (*path, "claim"),
            "attribution",
            "the site already shows the claim as 'According to …:' from `by`; "
            "write the claim without its own 'According to …'",
        )


POINT = Obj(
    "point",
    [
        Field("claim", Text(), "the fact, in English, as the excerpts support it", True),
        Field(
            "by",
            Ref("actors"),
            "who makes this claim, when it is someone's claim rather than the article's own statement",
        ),
        Field(
            "also_by",
            ListOf(Ref("actors"), min_items=1, unique_by=""),
            "who else makes it, when several make it together (a joint statement); needs `by`",
        ),
        Field("citations", CITATIONS, "the excerpts that support the claim", True),
        Field("actors", ListOf(Ref("actors"), unique_by=""), "other actors the fact is about (ids)"),
        Field("places", ListOf(Ref("places"), unique_by=""), "places the fact is about (ids)"),
    ],
    doc="A cited fact. With `by`, it is attributed to that actor (and to `also_by`, when several "
    "make it together); `actors` and `places` list whom and where it concerns, so their pages show it.",
    needs=(("also_by", "by"),),
    rules=(_said_once,),
)

STATEMENT = Obj(
    "statement",
    [
        Field("speaker", Ref("actors"), "who said it", True),
        Field("source", Ref("sources"), "the source that reports it", True),
        Field("quote", Text(), "the words as the article gives them, verbatim, original language", True),
        Field("translation", Text(), "English translation", True),
        Field("direct", Bool(), "true for a direct quotation (default), false for reported speech"),
    ],
    doc="Words someone said, as a source reports them.",
    verbatim=("source", "quote", False),
)

ROLE = Obj(
    "role",
    [
        Field("title", Text(line=True, max_len=200), "the office, e.g. 'Minister of Foreign Affairs'", True),
        Field("of", Ref("actors"), "the state or organisation the office belongs to"),
        Field("start", Date(), "when the role began, if a source says"),
        Field("end", Date(), "when the role ended, if a source says"),
        Field("as_of", Date(), "a date at which a source shows the actor in this role"),
        Field("citations", CITATIONS, "excerpts naming the role", True),
    ],
    doc="An office held by an actor, over the time the sources support.",
    ordered=(("start", "end"), ("start", "as_of"), ("as_of", "end")),
)

OUTSIDE = Obj(
    "outside citation",
    [
        Field("reference", Ref("references"), "id of the outside reference (content/references/)", True),
        Field(
            "says",
            Text(),
            "what the page says that matters here, in your own words (never copied: it is not archived)",
            True,
        ),
    ],
    doc="A public page that is not archived in seeds/, cited for what it says in the editors' words. "
    "The site shows it as an outside reference that `check` cannot verify.",
    forbidden=tuple(
        (
            key,
            "outside-excerpt",
            f"an outside reference cannot be quoted ({key!r}): it is not archived in seeds/, so nothing "
            "can check the words; say what it says in your own words in 'says'",
        )
        for key in ("excerpt", "translation", "quote")
    ),
)
OUTSIDE_CITATIONS = ListOf(OUTSIDE, min_items=1)

REPORT = Obj(
    "report",
    [
        Field("source", Ref("sources"), "the source that reports the event", True),
        Field(
            "status",
            Enum(STATUSES),
            "what the source says of the event as of its publication: " + ", ".join(STATUSES),
            True,
        ),
        Field("excerpt", Text(), "the words that say so, verbatim, in the article's language", True),
        Field("translation", Text(), "an English translation of the excerpt", True),
        Field("by", Ref("actors"), "who gives this status, when the article attributes it to someone"),
        Field(
            "also_by",
            ListOf(Ref("actors"), min_items=1, unique_by=""),
            "who else gives it, when several give it together; needs `by`",
        ),
    ],
    doc="What one source said of an event when it was published. An event has a report per source; "
    "list them in the order their sources were published: the last one gives the current status.",
    verbatim=("source", "excerpt", False),
    needs=(("also_by", "by"),),
)

BOUND = Obj(
    "bound",
    [
        Field("date", Date(), "the bound, as precise as the evidence: a year, month or day", True),
        Field("reason", Text(), "why the event cannot be earlier (or later) than this", True),
        Field("citations", CITATIONS, "excerpts of the archived articles that support the reason"),
        Field("references", OUTSIDE_CITATIONS, "outside references that support the reason"),
    ],
    doc="A limit on when an event began (not before, or not after, a date), with its reason. "
    "The engine adds the bounds that the reports' sources imply by themselves.",
)

RELATIVE = Obj(
    "relative date",
    [
        Field("source", Ref("sources"), "the article whose publication date the words count from", True),
        Field("words", Text(), "the article's words, verbatim: 'të enjten', 'muajin e kaluar'", True),
        Field(
            "cue",
            Enum(RELATIVE_CUES),
            "what the words say: a weekday or month by name, or today, yesterday, tomorrow, "
            "last-/this-/next-week, -month or -year",
            True,
        ),
        Field("day", Int(1, 31), "the day of the month, with a month cue: 1 for '1 July'"),
        Field(
            "direction",
            Enum(("past", "future")),
            "for a weekday or month: the latest one on or before the article's date (past, the "
            "default: 'on Thursday', 'in February') or the first on or after it (future: 'until 13 July')",
        ),
    ],
    doc="A date the article gives relative to its own publication date; the engine works it out "
    "from the source's `published` and says so.",
    verbatim=("source", "words", False),
    only_with=(("day", "cue", MONTH_NAMES, ()),),
)

DATE_PARTS = ("year", "month", "day")


def _parts_within_date(value: dict[str, Any], path: FieldPath, c: Checker) -> None:
    """`from_references` names parts of `on` (and `end`): none finer than the date is given to."""
    parts, on = value.get("from_references"), value.get("on")
    if not isinstance(parts, list) or not isinstance(on, str):
        return
    given = {4: 1, 7: 2, 10: 3}.get(len(on))
    for i, part in enumerate(parts):
        if given is not None and part in DATE_PARTS and DATE_PARTS.index(part) >= given:
            c.emit(
                (*path, "from_references", i),
                "format",
                f"{part!r} is finer than the date {on!r}: list only parts that `on` gives",
            )


EVENT_DATE = Obj(
    "event date",
    [
        Field("on", Date(), "the (first) day, month or year; its form sets the precision"),
        Field("end", Date(), "the last day of an event that spans several"),
        Field("without_year", YearlessDate(), "a month or day the article gives without its year"),
        Field("relative", RELATIVE, "a date the article gives relative to its own date"),
        Field("not_before", BOUND, "the earliest the event can have begun, with the reason"),
        Field("not_after", BOUND, "the latest the event can have begun, with the reason"),
        Field("by", Ref("actors"), "who gives this date, when the article attributes it to someone"),
        Field(
            "also_by",
            ListOf(Ref("actors"), min_items=1, unique_by=""),
            "who else gives it, when several give it together; needs `by`",
        ),
        Field(
            "inferred",
            Text(),
            "only when the article implies rather than states the date: "
            "the reasoning from the article's own cues",
        ),
        Field("references", OUTSIDE_CITATIONS, "outside references that give the date"),
        Field(
            "from_references",
            ListOf(Enum(DATE_PARTS), min_items=1, unique_by=""),
            "the parts of `on` and `end` (year, month, day) that only the outside `references` give, "
            "not the archived articles: marked as only in an outside report wherever the date is shown, and "
            "the date pages list the event only as possibly falling in them",
        ),
    ],
    doc="When an event took place, as far as anyone knows: an exact date at its precision, a date "
    "relative to the article's own, a day without its year, and bounds. Leave it out when the "
    "sources say nothing; the reports' sources still bound the event.",
    ordered=(("on", "end"),),
    needs=(("also_by", "by"),),
    requires=(("end", "on"), ("from_references", "on"), ("from_references", "references")),
    any_of=("on", "relative", "without_year", "not_before", "not_after"),
    exclusive=("on", "relative", "without_year"),
    rules=(_parts_within_date,),
    # The same in JSON Schema: a year lets `from_references` name the year only, a month the
    # year and month.
    json_rules=tuple(
        {
            "if": {"properties": {"on": {"type": "string", "pattern": pattern}}, "required": ["on"]},
            "then": {"properties": {"from_references": {"items": {"enum": list(DATE_PARTS[:n])}}}},
        }
        for pattern, n in ((r"^[0-9]{4}$", 1), (r"^[0-9]{4}-[0-9]{2}$", 2))
    ),
)

PARTICIPANT = Obj(
    "participant",
    [
        Field("actor", Ref("actors"), "id of the actor", True),
        Field("role", Text(line=True, max_len=200), "the capacity they attended in"),
        Field("side", Enum(("host", "visitor", "other")), "host, visitor or other", True),
    ],
    doc="An actor taking part in a meeting.",
)

_ID = Field("id", id_text(SLUG_HINT), "lowercase slug; must equal the file name without .yaml", True)
_FORMER_IDS = Field(
    "former_ids",
    ListOf(id_text(SLUG_HINT), min_items=1, unique_by=""),
    "ids this record had before it was renamed or merged: their pages send readers here",
)
_OTHER_NAMES = Field("other_names", ListOf(NAME), "every other spelling, in any language or script")
_POINTS = Field("points", ListOf(POINT), "cited facts")
_STATEMENTS = Field("statements", ListOf(STATEMENT), "quoted or reported words")


# --- one schema per kind of file -------------------------------------------------------

SCHEMAS: dict[str, Obj] = {
    "sources": Obj(
        "source",
        [
            _ID,
            _FORMER_IDS,
            Field("seed", Ref("seeds"), "the archived article in seeds/", True),
            Field("language", Lang(), "the article's language (ISO 639-1)", True),
            Field("title", Text(line=True, max_len=300), "an English title written by the editors", True),
            Field("outlet", Text(line=True, max_len=200), "the newspaper, agency or site that published it"),
            Field("author", Text(line=True, max_len=200), "who wrote it, if known"),
            Field("url", Url(), "where the article was published, if known"),
            Field("published", Date(), "publication date, as precise as its basis shows it"),
            Field(
                "published_basis",
                Enum(("dateline", "outlet-page", "outside-reference", "inferred")),
                "how the date is known: the article's own date line, the outlet's page, an outside "
                "reference, or inferred (say how in published_note)",
            ),
            Field(
                "published_references",
                OUTSIDE_CITATIONS,
                "the outside references that date the article, or that the inference rests on "
                "(published_basis: outside-reference or inferred)",
            ),
            Field("published_note", Text(), "how the date was read, or why none is given"),
            Field("description", Text(), "what the article covers"),
        ],
        doc="A news article archived in seeds/.",
        requires=(("published", "published_basis"), ("published_basis", "published")),
        only_with=(
            (
                "published_references",
                "published_basis",
                ("outside-reference", "inferred"),
                ("outside-reference",),
            ),
        ),
    ),
    "references": Obj(
        "reference",
        [
            _ID,
            _FORMER_IDS,
            Field("url", Url(), "the page's address", True),
            Field("outlet", Text(line=True, max_len=200), "the newspaper, agency or site", True),
            Field("title", Text(line=True, max_len=300), "the page's title", True),
            Field("published", Date(), "the page's own publication date", True),
            Field("language", Lang(), "the page's language (ISO 639-1)", True),
            Field("author", Text(line=True, max_len=200), "who wrote it, if the page says"),
            Field("description", Text(), "what the page covers, in your own words"),
        ],
        doc="An outside reference: a public page not archived in seeds/. It is cited only in the "
        "editors' own words (never quoted) and shown as unverified.",
    ),
    "actors": Obj(
        "actor",
        [
            _ID,
            _FORMER_IDS,
            Field("kind", Enum(("person", "state", "organisation")), "person, state or organisation", True),
            Field("name", Text(line=True, max_len=200), "canonical English name", True),
            _OTHER_NAMES,
            Field("description", Text(), "a short description the citations support"),
            Field("affiliation", Ref("actors"), "a person's state or organisation"),
            Field(
                "based_in", Ref("places"), "where an organisation or person is based, as the citations say"
            ),
            Field("roles", ListOf(ROLE), "offices held"),
            _POINTS,
            Field("citations", CITATIONS, "excerpts naming the actor", True),
        ],
        doc="A person, state or organisation.",
    ),
    "places": Obj(
        "place",
        [
            _ID,
            _FORMER_IDS,
            Field(
                "kind",
                Enum(
                    ("country", "region", "city", "venue", "building", "station", "resort", "area", "other")
                ),
                "what sort of place",
                True,
            ),
            Field("name", Text(line=True, max_len=200), "canonical English name", True),
            _OTHER_NAMES,
            Field("country", Ref("actors"), "the state the place is in (an actor id)"),
            Field("within", Ref("places"), "a larger place containing this one"),
            Field("description", Text(), "a short description the citations support"),
            Field("citations", CITATIONS, "excerpts naming the place", True),
        ],
        doc="A place where meetings happen or that the sources name.",
    ),
    "topics": Obj(
        "topic",
        [
            _ID,
            _FORMER_IDS,
            Field("name", Text(line=True, max_len=200), "short English name", True),
            Field("description", Text(), "what the topic covers"),
            _POINTS,
            _STATEMENTS,
        ],
        doc="A subject that meetings and statements are about.",
    ),
    "meetings": Obj(
        "event",
        [
            _ID,
            _FORMER_IDS,
            Field("title", Text(line=True, max_len=300), "a short English title", True),
            Field("kind", Enum(EVENT_KINDS), "what sort of event: " + ", ".join(EVENT_KINDS), True),
            Field(
                "count",
                Int(1, 10000),
                "for a series: how many meetings the source counts (a claim about a number)",
            ),
            Field(
                "instances",
                ListOf(Ref("meetings"), min_items=1, unique_by=""),
                "for a series: the events of it that are recorded one by one",
            ),
            Field(
                "reports",
                ListOf(REPORT, min_items=1),
                "each source's report of the event and its status, in order of publication",
                True,
            ),
            Field("date", EVENT_DATE, "when it took place, as far as the sources say"),
            Field("place", Ref("places"), "where it takes place"),
            Field("place_by", Ref("actors"), "who says it takes place there, when the article attributes it"),
            Field(
                "place_references",
                OUTSIDE_CITATIONS,
                "outside references on where it took place, for what the articles cannot settle "
                "(shown as such, never as verified)",
            ),
            Field(
                "place_also_by",
                ListOf(Ref("actors"), min_items=1, unique_by=""),
                "who else says so, when several say it together; needs `place_by`",
            ),
            Field("participants", ListOf(PARTICIPANT, unique_by="actor"), "who takes part"),
            Field(
                "requested_by",
                ListOf(Ref("actors"), min_items=1, unique_by=""),
                "who requested or called it, when they are not (known to be) taking part",
            ),
            Field("part_of", Ref("meetings"), "the larger event this one is part of (talks during a visit)"),
            Field("summary", Text(), "one paragraph, only what the citations support", True),
            _POINTS,
            _STATEMENTS,
            Field("topics", ListOf(Ref("topics"), unique_by=""), "topic ids"),
            Field("related", ListOf(Ref("meetings"), unique_by=""), "ids of related events"),
            Field(
                "may_be",
                ListOf(Ref("meetings"), min_items=1, unique_by=""),
                "events this one may be the same as (the sources do not say it is another): "
                "its page says so and who-met-whom does not count it",
            ),
            Field("citations", CITATIONS, "more excerpts establishing the event, its date and place"),
        ],
        doc="An event: a meeting, visit, talks, ceremony or conference; a process (negotiations over "
        "months); or a series known only by its count. One record however many sources report it.",
        needs=(("place_also_by", "place_by"),),
        only_with=(("count", "kind", ("series",), ("series",)), ("instances", "kind", ("series",), ())),
    ),
}


# What `check` verifies that a JSON Schema cannot express; said in every exported schema.
BEYOND_JSON_SCHEMA = (
    "the id equals the file name and is no record's former id; every id and seed file named "
    "exists; excerpts, quotes, relative-date words and name spellings are found verbatim in the "
    "cited article; dates are in order (start before end) and real (February 29 only in leap "
    "years); participants are not listed twice; a claim with `by` does not begin 'According to'; "
    "an event's reports are listed in the order their sources were published, and its date, "
    "bounds and reports agree: a source published before the event's earliest possible date "
    "cannot report it held, nor one published after its latest possible date report it expected; "
    "a relative date's source has a publication date; part_of has no cycles; a series' instances "
    "are not series, and it counts at least as many; an event is not listed in its own may_be"
)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of content file."""
    schema = SCHEMAS[kind].json_schema()
    schema["properties"]["id"]["pattern"] = SLUG
    schema["description"] = (
        f"{schema['description']} This schema checks the shape of one file; `python -m generator check` "
        f"also checks what a JSON Schema cannot: {BEYOND_JSON_SCHEMA}."
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{kind}.schema.json",
        "$comment": "Generated from generator/schema.py by `python -m generator schemas`: do not edit.",
        **schema,
    }
