"""Incremental regeneration gives exactly what a full regeneration gives, doing less work."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import incremental
from generator.build import Project, generate_files
from generator.errors import ValidationFailed
from generator.export import FACTSHEET
from generator.incremental import Regenerator, Superseded
from generator.parallel import giving_way

from conftest import NEW_MEETING
from conftest import edit as _edit

MEETING = "content/meetings/2024-11-choe-lavrov-moscow.yaml"


def _inside(name: str) -> bool:
    """Whether a function of that name is running (on this thread's stack)."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == name:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def _on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _same_as_full(regen: Regenerator, project: Project) -> None:
    regen.run()
    assert _on_disk(regen.out) == generate_files(project)


EDITS: list[tuple[str, Callable[[Project], None]]] = [
    (
        "meeting title",
        lambda p: _edit(p, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks"),
    ),
    ("meeting date", lambda p: _edit(p, MEETING, 'on: "2024-11"', 'on: "2024-11-05"')),
    ("meeting moves before another", lambda p: _edit(p, MEETING, 'on: "2024-11', 'on: "2023-01')),
    ("participant", lambda p: _edit(p, MEETING, "  - actor: sergei-lavrov", "  - actor: kim-jong-un")),
    ("place", lambda p: _edit(p, MEETING, "place: moscow", "place: russia-place")),
    (
        "new meeting",
        lambda p: (p.root / "content/meetings/2024-11-extra.yaml").write_text(NEW_MEETING, "utf-8"),
    ),
    (
        "actor name",
        lambda p: _edit(p, "content/actors/sergei-lavrov.yaml", "name: Sergei Lavrov", "name: S. Lavrov"),
    ),
    (
        "source title",
        lambda p: _edit(p, "content/sources/article-2023-09.yaml", "title: Kim", "title: Mr Kim"),
    ),
    (
        "topic removed",
        lambda p: (
            _edit(p, MEETING, "topics: [arms]", "topics: []"),
            _edit(p, "content/meetings/kim-putin-russia-2023.yaml", "topics: [arms]", "topics: []"),
            _edit(
                p, "content/meetings/un-security-council-missile-test.yaml", "topics: [arms]", "topics: []"
            ),
            _edit(p, "content/meetings/arms-negotiations-2023.yaml", "topics: [arms]", "topics: []"),
            (p.root / "content/topics/arms.yaml").unlink(),
        ),
    ),
    # A source's date places the events it reports: their dates, bounds and pages follow it.
    (
        "source date",
        lambda p: _edit(
            p, "content/sources/article-2024-11.yaml", 'published: "2024-11"', 'published: "2024-11-02"'
        ),
    ),
    (
        "report added",
        lambda p: _edit(
            p,
            "content/meetings/un-security-council-missile-test.yaml",
            "reports:\n",
            "reports:\n  - source: wire-2023-09-14\n    status: planned\n    excerpt: the agency reported\n"
            "    translation: the agency reported\n",
        ),
    ),
    (
        "former id",
        lambda p: _edit(p, MEETING, "title: Choe", "former_ids: [choe-lavrov-talks]\ntitle: Choe"),
    ),
    (
        "part of",
        lambda p: _edit(
            p, "content/meetings/choe-lavrov-plaque.yaml", "part_of: 2024-11-choe-lavrov-moscow\n", ""
        ),
    ),
    (
        "template",
        lambda p: _edit(p, "templates/topic.md.j2", "No meeting, fact", "Nothing: no meeting, fact"),
    ),
    ("hand-written page", lambda p: (p.root / "pages/about.md").write_text("# About\n\nChanged.\n", "utf-8")),
]


@pytest.mark.parametrize(("name", "edit"), EDITS, ids=[e[0] for e in EDITS])
def test_incremental_equals_full(
    sample: Project, tmp_path: Path, name: str, edit: Callable[[Project], None]
) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    _same_as_full(regen, sample)
    edit(sample)
    _same_as_full(regen, sample)


def test_edits_in_a_row(sample: Project, tmp_path: Path) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    _same_as_full(regen, sample)
    for _, edit in EDITS[:8]:
        edit(sample)
        _same_as_full(regen, sample)


def test_only_pages_that_read_the_change_are_rendered(sample: Project, tmp_path: Path) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    regen.run()
    untouched = tmp_path / "docs/actors/vladimir-putin.md"
    before = untouched.stat().st_mtime_ns
    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks")
    stats = regen.run()
    rendered = set(regen.rendered)
    assert {
        "meetings/2024-11-choe-lavrov-moscow.md",
        "actors/choe-son-hui.md",
        "dates/2024-11.md",
        "places/moscow.md",
        "timeline.md",
    } <= rendered
    assert "actors/vladimir-putin.md" not in rendered  # Putin's page does not show this meeting
    assert "meetings/2024-11-choe-lavrov-moscow.md" in stats.written
    assert "actors/vladimir-putin.md" not in stats.written
    assert untouched.stat().st_mtime_ns == before
    assert len(rendered) < len(regen.outputs) / 2


def test_invalid_edit_is_reported_and_the_next_valid_run_recovers(sample: Project, tmp_path: Path) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    regen.run()
    good = (sample.root / MEETING).read_text(encoding="utf-8")
    (sample.root / MEETING).write_text("id: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        regen.run()
    (sample.root / MEETING).write_text(good.replace("title: Choe", "title: Ms Choe"), encoding="utf-8")
    _same_as_full(regen, sample)


def test_checks_across_files_follow_edits_elsewhere(sample: Project, tmp_path: Path) -> None:
    """An unchanged file's references and excerpts are re-checked when what they point to changes."""
    regen = Regenerator(sample, out=tmp_path / "docs")
    regen.run()
    actor = sample.root / "content/actors/sergei-lavrov.yaml"
    saved = actor.read_bytes()
    actor.unlink()  # the unchanged meeting now points at nothing
    with pytest.raises(ValidationFailed) as gone:
        regen.run()
    assert any("'sergei-lavrov' not found" in p.text() and MEETING in p.text() for p in gone.value.problems)
    actor.write_bytes(saved)
    regen.run()  # whole again
    seed = sorted((sample.root / "seeds").glob("*.txt"))[0]
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("Lavrov", "Lavrof"), encoding="utf-8")  # excerpts no longer in it
    with pytest.raises(ValidationFailed) as changed:
        regen.run()
    assert any(p.code == "not-in-seed" for p in changed.value.problems)
    seed.write_text(text, encoding="utf-8")
    _same_as_full(regen, sample)


def test_the_edited_records_pages_come_first_and_the_listings_after(sample: Project, tmp_path: Path) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    told: list[tuple[list[str], set[str], bytes]] = []
    page = tmp_path / "docs/meetings/2024-11-choe-lavrov-moscow.md"
    timeline = tmp_path / "docs/timeline.md"
    regen.early = lambda written, later: told.append((written, later, timeline.read_bytes()))
    _same_as_full(regen, sample)
    assert not told  # the first run makes everything at once
    before = timeline.read_bytes()
    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks")
    _same_as_full(regen, sample)
    [(written, later, timeline_then)] = told
    # Told once: the meeting's own page and the pages of those in it were written, the listings not yet.
    assert "meetings/2024-11-choe-lavrov-moscow.md" in written and "actors/choe-son-hui.md" in written
    assert b"Talks" in page.read_bytes()
    assert {"timeline.md", "meetings/index.md", "index.md", FACTSHEET} <= later  # the dataset too
    assert not later & set(written)
    assert timeline_then == before != timeline.read_bytes()
    assert set(written) <= set(regen.early_written) and regen.early_written == written


def test_a_watcher_naming_the_files_changed_spares_looking_at_the_others(
    sample: Project, tmp_path: Path
) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    regen.run()
    meeting, actor = sample.root / MEETING, sample.root / "content/actors/sergei-lavrov.yaml"
    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks")
    _edit(sample, "content/actors/sergei-lavrov.yaml", "name: Sergei Lavrov", "name: Sergey Lavrov")
    regen.run(touched={str(meeting.resolve())})  # the watcher saw only the meeting change
    assert b"Talks" in (tmp_path / "docs/meetings/2024-11-choe-lavrov-moscow.md").read_bytes()
    assert b"Sergey" not in (tmp_path / "docs/actors/sergei-lavrov.md").read_bytes()
    regen.run(touched={str(actor.resolve())})
    assert b"Sergey" in (tmp_path / "docs/actors/sergei-lavrov.md").read_bytes()
    _same_as_full(regen, sample)
    # A file the last run did not list (a new one): every file is looked at again.
    new = sample.root / "content/meetings/2024-11-extra.yaml"
    new.write_text(NEW_MEETING, encoding="utf-8")
    _edit(sample, MEETING, "title: Talks", "title: Other talks")
    regen.run(touched={str(new.resolve())})
    assert b"Other talks" in (tmp_path / "docs/meetings/2024-11-choe-lavrov-moscow.md").read_bytes()
    assert (tmp_path / "docs/meetings/2024-11-extra.md").exists()
    _same_as_full(regen, sample)


def test_a_run_that_fails_after_the_edited_pages_leaves_nothing_stale(
    sample: Project, tmp_path: Path
) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    _same_as_full(regen, sample)

    def fail(written: list[str], later: set[str]) -> None:
        raise RuntimeError("the listings could not be made")

    regen.early = fail
    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks")
    with pytest.raises(RuntimeError):
        regen.run()
    assert b"Talks" in (tmp_path / "docs/meetings/2024-11-choe-lavrov-moscow.md").read_bytes()
    regen.early = None
    _edit(sample, MEETING, "title: Talks", "title: Choe Son Hui and Sergei Lavrov meet")  # undone
    _same_as_full(regen, sample)


def test_an_edit_saved_before_anything_watched_is_seen(sample: Project, tmp_path: Path) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    regen.prepare()
    regen.make_now(["actors/sergei-lavrov.md"])  # asked for by a browser before the first run
    # Saved after prepare() read it, before serve's watcher started: no watcher names it, and
    # the first run may be the only run for a long while.
    _edit(sample, "content/actors/sergei-lavrov.yaml", "name: Sergei Lavrov", "name: Sergey Lavrov")
    told: list[list[str]] = []
    regen.early = lambda written, later: told.append(list(written))
    regen.run()
    assert told and "actors/sergei-lavrov.md" in told[0]  # its pages first, and announced
    assert "timeline.md" not in told[0]
    assert b"Sergey" in (tmp_path / "docs/actors/sergei-lavrov.md").read_bytes()
    _same_as_full(regen, sample)
    regen.early = None
    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks")
    regen.run(touched={str((sample.root / MEETING).resolve())})
    _same_as_full(regen, sample)


def test_a_first_run_with_nothing_changed_since_prepare_reads_nothing_again(
    sample: Project, tmp_path: Path
) -> None:
    regen = Regenerator(sample, out=tmp_path / "docs")
    regen.prepare()
    regen.run()
    assert "load" not in regen.timings and "model" not in regen.timings  # prepare()'s model
    _same_as_full(regen, sample)


@pytest.mark.parametrize(
    "change",
    ["edited", "added", "removed", "seed edited", "seed added"],
)
def test_what_prepare_read_is_stale_after_any_change(sample: Project, change: str) -> None:
    regen = Regenerator(sample)
    regen.prepare()
    reads, root = regen.reads, sample.root
    assert not reads.stale(root, sample.content, sample.seeds)
    seed = next((root / sample.seeds).glob("*.txt"))
    if change == "edited":
        _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks")
    elif change == "added":
        shutil.copy(root / MEETING, root / "content/meetings/a-copy.yaml")
    elif change == "removed":
        (root / MEETING).unlink()
    elif change == "seed edited":
        seed.write_text(seed.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    else:
        shutil.copy(seed, seed.with_name("zz-new.txt"))
    assert reads.stale(root, sample.content, sample.seeds)


def test_an_invalid_edit_saved_before_anything_watched_leaves_every_page(
    sample: Project, tmp_path: Path
) -> None:
    out = tmp_path / "docs"
    regen = Regenerator(sample, out=out)
    regen.prepare()
    before = generate_files(sample)
    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: ''")
    with pytest.raises(ValidationFailed):
        regen.run()
    # Every page, from the content as prepare() checked it, while the problem is reported.
    assert _on_disk(out) == before
    _edit(sample, MEETING, "title: ''", "title: Talks")
    regen.run()
    _same_as_full(regen, sample)


def _stopped(sample: Project, out: Path, prepared: bool) -> tuple[Regenerator, dict[str, bytes]]:
    """A regenerator whose run of every page an edit stopped after 30 pages (after prepare(), as
    serve starts without docs/, if ``prepared``), and ``out`` as it was just before that run.
    MIN_RENDER_SECONDS is set to 0 by the caller."""
    regen = Regenerator(sample, out=out)
    if prepared:
        regen.prepare()  # serve without docs/: pages are made from this model when asked for
    before = _on_disk(out)
    regen.superseded = lambda: len(regen.rendered) >= 30  # an edit came in after 30 pages
    with pytest.raises(Superseded):
        regen.run()
    regen.superseded = lambda: False
    return regen, before


@pytest.mark.parametrize("prepared", [False, True], ids=["docs from an earlier run", "first start"])
def test_an_edit_stops_a_run_of_every_page_and_its_pages_come_first(
    sample: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared: bool
) -> None:
    """serve's first run takes a minute at 10,000 meetings: an edit saved meanwhile need not wait for it."""
    monkeypatch.setattr(incremental, "MIN_RENDER_SECONDS", 0.0)
    out = tmp_path / "docs"
    regen, before = _stopped(sample, out, prepared)
    stopped = list(regen.rendered)
    assert len(stopped) == 30 and _on_disk(out) == before  # nothing written
    if prepared:  # a page asked for meanwhile is still made
        regen.make_now(["actors/kim-jong-un.md"])
        assert (out / "actors/kim-jong-un.md").exists()

    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "title: Talks")
    told: list[tuple[list[str], set[str]]] = []
    regen.early = lambda written, later: told.append((list(written), set(later)))
    regen.run()
    # The edited meeting's page was written first; the rest is shown as it was until it is made.
    [(written, later)] = told
    assert "meetings/2024-11-choe-lavrov-moscow.md" in written and later == set()
    assert "timeline.md" not in written
    # What the stopped run made and the edit leaves alone was not made again; what reads it was.
    again = set(regen.rendered)
    assert set(stopped) - again and "timeline.md" in again
    assert _on_disk(out) == generate_files(sample)
    _same_as_full(regen, sample)  # and the next edit's run goes on from there
    _edit(sample, MEETING, "title: Talks", "title: Other talks")
    _same_as_full(regen, sample)


def test_edits_saved_all_the_time_still_let_every_page_come(
    sample: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every stop is followed by another edit, and an edit is always waiting: each run still makes
    pages not made before (before the listings every edit touches), so the pages keep coming."""
    monkeypatch.setattr(incremental, "MIN_RENDER_SECONDS", 0.0)
    regen = Regenerator(sample, out=tmp_path / "docs")
    regen.superseded = lambda: len(regen.rendered) >= 12  # the minimum: a dozen pages a run
    made: list[int] = []
    title = "title: Choe Son Hui and Sergei Lavrov meet"
    for n in range(100):
        try:
            regen.run()
            break
        except Superseded:
            assert regen.partial is not None
            made.append(len(regen.partial.made))
            _edit(sample, MEETING, title, f"title: Talks {n}")
            title = f"title: Talks {n}"
    assert len(made) > 3 and made == sorted(made) and len(set(made)) == len(made)  # more each time
    assert _on_disk(tmp_path / "docs") == generate_files(sample)


@pytest.mark.parametrize("prepared", [False, True], ids=["docs from an earlier run", "first start"])
def test_an_invalid_edit_that_stops_a_run_of_every_page_leaves_every_page_there(
    sample: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared: bool
) -> None:
    monkeypatch.setattr(incremental, "MIN_RENDER_SECONDS", 0.0)
    out = tmp_path / "docs"
    before_edit = generate_files(sample)
    regen, _ = _stopped(sample, out, prepared)
    _edit(sample, MEETING, "title: Choe Son Hui and Sergei Lavrov meet", "titel: Talks")  # half typed
    with pytest.raises(ValidationFailed):
        regen.run()
    # The stopped run was finished from the content as it was: every page there, none half made.
    assert _on_disk(out) == before_edit
    _edit(sample, MEETING, "titel: Talks", "title: Talks")
    _same_as_full(regen, sample)


def test_a_page_asked_for_after_an_edit_stopped_a_first_start_is_made_as_the_edit_leaves_it(
    sample: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve without docs/ makes a page when it is asked for: after an edit, from the edited
    content, so a page the edit removed is not made again behind the run that removes it."""
    monkeypatch.setattr(incremental, "MIN_RENDER_SECONDS", 0.0)
    out = tmp_path / "docs"
    regen, _ = _stopped(sample, out, prepared=True)
    (sample.root / "content/meetings/rail-link-opening.yaml").unlink()
    asked = ["meetings/rail-link-opening.md", "meetings/2024-11-choe-lavrov-moscow.md"]
    # A browser asks for them while the run writes docs/ (it gives way between files).
    with giving_way(lambda: _inside("sync_tree") and regen.make_now(asked)):
        regen.run()
    assert not (out / "meetings/rail-link-opening.md").exists()
    assert _on_disk(out) == generate_files(sample)
