"""Events over time: one record per event, reports, dates as far as anyone knows, structure, old ids.

The sample holds the September 2023 scenario: an event reported as expected by
one article (September 2023) and as held by a later one (14 September 2023),
dated from the later article's "on Wednesday". Each check of the event model
gives one problem at an exact file:line:col.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re

import pytest

from generator.build import Project, build, check, generate_files
from generator.dating import Bound, Dating, cue_meaning, describe, relative_span
from generator.export import record_json
from generator.loader import load_content
from generator.validate import validate

from conftest import edit as _edit
from conftest import problems as _problems

KIM_PUTIN = "content/meetings/kim-putin-russia-2023.yaml"
SHOIGU = "content/meetings/shoigu-visit-2023.yaml"
TALKS = "content/meetings/2024-11-choe-lavrov-moscow.yaml"
PLAQUE = "content/meetings/choe-lavrov-plaque.yaml"
SERIES = "content/meetings/kim-putin-meetings.yaml"
RAIL = "content/meetings/rail-link-opening.yaml"
UNSC = "content/meetings/un-security-council-missile-test.yaml"
WIRE = "content/sources/wire-2023-09-14.yaml"
SOURCE_2024 = "content/sources/article-2024-11.yaml"
REFERENCE = "content/references/example-news-2023-09-14.yaml"


# --- checks: (file, old text, new text, the one problem expected) -----------------------------

CASES = [
    (  # an outside reference is cited in the editors' words, never quoted
        WIRE,
        "  - reference: example-news-2023-09-14\n",
        "  - reference: example-news-2023-09-14\n    excerpt: Kim and Putin met\n",
        f"{WIRE}:11:5: error[outside-excerpt] (published_references[0].excerpt) an outside reference "
        "cannot be quoted ('excerpt')",
    ),
    (
        REFERENCE,
        "url: https://example.org/news/2023/09/14/kim-putin\n",
        "",
        f"{REFERENCE}:1:1: error[required] (url) 'url' is required: the page's address",
    ),
    (
        REFERENCE,
        'published: "2023-09-14"\n',
        "",
        f"{REFERENCE}:1:1: error[required] (published) 'published' is required",
    ),
    (  # the rule of held reports, per report: the held one is published before the event
        KIM_PUTIN,
        "  relative:\n    source: wire-2023-09-14\n    words: on Wednesday\n    cue: wednesday\n",
        '  not_before:\n    date: "2023-10"\n    reason: A test.\n',
        f"{KIM_PUTIN}:12:13: error[held-before-source] (reports[1].status) reported held by "
        "'wire-2023-09-14', published 14 September 2023, before the event's earliest possible date "
        "(not before October 2023)",
    ),
    (
        UNSC,
        "  relative:\n    source: article-2024-11\n    words: të hënën\n    cue: monday\n"
        "    direction: future\n",
        '  on: "2024-10"\n',
        f"{UNSC}:6:13: error[expected-after-event] (reports[0].status) reported expected by "
        "'article-2024-11', published November 2024, after the event's latest possible date "
        "(the date given, October 2024)",
    ),
    (
        SERIES,
        "        translation: after their first summit in 2019\n",
        "        translation: after their first summit in 2019\n"
        '  not_after:\n    date: "2018"\n    reason: A test.\n',
        f"{SERIES}:20:11: error[date-bounds] (date.not_after.date) not before 2019 is after not after 2018",
    ),
    (
        RAIL,
        'without_year: "07-01"',
        'without_year: "10-01"',
        f"{RAIL}:10:17: error[date-bounds] (date.without_year) no 1 October falls between not before 2023 "
        "and the publication of 'wire-2023-09-14', 14 September 2023",
    ),
    (
        RAIL,
        'without_year: "07-01"',
        'without_year: "04-31"',
        f"{RAIL}:10:17: error[date] (date.without_year) '04-31' is not a real month or day without a year",
    ),
    (
        WIRE,
        'published: "2023-09-14"\npublished_basis: outside-reference\npublished_references:\n'
        "  - reference: example-news-2023-09-14\n"
        "    says: The agency's report of the meeting went out on 14 September 2023, the day after it.\n",
        "",
        f"{KIM_PUTIN}:17:13: error[relative-date] (date.relative.source) a relative date counts from its "
        "source's publication date, and 'wire-2023-09-14' has none",
    ),
    (
        KIM_PUTIN,
        "    cue: wednesday",
        "    cue: february\n    day: 31",
        f"{KIM_PUTIN}:20:10: error[relative-date] (date.relative.day) there is no the 31 February",
    ),
    (
        KIM_PUTIN,
        "    words: on Wednesday",
        "    words: on Tuesday",
        f"{KIM_PUTIN}:18:12: error[not-in-seed] (date.relative.words) words not found verbatim",
    ),
    (
        KIM_PUTIN,
        "    cue: wednesday",
        "    cue: wednesday\n    day: 13",
        f"{KIM_PUTIN}:20:10: error[conflict] (date.relative.day) 'day' is only for cue: january or",
    ),
    (
        SERIES,
        "instances: [kim-putin-russia-2023]",
        "instances: [kim-putin-russia-2023, kim-putin-meetings]",
        f"{SERIES}:5:36: error[instances] (instances[1]) 'kim-putin-meetings' is itself a series",
    ),
    (
        SERIES,
        "count: 2\ninstances: [kim-putin-russia-2023]",
        "count: 1\ninstances: [kim-putin-russia-2023, shoigu-visit-2023]",
        f"{SERIES}:4:8: error[instances] (count) the series counts 1 but lists 2 instances",
    ),
    (
        SERIES,
        "count: 2\n",
        "",
        f"{SERIES}:1:1: error[required] (count) 'count' is required when kind is 'series'",
    ),
    (
        TALKS,
        "kind: talks\n",
        "kind: talks\ncount: 3\n",
        f"{TALKS}:4:8: error[conflict] (count) 'count' is only for kind: series",
    ),
    (  # a former id still in use, and a reference to a former id
        TALKS,
        "id: 2024-11-choe-lavrov-moscow\n",
        "id: 2024-11-choe-lavrov-moscow\nformer_ids: [choe-lavrov-plaque]\n",
        f"{TALKS}:2:14: error[former-id] (former_ids[0]) 'choe-lavrov-plaque' is still the id of {PLAQUE}",
    ),
    (
        TALKS,
        "related: [kim-putin-russia-2023]",
        "related: [2023-09-kim-putin-expected]",
        f"{TALKS}:34:11: error[reference] (related[0]) '2023-09-kim-putin-expected' not found in "
        "content/meetings/: it is a former id of 'kim-putin-russia-2023'; refer to 'kim-putin-russia-2023'",
    ),
    (  # fields that exclude each other, and a date that says nothing
        TALKS,
        '  on: "2024-11"\n',
        '  on: "2024-11"\n  without_year: "11"\n',
        f"{TALKS}:11:17: error[conflict] (date.without_year) give only one of on, relative, without_year: "
        "'on' is given already",
    ),
    (
        TALKS,
        '  on: "2024-11"\n  inferred: The article, dated 2024-11, reports the visit as news.\n',
        "  inferred: The article, dated 2024-11, reports the visit as news.\n",
        f"{TALKS}:10:3: error[required] (date) event date needs at least one of on, relative, without_year, "
        "not_before, not_after",
    ),
    (
        TALKS,
        '  on: "2024-11"\n',
        '  end: "2024-11"\n  not_before:\n    date: "2024"\n    reason: A test.\n',
        f"{TALKS}:10:8: error[required] (date.end) 'end' needs 'on' too",
    ),
    (  # the parts of a date only outside references give: there must be references, and the parts
        SHOIGU,
        "  references:\n    - reference: example-news-2023-09-14\n"
        "      says: Shoigu was in North Korea from 25 to 27 July 2023.\n",
        "",
        f"{SHOIGU}:13:20: error[required] (date.from_references) 'from_references' needs 'references' too",
    ),
    (
        SHOIGU,
        '  on: "2023-07-25"\n  end: "2023-07-27"\n',
        '  on: "2023-07"\n',
        f"{SHOIGU}:12:21: error[format] (date.from_references[0]) 'day' is finer than the date '2023-07'",
    ),
    (
        SOURCE_2024,
        "published_basis: dateline\n",
        "",
        f"{SOURCE_2024}:5:12: error[required] (published) 'published' needs 'published_basis' too",
    ),
    (
        WIRE,
        "published_basis: outside-reference\n",
        "published_basis: outlet-page\n",
        f"{WIRE}:10:3: error[conflict] (published_references) 'published_references' is only for "
        "published_basis: outside-reference",
    ),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"),
    [c for c in CASES if c[3] is not None],
    ids=[c[3].split(": error")[1][:44] for c in CASES if c[3] is not None],
)
def test_each_event_problem_is_located(sample: Project, rel: str, old: str, new: str, expected: str) -> None:
    _edit(sample, rel, old, new)
    problems = _problems(sample)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


def test_reports_out_of_order(sample: Project) -> None:
    _edit(
        sample,
        UNSC,
        "date:",
        "  - source: article-2023-09\n    status: planned\n    excerpt: pritet të takojë\n"
        "    translation: is expected to meet\ndate:",
    )
    assert _problems(sample) == [
        f"{UNSC}:9:13: error[report-order] (reports[1].source) 'article-2023-09' (published September "
        "2023) is listed after 'article-2024-11' (published November 2024): list reports in the order "
        "their sources were published; the last one gives the current status"
    ]


def test_a_former_id_claimed_twice_is_reported_on_both(sample: Project) -> None:
    _edit(
        sample,
        TALKS,
        "id: 2024-11-choe-lavrov-moscow\n",
        "id: 2024-11-choe-lavrov-moscow\nformer_ids: [2023-09-kim-putin-expected]\n",
    )
    assert _problems(sample) == [
        f"{TALKS}:2:14: error[former-id] (former_ids[0]) '2023-09-kim-putin-expected' is also a former id "
        f"of {KIM_PUTIN}: an old address can lead to one record only",
        f"{KIM_PUTIN}:2:14: error[former-id] (former_ids[0]) '2023-09-kim-putin-expected' is also a former "
        f"id of {TALKS}: an old address can lead to one record only",
    ]


def test_a_part_of_cycle_is_reported_on_each_event_in_it(sample: Project) -> None:
    _edit(
        sample,
        TALKS,
        "id: 2024-11-choe-lavrov-moscow\n",
        "id: 2024-11-choe-lavrov-moscow\npart_of: choe-lavrov-plaque\n",
    )
    problems = [p for p in validate(load_content(sample.root)) if p.code == "part-of"]
    assert sorted(p.loc.file for p in problems) == [TALKS, PLAQUE]


# --- relative words, days without a year, and the words a reader sees ------------------------


@pytest.mark.parametrize(
    ("cue", "day", "direction", "published", "expected"),
    [
        ("thursday", None, None, "2018-05-31", ("2018-05-31", "2018-05-31")),  # said on a Thursday
        ("thursday", None, None, "2018-06-01", ("2018-05-31", "2018-05-31")),  # said the day after
        ("wednesday", None, "future", "2018-05-31", ("2018-06-06", "2018-06-06")),
        ("last-month", None, None, "2018-05-31", ("2018-04-01", "2018-04-30")),
        ("last-month", None, None, "2018-01", ("2017-12-01", "2017-12-31")),  # across a year
        ("next-month", None, None, "2018-05", ("2018-06-01", "2018-06-30")),
        ("february", None, None, "2019-04-25", ("2019-02-01", "2019-02-28")),
        ("february", None, None, "2019-01-10", ("2018-02-01", "2018-02-28")),  # the last February
        ("july", 1, None, "2025-07", ("2025-07-01", "2025-07-01")),  # 1 July, in a July article
        ("july", 13, "future", "2025-07-12", ("2025-07-13", "2025-07-13")),
        ("july", 13, "future", "2025-07", ("2025-07-13", "2026-07-13")),  # month only: not one day
        ("yesterday", None, None, "2024-11-01", ("2024-10-31", "2024-10-31")),
        ("last-week", None, None, "2024-11-06", ("2024-10-28", "2024-11-03")),  # Monday to Sunday
        ("this-year", None, None, "2024-11", ("2024-01-01", "2024-12-31")),
        ("monday", None, "future", "2024-11", ("2024-11-04", "2024-12-02")),
    ],
)
def test_relative_words_name_the_days_they_can(
    cue: str, day: int | None, direction: str | None, published: str, expected: tuple[str, str]
) -> None:
    span = relative_span(cue, day, direction, published)
    assert span is not None
    assert (span[0].isoformat(), span[1].isoformat()) == expected


def test_relative_words_that_name_no_day() -> None:
    assert relative_span("february", 30, None, "2024-05") is None
    assert relative_span("february", 29, None, "2024-05") == (dt.date(2024, 2, 29), dt.date(2024, 2, 29))
    assert cue_meaning("thursday", None, None) == "the Thursday on or before its publication"
    assert cue_meaning("july", 13, "future") == "the 13 July on or after its publication"


def test_how_a_reader_sees_a_date(sample: Project) -> None:
    site = check(sample)
    words = {mid: describe(site.dating[mid]) for mid in site.meetings}
    assert words == {
        "kim-putin-russia-2023": "13 September 2023",  # "on Wednesday", said on 14 September 2023
        "shoigu-visit-2023": "25–27 July 2023",  # "in July", the days from an outside reference
        "arms-negotiations-2023": "by September 2023",  # a process reported ongoing then
        "rail-link-opening": "1 July 2023 (year not stated; the only 1 July within the bounds)",
        "kim-putin-meetings": "between 2019 and 14 September 2023",  # an editor's bound and a report's
        "2024-11-choe-lavrov-moscow": "November 2024",
        "choe-lavrov-plaque": "November 2024",  # the time of the talks it is part of
        "un-security-council-missile-test": "between 4 November 2024 and 2 December 2024",
    }
    assert describe(Dating()) == "undated"


def test_bounds_the_engine_derives_from_reports(sample: Project) -> None:
    """Held by a source: by its date. Expected by a source: not before its date."""
    _edit(
        sample,
        KIM_PUTIN,
        "  relative:\n    source: wire-2023-09-14\n    words: on Wednesday\n    cue: wednesday\n",
        "",
    )
    _edit(sample, KIM_PUTIN, "date:\n", "")
    _edit(sample, UNSC, "  relative:\n", '  not_after:\n    date: "2025"\n    reason: A test.\n  relative:\n')
    _edit(sample, UNSC, "date:\n  not_after:", "date:\n  not_after:")
    site = check(sample)
    kim = site.dating["kim-putin-russia-2023"]
    assert (kim.lower and kim.lower.origin, kim.lower and kim.lower.date) == ("report", "2023-09")
    assert (kim.upper and kim.upper.origin, kim.upper and kim.upper.date) == ("report", "2023-09-14")
    assert (kim.lo, kim.hi) == ("2023-09-01", "2023-09-14")
    assert describe(kim) == "between September 2023 and 14 September 2023"
    plaque = site.dating["choe-lavrov-plaque"]
    assert [(b.origin, b.side) for b in plaque.bounds] == [
        ("report", "upper"),
        ("whole", "lower"),
        ("whole", "upper"),
    ]
    # an event reported only as held by a source of November 2024 happened by then
    _edit(
        sample,
        TALKS,
        '  on: "2024-11"\n  inferred: The article, dated 2024-11, reports the visit as news.\n',
        "",
    )
    _edit(sample, TALKS, "date:\n", "")
    talks = check(sample).dating["2024-11-choe-lavrov-moscow"]
    assert describe(talks) == "by November 2024"
    assert (talks.lo, talks.hi) == (None, "2024-11-30")


def test_a_day_only_an_outside_report_gives_is_not_counted_as_known(sample: Project) -> None:
    """The archived article says "in July"; the days are an outside reference's. The sheet shows
    them, marked, orders by them, and counts the event as certain only in July 2023."""
    site = check(sample)
    shoigu = site.dating["shoigu-visit-2023"]
    assert shoigu.certain_keys() == {"2023", "2023-07"}
    assert {"2023-07-25", "2023-07-26", "2023-07-27"} <= shoigu.possible_keys()
    assert "shoigu-visit-2023" in site.dates["2023-07"].meetings
    day = site.dates["2023-07-26"]  # the page stays, and says what is known of it
    assert "shoigu-visit-2023" in day.possible and "shoigu-visit-2023" not in day.meetings
    files = generate_files(sample)
    page = files["meetings/shoigu-visit-2023.md"].decode("utf-8")
    assert "(../dates/2023-07.md) (inferred; days only in an outside report)" in page  # the month: certain
    day_page = files["dates/2023-07-26.md"].decode("utf-8")
    assert "No event on record certainly falls on 26 July 2023; 1 might." in day_page
    timeline = files["timeline.md"].decode("utf-8")
    assert "25–27 July 2023 (inferred; days only in an outside report)</span>" in timeline
    ics = files["downloads/meetings.ics"].decode("utf-8").replace("\r\n ", "").replace("\\,", ",")
    assert "Only outside reports (not archived with the sheet, so not verified) give the day." in ics
    assert json.loads(files["meetings/shoigu-visit-2023.json"])["dating"]["from_references"] == ["day"]
    rows = csv.DictReader(io.StringIO(files["downloads/meetings.csv"].decode("utf-8")))
    assert next(r for r in rows if r["id"] == "shoigu-visit-2023")["date_from_references"] == "day"
    # Without the field, the same date is the sheet's own: certain to the day.
    _edit(sample, SHOIGU, "  from_references: [day]\n", "")
    site = check(sample)
    assert "shoigu-visit-2023" in site.dates["2023-07-26"].meetings
    page = generate_files(sample)["meetings/shoigu-visit-2023.md"].decode("utf-8")
    assert "(../dates/2023-07-25.md) (inferred) |" in page and "outside report)" not in page


def test_the_year_from_an_outside_report_places_the_event_in_no_year() -> None:
    d = Dating(on="2025-05-09", lo="2025-05-09", hi="2025-05-09", from_references=("year",))
    assert d.certain_keys() == frozenset() and d.chart_key is None
    assert d.possible_keys() == {"2025", "2025-05", "2025-05-09"}
    month_day = Dating(on="2025-07-14", lo="2025-07-14", hi="2025-07-14", from_references=("month", "day"))
    assert month_day.certain_keys() == {"2025"} and month_day.chart_key == "2025"
    # A shown date links to the finest page that lists the event as certain, where there is one.
    assert (d.page_key, month_day.page_key) == ("2025-05-09", "2025")


def test_a_chart_bar_spans_only_the_months_the_articles_leave_open() -> None:
    """Known only as "between July and September 2023": the bar covers those months, not the year;
    a month only an outside report gives leaves the whole year open; a known month is a dot."""
    between = Dating(lo="2023-07-01", hi="2023-09-30")
    assert (between.chart_key, between.chart_months) == ("2023", (7, 9))
    told = Dating(on="2025-07-14", lo="2025-07-14", hi="2025-07-14", from_references=("month", "day"))
    assert (told.chart_key, told.chart_months) == ("2025", (1, 12))
    # ... unless a report bounds it: still expected in a July 2025 article, so not before July.
    expected = Bound("lower", "2025-07", "report", ("reports", 0, "status"), status="expected")
    told = dataclasses.replace(told, bounds=(expected,), lower=None)
    assert told.chart_months == (7, 12)
    by = Dating(on="2024", lo="2024-01-01", hi="2024-11-30")  # a year, reported as held by November
    assert (by.chart_key, by.chart_months) == ("2024", (1, 11))
    month = Dating(on="2023-07", lo="2023-07-01", hi="2023-07-31")
    assert (month.chart_key, month.chart_months) == ("2023-07", (7, 7))
    assert Dating(lo="2011-01-01", hi="2019-04-30").chart_months is None


def test_a_day_from_an_outside_report_leaves_the_end_month_uncertain() -> None:
    """The article says "in July"; the reference, 30 July to 2 August: August is the reference's."""
    d = Dating(on="2023-07-30", end="2023-08-02", lo="2023-07-30", hi="2023-07-30", from_references=("day",))
    assert d.certain_keys() == {"2023", "2023-07"}
    assert {"2023-08", "2023-08-02", "2023-07-30"} <= d.possible_keys()


def test_not_before_a_month_sorts_after_that_months_events() -> None:
    """An event "not before July 2025" follows 12 July 2025; "not before 1 July 2025" does not."""
    talks = Dating(on="2025-07-12", lo="2025-07-12", hi="2025-07-12")
    month = Bound("lower", "2025-07", "editor", ("date", "not_before"))
    later = Dating(lo="2025-07-01", lower=month)
    assert talks.sort_key < later.sort_key
    day = Bound("lower", "2025-07-01", "editor", ("date", "not_before"))
    assert Dating(lo="2025-07-01", lower=day).sort_key < talks.sort_key
    # an event known to the month sorts at its start, as before
    assert Dating(on="2025-07", lo="2025-07-01", hi="2025-07-31").sort_key < talks.sort_key
    # never after its latest possible start: not before July, held by a source of 5 July
    by_fifth = Dating(lo="2025-07-01", hi="2025-07-05", lower=month)
    assert by_fifth.sort_key < talks.sort_key and by_fifth.sort_key[1] == "2025-07-05"


# --- one event, however many report it --------------------------------------------------------


def test_the_september_2023_meeting_is_one_event_with_its_history(sample: Project) -> None:
    site = check(sample)
    event = site.meetings["kim-putin-russia-2023"]
    assert [(r.source, r.status) for r in event.reports] == [
        ("article-2023-09", "expected"),
        ("wire-2023-09-14", "held"),
    ]
    assert event.status == "held"
    files = {k: v.decode("utf-8") for k, v in generate_files(sample).items() if k.endswith(".md")}
    # Shown once on every page that lists it, and counted once in who met whom.
    pages = ["actors/kim-jong-un.md", "actors/vladimir-putin.md", "dates/2023-09.md", "dates/2023.md"]
    pages += ["timeline.md", "meetings/index.md", "topics/arms.md", "places/russia-place.md"]
    for rel in pages:
        rows = [
            line
            for line in files[rel].splitlines()
            if line.startswith(("| ", "<li", "<td>")) and "kim-putin-russia-2023." in line
        ]
        assert len(rows) == 1, (rel, rows)
    assert site.met_with["kim-jong-un"] == (("vladimir-putin", 1),)
    page = files["meetings/kim-putin-russia-2023.md"]
    history = next(line for line in page.splitlines() if line.startswith("| **Status history** |"))
    assert re.search(
        r"expected, according to \[United States\].*\(September 2023\).* → held, per .*\(14 September 2023\)",
        history,
    ), history
    data = record_json(site, "meetings", "kim-putin-russia-2023")
    assert data["status"] == "held"
    assert [(r["citation"]["source"], r["status"]) for r in data["reports"]] == [
        ("article-2023-09", "expected"),
        ("wire-2023-09-14", "held"),
    ]
    assert data["dating"]["earliest"] == data["dating"]["latest"] == "2023-09-13"
    csv = generate_files(sample)["downloads/meetings.csv"].decode("utf-8")
    assert "expected:article-2023-09 > held:wire-2023-09-14" in csv


def test_who_met_whom_counts_held_encounters_once(sample: Project) -> None:
    site = check(sample)
    # The talks and the ceremony during them: one meeting of Choe and Lavrov.
    assert site.met_with["choe-son-hui"] == (("sergei-lavrov", 1),)
    assert site.encounters_by_actor["choe-son-hui"] == ("2024-11-choe-lavrov-moscow",)
    # A count of two meetings is a claim about a number: Kim and Putin met once on record.
    assert site.met_with["kim-jong-un"] == (("vladimir-putin", 1),)
    assert site.series_by_actor["kim-jong-un"] == ("kim-putin-meetings",)
    assert "kim-putin-meetings" not in site.meetings_by_actor["kim-jong-un"]
    # Who requested a meeting is not taking part in it.
    assert site.requested_by_actor["united-states"] == ("un-security-council-missile-test",)
    assert "united-states" not in site.met_with and "united-states" not in site.meetings_by_actor
    # An expected meeting is shown apart from held ones.
    _edit(
        sample,
        KIM_PUTIN,
        "  - source: wire-2023-09-14\n    status: held\n",
        "  - source: wire-2023-09-14\n    status: expected\n",
    )
    _edit(
        sample,
        KIM_PUTIN,
        "  relative:\n    source: wire-2023-09-14\n    words: on Wednesday\n    cue: wednesday\n",
        '  not_after:\n    date: "2023-12"\n    reason: A test.\n',
    )
    site = check(sample)
    assert "kim-jong-un" not in site.met_with
    assert site.to_meet["kim-jong-un"] == (("vladimir-putin", 1),)


def test_a_process_is_not_a_meeting(sample: Project) -> None:
    _edit(sample, TALKS, "kind: talks", "kind: process")
    _edit(sample, PLAQUE, "part_of: 2024-11-choe-lavrov-moscow\n", "")
    _edit(sample, PLAQUE, "  - actor: sergei-lavrov\n    side: host\n", "")
    site = check(sample)
    assert "choe-son-hui" not in site.met_with  # the process is not counted, and the ceremony had one side
    assert "2024-11-choe-lavrov-moscow" in site.meetings_by_actor["choe-son-hui"]  # still on her page


def test_date_pages_list_what_is_certain_and_what_may_be(sample: Project) -> None:
    site = check(sample)
    november = site.dates["2024-11"]
    assert november.meetings == ("2024-11-choe-lavrov-moscow", "choe-lavrov-plaque")
    assert november.possible == ("un-security-council-missile-test",)  # 4 November to 2 December
    # between 2019 and 14 September 2023; by September 2023
    assert site.dates["2023"].possible == ("kim-putin-meetings", "arms-negotiations-2023")
    assert "kim-putin-meetings" not in site.dates["2023"].meetings
    assert "rail-link-opening" in site.dates["2023-07-01"].meetings  # the only 1 July in its bounds
    page = generate_files(sample)["dates/2024-11.md"].decode("utf-8")
    assert "## Events that may fall in this month" in page


def test_the_calendar_holds_only_events_known_to_the_day(sample: Project) -> None:
    ics = generate_files(sample)["downloads/meetings.ics"].decode("utf-8")
    uids = re.findall(r"^UID:(.+)@factsheet\r$", ics, re.M)
    assert uids == ["rail-link-opening", "shoigu-visit-2023", "kim-putin-russia-2023"]
    assert "DTSTART;VALUE=DATE:20230913\r\nDTEND;VALUE=DATE:20230914\r\n" in ics
    assert "DTSTART;VALUE=DATE:20230725\r\nDTEND;VALUE=DATE:20230728\r\n" in ics  # 25-27 July
    # November 2024 is known only to the month, the process only by a bound: no month-long events.
    assert "2024-11-choe-lavrov-moscow" not in ics and "arms-negotiations-2023" not in ics


# --- old addresses keep working ----------------------------------------------------------------


@pytest.mark.build
def test_a_former_address_sends_the_reader_on(sample: Project) -> None:
    build(sample)
    old = (sample.root / "site/meetings/2023-09-kim-putin-expected.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=kim-putin-russia-2023.html">' in old
    assert 'href="kim-putin-russia-2023.html"' in old
    assert '<meta name="robots" content="noindex">' in old
    new = (sample.root / "site/meetings/kim-putin-russia-2023.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in new
    data = json.loads((sample.root / "site/downloads/factsheet.json").read_text(encoding="utf-8"))
    event = next(m for m in data["meetings"] if m["id"] == "kim-putin-russia-2023")
    assert event["former_ids"] == ["2023-09-kim-putin-expected"]


def test_people_in_different_parts_of_a_visit_have_not_met(sample: Project) -> None:
    """Lavrov met Kim at talks and Putin at a ceremony of the same visit: Kim and Putin did not meet."""
    _edit(
        sample,
        PLAQUE,
        "  - actor: choe-son-hui\n    side: visitor\n",
        "  - actor: vladimir-putin\n    side: visitor\n",
    )
    site = check(sample)
    assert dict(site.met_with["sergei-lavrov"]) == {"choe-son-hui": 1, "vladimir-putin": 1}
    assert "choe-son-hui" not in dict(site.met_with["vladimir-putin"])
    assert (
        site.encounters_by_actor["vladimir-putin"].count("2024-11-choe-lavrov-moscow") == 1
    )  # the visit, once


def test_an_event_that_may_be_another_is_not_counted_again(sample: Project) -> None:
    """An article's "previous meeting", with no date or place, may be one already on record."""
    text = (sample.root / KIM_PUTIN).read_text(encoding="utf-8")
    again = text.replace(
        "id: kim-putin-russia-2023\nformer_ids: [2023-09-kim-putin-expected]\n", "id: kim-putin-again\n"
    )
    again = again.replace("title: Kim Jong Un meets Vladimir Putin in Russia", "title: A previous meeting")
    (sample.root / "content/meetings/kim-putin-again.yaml").write_text(again, encoding="utf-8")
    site = check(sample)
    assert site.met_with["kim-jong-un"] == (("vladimir-putin", 2),)  # as two distinct meetings
    _edit(
        sample,
        "content/meetings/kim-putin-again.yaml",
        "topics: [arms]\n",
        "topics: [arms]\nmay_be: [kim-putin-russia-2023]\n",
    )
    site = check(sample)
    assert site.met_with["kim-jong-un"] == (("vladimir-putin", 1),)
    assert site.may_be_same["kim-putin-russia-2023"] == ("kim-putin-again",)
    pages = generate_files(sample)
    again_page = pages["meetings/kim-putin-again.md"].decode()
    assert "May be the same event as" in again_page and "does not count it again" in again_page
    assert "kim-putin-again.md" in pages["meetings/kim-putin-russia-2023.md"].decode()
    # Not as the same as itself.
    _edit(
        sample,
        "content/meetings/kim-putin-again.yaml",
        "may_be: [kim-putin-russia-2023]",
        "may_be: [kim-putin-again]",
    )
    problems = _problems(sample)
    assert len(problems) == 1 and "error[may-be] (may_be[0])" in problems[0], problems


def test_an_outside_reference_on_the_place_is_shown_as_such(sample: Project) -> None:
    """Where an article's place differs from what an outside report says, both show, apart."""
    _edit(
        sample,
        KIM_PUTIN,
        "place_by: united-states\n",
        "place_by: united-states\nplace_references:\n  - reference: example-news-2023-09-14\n"
        "    says: They met at a space centre.\n",
    )
    site = check(sample)
    assert [u.kind for u in site.outside_uses["example-news-2023-09-14"]].count("meetings") >= 1
    page = generate_files(sample)["meetings/kim-putin-russia-2023.md"].decode()
    place_row = next(line for line in page.splitlines() if line.startswith("| **Place** |"))
    assert 'class="fs-outside">outside reference</span>' in place_row
    assert "They met at a space centre." in place_row
    # The place's own page lists the meeting, and says an outside report places it: marked as such.
    place = generate_files(sample)["places/russia-place.md"].decode()
    listed = place.split("Where an outside reference reports the place of a meeting listed here:")[1]
    line = next(x for x in listed.splitlines() if x.startswith("- "))
    assert "kim-putin-russia-2023" in line and 'class="fs-outside">outside reference</span>' in line
    assert "They met at a space centre." in line
    # An excerpt is refused there: an outside page is not archived, so its words cannot be checked.
    _edit(sample, KIM_PUTIN, "    says: They met at a space centre.\n", "    excerpt: They met.\n")
    assert any("place_references[0]" in p for p in _problems(sample))
