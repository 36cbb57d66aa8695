"""The archived article on its source page: cited passages found where they stand, highlighted, anchored."""

from __future__ import annotations

import html
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import Project, generate_files
from generator.passages import Article, Passage, _paragraph_spans, article_html, passage_id, passages
from generator.validate import QUOTES

from conftest import REPO

TEXT = "First  paragraph, with “quoted words”\nover two lines.\n\nSecond paragraph: the end."


def test_a_passage_is_found_as_the_verbatim_check_finds_it() -> None:
    article = Article(TEXT)
    # Quote marks and runs of whitespace are forgiven, as by check; the span is the article's own.
    span = article.find('with "quoted words" over two')
    assert span is not None
    assert TEXT[span[0] : span[1]] == "with “quoted words”\nover two"
    assert article.find("not in the article") is None


def test_overlapping_passages_are_highlighted_once_each_with_its_anchor() -> None:
    article = Article(TEXT)
    cited = [
        ("paragraph, with", "paragraph, with", "meetings", "a"),
        ("with “quoted words”", "with quoted words", "actors", "b"),
        ("the end.", "the end.", "meetings", "a"),
    ]
    found = passages(article, cited)
    assert [TEXT[p.start : p.end] for p in found] == ["paragraph, with", "with “quoted words”", "the end."]
    gloss = {p.id: f"gloss of {p.id}" for p in found}
    html = article_html(article, found, gloss)
    assert html.count("<p>") == 2  # the blank line separates paragraphs
    assert all(f'id="{p.id}"' in html for p in found)
    # "paragraph, with" and "with “quoted words”" overlap: three stretches (one, both, the other),
    # each naming the passages it belongs to, so all of a passage can be emphasised.
    first = html.split("</p>")[0]
    assert re.sub(r"<a [^>]*></a>", "", first).count("<mark") == 3
    for p in found:
        words = "".join(
            m.group(2)
            for m in re.finditer(r'<mark class="fs-passage" data-p="([^"]*)">(.*?)</mark>', html)
            if p.id in m.group(1).split()
        )
        assert words == TEXT[p.start : p.end], p
    assert "&ldquo;" not in html and "“quoted words”" in html
    assert html.index(f'id="{passage_id("with “quoted words”")}"') < html.index("quoted words")


def test_the_same_words_have_the_same_anchor_wherever_they_are_cited() -> None:
    assert passage_id("with “quoted words”") == passage_id('with  "quoted words"')
    assert passage_id("a") != passage_id("b")


def test_every_footnote_links_to_its_passage_on_the_source_page() -> None:
    files = {k: v.decode("utf-8") for k, v in generate_files(Project(REPO)).items() if k.endswith(".md")}
    links = re.findall(
        r"\]\(\.\./sources/([a-z0-9-]+)\.md#(p-[0-9a-f]{10})\)", files["meetings/lavrov-visit-wonsan-2025.md"]
    )
    assert links
    for source, anchor in links:
        assert f'id="{anchor}"' in files[f"sources/{source}.md"]


# --- the article made a run at a time is the article made a character at a time ---------------


def _normalised_by_character(text: str) -> tuple[str, list[int]]:
    """The reading of the article one character at a time (the first way it was written)."""
    chars: list[str] = []
    where: list[int] = []
    space = True
    for i, ch in enumerate(unicodedata.normalize("NFC", text).translate(QUOTES)):
        if ch.isspace():
            if not space:
                chars.append(" ")
                where.append(i)
            space = True
        else:
            chars.append(ch)
            where.append(i)
            space = False
    return "".join(chars), where


def _article_by_character(article: Article, cited: list[Passage], gloss: dict[str, str]) -> str:
    """``article_html`` one character at a time (the first way it was written)."""
    text = article.text
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for p in cited:
        starts.setdefault(p.start, []).append(p.id)
        ends.setdefault(p.end, []).append(p.id)
    active: list[str] = []
    seen = 0
    out = ['<div class="fs-article" data-search-exclude="">']
    for begin, end in _paragraph_spans(text):
        parts: list[str] = []
        open_for: tuple[str, ...] = ()
        notes: list[str] = []
        for i in range(begin, end):
            changed = False
            for j in range(seen, i + 1):
                for pid in ends.get(j, ()):
                    if pid in active:
                        active.remove(pid)
                        changed = True
            seen = i + 1
            if i in starts:
                changed = True
                if open_for:
                    parts.append("</mark>")
                    open_for = ()
                for pid in starts[i]:
                    parts.append(f'<a class="fs-anchor" id="{pid}"></a>')
                    notes.append(pid)
                    active.append(pid)
            if changed and open_for and tuple(active) != open_for:
                parts.append("</mark>")
                open_for = ()
            if active and not open_for:
                parts.append(f'<mark class="fs-passage" data-p="{" ".join(active)}">')
                open_for = tuple(active)
            parts.append(html.escape(text[i]))
        if open_for:
            parts.append("</mark>")
        out.append("<p>" + "".join(parts).replace("\n", "<br>\n") + "</p>")
        if notes:
            items = "".join(f'<li><a href="#{p}" title="The passage">↑</a> {gloss[p]}</li>' for p in notes)
            out.append(f'<ul class="fs-gloss">{items}</ul>')
    out.append("</div>")
    return "\n".join(out)


# Letters, every kind of space and line break, quote marks the check forgives, what HTML escapes,
# and a decomposed accent (NFC changes the text's length).
_ARTICLE_TEXT = st.lists(
    st.sampled_from(
        [*"ab ", "\n", "\n\n", "\t", "\u00a0", "\u2003", "\u2028", "“", '"', "'", "’", "<", "&", "e\u0301"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_ARTICLE_TEXT, data=st.data())
def test_the_article_is_made_as_it_was_one_character_at_a_time(text: str, data: st.DataObject) -> None:
    article = Article(text)
    normalised, where = _normalised_by_character(text)
    assert article.normalised == normalised
    assert [article.where(i) for i in range(len(normalised))] == where
    n = len(article.text)
    spans = data.draw(
        st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(1, max(n, 1))), max_size=6)
    )
    cited = [Passage(f"p-{k}", a, b) for k, (a, b) in enumerate(spans) if a < b <= n]
    cited.sort(key=lambda p: (p.start, p.end, p.id))
    gloss = {p.id: f"gloss {p.id}" for p in cited}
    assert article_html(article, cited, gloss) == _article_by_character(article, cited, gloss)
