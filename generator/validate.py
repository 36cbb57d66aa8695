"""Pure validation: documents and seeds in, problems out.

Per file first (the schema in ``schema.py``, the id matching the file name),
then across files: ids unique and no record's former id, references resolve,
excerpts found verbatim in their seed, each event's date, bounds and reports in
agreement with its sources' publication dates (``dating.py``), and the
structure between events sound (no part_of cycles, series apart). Every problem
is collected; nothing stops at the first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .dating import date_event, format_date
from .errors import Problem
from .loader import Content, Document, FieldPath, format_path
from .parallel import give_way
from .records import record
from .schema import SCHEMAS, SLUG, Checker, date_le, did_you_mean

QUOTES = str.maketrans(
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
    return " ".join(unicodedata.normalize("NFC", text).translate(QUOTES).split())


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
        key = code in ("unknown-key", "outside-excerpt")  # a key that should not be there: point at it
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
            give_way()
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
    archived: dict[str, Document] = {}  # seed -> the first source (by file) that archives it
    for doc in ids["sources"].values():
        seed = doc.data.get("seed")
        if not isinstance(seed, str):
            continue
        first = archived.setdefault(seed, doc)
        if first is not doc:
            problems.append(
                Problem(
                    doc.loc(("seed",)),
                    "duplicate-seed",
                    f"seeds/{seed} is already the article of source {first.data['id']!r} "
                    f"({first.file}): one article is one source; cite that one, or merge the two",
                    "seed",
                )
            )
    known: dict[str, set[str]] = {kind: set(docs) for kind, docs in ids.items()}
    known["seeds"] = set(content.seeds)
    former = _former_ids(results, ids, problems)
    # Files that exist but are broken (unreadable, or with a bad or mismatched id) have their own
    # problem; a reference to them is not reported again as "not found".
    broken = content.unreadable | {(r.doc.kind, r.doc.stem) for r in results if not r.valid}

    sources = ids["sources"]
    # What the checks across files read besides the file itself: unchanged, an unchanged
    # file's results are reused (a long-running process re-checks only what an edit touches).
    context = (known, broken, former, tuple(sources.values()), tuple(content.seeds.items()))
    kept_across = across.results if across is not None and across.context == context else {}
    now_across: dict[str, tuple[_FileResult, list[Problem]]] = {}
    for r in results:
        kept = kept_across.get(r.doc.file)
        found = kept[1] if kept is not None and kept[0] is r else None
        if found is None:
            give_way()
            found = _check_across(r, known, broken, former, sources, content.seeds)
        now_across[r.doc.file] = (r, found)
        problems.extend(found)
    if across is not None:
        across.context, across.results = context, now_across
    problems.extend(_check_structure(ids["meetings"], known, broken))
    return sorted(set(problems))


def _former_ids(
    results: list[_FileResult], ids: dict[str, dict[str, Document]], problems: list[Problem]
) -> dict[tuple[str, str], str]:
    """(kind, former id) -> the id now; a former id still in use, or claimed twice, is a problem."""
    claims: dict[tuple[str, str], list[tuple[Document, int]]] = {}
    for r in results:
        data = r.doc.data
        if not r.valid or not isinstance(data, dict):
            continue
        for i, old in enumerate(data.get("former_ids") or ()):
            path: FieldPath = ("former_ids", i)
            kind = r.doc.kind
            if old == data["id"]:
                message = f"{old!r} is this record's own id"
                problems.append(Problem(r.doc.loc(path), "former-id", message, format_path(path)))
            elif old in ids[kind]:
                problems.append(
                    Problem(
                        r.doc.loc(path),
                        "former-id",
                        f"{old!r} is still the id of {ids[kind][old].file}: a former id's address "
                        "sends readers to this record, so it cannot belong to another",
                        format_path(path),
                    )
                )
            else:
                claims.setdefault((kind, old), []).append((r.doc, i))
    former: dict[tuple[str, str], str] = {}
    for (kind, old), claimants in claims.items():
        if len(claimants) == 1:
            former[(kind, old)] = claimants[0][0].data["id"]
            continue
        for doc, i in claimants:
            others = ", ".join(d.file for d, _ in claimants if d is not doc)
            path = ("former_ids", i)
            problems.append(
                Problem(
                    doc.loc(path),
                    "former-id",
                    f"{old!r} is also a former id of {others}: an old address can lead to one record only",
                    format_path(path),
                )
            )
    return former


def _check_structure(
    events: dict[str, Document], known: dict[str, set[str]], broken: set[tuple[str, str]]
) -> list[Problem]:
    """Between events: part_of without cycles, a series' instances single events it can hold,
    no event possibly the same as itself."""
    problems: list[Problem] = []
    data = {eid: doc.data for eid, doc in events.items() if ("meetings", eid) not in broken}
    for eid, d in data.items():
        doc = events[eid]
        parent = d.get("part_of")
        if isinstance(parent, str) and parent in data:
            seen = [eid]
            while isinstance(parent, str) and parent in data and parent not in seen:
                seen.append(parent)
                parent = data[parent].get("part_of")
            if parent == eid:
                cycle = " -> ".join([*seen, eid])
                problems.append(
                    Problem(
                        doc.loc(("part_of",)),
                        "part-of",
                        f"part_of goes round in a circle: {cycle}",
                        "part_of",
                    )
                )
        for i, other in enumerate(d.get("may_be") or []):
            if other == eid:
                problems.append(
                    Problem(
                        doc.loc(("may_be", i)),
                        "may-be",
                        "an event cannot be listed as possibly the same as itself",
                        f"may_be[{i}]",
                    )
                )
        instances = d.get("instances") or []
        for i, inst in enumerate(instances):
            if isinstance(inst, str) and inst in data and data[inst].get("kind") == "series":
                problems.append(
                    Problem(
                        doc.loc(("instances", i)),
                        "instances",
                        f"{inst!r} is itself a series: a series' instances are single events",
                        f"instances[{i}]",
                    )
                )
        count = d.get("count")
        if isinstance(count, int) and len(instances) > count:
            problems.append(
                Problem(
                    doc.loc(("count",)),
                    "instances",
                    f"the series counts {count} but lists {len(instances)} instances",
                    "count",
                )
            )
    return problems


def _check_across(
    r: _FileResult,
    known: dict[str, set[str]],
    broken: set[tuple[str, str]],
    former: dict[tuple[str, str], str],
    sources: dict[str, Document],
    seeds: dict[str, str],
) -> list[Problem]:
    """The problems of one file that other files decide: references, verbatim text, dates."""
    problems: list[Problem] = []
    doc = r.doc
    for kind, ref, path in r.refs:
        if ref not in known[kind] and (kind, ref) not in broken:
            where = "seeds/" if kind == "seeds" else f"content/{kind}/"
            now = former.get((kind, ref))
            hint = (
                f": it is a former id of {now!r}; refer to {now!r}"
                if now is not None
                else did_you_mean(ref, known[kind])
            )
            problems.append(
                Problem(doc.loc(path), "reference", f"{ref!r} not found in {where}{hint}", format_path(path))
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
        problems.extend(_check_event(doc, sources, broken))
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


def _check_event(doc: Document, sources: dict[str, Document], broken: set[tuple[str, str]]) -> list[Problem]:
    """An event's reports in order of publication, and its date, bounds and reports in agreement."""
    event = record(doc)
    published: dict[str, str | None] = {}
    unknown: set[str] = set()  # missing or broken: they have problems of their own
    for sid in event.dating_sources:
        src = sources.get(sid)
        if src is None or ("sources", sid) in broken or not isinstance(src.data, dict):
            unknown.add(sid)
        else:
            published[sid] = src.data.get("published")
    problems: list[Problem] = []
    dated = [(rep.source, published.get(rep.source)) for rep in event.reports]
    for j, (later, pub_j) in enumerate(dated):
        for earlier, pub_i in dated[:j]:
            if pub_i is not None and pub_j is not None and not date_le(pub_i, pub_j):
                path: FieldPath = ("reports", j, "source")
                problems.append(
                    Problem(
                        doc.loc(path),
                        "report-order",
                        f"{later!r} (published {format_date(pub_j)}) is listed after {earlier!r} "
                        f"(published {format_date(pub_i)}): list reports in the order their sources "
                        "were published; the last one gives the current status",
                        format_path(path),
                    )
                )
                break
    for path, code, message in date_event(event, published)[1]:
        if (
            code == "relative-date"
            and event.date
            and event.date.relative
            and event.date.relative.source in unknown
        ):
            continue
        problems.append(Problem(doc.loc(path), code, message, format_path(path)))
    return problems
