"""The content schema: one declarative description per kind of file.

Everything the validator checks about a single file's shape lives here, and the
JSON Schema given to editors is generated from the same objects
(:func:`json_schema`), so the two cannot drift apart. Cross-file rules
(references resolve, excerpts are found in their seed) are declared here too,
as :class:`Ref` fields and :attr:`Obj.verbatim`, and carried out by
``validate.py``.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .loader import FieldPath

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG)
DATE = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"
_DATE = re.compile(DATE)
# The JSON Schema's date: months 01-12 and each month's days (February 29 in every year).
JSON_DATE = (
    r"^[0-9]{4}(?:-(?:"
    r"(?:0[13578]|1[02])(?:-(?:0[1-9]|[12][0-9]|3[01]))?"  # months of 31 days
    r"|(?:0[469]|11)(?:-(?:0[1-9]|[12][0-9]|30))?"  # months of 30 days
    r"|02(?:-(?:0[1-9]|[12][0-9]))?"  # February
    r"))?$"
)
# Characters Text refuses (control characters; a line of text also refuses line breaks).
_CONTROL = r"[\x00-\x08\x0b-\x1f]"
_CONTROL_LINE = r"[\x00-\x08\x0a-\x1f]"
_CONTROL_RE = re.compile(_CONTROL)
MAX_TEXT = 5000

# ISO 639-1 codes with English names (the ones a reader sees on the site).
LANGUAGES: dict[str, str] = {
    "af": "Afrikaans",
    "am": "Amharic",
    "ar": "Arabic",
    "az": "Azerbaijani",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "bs": "Bosnian",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "eo": "Esperanto",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "gl": "Galician",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "hy": "Armenian",
    "id": "Indonesian",
    "is": "Icelandic",
    "it": "Italian",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "km": "Khmer",
    "ko": "Korean",
    "ky": "Kyrgyz",
    "la": "Latin",
    "lo": "Lao",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "mn": "Mongolian",
    "ms": "Malay",
    "mt": "Maltese",
    "my": "Burmese",
    "nb": "Norwegian Bokmål",
    "ne": "Nepali",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "ps": "Pashto",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "tg": "Tajik",
    "th": "Thai",
    "tk": "Turkmen",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "uz": "Uzbek",
    "vi": "Vietnamese",
    "zh": "Chinese",
}

PRECISIONS = {4: "year", 7: "month", 10: "day"}


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


Emit = Callable[[FieldPath, str, str], None]  # (path, code, message)


@dataclass
class Checker:
    """Collects problems, references and verbatim checks while one file is walked."""

    emit: Emit
    refs: list[tuple[str, str, FieldPath]] = field(default_factory=list)  # (kind, id, path)
    verbatim: list[tuple[FieldPath, str, str, str, bool]] = field(default_factory=list)
    # (path of text, source id, text, field name, case-insensitive)


class Type:
    """A field type: checks a value and describes itself as JSON Schema."""

    description = ""

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def summary(self) -> str:
        """A few words for the documentation's type column."""
        raise NotImplementedError


@dataclass
class Text(Type):
    """Non-empty text; ``line`` forbids line breaks (names, titles)."""

    line: bool = False
    max_len: int = MAX_TEXT
    pattern: str | None = None
    hint: str = ""

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, str):
            c.emit(path, "type", f"expected text, found {_type_name(value)}{self.hint}")
            return False
        if not value.strip():
            c.emit(path, "empty", "must not be empty")
            return False
        if len(value) > self.max_len:
            c.emit(path, "too-long", f"longer than {self.max_len} characters")
            return False
        if self.line and ("\n" in value or "\r" in value):
            c.emit(path, "format", "must be a single line")
            return False
        if _CONTROL_RE.search(value):
            c.emit(path, "format", "contains control characters")
            return False
        if self.pattern and not _compiled(self.pattern).fullmatch(value):
            c.emit(path, "format", f"{value!r} does not match {self.pattern}{self.hint}")
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        # A pattern of our own, or "has a non-space character" (check strips before testing emptiness).
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": self.max_len,
            "pattern": self.pattern or r"\S",
            "not": {"pattern": _CONTROL_LINE if self.line else _CONTROL},
        }

    def summary(self) -> str:
        return "text (one line)" if self.line else "text"


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _id_text(hint: str) -> Text:
    return Text(line=True, max_len=100, pattern=SLUG, hint=hint)


SLUG_HINT = ": use lowercase letters, digits and single hyphens, e.g. 'kim-jong-un'"


@dataclass
class Ref(Type):
    """The id of another file of ``kind`` (or a seed file name when kind is ``seeds``)."""

    kind: str

    def _text(self) -> Text:
        return _ref_text(self.kind)

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        ok = _ref_text(self.kind).check(value, path, c)
        if ok:
            c.refs.append((self.kind, value, path))
        return ok

    def json_schema(self) -> dict[str, Any]:
        return self._text().json_schema()  # whether the file exists is checked by `check` only

    def summary(self) -> str:
        if self.kind == "seeds":
            return "seed file name"
        singular = self.kind[:-1]
        return f"id of {'an' if singular[0] in 'aeiou' else 'a'} {singular}"


@functools.cache
def _ref_text(kind: str) -> Text:
    """How a reference to ``kind`` is written (made once per kind: checks run per value)."""
    if kind == "seeds":
        return Text(
            line=True,
            max_len=200,
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$",
            hint=": a file name in seeds/, e.g. '000_f945d4ed571df0ff.txt'",
        )
    return _id_text(f": the id of a file in content/{kind}/")


@dataclass
class Enum(Type):
    values: tuple[str, ...]

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, str) or value not in self.values:
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            hint = did_you_mean(value, self.values) if isinstance(value, str) else ""
            c.emit(path, "enum", f"{shown} is not one of {', '.join(self.values)}{hint}")
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}

    def summary(self) -> str:
        return " \\| ".join(self.values)


class Date(Type):
    """A calendar date at year, month or day precision: ``2019``, ``2019-04`` or ``2019-04-25``."""

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            hint = " (put quotes around it)" if isinstance(value, int) else ""
            c.emit(path, "date", f'{shown} is not a date: write "YYYY", "YYYY-MM" or "YYYY-MM-DD"{hint}')
            return False
        parts = [int(p) for p in value.split("-")]
        if len(parts) > 1 and not 1 <= parts[1] <= 12:
            c.emit(path, "date", f"{value!r} has no month {parts[1]}")
            return False
        if len(parts) > 2 and not 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]:
            c.emit(
                path,
                "date",
                f"{value!r} is not a real day: that month has "
                f"{calendar.monthrange(parts[0], parts[1])[1]} days",
            )
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": JSON_DATE}

    def summary(self) -> str:
        return 'date: "YYYY", "YYYY-MM" or "YYYY-MM-DD"'


class Bool(Type):
    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, bool):
            c.emit(path, "type", f"expected true or false, found {_type_name(value)}")
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def summary(self) -> str:
        return "true \\| false"


class Lang(Text):
    def __init__(self) -> None:
        super().__init__(line=True, max_len=2)

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, str) or value not in LANGUAGES:
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            c.emit(path, "language", f"{shown} is not an ISO 639-1 language code such as 'sq', 'el', 'en'")
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": sorted(LANGUAGES)}

    def summary(self) -> str:
        return "ISO 639-1 language code"


@dataclass
class Url(Text):
    def __post_init__(self) -> None:
        self.line, self.max_len = True, 2000
        self.pattern = r"^https?://[^\s<>\"'`]+$"
        self.hint = ": only http:// and https:// addresses"

    def summary(self) -> str:
        return "web address (http/https)"


@dataclass
class ListOf(Type):
    item: Type
    min_items: int = 0
    unique_by: str | None = None  # for objects: a field; for text: the item itself

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, list):
            c.emit(path, "type", f"expected a list, found {_type_name(value)}")
            return False
        if len(value) < self.min_items:
            c.emit(path, "required", f"needs at least {self.min_items} item(s)")
        seen: dict[Any, int] = {}
        for i, item in enumerate(value):
            self.item.check(item, (*path, i), c)
            key = item.get(self.unique_by) if isinstance(item, dict) and self.unique_by else item
            if self.unique_by is not None and isinstance(key, str):
                if key in seen:
                    c.emit((*path, i), "duplicate", f"{key!r} is listed twice (also item {seen[key] + 1})")
                seen.setdefault(key, i)
        return True

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            s["minItems"] = self.min_items
        if self.unique_by == "":  # items unique by a field of theirs are checked by `check` only
            s["uniqueItems"] = True
        return s

    def summary(self) -> str:
        inner = self.item.name if isinstance(self.item, Obj) else self.item.summary()
        return f"list of {inner}" + (f" (at least {self.min_items})" if self.min_items else "")


@dataclass
class Field:
    name: str
    type: Type
    doc: str
    required: bool = False


@dataclass
class Obj(Type):
    """A mapping with known fields; unknown keys are rejected with a did-you-mean."""

    name: str
    fields: list[Field]
    doc: str = ""
    ordered: tuple[tuple[str, str], ...] = ()  # (earlier, later) date fields
    verbatim: tuple[str, str, bool] | None = None  # (source field, text field, ignore case)
    needs: tuple[tuple[str, str], ...] = ()  # (field, field it needs): a list that extends a single one

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @functools.cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, dict):
            c.emit(path, "type", f"expected a mapping ({self.name}), found {_type_name(value)}")
            return False
        for key in value:
            if key not in self._known:
                names = [f.name for f in self.fields]
                c.emit(
                    (*path, key),
                    "unknown-key",
                    f"unknown field {key!r} in {self.name}"
                    f"{did_you_mean(key, names)}; allowed: {', '.join(names)}",
                )
        valid: dict[str, bool] = {}
        for f in self.fields:
            if f.name not in value or value[f.name] is None:
                if f.required:
                    what = "is required" if f.name not in value else "must have a value (found null)"
                    c.emit((*path, f.name), "required", f"{f.name!r} {what}: {f.doc}")
                continue
            valid[f.name] = f.type.check(value[f.name], (*path, f.name), c)
        for earlier, later in self.ordered:
            if valid.get(earlier) and valid.get(later) and not date_le(value[earlier], value[later]):
                c.emit(
                    (*path, later),
                    "date-order",
                    f"{later} {value[later]} is before {earlier} {value[earlier]}",
                )
        if self.verbatim:
            src, text, fold = self.verbatim
            if valid.get(src) and valid.get(text):
                c.verbatim.append(((*path, text), value[src], value[text], text, fold))
        for extra, base in self.needs:
            if not valid.get(extra):
                continue
            if value.get(base) is None:
                c.emit((*path, extra), "required", f"{extra!r} needs {base!r}: give the first of them there")
            elif valid.get(base) and value[base] in value[extra]:
                c.emit((*path, extra), "duplicate", f"{value[base]!r} is already {base!r}")
        return True

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "title": self.name,
            "description": self.doc,
            "additionalProperties": False,
            "required": [f.name for f in self.fields if f.required],
            "properties": {f.name: _property(f) for f in self.fields},
            **({"dependentRequired": {extra: [base] for extra, base in self.needs}} if self.needs else {}),
        }

    def summary(self) -> str:
        return self.name


def _property(f: Field) -> dict[str, Any]:
    """A field's JSON Schema; an optional field may also be null, which `check` treats as absent."""
    if f.required:
        return {**f.type.json_schema(), "description": f.doc}
    return {"anyOf": [f.type.json_schema(), {"type": "null"}], "description": f.doc}


def date_key(value: str) -> tuple[int, int, int]:
    """Sort key of a date string; a missing month or day sorts first."""
    parts = [int(p) for p in value.split("-")] + [0, 0]
    return (parts[0], parts[1], parts[2])


def date_le(a: str, b: str) -> bool:
    """``a`` is not after ``b``, comparing at the coarser of the two precisions."""
    n = min(len(a), len(b))
    return a[:n] <= b[:n]


def precision(value: str) -> str:
    return PRECISIONS[len(value)]


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

MEETING_DATE = Obj(
    "meeting date",
    [
        Field("on", Date(), "the (first) day, month or year; its form sets the precision", True),
        Field("end", Date(), "the last day of a meeting that spans several"),
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
    ],
    doc="When a meeting takes place, as precisely as the sources allow.",
    ordered=(("on", "end"),),
    needs=(("also_by", "by"),),
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

_ID = Field("id", _id_text(SLUG_HINT), "lowercase slug; must equal the file name without .yaml", True)
_OTHER_NAMES = Field("other_names", ListOf(NAME), "every other spelling, in any language or script")
_POINTS = Field("points", ListOf(POINT), "cited facts")
_STATEMENTS = Field("statements", ListOf(STATEMENT), "quoted or reported words")


# --- one schema per kind of file -------------------------------------------------------

SCHEMAS: dict[str, Obj] = {
    "sources": Obj(
        "source",
        [
            _ID,
            Field("seed", Ref("seeds"), "the archived article in seeds/", True),
            Field("language", Lang(), "the article's language (ISO 639-1)", True),
            Field("title", Text(line=True, max_len=300), "an English title written by the editors", True),
            Field("published", Date(), "publication date, only as far as the article shows it"),
            Field("published_note", Text(), "how the date was read, or why none is given"),
            Field("publisher", Text(line=True, max_len=200), "only if the article names it"),
            Field("url", Url(), "where the article was published, if known"),
            Field("description", Text(), "what the article covers"),
        ],
        doc="A news article archived in seeds/.",
    ),
    "actors": Obj(
        "actor",
        [
            _ID,
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
            Field("name", Text(line=True, max_len=200), "short English name", True),
            Field("description", Text(), "what the topic covers"),
            _POINTS,
            _STATEMENTS,
        ],
        doc="A subject that meetings and statements are about.",
    ),
    "meetings": Obj(
        "meeting",
        [
            _ID,
            Field("title", Text(line=True, max_len=300), "a short English title", True),
            Field(
                "kind",
                Enum(("summit", "talks", "visit", "meeting", "ceremony", "conference", "other")),
                "what sort of meeting",
                True,
            ),
            Field(
                "status",
                Enum(("held", "planned", "expected", "reported", "cancelled")),
                "as of the citing source's publication",
                True,
            ),
            Field("date", MEETING_DATE, "omit when the sources do not date the meeting"),
            Field("place", Ref("places"), "where it takes place"),
            Field("place_by", Ref("actors"), "who says it takes place there, when the article attributes it"),
            Field(
                "place_also_by",
                ListOf(Ref("actors"), min_items=1, unique_by=""),
                "who else says so, when several say it together; needs `place_by`",
            ),
            Field("participants", ListOf(PARTICIPANT, unique_by="actor"), "who takes part"),
            Field("summary", Text(), "one paragraph, only what the citations support", True),
            _POINTS,
            _STATEMENTS,
            Field("topics", ListOf(Ref("topics"), unique_by=""), "topic ids"),
            Field("related", ListOf(Ref("meetings"), unique_by=""), "ids of related meetings"),
            Field("citations", CITATIONS, "excerpts establishing the meeting, its date and place", True),
        ],
        doc="A meeting, visit or talks: held, planned, expected, reported or cancelled.",
        needs=(("place_also_by", "place_by"),),
    ),
}


# What `check` verifies that a JSON Schema cannot express; said in every exported schema.
BEYOND_JSON_SCHEMA = (
    "the id equals the file name; every id and seed file named exists; excerpts, quotes and "
    "name spellings are found verbatim in the cited article; dates are in order (start before end) "
    "and real (February 29 only in leap years); participants are not listed twice; a meeting "
    "marked held is cited by a source published on or after it"
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
