"""``python -m generator bench``: a synthetic fact sheet of N meetings, built and measured.

The content is made deterministically (a seeded random generator): N meetings,
about N/5 actors, N/20 places and N/20 source articles whose text holds every
excerpt, quote and name spelling the content cites, dates spread over decades.
Each phase is timed on its own; the MkDocs build of the result, peak memory,
site size, average HTML page size and search index size are reported too.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import Project, build, check, generate
from .incremental import Regenerator

REPO = Path(__file__).resolve().parent.parent
SYLLABLES = (
    "ka",
    "ri",
    "mo",
    "sen",
    "lo",
    "va",
    "dim",
    "tor",
    "an",
    "el",
    "sun",
    "hui",
    "pa",
    "ne",
    "gor",
    "bel",
    "ta",
    "shin",
    "ya",
    "ko",
    "ru",
    "da",
    "mir",
    "ol",
    "ev",
    "ni",
    "zu",
    "bo",
)
WORDS = (
    "the",
    "talks",
    "minister",
    "delegation",
    "agreement",
    "visit",
    "cooperation",
    "said",
    "sanctions",
    "border",
    "relations",
    "summit",
    "trade",
    "security",
    "statement",
    "officials",
    "meeting",
    "leaders",
    "capital",
    "weapons",
    "treaty",
    "economic",
    "military",
    "press",
)
KINDS = ("summit", "talks", "visit", "meeting", "ceremony", "conference")
STATUSES = ("held", "held", "held", "held", "expected", "planned", "cancelled")


def _name(rng: random.Random, parts: int) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(parts)
    )


def _sentence(rng: random.Random, *names: str) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    for n in names:
        words.insert(rng.randint(0, len(words)), n)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@dataclass
class _Article:
    id: str
    seed: str
    published: str
    sentences: list[str] = field(default_factory=list)

    def cite(self, rng: random.Random, *names: str) -> str:
        s = _sentence(rng, *names)
        self.sentences.append(s)
        return s


def make_content(root: Path, meetings: int, seed: int = 1) -> None:
    """Write a synthetic project (content/, seeds/, templates and config from this repo) into ``root``."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    for name in ("templates", "pages", "overrides"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for kind in ("actors", "meetings", "places", "sources", "topics"):
        (root / "content" / kind).mkdir(parents=True)
    (root / "seeds").mkdir()
    n_articles, n_actors, n_places = max(2, meetings // 20), max(4, meetings // 5), max(2, meetings // 20)
    articles = []
    for i in range(n_articles):
        year = 1950 + (75 * i) // n_articles
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        articles.append(_Article(f"article-{i:05d}", f"{i:05d}_synthetic.txt", published))
    states = [f"state-{i:03d}" for i in range(max(2, n_actors // 10))]
    actors: list[tuple[str, str, str]] = []  # (id, kind, name)
    for i in range(n_actors):
        kind = "state" if i < len(states) else ("organisation" if i % 5 == 0 else "person")
        actors.append((states[i] if kind == "state" else f"actor-{i:05d}", kind, _name(rng, 2)))
    places = [(f"place-{i:04d}", _name(rng, 1)) for i in range(n_places)]
    topics = [(f"topic-{i:02d}", _name(rng, 1)) for i in range(20)]

    def cite_yaml(article: _Article, indent: str, *names: str) -> str:
        s = article.cite(rng, *names)
        return (
            f"{indent}- source: {article.id}\n{indent}  excerpt: {_q(s)}\n"
            f"{indent}  translation: {_q('English: ' + s)}\n"
        )

    for aid, kind, name in actors:
        art = rng.choice(articles)
        other = name.upper()
        body = f"id: {aid}\nkind: {kind}\nname: {_q(name)}\nother_names:\n"
        body += f"  - name: {_q(other)}\n    lang: en\n    source: {art.id}\n"
        art.cite(rng, other)
        if kind == "person":
            body += f"affiliation: {rng.choice(states)}\n"
        body += f"description: {_q('A synthetic ' + kind + ' for the benchmark.')}\ncitations:\n"
        body += cite_yaml(art, "  ", name)
        (root / "content/actors" / f"{aid}.yaml").write_text(body, encoding="utf-8")
    for pid, name in places:
        art = rng.choice(articles)
        body = f"id: {pid}\nkind: city\nname: {_q(name)}\ncountry: {rng.choice(states)}\ncitations:\n"
        body += cite_yaml(art, "  ", name)
        (root / "content/places" / f"{pid}.yaml").write_text(body, encoding="utf-8")
    for tid, name in topics:
        (root / "content/topics" / f"{tid}.yaml").write_text(
            f"id: {tid}\nname: {_q(name)}\n", encoding="utf-8"
        )
    ids = []
    for i in range(meetings):
        art = articles[min(n_articles - 1, i * n_articles // meetings)]
        y, m, d = art.published.split("-")
        roll = rng.random()  # 60 % dated to the day, 30 % to the month, 10 % by their reports alone
        on = f"{y}-{m}-{d}" if roll < 0.6 else f"{y}-{m}" if roll < 0.9 else None
        mid = f"m-{i:05d}"
        ids.append(mid)
        who = rng.sample(actors, rng.randint(2, 4))
        title = f"{who[0][2]} and {who[1][2]} meet"
        body = f"id: {mid}\ntitle: {_q(title)}\nkind: {rng.choice(KINDS)}\nreports:\n"
        body += cite_yaml(art, "  ", who[0][2]).replace(
            "  excerpt:", f"  status: {rng.choice(STATUSES)}\n    excerpt:", 1
        )
        if on is not None:
            body += f'date:\n  on: "{on}"\n'
            if len(on) == 7:
                body += '  inferred: "The article is dated that month."\n'
        body += f"place: {rng.choice(places)[0]}\nparticipants:\n"
        for j, (aid, _, _) in enumerate(who):
            body += f"  - actor: {aid}\n    side: {'host' if j == 0 else 'visitor'}\n"
        body += f"summary: {_q(_sentence(rng, title))}\npoints:\n"
        for _ in range(2):
            body += f"  - claim: {_q(_sentence(rng))}\n    by: {who[0][0]}\n    citations:\n"
            body += cite_yaml(art, "      ", who[0][2])
        quote = art.cite(rng, who[1][2])
        body += (
            f"statements:\n  - speaker: {who[1][0]}\n    source: {art.id}\n    quote: {_q(quote)}\n"
            f"    translation: {_q('English: ' + quote)}\n"
        )
        body += f"topics: [{', '.join(t for t, _ in rng.sample(topics, 2))}]\n"
        if i and rng.random() < 0.3:
            body += f"related: [{ids[rng.randrange(i)]}]\n"
        body += "citations:\n" + cite_yaml(art, "  ", title)
        (root / "content/meetings" / f"{mid}.yaml").write_text(body, encoding="utf-8")
    for art in articles:
        (root / "seeds" / art.seed).write_text("\n\n".join(art.sentences) + "\n", encoding="utf-8")
        body = (
            f"id: {art.id}\nseed: {art.seed}\nlanguage: en\ntitle: {_q('Synthetic article ' + art.id)}\n"
            f'published: "{art.published}"\npublished_basis: outlet-page\n'
        )
        (root / "content/sources" / f"{art.id}.yaml").write_text(body, encoding="utf-8")


@dataclass
class Result:
    meetings: int
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    facts: dict[str, Any] = field(default_factory=dict)


@contextmanager
def _timed(result: Result, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    result.timings[name] = time.perf_counter() - start


PHASES = ("build", "preview")


def run(
    root: Path,
    meetings: int,
    report: Callable[[str], None],
    *,
    search: bool = False,
    phases: tuple[str, ...] = PHASES,
    cold: bool = False,
    edits: int = 5,
) -> Result:
    """Make the content, then time each phase asked for.

    ``build``: each phase of a full build, the output measured, one incremental
    regeneration (and with ``search``, offline search in Chromium). ``preview``:
    ``serve`` end to end, ``edits`` saves (:mod:`generator.bench_preview`; with
    ``search``, in Chromium too; with ``cold``, a start without docs/ as well).
    """
    result = Result(meetings)
    report(f"[{meetings}] making synthetic content in {root} …")
    make_content(root, meetings)
    project = Project(root)
    if "build" in phases:
        _run_build(result, project, report, search=search)
    else:
        report(f"[{meetings}] generating docs/, as an earlier run of serve or build leaves it …")
        generate(project)
    if "preview" in phases:
        from .bench_preview import measure

        report(f"[{meetings}] timing serve …")
        result.facts["preview"] = measure(
            root,
            f"m-{meetings // 2:05d}",
            lambda msg: report(f"[{meetings}] {msg}"),
            browser=search,
            cold=cold,
            edits=edits,
        )
    return result


def _cpu_seconds() -> float:
    """User and system CPU time of this process and of the workers it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_build(result: Result, project: Project, report: Callable[[str], None], *, search: bool) -> None:
    meetings, root = result.meetings, project.root
    # The phases of the real `build` (check, render, write the staging folder, MkDocs), timed by it.
    start, cpu = time.perf_counter(), _cpu_seconds()
    build(project, report=lambda msg: report(f"[{meetings}] {msg}"), phases=result.timings)
    build_s = time.perf_counter() - start
    build_cpu = _cpu_seconds() - cpu  # this process and its workers: the work, whatever the cores
    docs, pages = project.path("docs"), project.path("pages")
    result.pages = sum(1 for p in docs.rglob("*.md") if not (pages / p.relative_to(docs)).exists())
    site_dir = project.path("site")
    html = [p for p in site_dir.rglob("*.html")]
    result.facts = {
        "build_s": build_s,
        "build_cpu_s": build_cpu,
        "html_pages": len(html),
        "avg_html_kb": sum(p.stat().st_size for p in html) / len(html) / 1024,
        "site_mb": sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file() and p.suffix != ".zip")
        / 2**20,
        "zip_mb": sum(p.stat().st_size for p in site_dir.rglob("*.zip")) / 2**20,
        "search_index_mb": (site_dir / "search/search_index.json").stat().st_size / 2**20,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    report(f"[{meetings}] incremental regeneration after one meeting edit …")
    regen = Regenerator(project)
    regen.run()
    gc.freeze()  # as serve does
    # An editor's first save comes well after serve starts: let the disk finish writing
    # the site just built, so its writeback is not timed as part of the regeneration.
    os.sync()
    time.sleep(2)
    edited = root / "content/meetings" / f"m-{meetings // 2:05d}.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace('title: "', 'title: "Edited ', 1), encoding="utf-8"
    )
    with _timed(result, "incremental"):
        stats = regen.run()
    gc.unfreeze()
    result.facts["incremental_phases"] = dict(regen.timings)
    result.facts["incremental_rendered"] = len(regen.rendered)
    result.facts["incremental_written"] = len(stats.written)
    if search:
        name = min(check(project).actors.values(), key=lambda a: a.id).name
        report(f"[{meetings}] timing offline search for {name!r} …")
        result.facts["search_first_result_s"] = search_seconds(site_dir, name)


def search_seconds(site_dir: Path, query: str, trials: int = 3) -> float:
    """The slowest of ``trials``: seconds from typing ``query`` into a page just opened from disk
    (the search index may still be loading) to its first result."""
    from playwright.sync_api import sync_playwright

    from .bench_preview import launch_chromium

    times = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for _ in range(trials):
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
            page.goto((site_dir / "index.html").as_uri())
            box = page.locator("input.md-search__input")
            box.click()
            start = time.perf_counter()
            box.fill(query)
            box.press("End")
            page.locator(".md-search-result__item").first.wait_for(timeout=60_000)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return max(times)


def markdown_table(results: list[Result]) -> str:
    """The results as the Markdown tables of pages/performance.md (a build's, then the preview's)."""
    built = [r for r in results if "mkdocs" in r.timings]
    previewed = [r for r in results if "preview" in r.facts]
    return "\n\n".join(
        part for part in (build_table(built) if built else "", preview_table(previewed)) if part
    )


def _regeneration(p: dict[str, Any]) -> str:
    """Median seconds to the edited records' pages (when serve wrote them first) and to the whole."""
    if not p["regenerations"]:
        return ""
    whole = statistics.median(p["regenerations"])
    if p.get("early"):
        return f"{statistics.median(p['early']):.2f} s / {whole:.2f} s"
    return f"{whole:.2f} s"


def preview_table(results: list[Result]) -> str:
    """``serve``, end to end: first page, then each save until the served page shows it."""
    if not results:
        return ""
    browser = any(r.facts["preview"]["browser_edits"] for r in results)
    cold = any("first_page_cold" in r.facts["preview"] for r in results)
    head = [
        "meetings",
        "first page",
        "up to date",
        "edit → served page (median)",
        "slowest edit",
        "regeneration: edited pages / all (median)",
    ]
    early = any("first_run_edit" in r.facts["preview"] for r in results)
    if early:
        head.append("edit during the first run → served page")
    if cold:
        head.insert(2, "first page without docs/")
        head.append("edit during a start without docs/ → served page")
    if browser:
        head += ["edit → browser (median)", "search index complete"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in results:
        p = r.facts["preview"]
        row = [
            f"{r.meetings:,}",
            f"{p['first_page']:.2f} s",
            f"{p['ready']:.2f} s",
            f"{statistics.median(p['edits']):.2f} s (of {len(p['edits'])})",
            f"{max(p['edits']):.2f} s",
            _regeneration(p),
        ]
        if early:
            row.append(f"{p['first_run_edit']:.2f} s" if "first_run_edit" in p else "")
        if cold:
            row.insert(2, _cold(p))
            row.append(_start_edit(p))
        if browser:
            row.append(f"{statistics.median(p['browser_edits']):.2f} s" if p["browser_edits"] else "")
            row.append(f"{p['search_complete']:.0f} s" if "search_complete" in p else "")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _start_edit(p: dict[str, Any]) -> str:
    """A save during a start without docs/ to the served page, and when it was saved."""
    if "start_edit" not in p:
        return ""
    return f"{p['start_edit']:.2f} s (saved at {p['start_edit_at']:.1f} s)"


def _cold(p: dict[str, Any]) -> str:
    """The median first page without docs/, and the CPU time of such a start (its work, on any cores)."""
    if "first_page_cold" not in p:
        return ""
    cpu = f" ({p['first_page_cold_cpu']:.1f} CPU-s)" if "first_page_cold_cpu" in p else ""
    return f"{p['first_page_cold']:.2f} s{cpu}"


def build_table(results: list[Result]) -> str:
    """The full build's phases and output, one row per N."""
    head = [
        "meetings",
        "pages",
        "load",
        "validate",
        "model",
        "render",
        "write",
        "generator",
        "ms/page",
        "mkdocs",
        "generator/mkdocs",
        "compact + offline zip",
        "full build",
        "full build, CPU",
        "peak MB",
        "site MB",
        "avg page KB",
        "search index MB",
        "one edit, incremental",
    ]
    rows = []
    for r in results:
        t = r.timings
        gen = sum(t[k] for k in ("load", "validate", "model", "render", "write"))
        rows.append(
            [
                f"{r.meetings:,}",
                f"{r.pages:,}",
                *(f"{t[k]:.2f} s" for k in ("load", "validate", "model", "render", "write")),
                f"{gen:.2f} s",
                f"{1000 * gen / r.pages:.2f}",
                f"{t['mkdocs']:.1f} s",
                f"{100 * gen / t['mkdocs']:.1f} %",
                f"{t['zip']:.1f} s, {r.facts['zip_mb']:.1f} MB",
                f"{r.facts['build_s']:.1f} s",
                f"{r.facts['build_cpu_s']:.0f} s",
                f"{r.facts['peak_rss_mb']:.0f}",
                f"{r.facts['site_mb']:.1f}",
                f"{r.facts['avg_html_kb']:.1f}",
                f"{r.facts['search_index_mb']:.2f}",
                f"{t['incremental']:.2f} s ({r.facts['incremental_rendered']} rendered, "
                f"{r.facts['incremental_written']} written)",
            ]
        )
        if "search_first_result_s" in r.facts:
            rows[-1].append(f"{r.facts['search_first_result_s']:.2f} s")
    if any("search_first_result_s" in r.facts for r in results):
        head.append("first search result")
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    for r in results:
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in r.facts.get("incremental_phases", {}).items())
        lines.append(f"- One edit at {r.meetings:,} meetings, by phase: {phases}.")
    return "\n".join(lines)
