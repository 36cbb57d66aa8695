"""Find and read content files and seed articles, keeping every value's line and column.

YAML is read as a stream of parser events (libyaml's C parser when available)
and turned into plain Python values by an explicit stack, not by PyYAML's
constructor. That gives us, in one pass and in bounded memory:

* the line and column of every key and value (for error messages);
* duplicate keys rejected at any depth (PyYAML keeps the last one silently);
* anchors and aliases rejected, so "billion laughs" cannot expand;
* nesting depth bounded, so deep input cannot exhaust the stack;
* only the plain YAML types: no ``!!python/...`` or other tags;
* dates left as strings (``2024-11-05`` stays text; the schema checks it);
* characters YAML refuses (NUL, other controls) located to their line and column.

Files are never read through a symbolic link, never beyond ``MAX_BYTES``, and a
file name that could not be printed safely in a report is refused.

Scalars follow the YAML 1.2 core schema: ``true``/``false`` are booleans,
``yes``/``no``/``on``/``off`` are text.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import quote

import yaml

from .errors import Location, Problem, did_you_mean
from .parallel import give_way

_T = TypeVar("_T")

try:  # libyaml's parser is several times faster and keeps marks just the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

KINDS = ("actors", "meetings", "places", "references", "sources", "topics")
MAX_DEPTH = 32
MAX_BYTES = 1_000_000

FieldPath = tuple[str | int, ...]
Marks = dict[FieldPath, tuple[int, int]]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
# First characters of every plain scalar that may resolve to a number or null ("" included).
_MAYBE_NOT_TEXT = frozenset("-+.0123456789~")
_NULLS = frozenset(("", "null", "Null", "NULL"))
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_TAG = "tag:yaml.org,2002:"
# What YAML refuses in a stream (C0/C1 controls, DEL, U+FFFE/FFFF), as PyYAML's reader checks it.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN_KEY = re.compile(r"^[\w<>-]+$")
# File names that are safe to print and to annotate in CI: a content file is named by its id.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
# A value that starts with a YAML indicator, after an optional ``key:`` and list dashes.
_INDICATOR = re.compile(r"^[ ]*(?:-[ ]+)*(?:[^\s:#'\"\[\]{}][^:#]*:[ ]+)?(?:-[ ]+)*([\[\]{}*&!|>@`%?,])")
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}


@dataclass
class Document:
    """One content file: its plain data, and the position of every value and key on demand.

    Positions are needed only to report a problem, so they are not kept while
    reading: the first call to :meth:`loc` parses ``text`` again, keeping them.
    """

    kind: str  # the folder: actors, meetings, places, sources, topics
    file: str  # path relative to the project root, with forward slashes
    data: Any
    text: str = ""  # the file's text, for positions
    _positions: tuple[Marks, Marks] | None = field(default=None, repr=False, compare=False)

    @property
    def stem(self) -> str:
        """The file name without its extension (``Path.stem`` of the names content files have)."""
        return posixpath.splitext(posixpath.basename(self.file))[0]

    @property
    def marks(self) -> Marks:
        """Line and column of each value, by field path."""
        return self._marks()[0]

    @property
    def key_marks(self) -> Marks:
        """Line and column of each mapping key, by the path of its value."""
        return self._marks()[1]

    def _marks(self) -> tuple[Marks, Marks]:
        if self._positions is None:
            _, marks, key_marks = parse_yaml(self.text)
            self._positions = (marks, key_marks)
        return self._positions

    def loc(self, path: FieldPath = (), *, key: bool = False) -> Location:
        """The location of the value (or key) at ``path``, or of its nearest ancestor."""
        p = tuple(path)
        marks, key_marks = self._marks()
        while True:
            if key and p in key_marks:
                line, col = key_marks[p]
                return Location(self.file, line, col)
            if p in marks:
                line, col = marks[p]
                return Location(self.file, line, col)
            if not p:
                return Location(self.file, 1, 1)
            p = p[:-1]
            key = False


@dataclass
class Content:
    """Everything read from disk: documents, seed texts and the problems met on the way."""

    documents: list[Document]
    seeds: dict[str, str]
    problems: list[Problem]
    # (kind, id) of content files and ("seeds", name) of seeds that exist but could not be read:
    # their own problem is reported, so references to them are not reported again as missing.
    unreadable: set[tuple[str, str]] = field(default_factory=set)


def format_path(path: FieldPath) -> str:
    """``('participants', 0, 'actor')`` -> ``participants[0].actor``.

    A key that is not a plain word (a line break, a control character, a dot...)
    is shown quoted, ``['a\\nb']``, so it cannot break or forge a line of the report.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_KEY.match(part):
            out += f"[{part!r}]"
        else:
            out += f".{part}" if out else part
    return out


class _YAMLError(Exception):
    def __init__(self, line: int, col: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.code, self.message = line, col, code, message


def _mark(event: Any) -> tuple[int, int]:
    m = event.start_mark
    return (m.line + 1, m.column + 1)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _quote_hint(char: str) -> str:
    return f'; text that starts with {char!r} must be in quotes, e.g. name: "{char}..."'


def _tag_message(tag: str) -> str:
    if tag.startswith(_TAG):  # !!python/..., !!binary, !!set, ...: show it as it was written
        return (
            f"tag '!!{tag.removeprefix(_TAG)}' is not allowed: content holds only text, numbers, "
            "true/false, lists and mappings"
        )
    return f"tag {tag!r} is not allowed here" + _quote_hint("!")


def _scalar(event: yaml.ScalarEvent) -> Any:
    try:
        return _scalar_value(event)
    except ValueError:  # an integer with more digits than Python converts
        raise _YAMLError(
            *_mark(event), "yaml-number", "number with too many digits: put it in quotes if it is text"
        ) from None


def _scalar_value(event: yaml.ScalarEvent) -> Any:
    tag, value = event.tag, event.value
    if tag is None:  # untagged: plain scalars are resolved, quoted and block ones are text
        return _resolve_plain(value) if event.implicit[0] else value
    if tag == "!":  # the non-specific tag means text
        return value
    if tag not in _ALLOWED_TAGS:
        raise _YAMLError(*_mark(event), "yaml-tag", _tag_message(tag))
    return _typed(event, tag.removeprefix(_TAG), value)


def _typed(event: yaml.ScalarEvent, name: str, value: str) -> Any:
    if name == "str":
        return value
    resolved = _resolve_plain(value)
    ok = {
        "int": isinstance(resolved, int) and not isinstance(resolved, bool),
        "float": isinstance(resolved, int | float) and not isinstance(resolved, bool),
        "bool": isinstance(resolved, bool),
        "null": resolved is None,
    }.get(name, False)
    if not ok:
        raise _YAMLError(*_mark(event), "yaml-tag", f"{value!r} is not a valid !!{name}")
    if name == "float":
        return float(resolved)
    return resolved


def _resolve_plain(value: str) -> Any:
    if value[:1] not in _MAYBE_NOT_TEXT and value not in _BOOL and value not in _NULLS:
        return value  # the common case: a word, not a number, null or boolean
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)  # ValueError beyond sys.get_int_max_str_digits(); _scalar reports it
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    return value


def parse_yaml(text: str) -> tuple[Any, dict[FieldPath, tuple[int, int]], dict[FieldPath, tuple[int, int]]]:
    """Parse one YAML document into plain data plus value and key marks.

    Raises ``_YAMLError`` with a 1-based line and column for anything we refuse.
    """
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        raise _YAMLError(
            *_position(text, bad.start()),
            "yaml-character",
            f"character U+{ord(bad.group()):04X} is not allowed in YAML: remove it "
            '(write a control character in a double-quoted string as an escape, e.g. "\\t")',
        )
    marks: dict[FieldPath, tuple[int, int]] = {}
    key_marks: dict[FieldPath, tuple[int, int]] = {}
    # Each frame: [container, path, pending_key, seen_keys]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    documents = 0

    def place(value: Any, event: Any) -> FieldPath:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            marks[()] = _mark(event)
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child: FieldPath = (*path, len(container))
            container.append(value)
            marks[child] = _mark(event)
            return child
        if frame[2] is None:  # this value is a key
            if not isinstance(value, str | int | float | bool) or value is None:
                raise _YAMLError(*_mark(event), "yaml-key", "mapping keys must be plain text, not null")
            key = str(value)
            if key in frame[3]:
                first = frame[3][key]
                raise _YAMLError(
                    *_mark(event),
                    "duplicate-key",
                    f"duplicate key {key!r} (first defined on line {first[0]}); "
                    "YAML keeps only one of them, so remove or rename the other",
                )
            frame[3][key] = _mark(event)
            frame[2] = key
            key_marks[(*path, key)] = _mark(event)
            return ()
        key = frame[2]
        frame[2] = None
        child = (*path, key)
        container[key] = value
        marks[child] = _mark(event)
        return child

    try:
        events = yaml.parse(text, Loader=_Loader)
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _YAMLError(
                        *_mark(event), "yaml-documents", "one file holds one document: remove '---'"
                    )
            elif isinstance(event, yaml.AliasEvent):
                raise _YAMLError(
                    *_mark(event),
                    "yaml-alias",
                    "aliases (*name) are not allowed: write the value out" + _quote_hint("*"),
                )
            elif isinstance(event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if event.anchor is not None:
                    raise _YAMLError(
                        *_mark(event), "yaml-anchor", "anchors (&name) are not allowed: write values out"
                    )
                if isinstance(event, yaml.ScalarEvent):
                    place(_scalar(event), event)
                    continue
                expected = _TAG + ("map" if isinstance(event, yaml.MappingStartEvent) else "seq")
                if event.tag not in (None, "!", expected):
                    raise _YAMLError(*_mark(event), "yaml-tag", _tag_message(event.tag))
                if len(stack) >= MAX_DEPTH:
                    raise _YAMLError(*_mark(event), "yaml-depth", f"nested more than {MAX_DEPTH} levels deep")
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                    raise _YAMLError(
                        *_mark(event),
                        "yaml-key",
                        "mapping keys must be plain text, not a list or mapping; "
                        "text that starts with '{' or '[' must be in quotes, e.g. name: \"{...}\"",
                    )
                path = place(container, event)
                stack.append([container, path, None, {}])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{message} ({exc.context})"
        lines = text.splitlines()
        if mark and mark.line < len(lines):
            if "\t" in lines[mark.line][: mark.column + 1]:
                message += "; indent with spaces, not tabs"
            elif indicator := _INDICATOR.match(lines[mark.line]):
                message += _quote_hint(indicator.group(1))
        raise _YAMLError(line, col, "yaml-syntax", message) from None
    except yaml.YAMLError as exc:
        raise _YAMLError(0, 0, "yaml-syntax", str(exc)) from None
    if not have_root:
        raise _YAMLError(1, 1, "empty-file", "the file holds no YAML document")
    return root, marks, key_marks


class _Unusual(Exception):
    """Something the fast path leaves to :func:`parse_yaml` (which accepts it or says what is wrong)."""


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAP_START, _SEQ_START = yaml.MappingStartEvent, yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def parse_data(text: str) -> Any:
    """The plain data of one YAML document, as :func:`parse_yaml` gives it, without positions.

    Two fast paths for the usual file: the plainest block style read line by
    line (:func:`_parse_plain_block`), else libyaml's events without marks
    (untagged, no anchors or aliases, text keys met once, shallow). Anything
    else, and every error, goes through :func:`parse_yaml`, so the result and
    the errors are the same either way.
    """
    if _NOT_PRINTABLE.search(text) is None:
        try:
            return _parse_plain_block(text)
        except (_Unusual, ValueError):  # ValueError: an integer too long to read (reported below)
            pass
        try:
            return _parse_usual(text)
        except (_Unusual, yaml.YAMLError, ValueError):
            pass
    return parse_yaml(text)[0]


# --- the plainest files, line by line -------------------------------------------------------------
#
# Most content files are block mappings and sequences of single-line scalars, as an editor or a
# script writes them. Those are read line by line with a few regular expressions, about twice as
# fast as through libyaml's events. Only a strict subset of YAML is taken; anything else
# (other keys, multi-line scalars, escapes, comments after a value, flow mappings, tabs, odd line
# breaks, more than one document) is left to the event parsers. Property-tested against them.

# libyaml takes a key written before its colon only within 1,024 characters: longer ones are left
# to it (to refuse).
_LINE = re.compile(r"^( *)(- )?(?:([A-Za-z_][A-Za-z0-9_]{0,1023}):(?: +|$))?(.*)$", re.M)
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_PLAIN = r"[\w(][\w .+/()'~-]*"  # text that is plain in YAML, wherever it stands (no indicator)
_PLAIN_LINE = re.compile(_PLAIN)
_FLOW_ITEMS = re.compile(rf"\[ *((?:{_PLAIN}?) *(?:, *{_PLAIN}? *)*)?\]")
_NOT_LINE_BY_LINE = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
# Keys that _LINE takes but that are not text to the loader (none starts like a number).
_NOT_TEXT_KEYS = frozenset((*_BOOL, *_NULLS))

Line = tuple[int, bool, str | None, str]  # indent, after "- ", key (if any), the rest


def _parse_plain_block(text: str) -> Any:
    """The data of a file in the plainest block style, or :class:`_Unusual` (see above)."""
    if _NOT_LINE_BY_LINE.search(text):
        raise _Unusual
    lines: list[Line] = []  # the lines that hold something
    for indent, dash, key, rest in _LINE.findall(text):
        if rest[-1:] == " ":
            rest = rest.rstrip(" ")
        if key:
            lines.append((len(indent), bool(dash), key, rest))
        elif dash or (rest and rest[0] != "#"):
            lines.append((len(indent), bool(dash), None, rest))
        # else a blank line or a comment
    if not lines or lines[0][0] != 0:
        raise _Unusual
    value, end = _block(lines, 0, 0, 1)
    if end != len(lines):
        raise _Unusual
    return value


def _block(lines: list[Line], i: int, indent: int, depth: int) -> tuple[Any, int]:
    if lines[i][1]:
        return _block_sequence(lines, i, indent, depth)
    return _block_mapping(lines, i, indent, depth)


def _block_mapping(lines: list[Line], i: int, indent: int, depth: int) -> tuple[Any, int]:
    if depth >= MAX_DEPTH - 1:  # as deep as parse_yaml allows (or nearly): left to it
        raise _Unusual
    data: dict[str, Any] = {}
    n = len(lines)
    while i < n:
        at, dash, key, raw = lines[i]
        if at < indent:
            break
        if at > indent or dash or key is None or key in data or key in _NOT_TEXT_KEYS:
            raise _Unusual
        i += 1
        if raw:
            data[key] = _line_scalar(raw)
            continue
        value: Any = None
        if i < n:
            below, below_dash = lines[i][:2]
            if below > indent:
                value, i = _block(lines, i, below, depth + 1)
            elif below == indent and below_dash:  # a sequence not indented under its key
                value, i = _block_sequence(lines, i, indent, depth + 1)
        data[key] = value
    return data, i


def _block_sequence(lines: list[Line], i: int, indent: int, depth: int) -> tuple[Any, int]:
    if depth >= MAX_DEPTH - 1:
        raise _Unusual
    items: list[Any] = []
    n = len(lines)
    while i < n:
        at, dash, key, raw = lines[i]
        if at < indent:
            break
        if at > indent:
            raise _Unusual
        if not dash:
            break  # the next key of the mapping this sequence is a value of (else: unusual there)
        if key is not None:  # a mapping, its first key on the dash's line
            lines[i] = (indent + 2, False, key, raw)
            value, i = _block_mapping(lines, i, indent + 2, depth + 1)
            items.append(value)
        elif not raw or raw[0] in " -#":
            raise _Unusual
        else:
            items.append(_line_scalar(raw))
            i += 1
    return items, i


def _line_scalar(raw: str) -> Any:
    first = raw[0]
    if first == '"':
        text = raw[1:-1]
        if len(raw) < 2 or raw[-1] != '"' or '"' in text or "\\" in text:
            raise _Unusual
        return text
    if first == "'":
        match = _SINGLE_QUOTED.fullmatch(raw)
        if match is None:
            raise _Unusual
        return match.group(1).replace("''", "'")
    if first == "[":
        match = _FLOW_ITEMS.fullmatch(raw)
        if match is None:
            raise _Unusual
        inner = match.group(1)
        return [] if inner is None else [_resolve_plain(item.strip()) for item in inner.split(",")]
    if _PLAIN_LINE.fullmatch(raw) is None:
        raise _Unusual
    return _resolve_plain(raw)


class _OpenMapping:
    __slots__ = ("data", "key")

    def __init__(self, data: dict[str, Any]) -> None:
        self.data: dict[str, Any] = data
        self.key: str | None = None  # read, waiting for its value


def _parse_usual(text: str) -> Any:
    stack: list[Any] = []  # open sequences (lists) and mappings (_OpenMapping)
    top: Any = None  # the innermost of them
    _unusual = _Unusual
    root: Any = _unusual
    documents = 0
    event: Any
    opened: Any
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is _SCALAR or kind is _MAP_START or kind is _SEQ_START:
            if event.anchor is not None or event.tag is not None:
                raise _unusual
            if kind is _SCALAR:
                value: Any = _resolve_plain(event.value) if event.implicit[0] else event.value
                opened = None
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _unusual
                value = opened = {} if kind is _MAP_START else []
            if top is None:
                if root is not _unusual:
                    raise _unusual
                root = value
            elif type(top) is list:
                top.append(value)
            elif top.key is None:  # a key
                if type(value) is not str or value in top.data:
                    raise _unusual
                top.key = value
            else:
                top.data[top.key] = value
                top.key = None
            if opened is not None:
                top = opened if kind is _SEQ_START else _OpenMapping(opened)
                stack.append(top)
        elif kind in _ENDS:
            stack.pop()
            top = stack[-1] if stack else None
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _unusual
        elif kind is _ALIAS:
            raise _unusual
    if root is _unusual:
        raise _unusual
    return root


def read_utf8(path: str | Path, rel: str) -> tuple[str | None, Problem | None]:
    """Read a file as strict UTF-8 without a byte-order mark, never more than ``MAX_BYTES``."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, Problem(Location(rel), "unreadable", f"cannot read the file: {exc.strerror or exc}")
    if len(raw) > MAX_BYTES:
        return None, Problem(Location(rel), "file-size", f"file is larger than {MAX_BYTES} bytes")
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, Problem(
            Location(rel, 1, 1),
            "encoding",
            "file starts with a byte-order mark: save it as UTF-8 without BOM",
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(
            Location(rel, line, col), "encoding", f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})"
        )


def load_document(path: str | Path, rel: str, kind: str) -> tuple[Document | None, Problem | None]:
    """Read and parse one content file."""
    give_way()
    text, problem = read_utf8(path, rel)
    if text is None:
        return None, problem
    if not text.strip():
        return None, Problem(Location(rel, 1, 1), "empty-file", "file is empty")
    try:
        data = parse_data(text)
    except _YAMLError as exc:
        return None, Problem(Location(rel, exc.line, exc.col), exc.code, exc.message)
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops this first
        return None, Problem(Location(rel, 1, 1), "yaml-depth", "nested too deeply")
    return Document(kind, rel, data, text), None


def _entries(content_root: Path) -> Iterator[tuple[os.DirEntry[str], str | None]]:
    """Each entry of content/ and of its kind folders, sorted, with its kind if it is in one.

    Kind folders themselves are not yielded; nothing below an unexpected folder is.
    Read with ``os.scandir``: an edit in ``serve`` lists thousands of files again.
    """
    for top in _sorted_entries(str(content_root)):
        if top.name in KINDS and top.is_dir(follow_symlinks=False):
            for entry in _sorted_entries(top.path):
                yield entry, top.name
        else:
            yield top, None


def _sorted_entries(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def _refusal(entry: os.DirEntry[str], kind: str | None) -> tuple[str, str] | None:
    """Why ``entry`` cannot be a content file, as (code, message), or None if it can."""
    if entry.is_symlink():
        return "symlink", "symbolic links are not allowed in content: copy the file"
    if entry.is_dir() and kind is None:  # a misspelt kind folder, most likely: nothing in it is read
        return (
            "layout",
            f"unknown folder {entry.name!r}{did_you_mean(entry.name, KINDS)}; "
            f"content holds only the folders {', '.join(KINDS)}",
        )
    if entry.is_dir():
        return "layout", f"unexpected folder: content holds only the folders {', '.join(KINDS)}"
    if kind is None:
        return "layout", f"files belong in content/<kind>/<id>.yaml, kind one of {', '.join(KINDS)}"
    suffix = _suffix(entry.name)
    if suffix != ".yaml":
        hint = " (rename .yml to .yaml)" if suffix == ".yml" else ""
        return "layout", f"content files end in .yaml{hint}"
    if not entry.is_file():
        return "layout", "not a regular file"
    return None


def _suffix(name: str) -> str:
    """``Path(name).suffix``, without making a path."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _unsafe_name(name: str, rel: str) -> Problem | None:
    """A problem if the file name could not be printed or annotated as it is.

    The name is shown percent-encoded, so a newline, a comma or ``::`` in it cannot
    break the text report or forge a GitHub annotation.
    """
    if _SAFE_NAME.match(name):
        return None
    return Problem(
        Location(quote(rel, safe="/")),
        "file-name",
        "file names may use only the letters A-Z and a-z, digits, '.', '-' and '_': "
        "name the file after its id, e.g. kim-jong-un.yaml",
    )


class ReadCache:
    """What was read from each file, reused while its size and modification time stay the same.

    For a long-running process (``serve``): a rebuild after one edit re-reads one
    file, not thousands. Entries of files that are gone are dropped on each run.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[int, int, int], Any]] = {}
        self._seen: dict[str, tuple[tuple[int, int, int], Any]] = {}
        # content_files' answer in the last run, and the absolute paths of the files it lists
        self.listing: tuple[list[ContentFile], list[Problem], set[tuple[str, str]]] | None = None
        self.listed_paths: list[str] = []
        self.listed: frozenset[str] = frozenset(self.listed_paths)

    def kept(self, rel: str) -> Any:
        """What was read from ``rel`` in the last run, taken as unchanged without looking at the file."""
        hit = self._entries[rel]
        self._seen[rel] = hit
        return hit[1]

    @staticmethod
    def key(path: str | Path) -> tuple[int, int, int]:
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def put(self, rel: str, key: tuple[int, int, int], value: Any) -> None:
        """Keep ``value`` as what was read from ``rel`` while it looked like ``key``."""
        self._seen[rel] = (key, value)

    def get(self, path: str | Path, rel: str, read: Callable[[], _T]) -> _T:
        key = self.key(path)
        hit = self._entries.get(rel)
        value: _T = hit[1] if hit is not None and hit[0] == key else read()
        self._seen[rel] = (key, value)
        return value

    def finish(self) -> None:
        """Keep only the files read in this run."""
        self._entries, self._seen = self._seen, {}

    def stale(self, project: Path, content_dir: str = "content", seeds_dir: str = "seeds") -> bool:
        """Whether content/ or seeds/ may hold other than what the last run read: a file changed,
        added or removed since (an edit no watcher saw). Without a listing from that run: True."""
        if self.listing is None:
            return True
        files, problems, _ = content_files(project, content_dir)
        if files != self.listing[0] or problems != self.listing[1]:
            return True
        seeds = project / seeds_dir
        prefix = f"{seeds.relative_to(project).as_posix()}/"
        read = sorted(rel for rel in self._entries if rel.startswith(prefix))
        there = sorted(f"{prefix}{e.name}" for e in _seed_entries(seeds))
        if read != there:
            return True
        try:
            return any(self.key(project / rel) != key for rel, (key, _) in self._entries.items())
        except OSError:
            return True


ContentFile = tuple[str, str, str]  # (path, path relative to the project, kind)
ReadMany = Callable[[list[ContentFile]], list[tuple["Document | None", "Problem | None"]]]


def content_files(
    project: Path, content_dir: str = "content"
) -> tuple[list[ContentFile], list[Problem], set[tuple[str, str]]]:
    """Every file of content/ that is to be read, in sorted order; the problems of those refused,
    and the (kind, id) of refused files in a kind's folder."""
    problems: list[Problem] = []
    files: list[ContentFile] = []
    refused: set[tuple[str, str]] = set()
    content_root = project / content_dir
    if not content_root.is_dir():
        return files, [Problem(Location(content_dir), "missing", "content folder not found")], refused
    base = content_root.relative_to(project).as_posix()
    for entry, kind in _entries(content_root):
        give_way()
        if entry.name.startswith(".") or entry.name == "README.md":
            continue
        rel = f"{base}/{kind}/{entry.name}" if kind else f"{base}/{entry.name}"
        unsafe = _unsafe_name(entry.name, rel)
        if unsafe:
            problems.append(unsafe)
            continue
        refusal = _refusal(entry, kind)
        if refusal or kind is None:
            code, message = refusal or ("layout", "unexpected file")
            problems.append(Problem(Location(rel), code, message))
            if kind is not None:
                refused.add((kind, PurePosixPath(entry.name).stem))
        else:
            files.append((entry.path, rel, kind))
    return files, problems, refused


def load_content(
    project: Path,
    content_dir: str = "content",
    seeds_dir: str = "seeds",
    cache: ReadCache | None = None,
    read_many: ReadMany | None = None,
    touched: set[str] | None = None,
) -> Content:
    """Discover and read every content file and seed, in sorted order.

    ``read_many``, if given, reads a list of files (it may share them out over
    processes); it returns what :func:`load_document` would, in the same order.
    ``touched`` (with ``cache``): the absolute paths of the only content files
    that changed since the last run, as a file watcher reported them. When all
    of them are files the last run listed, content/ is not listed again and
    only they are looked at; otherwise (a file added, removed or renamed, or
    anything outside content/) every file is, as without it.
    """
    if cache is not None and cache.listing is not None and touched is not None and touched <= cache.listed:
        files, problems, unreadable = cache.listing[0], list(cache.listing[1]), set(cache.listing[2])
        results = [
            cache.get(p, r, functools.partial(load_document, p, r, kind)) if a in touched else cache.kept(r)
            for (p, r, kind), a in zip(files, cache.listed_paths, strict=True)
        ]
    else:
        files, problems, unreadable = content_files(project, content_dir)
        listing = (files, list(problems), set(unreadable))
        if read_many is not None and cache is not None:  # looked at before reading: a later edit is seen
            keys = [cache.key(p) for p, _, _ in files]
            results = read_many(files)
            for (_, rel, _), key, value in zip(files, keys, results, strict=True):
                cache.put(rel, key, value)
        elif read_many is not None:
            results = read_many(files)
        elif cache is not None:
            results = [cache.get(p, r, functools.partial(load_document, p, r, kind)) for p, r, kind in files]
        else:
            results = [load_document(p, rel, kind) for p, rel, kind in files]
        if cache is not None:  # every file listed was read: the next run may go by this listing
            cache.listing = listing
            cache.listed_paths = [os.path.abspath(p) for p, _, _ in files]
            cache.listed = frozenset(cache.listed_paths)
    documents: list[Document] = []
    for (path, _, kind), (doc, problem) in zip(files, results, strict=True):
        if problem:
            problems.append(problem)
            unreadable.add((kind, PurePosixPath(path).stem))
        if doc:
            documents.append(doc)
    seeds = load_seeds(project / seeds_dir, project, problems, unreadable, cache)
    if cache is not None:
        cache.finish()
    return Content(documents, seeds, problems, unreadable)


def _seed_entries(root: Path) -> list[Path]:
    """The files of seeds/ that are seeds (``*.txt``, not hidden), by name; none without seeds/."""
    if not root.is_dir():
        return []
    entries = sorted(root.iterdir(), key=lambda p: p.name)
    return [e for e in entries if e.suffix == ".txt" and not e.name.startswith(".")]


def load_seeds(
    root: Path,
    project: Path,
    problems: list[Problem],
    unreadable: set[tuple[str, str]] | None = None,
    cache: ReadCache | None = None,
) -> dict[str, str]:
    """The text of every ``seeds/*.txt`` file, by file name.

    A symbolic link or a folder named ``*.txt`` is reported, never followed; the
    names of seeds that exist but cannot be read are added to ``unreadable``.
    """
    seeds: dict[str, str] = {}
    for entry in _seed_entries(root):
        rel = entry.relative_to(project).as_posix()
        problem = _unsafe_name(entry.name, rel)
        text = None
        if problem is None and entry.is_symlink():
            problem = Problem(
                Location(rel), "symlink", "symbolic links are not allowed in seeds: copy the file"
            )
        elif problem is None and not entry.is_file():
            problem = Problem(Location(rel), "layout", "not a regular file: seeds holds .txt files")
        elif problem is None and cache is not None:
            text, problem = cache.get(entry, rel, functools.partial(read_utf8, entry, rel))
        elif problem is None:
            text, problem = read_utf8(entry, rel)
        if problem:
            problems.append(problem)
            if unreadable is not None:
                unreadable.add(("seeds", entry.name))
        elif text is not None:
            seeds[entry.name] = text
    return seeds
