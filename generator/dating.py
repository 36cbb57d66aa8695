"""When an event took place, as far as anyone knows.

An event's start is placed between an earliest and a latest possible day. What
narrows it: the date the editors give (``on``, at its precision), a date the
article gives relative to its own publication ("on Thursday", "last month"),
a day without its year, the editors' bounds (``not_before``, ``not_after``),
each with its reason, and the bounds the engine derives from the reports: a
source that reports an event as held was published after it began; one that
reports it as expected, before. Everything here is pure: the model uses the
result, the validator its problems, and both get them from the same code.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .loader import FieldPath
from .schema import BEGUN, MONTH_NAMES, NOT_YET, WEEKDAYS

MONTHS = tuple(name.capitalize() for name in MONTH_NAMES)
_MAX_YEAR_SCAN = 8  # a day without its year is found within this many years (February 29: 8)


def format_date(value: str) -> str:
    """``2019`` -> 2019; ``2019-04`` -> April 2019; ``2019-04-05`` -> 5 April 2019."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def format_range(on: str, end: str | None) -> str:
    """A date, or a span of dates written once: '27–28 February 2019', '25 July – 2 August 2023'."""
    if not end or end == on:
        return format_date(on)
    if len(on) == len(end) == 10 and on[:4] == end[:4]:
        first = dt.date.fromisoformat(on)
        if on[:7] == end[:7]:
            return f"{first.day}–{format_date(end)}"
        return f"{first.day} {MONTHS[first.month - 1]} – {format_date(end)}"
    if len(on) == len(end) == 7 and on[:4] == end[:4]:
        return f"{MONTHS[int(on[5:]) - 1]} – {format_date(end)}"
    return f"{format_date(on)} – {format_date(end)}"


def format_upper(value: str) -> str:
    """The latest date of a bound: a year reads 'the end of 2025', a month or a day as itself."""
    return f"the end of {value}" if len(value) == 4 else format_date(value)


def format_yearless(value: str) -> str:
    """``07`` -> July; ``07-01`` -> 1 July."""
    month = MONTHS[int(value[:2]) - 1]
    return month if len(value) == 2 else f"{int(value[3:])} {month}"


def first_day(value: str) -> dt.date:
    """The first day of a year, month or day."""
    parts = [int(p) for p in value.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(value: str) -> dt.date:
    """The last day of a year, month or day."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], parts[1], parts[2])


def period(lo: dt.date, hi: dt.date) -> str | None:
    """The day, month or year that is exactly ``lo`` to ``hi``, or None."""
    if lo == hi:
        return lo.isoformat()
    if lo.day == 1 and (lo.year, lo.month) == (hi.year, hi.month) and hi == last_day(lo.isoformat()[:7]):
        return lo.isoformat()[:7]
    if (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31) and lo.year == hi.year:
        return str(lo.year)
    return None


def common_period(lo: dt.date, hi: dt.date) -> str | None:
    """The smallest day, month or year that contains both ``lo`` and ``hi``, or None."""
    if lo == hi:
        return lo.isoformat()
    if (lo.year, lo.month) == (hi.year, hi.month):
        return lo.isoformat()[:7]
    if lo.year == hi.year:
        return str(lo.year)
    return None


@dataclass(frozen=True)
class Bound:
    """A limit on when an event began: not before (``lower``) or not after (``upper``) ``date``."""

    side: str  # "lower" or "upper"
    date: str  # at its own precision
    origin: str  # "editor", "report", "relative" or "whole" (the event it is part of)
    path: FieldPath  # where it comes from in the event's file
    reason: str = ""  # the editor's reason (for derived bounds, the template says why)
    source: str | None = None  # the source of a report, or of relative words
    status: str | None = None  # the status a report gives
    citations: tuple[Any, ...] = ()
    references: tuple[Any, ...] = ()
    event: str | None = None  # the whole, for a bound taken from the event this one is part of

    @property
    def day(self) -> dt.date:
        return first_day(self.date) if self.side == "lower" else last_day(self.date)


@dataclass(frozen=True)
class Dating:
    """Where an event sits in time, and why."""

    on: str | None = None  # the start as stated (or worked out from relative words), at its precision
    end: str | None = None
    lo: str | None = None  # earliest possible start, YYYY-MM-DD
    hi: str | None = None  # latest possible start
    without_year: str | None = None
    year_from_bounds: bool = False  # `on` is a day without its year placed by the bounds
    relative: str | None = None  # what relative words were taken to mean, in English
    lower: Bound | None = None  # the bound that sets `lo`, when the date itself does not
    upper: Bound | None = None
    bounds: tuple[Bound, ...] = ()  # every bound: the editors', then those derived from reports
    # Parts of the date (year, month, day) that only outside references give: the date pages take
    # the event as certain only down to the part above them, and may-be in the rest.
    from_references: tuple[str, ...] = ()

    @property
    def _finest_certain(self) -> int:
        """The length of the finest date key the archived sources give: 10 (a day), 7, 4 or 0."""
        if not self.from_references:
            return 10
        return {"year": 0, "month": 4, "day": 7}[self.from_references[0]]

    @property
    def placed(self) -> bool:
        """Whether anything places the event in time."""
        return self.lo is not None or self.hi is not None

    @property
    def precision(self) -> str | None:
        return {4: "year", 7: "month", 10: "day"}[len(self.on)] if self.on else None

    @functools.cached_property
    def sort_key(self) -> tuple[int, str, str]:
        """Earliest possible start first (or latest, when only that is known); unplaced last.

        An event known only to be not before a month or a year (its possible starts not exactly
        that month or year) sorts after that month's or year's events, as a chronology would put
        it: "not before July 2025" follows what happened in July 2025. Never after its latest
        possible start, though: "between March 2025 and 5 March 2025" sorts at 5 March.
        """
        if not self.placed:
            return (1, "", "")
        first = self.lo or self.hi or ""
        if self.lower is not None and len(self.lower.date) < 10 and self.period is None:
            first = max(first, last_day(self.lower.date).isoformat())
            if self.hi is not None:
                first = min(first, self.hi)
        return (0, first, self.hi or first)

    @property
    def day(self) -> str | None:
        """The one day the event began on, when that is known."""
        return self.lo if self.lo is not None and self.lo == self.hi else None

    @property
    def period(self) -> str | None:
        """The day, month or year that is exactly the possible starts, or None."""
        if self.lo is None or self.hi is None:
            return None
        return period(dt.date.fromisoformat(self.lo), dt.date.fromisoformat(self.hi))

    @functools.cached_property
    def chart_key(self) -> str | None:
        """The month (or, failing that, the year) the event certainly began in, or None."""
        if self.on is not None:
            key: str | None = self.on[:7]
        elif self.lo is None or self.hi is None:
            return None
        else:
            common = common_period(dt.date.fromisoformat(self.lo), dt.date.fromisoformat(self.hi))
            key = common[:7] if common is not None else None
        if key is not None and len(key) > self._finest_certain:
            key = key[:4] if self._finest_certain >= 4 else None
        return key

    @property
    def page_key(self) -> str | None:
        """The date page a shown date links to: its own (day, month, year or period), or, where
        only an outside report gives its finer parts, the finest page the articles place it on
        (25–27 July 2023 with the days from a report: July 2023, which lists it as certain)."""
        if self.on is not None and 4 <= self._finest_certain < len(self.on):
            return self.on[: self._finest_certain]
        return self.on or self.period

    @functools.cached_property
    def chart_months(self) -> tuple[int, int] | None:
        """The first and last month of :attr:`chart_key` the event may have begun in, as far as the
        archived articles go: (7, 7) for July, (7, 9) for "between July and September", (1, 12)
        for a year whose month only an outside report gives and that no report narrows."""
        key = self.chart_key
        if key is None:
            return None
        if len(key) == 7:
            return (int(key[5:7]), int(key[5:7]))
        year = int(key)
        if self.on is not None and self._finest_certain < 7:
            # The month is an outside report's: what the articles leave open is the year, narrowed by
            # the reports' own bounds ("still expected in July 2025": not before July).
            lo = max((b.day for b in self.bounds if b.side == "lower" and b.origin == "report"), default=None)
            hi = min((b.day for b in self.bounds if b.side == "upper" and b.origin == "report"), default=None)
        else:
            lo = dt.date.fromisoformat(self.lo) if self.lo is not None else None
            hi = dt.date.fromisoformat(self.hi) if self.hi is not None else None
        first = lo.month if lo is not None and lo.year == year else 1
        last = hi.month if hi is not None and hi.year == year else 12
        return (first, last) if first <= last else (1, 12)

    def certain_keys(self) -> frozenset[str]:
        """The date pages (year, month, day) the event certainly falls in."""
        return self._certain

    # Worked out once per dating: serve keeps an unchanged event's dating between runs.
    @functools.cached_property
    def _certain(self) -> frozenset[str]:
        finest = self._finest_certain
        if finest < 10 and self.on is not None:
            # Only what the articles give is certain: the start's year or month. Where the end falls
            # is the outside reference's (30 July - 2 August: August only by the reference).
            return frozenset(self.on[:n] for n in (4, 7) if n <= min(finest, len(self.on)))
        return frozenset(k for k in self.stated_keys() if len(k) <= finest)

    def stated_keys(self) -> frozenset[str]:
        """The date pages the date as given falls in, outside references included."""
        return self._stated

    @functools.cached_property
    def _stated(self) -> frozenset[str]:
        if self.on is not None:
            keys = set(days(self.on, self.end))
            for d in (self.on, self.end):
                if d:
                    keys.update({d[:4], d[:7]} if len(d) >= 7 else {d})
            return frozenset(keys)
        if self.lo is None or self.hi is None:
            return frozenset()
        common = common_period(dt.date.fromisoformat(self.lo), dt.date.fromisoformat(self.hi))
        if common is None:
            return frozenset()
        return frozenset(common[:n] for n in (4, 7, 10) if n <= len(common))

    def possible_keys(self) -> frozenset[str]:
        """Date pages the event may fall in (it is not certain): those its possible starts touch.

        Bounded on both sides: every year, and every month and day while the span is short.
        Bounded on one side: the year, month and day of that bound.
        """
        return self._possible

    @functools.cached_property
    def _possible(self) -> frozenset[str]:
        if self.lo is not None and self.hi is not None:
            lo, hi = dt.date.fromisoformat(self.lo), dt.date.fromisoformat(self.hi)
            keys = {str(y) for y in range(lo.year, min(hi.year, lo.year + 200) + 1)}
            months = (hi.year - lo.year) * 12 + hi.month - lo.month
            if months <= 24:
                y, m = lo.year, lo.month
                for _ in range(months + 1):
                    keys.add(f"{y:04d}-{m:02d}")
                    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            if (hi - lo).days <= 62:
                keys.update(days(self.lo, self.hi))
        else:
            edge = self.lower if self.lo is not None else self.upper
            if edge is None:
                return frozenset()
            keys = {edge.date[:n] for n in (4, 7, 10) if n <= len(edge.date)}
        # What only an outside reference gives: the event may fall there, as far as the sources go.
        return frozenset(keys | self._stated) - self.certain_keys()


def days(start: str, end: str | None) -> list[str]:
    """Every day from ``start`` to ``end`` (both day-precise), at most 366 of them."""
    if end is None or len(start) != 10 or len(end) != 10:
        return [start] if len(start) == 10 else []
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    n = min((last - first).days, 365)
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(n + 1)]


def describe(d: Dating) -> str:
    """An event's date in plain English: '5 April 2019', 'by November 2024', '1 July (year not stated)'."""
    if d.on is not None:
        text = format_range(d.on, d.end)
        return (
            f"{text} (year not stated; the only {format_yearless(d.without_year)} within the bounds)"
            if (d.year_from_bounds and d.without_year)
            else text
        )
    span = _span_text(d)
    if d.without_year is not None:
        base = f"{format_yearless(d.without_year)} (year not stated)"
        return f"{base}, {span}" if span else base
    return span or "undated"


def _span_text(d: Dating) -> str:
    exact = d.period
    if exact is not None:
        return format_date(exact)
    lo = d.lower.date if d.lower is not None else None
    hi = d.upper.date if d.upper is not None else None
    if lo is not None and hi is not None:
        return f"between {format_date(lo)} and {format_upper(hi)}"
    if hi is not None:
        return f"by {format_upper(hi)}"
    if lo is not None:
        return f"not before {format_date(lo)}"
    return ""


# --- relative words ----------------------------------------------------------------------


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    n = year * 12 + month - 1 + by
    return n // 12, n % 12 + 1


def _relative_span(cue: str, day: int | None, direction: str, p: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days ``cue`` may name, said on day ``p``; None when no such day exists (31 February)."""
    one = dt.timedelta(days=1)
    if cue in ("today", "yesterday", "tomorrow"):
        d = p + {"today": 0, "yesterday": -1, "tomorrow": 1}[cue] * one
        return d, d
    if cue.endswith("-week"):
        monday = p - p.weekday() * one + {"last": -7, "this": 0, "next": 7}[cue[:4]] * one
        return monday, monday + 6 * one
    if cue.endswith("-month"):
        y, m = _shift_month(p.year, p.month, {"last": -1, "this": 0, "next": 1}[cue[:4]])
        return first_day(f"{y:04d}-{m:02d}"), last_day(f"{y:04d}-{m:02d}")
    if cue.endswith("-year"):
        y = p.year + {"last": -1, "this": 0, "next": 1}[cue[:4]]
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    step = -1 if direction == "past" else 1
    if cue in WEEKDAYS:
        d = p
        while d.weekday() != WEEKDAYS.index(cue):
            d += step * one
        return d, d
    month = MONTH_NAMES.index(cue) + 1
    for k in range(_MAX_YEAR_SCAN + 1):
        y = p.year + step * k
        if day is None:  # the latest month that has begun by p, or the first not over before p
            lo, hi = first_day(f"{y:04d}-{month:02d}"), last_day(f"{y:04d}-{month:02d}")
            if (step < 0 and lo <= p) or (step > 0 and hi >= p):
                return lo, hi
            continue
        if day > calendar.monthrange(y, month)[1]:
            continue
        d = dt.date(y, month, day)
        if (step < 0 and d <= p) or (step > 0 and d >= p):
            return d, d
    return None


def relative_span(
    cue: str, day: int | None, direction: str | None, published: str
) -> tuple[dt.date, dt.date] | None:
    """The earliest and latest day relative words may name, said on any day of ``published``.

    Each cue names later days for a later day of saying, so the ends of the
    publication date give the ends of the span.
    """
    way = direction or "past"
    a = _relative_span(cue, day, way, first_day(published))
    b = _relative_span(cue, day, way, last_day(published))
    if a is None or b is None:
        return None
    return a[0], b[1]


_CUE_WORDS = {
    "today": "the day of its publication",
    "yesterday": "the day before its publication",
    "tomorrow": "the day after its publication",
    "last-week": "the week before its publication",
    "this-week": "the week of its publication",
    "next-week": "the week after its publication",
    "last-month": "the month before its publication",
    "this-month": "the month of its publication",
    "next-month": "the month after its publication",
    "last-year": "the year before its publication",
    "this-year": "the year of its publication",
    "next-year": "the year after its publication",
}


def cue_meaning(cue: str, day: int | None, direction: str | None) -> str:
    """What a cue names, in English: 'the Thursday on or before publication'."""
    if cue in _CUE_WORDS:
        return _CUE_WORDS[cue]
    name = cue.capitalize() if day is None else f"{day} {cue.capitalize()}"
    return f"the {name} on or {'after' if direction == 'future' else 'before'} its publication"


# --- putting it together ------------------------------------------------------------------

Problem = tuple[FieldPath, str, str]  # (path in the event's file, code, message)


def date_event(record: Any, published: Mapping[str, str | None]) -> tuple[Dating, tuple[Problem, ...]]:
    """Place an event (a model ``Meeting``) in time, given each source's publication date.

    Returns the dating and the problems that make it impossible (an empty span):
    each reported once, at the report or bound that is out of line.
    """
    d = record.date
    problems: list[Problem] = []
    lowers: list[Bound] = []
    uppers: list[Bound] = []
    on = end = None
    relative_text = None
    if d is not None:
        on, end = d.on, d.end
        if d.relative is not None:
            r = d.relative
            pub = published.get(r.source)
            if pub is None:
                problems.append(
                    (
                        ("date", "relative", "source"),
                        "relative-date",
                        f"a relative date counts from its source's publication date, and "
                        f"{r.source!r} has none: give `published` in content/sources/{r.source}.yaml, "
                        "or date the event another way",
                    )
                )
            else:
                span = relative_span(r.cue, r.day, r.direction, pub)
                meaning = cue_meaning(r.cue, r.day, r.direction)
                if span is None:
                    problems.append((("date", "relative", "day"), "relative-date", f"there is no {meaning}"))
                else:
                    exact = period(*span)
                    relative_text = f"{meaning} {'on' if len(pub) == 10 else 'in'} {format_date(pub)}"
                    if exact is not None:
                        on = exact
                    else:
                        at: FieldPath = ("date", "relative")
                        lowers.append(Bound("lower", span[0].isoformat(), "relative", at, source=r.source))
                        uppers.append(Bound("upper", span[1].isoformat(), "relative", at, source=r.source))
        for side, b in (("lower", d.not_before), ("upper", d.not_after)):
            if b is not None:
                name = "not_before" if side == "lower" else "not_after"
                bound = Bound(
                    side, b.date, "editor", ("date", name), b.reason, None, None, b.citations, b.references
                )
                (lowers if side == "lower" else uppers).append(bound)
    for i, report in enumerate(record.reports):
        pub = published.get(report.source)
        if pub is None:
            continue
        path: FieldPath = ("reports", i, "status")
        if report.status in BEGUN:
            uppers.append(Bound("upper", pub, "report", path, source=report.source, status=report.status))
        elif report.status in NOT_YET:
            lowers.append(Bound("lower", pub, "report", path, source=report.source, status=report.status))
    bounds = tuple(lowers + uppers)

    # The stated date is a constraint on both sides; it is shown as itself, not as a bound.
    stated = [] if on is None else [Bound("lower", on, "date", ("date", "on"))]
    all_lower = [*stated, *lowers]
    all_upper = [*(Bound("upper", b.date, "date", b.path) for b in stated), *uppers]
    reported: set[FieldPath] = set()
    for lo_b in all_lower:
        for up_b in all_upper:
            if lo_b.day > up_b.day:
                problem = _conflict(lo_b, up_b)
                if problem[0] not in reported:
                    reported.add(problem[0])
                    problems.append(problem)
    lower = max(all_lower, key=lambda b: b.day, default=None)
    upper = min(all_upper, key=lambda b: b.day, default=None)
    lo = lower.day if lower is not None else None
    hi = upper.day if upper is not None else None

    without_year = d.without_year if d is not None else None
    year_from_bounds = False
    if without_year is not None and not problems:
        found = _yearless_span(without_year, lo, hi)
        if found is None:
            problems.append(
                (
                    ("date", "without_year"),
                    "date-bounds",
                    f"no {format_yearless(without_year)} falls between {_describe_bound(lower)} and "
                    f"{_describe_bound(upper)}",
                )
            )
        else:
            lo, hi = found
            # One occurrence left: "1 July" between June 2025 and May 2026 is 1 July 2025.
            one = period(lo, hi) if lo is not None and hi is not None else None
            if one is not None and one[5:] == without_year:
                on, year_from_bounds = one, True
    dating = Dating(
        on=on,
        end=end,
        lo=lo.isoformat() if lo is not None else None,
        hi=hi.isoformat() if hi is not None else None,
        without_year=without_year,
        year_from_bounds=year_from_bounds,
        relative=relative_text,
        lower=lower if lower is not None and lower.origin != "date" else None,
        upper=upper if upper is not None and upper.origin != "date" else None,
        bounds=bounds,
        from_references=d.from_references if d is not None and on == d.on else (),
    )
    return dating, tuple(problems)


def within_whole(part: Dating, whole: Dating, whole_id: str) -> Dating:
    """A part's dating narrowed to the time of its whole, when the part has no date of its own.

    Talks during a visit began once the visit had, and no later than its last
    day (its start, when only that is known). When the two disagree (the part's
    reports place it outside the whole), the part keeps its own dating.
    """
    if whole.on is None:
        return part
    lower = Bound("lower", whole.on, "whole", (), event=whole_id)
    upper = Bound("upper", whole.end or whole.on, "whole", (), event=whole_id)
    lo = max(filter(None, (part.lo, lower.day.isoformat())))
    hi = min(filter(None, (part.hi, upper.day.isoformat())))
    if lo > hi:
        return part
    return dataclasses.replace(
        part,
        lo=lo,
        hi=hi,
        lower=lower if part.lo is None or lower.day.isoformat() >= part.lo else part.lower,
        upper=upper if part.hi is None or upper.day.isoformat() <= part.hi else part.upper,
        bounds=(*part.bounds, lower, upper),
        # Placed by its whole's dates, the part is no surer of them than the whole is.
        from_references=whole.from_references,
    )


def _describe_bound(b: Bound | None) -> str:
    if b is None:
        return "any date"
    if b.origin == "date":
        return f"the date given, {format_date(b.date)}"
    if b.origin == "report":
        return f"the publication of {b.source!r}, {format_date(b.date)}, which reports it {b.status}"
    if b.origin == "relative":
        return f"the relative date, {format_date(b.date)}"
    return f"{'not before' if b.side == 'lower' else 'not after'} {format_date(b.date)}"


def _conflict(lower: Bound, upper: Bound) -> Problem:
    """The problem of a lower bound after an upper one, placed where the editor should look."""
    if upper.origin == "report":
        return (
            upper.path,
            "held-before-source",
            f"reported {upper.status} by {upper.source!r}, published {format_date(upper.date)}, before "
            f"the event's earliest possible date ({_describe_bound(lower)}): a source can report as "
            f"{upper.status} only what had begun by its publication; use 'expected' or 'planned', "
            "or check the dates",
        )
    if lower.origin == "report":
        return (
            lower.path,
            "expected-after-event",
            f"reported {lower.status} by {lower.source!r}, published {format_date(lower.date)}, after "
            f"the event's latest possible date ({_describe_bound(upper)}): a report's status is as of its "
            "source's publication; check the status or the dates",
        )
    # Neither comes from a report: point at the editor's bound (the later in the file first).
    at = upper if upper.origin == "editor" else lower
    return (
        (*at.path, "date") if at.origin == "editor" else at.path,
        "date-bounds",
        f"{_describe_bound(lower)} is after {_describe_bound(upper)}",
    )


def _occurrence(value: str, year: int) -> tuple[dt.date, dt.date] | None:
    month = int(value[:2])
    if len(value) == 2:
        key = f"{year:04d}-{month:02d}"
        return first_day(key), last_day(key)
    day = int(value[3:])
    if day > calendar.monthrange(year, month)[1]:
        return None
    return dt.date(year, month, day), dt.date(year, month, day)


def _yearless_span(
    value: str, lo: dt.date | None, hi: dt.date | None
) -> tuple[dt.date | None, dt.date | None] | None:
    """The first and last possible occurrence of a month or day without its year within lo..hi."""
    first = last = None
    if lo is not None:
        for year in range(lo.year, lo.year + _MAX_YEAR_SCAN + 1):
            occ = _occurrence(value, year)
            if occ is not None and occ[1] >= lo:
                first = max(occ[0], lo)
                break
    if hi is not None:
        for year in range(hi.year, hi.year - _MAX_YEAR_SCAN - 1, -1):
            occ = _occurrence(value, year)
            if occ is not None and occ[0] <= hi:
                last = min(occ[1], hi)
                break
    if first is not None and last is not None and first > last:
        return None
    return first, last
