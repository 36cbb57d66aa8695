"""The whole pipeline through the CLI: check, build with mkdocs --strict, and failing safely."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from generator.build import Project
from generator.cli import main

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


def test_edit_links_open_the_yaml_file(sample: Project) -> None:
    config = sample.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'edit_base: ""', 'edit_base: "https://example.org/edit/main/"'
        ),
        encoding="utf-8",
    )
    assert _run(sample, "build") == 0
    page = (sample.root / "site/meetings/2024-11-choe-lavrov-moscow.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/edit/main/content/meetings/2024-11-choe-lavrov-moscow.yaml"' in page
    actor = (sample.root / "site/actors/sergei-lavrov.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/edit/main/content/actors/sergei-lavrov.yaml"' in actor
    about = (sample.root / "site/about.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/edit/main/pages/about.md"' in about
    for generated_only in ("timeline.html", "dates/2024.html", "meetings/index.html"):
        assert 'rel="edit"' not in (sample.root / "site" / generated_only).read_text(encoding="utf-8")
    assert ".md" not in page.split('rel="edit"')[0].rsplit("href=", 1)[-1]  # never the generated Markdown


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

    from generator import model

    monkeypatch.setattr(model, "FULL_TEXT_SEARCH_LIMIT", 0)  # as if the sheet were large
    assert _run(sample, "build") == 0
    lean = _search_docs(sample.root / "site", page)
    assert list(lean) == [page]  # no claims or statements sections
    assert "keep supporting Russia militarily" in lean[page]  # the summary stays
    html = (sample.root / "site" / page).read_text(encoding="utf-8")
    assert 'class="fs-infobox" data-search-exclude=""' in html and "<strong>Participants</strong>" in html
    assert "arrinte një fitore të madhe" in html  # still on the page, only not indexed
