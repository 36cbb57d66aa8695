"""Hostile and broken input (issue 6): nothing bad gets through, nothing is lost.

Content arrives in pull requests from strangers. Every broken input must give
exit code 1 and a located message from ``check`` and ``build`` (never a
traceback) and leave the previous docs/ and site/ as they were; text that only
looks like markup (HTML, Markdown, Jinja) must show on the built pages as the
literal text. pages/hostile-input.md lists each case with the message it gives.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator import build as build_module
from generator.build import BuildFailed, Project
from generator.cli import main
from generator.loader import MAX_BYTES, load_content
from generator.schema import SCHEMAS, ListOf, Obj, Text, Type

from conftest import copy_sample

TOPIC = "content/topics/arms.yaml"
MEETING = "content/meetings/2024-11-choe-lavrov-moscow.yaml"
SOURCE = "content/sources/article-2024-11.yaml"
SEED = "seeds/003_0593ca0994ca8188.txt"
EPOCH = "1700000000"  # 2023-11-14 UTC

# A problem line: file[:line:col]: error[code] [(field.path)] message
PROBLEM_LINE = re.compile(r"^\S+?(?::\d+:\d+)?: error\[[a-z-]+\] .+$")


# --- helpers ---------------------------------------------------------------------------


def _run(project: Project, *args: str) -> int:
    return main(["--project", str(project.root), *args])


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _replace(root: Path, rel: str, make: Callable[[Path], object]) -> None:
    """Remove ``rel`` and let ``make`` put something else on its path."""
    path = root / rel
    path.unlink()
    make(path)


def _symlink_outside(root: Path) -> None:
    outside = root.parent / "outside.yaml"
    outside.write_text("id: arms\nname: Arms supplies\n", encoding="utf-8")
    _replace(root, TOPIC, lambda p: p.symlink_to(outside))


def _symlink_kind_folder(root: Path) -> None:
    shutil.move(root / "content/topics", root / "elsewhere")
    (root / "content/topics").symlink_to(root / "elsewhere")


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its bytes and its modification time."""
    return {
        p.relative_to(root).as_posix(): f"{hashlib.sha256(p.read_bytes()).hexdigest()} {p.stat().st_mtime_ns}"
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _hashes(root: Path) -> dict[str, str]:
    return {rel: value.split()[0] for rel, value in _tree(root).items()}


def _nested_block_mappings(depth: int) -> str:
    return "id: arms\nname:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(depth)) + " x\n"


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# --- every broken input, end to end through the command line -----------------------------


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], object]
    expected: tuple[str, ...]  # the start of problem lines that must be printed
    problems: int = 1  # how many problems in all
    phrases: tuple[str, ...] = ()  # words the first problem's message must contain


T, M = TOPIC, MEETING
CASES = [
    # YAML syntax
    Case(
        "yaml-syntax",
        lambda r: _edit(r, T, "name: Arms supplies", "name: [Arms supplies"),
        (f"{T}:3:12: error[yaml-syntax] did not find expected ',' or ']' (while parsing a flow sequence)",),
    ),
    Case(
        "tab-indent",
        lambda r: _write(r, T, "id: arms\nname: Arms\ndescription:\n\t- x\n"),
        (f"{T}:4:1: error[yaml-syntax] found character that cannot start any token",),
        phrases=("; indent with spaces",),
    ),
    Case(
        "two-documents",
        lambda r: _edit(r, T, "name: Arms supplies", "name: Arms supplies\n---\nid: x"),
        (f"{T}:3:1: error[yaml-documents] one file holds one document: remove '---'",),
    ),
    # duplicate keys
    Case(
        "duplicate-key-top",
        lambda r: _edit(r, T, "name: Arms supplies", "name: Arms supplies\nname: Arms"),
        (f"{T}:3:1: error[duplicate-key] duplicate key 'name' (first defined on line 2)",),
    ),
    Case(
        "duplicate-key-deep",
        lambda r: _edit(
            r,
            M,
            "        translation: announced",
            "        source: article-2024-11\n        translation: announced",
        ),
        (f"{M}:27:9: error[duplicate-key] duplicate key 'source' (first defined on line 25)",),
    ),
    # schema
    Case(
        "unknown-key",
        lambda r: _edit(r, T, "name: Arms", "nmae: Arms supplies\nname: Arms"),
        (f"{T}:2:1: error[unknown-key] (nmae) unknown field 'nmae' in topic (did you mean 'name'?)",),
    ),
    Case(
        "unknown-key-unprintable",
        lambda r: _edit(r, T, "name: Arms", '"x\\ny\\e[2J": 1\nname: Arms'),
        (f"{T}:2:1: error[unknown-key] (['x\\ny\\x1b[2J']) unknown field 'x\\ny\\x1b[2J' in topic",),
    ),
    Case(
        "merge-key",
        lambda r: _edit(r, T, "name: Arms supplies", "name: Arms supplies\n<<: {x: 1}"),
        (f"{T}:3:1: error[unknown-key] (<<) unknown field '<<' in topic",),
    ),
    Case(
        "wrong-type",
        lambda r: _edit(r, T, "name: Arms supplies", "name: [Arms supplies]"),
        (f"{T}:2:7: error[type] (name) expected text, found a list",),
    ),
    Case(
        "wrong-type-bool",
        lambda r: _edit(r, M, "    quote: arrinte", "    direct: 'yes'\n    quote: arrinte"),
        (f"{M}:31:13: error[type] (statements[0].direct) expected true or false, found text",),
    ),
    Case(
        "bad-enum",
        lambda r: _edit(r, M, "kind: talks", "kind: chat"),
        (f"{M}:3:7: error[enum] (kind) 'chat' is not one of summit, talks, visit, meeting,",),
    ),
    Case(
        "null-required",
        lambda r: _edit(r, T, "name: Arms supplies", "name: null"),
        (f"{T}:2:7: error[required] (name) 'name' must have a value (found null): short English name",),
    ),
    Case(
        "null-in-list",
        lambda r: _edit(r, M, "topics: [arms]", "topics: [~]"),
        (f"{M}:33:10: error[type] (topics[0]) expected text, found nothing (null)",),
    ),
    Case(
        "missing-required",
        lambda r: _edit(r, T, "name: Arms supplies\n", ""),
        (f"{T}:1:1: error[required] (name) 'name' is required: short English name",),
    ),
    Case(
        "control-character-escape",
        lambda r: _edit(r, T, "name: Arms supplies", 'name: "Arms\\e[2J"'),
        (f"{T}:2:7: error[format] (name) contains control characters",),
    ),
    Case(
        "too-long",
        lambda r: _edit(r, T, "name: Arms supplies", "name: " + "x" * 201),
        (f"{T}:2:7: error[too-long] (name) longer than 200 characters",),
    ),
    # dates
    Case(
        "impossible-date",
        lambda r: _edit(r, M, 'on: "2024-11"', 'on: "2019-02-30"'),
        (f"{M}:10:7: error[date] (date.on) '2019-02-30' is not a real day: that month has 28 days",),
    ),
    Case(
        "end-before-start",
        lambda r: _edit(r, M, 'on: "2024-11"', 'on: "2024-11-05"\n  end: "2024-11-04"'),
        (f"{M}:11:8: error[date-order] (date.end) end 2024-11-04 is before on 2024-11-05",),
    ),
    # ids and references
    Case(
        "dangling-reference",
        lambda r: _edit(r, M, "topics: [arms]", "topics: [armz]"),
        (
            f"{M}:33:10: error[reference] (topics[0]) 'armz' not found in content/topics/ "
            "(did you mean 'arms'?)",
        ),
    ),
    Case(
        "reference-path",
        lambda r: _edit(r, M, "place: moscow", "place: ../../etc/passwd"),
        (f"{M}:12:8: error[format] (place) '../../etc/passwd' does not match",),
    ),
    Case(
        "duplicate-id",
        lambda r: _write(r, "content/topics/weapons.yaml", "id: arms\nname: Weapons\n"),
        (
            "content/topics/weapons.yaml:1:5: error[duplicate-id] (id) id 'arms' is also used by "
            "content/topics/arms.yaml",
            "content/topics/weapons.yaml:1:5: error[id-filename] (id) id 'arms' must equal the file name",
        ),
        problems=2,
    ),
    Case(
        "id-path-separator",
        lambda r: _edit(r, T, "id: arms", "id: a/b"),
        (f"{T}:1:5: error[format] (id) 'a/b' does not match ^[a-z0-9]+(?:-[a-z0-9]+)*$: use lowercase",),
    ),
    Case(
        "id-dot-dot",
        lambda r: _edit(r, T, "id: arms", "id: ../../../etc/passwd"),
        (f"{T}:1:5: error[format] (id) '../../../etc/passwd' does not match",),
    ),
    Case(
        "id-url-characters",
        lambda r: _edit(r, T, "id: arms", "id: 'arms?x=<y>#z'"),
        (f"{T}:1:5: error[format] (id) 'arms?x=<y>#z' does not match",),
    ),
    Case(
        "id-reserved",
        lambda r: _write(r, "content/topics/index.yaml", "id: index\nname: Index\n"),
        ("content/topics/index.yaml:1:5: error[reserved-id] (id) id 'index' is reserved: topics/index.md",),
    ),
    Case(
        "file-name-space",
        lambda r: _write(r, "content/topics/arms supplies.yaml", "id: arms-supplies\nname: X\n"),
        ("content/topics/arms%20supplies.yaml: error[file-name] file names may use only the letters",),
    ),
    Case(
        "file-name-forged-report",
        lambda r: _write(r, "content/topics/a\nb,line=1::x.yaml", "id: ab\nname: X\n"),
        ("content/topics/a%0Ab%2Cline%3D1%3A%3Ax.yaml: error[file-name]",),
    ),
    # seeds
    Case(
        "excerpt-not-in-seed",
        lambda r: _edit(r, M, "    quote: arrinte", "    quote: arriti"),
        (
            f"{M}:31:12: error[not-in-seed] (statements[0].quote) quote not found verbatim in "
            "seeds/003_0593ca0994ca8188.txt (source 'article-2024-11'): 'arriti një fitore të madhe'",
        ),
    ),
    Case(
        "seed-missing",
        lambda r: (r / SEED).unlink(),
        (f"{SOURCE}:2:7: error[reference] (seed) '003_0593ca0994ca8188.txt' not found in seeds/",),
    ),
    Case(
        "seed-symlink-outside",
        lambda r: _replace(r, SEED, lambda p: p.symlink_to("/etc/passwd")),
        (f"{SEED}: error[symlink] symbolic links are not allowed in seeds: copy the file",),
    ),
    Case(
        "seed-folder",
        lambda r: _replace(r, SEED, lambda p: p.mkdir()),
        (f"{SEED}: error[layout] not a regular file: seeds holds .txt files",),
    ),
    Case(
        "seed-not-utf8",
        lambda r: _write(r, SEED, b"date 2024-11\ncaf\xe9\n"),
        (f"{SEED}:2:4: error[encoding] file is not valid UTF-8 (byte 0xe9)",),
    ),
    # files that are not YAML text
    Case("empty-file", lambda r: _write(r, T, ""), (f"{T}:1:1: error[empty-file] file is empty",)),
    Case(
        "comment-only",
        lambda r: _write(r, T, "# id: arms\n"),
        (f"{T}:1:1: error[empty-file] the file holds no YAML document",),
    ),
    Case(
        "not-a-mapping",
        lambda r: _write(r, T, "- arms\n"),
        (f"{T}:1:1: error[type] expected a mapping (topic), found a list",),
    ),
    Case(
        "not-utf8",
        lambda r: _write(r, T, b"id: arms\nname: Caf\xe9\n"),
        (f"{T}:2:10: error[encoding] file is not valid UTF-8 (byte 0xe9)",),
    ),
    Case(
        "utf16",
        lambda r: _write(r, T, "id: arms\nname: Arms\n".encode("utf-16")),
        (f"{T}:1:1: error[encoding] file is not valid UTF-8 (byte 0xff)",),
    ),
    Case(
        "byte-order-mark",
        lambda r: _write(r, T, b"\xef\xbb\xbfid: arms\nname: Arms\n"),
        (f"{T}:1:1: error[encoding] file starts with a byte-order mark: save it as UTF-8 without BOM",),
    ),
    Case(
        "nul-byte",
        lambda r: _write(r, T, b"id: arms\nname: Ar\x00ms\n"),
        (f"{T}:2:9: error[yaml-character] character U+0000 is not allowed in YAML: remove it",),
    ),
    Case(
        "too-large",
        lambda r: _write(r, T, "id: arms\nname: x\ndescription: '" + "x" * MAX_BYTES + "'\n"),
        (f"{T}: error[file-size] file is larger than {MAX_BYTES} bytes",),
    ),
    # what is on a content file's path
    Case(
        "folder-not-file",
        lambda r: _replace(r, T, lambda p: p.mkdir()),
        (f"{T}: error[layout] unexpected folder: content holds only the folders",),
    ),
    Case(
        "symlink-outside",
        _symlink_outside,
        (f"{T}: error[symlink] symbolic links are not allowed in content: copy the file",),
    ),
    Case(
        "symlink-dangling",
        lambda r: _replace(r, T, lambda p: p.symlink_to(r / "nowhere.yaml")),
        (f"{T}: error[symlink] symbolic links are not allowed in content: copy the file",),
    ),
    Case(
        "symlink-kind-folder",
        _symlink_kind_folder,
        ("content/topics: error[symlink] symbolic links are not allowed in content: copy the file",),
        problems=5,  # and the four events' references to the topic 'arms' are dangling
    ),
    Case(
        "fifo",
        lambda r: _replace(r, T, lambda p: os.mkfifo(p)),
        (f"{T}: error[layout] not a regular file",),
    ),
    Case(
        "yml-extension",
        lambda r: shutil.move(r / T, r / "content/topics/arms.yml"),
        ("content/topics/arms.yml: error[layout] content files end in .yaml (rename .yml to .yaml)",),
    ),
    # expansion and depth
    Case(
        "billion-laughs",
        lambda r: _write(r, T, _billion_laughs()),
        (f"{T}:1:4: error[yaml-anchor] anchors (&name) are not allowed: write values out",),
    ),
    Case(
        "deep-flow-sequences",
        lambda r: _write(r, T, "id: arms\nname: " + "[" * 100_000 + "\n"),
        (f"{T}:2:38: error[yaml-depth] nested more than 32 levels deep",),
    ),
    Case(
        "deep-flow-mappings",
        lambda r: _write(r, T, "id: arms\nname: " + "{a: " * 100_000 + "\n"),
        (f"{T}:2:131: error[yaml-depth] nested more than 32 levels deep",),
    ),
    Case(
        "deep-block-sequences",
        lambda r: _write(r, T, "id: arms\nname:\n  " + "- " * 100_000 + "x\n"),
        (f"{T}:3:65: error[yaml-depth] nested more than 32 levels deep",),
    ),
    Case(
        "deep-block-mappings",
        lambda r: _write(r, T, _nested_block_mappings(1000)),
        (f"{T}:34:33: error[yaml-depth] nested more than 32 levels deep",),
    ),
    Case(
        "huge-number",
        lambda r: _edit(r, T, "name: Arms supplies", "name: " + "9" * 5000),
        (f"{T}:2:7: error[yaml-number] number with too many digits: put it in quotes if it is text",),
    ),
    # tags
    Case(
        "python-object",
        lambda r: _edit(
            r, T, "name: Arms supplies", "name: !!python/object/apply:os.system ['touch /tmp/x']"
        ),
        (
            f"{T}:2:7: error[yaml-tag] tag '!!python/object/apply:os.system' is not allowed: "
            "content holds only text, numbers, true/false, lists and mappings",
        ),
    ),
    Case(
        "python-name",
        lambda r: _edit(r, T, "name: Arms supplies", "name: !!python/name:os.system"),
        (f"{T}:2:7: error[yaml-tag] tag '!!python/name:os.system' is not allowed",),
    ),
    Case(
        "tag-directive",
        lambda r: _write(
            r, T, "%TAG !p! tag:yaml.org,2002:python/\n---\nid: !p!object/apply:os.system [ls]\n"
        ),
        (f"{T}:3:5: error[yaml-tag] tag '!!python/object/apply:os.system' is not allowed",),
    ),
    Case(
        "binary-tag",
        lambda r: _edit(r, T, "name: Arms supplies", "name: !!binary QXJtcw=="),
        (f"{T}:2:7: error[yaml-tag] tag '!!binary' is not allowed",),
    ),
    Case(
        "custom-tag",
        lambda r: _edit(r, T, "name: Arms supplies", "name: !important Arms"),
        (
            f"{T}:2:7: error[yaml-tag] tag '!important' is not allowed here; "
            "text that starts with '!' must be in quotes",
        ),
    ),
    # text that is not quoted but starts with a YAML indicator
    Case(
        "unquoted-jinja",
        lambda r: _edit(r, T, "name: Arms supplies", "name: {{ 7*7 }}"),
        (f"{T}:2:8: error[yaml-key] mapping keys must be plain text, not a list or mapping; text that",),
    ),
    Case(
        "unquoted-jinja-block",
        lambda r: _edit(r, T, "name: Arms supplies", "name: {% raw %}"),
        (f"{T}:2:8: error[yaml-syntax] found character that cannot start any token",),
        phrases=("with '{' must be in",),
    ),
    Case(
        "unquoted-markdown-link",
        lambda r: _edit(r, T, "name: Arms supplies", "name: [x](javascript:alert(1))"),
        (f"{T}:2:10: error[yaml-syntax] did not find expected key",),
        phrases=("starts with '[' must be in quotes",),
    ),
    Case(
        "unquoted-bold",
        lambda r: _edit(r, T, "name: Arms supplies", "name: ***bold***"),
        (f"{T}:2:8: error[yaml-syntax] did not find expected alphabetic or numeric character",),
    ),
    Case(
        "unquoted-quote",
        lambda r: _edit(r, T, "name: Arms supplies", "name: > quote"),
        (f"{T}:2:9: error[yaml-syntax] did not find expected comment or line break",),
        phrases=("starts with '>'",),
    ),
    Case(
        "unquoted-table",
        lambda r: _edit(r, T, "name: Arms supplies", "name: | table |"),
        (f"{T}:2:9: error[yaml-syntax] did not find expected comment or line break",),
        phrases=("starts with '|'",),
    ),
    Case(
        "unquoted-heading",
        lambda r: _edit(r, T, "name: Arms supplies", "name: # heading"),
        (f"{T}:2:6: error[required] (name) 'name' must have a value (found null)",),
    ),
    # addresses
    Case(
        "javascript-url",
        lambda r: _edit(r, SOURCE, "language: sq", "language: sq\nurl: javascript:alert(1)"),
        (f"{SOURCE}:4:6: error[format] (url) 'javascript:alert(1)' does not match",),
    ),
    Case(
        "url-breaking-out",
        lambda r: _edit(r, SOURCE, "language: sq", "language: sq\nurl: 'https://x.org/\"><script>'"),
        (f"{SOURCE}:4:6: error[format] (url) 'https://x.org/\"><script>' does not match",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_input_is_refused_with_a_located_message(
    sample: Project, capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    case.mutate(sample.root)
    started = time.perf_counter()
    for command in ("check", "build"):
        assert _run(sample, command) == 1, command
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        lines = err.rstrip("\n").split("\n")
        assert lines[-1] == f"{case.problems} problem{'s' if case.problems != 1 else ''} found.", err
        problems = lines[:-1]
        assert all(PROBLEM_LINE.match(line) for line in problems), err
        for expected in case.expected:
            assert any(line.startswith(expected) for line in problems), f"{expected!r} not in\n{err}"
        for phrase in case.phrases:
            assert phrase in problems[0], err
    assert time.perf_counter() - started < 5
    # Nothing was written: no docs/, no site/, no staging folder.
    assert not (sample.root / "docs").exists()
    assert not (sample.root / "site").exists()
    assert not (sample.root / ".build").exists()


def test_file_names_cannot_forge_annotations(sample: Project, capsys: pytest.CaptureFixture[str]) -> None:
    _write(sample.root, "content/topics/x,line=1::forged\n::error file=y.yaml", "id: x\nname: X\n")
    assert _run(sample, "check", "--format", "github") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.count("::error ") == 1, err
    assert err.startswith(
        "::error file=content/topics/x%2Cline%3D1%3A%3Aforged%0A%3A%3Aerror%20file%3Dy.yaml,"
    )


def test_unreadable_file_is_a_problem(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from generator import loader

    def refuse(file: str | Path, *args: Any, **kwargs: Any) -> Any:
        if Path(file).name == "arms.yaml":  # tests run as root, which chmod cannot stop
            raise PermissionError(13, "Permission denied")
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(loader, "open", refuse, raising=False)
    problems = [p.text() for p in load_content(sample.root).problems]
    assert problems == [f"{TOPIC}: error[unreadable] cannot read the file: Permission denied"]


def test_references_to_a_broken_file_are_not_reported_again(sample: Project) -> None:
    # arms.yaml exists but cannot be read: only its own problem is reported, not
    # "'arms' not found" at each of the two meetings that list the topic.
    _write(sample.root, TOPIC, "id: arms\nname: [\n")
    assert _run(sample, "check") == 1
    from generator.validate import validate

    problems = validate(load_content(sample.root))
    assert [p.loc.file for p in problems] == [TOPIC]


# --- text that looks like markup stays text on the built pages ---------------------------

# Each text field starts with a different construct; the rest of the value mixes the others.
LEADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "# heading",
    "1. item",
    "> quote",
    "| table | cell |",
    "[^1]",
    "{: .attr }",
    "***",
    "{{ 7*7 }}",
    "{% raw %}",
    "- item",
    "= setext",
    "<!-- comment",
    "&amp; &#35; &lt;",
    "`code`",
    "<https://example.org>",
    "![alt](x.png)",
    "<a href=javascript:alert(1)>a</a>",
    "<svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "+ item",
    "2) item",
    "~~~",
]
MIX = "<b onmouseover=alert(2)>b</b> [y](javascript:alert(3)) {{ 7*7 }} *em* _em_ | [^2] {: #id .cls } ***"
BLOCK = (
    "\n# heading\n1. item\n> quote\n| a | b |\n| --- | --- |\n[^9]: note\n{: .attr }\n***\n- item\n===\n"
    "<div onclick=alert(4)>div</div>\n    indented code\n\n\n"
)


@dataclass
class Texts:
    """The value of every text field of the hostile records, and how to make one."""

    hostile: bool
    values: dict[str, str]
    verbatim: list[str]

    def __call__(self, field: str, multiline: bool = False, verbatim: bool = False) -> str:
        if self.hostile:
            lead = LEADS[len(self.values) % len(LEADS)]
            value = f"{lead} {MIX}{BLOCK if multiline else ' '}end of {field} #"
        else:
            value = f"plain words{' in' + chr(10) + 'two lines' if multiline else ''} end of {field}"
        self.values[field] = value
        if verbatim:
            self.verbatim.append(value)
        return json.dumps(value, ensure_ascii=False)


def _free_text_fields() -> set[str]:
    """Every field of free text in the schema, e.g. ``actors.roles.citations.excerpt``."""
    found: set[str] = set()

    def walk(t: Type, path: str) -> None:
        if isinstance(t, ListOf):
            walk(t.item, path)
        elif isinstance(t, Obj):
            for f in t.fields:
                walk(f.type, f"{path}.{f.name}")
        elif type(t) is Text and t.pattern is None:  # not ids, codes, addresses or languages
            found.add(path)

    for kind, schema in SCHEMAS.items():
        walk(schema, kind)
    return found


def _hostile_project(dest: Path, hostile: bool) -> tuple[Project, Texts]:
    """The sample plus one record of each kind whose every text field is ``Texts``."""
    project = copy_sample(dest)
    t = Texts(hostile, {}, [])

    def citations(where: str, indent: str) -> str:
        return (
            f"{indent}- source: hostile-source\n"
            f"{indent}  excerpt: {t(where + '.citations.excerpt', True, verbatim=True)}\n"
            f"{indent}  translation: {t(where + '.citations.translation', True)}\n"
        )

    files = {
        "sources/hostile-source": f"""id: hostile-source
seed: 900_hostile.txt
language: en
title: {t("sources.title")}
published: "2024-11"
published_basis: outside-reference
published_references:
  - reference: hostile-reference
    says: {t("sources.published_references.says", True)}
published_note: {t("sources.published_note", True)}
outlet: {t("sources.outlet")}
author: {t("sources.author")}
url: "https://example.org/a_b?c=1&d=*x*#frag"
description: {t("sources.description", True)}
""",
        "references/hostile-reference": f"""id: hostile-reference
url: "https://example.org/ref_1?c=1&d=*x*#frag"
outlet: {t("references.outlet")}
title: {t("references.title")}
published: "2024-11-01"
language: en
author: {t("references.author")}
description: {t("references.description", True)}
""",
        "actors/hostile-actor": f"""id: hostile-actor
kind: person
name: {t("actors.name")}
other_names:
  - name: {t("actors.other_names.name", verbatim=True)}
    lang: en
    note: {t("actors.other_names.note")}
    source: hostile-source
description: {t("actors.description", True)}
affiliation: russia
roles:
  - title: {t("actors.roles.title")}
    of: russia
    as_of: "2024-11"
    citations:
{citations("actors.roles", "      ")}points:
  - claim: {t("actors.points.claim", True)}
    by: hostile-actor
    citations:
{citations("actors.points", "      ")}citations:
{citations("actors", "  ")}""",
        "places/hostile-place": f"""id: hostile-place
kind: city
name: {t("places.name")}
other_names:
  - name: {t("places.other_names.name", verbatim=True)}
    lang: en
    note: {t("places.other_names.note")}
    source: hostile-source
country: russia
within: moscow
description: {t("places.description", True)}
citations:
{citations("places", "  ")}""",
        "topics/hostile-topic": f"""id: hostile-topic
name: {t("topics.name")}
description: {t("topics.description", True)}
points:
  - claim: {t("topics.points.claim", True)}
    by: hostile-actor
    citations:
{citations("topics.points", "      ")}statements:
  - speaker: hostile-actor
    source: hostile-source
    quote: {t("topics.statements.quote", True, verbatim=True)}
    translation: {t("topics.statements.translation", True)}
    direct: false
""",
        "meetings/hostile-meeting": f"""id: hostile-meeting
title: {t("meetings.title")}
kind: talks
reports:
  - source: hostile-source
    status: held
    excerpt: {t("meetings.reports.excerpt", True, verbatim=True)}
    translation: {t("meetings.reports.translation", True)}
date:
  relative:
    source: hostile-source
    words: {t("meetings.date.relative.words", True, verbatim=True)}
    cue: this-month
  not_before:
    date: "2024"
    reason: {t("meetings.date.not_before.reason", True)}
    citations:
{citations("meetings.date.not_before", "      ")}    references:
      - reference: hostile-reference
        says: {t("meetings.date.not_before.references.says", True)}
  not_after:
    date: "2025"
    reason: {t("meetings.date.not_after.reason", True)}
    citations:
{citations("meetings.date.not_after", "      ")}    references:
      - reference: hostile-reference
        says: {t("meetings.date.not_after.references.says", True)}
  inferred: {t("meetings.date.inferred", True)}
  references:
    - reference: hostile-reference
      says: {t("meetings.date.references.says", True)}
place: hostile-place
place_references:
  - reference: hostile-reference
    says: {t("meetings.place_references.says", True)}
participants:
  - actor: hostile-actor
    role: {t("meetings.participants.role")}
    side: host
  - actor: sergei-lavrov
    side: visitor
summary: {t("meetings.summary", True)}
points:
  - claim: {t("meetings.points.claim", True)}
    by: hostile-actor
    citations:
{citations("meetings.points", "      ")}statements:
  - speaker: hostile-actor
    source: hostile-source
    quote: {t("meetings.statements.quote", True, verbatim=True)}
    translation: {t("meetings.statements.translation", True)}
topics: [hostile-topic]
related: [2024-11-choe-lavrov-moscow]
citations:
{citations("meetings", "  ")}""",
    }
    for name, text in files.items():
        _write(project.root, f"content/{name}.yaml", text)
    _write(project.root, "seeds/900_hostile.txt", "\n\n".join(["date 2024-11", *t.verbatim]) + "\n")
    return project, t


class _Page(HTMLParser):
    """Tags, attributes, text and script bodies of an HTML page (or part of one)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []  # (tag, class)
        self.attrs: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.comments: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs).get("class") or ""))
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _article(html: str) -> str:
    """The page content Material puts in its one <article>, without the archived article's own text.

    A source page shows its seed verbatim (paragraphs, highlighted passages): the hostile seed's
    text has other line breaks than its twin's, so the shapes differ there by design.
    test_the_archived_article_is_shown_as_text checks that part on its own.
    """
    content = html[html.index("<article") : html.index("</article>")]
    return re.sub(r'<div class="fs-article".*?</div>', "", content, flags=re.S)


def _injected(page: _Page) -> list[str]:
    """Everything in ``page`` that would run or link script."""
    found = [f"script: {s!r}" for s in page.scripts if "alert" in s]
    found += [f"<{tag} {name}=...>" for tag, name, _ in page.attrs if name.startswith("on")]
    found += [
        f"<{tag} {name}={value!r}>"
        for tag, name, value in page.attrs
        if value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    ]
    return found


@dataclass
class Sites:
    hostile: Project
    texts: Texts
    twin: Project  # the same records with plain text: the shape every hostile page must have
    twin_texts: Texts


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    """The hostile project and its plain-text twin, both built."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        hostile, texts = _hostile_project(tmp_path_factory.mktemp("hostile") / "project", hostile=True)
        twin, twin_texts = _hostile_project(tmp_path_factory.mktemp("twin") / "project", hostile=False)
        assert _run(hostile, "build") == 0
        assert _run(twin, "build") == 0
    return Sites(hostile, texts, twin, twin_texts)


def _pages(project: Project) -> list[str]:
    return sorted(
        p.relative_to(project.root / "site").as_posix() for p in (project.root / "site").rglob("*.html")
    )


def _read(project: Project, rel: str) -> str:
    return (project.root / "site" / rel).read_text(encoding="utf-8")


HOSTILE_PAGES = [
    f"{kind}/hostile-{name}.html"
    for kind, name in (
        ("actors", "actor"),
        ("places", "place"),
        ("topics", "topic"),
        ("sources", "source"),
        ("meetings", "meeting"),
        ("references", "reference"),
    )
]


@pytest.mark.build
def test_markup_in_every_text_field_is_shown_as_text(sites: Sites) -> None:
    assert set(sites.texts.values) == _free_text_fields()  # every text field of every kind
    # Wherever the twin shows a plain value, the hostile page shows the hostile value, exactly.
    swaps = sorted(
        ((_collapse(sites.twin_texts.values[f]), _collapse(v)) for f, v in sites.texts.values.items()),
        key=lambda pair: -len(pair[0]),
    )

    def as_hostile(node: str) -> str:
        for plain, hostile in swaps:
            node = node.replace(plain, hostile)
        return node

    shown: list[str] = []
    for rel in _pages(sites.hostile):
        nodes = [_collapse(n) for n in _Page(_article(_read(sites.hostile, rel))).text]
        expected = [as_hostile(_collapse(n)) for n in _Page(_article(_read(sites.twin, rel))).text]
        # (sorted: index pages sort records by name, and the names differ)
        assert sorted(filter(None, nodes)) == sorted(filter(None, expected)), rel
        shown += nodes
    everything = "\n".join(shown)
    for field, value in sites.texts.values.items():
        assert _collapse(value) in everything, f"{field}: {value!r} is not on any page"
    assert "{{ 7*7 }}" in everything and "{% raw %}" in everything  # Jinja syntax is not evaluated
    assert "<script>alert(1)</script>" in everything and "[x](javascript:alert(1))" in everything


@pytest.mark.build
def test_the_archived_article_is_shown_as_text(sites: Sites) -> None:
    html = _read(sites.hostile, "sources/hostile-source.html")
    shown = html[html.index('<div class="fs-article"') :]
    shown = shown[: shown.index("</div>")]
    page = _Page(shown)
    assert _injected(page) == []
    assert {tag for tag, _ in page.tags} <= {"div", "p", "br", "a", "mark", "ul", "li", "span"}
    words = _Page(re.sub(r'<ul class="fs-gloss">.*?</ul>', "", shown, flags=re.S))  # the article's own text
    text = _collapse("".join(words.text))
    for value in sites.texts.verbatim:  # every cited hostile value, literally, in the article
        assert _collapse(value) in text


@pytest.mark.build
def test_no_markup_or_script_from_content_in_the_page_content(sites: Sites) -> None:
    pages = _pages(sites.hostile)
    assert set(HOSTILE_PAGES) <= set(pages) and pages == _pages(sites.twin)
    for rel in pages:
        html = _read(sites.hostile, rel)
        assert not re.search(r'<a\s[^>]*href="\s*javascript:', html, re.IGNORECASE), rel
        page = _Page(_article(html))
        assert _injected(page) == [], rel
        # Text is only text: the hostile page has exactly the elements (and comments) of its twin.
        plain = _Page(_article(_read(sites.twin, rel)))
        assert (page.tags, page.comments) == (plain.tags, plain.comments), rel


TITLE_FIELDS = {
    "actors/hostile-actor.html": "actors.name",
    "places/hostile-place.html": "places.name",
    "topics/hostile-topic.html": "topics.name",
    "sources/hostile-source.html": "sources.title",
    "meetings/hostile-meeting.html": "meetings.title",
    "references/hostile-reference.html": "references.title",
}


@pytest.mark.build
def test_no_script_from_content_anywhere_in_the_page(sites: Sites) -> None:
    # The page title goes to MkDocs as front matter, which Material prints as HTML in <title>
    # and in the header: it must arrive there escaped, and read as the literal text.
    assert sorted(TITLE_FIELDS) == sorted(HOSTILE_PAGES)
    for rel, field in TITLE_FIELDS.items():
        html = _read(sites.hostile, rel)
        assert _injected(_Page(html)) == [], rel
        title = _collapse(sites.texts.values[field])
        head = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
        assert head and _collapse("".join(_Page(head.group(1)).text)) == f"{title} - Sample fact sheet", rel
        topic = re.search(
            r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>', html, re.S
        )
        assert topic and _collapse("".join(_Page(topic.group(1)).text)) == title, rel


@pytest.mark.build
def test_the_data_downloads_keep_every_value_exactly(sites: Sites) -> None:
    data = json.loads((sites.hostile.root / "site/downloads/factsheet.json").read_text(encoding="utf-8"))
    strings: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            strings.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    assert set(sites.texts.values.values()) <= strings


# --- failed builds change nothing; the same content always gives the same bytes ------------


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_sample(tmp_path_factory.mktemp("built") / "project")
    assert _run(project, "build") == 0
    return project


def _fail_mkdocs_half_way(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs writes part of the site, then fails."""

    def half(project: Project, docs: Path, site: Path) -> int:
        (site / "meetings").mkdir(parents=True)
        (site / "meetings/half.html").write_text("<p>half</p>", encoding="utf-8")
        (site / "index.html").write_text("<p>half</p>", encoding="utf-8")
        raise BuildFailed("mkdocs build failed: disk full")

    monkeypatch.setattr(build_module, "mkdocs_build", half)


FAILED_BUILDS: dict[str, Callable[[Path, pytest.MonkeyPatch], object]] = {
    "yaml-syntax": lambda r, _: _edit(r, TOPIC, "name: Arms supplies", "name: [Arms supplies"),
    "deep-nesting": lambda r, _: _write(r, TOPIC, "id: arms\nname: " + "[" * 100_000 + "\n"),
    "not-utf8": lambda r, _: _write(r, TOPIC, b"id: arms\nname: Caf\xe9\n"),
    "symlink-outside": lambda r, _: _symlink_outside(r),
    "reserved-id": lambda r, _: _write(r, "content/topics/index.yaml", "id: index\nname: Index\n"),
    "excerpt-not-in-seed": lambda r, _: _edit(r, MEETING, "    quote: arrinte", "    quote: arriti"),
    "broken-template": lambda r, _: _write(r, "templates/topic.md.j2", "{% if %}\n"),
    "mkdocs-fails-half-way": _fail_mkdocs_half_way,
}


@pytest.mark.build
@pytest.mark.parametrize("breakage", sorted(FAILED_BUILDS))
def test_failed_build_leaves_previous_output_intact(
    built_sample: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    breakage: str,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built_sample.root, root, symlinks=True)  # copy2 keeps modification times
    project = Project(root)
    before = (_tree(root / "docs"), _tree(root / "site"))
    FAILED_BUILDS[breakage](root, monkeypatch)
    # Content also changes, so a build that went ahead would rewrite pages.
    _edit(root, MEETING, "title: Choe Son Hui and", "title: Choe Son-hui and")
    assert _run(project, "build") == 1
    assert "Traceback" not in capsys.readouterr().err
    assert (_tree(root / "docs"), _tree(root / "site")) == before
    assert not (root / ".build").exists()


@pytest.mark.build
def test_two_builds_of_the_same_content_are_byte_identical(
    sites: Sites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = sites.hostile
    again = tmp_path / "again"
    shutil.copytree(hostile.root, again, ignore=shutil.ignore_patterns("docs", "site"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert _run(Project(again), "build") == 0
    for folder in ("docs", "site"):
        assert _hashes(again / folder) == _hashes(hostile.root / folder), folder


@pytest.mark.build
def test_only_the_sitemap_gzip_header_depends_on_the_build_date(
    sites: Sites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # MkDocs stamps sitemap.xml.gz with the build day (SOURCE_DATE_EPOCH when set): a
    # build on another day differs in those four bytes and nowhere else.
    hostile = sites.hostile
    later = tmp_path / "later"
    shutil.copytree(hostile.root, later, ignore=shutil.ignore_patterns("docs", "site"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 7 * 86400))
    assert _run(Project(later), "build") == 0
    a, b = _hashes(hostile.root / "site"), _hashes(later / "site")
    assert sorted(rel for rel in a if a[rel] != b.get(rel)) == ["sitemap.xml.gz"]
    assert set(a) == set(b)
    old, new = ((p / "site/sitemap.xml.gz").read_bytes() for p in (hostile.root, later))
    assert gzip.decompress(old) == gzip.decompress(new)
    assert old[:4] + old[8:] == new[:4] + new[8:]  # bytes 4-7: the gzip MTIME field
