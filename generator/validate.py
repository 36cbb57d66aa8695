"""Pure validation: documents and seeds in, problems out.

Per file first (the schema in ``schema.py``, the id matching the file name),
then across files: ids unique, references resolve, excerpts found verbatim in
their seed, a meeting reported as held cited by a source published on or after
it. Every problem is collected; nothing stops at the first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .errors import Problem
from .loader import Content, Document, FieldPath, format_path
from .schema import SCHEMAS, SLUG, Checker, date_le, did_you_mean

_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "″": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "‹": "'",
        "›": "'",
        "′": "'",
        "`": "'",
    }
)
SLUG_RE = re.compile(SLUG)
# Ids whose page would take the place of a generated one (content/meetings/index.yaml -> meetings/index.md).
RESERVED_IDS = frozenset({"index"})


def normalise(text: str) -> str:
    """Text as compared for verbatim checks: NFC, one kind of quote mark, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split())


def _needle(text: str, fold: bool) -> str:
    """``text`` as it is looked for in a seed: normalised, and case-folded if ``fold``."""
    return normalise(text).casefold() if fold else normalise(text)


# Every seed, both ways, made once: a sheet cites its articles over and over.
_normalised_seed = lru_cache(maxsize=4096)(_needle)


@lru_cache(maxsize=1 << 18)
def _in_seed(seed: str, needle: str, fold: bool) -> bool:
    """``needle`` (see :func:`_needle`) is in ``seed`` once that is normalised the same way."""
    return needle in _normalised_seed(seed, fold)


@dataclass
class _FileResult:
    doc: Document
    refs: list[tuple[str, str, FieldPath]] = field(default_factory=list)
    # (path, source id, text, field name, fold, needle): needles are made with the file's own
    # checks (in a worker for a large sheet), so the checks across files only look them up.
    verbatim: list[tuple[FieldPath, str, str, str, bool, str]] = field(default_factory=list)
    valid: bool = True


def _check_file(doc: Document, problems: list[Problem]) -> _FileResult:
    result = _FileResult(doc)

    def emit(path: FieldPath, code: str, message: str) -> None:
        result.valid = False
        key = code == "unknown-key"
        problems.append(Problem(doc.loc(path, key=key), code, message, format_path(path)))

    checker = Checker(emit)
    SCHEMAS[doc.kind].check(doc.data, (), checker)
    result.refs = checker.refs
    result.verbatim = [(*v, _needle(v[2], v[4])) for v in checker.verbatim]
    data = doc.data
    doc_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(doc_id, str) and SLUG_RE.match(doc_id) and doc_id != doc.stem:
        emit(
            ("id",),
            "id-filename",
            f"id {doc_id!r} must equal the file name {doc.stem!r} (rename one of them)",
        )
    if doc_id in RESERVED_IDS:
        emit(
            ("id",),
            "reserved-id",
            f"id {doc_id!r} is reserved: {doc.kind}/{doc_id}.md is the list of all {doc.kind}; "
            "choose another id (and file name)",
        )
    return result


FileCache = dict[str, tuple[Document, "_FileResult", list[Problem]]]


def check_file(doc: Document, cache: FileCache) -> None:
    """Run the checks of one file alone and keep them in ``cache`` for :func:`validate`.

    For a loader that checks each file where it reads it (in a worker process).
    """
    own: list[Problem] = []
    cache[doc.file] = (doc, _check_file(doc, own), own)


def validate(
    content: Content, cache: FileCache | None = None, across: AcrossCache | None = None
) -> list[Problem]:
    """Every problem in the content, sorted by file, line and column.

    With ``cache`` (kept by a long-running process), a document already checked
    (the same object, which the loader's cache returns for an unchanged file)
    is not checked again; with ``across`` too, neither are its checks across
    files while the ids, sources and seeds they read stay the same.
    """
    problems = list(content.problems)
    results = []
    fresh: FileCache = {}
    for doc in content.documents:
        hit = cache.get(doc.file) if cache is not None else None
        if hit is not None and hit[0] is doc:
            result, own = hit[1], hit[2]
        else:
            own = []
            result = _check_file(doc, own)
        fresh[doc.file] = (doc, result, own)
        problems.extend(own)
        results.append(result)
    if cache is not None:
        cache.clear()
        cache.update(fresh)

    ids: dict[str, dict[str, Document]] = {kind: {} for kind in SCHEMAS}
    for r in results:
        data = r.doc.data
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        seen = ids[r.doc.kind].get(data["id"])
        if seen is not None:
            problems.append(
                Problem(
                    r.doc.loc(("id",)), "duplicate-id", f"id {data['id']!r} is also used by {seen.file}", "id"
                )
            )
        else:
            ids[r.doc.kind][data["id"]] = r.doc
    known: dict[str, set[str]] = {kind: set(docs) for kind, docs in ids.items()}
    known["seeds"] = set(content.seeds)
    # Files that exist but are broken (unreadable, or with a bad or mismatched id) have their own
    # problem; a reference to them is not reported again as "not found".
    broken = content.unreadable | {(r.doc.kind, r.doc.stem) for r in results if not r.valid}

    sources = ids["sources"]
    # What the checks across files read besides the file itself: unchanged, an unchanged
    # file's results are reused (a long-running process re-checks only what an edit touches).
    context = (known, broken, tuple(sources.values()), tuple(content.seeds.items()))
    kept_across = across.results if across is not None and across.context == context else {}
    now_across: dict[str, tuple[_FileResult, list[Problem]]] = {}
    for r in results:
        kept = kept_across.get(r.doc.file)
        found = kept[1] if kept is not None and kept[0] is r else None
        if found is None:
            found = _check_across(r, known, broken, sources, content.seeds)
        now_across[r.doc.file] = (r, found)
        problems.extend(found)
    if across is not None:
        across.context, across.results = context, now_across
    return sorted(set(problems))


def _check_across(
    r: _FileResult,
    known: dict[str, set[str]],
    broken: set[tuple[str, str]],
    sources: dict[str, Document],
    seeds: dict[str, str],
) -> list[Problem]:
    """The problems of one file that other files decide: references, verbatim text, dates."""
    problems: list[Problem] = []
    doc = r.doc
    for kind, ref, path in r.refs:
        if ref not in known[kind] and (kind, ref) not in broken:
            where = "seeds/" if kind == "seeds" else f"content/{kind}/"
            problems.append(
                Problem(
                    doc.loc(path),
                    "reference",
                    f"{ref!r} not found in {where}{did_you_mean(ref, known[kind])}",
                    format_path(path),
                )
            )
    for path, source_id, text, name, fold, needle in r.verbatim:
        source = sources.get(source_id)
        if source is None:
            continue  # reported above as a dangling reference
        seed = source.data.get("seed") if isinstance(source.data, dict) else None
        if not isinstance(seed, str) or seed not in seeds:
            continue  # reported on the source file
        if not _in_seed(seeds[seed], needle, fold):
            problems.append(
                Problem(
                    doc.loc(path),
                    "not-in-seed",
                    f"{name} not found verbatim in seeds/{seed} (source {source_id!r}): "
                    f"{_snippet(text)}; copy it from the article exactly",
                    format_path(path),
                )
            )
    if doc.kind == "meetings" and r.valid:
        problems.extend(_check_held(doc, sources))
    if doc.kind == "actors" and r.valid and doc.data.get("affiliation") == doc.data.get("id"):
        problems.append(
            Problem(
                doc.loc(("affiliation",)),
                "reference",
                "an actor cannot be affiliated with itself",
                "affiliation",
            )
        )
    return problems


class AcrossCache:
    """The checks across files of the last run, for a long-running process (``serve``)."""

    def __init__(self) -> None:
        self.context: Any = None  # what those checks read besides each file (ids, sources, seeds)
        self.results: dict[str, tuple[_FileResult, list[Problem]]] = {}


def _snippet(text: str, width: int = 60) -> str:
    flat = normalise(text)
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


def _citing_sources(data: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for cit in data.get("citations") or []:
        found.add(cit["source"])
    for point in data.get("points") or []:
        for cit in point["citations"]:
            found.add(cit["source"])
    return found


def _check_held(doc: Document, sources: dict[str, Document]) -> list[Problem]:
    """A meeting reported as held needs a citing source published on or after its date."""
    data = doc.data
    if data.get("status") != "held" or not data.get("date"):
        return []
    start = data["date"]["on"]
    dated = {}
    for sid in _citing_sources(data):
        src = sources.get(sid)
        published = src.data.get("published") if src and isinstance(src.data, dict) else None
        if isinstance(published, str):
            dated[sid] = published
    if not dated or any(date_le(start, pub) for pub in dated.values()):
        return []
    listing = ", ".join(f"{sid} ({pub})" for sid, pub in sorted(dated.items()))
    return [
        Problem(
            doc.loc(("status",)),
            "held-before-source",
            f"status is 'held' but the meeting ({start}) is after every citing source: {listing}; "
            "use 'planned' or 'expected', or cite a later source",
            "status",
        )
    ]
