"""Page history, What's new and the Atom feed, from a sample sheet's git history; and nothing
at all (rather than something wrong) without git or in a shallow clone."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from generator.build import Project, generate
from generator.cli import main
from generator.history import read_history

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def with_history(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTSHEET_HISTORY", "1")  # conftest turns it off for every other test


def _git(root: Path, *args: str, date: str = "2026-01-05T10:00:00+00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def _commit(root: Path, message: str, date: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message, date=date)


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def sheet(sample: Project) -> Project:
    """The sample sheet with four commits: everything added; Lavrov changed; the rail link
    renamed; a second arms topic added, then merged into the first."""
    root = sample.root
    _git(root, "init", "-q", "-b", "main")
    _commit(root, "Add the sample sheet", "2026-01-05T10:00:00+00:00")
    _replace(root, "content/actors/sergei-lavrov.yaml", "\n", "\n# Checked against the article.\n")
    shutil.copy(root / "content/topics/arms.yaml", root / "content/topics/weapons.yaml")
    _replace(root, "content/topics/weapons.yaml", "id: arms", "id: weapons")
    _commit(root, "Lavrov: checked; a weapons topic", "2026-02-10T09:30:00+00:00")
    old, new = (
        root / "content/meetings/rail-link-opening.yaml",
        "content/meetings/rail-link-opening-2023.yaml",
    )
    _git(root, "mv", str(old), new)
    _replace(
        root, new, "id: rail-link-opening\n", "id: rail-link-opening-2023\nformer_ids: [rail-link-opening]\n"
    )
    _commit(root, "Rail link: the year in its id", "2026-03-15T08:00:00+00:00")
    (root / "content/topics/weapons.yaml").unlink()
    _replace(root, "content/topics/arms.yaml", "id: arms\n", "id: arms\nformer_ids: [weapons]\n")
    _commit(root, "Merge the weapons topic into arms <one topic>", "2026-03-20T16:45:00+00:00")
    return sample


def test_history_follows_renames_and_keeps_removed_files(sheet: Project) -> None:
    history = read_history(sheet.root, "content")
    assert history is not None
    rail = history.of("content/meetings/rail-link-opening-2023.yaml")
    assert [(c.day, c.action) for c in rail] == [("2026-03-15", "renamed"), ("2026-01-05", "added")]
    assert rail[0].renamed_from == "content/meetings/rail-link-opening.yaml"
    assert history.first_published("content/actors/sergei-lavrov.yaml") == "2026-01-05"
    assert history.last_changed("content/actors/sergei-lavrov.yaml") == "2026-02-10"
    assert [c.action for c in history.removed["content/topics/weapons.yaml"]] == ["removed", "added"]
    assert history.of("content/topics/weapons.yaml") == ()  # gone today


def test_record_pages_show_their_history(sheet: Project) -> None:
    assert main(["--project", str(sheet.root), "generate"]) == 0
    page = (sheet.root / "docs/actors/sergei-lavrov.md").read_text(encoding="utf-8")
    history = page.split("## Page history", 1)[1]
    assert "Added to the sheet on 5 January 2026; last changed on 10 February 2026." in history
    assert "- 10 February 2026, changed: “Lavrov: checked; a weapons topic”" in history
    assert "- 5 January 2026, added: “Add the sample sheet”" in history
    rail = (sheet.root / "docs/meetings/rail-link-opening-2023.md").read_text(encoding="utf-8")
    assert "- 15 March 2026, renamed (was rail-link-opening): “Rail link: the year in its id”" in rail
    # A record no commit has touched yet (a new, uncommitted file) says nothing about its history.
    new = sheet.root / "content/topics/sanctions.yaml"
    new.write_text(
        (sheet.root / "content/topics/arms.yaml")
        .read_text(encoding="utf-8")
        .replace("id: arms", "id: sanctions"),
        encoding="utf-8",
    )
    _replace(sheet.root, "content/topics/sanctions.yaml", "former_ids: [weapons]\n", "")
    assert main(["--project", str(sheet.root), "generate"]) == 0
    assert "Page history" not in (sheet.root / "docs/topics/sanctions.md").read_text(encoding="utf-8")


def test_commits_link_to_the_repository_when_it_is_known(
    sheet: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "someone/sheet")
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    assert main(["--project", str(sheet.root), "generate"]) == 0
    page = (sheet.root / "docs/actors/sergei-lavrov.md").read_text(encoding="utf-8")
    commits = re.findall(r"\(https://github\.com/someone/sheet/commit/([0-9a-f]{40})\)", page)
    assert len(commits) == 2
    assert commits[0] == _head(sheet.root, "HEAD~2")  # the Lavrov commit, newest first


def _head(root: Path, rev: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", rev], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_whats_new_lists_changes_newest_first_and_where_removed_records_went(sheet: Project) -> None:
    assert main(["--project", str(sheet.root), "generate"]) == 0
    text = (sheet.root / "docs/whats-new.md").read_text(encoding="utf-8")
    days = re.findall(r"^## (.+)$", text, flags=re.M)
    assert days == ["20 March 2026", "15 March 2026", "10 February 2026", "5 January 2026"]
    march = text.split("## 20 March 2026", 1)[1].split("## 15 March", 1)[0]
    assert "- Topic weapons, removed: now part of [Arms supplies](topics/arms.md):" in march
    february = text.split("## 10 February 2026", 1)[1].split("## 5 January", 1)[0]
    # The removed record's earlier changes say what they were, and that it is gone since.
    assert "- Topic weapons, added (since removed): “Lavrov: checked; a weapons topic”" in february
    merge = "“Merge the weapons topic into arms &lt;one topic&gt;”"  # a commit message is never raw HTML
    assert f"- Topic [Arms supplies](topics/arms.md), changed: {merge}" in march
    rail = "[A new rail link between the two countries opens](meetings/rail-link-opening-2023.md)"
    assert f"Event {rail}, renamed (was rail-link-opening)" in text
    assert "feed.xml" in text


def test_the_feed_is_valid_atom(sheet: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTSHEET_SITE_URL", "https://someone.github.io/sheet")
    assert main(["--project", str(sheet.root), "build"]) == 0
    site = sheet.root / "site"
    feed = ET.parse(site / "feed.xml").getroot()  # well-formed XML
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287 4.1.1: a feed has exactly one id, title and updated, and an author (none of
    # the entries has its own); 4.1.2: each entry exactly one id, title and updated, and a link.
    for name in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.findtext(f"{ATOM}author/{ATOM}name")
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == "https://someone.github.io/sheet/feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    # Every change to a content file: each file today added once, then five more changes.
    assert len(entries) == len(list((sheet.root / "content").rglob("*.yaml"))) + 5
    ids, stamps = [], []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        ids.append(entry.findtext(f"{ATOM}id"))
        stamp = entry.findtext(f"{ATOM}updated") or ""
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)  # RFC 3339
        stamps.append(datetime.fromisoformat(stamp))
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        href = link.get("href", "")
        assert href.startswith("https://someone.github.io/sheet/")
        assert (site / href.removeprefix("https://someone.github.io/sheet/")).is_file(), href
    assert len(set(ids)) == len(ids) and all(i and i.startswith("urn:uuid:") for i in ids)
    assert stamps == sorted(stamps, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == "2026-03-20T16:45:00Z"
    weapons = [e.findtext(f"{ATOM}title") for e in entries if "weapons" in (e.findtext(f"{ATOM}title") or "")]
    assert weapons == ["Removed: weapons, now part of Arms supplies", "Added: weapons (since removed)"]
    assert "Renamed: A new rail link between the two countries opens (was rail-link-opening)" in [
        e.findtext(f"{ATOM}title") for e in entries
    ]
    # The pages that announce it to feed readers.
    for page in ("index.html", "whats-new.html"):
        assert 'type="application/atom+xml"' in (site / page).read_text(encoding="utf-8")


def test_commits_listed_as_changing_nothing_are_no_records_change(
    sheet: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A commit in .git-blame-ignore-revs (a comment added to every file, say) is no change to a
    record on its page, in What's new or in last_changed; a file it adds is still added."""
    root = sheet.root
    for path in sorted((root / "content").rglob("*.yaml")):
        path.write_text("# Reviewed in April.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(root / "content/topics/arms.yaml", root / "content/topics/sanctions.yaml")
    _replace(root, "content/topics/sanctions.yaml", "id: arms\nformer_ids: [weapons]\n", "id: sanctions\n")
    _commit(root, "A review note in every file; a sanctions topic", "2026-04-01T12:00:00+00:00")
    mechanical = _head(root, "HEAD")
    history = read_history(root, "content")
    assert history is not None and history.last_changed("content/actors/sergei-lavrov.yaml") == "2026-04-01"

    ignore = root / ".git-blame-ignore-revs"
    ignore.write_text(f"# Changes no record\n\n{mechanical}  # the review notes\n", encoding="utf-8")
    history = read_history(root, "content")  # not committed yet: the commit being built has no list
    assert history is not None and history.last_changed("content/actors/sergei-lavrov.yaml") == "2026-04-01"
    _commit(root, "List the review notes as changing no record", "2026-04-02T12:00:00+00:00")
    history = read_history(root, "content")
    assert history is not None
    lavrov = history.of("content/actors/sergei-lavrov.yaml")
    assert [(c.day, c.action) for c in lavrov] == [("2026-02-10", "changed"), ("2026-01-05", "added")]
    assert [(c.day, c.action) for c in history.of("content/topics/sanctions.yaml")] == [
        ("2026-04-01", "added")
    ]
    assert main(["--project", str(root), "generate"]) == 0
    page = (root / "docs/actors/sergei-lavrov.md").read_text(encoding="utf-8")
    assert "last changed on 10 February 2026." in page and "A review note" not in page
    news = (root / "docs/whats-new.md").read_text(encoding="utf-8")
    assert news.count("A review note in every file") == 1  # the topic it added, no other record

    # A line that is not a full hash is an error naming the file and line, not a history that
    # quietly counts the commit after all.
    ignore.write_text(f"# Changes no record\n{mechanical[:10]}\n", encoding="utf-8")
    _commit(root, "An abbreviated hash", "2026-04-03T12:00:00+00:00")
    capsys.readouterr()
    assert main(["--project", str(root), "generate"]) != 0
    assert f".git-blame-ignore-revs:2 (as committed): '{mechanical[:10]}' is not a full commit hash" in (
        capsys.readouterr().err
    )


def test_a_merge_that_brought_in_only_listed_commits_is_no_records_change(sheet: Project) -> None:
    """The list names a pull request's own commits, as git blame needs them; the merge that
    brought them in is then no record's change either, unless it brought in another commit too."""
    root = sheet.root
    lavrov, arms = "content/actors/sergei-lavrov.yaml", "content/topics/arms.yaml"

    def merge(branch: str, date: str) -> None:
        _git(root, "checkout", "-q", "main")
        _git(root, "merge", "-q", "--no-ff", "-m", f"Merge {branch}", branch, date=date)

    _git(root, "checkout", "-q", "-b", "form")
    for rel in (lavrov, arms):
        (root / rel).write_text("# Form only.\n" + (root / rel).read_text(encoding="utf-8"), encoding="utf-8")
    _commit(root, "Form only", "2026-04-01T12:00:00+00:00")
    form = _head(root, "HEAD")
    _git(root, "checkout", "-q", "-b", "mixed", "main")
    _replace(root, arms, "\n", "\n# A fact checked again.\n")
    _commit(root, "Arms: checked again", "2026-04-02T12:00:00+00:00")
    _replace(root, lavrov, "\n", "\n# Form only, again.\n")
    _commit(root, "Form only, again", "2026-04-02T13:00:00+00:00")
    form_again = _head(root, "HEAD")
    merge("form", "2026-04-03T12:00:00+00:00")
    merge("mixed", "2026-04-04T12:00:00+00:00")
    (root / ".git-blame-ignore-revs").write_text(f"{form}\n{form_again}\n", encoding="utf-8")
    _commit(root, "List the form-only commits", "2026-04-05T12:00:00+00:00")

    history = read_history(root, "content")
    assert history is not None
    # "Merge form" brought in only a listed commit: no change. "Merge mixed" brought in a real
    # change too, so it counts for every file it changed (the list cannot say which were form).
    assert [c.subject for c in history.of(lavrov)] == [
        "Merge mixed",
        "Lavrov: checked; a weapons topic",
        "Add the sample sheet",
    ]
    assert [c.subject for c in history.of(arms)][:2] == [
        "Merge mixed",
        "Merge the weapons topic into arms <one topic>",
    ]


def test_downloads_carry_first_published_and_last_changed(sheet: Project) -> None:
    assert main(["--project", str(sheet.root), "generate"]) == 0
    lavrov = json.loads((sheet.root / "docs/actors/sergei-lavrov.json").read_text(encoding="utf-8"))
    assert (lavrov["first_published"], lavrov["last_changed"]) == ("2026-01-05", "2026-02-10")
    dataset = json.loads((sheet.root / "docs/downloads/factsheet.json").read_text(encoding="utf-8"))
    rail = next(m for m in dataset["meetings"] if m["id"] == "rail-link-opening-2023")
    assert (rail["first_published"], rail["last_changed"]) == ("2026-01-05", "2026-03-15")


def test_the_same_commit_builds_the_same_pages(sheet: Project, tmp_path: Path) -> None:
    assert main(["--project", str(sheet.root), "generate"]) == 0
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(sheet.root), str(clone)], check=True)
    for folder in ("templates", "pages", "overrides"):  # the sample takes these from the repository
        shutil.copytree(sheet.root / folder, clone / folder, dirs_exist_ok=True)
    shutil.copy(sheet.root / "mkdocs.yml", clone / "mkdocs.yml")
    generate(Project(clone))
    for path in sorted((sheet.root / "docs").rglob("*")):
        if path.is_file():
            rel = path.relative_to(sheet.root / "docs")
            assert (clone / "docs" / rel).read_bytes() == path.read_bytes(), rel


def test_no_history_says_nothing(sample: Project, tmp_path: Path) -> None:
    """No git (a tarball), or a shallow clone: no page history, no feed, null dates."""
    assert main(["--project", str(sample.root), "generate"]) == 0
    docs = sample.root / "docs"
    assert "Page history" not in (docs / "actors/sergei-lavrov.md").read_text(encoding="utf-8")
    assert not (docs / "feed.xml").exists()
    assert "built without the repository's history" in (docs / "whats-new.md").read_text(encoding="utf-8")
    lavrov = json.loads((docs / "actors/sergei-lavrov.json").read_text(encoding="utf-8"))
    assert lavrov["first_published"] is None and lavrov["last_changed"] is None


def test_a_shallow_clone_has_no_history(sheet: Project, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{sheet.root}", str(shallow)], check=True)
    assert read_history(shallow, "content") is None  # its one commit would pass for the day all was added
    assert read_history(sheet.root, "content") is not None


def _feed_ids(project: Project) -> dict[str, str]:
    feed = ET.parse(project.root / "docs/feed.xml").getroot()
    return {
        e.findtext(f"{ATOM}summary") or "": e.findtext(f"{ATOM}id") or ""
        for e in feed.findall(f"{ATOM}entry")
    }


def test_feed_ids_survive_renames_and_a_new_address(sheet: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A feed reader must not see old changes again: an entry's id is the change's, whatever
    the record is renamed to later or wherever the site moves."""
    assert main(["--project", str(sheet.root), "generate"]) == 0
    before = _feed_ids(sheet)
    _git(sheet.root, "mv", "content/actors/sergei-lavrov.yaml", "content/actors/lavrov.yaml")
    _replace(
        sheet.root,
        "content/actors/lavrov.yaml",
        "id: sergei-lavrov\n",
        "id: lavrov\nformer_ids: [sergei-lavrov]\n",
    )
    for path in (sheet.root / "content").rglob("*.yaml"):  # references to the old id (not former_ids)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bsergei-lavrov\b(?!\])", "lavrov", text), encoding="utf-8")
    _commit(sheet.root, "Lavrov: a shorter id", "2026-04-01T09:00:00+00:00")
    monkeypatch.setenv("FACTSHEET_SITE_URL", "https://factsheet.example.org/")
    assert main(["--project", str(sheet.root), "generate"]) == 0
    after = _feed_ids(sheet)
    lavrov = [k for k in before if "sergei-lavrov.yaml" in k]
    assert lavrov and all(after[k] == before[k] for k in lavrov)


def test_a_merged_branch_is_dated_when_it_reached_the_branch(sheet: Project) -> None:
    """A change written on a branch on 1 April and merged on 9 April was published on 9 April."""
    root = sheet.root
    _git(root, "checkout", "-q", "-b", "fix")
    _replace(root, "content/actors/vladimir-putin.yaml", "\n", "\n# Checked.\n")
    _commit(root, "Putin: checked", "2026-04-01T10:00:00+00:00")
    _git(root, "checkout", "-q", "main")
    _git(
        root, "merge", "-q", "--no-ff", "-m", "Merge the Putin check", "fix", date="2026-04-09T15:00:00+00:00"
    )
    assert main(["--project", str(root), "generate"]) == 0
    page = (root / "docs/actors/vladimir-putin.md").read_text(encoding="utf-8")
    assert "last changed on 9 April 2026" in page
    assert "- 9 April 2026, changed: “Merge the Putin check”" in page
    assert "1 April" not in page


def test_history_can_be_required(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The deploy workflow requires the history: without it the build fails instead of
    publishing pages that say nothing of it."""
    monkeypatch.setenv("FACTSHEET_HISTORY", "required")
    assert main(["--project", str(sample.root), "generate"]) != 0
    assert "FACTSHEET_HISTORY=required" in capsys.readouterr().err
    assert not (sample.root / "docs").exists()
