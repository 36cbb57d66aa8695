"""The loader: YAML read with positions, and everything we refuse, located to line and column."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import pytest

from generator.build import Project
from generator.cli import main
from generator.loader import MAX_DEPTH, load_content, parse_yaml


def _problems(project: Path) -> list[str]:
    return [p.text() for p in load_content(project).problems]


def _write(project: Path, rel: str, data: str | bytes) -> Path:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "seeds").mkdir()
    return tmp_path


def test_values_and_marks() -> None:
    data, marks, key_marks = parse_yaml("a: 1\nlist:\n  - x: 2019-04-25\n    y: 'yes'\n    z: yes\n")
    assert data == {"a": 1, "list": [{"x": "2019-04-25", "y": "yes", "z": "yes"}]}
    assert marks[("list", 0, "x")] == (3, 8)
    assert key_marks[("list", 0, "y")] == (4, 5)


def test_yaml_12_scalars() -> None:
    data, _, _ = parse_yaml("a: true\nb: null\nc: ~\nd: 1.5\ne: '1'\nf: !!str 2\ng: on\n")
    assert data == {"a": True, "b": None, "c": None, "d": 1.5, "e": "1", "f": "2", "g": "on"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: a\nid: b\n", "content/actors/x.yaml:2:1: error[duplicate-key]"),
        ("a:\n  b:\n    c: 1\n    c: 2\n", "content/actors/x.yaml:4:5: error[duplicate-key]"),
        ("a: [1, 2\n", "content/actors/x.yaml:2:1: error[yaml-syntax]"),
        ("a:\n\t- b\n", "indent with spaces, not tabs"),
        ("a: &x [1]\nb: *x\n", "content/actors/x.yaml:1:4: error[yaml-anchor]"),
        ("a: !!python/object/apply:os.system [ls]\n", "content/actors/x.yaml:1:4: error[yaml-tag]"),
        ("a: !custom x\n", "content/actors/x.yaml:1:4: error[yaml-tag]"),
        ("a: 1\n---\nb: 2\n", "content/actors/x.yaml:2:1: error[yaml-documents]"),
        ("", "content/actors/x.yaml:1:1: error[empty-file]"),
        ("# only a comment\n", "content/actors/x.yaml:1:1: error[empty-file]"),
        ("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "error[yaml-depth]"),
        ("? [a]\n: b\n", "error[yaml-key]"),
    ],
)
def test_refused_yaml_is_located(project: Path, text: str, expected: str) -> None:
    _write(project, "content/actors/x.yaml", text)
    problems = _problems(project)
    assert len(problems) == 1
    assert expected in problems[0]


def test_billion_laughs_is_refused_quickly(project: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    _write(project, "content/actors/x.yaml", "\n".join(lines) + "\n")
    problems = _problems(project)
    assert problems == [
        "content/actors/x.yaml:1:4: error[yaml-anchor] anchors (&name) are not allowed: write values out"
    ]


def test_not_utf8_is_located(project: Path) -> None:
    _write(project, "content/actors/x.yaml", b"id: x\nname: caf\xe9\n")
    assert _problems(project) == [
        "content/actors/x.yaml:2:10: error[encoding] file is not valid UTF-8 (byte 0xe9)"
    ]


def test_bom_is_refused(project: Path) -> None:
    _write(project, "content/actors/x.yaml", "\ufeffid: x\n")
    assert "content/actors/x.yaml:1:1: error[encoding]" in _problems(project)[0]


def test_layout_problems(project: Path) -> None:
    _write(project, "content/actors/a.yml", "id: a\n")
    _write(project, "content/people/b.yaml", "id: b\n")
    _write(project, "content/meetngs/f.yaml", "id: f\n")
    _write(project, "content/c.yaml", "id: c\n")
    (project / "content/actors/d.yaml").mkdir()
    outside = _write(project, "elsewhere.yaml", "id: e\n")
    os.symlink(outside, project / "content/actors/e.yaml")
    problems = _problems(project)
    assert problems == [
        "content/actors/a.yml: error[layout] content files end in .yaml (rename .yml to .yaml)",
        "content/actors/d.yaml: error[layout] unexpected folder: content holds only the folders "
        "actors, meetings, places, references, sources, topics",
        "content/actors/e.yaml: error[symlink] symbolic links are not allowed in content: copy the file",
        "content/c.yaml: error[layout] files belong in content/<kind>/<id>.yaml, kind one of "
        "actors, meetings, places, references, sources, topics",
        "content/meetngs: error[layout] unknown folder 'meetngs' (did you mean 'meetings'?); "
        "content holds only the folders actors, meetings, places, references, sources, topics",
        "content/people: error[layout] unknown folder 'people'; content holds only the folders "
        "actors, meetings, places, references, sources, topics",
    ]


def test_misspelt_folder_fails_check_with_a_suggestion(
    sample: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record in a misspelt folder is never read: `check` fails on the folder instead of passing."""
    _write(sample.root, "content/meetngs/x.yaml", "id: x\n")
    assert main(["--project", str(sample.root), "check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/meetngs: error[layout] unknown folder 'meetngs' (did you mean 'meetings'?); "
        "content holds only the folders actors, meetings, places, references, sources, topics",
        "1 problem found.",
    ]


def test_discovery_is_sorted(project: Path) -> None:
    for name in ("c", "a", "b"):
        _write(project, f"content/topics/{name}.yaml", f"id: {name}\n")
    docs = load_content(project).documents
    assert [d.file for d in docs] == [f"content/topics/{n}.yaml" for n in "abc"]


def test_usual_files_are_read_without_the_positions_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken for ordinary content; positions are made only when asked for."""
    from generator import loader

    calls: list[str] = []
    real = loader.parse_yaml

    def counting(text: str) -> Any:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(loader, "parse_yaml", counting)
    text = "id: x\nname: 'Kim'\nlist:\n  - {a: 1, b: [true, null, 1.5, '2']}\n"
    assert loader.parse_data(text) == {
        "id": "x",
        "name": "Kim",
        "list": [{"a": 1, "b": [True, None, 1.5, "2"]}],
    }
    assert calls == []
    doc = loader.Document("topics", "content/topics/x.yaml", loader.parse_data(text), text)
    assert (doc.loc(("list", 0, "b", 1)).line, doc.loc(("list", 0, "b", 1)).col) == (4, 22)
    assert len(calls) == 1
    doc.loc(("name",), key=True)
    assert len(calls) == 1  # parsed once, then kept
    for unusual in ("a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1\na: 2\n", "1: x\n"):
        with contextlib.suppress(loader._YAMLError):
            loader.parse_data(unusual)
    assert len(calls) == 5  # each of those went to the full parser
