"""Property-based tests (hypothesis) of the loader and the text renderer.

* Whatever bytes or text a content file holds, reading it gives a Document or
  one located Problem: nothing else is ever raised.
* Any nested data dumped to YAML reads back equal, with a mark for every value.
* Any text, escaped by ``md_escape`` and rendered by Python-Markdown with the
  extensions of mkdocs.yml, is one paragraph of exactly that text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.loader import (
    MAX_DEPTH,
    FieldPath,
    _parse_plain_block,  # the line-by-line fast path
    _resolve_plain,  # what a plain scalar means to the loader (YAML 1.2 core schema)
    _Unusual,
    _YAMLError,
    load_document,
    parse_data,
    parse_yaml,
)
from generator.render import html_text, md_escape

from conftest import REPO

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of YAML (and of things that are not YAML) that make the parser take its odd paths.
FRAGMENTS = [
    *"\n\t []{}:,-?#&*!|>'\"%@`\\.0aZé\x00\x85\u2028\ufeff",
    "- ",
    ": ",
    "\n  ",
    "---\n",
    "...\n",
    "&a ",
    "*a ",
    "!!python/object:os.system ",
    "!!str ",
    "!!int ",
    "!x ",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2000:\n",
    "? ",
    "<<: ",
    "id: x\n",
    "{{ 7*7 }}",
    '"\\x1b"',
    '"\\u00e9"',
    "'it''s'",
    "9" * 4400,
    "[" * 40,
    "{a: " * 40,
    "\r\n",
    "~",
    "null",
    "true",
    "1e5",
    ".inf",
    "0x1F",
]
yaml_like = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)


@SETTINGS
@given(yaml_like | st.text())
def test_parse_yaml_returns_data_or_a_located_error(text: str) -> None:
    try:
        data = parse_yaml(text)[0]
    except _YAMLError as exc:
        with pytest.raises(_YAMLError) as fast:  # the fast path refuses it the same way
            parse_data(text)
        assert (fast.value.line, fast.value.col, fast.value.code) == (exc.line, exc.col, exc.code)
        assert exc.line >= 1 and exc.col >= 1, (exc.line, exc.col, exc.message)
        assert exc.code.startswith(("yaml-", "duplicate-key", "empty-file")), exc.code
        assert "\n" not in exc.message and exc.message.isprintable(), exc.message
    else:
        assert _same(parse_data(text), data), text


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)  # NaN


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@SETTINGS
@given(st.binary(max_size=400) | yaml_like.map(str.encode) | st.text().map(str.encode))
def test_load_document_gives_a_document_or_one_problem(scratch: Path, data: bytes) -> None:
    path = scratch / "x.yaml"
    path.write_bytes(data)
    doc, problem = load_document(path, "content/topics/x.yaml", "topics")
    assert (doc is None) != (problem is None)
    if problem is not None:
        assert problem.loc.file == "content/topics/x.yaml" and problem.loc.line >= 1
        text = problem.text()
        assert text.startswith(f"content/topics/x.yaml:{problem.loc.line}:{problem.loc.col}: error[")
        assert "\n" not in text and text.isprintable(), text


class _Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1; quote any text the loader's YAML 1.2 would read as something else."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Double quotes also for NEL, LS and PS: PyYAML writes them raw in single quotes, where they
    # are line breaks that any reader (PyYAML's own too) folds into a space.
    odd = _resolve_plain(value) != value or any(c in value for c in "\x85\u2028\u2029")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if odd else None)


_Dumper.add_representer(str, _represent_str)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)  # .nan and .inf are text to the loader
    | st.text()
)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=24,
)


def _paths(value: Any, path: FieldPath = ()) -> list[FieldPath]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*path, i))
    return out


@SETTINGS
@given(nested, st.booleans(), st.sampled_from([None, False, True]))
def test_nested_data_round_trips_through_yaml(data: Any, unicode: bool, flow: bool | None) -> None:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=unicode, default_flow_style=flow, sort_keys=False)
    parsed, marks, key_marks = parse_yaml(text)
    assert parsed == data
    assert _same(parse_data(text), parsed)
    assert all(path in marks for path in _paths(data)), text
    assert all(path[:-1] == () or path[:-1] in marks for path in key_marks)
    assert max((len(p) for p in _paths(data)), default=0) < MAX_DEPTH


# Lines of block YAML, plain and not quite: the line-by-line reader takes only the plainest, and
# what it takes it must read as libyaml does (and never take what libyaml refuses).
_INDENTS = ["", " ", "  ", "   ", "    ", "      "]
_KEYS = ["a", "b", "id", "on", "true", "Null", "_x", "a-b", '"a"', "a b", "1"]
_VALUES = [
    *["x", "x y", "1", "-1", "1.5", "1e3", ".5", "true", "null", "~", "yes", "é", "(x)", "it's", "a-b"],
    *['"q"', '""', '"a: b"', '"a # b"', '"a\\"b"', '"x', "'s''t'", "''", "'x", "[a, b]", "[]", "[ a ]"],
    *["[a, ]", "[a b, 1]", "{}", "{a: 1}", "|", ">-", "&x a", "*x", "!!str 1", "a: b", "a #c", '"x" #c'],
    *["x ", "- x", "#c", "-", "%x", "@x", "`x`", "?", ":", "a:b", "[a, [b]]", "2024-01-01"],
]
_LINE_PIECES = st.tuples(
    st.sampled_from(_INDENTS),
    st.sampled_from(["", "", "- ", "-  ", "-"]),
    st.sampled_from([None, *_KEYS]),
    st.sampled_from(["", *_VALUES]),
)


def _yaml_line(piece: tuple[str, str, str | None, str]) -> str:
    indent, dash, key, value = piece
    if key is None:
        return indent + dash + value
    return indent + dash + key + ":" + (" " + value if value else "")


block_lines = st.lists(_LINE_PIECES.map(_yaml_line) | st.sampled_from(["", "# note", "  "]), max_size=12).map(
    "\n".join
)


@SETTINGS
@given(block_lines | nested.map(lambda d: yaml.dump(d, Dumper=_Dumper, allow_unicode=True, sort_keys=False)))
def test_plain_block_lines_read_as_libyaml_reads_them(text: str) -> None:
    try:
        fast = _parse_plain_block(text)
    except (_Unusual, ValueError):
        return  # left to the event parsers, which the test above holds to parse_yaml
    try:
        data = parse_yaml(text)[0]
    except _YAMLError as exc:
        raise AssertionError(f"taken line by line, but not YAML ({exc.message}):\n{text}") from None
    assert _same(fast, data), text


_plain_keys = st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True).filter(lambda k: _resolve_plain(k) == k)
_plain_scalars = (
    st.none()
    | st.booleans()
    | st.integers(0, 999)
    | st.from_regex(r"[\w(][\w .()'+/-]{0,12}", fullmatch=True).map(str.strip)
    | st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
)
_plain_data = st.recursive(
    _plain_scalars,
    lambda inner: (
        st.lists(
            _plain_scalars | st.dictionaries(_plain_keys, inner, min_size=1, max_size=3),
            min_size=1,
            max_size=3,
        )
        | st.dictionaries(_plain_keys, inner, min_size=1, max_size=3)
    ),
    max_leaves=16,
)


@st.composite
def _plain_documents(draw: st.DrawFn) -> tuple[str, Any]:
    """A mapping written in the plainest block style (some scalars quoted), with the data it holds."""
    data = draw(st.dictionaries(_plain_keys, _plain_data, min_size=1, max_size=4))
    step = draw(st.sampled_from([1, 2, 3, 4]))
    lines: list[str] = []

    def scalar(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool | int):
            return str(value).lower()
        ways = []
        if (
            value
            and _resolve_plain(value) == value
            and re.fullmatch(r"[\w(][\w .()'+/~-]*", value)
            and value[-1] != " "
        ):
            ways.append(value)
        if '"' not in value and "\\" not in value:
            ways.append('"' + value + '"')
        ways.append("'" + value.replace("'", "''") + "'")
        return draw(st.sampled_from(ways))

    def block(value: Any, indent: int) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict | list):
                    lines.append(" " * indent + key + ":")
                    if draw(st.booleans()):
                        lines.append(draw(st.sampled_from(["", "# a comment", " " * indent + "  "])))
                    inner = indent if isinstance(item, list) and draw(st.booleans()) else indent + step
                    block(item, inner)
                else:
                    text = scalar(item)
                    lines.append(
                        " " * indent
                        + key
                        + ":"
                        + (" " + text if text != "null" or draw(st.booleans()) else "")
                    )
        else:
            for item in value:
                if isinstance(item, dict):
                    start = len(lines)
                    block(item, indent + 2)
                    lines[start] = " " * indent + "- " + lines[start][indent + 2 :]
                else:
                    lines.append(" " * indent + "- " + scalar(item))

    block(data, 0)
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"])), data


@SETTINGS
@given(_plain_documents())
def test_plain_documents_are_read_line_by_line_as_libyaml_reads_them(document: tuple[str, Any]) -> None:
    text, data = document
    assert _same(_parse_plain_block(text), data), text  # taken line by line, and read right
    assert _same(parse_yaml(text)[0], data), text


def test_plain_block_lines_are_read_line_by_line() -> None:
    """The fast path is taken for the files a script or a careful editor writes."""
    text = (
        "# a meeting\n"
        "id: m-1\n"
        'title: "Talks: day one"\n'
        "kind: visit\n"
        "count: 3\n"
        "done: true\n"
        "nothing:\n"
        "topics: [arms, trade]\n"
        "reports:\n"
        "  - source: a-1\n"
        "    excerpt: 'It''s agreed'\n"
        "\n"
        "    tags:\n"
        "    - x\n"
        "    - 2\n"
        "date:\n"
        '    on: "2024-11-05"   \n'
        "names:\n"
        "- Kim Jong Un\n"
    )
    expected = {
        "id": "m-1",
        "title": "Talks: day one",
        "kind": "visit",
        "count": 3,
        "done": True,
        "nothing": None,
        "topics": ["arms", "trade"],
        "reports": [{"source": "a-1", "excerpt": "It's agreed", "tags": ["x", 2]}],
        "date": {"on": "2024-11-05"},
        "names": ["Kim Jong Un"],
    }
    assert _same(_parse_plain_block(text), expected)
    assert _same(parse_yaml(text)[0], expected)
    # Found by a second reader: keys libyaml refuses as too long, and nesting past MAX_DEPTH that
    # goes from a "- key:" item straight to a list under the key, never through a plain value.
    too_deep = "".join("  " * k + "- a:\n" for k in range(MAX_DEPTH // 2)) + "  " * (MAX_DEPTH // 2) + "- x\n"
    very_deep = "".join("  " * k + "- a:\n" for k in range(600)) + "  " * 600 + "- x\n"
    for text, code in (
        ("a" * 1025 + ": 1\n", "yaml-syntax"),
        ("- " + "a" * 1100 + ": 1\n", "yaml-syntax"),
        (too_deep, "yaml-depth"),
        (very_deep, "yaml-depth"),
    ):
        with pytest.raises(_Unusual):
            _parse_plain_block(text)
        with pytest.raises(_YAMLError) as refused:
            parse_data(text)
        assert refused.value.code == code
    assert _parse_plain_block("a" * 1024 + ": 1\n") == parse_yaml("a" * 1024 + ": 1\n")[0]
    for unusual in ('a: "x\\ty"\n', "a: |\n  x\n", "a: x # c\n", "a:\n\t- x\n", "a: {b: 1}\n", "---\na: 1\n"):
        with pytest.raises(_Unusual):
            _parse_plain_block(unusual)


# --- md_escape: text stays text ------------------------------------------------------------


def _mkdocs_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions (and their settings) that mkdocs.yml gives MkDocs."""

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # ignore !!python/name etc.
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names: list[str] = []
    configs: dict[str, Any] = {}
    for entry in config.get("markdown_extensions", []):
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        if options:
            configs[name] = options
    assert {"tables", "footnotes", "attr_list", "toc"} <= set(names)
    return markdown.Markdown(extensions=names, extension_configs=configs)


class _Html(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


MD = _mkdocs_markdown()
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Markdown and HTML syntax, so that generated text is mostly markup rather than letters.
MARKUP = [
    *"\\`*_{}[]()#+-.!|<>&;:=~^\"' \n\t1a\x02\x03",
    "&amp;",
    "&#35;",
    "<b>",
    "<script>",
    "</p>",
    "<!--",
    "[^1]",
    "[^1]:",
    "{: .x }",
    "{#id}",
    "1.",
    "1)",
    "- ",
    "* ",
    "# ",
    "> ",
    "| a |",
    "|---|",
    "***",
    "---",
    "===",
    "```",
    "~~~",
    "    ",
    "  \n",
    "[TOC]",
    "[x](javascript:alert(1))",
    "<http://a.b>",
    "http://a.b",
    "![i](x.png)",
    "\x02wzxhzdk:0\x03",
    "{{ 7*7 }}",
    "{% raw %}",
    "\u2028",
    "\xa0",
    "\x85",
]
markup_text = st.lists(st.sampled_from(MARKUP), max_size=16).map("".join)


@SETTINGS
@given(markup_text | st.text())
def test_md_escape_renders_as_exactly_the_text(text: str) -> None:
    html = MD.reset().convert(md_escape(text))
    # The input, whitespace collapsed; control characters (which the schema refuses anyway) are
    # shown as U+FFFD, since Python-Markdown uses two of them as placeholders.
    expected = _CONTROL.sub("\ufffd", " ".join(text.split()))
    if not expected:
        assert html == ""
        return
    page = _Html(html)
    assert page.tags == [("p", [])] and not page.comments, html
    assert "".join(page.text) == expected, (md_escape(text), html)


@SETTINGS
@given(markup_text | st.text())
def test_html_text_is_the_html_markdown_makes_of_the_escaped_text(text: str) -> None:
    """Tables written as raw HTML (render.py) hold exactly what the Markdown table gave."""
    cell = md_escape(text)
    html = MD.reset().convert(f"| h |\n| --- |\n| [{cell}](x.html) |\n")
    row = html.split("<tbody>\n<tr>\n")[1].split("\n</tr>")[0]
    if not cell:
        return  # "[](x.html)": a link without text, which no table writes
    assert row == f'<td><a href="x.html">{html_text(text)}</a></td>', (cell, html)
