"""``python -m generator new``: skeletons that fail ``check`` exactly on their placeholders."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.archive import date_line
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
UNCITED_SEED = "905_uncited.txt"  # an archived article no source describes yet: a new source's seed
REFS = {
    "seeds": UNCITED_SEED,
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
    (sample.root / "seeds" / UNCITED_SEED).write_bytes(
        (sample.root / "seeds/003_0593ca0994ca8188.txt").read_bytes()
    )
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


# --- new source --seed: the article archived in seeds/, the skeleton naming it ---------------------

ARTICLE = " date 2024-11 Ministrja e Jashtme foli në Moskë.\r\n\r\nΚαι ένα δεύτερο «κομμάτι».\r\n"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _new_source(
    project: Project, ident: str, article: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = _run(project, "new", "source", ident, "--seed", str(article))
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_is_copied_unchanged_named_by_its_content(
    sample: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))  # CRLF and non-ASCII kept as they are
    before = _tree(sample.root / "seeds")
    code, out, _ = _new_source(sample, "moscow-talks-sq", article, capsys)
    assert code == 0
    # 900_sample_wire.txt is the highest number; the hex is the start of the bytes' SHA-256.
    name = f"901_{hashlib.sha256(article.read_bytes()).hexdigest()[:16]}.txt"
    assert _tree(sample.root / "seeds") == before | {name: article.read_bytes()}
    assert f"as seeds/{name}, unchanged" in out
    text = (sample.root / "content/sources/moscow-talks-sq.yaml").read_text(encoding="utf-8")
    assert f"\nseed: {name}\n" in text
    data = yaml.safe_load(text)
    assert (data["seed"], data["published"], data["published_basis"]) == (name, "2024-11", "dateline")
    assert data["published_note"] == (
        "The seed text begins with the line 'date 2024-11', the article's own date at month precision."
    )


def test_same_article_again_reuses_its_seed(
    sample: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    assert _new_source(sample, "first", article, capsys)[0] == 0
    seeds = _tree(sample.root / "seeds")
    # A second source for it is refused: one article is one source (check says duplicate-seed).
    code, _, err = _new_source(sample, "second", article, capsys)
    assert code != 0 and not (sample.root / "content/sources/second.yaml").exists()
    assert _tree(sample.root / "seeds") == seeds
    name = next(n for n in seeds if n.startswith("901_"))
    assert f"seeds/{name} holds this article already and content/sources/first.yaml describes it" in err
    # One of the first seeds, whose hex is no hash of it, is found by its content just the same.
    old = tmp_path / "old.txt"
    old.write_bytes((sample.root / "seeds/003_0593ca0994ca8188.txt").read_bytes())
    code, _, err = _new_source(sample, "third", old, capsys)
    assert code != 0 and "content/sources/article-2024-11.yaml describes it" in err
    assert _tree(sample.root / "seeds") == seeds
    # An article archived but described by no source yet is its seed, and the new source names it.
    (sample.root / "content/sources/first.yaml").unlink()
    code, out, _ = _new_source(sample, "second", article, capsys)
    assert code == 0 and f"seeds/{name} holds the same text already: it is the seed." in out
    assert f"\nseed: {name}\n" in (sample.root / "content/sources/second.yaml").read_text(encoding="utf-8")


def test_seed_never_replaces_another_file(
    sample: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Were the new seed's name taken by another file (another editor's, at the same moment), it stays."""
    monkeypatch.setattr("generator.archive.seed_name", lambda number, data: "900_sample_wire.txt")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = _tree(sample.root)
    code, _, err = _new_source(sample, "clash", article, capsys)
    assert code == 2
    assert "seeds/900_sample_wire.txt is there already and is not this article" in err
    assert _tree(sample.root) == before


@pytest.mark.parametrize(
    ("text", "date", "words", "problem"),
    [
        (" date 2024-11 Ministrja e Jashtme", "2024-11", "date 2024-11", ""),
        ("date 2023-09-14\nKim Jong Un", "2023-09-14", "date 2023-09-14", ""),
        ("\n\nDate: 2019\n", "2019", "Date: 2019", ""),
        ("date 2024-13 Kim", None, "date 2024-13", "'2024-13' has no month 13"),
        ("date 2023-02-29 Kim", None, "date 2023-02-29", "'2023-02-29' is not a real day"),
        ("Kim met Putin. date 2024-11", None, "", ""),  # only the article's first words
        ("dated 2024-11 Kim", None, "", ""),
        ("date 2024-11x Kim", None, "", ""),
    ],
)
def test_date_line(text: str, date: str | None, words: str, problem: str) -> None:
    found = date_line(text)
    assert found[:2] == (date, words)
    assert found[2].startswith(problem)


def _filled_source_passes_check(
    sample: Project, article: Path, ident: str, capsys: pytest.CaptureFixture[str]
) -> list[dict[str, Any]]:
    """The problems of the new source's skeleton; then each placeholder filled, the check passes."""
    assert _new_source(sample, ident, article, capsys)[0] == 0
    rel = f"content/sources/{ident}.yaml"
    path = sample.root / rel
    problems = _problems(sample)
    assert {p["file"] for p in problems} == {rel}, problems
    assert sorted(p["line"] for p in problems) == _placeholder_lines(path.read_text(encoding="utf-8"))
    assert _run(sample, "check") == 1
    _fill(path, "sources", problems)
    assert _problems(sample) == []
    assert _run(sample, "check") == 0
    return problems


def test_dated_source_needs_only_its_language_and_title(
    sample: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    problems = _filled_source_passes_check(sample, article, "dated", capsys)
    assert [(p["path"], p["code"]) for p in problems] == [("language", "language"), ("title", "empty")]


def test_undated_source_asks_for_its_date(
    sample: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Kim Jong Un met Vladimir Putin.\n", encoding="utf-8")
    problems = _filled_source_passes_check(sample, article, "undated", capsys)
    assert [(p["path"], p["code"]) for p in problems] == [
        ("language", "language"),
        ("title", "empty"),
        ("published", "date"),
        ("published_basis", "enum"),
    ]
    text = (sample.root / "content/sources/undated.yaml").read_text(encoding="utf-8")
    assert "# TODO: the article has no date line." in text


def test_undated_source_may_drop_its_date(
    sample: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleting the date placeholders, as their note says when nothing dates the article, is valid too."""
    article = tmp_path / "article.txt"
    article.write_text("Kim Jong Un met Vladimir Putin.\n", encoding="utf-8")
    assert _new_source(sample, "undated", article, capsys)[0] == 0
    path = sample.root / "content/sources/undated.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith(("published:", "published_basis:"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [p["path"] for p in _problems(sample)] == ["language", "title"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "missing.txt: cannot read the file: No such file or directory"),
        (
            b"date 2024-11\ncaf\xe9\n",
            "article.txt:2:4: file is not valid UTF-8 (byte 0xe9); save the article",
        ),
        (b"\xef\xbb\xbfdate 2024-11\n", "article.txt:1:1: file starts with a byte-order mark"),
        (b"", "article.txt: the article is empty"),
        (b" \n\r\n\t\n", "article.txt: the article is empty"),
        ("folder", "article.txt: cannot read the file"),
    ],
    ids=["missing", "not-utf8", "bom", "empty", "blank", "folder"],
)
def test_unusable_article_exits_2_and_writes_nothing(
    sample: Project,
    tmp_path: Path,
    data: bytes | str | None,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    article = tmp_path / ("missing.txt" if data is None else "article.txt")
    if data == "folder":
        article.mkdir()
    elif isinstance(data, bytes):
        article.write_bytes(data)
    before = _tree(sample.root)
    code, _, err = _new_source(sample, "x", article, capsys)
    assert code == 2
    assert err.startswith(f"error: {tmp_path / message}"), err
    assert _tree(sample.root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "meeting", "x", "--seed"], "--seed is for new source only"),
        (
            ["new", "source", "article-2024-11", "--seed"],
            "content/sources/article-2024-11.yaml already exists",
        ),
        (["new", "source", "Bad_Id", "--seed"], "invalid id 'Bad_Id'"),
    ],
)
def test_seed_usage_errors_copy_nothing(
    sample: Project, tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = _tree(sample.root)
    assert _run(sample, *args, str(article)) == 2
    assert message in capsys.readouterr().err
    assert _tree(sample.root) == before
