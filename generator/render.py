"""Pure rendering: (site model, templates) -> ``{relative path: text}``.

Every ``{{ value }}`` a template prints is escaped for Markdown and HTML unless
it is an :class:`Md` value built here (links, footnote marks), so text from
content stays text on the page whatever it contains.
"""

from __future__ import annotations

import functools
import heapq
import html
import json
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from .charts import graph_actors, graph_svg, timeline_key, timeline_svg
from .dating import Bound, Dating, describe, format_date, format_upper, format_yearless
from .history import Change
from .model import Citation, Meeting, Site, StatementUse
from .offline import zip_path
from .passages import Article, article_html, passage_id, passages
from .schema import LANGUAGES, STATUS_MEANINGS, STATUSES, precision


class Md(str):
    """Markdown that is already safe: printed as it is."""


class RenderError(Exception):
    """A template failed; the message names the template and the page."""


_LEADING = re.compile(r"^(?:([+\-])|(\d+)([.)]))")
# One character at a time, in one pass: controls that are not whitespace (Python-Markdown
# uses two of them as placeholders) become U+FFFD, & < > become entities, and every
# character Markdown could read as inline markup gets a backslash.
_ESCAPES = str.maketrans(
    {
        **{c: "\ufffd" for c in map(chr, [*range(0x20), *range(0x7F, 0xA0)]) if not c.isspace()},
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{c: "\\" + c for c in "\\`*_{}[]|#"},
    }
)


@functools.lru_cache(maxsize=1 << 16)  # names and titles recur on many pages
def md_escape(text: str) -> str:
    """Make ``text`` render literally in Markdown: one line, no markup, no HTML.

    Runs of whitespace become one space; every character Markdown could read as
    markup is backslash-escaped; ``#`` is escaped everywhere (a heading drops
    trailing ones), a leading list number becomes ``1\\.``, and a leading ``=``,
    which has no backslash escape, becomes an entity. Control characters
    (Python-Markdown uses two as placeholders) become U+FFFD.
    """
    text = " ".join(text.split()).translate(_ESCAPES)
    first = text[:1]
    if first == "=":
        return "&#61;" + text[1:]
    if first in ("+", "-") or first.isdecimal():
        return _LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)
    return text


def _finalize(value: Any) -> str:
    # Md: links and note marks built in render.py; Markup: a macro's output marked `| safe`.
    if isinstance(value, Md | markupsafe.Markup):
        return value
    if value is None or isinstance(value, jinja2.Undefined):
        raise RenderError("a template printed an empty value; guard it with {% if %}")
    return md_escape(str(value))


def fold(text: str) -> str:
    """Text without accents or diacritics (Λαβρόφ -> Λαβροφ, Lavrovi stays), for search."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def search_variants(names: list[str]) -> list[str]:
    """Accent-free spellings of ``names`` that are not already among them, sorted."""
    have = {n.casefold() for n in names}
    out = {fold(n) for n in names}
    return sorted(v for v in out if v.casefold() not in have)


def search_names(record: Any) -> list[str]:
    """Every name of an actor or place, with and without accents: its page's search keywords.

    They go in the page's front matter as `tags`, which Material's search indexes with the
    highest weight (no tags plugin is used, so they are not shown on the page): a search for
    a name finds that record first, before pages where a word merely starts the same way.
    """
    names = [record.name, *(n.name for n in record.other_names)]
    return list(dict.fromkeys([*names, *search_variants(names)]))


@dataclass
class Notes:
    """Footnotes of one page: each distinct citation gets one number, in order of first use."""

    numbers: dict[Citation, int] = field(default_factory=dict)

    def ref(self, citation: Citation) -> Md:
        """The mark of a citation, ``[1]``, left out of the search index (attr_list puts the
        attribute on the mark): a result reads "… in Russia.", not "… in Russia.[1][5][3]"."""
        n = self.numbers.setdefault(citation, len(self.numbers) + 1)
        return Md(f"[^{n}]{{data-search-exclude}}")

    def refs(self, citations: tuple[Citation, ...]) -> Md:
        return Md("".join(self.ref(c) for c in citations))

    @property
    def items(self) -> list[tuple[int, Citation]]:
        return [(n, c) for c, n in self.numbers.items()]


PAGE_DIRS = {
    "meetings": "meetings",
    "actors": "actors",
    "places": "places",
    "topics": "topics",
    "sources": "sources",
    "references": "references",
    "dates": "dates",
}
RECORD_KINDS = ("meetings", "actors", "places", "topics", "sources", "references")


def page_path(kind: str, id: str) -> str:
    """Where the page of a record lives, relative to docs/."""
    return f"{PAGE_DIRS[kind]}/{id}.md"


class Environment(jinja2.Environment):
    """Jinja's environment plus the links and meeting-table rows already made with it.

    A row is keyed by the folder of the page it is on (its links are relative)
    and the meeting's id, and holds the meeting record and place name it was made
    from: it is reused only while both are the same objects and text.
    """

    rows: dict[tuple[str, str], tuple[Any, tuple[str | None, str | None], Dating, str]]
    links: dict[tuple[str, str, str], tuple[str, Md]]  # (folder, kind, id) -> (name, link)


def make_env(templates: Path) -> Environment:
    env = Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a run; serve makes a new environment
    )
    env.rows = {}
    env.links = {}
    env.filters.update(
        date=format_date,
        yearless=format_yearless,
        precision=precision,
        language=lambda code: LANGUAGES.get(code, code),
        fold=fold,
        json=lambda v: Md(json.dumps(v, ensure_ascii=False, sort_keys=True)),
        # MkDocs themes print the page title unescaped (<title>, header, nav), so it is
        # HTML-escaped here, then quoted as a YAML (JSON) string for the front matter.
        front_title=lambda v: Md(
            json.dumps(str(markupsafe.escape(" ".join(str(v).split()))), ensure_ascii=False)
        ),
    )
    env.globals.update(
        search_names=search_names,
        format_date=format_date,
        graph_actors=graph_actors,
        letter_path=letter_path,
        INDEX_LIMIT=INDEX_LIMIT,
        WHATS_NEW_LIMIT=WHATS_NEW_LIMIT,
        STATUSES=STATUSES,
        STATUS_MEANINGS=STATUS_MEANINGS,
    )
    return env


def relative(target: str, here: str) -> str:
    """The link from a page in folder ``here`` to ``target`` (both relative to docs/).

    Pages live at most one folder deep, so this is a prefix test, not os.path.relpath,
    which dominated rendering time.
    """
    if not here:
        return target
    if "/" in here:
        return posixpath.relpath(target, here)
    if target.startswith(here + "/"):
        return target[len(here) + 1 :]
    return "../" + target


def _badge(status: str) -> str:
    return f'<span class="fs-status fs-status--{status}">{status}</span>'


@dataclass
class Page:
    path: str
    template: str
    context: dict[str, Any]


def page_plan(site: Site) -> list[Page]:
    """Every page to render: its path, its template and what the template gets besides ``site``."""
    groups = letter_groups(site)  # once: the letter pages and the two indexes that link them
    pages = [
        Page("index.md", "home.md.j2", {}),
        Page("timeline.md", "timeline.md.j2", {}),
        Page("graph.md", "graph.md.j2", {}),
        Page("downloads.md", "downloads.md.j2", {}),
        Page("whats-new.md", "whats_new.md.j2", {}),
        Page("dates/index.md", "dates_index.md.j2", {}),
    ]
    for kind in RECORD_KINDS:
        letters = [g for g in groups if g[0] == kind]
        pages.append(Page(f"{PAGE_DIRS[kind]}/index.md", f"{kind}_index.md.j2", {"letters": letters}))
        singular = kind[:-1]
        for id, record in getattr(site, kind).items():
            pages.append(Page(page_path(kind, id), f"{singular}.md.j2", {singular: record}))
    for (kind, old), id in site.former.items():
        # The old address of a renamed or merged record sends the reader on.
        pages.append(Page(page_path(kind, old), "moved.md.j2", {"kind": kind, "old": old, "target": id}))
    for key, entry in site.dates.items():
        pages.append(Page(page_path("dates", key), "date.md.j2", {"entry": entry}))
    for kind, letter, ids in groups:
        pages.append(
            Page(letter_path(kind, letter), "letter.md.j2", {"kind": kind, "letter": letter, "ids": ids})
        )
    return pages


INDEX_LIMIT = 400  # longer listings are split (by letter, by year) so no page grows without bound


def initial(name: str) -> str:
    """The letter a name is filed under: A-Z after removing accents, else '#'."""
    first = fold(name)[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def letter_path(kind: str, letter: str) -> str:
    return f"letters/{kind}-{'other' if letter == '#' else letter.lower()}.md"


def letter_groups(site: Site) -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, letter, ids sorted by name) for the actor and place indexes that need splitting."""
    out = []
    for kind in ("actors", "places"):
        records = getattr(site, kind)
        if len(records) <= INDEX_LIMIT:
            continue
        groups: dict[str, list[str]] = {}
        for r in sorted(records.values(), key=lambda r: (fold(r.name).casefold(), r.id)):
            groups.setdefault(initial(r.name), []).append(r.id)
        out += [(kind, letter, tuple(ids)) for letter, ids in sorted(groups.items())]
    return out


def when_text(m: Meeting, dating: Dating, url: Callable[[str, str], str]) -> str:
    """An event's date as a reader sees it (Markdown): linked to its date page when it has one,
    marked "(inferred)" when worked out rather than stated (see :func:`date_marks`)."""
    text = md_escape(describe(dating))
    key = dating.page_key
    if key is not None:
        text = f"[{text}]({url('dates', key)})"
    return text + date_marks(m, dating)


def date_inferred(m: Meeting, dating: Dating) -> bool:
    """Whether an event's date is worked out rather than stated: implied by the article ("on
    Thursday", "last month") or taken from the event it is part of. Marked "(inferred)" wherever
    the date is shown."""
    from_whole = dating.lower is not None and dating.lower.origin == "whole"
    return from_whole or (m.date is not None and bool(m.date.inferred or m.date.relative))


def date_marks(m: Meeting, dating: Dating) -> str:
    """What a shown date is marked with: " (inferred)" when worked out, and which parts of it only
    an outside report gives (" (inferred; days only in an outside report)"); "" for a stated date."""
    marks = ["inferred"] if date_inferred(m, dating) else []
    if dating.from_references:
        marks.append(from_references_text(dating))
    return f" ({'; '.join(marks)})" if marks else ""


def from_references_text(dating: Dating) -> str:
    """Which parts of a date only an outside report gives: "days only in an outside report"."""
    several = dating.end is not None and dating.end != dating.on
    names = [p + "s" if several and p == "day" else p for p in dating.from_references]
    return f"{' and '.join(names)} only in an outside report"


def html_text(text: str) -> str:
    """``text`` as raw HTML, exactly as Markdown renders :func:`md_escape` of it (one line, no markup)."""
    text = " ".join(text.split()).translate(_HTML_ESCAPES)
    return "&#61;" + text[1:] if text[:1] == "=" else text


_HTML_ESCAPES = str.maketrans(
    {
        **{c: "\ufffd" for c in map(chr, [*range(0x20), *range(0x7F, 0xA0)]) if not c.isspace()},
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)


def _meeting_row(
    m: Meeting,
    place_name: str | None,
    claimed_by: str | None,
    dating: Dating,
    built: Callable[[str, str], str],
) -> str:
    """One row of a meeting table, as HTML: date (linked), event, status, place.

    A date the article implies, or one taken from the event this one is part of, is marked
    inferred; a place that the article attributes to someone names them. Links point at the
    built pages (MkDocs rewrites links in Markdown only).
    """
    when = html_text(describe(dating))
    key = dating.page_key
    if key is not None:
        when = f'<a href="{built("dates", key)}">{when}</a>'
    when += date_marks(m, dating)
    status = html_text(m.status)
    place = (
        f'<a href="{built("places", m.place)}">{html_text(place_name)}</a>' if place_name and m.place else "–"
    )
    if claimed_by and place != "–":
        others = " and others" if len(m.place_claimants) > 1 else ""
        place += f" (according to {html_text(claimed_by)}{others})"
    return (
        f'<tr>\n<td>{when}</td>\n<td><a href="{built("meetings", m.id)}">{html_text(m.title)}</a></td>\n'
        f'<td><span class="fs-status fs-status--{status}">{status}</span></td>\n<td>{place}</td>\n</tr>\n'
    )


def record_id(path: str) -> str:
    """``content/meetings/x.yaml`` -> ``x``: a content file's record id."""
    return posixpath.splitext(posixpath.basename(path))[0]


def records_by_file(site: Site) -> dict[str, tuple[str, str]]:
    """Each content file today -> (kind, id) of the record it holds."""
    return {r.file: (kind, id) for kind in RECORD_KINDS for id, r in getattr(site, kind).items()}


@dataclass(frozen=True)
class Concerns:
    """What one change to a content file is to, as What's new and the feed tell it."""

    kind: str  # the content folder
    id: str | None  # the record today; None if it has been removed since
    old: str  # the record's id in the change
    was: str | None  # a rename's earlier id
    now: str | None  # at a removal, the record it became part of (its former_ids), if it exists


def concerns(site: Site, files: dict[str, tuple[str, str]], file: str, change: Change) -> Concerns:
    """What ``change`` to ``file`` (its path today, or last, if removed) is to; ``files`` is
    :func:`records_by_file`."""
    kind = posixpath.basename(posixpath.dirname(change.file))
    where = files.get(file)
    now = None
    if where is None and change.action == "removed":
        now = site.former.get((kind, record_id(change.file)))
        now = now if now and now in getattr(site, kind, {}) else None
    return Concerns(
        kind=where[0] if where else kind,
        id=where[1] if where else None,
        old=record_id(change.file),
        was=record_id(change.renamed_from) if change.action == "renamed" and change.renamed_from else None,
        now=now,
    )


HISTORY_SHOWN = 10  # changes listed on a record's page; older ones are counted
WHATS_NEW_LIMIT = 200  # changes on the What's new page
FEED_LIMIT = 50  # changes in the Atom feed


def kind_label(file: str) -> str:
    """``content/meetings/x.yaml`` -> ``event``: what kind of record a content file holds."""
    folder = posixpath.basename(posixpath.dirname(file))
    return {"meetings": "event"}.get(folder, folder[:-1] if folder.endswith("s") else folder)


MEETING_TABLE_HEAD = (
    "<table>\n<thead>\n<tr>\n"
    + "".join(f"<th>{h}</th>\n" for h in ("Date", "Event", "Status", "Place"))
    + "</tr>\n</thead>\n"
)


def render_page(env: Environment, site: Site, page: Page) -> str:
    here = posixpath.dirname(page.path)

    def url(kind: str, id: str | None = None) -> Md:
        target = f"{PAGE_DIRS.get(kind, kind)}/index.md" if id is None else page_path(kind, id)
        return Md(relative(target, here))

    def to(path: str) -> Md:
        return Md(relative(path, here))

    links = env.links

    def link(kind: str, id: str) -> Md:
        # The name is looked up every time (incremental tracking sees it); the link is
        # made once per folder, record and name: pages repeat the same links thousands of times.
        name = id if kind == "dates" else site.name_of(kind, id)
        key = (here, kind, id)
        hit = links.get(key)
        if hit is None or hit[0] != name:
            label = md_escape(format_date(id) if kind == "dates" else name)
            hit = links[key] = (name, Md(f"[{label}]({url(kind, id)})"))
        return hit[1]

    rows = env.rows

    def meeting_table(ids: Any) -> Md:
        """A table of meetings as raw HTML, which Markdown passes through as it is: the same
        table the Markdown of it gave, for a fraction of the work (tables were most of the
        conversion time of record pages). Rows are a hot path: ~30 per page, made once per
        folder and meeting."""
        out = []
        for id in ids:
            m = site.meetings[id]  # looked up (not only cached) so incremental tracking sees it
            place_name = site.name_of("places", m.place) if m.place else None
            claimed = site.name_of("actors", m.place_by) if m.place_by else None
            dating = site.dating[id]
            key = (place_name, claimed)
            hit = rows.get((here, id))
            if hit is None or hit[0] is not m or hit[1] != key or hit[2] != dating:
                hit = rows[(here, id)] = (m, key, dating, _meeting_row(m, place_name, claimed, dating, built))
            out.append(hit[3])
        return Md(
            MEETING_TABLE_HEAD + ("<tbody>\n" + "".join(out) if out else "<tbody>") + "</tbody>\n</table>"
        )

    notes = Notes()

    def footnotes() -> Md:
        """The page's footnotes, one per cited excerpt: original, English, source, language."""
        if not notes.numbers:
            return Md("")
        lines = []
        for c, n in notes.numbers.items():
            language = site.sources[c.source].language
            passage = f"{url('sources', c.source)}#{passage_id(c.excerpt)}"
            where = f"[{md_escape(site.name_of('sources', c.source))}]({passage})"
            lines.append(
                f"[^{n}]: “{md_escape(c.excerpt)}” — {md_escape(c.translation)} "
                f"({where}, {md_escape(LANGUAGES.get(language, language))})\n"
            )
        return Md("\n" + "".join(lines))

    def actors_list(ids: Any) -> Md:
        """Links to actors: ``A``, ``A and B``, ``A, B and C``."""
        items = [link("actors", a) for a in ids]
        return items[0] if len(items) == 1 else Md(f"{', '.join(items[:-1])} and {items[-1]}")

    def according_to(p: Any) -> str:
        return f"According to {actors_list(p.claimants)}: " if p.by else ""

    def points_list(points: Any) -> Md:
        """A bulleted list of cited points, each with who makes the claim, if anyone."""
        return Md(
            "".join(f"- {according_to(p)}{md_escape(p.claim)}{notes.refs(p.citations)}\n" for p in points)
        )

    def points_on(uses: Any, claimant: str | None = None) -> Md:
        """Cited points made on other pages, ``(point, kind, id)``: each with where it is made.

        On the page of ``claimant``, its own claims: who else made one with it is named.
        """
        out = []
        for p, kind, id in uses:
            if claimant is None:
                by = according_to(p)
            else:
                others = [a for a in p.claimants if a != claimant]
                by = f"Together with {actors_list(others)}: " if others else ""
            out.append(f"- {by}{md_escape(p.claim)}{notes.refs(p.citations)} (on {link(kind, id)})\n")
        return Md("".join(out))

    def statements_list(uses: Any, show_speaker: bool = True, show_context: bool = False) -> Md:
        """Statements (or their uses elsewhere), grouped by the source that reports them.

        Each: who said it, the words as the article gives them, the English, and a link to the
        words in the archived article; the source is named once for its group, not on every line.
        """
        groups: dict[str, list[Any]] = {}
        for u in uses:
            st = u.statement if isinstance(u, StatementUse) else u
            groups.setdefault(st.source, []).append(u)
        out = []
        for source, items in sorted(
            groups.items(), key=lambda kv: (site.sources[kv[0]].published or "", kv[0])
        ):
            out.append(f"In {link('sources', source)} ({published_on(source)}):\n\n")
            for u in items:
                st = u.statement if isinstance(u, StatementUse) else u
                who = f"{link('actors', st.speaker)}: " if show_speaker else ""
                words = (
                    f"“{md_escape(st.quote)}”" if st.direct else f"{md_escape(st.quote)} *(reported speech)*"
                )
                where = f" · on {link(u.kind, u.id)}" if show_context else ""
                passage = f"{url('sources', source)}#{passage_id(st.quote)}"
                out.append(
                    f"- {who}{words} — {md_escape(st.translation)}{where} · [in the article]({passage})\n"
                )
            out.append("\n")
        return Md("".join(out).rstrip("\n") + "\n" if out else "")

    def met_with_table(counted: str, met: Any) -> Md:
        """Who an actor met, as raw HTML (like the meeting tables): the other actor and how many
        meetings they share."""
        rows = []
        for other, n in met:
            name = html_text(site.name_of("actors", other))
            rows.append(
                f'<tr>\n<td><a href="{built("actors", other)}">{name}</a></td>\n<td>{n}</td>\n</tr>\n'
            )
        return Md(
            f"<table>\n<thead>\n<tr>\n<th>Actor</th>\n<th>{html_text(counted)}</th>\n</tr>\n</thead>\n"
            f"<tbody>\n{''.join(rows)}</tbody>\n</table>\n"
        )

    def cited_sources(citations: Any) -> Md:
        """A bulleted list of the sources the citations come from, each once, sorted."""
        ids = sorted({c.source for c in citations}, key=str.lower)
        return Md("".join(f"- {link('sources', id)}\n" for id in ids))

    def published_on(source: str) -> str:
        date = site.sources[source].published
        return md_escape(format_date(date)) if date else "date unknown"

    def per(source: str, claimants: tuple[str, ...] = ()) -> str:
        """'per SOURCE (date)', and who the article attributes it to."""
        who = f" according to {actors_list(claimants)}," if claimants else ""
        return f"{who} per {link('sources', source)} ({published_on(source)})"

    def status_line(m: Meeting) -> Md:
        """The current status: its badge, the report that gives it and the words that say so."""
        r = m.reports[-1]
        return Md(f"{_badge(r.status)},{per(r.source, r.claimants)}{notes.ref(r.citation)}")

    def status_history(m: Meeting) -> Md:
        """Every report in order of publication: 'expected, per A (September 2023) → held, per B (…)'."""
        return Md(
            " → ".join(
                f"{md_escape(r.status)},{per(r.source, r.claimants)}{notes.ref(r.citation)}"
                for r in m.reports
            )
        )

    def outside(items: Any) -> Md:
        """Outside references, marked as such: linked to their page, with what they are said to say."""
        out = []
        for o in items:
            ref = site.references[o.reference]
            out.append(
                f'<span class="fs-outside">outside reference</span> '
                f"[{md_escape(ref.outlet)}, {md_escape(format_date(ref.published))}]"
                f"({url('references', o.reference)})"
                f'<span class="fs-print-url" data-url="{html.escape(ref.url)}"></span>: {md_escape(o.says)}'
            )
        return Md("<br>".join(out))

    def bound_line(b: Bound) -> Md:
        """One bound on an event's date and why: the editors' reason or the report that implies it."""
        head = (
            f"not before {md_escape(format_date(b.date))}"
            if b.side == "lower"
            else f"by {md_escape(format_upper(b.date))}"
        )
        if b.origin == "report" and b.source is not None:
            return Md(
                f"{head}: reported {md_escape(b.status or '')} by {link('sources', b.source)}, "
                f"published {published_on(b.source)}"
            )
        text = f"{head}: {md_escape(b.reason)}{notes.refs(b.citations)}"
        if b.references:
            text += f" ({outside(b.references)})"
        return Md(text)

    def bounds_shown(m: Meeting) -> list[Md]:
        """The editors' bounds, and the derived ones that narrow what the date itself says."""
        d = site.dating[m.id]
        shown = [b for b in d.bounds if b.origin == "editor"]
        for b in (d.lower, d.upper):
            if b is not None and b.origin in ("report", "whole") and b not in shown:
                shown.append(b)
        shown.sort(key=lambda b: b.side != "lower")  # not before, then by
        lines = [bound_line(b) for b in shown if b.origin != "whole"]
        whole = [b for b in shown if b.origin == "whole"]
        if whole and whole[0].event is not None:  # one line for the time of the whole
            span = " – ".join(dict.fromkeys(md_escape(format_date(b.date)) for b in whole))
            whole_dating = site.dating[whole[0].event]
            told = f" ({from_references_text(whole_dating)})" if whole_dating.from_references else ""
            lines.append(
                Md(f"{span}{told}: the time of {link('meetings', whole[0].event)}, which it is part of")
            )
        return lines

    def when(m: Meeting) -> Md:
        return Md(when_text(m, site.dating[m.id], url))

    def built(kind: str, id: str) -> str:
        """The address of a built page (use_directory_urls: false): links in raw HTML are not rewritten."""
        return url(kind, id)[: -len(".md")] + ".html"

    def article(source: Any) -> Md:
        """The archived article, its cited passages highlighted, each glossed with its translation."""
        text = site.seeds.get(source.seed)
        if text is None:
            return Md("")
        cited = [
            (u.citation.excerpt, u.citation.translation, u.kind, u.id)
            for u in site.citations_by_source.get(source.id, ())
        ]
        cited += [
            (u.statement.quote, u.statement.translation, u.kind, u.id)
            for u in site.statements_by_source.get(source.id, ())
        ]
        doc = Article(text)
        found = passages(doc, cited)
        gloss = {}
        for p in found:
            english = " / ".join(f"“{html.escape(t)}”" for t in p.translations)
            where = ", ".join(
                f'<a href="{html.escape(built(kind, id))}">{html.escape(site.name_of(kind, id))}</a>'
                for kind, id in p.uses
            )
            gloss[p.id] = f'{english} <span class="fs-cited-on">cited on {where}</span>'
        return Md(article_html(doc, found, gloss))

    def anchor_to(kind: str, id: str, css: str = "") -> str:
        """A link in raw HTML (escaped text, built address) to a record."""
        cls = f' class="{css}"' if css else ""
        return f'<a{cls} href="{html.escape(built(kind, id))}">{html.escape(site.name_of(kind, id))}</a>'

    def event_item(mid: str) -> str:
        """One event of the chronology: when, what, its status (and how it changed), who and where."""
        m = site.meetings[mid]
        actors = " ".join(sorted({p.actor for p in m.participants}))
        history = " → ".join(html.escape(r.status) for r in m.reports) if len(m.reports) > 1 else ""
        who = ", ".join(anchor_to("actors", p.actor) for p in m.participants)
        place = anchor_to("places", m.place) if m.place else ""
        if place and m.place_by:  # a place someone gives is theirs, as in the tables
            others = " and others" if len(m.place_claimants) > 1 else ""
            place += f" (according to {html.escape(site.name_of('actors', m.place_by))}{others})"
        details = " · ".join(part for part in (who, place) if part)
        return (
            f'<li class="fs-event" data-actors="{actors}" data-status="{m.status}">'
            f'<span class="fs-when">{html.escape(describe(site.dating[mid]))}'
            + date_marks(m, site.dating[mid])
            + "</span> "
            + f"{anchor_to('meetings', mid, 'fs-event-title')} {_badge(m.status)}"
            + (f' <span class="fs-history">({history})</span>' if history else "")
            + (f'<br><span class="fs-who">{details}</span>' if details else "")
            + "</li>"
        )

    def key_pairs(limit: int = 6) -> list[tuple[str, str, int, int]]:
        """The pairs of actors who met most: (a, b, meetings held, planned or expected), most first."""
        held = {(a, b): n for a, others in site.met_with.items() for b, n in others if a < b}
        coming = {(a, b): n for a, others in site.to_meet.items() for b, n in others if a < b}
        counts = {p: (-held.get(p, 0), -coming.get(p, 0)) for p in held.keys() | coming.keys()}
        # Only pairs that count as much as the last of the first `limit` can be among them: the
        # names that order equal counts are looked up for those alone (tens of thousands of
        # pairs at 10,000 meetings).
        cut = heapq.nsmallest(limit, counts.values())[-1] if 0 < limit < len(counts) else None
        near = [p for p, c in counts.items() if cut is None or c <= cut]
        pairs = sorted(near, key=lambda p: (*counts[p], site.name_of("actors", p[0]), p))
        return [(a, b, held.get((a, b), 0), coming.get((a, b), 0)) for a, b in pairs[:limit]]

    def chronology(ids: Any) -> Md:
        """Events grouped by the year they certainly fall in (others apart), as filterable HTML.

        Each event is an item carrying its participants and status as data, so the page's
        script can show one actor's or one status's events; without the script, all show.
        """
        years: dict[str, list[str]] = {}
        loose: list[str] = []
        for mid in ids:
            year = next((k for k in sorted(site.dating[mid].certain_keys()) if len(k) == 4), None)
            if year is None:
                loose.append(mid)
            else:
                years.setdefault(year, []).append(mid)
        groups = [(y, f"{y}", years[y]) for y in sorted(years)]
        if loose:
            groups.insert(0, ("loose", "Not placed within one year", loose))
        people = sorted(
            {p.actor for mid in ids for p in site.meetings[mid].participants},
            key=lambda a: (site.name_of("actors", a), a),
        )
        statuses = [s for s in STATUSES if any(site.meetings[mid].status == s for mid in ids)]
        options = "".join(
            f'<option value="{a}">{html.escape(site.name_of("actors", a))}</option>' for a in people
        )
        boxes = "".join(
            f'<label><input type="checkbox" name="status" value="{s}" checked> {_badge(s)}</label> '
            for s in statuses
        )
        out = [
            '<form class="fs-filter" data-search-exclude="" hidden>',
            '<label>Actor <select name="actor"><option value="">everyone</option>'
            + options
            + "</select></label>",
            f"<fieldset><legend>Status</legend>{boxes}</fieldset>",
            '<p class="fs-filter-count" aria-live="polite"></p>',
            "</form>",
        ]
        for key, label, members in groups:
            out.append(
                f'<section class="fs-year" data-year="{key}"><h2 id="y-{key}">{html.escape(label)}</h2>'
            )
            if key == "loose":
                out.append(
                    '<p class="fs-group-note">The archived articles place these in no one year: they'
                    " give bounds more than a year apart or on one side only, or only an outside"
                    " report gives the year. They are not on the chart.</p>"
                )
            out.append('<ol class="fs-events">')
            for mid in members:
                out.append(event_item(mid))
            out.append("</ol></section>")
        return Md("\n".join(out))

    def chart(draw: Callable[[Site, Callable[[str, str], str]], str]) -> Md:
        svg = draw(site, built)
        return Md(f'<div class="fs-chart">{svg}</div>' if svg else "")

    def participant_names(meeting: Any) -> list[str]:
        """The canonical names of who took part: an event page's search keywords."""
        return [site.name_of("actors", p.actor) for p in meeting.participants]

    def statuses_in_use() -> list[str]:
        """The statuses some report gives, in the schema's order: the ones a glossary explains."""
        used = {r.status for m in site.meetings.values() for r in m.reports}
        return [s for s in STATUSES if s in used]

    def commit_text(c: Change) -> str:
        """A change's commit subject, linked to the commit when the repository is known."""
        subject = f"“{md_escape(c.subject)}”" if c.subject else "(no message)"
        history = site.history
        return f"[{subject}]({history.commit_url}{c.commit})" if history and history.commit_url else subject

    def change_text(c: Change) -> str:
        """``changed``, ``added``, ``removed``, or ``renamed (was old-id)``."""
        if c.action == "renamed" and c.renamed_from:
            return f"renamed (was {md_escape(record_id(c.renamed_from))})"
        return c.action

    def page_history(record: Any) -> Md:
        """When the record was first published and last changed, and its latest changes: from
        the repository's commits to its file. Nothing without history, rather than a guess."""
        history = site.history
        changes = history.of(record.file) if history else ()
        if not changes:
            return Md("")
        lines = [
            "## Page history { data-search-exclude }\n\n",
            f"Added to the sheet on {format_date(changes[-1].day)}; last changed on "
            f"{format_date(changes[0].day)}. Each change below is a commit that brought a change to "
            f"this record's file, `{record.file}`, into the branch of the sheet's repository this "
            "site is built from (dated by that commit, in UTC), with its description in quotes. "
            f"[Recent changes to every record]({to('whats-new.md')}).\n\n",
        ]
        for c in changes[:HISTORY_SHOWN]:
            lines.append(f"- {format_date(c.day)}, {change_text(c)}: {commit_text(c)}\n")
        if len(changes) > HISTORY_SHOWN:
            lines.append(f"- and {len(changes) - HISTORY_SHOWN} earlier changes\n")
        return Md("".join(lines))

    def whats_new(limit: int) -> Md:
        """The latest changes to records, newest first, grouped by day: added, changed, renamed,
        removed (a removed record says where it went, if anywhere)."""
        history = site.history
        if not history:
            return Md("")
        files = records_by_file(site)
        lines: list[str] = []
        day = ""
        for file, c in history.recent(limit):
            if c.day != day:
                day = c.day
                lines.append(f"\n## {format_date(day)}\n\n")
            to_what = concerns(site, files, file, c)
            action = change_text(c)
            if to_what.id:
                what = f"{link(to_what.kind, to_what.id)}, {action}"
            else:  # a record removed since: each of its changes, and at its removal where it went
                what = f"{md_escape(to_what.old)}, {action}"
                if c.action != "removed":
                    what += " (since removed)"
                elif to_what.now:
                    what += f": now part of {link(to_what.kind, to_what.now)}"
            lines.append(f"- {kind_label(file).capitalize()} {what}: {commit_text(c)}\n")
        return Md("".join(lines))

    helpers: dict[str, Callable[..., Any]] = {
        "url": url,
        "page_history": page_history,
        "whats_new": whats_new,
        "statuses_in_use": statuses_in_use,
        "offline_zip": lambda: zip_path(site.title),
        "participant_names": participant_names,
        "to": to,
        "link": link,
        "meeting_table_html": meeting_table,
        "footnotes": footnotes,
        "points_list": points_list,
        "cited_sources": cited_sources,
        "points_on": points_on,
        "actors_list": actors_list,
        "statements_list": statements_list,
        "met_with_table": met_with_table,
        "article": article,
        "chronology": chronology,
        "key_pairs": key_pairs,
        "status_line": status_line,
        "status_history": status_history,
        "outside": outside,
        "bound_line": bound_line,
        "bounds_shown": bounds_shown,
        "when": when,
        "timeline_svg": lambda: chart(
            functools.partial(timeline_svg, filterable=len(site.timeline) <= INDEX_LIMIT)
        ),
        "timeline_key": lambda: Md(timeline_key(site)),
        "graph_svg": lambda: chart(graph_svg),
    }
    try:
        template = env.get_template(page.template)
        return template.render(site=site, page=page.path, notes=notes, **helpers, **page.context)
    except (jinja2.TemplateError, RenderError) as exc:
        raise RenderError(f"templates/{page.template} failed for {page.path}: {exc}") from exc
