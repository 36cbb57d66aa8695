"""``python -m generator new KIND ID``: a skeleton content file, its comments drawn from schema.py.

Every required field gets the placeholder ``""`` marked ``# TODO``. The empty
text is refused by the schema whatever the field's type (text, id, date,
choice), so ``check`` points at each placeholder left in and an unfinished
file cannot be published. Optional fields are written commented out, with the
same shape, ready to be uncommented.

``new source ID --seed ARTICLE`` archives the article in seeds/ first
(generator/archive.py) and fills in what it tells: the seed's name, and the
publication date when the article opens with a date line; without one, the
date is a live placeholder with a note, so ``check`` asks for it.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

from .archive import Archived, ArchiveError, archive
from .loader import load_document
from .schema import SCHEMAS, Checker, Field, ListOf, Obj, did_you_mean, precision
from .write import write_atomic

PLACEHOLDER = '""'
TODO = "  # TODO"

# "meeting" -> "meetings": the names editors type, from each schema's own name.
KIND_NAMES: dict[str, str] = {obj.name: kind for kind, obj in SCHEMAS.items()} | {"meeting": "meetings"}


class NewError(Exception):
    """A usage error: unknown kind, invalid id or an existing file (exit code 2)."""


def resolve_kind(kind: str) -> str:
    """The folder name (``meetings``) of a kind given as ``meeting`` or ``meetings``."""
    if kind in KIND_NAMES:
        return KIND_NAMES[kind]
    if kind in SCHEMAS:
        return kind
    raise NewError(
        f"unknown kind {kind!r}{did_you_mean(kind, set(KIND_NAMES))}; "
        f"choose one of {', '.join(sorted(KIND_NAMES))}"
    )


def check_id(folder: str, ident: str) -> None:
    """Refuse an id the schema's own ``id`` field would refuse."""
    problems: list[tuple[str, str]] = []
    SCHEMAS[folder].field("id").type.check(
        ident, ("id",), Checker(lambda path, code, message: problems.append((code, message)))
    )
    if problems:
        code, message = problems[0]
        hint = message if code == "too-long" else "use lowercase letters, digits and single hyphens"
        raise NewError(f"invalid id {ident!r}: {hint}, e.g. '2024-11-choe-lavrov-moscow'")


def _doc(f: Field) -> str:
    need = "required" if f.required else "optional"
    summary = f.type.summary().replace("\\|", "|")  # unescape the Markdown table's pipes
    return f"# {f.doc} [{need}; {summary}]"


def _value_lines(f: Field, all_fields: bool) -> list[str]:
    """The lines of one field, uncommented, starting at column 0."""
    t = f.type
    if isinstance(t, Obj):
        return [f"{f.name}:", *_indent(_object_lines(t, all_fields), 2)]
    if isinstance(t, ListOf):
        if isinstance(t.item, Obj):
            item = _indent(_object_lines(t.item, all_fields), 2)
            first = next(i for i, line in enumerate(item) if not line.lstrip().startswith("#"))
            # The dash goes on the item's first live line; the comments above it line up with the dash.
            item = [line[2:] for line in item[:first]] + ["- " + item[first][2:]] + item[first + 1 :]
            return [f"{f.name}:", *_indent(item, 2)]
        return [f"{f.name}:", f"  - {PLACEHOLDER}{TODO}"]
    return [f"{f.name}: {PLACEHOLDER}{TODO}"]


def _object_lines(
    obj: Obj, all_fields: bool, given: Mapping[str, str] | None = None, todo: Mapping[str, str] | None = None
) -> list[str]:
    """Every field of ``obj`` with its comment; optional ones commented out unless ``all_fields``.

    ``given`` holds the values known already (as YAML), ``todo`` the optional
    fields to write as live placeholders, each with its note (or ``""``).
    """
    given, todo = given or {}, todo or {}
    lines: list[str] = []
    for f in obj.fields:
        if f.name in given:
            lines += [_doc(f), f"{f.name}: {given[f.name]}"]
            continue
        body = _value_lines(f, all_fields)
        # Alternatives to a field given before them stay commented out: only one of them may be used.
        alternative = f.name in obj.exclusive[1:]
        if (not f.required and not all_fields and f.name not in todo) or alternative:
            body = ["# " + line for line in body]
        doc = _doc(f)
        if alternative:
            doc = doc.replace("# ", f"# or, instead of {obj.exclusive[0]}: ", 1)
        note = textwrap.wrap(f"TODO: {todo[f.name]}", 96) if todo.get(f.name) else []
        lines += [doc, *("# " + line for line in note), *body]
    return lines


def _indent(lines: list[str], n: int) -> list[str]:
    return [" " * n + line for line in lines]


def skeleton(
    kind: str,
    ident: str,
    *,
    all_fields: bool = False,
    given: Mapping[str, str] | None = None,
    todo: Mapping[str, str] | None = None,
) -> str:
    """The text of a new content file of ``kind`` (``meeting`` or ``meetings``) named ``ident``.

    ``all_fields`` writes the optional fields as live placeholders too (the
    tests use it to check the commented-out shapes); ``given`` and ``todo``
    are top-level fields known already and optional ones asked for
    (see :func:`_object_lines`).
    """
    folder = resolve_kind(kind)
    check_id(folder, ident)
    obj = SCHEMAS[folder]
    header = [
        f"# yaml-language-server: $schema=../../schemas/{folder}.schema.json",
        f"# {obj.name.capitalize()}: {obj.doc}",
        '# Replace every "" marked TODO. Optional fields are commented out: to use one, remove the "# "',
        "# in front of its lines, then fill it in; delete the ones you do not need.",
        "# `python -m generator check` lists what is still missing; every field is described in",
        "# CONTRIBUTING.md and pages/reference/schema.md.",
        "",
    ]
    return "\n".join(header + _object_lines(obj, all_fields, {"id": ident, **(given or {})}, todo)) + "\n"


def source_skeleton(ident: str, seed: Archived) -> str:
    """A source's skeleton with its seed, and its date when the article has a date line."""
    if seed.date:
        note = (
            f"The seed text begins with the line '{seed.date_line}', the article's own date at "
            f"{precision(seed.date)} precision."
        )
        given = {
            "seed": seed.name,  # a .txt name: YAML reads it as text, quoted or not
            "published": json.dumps(seed.date),
            "published_basis": "dateline",
            "published_note": json.dumps(note, ensure_ascii=False),
        }
        return skeleton("source", ident, given=given)
    why = (
        f"the article's first line, '{seed.date_line}', is no date ({seed.date_problem})"
        if seed.date_line
        else "the article has no date line"
    )
    todo = {
        "published": f"{why}. Give the date it was published and how that is known (published_basis); "
        "if nothing dates it, delete published and published_basis and say so in published_note.",
        "published_basis": "",
    }
    return skeleton("source", ident, given={"seed": seed.name}, todo=todo)


def described_by(sources: Path, seed: str) -> list[str]:
    """The names of the source files in ``sources`` whose ``seed`` is ``seed``."""
    found = []
    for path in sorted(sources.glob("*.yaml")) if sources.is_dir() else []:
        doc, _ = load_document(path, path.name, "sources")
        if doc is not None and isinstance(doc.data, dict) and doc.data.get("seed") == seed:
            found.append(path.name)
    return found


def new_file(
    project_root: Path,
    content_dir: str,
    kind: str,
    ident: str,
    *,
    seed: Path | None = None,
    seeds_dir: str = "seeds",
) -> tuple[Path, Archived | None]:
    """Write the skeleton to ``content/<kinds>/<ident>.yaml``; refuse to replace a file.

    With ``seed`` (for a source only), the article is archived in ``seeds_dir``
    first, or found there, and the skeleton names it.
    """
    folder = resolve_kind(kind)
    if seed is not None and folder != "sources":
        raise NewError("--seed is for new source only: it archives the article a source describes")
    check_id(folder, ident)  # before anything is written
    path = project_root / content_dir / folder / f"{ident}.yaml"
    rel = path.relative_to(project_root).as_posix()
    if path.exists() or path.is_symlink():
        raise NewError(f"{rel} already exists: edit it instead")
    archived = None
    if seed is None:
        text = skeleton(kind, ident)
    else:
        try:
            archived = archive(seed, project_root / seeds_dir)
        except ArchiveError as exc:
            raise NewError(str(exc)) from None
        others = described_by(path.parent, archived.name)
        if others:
            named = ", ".join(f"{content_dir}/{folder}/{name}" for name in others)
            raise NewError(
                f"{seeds_dir}/{archived.name} holds this article already and {named} describes it: "
                "one article is one source, so cite that one (to give it another id, rename it and "
                "keep the old id in former_ids)"
            )
        text = source_skeleton(ident, archived)
    try:
        write_atomic(path, text.encode("utf-8"), replace=False)
    except FileExistsError:
        raise NewError(f"{rel} already exists: edit it instead") from None
    return path, archived
