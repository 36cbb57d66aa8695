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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .validate import QUOTES, normalise

_PARAGRAPHS = re.compile(r"\n\s*\n")
_RUNS = re.compile(r"\S+|\s+")  # re's \s is str.isspace()


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
        # Leading whitespace is dropped; each later run of it becomes one space, which stands for
        # where the run starts. Each piece of the normalised text is kept with where it starts in both.
        chars: list[str] = []
        self._starts: list[int] = []  # where each piece starts in the normalised text
        self._origins: list[int] = []  # ... and in the article's text
        at = 0
        for m in _RUNS.finditer(self.text.translate(QUOTES)):
            run = m.group()
            if not run[0].isspace():
                chars.append(run)
            elif chars:
                chars.append(run := " ")
            else:
                continue
            self._starts.append(at)
            self._origins.append(m.start())
            at += len(run)
        self.normalised = "".join(chars)

    def where(self, at: int) -> int:
        """Where the character at ``at`` in the normalised text is in the article's text."""
        k = bisect_right(self._starts, at) - 1
        return self._origins[k] + at - self._starts[k]

    def find(self, words: str) -> tuple[int, int] | None:
        """The span of the article's text where ``words`` are, as the verbatim check finds them."""
        needle = normalise(words)
        at = self.normalised.find(needle) if needle else -1
        if at < 0:
            return None
        return self.where(at), self.where(at + len(needle) - 1) + 1


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
    out: list[str] = ['<div class="fs-article" data-search-exclude="">']
    # Only where a passage starts or ends can anything but the text change: the text between is
    # escaped a run at a time.
    marks = sorted({*starts, *ends})
    ending = sorted(ends)
    e = 0  # ends before this index of `ending` are taken off `active` (those between paragraphs too)
    for begin, end in _paragraph_spans(text):
        parts: list[str] = []
        open_for: tuple[str, ...] = ()  # the passages of the open <mark>, if one is open
        notes: list[str] = []
        points = [begin, *(i for i in marks[bisect_right(marks, begin) : bisect_left(marks, end)])]
        for k, i in enumerate(points):
            changed = False
            while e < len(ending) and ending[e] <= i:
                for pid in ends[ending[e]]:
                    if pid in active:
                        active.remove(pid)
                        changed = True
                e += 1
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
            parts.append(html.escape(text[i : points[k + 1] if k + 1 < len(points) else end]))
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
