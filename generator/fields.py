"""The field types of the content schema: each checks a value and describes itself as JSON Schema.

``schema.py`` builds the description of every kind of content file from these;
the validator walks a file with them, ``new`` writes skeletons from them and
``schemafiles`` turns them into JSON Schemas and the reference page.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import did_you_mean
from .languages import LANGUAGES
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

PRECISIONS = {4: "year", 7: "month", 10: "day"}


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
        if not value or value.isspace():
            c.emit(path, "empty", "must not be empty")
            return False
        if len(value) > self.max_len:
            c.emit(path, "too-long", f"longer than {self.max_len} characters")
            return False
        # Printable text (most of it) has no line break and no control character: one test in C.
        if not value.isprintable():
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


def id_text(hint: str) -> Text:
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
    return id_text(f": the id of a file in content/{kind}/")


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


# A month, or a day and month, of any year (so February 29 too), as JSON_DATE without the year.
YEARLESS = (
    r"^(?:(?:0[13578]|1[02])(?:-(?:0[1-9]|[12][0-9]|3[01]))?"
    r"|(?:0[469]|11)(?:-(?:0[1-9]|[12][0-9]|30))?"
    r"|02(?:-(?:0[1-9]|[12][0-9]))?)$"
)
_YEARLESS = re.compile(YEARLESS)


class YearlessDate(Type):
    """A month, or a day and month, whose year the source does not state: ``07`` or ``07-01``."""

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, str) or not _YEARLESS.fullmatch(value):
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            c.emit(
                path,
                "date",
                f'{shown} is not a real month or day without a year: write "MM" or "MM-DD", e.g. "07-01"',
            )
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": YEARLESS}

    def summary(self) -> str:
        return 'month or day without a year: "MM" or "MM-DD"'


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


@dataclass
class Int(Type):
    """A whole number from ``minimum`` to ``maximum``."""

    minimum: int
    maximum: int

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if type(value) is not int or not self.minimum <= value <= self.maximum:
            shown = repr(value) if type(value) is int else _type_name(value)
            c.emit(path, "type", f"{shown} is not a whole number from {self.minimum} to {self.maximum}")
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def summary(self) -> str:
        return f"whole number ({self.minimum}–{self.maximum})"


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
    requires: tuple[tuple[str, str], ...] = ()  # (field, field it needs)
    any_of: tuple[str, ...] = ()  # at least one of these fields is given
    exclusive: tuple[str, ...] = ()  # at most one of these fields is given
    # (field, other field, values, values that require it): the field is allowed only when the other
    # field has one of the values, and must be given when it has one of the second ones.
    only_with: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = ()
    forbidden: tuple[tuple[str, str, str], ...] = ()  # (key, code, message): a key refused with a lesson
    # Rules of one object that the declarations above cannot say, each called with (value, path, checker)
    # once the fields are checked; a JSON Schema cannot express them.
    rules: tuple[Callable[[dict[str, Any], FieldPath, Checker], None], ...] = ()
    # The part of those rules a JSON Schema can say, for editors' tools (each is in `allOf`).
    json_rules: tuple[dict[str, Any], ...] = ()

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @functools.cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    @functools.cached_property
    def _plan(self) -> tuple[tuple[str, Callable[[Any, FieldPath, Checker], bool], bool], ...]:
        """Each field's name, check and whether it is required, in order (checks run per object)."""
        return tuple((f.name, f.type.check, f.required) for f in self.fields)

    @functools.cached_property
    def _refused(self) -> dict[str, tuple[str, str]]:
        return {key: (code, message) for key, code, message in self.forbidden}

    @functools.cached_property
    def _between(self) -> bool:
        """Whether any rule reads which fields are given (the set is made only then)."""
        return bool(self.requires or self.any_of or self.exclusive or self.only_with)

    def check(self, value: Any, path: FieldPath, c: Checker) -> bool:
        if not isinstance(value, dict):
            c.emit(path, "type", f"expected a mapping ({self.name}), found {_type_name(value)}")
            return False
        refused, known = self._refused, self._known
        for key in value:
            if key in refused:
                c.emit((*path, key), *refused[key])
            elif key not in known:
                names = [f.name for f in self.fields]
                c.emit(
                    (*path, key),
                    "unknown-key",
                    f"unknown field {key!r} in {self.name}"
                    f"{did_you_mean(key, names)}; allowed: {', '.join(names)}",
                )
        valid: dict[str, bool] = {}
        get = value.get
        for name, check, needed in self._plan:
            given = get(name)
            if given is None:
                if needed:
                    what = "is required" if name not in value else "must have a value (found null)"
                    c.emit((*path, name), "required", f"{name!r} {what}: {self.field(name).doc}")
                continue
            valid[name] = check(given, (*path, name), c)
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
        for rule in self.rules:
            rule(value, path, c)
        if not self._between:
            return True
        present = {key for key, given in value.items() if given is not None and key in known}
        for extra, base in self.requires:
            if extra in present and base not in present:
                c.emit((*path, extra), "required", f"{extra!r} needs {base!r} too: {self.field(base).doc}")
        if self.any_of and not present & set(self.any_of):
            c.emit(
                path,
                "required",
                f"{self.name} needs at least one of {', '.join(self.any_of)}",
            )
        both = [name for name in self.exclusive if name in present]
        if len(both) > 1:
            c.emit(
                (*path, both[1]),
                "conflict",
                f"give only one of {', '.join(self.exclusive)}: {both[0]!r} is given already",
            )
        for name, other, values, required in self.only_with:
            if not valid.get(other):
                continue  # a missing or bad value of its own, reported above
            if value.get(other) in required and name not in present:
                c.emit((*path, name), "required", f"{name!r} is required when {other} is {value[other]!r}")
            elif value.get(other) not in values and name in present:
                c.emit(
                    (*path, name),
                    "conflict",
                    f"{name!r} is only for {other}: {' or '.join(values)}",
                )
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
            **({"allOf": rules} if (rules := self._rules()) else {}),
        }

    def _rules(self) -> list[dict[str, Any]]:
        """The rules between fields (requires, any_of, exclusive, only_with) as JSON Schema."""
        rules: list[dict[str, Any]] = []
        for extra, base in self.requires:
            rules.append({"if": _present(extra), "then": _present(base)})
        if self.any_of:
            rules.append({"anyOf": [_present(name) for name in self.any_of]})
        for i, a in enumerate(self.exclusive):
            for b in self.exclusive[i + 1 :]:
                rules.append({"not": _present(a, b)})
        for name, other, values, required in self.only_with:
            allowed = {"properties": {other: {"enum": list(values)}}, "required": [other]}
            rules.append({"if": allowed, "else": {"not": _present(name)}})
            if required:
                needing = {"properties": {other: {"enum": list(required)}}, "required": [other]}
                rules.append({"if": needing, "then": _present(name)})
        rules.extend(self.json_rules)
        return rules

    def summary(self) -> str:
        return self.name


def _present(*names: str) -> dict[str, Any]:
    """JSON Schema: every field named is given (present and not null, as `check` sees it)."""
    return {"properties": {n: {"not": {"type": "null"}} for n in names}, "required": list(names)}


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
