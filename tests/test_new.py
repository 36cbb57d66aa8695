"""``python -m generator new``: skeletons that fail ``check`` exactly on their placeholders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.build import Project
from generator.cli import main
from generator.loader import load_content
from generator.new import skeleton
from generator.schema import SCHEMAS, SLUG, Bool, Date, Enum, Int, Lang, ListOf, Obj, Ref, Text, Type, Url
from generator.validate import validate

KINDS = {
    "source": "sources",
    "actor": "actors",
    "place": "places",
    "meeting": "meetings",
    "topic": "topics",
    "reference": "references",
}

# A value check accepts in the sample project, for each type of field.
REFS = {
    "seeds": "003_0593ca0994ca8188.txt",
    "sources": "article-2024-11",
    "actors": "russia",
    "places": "moscow",
    "topics": "arms",
    "meetings": "2024-11-choe-lavrov-moscow",
    "references": "example-news-2023-09-14",
}
VERBATIM = "Moskë"  # in seed 003, so it passes as an excerpt, a quote or a spelling


def _run(project: Project, *args: str) -> int:
    return main(["--project", str(project.root), *args])


def _field_type(kind: str, path: str) -> tuple[Obj, Type]:
    """The schema type at a problem's field path, e.g. ``citations[0].source``, and its object."""
    t: Type = SCHEMAS[kind]
    parent = SCHEMAS[kind]
    for part in re.findall(r"[^.\[\]]+", path):
        if part.isdigit():
            assert isinstance(t, ListOf)
            t = t.item
        else:
            assert isinstance(t, Obj)
            parent, t = t, t.field(part).type
    return parent, t


def _good_value(
    t: Type, name: str = "", parent: Obj | None = None, live: frozenset[str] = frozenset()
) -> Any:
    if isinstance(t, Ref):
        return REFS[t.kind]
    if isinstance(t, Enum):
        # A choice that a field given depends on (kind: series, for a count) takes the value it needs.
        rules = parent.only_with if parent else ()
        needed = [values[0] for field, other, values, _ in rules if other == name and field in live]
        return needed[0] if needed else t.values[0]
    if isinstance(t, Int):
        return t.minimum
    if isinstance(t, Lang):
        return "sq"
    if isinstance(t, Date):
        return "2024-11"
    if isinstance(t, Bool):
        return True
    if isinstance(t, Url):
        return "https://example.org/article"
    if isinstance(t, Text):
        if t.pattern == SLUG:
            return "an-old-id"
        return "Latn" if t.pattern == r"^[A-Z][a-z]{3}$" else VERBATIM
    raise AssertionError(f"no good value for {t!r}")


def _problems(project: Project) -> list[dict[str, Any]]:
    return [p.as_dict() for p in validate(load_content(project.root))]


def _placeholder_lines(text: str) -> list[int]:
    """Line numbers of the live (uncommented) placeholders."""
    return [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if line.rstrip().endswith('""  # TODO') and not line.lstrip().startswith("#")
    ]


def _fill(path: Path, kind: str, problems: list[dict[str, Any]]) -> None:
    """Replace each reported placeholder with a good value of its field's type."""
    lines = path.read_text(encoding="utf-8").splitlines()
    live = frozenset(part for p in problems for part in re.findall(r"[^.\[\]]+", p["path"]))
    for p in problems:
        line, col = p["line"] - 1, p["col"] - 1
        assert lines[line][col : col + 2] == '""', (p, lines[line])
        parent, t = _field_type(kind, p["path"])
        good = _good_value(t, p["path"].split(".")[-1], parent, live)
        if re.search(r"also_by\[\d+\]$", p["path"]):  # may not repeat `by`, which got REFS too
            good = "north-korea"
        value = json.dumps(good, ensure_ascii=False)
        lines[line] = lines[line][:col] + value + lines[line][col + 2 :]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("all_fields", [False, True], ids=["required", "all-fields"])
@pytest.mark.parametrize("name", sorted(KINDS))
def test_skeleton_fails_on_each_placeholder_then_passes_filled(
    sample: Project, name: str, all_fields: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    kind, ident = KINDS[name], f"new-{name}"
    rel = f"content/{kind}/{ident}.yaml"
    path = sample.root / rel
    if all_fields:  # every optional field live too: the commented-out shapes are right
        path.write_text(skeleton(name, ident, all_fields=True), encoding="utf-8")
    else:
        assert _run(sample, "new", name, ident) == 0
        assert f"Wrote {rel}" in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n")

    problems = _problems(sample)
    assert {p["file"] for p in problems} == {rel}, problems
    assert sorted(p["line"] for p in problems) == _placeholder_lines(text)
    assert all(p["code"] in ("empty", "enum", "language", "date", "type") for p in problems), problems
    assert _run(sample, "check") == 1

    _fill(path, kind, problems)
    assert _problems(sample) == []
    assert _run(sample, "check") == 0


def _fields(obj: Obj) -> list[tuple[Obj, str]]:
    found = []
    for f in obj.fields:
        found.append((obj, f.name))
        t = f.type.item if isinstance(f.type, ListOf) else f.type
        if isinstance(t, Obj):
            found += _fields(t)
    return found


@pytest.mark.parametrize("name", sorted(KINDS))
def test_skeleton_comments_every_field(name: str) -> None:
    lines = skeleton(name, "x").splitlines()
    for obj, field in _fields(SCHEMAS[KINDS[name]]):
        f = obj.field(field)
        # The field's line (live or commented out) follows a comment holding its documentation.
        pattern = re.compile(rf"^[ #-]*{re.escape(f.name)}:")
        hits = [i for i, line in enumerate(lines) if pattern.match(line) and f.doc in lines[i - 1]]
        assert hits, f"{obj.name}.{f.name} has no documented line"
        need = "[required;" if f.required else "[optional;"
        assert any(need in lines[i - 1] for i in hits)


def test_optional_fields_are_commented_out() -> None:
    text = skeleton("meeting", "x")
    assert "\n# place: " in text and "\nplace:" not in text
    assert "\ntitle: " in text
    assert _placeholder_lines(text) == _placeholder_lines(skeleton("meetings", "x"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "meting", "x"], "unknown kind 'meting' (did you mean 'meeting'?)"),
        (["new", "meeting", "Choe_Lavrov"], "invalid id 'Choe_Lavrov'"),
        (["new", "meeting", "a--b"], "invalid id 'a--b'"),
        (["new", "meeting", "2024-11-choe-lavrov-moscow"], "already exists: edit it instead"),
        (["new", "meeting"], "the following arguments are required: ID"),
    ],
)
def test_usage_errors_exit_2(
    sample: Project, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    content = sample.root / "content"
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    assert _run(sample, *args) == 2
    assert message in capsys.readouterr().err
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before
