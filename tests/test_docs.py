"""The editor documentation is tested: every field documented, the worked example valid, its output real."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.errors import format_problems
from generator.loader import load_content
from generator.schema import SCHEMAS, ListOf, Obj
from generator.schemafiles import REFERENCE, reference_markdown, shared_objects
from generator.validate import validate

from conftest import REPO

CONTRIBUTING = REPO / "CONTRIBUTING.md"
FENCE = re.compile(r'^```(\w+) title="([^"]+)"\n(.*?)^```$', re.M | re.S)

# Records the worked example names but does not show (it says they already exist).
STUBS = {
    "content/actors/russia.yaml": "id: russia\nkind: state\nname: Russia\n",
    "content/actors/choe-son-hui.yaml": "id: choe-son-hui\nkind: person\nname: Choe Son Hui\n",
    "content/places/moscow.yaml": "id: moscow\nkind: city\nname: Moscow\n",
    "content/actors/united-states.yaml": "id: united-states\nkind: state\nname: United States\n",
    "content/actors/kim-jong-un.yaml": "id: kim-jong-un\nkind: person\nname: Kim Jong Un\n",
    "content/actors/vladimir-putin.yaml": "id: vladimir-putin\nkind: person\nname: Vladimir Putin\n",
    "content/sources/kim-putin-expected-sq.yaml": (
        "id: kim-putin-expected-sq\nseed: 004_fea4830ee9b7d6af.txt\nlanguage: sq\n"
        'title: Kim expected to meet Putin\npublished: "2023-09"\npublished_basis: dateline\n'
    ),
}
STUB_CITATION = {
    "russia": "Rusinë",
    "choe-son-hui": "Choe Son Hui",
    "moscow": "Moskë",
    "united-states": "Shtetet e Bashkuara",
    "kim-jong-un": "Kim Jong Un",
    "vladimir-putin": "Vladimir Putin",
}
# The three mistakes the "When check finds problems" section describes.
MISTAKES = [
    ("status: held", "status: hled"),
    ("place: moscow", "place: moskow"),
    ("homologun e saj rusSergei Lavrov", "homologun e saj rus Sergei Lavrov"),
]
MEETING = "content/meetings/2024-11-choe-lavrov-moscow.yaml"


def _blocks() -> dict[str, str]:
    """Code blocks of CONTRIBUTING.md that carry a title: file paths and sample outputs."""
    return {title: body for _, title, body in FENCE.findall(CONTRIBUTING.read_text(encoding="utf-8"))}


def _all_fields() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(obj: Obj) -> None:
        for f in obj.fields:
            found.append((obj.name, f.name))
            t = f.type.item if isinstance(f.type, ListOf) else f.type
            if isinstance(t, Obj):
                walk(t)

    for obj in SCHEMAS.values():
        walk(obj)
    return found


@pytest.mark.parametrize(("obj", "field"), _all_fields(), ids=lambda x: x)
def test_every_field_is_documented(obj: str, field: str) -> None:
    docs = CONTRIBUTING.read_text(encoding="utf-8") + (REPO / REFERENCE).read_text(encoding="utf-8")
    assert f"`{field}`" in docs, f"{obj}.{field} appears in neither CONTRIBUTING.md nor {REFERENCE}"


def test_reference_is_generated_and_complete() -> None:
    text = (REPO / REFERENCE).read_text(encoding="utf-8")
    assert text == reference_markdown(), f"{REFERENCE} is out of date: run `python -m generator schemas`"
    headings = {h.lower().replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)}
    for obj in [*SCHEMAS.values(), *shared_objects()]:
        assert obj.name.replace(" ", "-") in headings
        for f in obj.fields:
            assert f"| `{f.name}` |" in text
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):
        assert anchor in headings, f"link to #{anchor} has no heading"


def _example_project(root: Path) -> dict[str, str]:
    blocks = _blocks()
    files = {title: body for title, body in blocks.items() if title.startswith("content/")}
    assert {"content/sources/", "content/actors/", "content/meetings/"} <= {
        f[: f.rindex("/") + 1] for f in files
    }
    (root / "seeds").mkdir(parents=True)
    shutil.copy2(REPO / "seeds/003_0593ca0994ca8188.txt", root / "seeds")
    for title, body in blocks.items():  # an invented article the second example shows
        if title.startswith("seeds/"):
            (root / title).write_text(body, encoding="utf-8")
    source = "choe-lavrov-moscow-sq"
    shutil.copy2(REPO / "seeds/004_fea4830ee9b7d6af.txt", root / "seeds")
    for rel, text in STUBS.items():
        if rel not in files and Path(rel).stem in STUB_CITATION:
            excerpt = STUB_CITATION[Path(rel).stem]
            cited = (
                "kim-putin-expected-sq" if rel.endswith(("states.yaml", "un.yaml", "putin.yaml")) else source
            )
            citation = f"  - source: {cited}\n    excerpt: {excerpt}\n    translation: {excerpt}\n"
            files[rel] = f"{text}citations:\n{citation}"
        elif rel not in files:
            files[rel] = text
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return files


def test_worked_example_passes_check(tmp_path: Path) -> None:
    files = _example_project(tmp_path)
    assert validate(load_content(tmp_path)) == []
    for rel, text in files.items():
        if rel not in STUBS:
            kind = rel.split("/")[1]
            assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n")


def test_error_output_shown_is_real(tmp_path: Path) -> None:
    _example_project(tmp_path)
    meeting = tmp_path / MEETING
    text = meeting.read_text(encoding="utf-8")
    for old, new in MISTAKES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    meeting.write_text(text, encoding="utf-8")
    problems = validate(load_content(tmp_path))
    blocks = _blocks()
    assert format_problems(problems, "text") + "\n" == blocks["check output"]
    assert format_problems(problems, "github") + "\n" == blocks["check --format github"]
