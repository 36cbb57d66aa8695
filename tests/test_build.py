"""The whole pipeline through the CLI: check, build with mkdocs --strict, and failing safely."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from generator.build import Project
from generator.cli import main

from conftest import REPO

pytestmark = pytest.mark.build


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its bytes and its modification time."""
    return {
        p.relative_to(root).as_posix(): f"{hashlib.sha256(p.read_bytes()).hexdigest()} {p.stat().st_mtime_ns}"
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _run(project: Project, *args: str) -> int:
    return main(["--project", str(project.root), *args])


def test_check_exit_codes(sample: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(sample, "check") == 0
    assert "no problems" in capsys.readouterr().out
    meeting = sample.root / "content/meetings/2024-11-choe-lavrov-moscow.yaml"
    meeting.write_text(
        meeting.read_text(encoding="utf-8").replace("status: held", "status: hled"), encoding="utf-8"
    )
    assert _run(sample, "check") == 1
    err = capsys.readouterr().err
    assert "content/meetings/2024-11-choe-lavrov-moscow.yaml:6:13: error[enum] (reports[0].status)" in err
    assert err.rstrip().endswith("1 problem found.")
    assert _run(sample, "check", "--format", "nonsense") == 2
    assert _run(sample, "frobnicate") == 2


def test_check_formats(sample: Project, capsys: pytest.CaptureFixture[str]) -> None:
    meeting = sample.root / "content/meetings/2024-11-choe-lavrov-moscow.yaml"
    meeting.write_text(
        meeting.read_text(encoding="utf-8").replace("place: moscow", "place: moskow"), encoding="utf-8"
    )
    assert _run(sample, "check", "--format", "json") == 1
    problems = json.loads(capsys.readouterr().out)
    assert problems == [
        {
            "file": "content/meetings/2024-11-choe-lavrov-moscow.yaml",
            "line": 12,
            "col": 8,
            "code": "reference",
            "path": "place",
            "message": "'moskow' not found in content/places/ (did you mean 'moscow'?)",
        }
    ]
    assert _run(sample, "check", "--format", "github") == 1
    assert capsys.readouterr().err.strip() == (
        "::error file=content/meetings/2024-11-choe-lavrov-moscow.yaml,line=12,col=8,title=reference::"
        "place: 'moskow' not found in content/places/ (did you mean 'moscow'?)"
    )


def test_github_format_is_chosen_under_actions(
    sample: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (sample.root / "content/topics/arms.yaml").write_text("id: arms\n", encoding="utf-8")
    assert _run(sample, "check") == 1
    assert capsys.readouterr().err.startswith(
        "::error file=content/topics/arms.yaml,line=1,col=1,title=required::"
    )


def test_build_writes_docs_and_site(sample: Project) -> None:
    assert _run(sample, "build") == 0
    docs, site = sample.root / "docs", sample.root / "site"
    assert (docs / "meetings/2024-11-choe-lavrov-moscow.md").is_file()
    page = (site / "meetings/2024-11-choe-lavrov-moscow.html").read_text(encoding="utf-8")
    assert "arrinte një fitore të madhe" in page  # the statement, in the original language
    assert "Gjatë një takimi me homologun e saj rusSergei Lavrov" in page  # a footnoted excerpt
    assert 'href="../places/moscow.html"' in page
    assert not (sample.root / ".build").exists()


def test_failed_check_leaves_previous_output_intact(sample: Project) -> None:
    assert _run(sample, "build") == 0
    before = (_tree(sample.root / "docs"), _tree(sample.root / "site"))
    (sample.root / "content/places/moscow.yaml").write_text("id: moscow\nkind: [\n", encoding="utf-8")
    assert _run(sample, "build") == 1
    assert (_tree(sample.root / "docs"), _tree(sample.root / "site")) == before


def test_failed_mkdocs_build_leaves_previous_output_intact(
    sample: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(sample, "build") == 0
    before = (_tree(sample.root / "docs"), _tree(sample.root / "site"))
    # Valid content, but a hand-written page with a broken link: mkdocs --strict refuses it.
    (sample.root / "pages/broken.md").write_text("# Broken\n\n[gone](nowhere.md)\n", encoding="utf-8")
    assert _run(sample, "build") == 1
    err = capsys.readouterr().err
    assert "nowhere.md" in err and "Nothing was changed" in err
    assert (_tree(sample.root / "docs"), _tree(sample.root / "site")) == before


def test_rebuild_keeps_unchanged_pages_untouched(sample: Project) -> None:
    assert _run(sample, "build") == 0
    before = _tree(sample.root / "docs")
    topic = sample.root / "content/topics/arms.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("Weapons and", "Arms and"), encoding="utf-8")
    assert _run(sample, "build") == 0
    after = _tree(sample.root / "docs")
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed == {
        "topics/arms.md",
        "topics/arms.json",
        "downloads/factsheet.json",
    }  # page, record, dataset


def test_stale_pages_are_removed(sample: Project) -> None:
    assert _run(sample, "build") == 0
    (sample.root / "content/topics/extra.yaml").write_text("id: extra\nname: Extra\n", encoding="utf-8")
    assert _run(sample, "build") == 0
    assert (sample.root / "docs/topics/extra.md").is_file()
    (sample.root / "content/topics/extra.yaml").unlink()
    assert _run(sample, "build") == 0
    assert not (sample.root / "docs/topics/extra.md").exists()
    assert not (sample.root / "site/topics/extra.html").exists()


def test_two_builds_give_identical_docs(tmp_path: Path) -> None:
    from conftest import copy_sample

    a, b = copy_sample(tmp_path / "a"), copy_sample(tmp_path / "b")
    assert _run(a, "build") == 0 and _run(b, "build") == 0
    hashes = [{k: v.split()[0] for k, v in _tree(p.root / "docs").items()} for p in (a, b)]
    assert hashes[0] == hashes[1]


def test_usage_error_outside_a_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(tmp_path), "check"]) == 2
    assert "has no mkdocs.yml" in capsys.readouterr().err


def test_site_is_identical_without_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import copy_sample

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = copy_sample(tmp_path / "a"), copy_sample(tmp_path / "b")
    assert _run(a, "build") == 0
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # build() may have set its default
    assert _run(b, "build") == 0
    hashes = [{k: v.split()[0] for k, v in _tree(p.root / "site").items()} for p in (a, b)]
    assert hashes[0] == hashes[1]


def test_broken_config_is_an_error_not_a_traceback(
    sample: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample.root / "mkdocs.yml").write_text("site_name: [\n", encoding="utf-8")
    assert _run(sample, "check") == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml cannot be read" in err and "Traceback" not in err


def test_csv_cells_never_run_as_formulas(sample: Project) -> None:
    actor = sample.root / "content/actors/kim-jong-un.yaml"
    actor.write_text(
        actor.read_text(encoding="utf-8").replace("name: Kim Jong Un", 'name: "=HYPERLINK(1)"'),
        encoding="utf-8",
    )
    assert _run(sample, "generate") == 0
    rows = (sample.root / "docs/downloads/actors.csv").read_text(encoding="utf-8")
    assert ",'=HYPERLINK(1)," in rows
    assert '"=HYPERLINK(1)"' in (sample.root / "docs/downloads/factsheet.json").read_text(encoding="utf-8")


EDIT = "https://github.com/someone/factsheet/edit/main/"
RAW = "https://github.com/someone/factsheet/raw/main/"


def _edit_links(site: Path, page: str) -> list[tuple[str, str]]:
    """(title, href) of the edit and view buttons on a built page."""
    html = (site / page).read_text(encoding="utf-8")
    return re.findall(r'<a href="([^"]+)" title="((?:Edit|View) the file[^"]*)"', html)


def test_edit_and_view_links_open_the_file_a_page_is_made_from(sample: Project) -> None:
    config = sample.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "edit_base" not in text  # the custom key is gone: MkDocs' own repo_url and edit_uri
    config.write_text(
        text.replace(
            "# repo_url: https://github.com/OWNER/REPO", "repo_url: https://github.com/someone/factsheet"
        ),
        encoding="utf-8",
    )
    assert _run(sample, "build") == 0
    site = sample.root / "site"
    meeting = "content/meetings/2024-11-choe-lavrov-moscow.yaml"
    assert _edit_links(site, "meetings/2024-11-choe-lavrov-moscow.html") == [
        (EDIT + meeting, f"Edit the file this page is made from ({meeting})"),
        (RAW + meeting, f"View the file this page is made from ({meeting})"),
    ]
    assert [h for h, _ in _edit_links(site, "actors/sergei-lavrov.html")] == [
        EDIT + "content/actors/sergei-lavrov.yaml",
        RAW + "content/actors/sergei-lavrov.yaml",
    ]
    assert [h for h, _ in _edit_links(site, "about.html")] == [
        EDIT + "pages/about.md",
        RAW + "pages/about.md",
    ]
    for generated_only in ("timeline.html", "dates/2024.html", "meetings/index.html"):
        assert _edit_links(site, generated_only) == []  # made from many records: no one file to edit
    for page in site.rglob("*.html"):  # every link names a file that exists, never generated Markdown
        for href, _ in _edit_links(site, page.relative_to(site).as_posix()):
            path = href.removeprefix(EDIT).removeprefix(RAW)
            assert (sample.root / path).is_file() or (REPO / path).is_file(), href
    # The header links the repository without asking GitHub's API for its stars.
    assert 'class="md-source"' in (site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="source"' not in (site / "index.html").read_text(encoding="utf-8")


def test_no_edit_links_without_a_repository(sample: Project) -> None:
    assert _run(sample, "build") == 0
    for page in ("meetings/2024-11-choe-lavrov-moscow.html", "about.html"):
        assert _edit_links(sample.root / "site", page) == []
        assert 'rel="edit"' not in (sample.root / "site" / page).read_text(encoding="utf-8")


def test_github_actions_environment_gives_a_fork_its_edit_links(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no repo_url in mkdocs.yml, a build under GitHub Actions links to the repository
    and branch it runs for; on a pull request, the branch the change is on."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "a-fork/sheet")
    monkeypatch.setenv("GITHUB_REF_NAME", "12/merge")
    monkeypatch.setenv("GITHUB_HEAD_REF", "fix-dates")
    monkeypatch.setenv("FACTSHEET_SITE_URL", "https://a-fork.github.io/sheet")
    assert _run(sample, "build") == 0
    site = sample.root / "site"
    assert [h for h, _ in _edit_links(site, "actors/sergei-lavrov.html")] == [
        "https://github.com/a-fork/sheet/edit/fix-dates/content/actors/sergei-lavrov.yaml",
        "https://github.com/a-fork/sheet/raw/fix-dates/content/actors/sergei-lavrov.yaml",
    ]
    page = (site / "actors/sergei-lavrov.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/a-fork/sheet"' in page  # the header's repository link
    assert '<link rel="canonical" href="https://a-fork.github.io/sheet/actors/sergei-lavrov.html">' in page
    # A pull request from someone's fork: its branch is in their repository.
    monkeypatch.setenv("FACTSHEET_HEAD_REPOSITORY", "contributor/sheet")
    assert _run(sample, "build") == 0
    assert (
        _edit_links(site, "about.html")[0][0]
        == "https://github.com/contributor/sheet/edit/fix-dates/pages/about.md"
    )
    monkeypatch.delenv("GITHUB_HEAD_REF")  # a push: the repository's own branch, whatever else is set
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    assert _run(sample, "build") == 0
    assert _edit_links(site, "about.html")[0][0] == "https://github.com/a-fork/sheet/edit/main/pages/about.md"


def _search_docs(site: Path, page: str) -> dict[str, str]:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    return {d["location"]: d["text"] for d in index["docs"] if d["location"].startswith(page)}


def test_large_sheets_index_what_identifies_a_meeting(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = "meetings/2024-11-choe-lavrov-moscow.html"
    assert _run(sample, "build") == 0
    full = _search_docs(sample.root / "site", page)
    assert any("#statements" in loc for loc in full)
    assert "Participants" not in full[page]  # the infobox never is: its cells make no sentence
    assert "keep supporting Russia militarily" in full[page]
    # A result reads as the page's sentence, without its footnote marks ("… Russia.[1][5]"); the
    # page shows them, as "[1]" (Wikipedia's way).
    texts = "".join(_search_docs(sample.root / "site", "").values())
    assert "keep supporting Russia militarily" in texts and "<sup>" not in texts
    assert ">[1]</a></sup>" in (sample.root / "site" / page).read_text(encoding="utf-8")

    # A source page is found by what it says of the article and by its outlet, and a result does
    # not run the labels of its facts together ("Title written by the editors… Language…").
    wire = _search_docs(sample.root / "site", "sources/wire-2023-09-14.html")
    assert wire and not any("Language" in text for text in wire.values())
    index = json.loads((sample.root / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert {"Example Wire"} <= {t for d in index["docs"] for t in d.get("tags", [])}

    from generator import model

    monkeypatch.setattr(model, "FULL_TEXT_SEARCH_LIMIT", 0)  # as if the sheet were large
    assert _run(sample, "build") == 0
    lean = _search_docs(sample.root / "site", page)
    assert list(lean) == [page]  # no claims or statements sections
    assert "keep supporting Russia militarily" in lean[page]  # the summary stays
    html = (sample.root / "site" / page).read_text(encoding="utf-8")
    assert 'class="fs-infobox" data-search-exclude=""' in html and "<strong>Participants</strong>" in html
    assert "arrinte një fitore të madhe" in html  # still on the page, only not indexed
