"""The archived article on its source page: cited passages found where they stand, highlighted, anchored."""

from __future__ import annotations

import re

from generator.build import Project, generate_files
from generator.passages import Article, article_html, passage_id, passages

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
