"""The course's one dose-date engine: the days a pattern from ``data/regimens.csv`` gives.

Everything that turns "three times a week" or "every 3 months" into dates calls this module:
``regimens`` (``Regimen.schedule``, ``Phase.doses_in_phase``), ``exercise_tasks`` (the expected
dates and counts of the exercises), ``stores`` and the store simulator (dose days for the
body-store model), and the solution notebooks. Standard library only: dates are
``datetime.date``; callers that want pandas convert at their edge.

DERIVED CONVENTIONS. These are the course's own choices, made so that every timeline, exercise
answer and simulation agrees. They are NOT clinical facts: the sources say "three times a week"
or "every 3 months" and leave the exact days to the prescriber and the clinic.

1. **First dose** on the start day.
2. **Patterns** (the ``pattern`` column of regimens.csv):

   - ``daily``: every day; ``alternate days``: every 2 days; ``weekly``: every 7 days;
   - ``three times a week``: the start day, +2 days, +4 days, then the same three weekdays every
     week (gaps of 2, 2 and 3 days). The start weekday is kept: a Monday start gives Monday,
     Wednesday, Friday (the days the ``uk-cks-load`` row's notes name, and the clinic days of the
     exercise scenarios, which start on Mondays); a Tuesday start gives Tuesday, Thursday,
     Saturday;
   - ``twice a year``: every 6 calendar months;
   - ``every``: ``interval`` ``interval_unit`` s, where the unit is day, week, month or year.

3. **A month is a calendar month**: the same day of the month, clipped to the month's last day
   (31 January + 1 month = 28 February, or 29 February in a leap year). A year is 12 calendar
   months. The n-th dose of a phase is its first dose + n intervals, never the previous dose +
   one interval, so clipping does not drift: 31 Jan, 28 Feb, 31 Mar, 30 Apr ...
4. **Windows are end-exclusive.** A window of N days from ``start`` covers the days
   start .. start + N - 1, so "every 3 months" from 1 January over 365 days gives 4 doses
   (1 Jan, 1 Apr, 1 Jul, 1 Oct). ``until`` a date means strictly before it ("before the first
   anniversary").
5. **A phase ends** after its ``n_doses`` doses, or when its duration, counted from its first
   dose, is over (also end-exclusive: "daily for 6 days" is 6 doses, "three times a week for
   2 weeks" is 6). A phase with neither is open-ended and runs to the end of the window.
6. **Phases in sequence**: the next phase's first dose falls one of ITS OWN intervals after the
   previous phase's last dose ("3 months after the last loading injection").
7. **Ranges** in the sources (every 2-3 months, for 6-7 days, 250-1000 micrograms) are taken at
   the lower end unless ``ranges="upper"``: the sources leave that choice to the prescriber.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math
from collections.abc import Iterable

from b12course.sources.cells import is_blank

UNITS = ("day", "week", "month", "year")
PATTERNS = ("daily", "alternate days", "weekly", "three times a week", "twice a year", "every")
RANGES = ("lower", "upper")
#: "three times a week": days after the start of each weekly cycle (convention 2)
THREE_A_WEEK_OFFSETS = (0, 2, 4)
#: the interval each named pattern stands for (convention 2); "every" reads its own
FIXED_INTERVALS = {"daily": (1, "day"), "alternate days": (2, "day"), "weekly": (1, "week"),
                   "twice a year": (6, "month")}
#: the first day used when a phase's dose count is worked out without a real start date
REFERENCE_START = dt.date(2024, 1, 1)


# ------------------------------------------------------------------------------ calendar


def as_date(value, what: str = "start date") -> dt.date:
    """A ``datetime.date`` from a date, datetime, pandas Timestamp or 'YYYY-MM-DD' text."""
    if value is None or (not isinstance(value, str) and value != value):  # NaN, NaT
        raise ValueError(f"The {what} is missing. Use e.g. '2025-01-06'.")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    elif type(value).__name__ == "datetime64":  # numpy
        return as_date(str(value)[:10], what)
    elif callable(getattr(value, "date", None)):  # pandas Timestamp
        result = value.date()
        if isinstance(result, dt.date):
            return result
    raise ValueError(f"{value!r} is not a date. Use e.g. '2025-01-06' or "
                     "datetime.date(2025, 1, 6).")


def _whole(value, what: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a whole number; got {value!r}.") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{what} must be a whole number; got {value!r}.")
    return int(number)


def _unit(unit) -> str:
    if unit not in UNITS:
        raise ValueError(f"Unknown interval unit {unit!r}. Accepted: {', '.join(UNITS)}.")
    return unit


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clipped to the month's last day (convention 3)."""
    index = day.year * 12 + day.month - 1 + _whole(months, "A number of months")
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add(day, amount, unit: str) -> dt.date:
    """``day`` plus ``amount`` days, weeks, calendar months or years (convention 3)."""
    day = as_date(day, "date")
    unit = _unit(unit)
    if unit == "month":
        return add_months(day, _whole(amount, "A number of months"))
    if unit == "year":
        return add_months(day, 12 * _whole(amount, "A number of years"))
    per = 7 if unit == "week" else 1
    return day + dt.timedelta(days=_whole(float(amount) * per, f"{amount!r} {unit}s in days"))


def days_in(amount, unit: str, start=REFERENCE_START) -> int:
    """Calendar days from ``start`` to ``start`` + amount units (a month is 28-31 days)."""
    start = as_date(start, "date")
    return (add(start, amount, unit) - start).days


def span_days(amount, unit: str) -> float:
    """A length of time with no start date of its own ("within 2 months"), in days.

    Hours are fractions of a day; days, weeks, months and years are counted as calendar time
    from REFERENCE_START (convention 3), so "2 months" is the same number of days here as in
    every schedule that starts on that day.
    """
    if unit == "hour":
        return float(amount) / 24
    return float(days_in(amount, unit))


def positive_days(value, name: str = "days") -> int:
    """A window length in whole days above zero, or a ValueError that says what is accepted."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number of days, e.g. 180; got {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number of days, e.g. 180; got {value!r}.") \
            from None
    if math.isnan(number) or number <= 0 or number != int(number):
        raise ValueError(f"{name} must be a whole number of days above zero, e.g. 180; "
                         f"got {value!r}.")
    return int(number)


def window_end(start, days) -> dt.date:
    """The first day AFTER a window of ``days`` days from ``start`` (convention 4)."""
    return as_date(start) + dt.timedelta(days=positive_days(days))


def day_offsets(dates: Iterable, start) -> list[int]:
    """Days from ``start`` for each date (0 = the start day), e.g. for the body-store model."""
    start = as_date(start)
    return [(as_date(day, "date") - start).days for day in dates]


# ------------------------------------------------------------------------------ patterns


@dataclasses.dataclass(frozen=True)
class Rhythm:
    """How often doses come: a ``pattern`` word and, for ``every``, an interval and unit."""

    pattern: str
    every: float | None = None
    unit: str = ""

    def __post_init__(self):
        if self.pattern not in PATTERNS:
            raise ValueError(f"Unknown dosing pattern {self.pattern!r}. Accepted: "
                             f"{', '.join(PATTERNS)}.")
        if self.pattern == "every":
            _unit(self.unit)
            if self.every is None or not float(self.every) > 0:
                raise ValueError(f"The interval must be above zero; got {self.every!r}.")
            add(REFERENCE_START, self.every, self.unit)  # a whole number of days or months

    @property
    def interval(self) -> tuple[float, str] | None:
        """(amount, unit) between doses, or None for "three times a week" (gaps 2, 2, 3)."""
        if self.pattern == "every":
            return self.every, self.unit
        return FIXED_INTERVALS.get(self.pattern)

    def nth(self, first, i: int) -> dt.date:
        """The date of dose number ``i`` (0 = ``first``) (conventions 2 and 3)."""
        first = as_date(first, "first dose")
        if i < 0:
            raise ValueError("Doses are numbered from 0.")
        if self.pattern == "three times a week":
            return first + dt.timedelta(days=7 * (i // 3) + THREE_A_WEEK_OFFSETS[i % 3])
        amount, unit = self.interval
        return add(first, float(amount) * i, unit)


@dataclasses.dataclass(frozen=True)
class Course:
    """One phase: a rhythm, ended by a number of doses, a duration, or neither (open-ended)."""

    rhythm: Rhythm
    n_doses: int | None = None
    duration: float | None = None
    duration_unit: str = ""

    def __post_init__(self):
        if self.n_doses is not None and _whole(self.n_doses, "n_doses") <= 0:
            raise ValueError(f"n_doses must be above zero; got {self.n_doses!r}.")
        if self.duration is not None:
            _unit(self.duration_unit)
            if not float(self.duration) > 0:
                raise ValueError(f"The duration must be above zero; got {self.duration!r}.")

    @property
    def open_ended(self) -> bool:
        """True when nothing but the window ends the phase."""
        return self.n_doses is None and self.duration is None

    def end(self, first) -> dt.date | None:
        """The first day after the phase's duration (None when it has no duration)."""
        if self.duration is None:
            return None
        return add(first, self.duration, self.duration_unit)

    def dates(self, first, until=None) -> list[dt.date]:
        """Dose dates from ``first``, stopping before ``until`` and at the phase's own end."""
        first = as_date(first, "first dose")
        limit = self.end(first)
        if until is not None:
            until = as_date(until, "end date")
            limit = until if limit is None else min(limit, until)
        if limit is None and self.n_doses is None:
            raise ValueError("This phase has no fixed length; give an end date (until=...).")
        found: list[dt.date] = []
        while self.n_doses is None or len(found) < self.n_doses:
            when = self.rhythm.nth(first, len(found))
            if limit is not None and when >= limit:
                break
            found.append(when)
        return found

    def count(self, first=REFERENCE_START) -> int | None:
        """How many doses a fixed-length phase gives (None when open-ended)."""
        return None if self.open_ended else len(self.dates(first))

    def first_after(self, previous_last) -> dt.date:
        """This phase's first dose after the previous phase's last dose (convention 6)."""
        return self.rhythm.nth(previous_last, 1)


# ------------------------------------------------------------------------------ table rows


def _field(row, name: str):
    try:
        return row[name]
    except (KeyError, TypeError, IndexError):
        return getattr(row, name, None)


def _number(value) -> float | None:
    if is_blank(value):
        return None
    return float(value)


def pick(low, high, ranges: str = "lower"):
    """The lower or upper end of a range from the sources (convention 7)."""
    if ranges not in RANGES:
        raise ValueError(f"Unknown ranges {ranges!r}. Accepted: {', '.join(RANGES)}.")
    return high if ranges == "upper" and high is not None else low


def course(row, ranges: str = "lower") -> Course:
    """The Course a regimens.csv row describes (a pandas row, a dict or a ``regimens.Phase``)."""
    if isinstance(row, Course):
        return row
    pattern = _field(row, "pattern")
    if not isinstance(pattern, str) or not pattern:
        raise ValueError("This row has no dosing pattern (a statement or a row without a dose), "
                         "so it gives no dates.")
    every = pick(_number(_field(row, "interval")), _number(_field(row, "interval_max")), ranges)
    duration = pick(_number(_field(row, "duration")), _number(_field(row, "duration_max")),
                    ranges)
    n_doses = _number(_field(row, "n_doses"))
    return Course(
        rhythm=Rhythm(pattern, every if pattern == "every" else None,
                      (_field(row, "interval_unit") or "") if pattern == "every" else ""),
        n_doses=None if n_doses is None else _whole(n_doses, "n_doses"),
        duration=duration,
        duration_unit=(_field(row, "duration_unit") or "") if duration is not None else "")


def dates(row, start, until=None, *, days: int | None = None, ranges: str = "lower"):
    """Dose dates of one regimens.csv row (or Course) from ``start``, within a window."""
    return chain(start, [row], until, days=days, ranges=ranges)[0]


def chain(start, rows, until=None, *, days: int | None = None,
          ranges: str = "lower") -> list[list[dt.date]]:
    """Dates of phases given one after another from ``start``: one list per phase.

    ``rows`` are regimens.csv rows (or Courses). The window ends before ``until`` (a date) and/or
    after ``days`` days (conventions 4-6). A phase that the window or an earlier open-ended phase
    never reaches gets an empty list.
    """
    start = as_date(start)
    if until is not None:
        until = as_date(until, "end date")
    if days is not None:
        end = window_end(start, days)
        until = end if until is None else min(until, end)
    courses = [course(r, ranges) for r in rows]
    found: list[list[dt.date]] = []
    first, stopped = start, False
    for index, item in enumerate(courses):
        if index:
            stopped = stopped or courses[index - 1].open_ended or not found[-1]
            if not stopped:
                first = item.first_after(found[-1][-1])
        if stopped or (until is not None and first >= until):
            stopped = True
            found.append([])
            continue
        found.append(item.dates(first, until))
    return found


def next_dose(last, row, first=None) -> dt.date | None:
    """The dose after ``last`` under a row's pattern.

    Without ``first``, ``last`` is taken as the anchor: ``last`` + one interval. With ``first``
    (the phase's first dose), the answer is the phase's next scheduled date after ``last``, or
    None when the phase has ended. "three times a week" needs ``first``: its gap (2 or 3 days)
    depends on where ``last`` falls in the weekly cycle.
    """
    item = course(row)
    last = as_date(last, "last dose")
    if first is None:
        if item.rhythm.pattern == "three times a week":
            raise ValueError("For 'three times a week' the next dose depends on the weekly "
                             "cycle: pass first= (the course's first dose).")
        return item.rhythm.nth(last, 1)
    first = as_date(first, "first dose")
    limit = item.end(first)
    i = 0
    while (when := item.rhythm.nth(first, i)) <= last:
        i += 1
    if (item.n_doses is not None and i >= item.n_doses) or (limit is not None and when >= limit):
        return None
    return when


__all__ = ["PATTERNS", "RANGES", "REFERENCE_START", "UNITS", "Course", "Rhythm", "add",
           "add_months", "as_date", "chain", "course", "dates", "day_offsets", "days_in",
           "next_dose", "pick", "positive_days", "window_end"]
