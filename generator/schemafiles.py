"""``python -m generator schemas``: the files generated from schema.py for editors.

* ``schemas/<kind>.schema.json``: a JSON Schema per kind of content file, for
  editors that read the ``# yaml-language-server: $schema=...`` modeline;
* ``pages/reference/schema.md``: the schema reference, a table per kind and
  per shared object.

Both are committed; a test regenerates them and fails if they differ. (The
site's data downloads are export.py's.)
"""

from __future__ import annotations

import json
from pathlib import Path

from .schema import BEYOND_JSON_SCHEMA, SCHEMAS, Field, ListOf, Obj, json_schema
from .write import write_atomic

REFERENCE = "pages/reference/schema.md"


def schema_path(kind: str) -> str:
    return f"schemas/{kind}.schema.json"


def schema_bytes(kind: str) -> bytes:
    """The JSON Schema of ``kind``: sorted keys, two-space indent, one final newline."""
    return (json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def shared_objects() -> list[Obj]:
    """Every object nested in a kind, in the order first met."""
    found: list[Obj] = []

    def walk(obj: Obj) -> None:
        for f in obj.fields:
            t = f.type.item if isinstance(f.type, ListOf) else f.type
            if isinstance(t, Obj) and t not in found:
                found.append(t)
                walk(t)

    for obj in SCHEMAS.values():
        walk(obj)
    return found


def _anchor(obj: Obj) -> str:
    return obj.name.replace(" ", "-")


def _type_cell(f: Field) -> str:
    """The type's summary, the object's name in it linked to the object's table."""
    t = f.type.item if isinstance(f.type, ListOf) else f.type
    text = f.type.summary()
    if isinstance(t, Obj):
        text = text.replace(t.name, f"[{t.name}](#{_anchor(t)})", 1)
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(obj: Obj) -> list[str]:
    lines = ["| field | type | required | description |", "| --- | --- | --- | --- |"]
    for f in obj.fields:
        lines.append(f"| `{f.name}` | {_type_cell(f)} | {'yes' if f.required else 'no'} | {_cell(f.doc)} |")
    return lines


def reference_markdown() -> str:
    """The schema reference page: one table per kind of file, then one per shared object."""
    out = [
        "---",
        "search:",
        "  exclude: true",  # for editors: readers' searches should find facts, not field names
        "edit_path: generator/schema.py",  # "Edit this page" opens the schema, not this generated file
        "---",
        "",
        "<!-- Generated from generator/schema.py by `python -m generator schemas`: do not edit. -->",
        "",
        "# Content schema reference",
        "",
        "Every fact is a YAML file in `content/<kind>/<id>.yaml`. This page lists the fields of each",
        "kind of file and of the objects inside them. `python -m generator new KIND ID` writes a",
        "skeleton with every field; `python -m generator check` validates everything.",
        "",
        "Text fields must not be empty; *one line* means no line breaks. Dates are written in quotes,",
        'and their form is their precision: `"2024"`, `"2024-11"` or `"2024-11-05"`. An optional',
        "field may be left out. Unknown fields are refused.",
        "",
        f"Beyond the shape of each file, `check` verifies that {BEYOND_JSON_SCHEMA}.",
        "",
        "## Kinds of file",
    ]
    for kind, obj in SCHEMAS.items():
        out += ["", f"### {obj.name.capitalize()}", "", f"`content/{kind}/`: {obj.doc}", "", *_table(obj)]
    out += ["", "## Shared objects"]
    for obj in shared_objects():
        out += ["", f"### {obj.name.capitalize()}", "", obj.doc, "", *_table(obj)]
    return "\n".join(out) + "\n"


def exported_files() -> dict[str, bytes]:
    """Every generated file, by path relative to the project root."""
    files = {schema_path(kind): schema_bytes(kind) for kind in sorted(SCHEMAS)}
    files[REFERENCE] = reference_markdown().encode()
    return files


def write_exported(root: Path) -> list[str]:
    """Write the generated files under ``root``; return the ones that changed."""
    changed: list[str] = []
    for rel, data in exported_files().items():
        path = root / rel
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            continue
        write_atomic(path, data)
        changed.append(rel)
    return changed
