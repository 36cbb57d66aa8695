"""Where the cited words are in an archived article: the article as a reader sees it on its source page.

Every excerpt and quote is checked to be in its article after normalising
(Unicode form, quote marks, spacing: ``validate.normalise``). Here the same
normalisation is done with a map back to the article's own characters, so each
cited passage can be highlighted where it stands and given an anchor that the
footnotes on every other page link to. Pure: text in, HTML out.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field

from .validate import QUOTES, normalise

_PARAGRAPHS = re.compile(r"\n\s*\n")


def passage_id(excerpt: str) -> str:
    """The anchor of a passage: the same words get the same anchor wherever they are cited."""
    return "p-" + hashlib.sha1(normalise(excerpt).encode("utf-8")).hexdigest()[:10]


@dataclass
class Passage:
    """A cited span of the article and what is said of it."""

    id: str
    start: int
    end: int
    translations: list[str] = field(default_factory=list)
    uses: list[tuple[str, str]] = field(default_factory=list)  # (kind, id) of the records citing it


class Article:
    """An archived article's text in NFC, and its normalised form with a map back to it."""

    def __init__(self, text: str) -> None:
        self.text = unicodedata.normalize("NFC", text)
        chars: list[str] = []
        where: list[int] = []
        space = True  # leading whitespace is dropped, runs become one space
        for i, ch in enumerate(self.text.translate(QUOTES)):
            if ch.isspace():
                if not space:
                    chars.append(" ")
                    where.append(i)
                space = True
            else:
                chars.append(ch)
                where.append(i)
                space = False
        self.normalised = "".join(chars)
        self._where = where

    def find(self, words: str) -> tuple[int, int] | None:
        """The span of the article's text where ``words`` are, as the verbatim check finds them."""
        needle = normalise(words)
        at = self.normalised.find(needle) if needle else -1
        if at < 0:
            return None
        return self._where[at], self._where[at + len(needle) - 1] + 1


def passages(article: Article, cited: list[tuple[str, str, str, str]]) -> list[Passage]:
    """The passages of ``cited`` — (excerpt, translation, kind, id) — found in ``article``, in text order."""
    found: dict[str, Passage] = {}
    for excerpt, translation, kind, id in cited:
        pid = passage_id(excerpt)
        passage = found.get(pid)
        if passage is None:
            span = article.find(excerpt)
            if span is None:
                continue  # (refused by check: every excerpt is in its article)
            passage = found[pid] = Passage(pid, *span)
        if translation not in passage.translations:
            passage.translations.append(translation)
        if (kind, id) not in passage.uses:
            passage.uses.append((kind, id))
    return sorted(found.values(), key=lambda p: (p.start, p.end, p.id))


def article_html(article: Article, cited: list[Passage], gloss: dict[str, str]) -> str:
    """The article's paragraphs with each cited passage highlighted and anchored.

    ``gloss`` is the HTML shown under a paragraph for each passage that begins
    in it (its translation and where it is cited). Overlapping passages are
    highlighted once: each passage has its own anchor where it begins, and each
    highlighted stretch names in ``data-p`` every passage it belongs to.
    """
    text = article.text
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for p in cited:
        starts.setdefault(p.start, []).append(p.id)
        ends.setdefault(p.end, []).append(p.id)
    active: list[str] = []  # the passages covering the current character, in order of their start
    seen = 0  # ends up to here are taken off `active` (paragraph breaks are skipped, their ends are not)
    out: list[str] = ['<div class="fs-article" data-search-exclude="">']
    for m in _paragraph_spans(text):
        begin, end = m
        parts: list[str] = []
        open_for: tuple[str, ...] = ()  # the passages of the open <mark>, if one is open
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
                # Each highlighted stretch names every passage it belongs to: the page's script
                # emphasises all of a passage, overlaps included, when a footnote leads to it.
                parts.append(f'<mark class="fs-passage" data-p="{" ".join(active)}">')
                open_for = tuple(active)
            parts.append(html.escape(text[i]))
        if open_for:
            parts.append("</mark>")
        body = "".join(parts).replace("\n", "<br>\n")
        out.append(f"<p>{body}</p>")
        if notes:
            items = "".join(
                f'<li><a href="#{pid}" title="The passage">↑</a> {gloss[pid]}</li>' for pid in notes
            )
            out.append(f'<ul class="fs-gloss">{items}</ul>')
    out.append("</div>")
    return "\n".join(out)


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines, without its outer whitespace."""
    spans = []
    pos = 0
    for sep in [*_PARAGRAPHS.finditer(text), None]:
        stop = sep.start() if sep else len(text)
        chunk = text[pos:stop]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if chunk.strip():
            spans.append((pos + lead, pos + trail))
        if sep:
            pos = sep.end()
    return spans
