"""Archiving an article into seeds/: its name, drawn from its bytes, and its date line.

A seed is named ``NNN_<hex>.txt``. ``NNN`` is the order of archiving: one more
than the highest number in seeds/, three digits at least. ``<hex>`` is the
first 16 hexadecimal digits of the SHA-256 of the file's bytes, so anyone can
see that a seed is the article it was (``sha256sum seeds/005_*.txt``) and the
same article is never archived under two names. The first five seeds
(000-004) came with hex parts that are no hash of their bytes; they keep their
names, which the sources cite. The bytes are copied as they are: every excerpt
is checked against them.

An archived article may open with a date line, ``date 2024-11`` (the first
words of seeds 003 and 004): the article's own date, as precise as it is
written. It stays in the seed; :func:`date_line` reads it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .fields import Checker, Date
from .loader import load_seeds, read_utf8
from .write import write_atomic

HEX_DIGITS = 16
_NUMBER = re.compile(r"^(\d+)_")
# The first words of the article: "date", the date, then a space, a line break or the end.
_DATE_LINE = re.compile(r"\A\s*(date:?[ \t]+(\d{4}(?:-\d\d){0,2}))(?=\s|\Z)", re.IGNORECASE)


class ArchiveError(Exception):
    """An article that cannot be archived (unreadable, not UTF-8, empty) or a name already taken."""


@dataclass(frozen=True)
class Archived:
    """An article in seeds/: its file name, whether this run copied it there, and its date line."""

    name: str
    copied: bool  # False: the same bytes were in seeds/ already
    date: str | None  # from the date line, checked like any date of the content
    date_line: str = ""  # the date line's words as the article has them ("" if there is none)
    date_problem: str = ""  # why a date line was not taken as a date


def seed_name(number: int, data: bytes) -> str:
    """``NNN_<hex>.txt``: the archive number and the first hex digits of the bytes' SHA-256."""
    return f"{number:03d}_{hashlib.sha256(data).hexdigest()[:HEX_DIGITS]}.txt"


def read_article(path: Path) -> str:
    """The text of an article file, refused unless it is non-empty UTF-8 that seeds/ can hold."""
    text, problem = read_utf8(path, str(path))
    if problem is not None:
        hint = "; save the article as UTF-8 text" if problem.code == "encoding" else ""
        raise ArchiveError(f"{problem.loc}: {problem.message}{hint}")
    assert text is not None
    if not text.strip():
        raise ArchiveError(f"{path}: the article is empty; save its text, then try again")
    return text


def date_line(text: str) -> tuple[str | None, str, str]:
    """The date an article's first line gives, the line's words, and why a date line was refused."""
    match = _DATE_LINE.match(text)
    if match is None:
        return None, "", ""
    words, value = match.groups()
    problems: list[str] = []
    Date().check(value, (), Checker(lambda path, code, message: problems.append(message)))
    if problems:
        return None, words, problems[0]
    return value, words, ""


def archive(article: Path, seeds: Path) -> Archived:
    """Copy ``article`` into ``seeds`` unchanged, named by :func:`seed_name`, unless it is there already."""
    text = read_article(article)
    data = text.encode("utf-8")  # the file's own bytes: strict UTF-8 decodes and encodes back exactly
    date, words, problem = date_line(text)
    # The seeds `check` reads, as it reads them: equal texts are equal bytes (strict UTF-8, no BOM).
    for name, seed_text in load_seeds(seeds, seeds.parent, []).items():
        if seed_text == text:
            return Archived(name, False, date, words, problem)
    names = [p.name for p in seeds.iterdir()] if seeds.is_dir() else []
    numbers = [int(m.group(1)) for m in map(_NUMBER.match, names) if m]
    name = seed_name(max(numbers, default=-1) + 1, data)
    try:
        write_atomic(seeds / name, data, replace=False)
    except FileExistsError:
        raise ArchiveError(
            f"{seeds.name}/{name} is there already and is not this article: it is never replaced"
        ) from None
    return Archived(name, True, date, words, problem)
