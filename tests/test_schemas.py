"""The JSON Schemas given to editors: committed as generated, and in agreement with the validator.

For every good file and every bad variant below, the JSON Schema accepts exactly
what the validator's per-file check (``SCHEMAS[kind].check``) accepts. Cross-file
rules are out of a JSON Schema's reach, and a few per-file ones are too; those
are listed in ``VALIDATOR_ONLY`` and in each schema's description.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from generator.loader import Document, load_content, parse_yaml
from generator.new import skeleton
from generator.schema import (
    BEYOND_JSON_SCHEMA,
    SCHEMAS,
    SLUG,
    Bool,
    Checker,
    Date,
    Enum,
    Int,
    Lang,
    ListOf,
    Obj,
    Ref,
    Text,
    Type,
    Url,
    YearlessDate,
    json_schema,
)
from generator.schemafiles import exported_files

from conftest import REPO, SAMPLE

MEETING = "content/meetings/2024-11-choe-lavrov-moscow.yaml"
ACTOR = "content/actors/sergei-lavrov.yaml"
SOURCE = "content/sources/article-2024-11.yaml"

_VALIDATORS = {kind: jsonschema.Draft202012Validator(json_schema(kind)) for kind in SCHEMAS}


def validator_accepts(kind: str, data: Any) -> bool:
    problems: list[str] = []
    SCHEMAS[kind].check(data, (), Checker(lambda path, code, message: problems.append(code)))
    return not problems


def schema_accepts(kind: str, data: Any) -> bool:
    return _VALIDATORS[kind].is_valid(data)


def test_committed_files_are_generated() -> None:
    """schemas/*.schema.json and pages/reference/schema.md: run `python -m generator schemas`."""
    for rel, data in exported_files().items():
        path = REPO / rel
        assert path.is_file(), f"{rel} is missing: run `python -m generator schemas`"
        assert path.read_bytes() == data, f"{rel} is out of date: run `python -m generator schemas`"
    committed = {p.relative_to(REPO).as_posix() for p in (REPO / "schemas").iterdir()}
    assert committed == {rel for rel in exported_files() if rel.startswith("schemas/")}


def test_schemas_are_valid_draft_2020_12_and_stable() -> None:
    for kind in SCHEMAS:
        jsonschema.Draft202012Validator.check_schema(json_schema(kind))
        text = exported_files()[f"schemas/{kind}.schema.json"].decode()
        assert json.loads(text) == json_schema(kind)
        assert json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text
        assert BEYOND_JSON_SCHEMA in json_schema(kind)["description"]
    assert exported_files() == exported_files()


# --- good files ---------------------------------------------------------------------------


def _documents(root: Any) -> list[Document]:
    content = load_content(root)
    return content.documents


GOOD_VALUES: dict[str, Any] = {
    "seeds": "003_0593ca0994ca8188.txt",
    "sources": "article-2024-11",
    "actors": "russia",
    "places": "moscow",
    "topics": "arms",
    "meetings": "2024-11-choe-lavrov-moscow",
    "references": "example-news-2023-09-14",
}


def _good(t: Type) -> Any:
    if isinstance(t, Ref):
        return GOOD_VALUES[t.kind]
    if isinstance(t, Enum):
        return t.values[-1]
    if isinstance(t, Lang):
        return "el"
    if isinstance(t, Date):
        return "2024-11-05"
    if isinstance(t, YearlessDate):
        return "07-01"
    if isinstance(t, Int):
        return t.minimum
    if isinstance(t, Bool):
        return False
    if isinstance(t, Url):
        return "https://example.org/a?b=c"
    if isinstance(t, Text):
        if t.pattern == SLUG:
            return "a-former-id"
        return "Grek" if t.pattern == r"^[A-Z][a-z]{3}$" else "Filled in."
    raise AssertionError(t)


def _fill(t: Type, value: Any) -> Any:
    """Every ``""`` placeholder of a parsed skeleton replaced by a good value of its type."""
    if isinstance(t, Obj):
        out = {k: _fill(t.field(k).type, v) for k, v in value.items()}
        for extra, base in t.needs:  # a list that extends a single field may not repeat it
            if extra in out and base in out:
                out[extra] = [v for v in out[extra] if v != out[base]] or ["north-korea"]
        for name in t.exclusive[1:]:  # of fields that exclude each other, keep the first
            out.pop(name, None)
        for name, other, values, _ in t.only_with:  # a field allowed only with a value: choose it
            if name in out:
                out[other] = values[0]
        return out
    if isinstance(t, ListOf):
        return [_fill(t.item, v) for v in value]
    return _good(t) if value == "" else value


def _filled_skeletons() -> list[tuple[str, Any]]:
    out = []
    for kind, obj in SCHEMAS.items():
        data = parse_yaml(skeleton(kind, f"new-{obj.name}", all_fields=True))[0]
        out.append((kind, _fill(obj, data)))
    return out


GOOD = [
    *[(d.file, d.kind, d.data) for d in _documents(SAMPLE)],
    *[(f"skeleton:{kind}", kind, data) for kind, data in _filled_skeletons()],
]


@pytest.mark.parametrize(("file", "kind", "data"), GOOD, ids=[g[0] for g in GOOD])
def test_good_files_pass_both(file: str, kind: str, data: Any) -> None:
    assert validator_accepts(kind, data)
    assert schema_accepts(kind, data), list(_VALIDATORS[kind].iter_errors(data))


def test_committed_content_agrees() -> None:
    """Whatever state content/ is in, the two checks judge each file alike."""
    docs = _documents(REPO)
    assert docs
    for doc in docs:
        assert schema_accepts(doc.kind, doc.data) == validator_accepts(doc.kind, doc.data), doc.file


# --- bad (and edge) variants of the sample files ------------------------------------------


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], Any]:
    def edit(data: Any) -> Any:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        return data

    return edit


def _del(path: tuple[Any, ...]) -> Callable[[Any], Any]:
    def edit(data: Any) -> Any:
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]
        return data

    return edit


def _root(value: Any) -> Callable[[Any], Any]:
    return lambda data: value


# (name, file, edit, accepted by both)
VARIANTS: list[tuple[str, str, Callable[[Any], Any], bool]] = [
    # wrong type
    ("type-title-number", MEETING, _set(("title",), 5), False),
    ("type-title-float", MEETING, _set(("title",), 1.5), False),
    ("type-title-bool", MEETING, _set(("title",), True), False),
    ("type-topics-text", MEETING, _set(("topics",), "arms"), False),
    ("type-citations-mapping", MEETING, _set(("citations",), {}), False),
    ("type-direct-text", MEETING, _set(("statements", 0, "direct"), "yes"), False),
    ("type-participant-text", MEETING, _set(("participants", 0), "kim"), False),
    ("type-date-text", MEETING, _set(("date",), "2024-11"), False),
    ("type-root-list", MEETING, _root(["a"]), False),
    ("type-root-text", MEETING, _root("a"), False),
    # bad enum
    ("enum-status", MEETING, _set(("status",), "hled"), False),
    ("enum-side", MEETING, _set(("participants", 0, "side"), "guest"), False),
    ("enum-kind-list", MEETING, _set(("kind",), ["talks"]), False),
    ("enum-actor-kind", ACTOR, _set(("kind",), "persn"), False),
    ("enum-language", SOURCE, _set(("language",), "english"), False),
    ("enum-name-lang", ACTOR, _set(("other_names", 0, "lang"), "xx"), False),
    # unknown key
    ("unknown-top", MEETING, _set(("knd",), "talks"), False),
    ("unknown-date", MEETING, _set(("date", "precision"), "month"), False),
    ("unknown-name", ACTOR, _set(("other_names", 0, "lang2"), "sq"), False),
    # missing required
    ("required-title", MEETING, _del(("title",)), False),
    ("required-translation", MEETING, _del(("citations", 0, "translation")), False),
    ("required-side", MEETING, _del(("participants", 0, "side")), False),
    ("required-null", MEETING, _set(("summary",), None), False),
    ("required-date-on", MEETING, _del(("date", "on")), False),
    ("required-citations-empty", MEETING, _set(("citations",), []), False),
    ("required-id", SOURCE, _del(("id",)), False),
    # bad date
    ("date-month-13", MEETING, _set(("date", "on"), "2024-13"), False),
    ("date-month-00", MEETING, _set(("date", "on"), "2024-00"), False),
    ("date-day-31-november", MEETING, _set(("date", "on"), "2024-11-31"), False),
    ("date-day-00", MEETING, _set(("date", "on"), "2024-11-00"), False),
    ("date-short-year", MEETING, _set(("date", "on"), "24-11"), False),
    ("date-short-month", MEETING, _set(("date", "on"), "2024-1"), False),
    ("date-slashes", MEETING, _set(("date", "on"), "2024/11"), False),
    ("date-time", MEETING, _set(("date", "on"), "2024-11-05T10:00"), False),
    ("date-number", MEETING, _set(("date", "on"), 2024), False),
    ("date-published", SOURCE, _set(("published",), "Nov 2024"), False),
    # bad id and id-shaped references
    ("id-uppercase", MEETING, _set(("id",), "Choe-Lavrov"), False),
    ("id-underscore", MEETING, _set(("id",), "choe_lavrov"), False),
    ("id-path", MEETING, _set(("id",), "../etc/passwd"), False),
    ("id-double-hyphen", MEETING, _set(("id",), "a--b"), False),
    ("id-leading-hyphen", MEETING, _set(("id",), "-a"), False),
    ("id-too-long", MEETING, _set(("id",), "a" * 101), False),
    ("id-empty", MEETING, _set(("id",), ""), False),
    ("ref-place-uppercase", MEETING, _set(("place",), "Moscow"), False),
    ("ref-topic-space", MEETING, _set(("topics",), ["arms control"]), False),
    ("ref-seed-no-txt", SOURCE, _set(("seed",), "003_0593ca0994ca8188"), False),
    # text
    ("text-empty", MEETING, _set(("title",), ""), False),
    ("text-blank", MEETING, _set(("title",), "   "), False),
    ("text-nbsp", MEETING, _set(("title",), "\u00a0"), False),
    ("text-newline-only", MEETING, _set(("summary",), "\n"), False),
    ("text-line-break-in-line", MEETING, _set(("title",), "a\nb"), False),
    ("text-cr-in-line", MEETING, _set(("title",), "a\rb"), False),
    ("text-control", MEETING, _set(("summary",), "a\x01b"), False),
    ("text-too-long-line", MEETING, _set(("title",), "x" * 301), False),
    ("text-too-long", MEETING, _set(("summary",), "x" * 5001), False),
    ("text-script", ACTOR, _set(("other_names", 0, "script"), "latn"), False),
    ("url-javascript", SOURCE, _set(("url",), "javascript:alert(1)"), False),
    ("url-ftp", SOURCE, _set(("url",), "ftp://example.org/a"), False),
    ("url-space", SOURCE, _set(("url",), "https://example.org/a b"), False),
    ("list-duplicate-topic", MEETING, _set(("topics",), ["arms", "arms"]), False),
    # accepted by both
    ("ok-optional-null", MEETING, _set(("place",), None), True),
    ("ok-optional-list-null", MEETING, _set(("topics",), None), True),
    ("ok-nested-optional-null", MEETING, _set(("date", "inferred"), None), True),
    ("ok-year", SOURCE, _set(("published",), "2024"), True),
    ("ok-day", SOURCE, _set(("published",), "2024-11-30"), True),
    ("ok-leap-day", MEETING, _set(("date", "on"), "2024-02-29"), True),
    ("ok-multiline-summary", MEETING, _set(("summary",), "First line.\nSecond line."), True),
    ("ok-tab-in-line", MEETING, _set(("title",), "a\tb"), True),
    ("ok-title-300", MEETING, _set(("title",), "x" * 300), True),
    ("ok-url", SOURCE, _set(("url",), "https://example.org/a?b=c#d"), True),
    ("ok-script", ACTOR, _set(("other_names", 0, "script"), "Latn"), True),
    ("ok-direct-false", MEETING, _set(("statements", 0, "direct"), False), True),
    ("ok-dangling-reference", MEETING, _set(("place",), "moskow"), True),  # cross-file: check only
    ("ok-id-not-filename", MEETING, _set(("id",), "another-id"), True),  # cross-file: check only
    ("ok-joint-claim", MEETING, _set(("points", 0, "also_by"), ["sergei-lavrov"]), True),
    ("bad-also-by-empty", MEETING, _set(("points", 0, "also_by"), []), False),
    ("bad-place-also-by-without-place-by", MEETING, _set(("place_also_by",), ["russia"]), False),
    ("bad-date-also-by-without-by", MEETING, _set(("date", "also_by"), ["russia"]), False),
    (
        "bad-also-by-without-by",
        MEETING,
        lambda d: _set(("points", 0, "also_by"), ["sergei-lavrov"])(_del(("points", 0, "by"))(d)),
        False,
    ),
]

SHOIGU = "content/meetings/shoigu-visit-2023.yaml"
VARIANTS += [
    ("ok-days-from-references", SHOIGU, lambda d: d, True),
    ("ok-month-from-references", SHOIGU, _set(("date", "from_references"), ["month", "day"]), True),
    (
        "bad-from-references-finer-than-month",
        SHOIGU,
        lambda d: _del(("date", "end"))(_set(("date", "on"), "2023-07")(d)),
        False,
    ),
    (
        "bad-from-references-finer-than-year",
        SHOIGU,
        lambda d: _set(("date", "from_references"), ["month"])(
            _del(("date", "end"))(_set(("date", "on"), "2023")(d))
        ),
        False,
    ),
    (
        "ok-year-from-references-of-a-year",
        SHOIGU,
        lambda d: _set(("date", "from_references"), ["year"])(
            _del(("date", "end"))(_set(("date", "on"), "2023")(d))
        ),
        True,
    ),
]

# Rules of the per-file check that a JSON Schema cannot express (named in BEYOND_JSON_SCHEMA).
VALIDATOR_ONLY: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("duplicate-participant", MEETING, _set(("participants", 1, "actor"), "choe-son-hui")),
    ("date-end-before-on", MEETING, _set(("date", "end"), "2024-10")),
    ("date-february-29-not-leap", MEETING, _set(("date", "on"), "2023-02-29")),
    ("role-as-of-before-start", ACTOR, _set(("roles", 0, "start"), "2025")),
    ("also-by-repeats-by", MEETING, _set(("points", 0, "also_by"), ["choe-son-hui"])),
    ("claim-repeats-attribution", MEETING, _set(("points", 0, "claim"), "According to Choe, she said so.")),
]

_SAMPLE = {d.file: d for d in _documents(SAMPLE)}


def _variant(file: str, edit: Callable[[Any], Any]) -> tuple[str, Any]:
    doc = _SAMPLE[file]
    return doc.kind, edit(copy.deepcopy(doc.data))


@pytest.mark.parametrize(("name", "file", "edit", "ok"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_schema_and_validator_agree(name: str, file: str, edit: Callable[[Any], Any], ok: bool) -> None:
    kind, data = _variant(file, edit)
    assert validator_accepts(kind, data) is ok
    assert schema_accepts(kind, data) is ok, list(_VALIDATORS[kind].iter_errors(data))


@pytest.mark.parametrize(("name", "file", "edit"), VALIDATOR_ONLY, ids=[v[0] for v in VALIDATOR_ONLY])
def test_rules_beyond_json_schema(name: str, file: str, edit: Callable[[Any], Any]) -> None:
    kind, data = _variant(file, edit)
    assert not validator_accepts(kind, data)
    assert schema_accepts(kind, data)  # if this fails, the JSON Schema learnt the rule: move the case up
