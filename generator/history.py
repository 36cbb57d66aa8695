"""Each content file's history, read from git: when a record was first published, when it
last changed, and how; and where the repository lives, for edit and commit links.

One ``git log`` over content/ per build. Without git, without commits, or in a shallow
clone (where the oldest commit present would pass for the day everything was added)
there is no history, and pages say nothing rather than something wrong. The same
commit always gives the same history: only committed changes count, by commit time.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ACTIONS = {"A": "added", "M": "changed", "D": "removed", "R": "renamed", "C": "added", "T": "changed"}


@dataclass(frozen=True)
class Change:
    """One commit's change to one content file."""

    commit: str  # full hash
    time: int  # committer time, seconds since the epoch
    subject: str  # the commit message's first line
    action: str  # added, changed, removed, renamed
    file: str  # the file's path after this commit (before it, for a removal)
    renamed_from: str | None = None

    @property
    def day(self) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(self.time))

    @property
    def stamp(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.time))


@dataclass(frozen=True)
class History:
    """Changes by file, newest first. ``files`` are keyed by a file's path today; a file
    that was renamed carries the changes made under its older names too."""

    files: dict[str, tuple[Change, ...]] = field(default_factory=dict)
    removed: dict[str, tuple[Change, ...]] = field(default_factory=dict)  # files gone today
    commit_url: str | None = None  # a commit's hash appended to this is a link to it
    site_url: str | None = None  # where the site is published, for the feed's absolute links

    def of(self, file: str) -> tuple[Change, ...]:
        return self.files.get(file, ())

    def first_published(self, file: str) -> str | None:
        changes = self.of(file)
        return changes[-1].day if changes else None

    def last_changed(self, file: str) -> str | None:
        changes = self.of(file)
        return changes[0].day if changes else None

    def recent(self, limit: int) -> list[tuple[str, Change]]:
        """The latest ``limit`` changes to any file, newest first, as (file today or as removed, change)."""
        everything = [(f, c) for f, cs in self.files.items() for c in cs]
        everything += [(f, c) for f, cs in self.removed.items() for c in cs]
        everything.sort(key=lambda fc: (-fc[1].time, fc[1].commit, fc[0]))
        return everything[:limit]


@dataclass(frozen=True)
class Repository:
    """Where the sheet's files live online: for edit, view and commit links."""

    url: str  # https://github.com/OWNER/REPO
    edit_uri: str  # relative to url, ends with "/": edit/BRANCH/


def _git(root: Path, *args: str) -> str | None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["LC_ALL"] = "C"
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, env=env, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def history_for(root: Path, content: str, config: Path) -> History | None:
    """The history of a project's content, with links to commits when the repository is known."""
    repo = repository(config)
    history = read_history(root, content)
    if history is None:
        return None
    return dataclasses.replace(
        history, commit_url=f"{repo.url}/commit/" if repo else None, site_url=site_url(config)
    )


class HistoryMissing(Exception):
    """``FACTSHEET_HISTORY=required`` and there is no history to read (CI must not publish without);
    or the list of commits that change nothing cannot be read."""


# Commits that change no record's facts (a reformatting, a comment added to every file), listed
# as for ``git blame --ignore-revs-file`` and GitHub's blame view: they are not a record's changes.
IGNORE_REVS = ".git-blame-ignore-revs"


def ignored_commits(root: Path, length: int) -> set[str]:
    """The commits :data:`IGNORE_REVS` lists, as committed at the repository's top (none without it).

    As git reads it: one full commit hash a line (``length`` hex digits: 40, or 64 in a SHA-256
    repository), ``#`` to the end of a line a comment. Read from the commit being built, as the
    rest of the history is. A line that is anything else raises :class:`HistoryMissing`, naming it.
    """
    text = _git(root, "show", f"HEAD:{IGNORE_REVS}")
    if text is None:  # no such file in that commit
        return set()
    commits: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        rev = line.split("#", 1)[0].strip(" \t\r\n\f\v")
        if not rev:
            continue
        if len(rev) != length or not all(c in "0123456789abcdefABCDEF" for c in rev):
            raise HistoryMissing(
                f"{IGNORE_REVS}:{number} (as committed): {rev[:70]!r} is not a full commit hash "
                f"({length} hex digits a line, as `git rev-parse COMMIT` prints it; # starts a comment)"
            )
        commits.add(rev.lower())
    return commits


def _merged_only_ignored(root: Path, parents: list[str], ignored: set[str]) -> bool:
    """Whether every commit a merge brought in (reachable from its other parents, not its first)
    is one ``ignored`` lists: then the merge's own change is none of a record's either."""
    # Each other parent is brought in itself unless the first reaches it: with none of them
    # listed, the answer is no, and git need not be asked (nor for a commit that is no merge).
    if not any(p in ignored for p in parents[1:]):
        return False
    out = _git(root, "rev-list", *parents[1:], "--not", parents[0])
    brought = (out or "").split()
    return bool(brought) and all(c in ignored for c in brought)


def read_history(root: Path, content: str) -> History | None:
    """The history of every file under ``root/content`` that git knows, or None if there is none.

    ``FACTSHEET_HISTORY``: ``0`` never reads it; ``required`` raises :class:`HistoryMissing`
    rather than build pages that say nothing of it (the deploy workflow sets it).
    """
    setting = os.environ.get("FACTSHEET_HISTORY", "1")
    if setting == "0":
        return None
    history = _read_history(root, content)
    if history is None and setting == "required":
        raise HistoryMissing(
            f"FACTSHEET_HISTORY=required, but {root} has no readable git history of {content}/ "
            "(not a git checkout, a shallow clone, or git refused it: run `git log` there to see why)"
        )
    return history


def _read_history(root: Path, content: str) -> History | None:
    if (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() != "false":
        return None  # not a repository, or a shallow clone: no history rather than a wrong one
    # The branch's own line (--first-parent): a change merged from a branch is dated, and
    # described, by the commit that brought it in, so "first published" is when it reached
    # the branch the site is built from, not when it was written elsewhere. Newest first in
    # parent order (rename tracking relies on it); no signatures mixed into the output.
    out = _git(
        root,
        "-c",
        "log.showSignature=false",
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--topo-order",
        "--no-show-signature",
        "-M",
        "--relative",
        "--name-status",
        "-z",
        "--format=%x1e%H%x1f%ct%x1f%P%x1f%s",
        "--",
        content,
    )
    if not out:
        return None
    chunks = out.split("\x1e")[1:]
    ignored = ignored_commits(root, len(chunks[0].split("\x1f", 1)[0]) if chunks else 40)
    present = {p.relative_to(root).as_posix() for p in (root / content).rglob("*.yaml")}
    later_name: dict[str, str] = {}  # a path in an older commit -> the file's path today
    by_file: dict[str, list[Change]] = defaultdict(list)
    for chunk in chunks:
        header, _, rest = chunk.partition("\0")
        commit, stamp, parents, subject = [*header.split("\x1f", 3), "", "", ""][:4]
        skip = commit in ignored or _merged_only_ignored(root, parents.split(), ignored)
        tokens = rest.lstrip("\n").split("\0")
        i = 0
        while i < len(tokens) and tokens[i]:
            status = tokens[i][:1]
            if status in ("R", "C"):
                old, new = tokens[i + 1], tokens[i + 2]
                i += 3
            else:
                old, new = tokens[i + 1], tokens[i + 1]
                i += 2
            if not new.endswith(".yaml"):
                continue
            action = ACTIONS.get(status, "changed")
            if action == "changed" and skip:
                continue  # changed nothing a reader sees (additions, removals and renames still count)
            today = later_name.get(new, new)
            change = Change(
                commit=commit,
                time=int(stamp),
                subject=subject,
                action=action,
                file=new,
                renamed_from=old if status == "R" else None,
            )
            by_file[today].append(change)
            if status == "R":
                later_name[old] = today
            if status == "A" and new in later_name:
                del later_name[new]  # an older file of the same name is another record
    files = {f: tuple(cs) for f, cs in sorted(by_file.items()) if f in present}
    removed = {f: tuple(cs) for f, cs in sorted(by_file.items()) if f not in present}
    return History(files=files, removed=removed)


class _PlainLoader(yaml.SafeLoader):
    pass


_PlainLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def plain_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml read without running any of its tags (``!ENV`` and the like read as unset).

    Raises OSError, UnicodeDecodeError or yaml.YAMLError if it cannot be read.
    """
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_PlainLoader)
    return data if isinstance(data, dict) else {}


def _raw_config(path: Path) -> dict[str, Any]:
    try:
        return plain_config(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}


def repository(config: Path, environ: dict[str, str] | None = None) -> Repository | None:
    """The repository, from mkdocs.yml's ``repo_url`` and ``edit_uri``, or else, when built by
    GitHub Actions, from its environment: a fork publishes working links with no configuration.

    ``edit_uri`` is relative to the repository's root (``edit/main/``): every page names the
    file it is made from in its ``edit_path``, generated pages their YAML file.
    """
    env = os.environ if environ is None else environ
    raw = _raw_config(config)
    url = raw.get("repo_url")
    if isinstance(url, str) and url.strip():
        edit_uri = raw.get("edit_uri")
        edit = edit_uri if isinstance(edit_uri, str) and edit_uri else "edit/main/"
        return Repository(url.rstrip("/"), edit if edit.endswith("/") else edit + "/")
    server, repo = env.get("GITHUB_SERVER_URL", ""), env.get("GITHUB_REPOSITORY", "")
    # On a pull request GITHUB_REF_NAME is "N/merge"; the branch to edit is the head branch,
    # in the repository it lives in (a fork's, which the workflow passes on).
    branch = env.get("GITHUB_REF_NAME", "")
    if env.get("GITHUB_HEAD_REF"):
        branch = env["GITHUB_HEAD_REF"]
        repo = env.get("FACTSHEET_HEAD_REPOSITORY") or repo
    if server and repo and branch:
        return Repository(f"{server.rstrip('/')}/{repo}", f"edit/{branch}/")
    return None


def site_url(config: Path, environ: dict[str, str] | None = None) -> str | None:
    """Where the site is published: mkdocs.yml's ``site_url``, else ``FACTSHEET_SITE_URL`` (the deploy
    workflow sets it from GitHub Pages). Always ends with "/"."""
    env = os.environ if environ is None else environ
    url = _raw_config(config).get("site_url") or env.get("FACTSHEET_SITE_URL") or None
    if not isinstance(url, str) or not url.strip():
        return None
    return url.strip() if url.strip().endswith("/") else url.strip() + "/"


def entry_id(change: Change) -> str:
    """A permanent, unique Atom id for one change to one file: from the commit and the file's
    path in it, so neither a later rename nor a new site address or title changes it."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"factsheet-change:{change.commit}:{change.file}").urn
