"""Schema and cross-file checks: each bad input gives one problem at an exact file:line:col."""

from __future__ import annotations

import pytest

from generator.build import Project
from generator.validate import normalise

from conftest import edit as _edit
from conftest import problems as _problems

MEETING = "content/meetings/2024-11-choe-lavrov-moscow.yaml"
ACTOR = "content/actors/sergei-lavrov.yaml"
SOURCE = "content/sources/article-2024-11.yaml"


def test_sample_is_valid(sample: Project) -> None:
    assert _problems(sample) == []


# (file, old text, new text, expected problem prefix)
CASES = [
    (
        MEETING,
        "status: held",
        "status: hled",
        f"{MEETING}:6:13: error[enum] (reports[0].status) 'hled' is not one of held, ongoing, stalled, "
        "planned, expected, announced, requested, postponed, cancelled (did you mean 'held'?)",
    ),
    (
        MEETING,
        "kind: talks",
        "kind: talks\nknd: talks",
        f"{MEETING}:4:1: error[unknown-key] (knd) unknown field 'knd' in event (did you mean 'kind'?)",
    ),
    (
        MEETING,
        '  on: "2024-11"',
        '  on: "2024-13"',
        f"{MEETING}:10:7: error[date] (date.on) '2024-13' has no month 13",
    ),
    (
        MEETING,
        '  on: "2024-11"',
        '  on: "2019-02-30"',
        f"{MEETING}:10:7: error[date] (date.on) '2019-02-30' is not a real day: that month has 28 days",
    ),
    (
        MEETING,
        '  on: "2024-11"',
        '  on: "2024-11"\n  end: "2024-10"',
        f"{MEETING}:11:8: error[date-order] (date.end) end 2024-10 is before on 2024-11",
    ),
    (
        MEETING,
        '  on: "2024-11"',
        "  on: 2024",
        f"{MEETING}:10:7: error[date] (date.on) a number is not a date",
    ),
    (
        MEETING,
        "place: moscow",
        "place: moskow",
        f"{MEETING}:12:8: error[reference] (place) 'moskow' not found in content/places/ "
        "(did you mean 'moscow'?)",
    ),
    (
        MEETING,
        "    side: visitor",
        "    side: guest",
        f"{MEETING}:16:11: error[enum] (participants[0].side) 'guest' is not one of host, visitor, other",
    ),
    (
        MEETING,
        "  - actor: sergei-lavrov",
        "  - actor: choe-son-hui",
        f"{MEETING}:17:5: error[duplicate] (participants[1]) 'choe-son-hui' is listed twice",
    ),
    (
        MEETING,
        "summary: North Korea's",
        "summary: ~ # North Korea's",
        f"{MEETING}:20:10: error[required] (summary) 'summary' must have a value (found null)",
    ),
    (
        MEETING,
        "title: Choe Son Hui and Sergei Lavrov meet in Moscow\n",
        "",
        f"{MEETING}:1:1: error[required] (title) 'title' is required",
    ),
    (
        MEETING,
        "topics: [arms]",
        "topics: arms",
        f"{MEETING}:33:9: error[type] (topics) expected a list, found text",
    ),
    (
        MEETING,
        "        excerpt: njoftoi gjatë",
        "        excerpt: njoftoi dje gjatë",
        f"{MEETING}:26:18: error[not-in-seed] (points[0].citations[0].excerpt) excerpt not found verbatim "
        "in seeds/003_0593ca0994ca8188.txt (source 'article-2024-11')",
    ),
    (
        MEETING,
        "    quote: arrinte",
        "    quote: arriti",
        f"{MEETING}:31:12: error[not-in-seed] (statements[0].quote) quote not found verbatim",
    ),
    (
        MEETING,
        "id: 2024-11-choe-lavrov-moscow",
        "id: choe-lavrov",
        f"{MEETING}:1:5: error[id-filename] (id) id 'choe-lavrov' must equal the file name",
    ),
    (
        MEETING,
        "id: 2024-11-choe-lavrov-moscow",
        "id: ../etc/passwd",
        f"{MEETING}:1:5: error[format] (id) '../etc/passwd' does not match",
    ),
    (
        ACTOR,
        "    note: definite form",
        "    note: definite form\n    lang2: sq",
        f"{ACTOR}:8:5: error[unknown-key] (other_names[0].lang2) unknown field 'lang2' in name "
        "(did you mean 'lang'?)",
    ),
    (
        ACTOR,
        "  - name: Lavrovi",
        "  - name: Lavrovit",
        f"{ACTOR}:5:11: error[not-in-seed] (other_names[0].name) name not found verbatim",
    ),
    (
        ACTOR,
        "    lang: sq\n    note",
        "    lang: xx\n    note",
        f"{ACTOR}:6:11: error[language] (other_names[0].lang) 'xx' is not an ISO 639-1 language code",
    ),
    (
        ACTOR,
        "affiliation: russia",
        "affiliation: sergei-lavrov",
        f"{ACTOR}:12:14: error[reference] (affiliation) an actor cannot be affiliated with itself",
    ),
    (
        MEETING,
        "    by: choe-son-hui",
        "    also_by: [sergei-lavrov]",
        f"{MEETING}:23:14: error[required] (points[0].also_by) 'also_by' needs 'by'",
    ),
    (
        MEETING,
        "    by: choe-son-hui",
        "    by: choe-son-hui\n    also_by: [choe-son-hui]",
        f"{MEETING}:24:14: error[duplicate] (points[0].also_by) 'choe-son-hui' is already 'by'",
    ),
    (
        MEETING,
        "    by: choe-son-hui",
        "    by: choe-son-hui\n    also_by: [sergei-lavrov, nobody]",
        f"{MEETING}:24:30: error[reference] (points[0].also_by[1]) 'nobody' not found in content/actors/",
    ),
    (
        ACTOR,
        "kind: person",
        "kind: [person]",
        f"{ACTOR}:2:7: error[enum] (kind) a list is not one of person, state, organisation",
    ),
    (
        SOURCE,
        "seed: 003_0593ca0994ca8188.txt",
        "seed: 003_missing.txt",
        f"{SOURCE}:2:7: error[reference] (seed) '003_missing.txt' not found in seeds/",
    ),
    (
        SOURCE,
        "language: sq",
        "language: sq\nurl: javascript:alert(1)",
        f"{SOURCE}:4:6: error[format] (url) 'javascript:alert(1)' does not match",
    ),
    (
        MEETING,
        "  - claim: Choe said",
        "  - claim: According to Choe Son Hui, Choe said",
        f"{MEETING}:22:12: error[attribution] (points[0].claim) the site already shows the claim as "
        "'According to …:' from `by`",
    ),
    (
        SOURCE,
        'published: "2024-11"',
        'published: "2024-10"',
        f"{MEETING}:6:13: error[held-before-source] (reports[0].status) reported held by 'article-2024-11', "
        "published October 2024, before the event's earliest possible date (the date given, November 2024)",
    ),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"), CASES, ids=[c[3].split(": error")[1][:40] for c in CASES]
)
def test_bad_input_is_located(sample: Project, rel: str, old: str, new: str, expected: str) -> None:
    _edit(sample, rel, old, new)
    problems = _problems(sample)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


def test_every_problem_is_reported_at_once(sample: Project) -> None:
    _edit(sample, MEETING, "status: held", "status: hled")
    _edit(sample, MEETING, "place: moscow", "place: moskow")
    _edit(sample, ACTOR, "kind: person", "kind: persn")
    problems = _problems(sample)
    assert [p.split(": error")[0] for p in problems] == [f"{ACTOR}:2:7", f"{MEETING}:6:13", f"{MEETING}:12:8"]


def test_duplicate_id_across_files(sample: Project) -> None:
    # Two files cannot share a name, but a mismatched id can collide with another file's.
    src = sample.root / MEETING
    (sample.root / "content/meetings/copy.yaml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    problems = _problems(sample)
    assert any("content/meetings/copy.yaml:1:5: error[id-filename]" in p for p in problems)
    assert any("content/meetings/copy.yaml:1:5: error[duplicate-id]" in p for p in problems)


def test_two_sources_cannot_archive_one_article(sample: Project) -> None:
    wire = sample.root / "content/sources/wire-2023-09-14.yaml"
    wire.write_text(
        wire.read_text(encoding="utf-8").replace(
            "seed: 900_sample_wire.txt", "seed: 004_fea4830ee9b7d6af.txt"
        ),
        encoding="utf-8",
    )
    problems = [p for p in _problems(sample) if "duplicate-seed" in p]
    # Reported once, at the second source (by file name), naming the first.
    assert problems == [
        "content/sources/wire-2023-09-14.yaml:2:7: error[duplicate-seed] (seed) "
        "seeds/004_fea4830ee9b7d6af.txt is already the article of source 'article-2023-09' "
        "(content/sources/article-2023-09.yaml): one article is one source; cite that one, or merge the two"
    ]


def test_dangling_reference_everywhere_it_can_be(sample: Project) -> None:
    (sample.root / "content/actors/russia.yaml").unlink()
    problems = _problems(sample)
    assert problems and all("error[reference]" in p and "'russia'" in p for p in problems)
    # Lavrov's and Putin's affiliation, Lavrov's role, the two places' country, Shoigu's visit and
    # the arms negotiations
    assert len(problems) == 7


def test_normalise_quotes_spaces_and_unicode_form() -> None:
    decomposed = "Ko\u0308re"  # o + combining diaeresis
    assert normalise(f"“a”  «b»\n ‘c’ {decomposed}") == '"a" "b" \'c\' Köre'


def test_a_date_with_a_trailing_line_break_is_refused(sample: Project) -> None:
    _edit(sample, MEETING, '  on: "2024-11"', '  on: "2024-11\\n"')
    problems = _problems(sample)
    assert len(problems) == 1 and "error[date] (date.on)" in problems[0], problems
