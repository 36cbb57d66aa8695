"""``python -m generator new KIND ID``: a skeleton content file, its comments drawn from schema.py.

Every required field gets the placeholder ``""`` marked ``# TODO``. The empty
text is refused by the schema whatever the field's type (text, id, date,
choice), so ``check`` points at each placeholder left in and an unfinished
file cannot be published. Optional fields are written commented out, with the
same shape, ready to be uncommented.
"""

from __future__ import annotations

from pathlib import Path

from .schema import SCHEMAS, Checker, Field, ListOf, Obj, did_you_mean
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


def _value_lines(f: Field, ident: str | None, all_fields: bool) -> list[str]:
    """The lines of one field, uncommented, starting at column 0."""
    t = f.type
    if ident is not None:  # the file's own id is known
        return [f"{f.name}: {ident}"]
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


def _object_lines(obj: Obj, all_fields: bool, ident: str | None = None) -> list[str]:
    """Every field of ``obj`` with its comment; optional ones commented out unless ``all_fields``."""
    lines: list[str] = []
    for f in obj.fields:
        body = _value_lines(f, ident if f.name == "id" else None, all_fields)
        # Alternatives to a field given before them stay commented out: only one of them may be used.
        alternative = f.name in obj.exclusive[1:]
        if (not f.required and not all_fields) or alternative:
            body = ["# " + line for line in body]
        doc = _doc(f)
        if alternative:
            doc = doc.replace("# ", f"# or, instead of {obj.exclusive[0]}: ", 1)
        lines += [doc, *body]
    return lines


def _indent(lines: list[str], n: int) -> list[str]:
    return [" " * n + line for line in lines]


def skeleton(kind: str, ident: str, *, all_fields: bool = False) -> str:
    """The text of a new content file of ``kind`` (``meeting`` or ``meetings``) named ``ident``.

    ``all_fields`` writes the optional fields as live placeholders too (the
    tests use it to check the commented-out shapes).
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
    return "\n".join(header + _object_lines(obj, all_fields, ident)) + "\n"


def new_file(project_root: Path, content_dir: str, kind: str, ident: str) -> Path:
    """Write the skeleton to ``content/<kinds>/<ident>.yaml``; refuse to replace a file."""
    text = skeleton(kind, ident)
    path = project_root / content_dir / resolve_kind(kind) / f"{ident}.yaml"
    if path.exists() or path.is_symlink():
        raise NewError(f"{path.relative_to(project_root).as_posix()} already exists: edit it instead")
    write_atomic(path, text.encode("utf-8"))
    return path
