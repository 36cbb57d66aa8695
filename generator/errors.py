"""Problems found in content, each with the place it was found.

Errors are data: a :class:`Problem` has a :class:`Location`, a short code and a
message. A :class:`ValidationFailed` carries every problem of a run so the CLI
can print them all at once, in one of three formats.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; ``line`` and ``col`` are 1-based (0 means unknown)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col or 1}"
        return self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, and where."""

    loc: Location
    code: str
    message: str
    path: str = field(default="")  # dotted field path, e.g. ``participants[0].actor``

    def text(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.loc}: error[{self.code}]{where} {self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the file in a pull request."""
        where = f"{self.path}: " if self.path else ""
        # Workflow commands need %, CR and LF escaped in the message.
        msg = f"{where}{self.message}".replace("%", "%25").replace("\r", "%0D")
        msg = msg.replace("\n", "%0A")
        parts = [f"file={self.loc.file}"]
        if self.loc.line:
            parts += [f"line={self.loc.line}", f"col={self.loc.col or 1}"]
        return f"::error {','.join(parts)},title={self.code}::{msg}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.loc.file,
            "line": self.loc.line,
            "col": self.loc.col,
            "code": self.code,
            "path": self.path,
            "message": self.message,
        }


class ValidationFailed(Exception):
    """Raised with every problem found; the CLI turns it into exit code 1."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s)")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


FORMATS = ("text", "github", "json")


def format_problems(problems: list[Problem], fmt: str) -> str:
    """Render problems, already sorted, in ``text``, ``github`` or ``json`` form."""
    if fmt == "json":
        return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    lines = [p.text() for p in problems]
    n = len(problems)
    lines.append(f"{n} problem{'s' if n != 1 else ''} found.")
    return "\n".join(lines)
