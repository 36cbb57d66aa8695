"""sync_tree: the folder ends up holding exactly the wanted files, whatever stood there before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.write import WriteError, sync_tree


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize("atomic", [True, False])
def test_sync_tree_replaces_whatever_is_in_the_way(tmp_path: Path, atomic: bool) -> None:
    root = tmp_path / "out"
    (root / "stale/deeper").mkdir(parents=True)
    (root / "stale/deeper/old.md").write_bytes(b"old")
    (root / "keep.md").write_bytes(b"same")
    (root / "changed.md").write_bytes(b"before")
    (root / "was-a-folder.md").mkdir()  # a folder where a file belongs
    (root / "was-a-folder.md/inside.md").write_bytes(b"x")
    (root / "was-a-file").write_bytes(b"a file where a folder belongs")
    (tmp_path / "elsewhere.md").write_bytes(b"outside")
    os.symlink(tmp_path / "elsewhere.md", root / "link.md")  # a link where a file belongs
    keep_mtime = (root / "keep.md").stat().st_mtime_ns
    wanted = {
        "keep.md": b"same",
        "changed.md": b"after",
        "was-a-folder.md": b"now a file",
        "was-a-file/page.md": b"now in a folder",
        "link.md": b"now a real file",
        "new/nested/page.md": b"new",
    }
    stats = sync_tree(root, wanted, atomic=atomic)
    assert _tree(root) == wanted
    assert not (root / "link.md").is_symlink()
    assert (tmp_path / "elsewhere.md").read_bytes() == b"outside"  # the link's target is untouched
    assert not (root / "stale").exists()  # emptied folders go too
    assert (root / "keep.md").stat().st_mtime_ns == keep_mtime
    assert stats.unchanged == 1
    assert sorted(stats.written) == sorted(set(wanted) - {"keep.md"})
    assert stats.removed == ["stale/deeper/old.md"]
    assert not [p for p in root.rglob("*.tmp")]


def test_sync_tree_twice_writes_nothing(tmp_path: Path) -> None:
    files = {"a.md": b"a", "b/c.md": b"c"}
    sync_tree(tmp_path / "o", files)
    stats = sync_tree(tmp_path / "o", files)
    assert (stats.written, stats.unchanged, stats.removed) == ([], 2, [])


@pytest.mark.parametrize("rel", ["../escape.md", "/abs.md", "a/../../b.md", ""])
def test_sync_tree_refuses_paths_outside(tmp_path: Path, rel: str) -> None:
    with pytest.raises(WriteError):
        sync_tree(tmp_path / "o", {rel: b"x"})
    assert not (tmp_path / "escape.md").exists()


def test_linked_staging_never_writes_into_the_original(tmp_path: Path) -> None:
    from generator.write import link_tree

    old = tmp_path / "docs"
    sync_tree(old, {"same.md": b"same", "changed.md": b"before", "gone.md": b"gone"})
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in old.iterdir()}
    staged = tmp_path / "staged"
    link_tree(old, staged)
    stats = sync_tree(staged, {"same.md": b"same", "changed.md": b"after"}, atomic=False, linked=True)
    assert (stats.written, stats.removed) == (["changed.md"], ["gone.md"])
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in old.iterdir()} == before
    assert _tree(staged) == {"same.md": b"same", "changed.md": b"after"}
    assert (staged / "same.md").stat().st_mtime_ns == before["same.md"][1]
