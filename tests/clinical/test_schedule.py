"""The one dose-date engine (b12course.clinical.schedule): its definitions, its properties, and
that every user of dates (Regimen.schedule, the exercise answers, the store simulator) agrees
with it."""

from __future__ import annotations

import calendar
import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12course.clinical import regimens, schedule
from b12course.exercises import checks, tasks
from b12course.sources import data

D = dt.date
DATES = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))
SLOW = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _rows():
    """regimens.csv rows that give dates (a pattern), as pandas rows."""
    table = data.load("regimens")
    return [row for _i, row in table.iterrows()
            if isinstance(row["pattern"], str) and row["pattern"]]


def _row_with(pattern: str, interval=None, unit=None):
    """The first regimens.csv row with this pattern (and interval), so tests use real rows."""
    for row in _rows():
        if row["pattern"] != pattern:
            continue
        if interval is None or (row["interval"] == interval and row["interval_unit"] == unit):
            return row
    pytest.skip(f"regimens.csv has no {pattern} {interval} {unit} row")


# ---------------------------------------------------------------- the definitions


def test_every_pattern_in_regimens_csv_is_defined():
    table = data.load("regimens")
    patterns = {p for p in table["pattern"] if isinstance(p, str) and p}
    assert patterns <= set(schedule.PATTERNS)
    units = {u for u in table["interval_unit"].tolist() + table["duration_unit"].tolist()
             if isinstance(u, str) and u}
    assert units <= set(schedule.UNITS)
    for row in _rows():  # every row with a pattern becomes a course without error
        assert isinstance(schedule.course(row), schedule.Course)


@pytest.mark.parametrize("start,weekdays", [
    (D(2025, 3, 4), ["Tue", "Thu", "Sat", "Tue", "Thu", "Sat"]),
    (D(2025, 3, 3), ["Mon", "Wed", "Fri", "Mon", "Wed", "Fri"]),
    (D(2025, 3, 9), ["Sun", "Tue", "Thu", "Sun", "Tue", "Thu"]),
])
def test_three_times_a_week_keeps_the_start_weekday(start, weekdays):
    row = _row_with("three times a week")  # for 2 weeks
    dates = schedule.dates(row, start)
    assert [d.strftime("%a") for d in dates] == weekdays
    assert dates[0] == start
    assert [(b - a).days for a, b in zip(dates, dates[1:], strict=False)] == [2, 2, 3, 2, 2]


@pytest.mark.parametrize("day,amount,unit,expected", [
    (D(2025, 1, 31), 1, "month", D(2025, 2, 28)),
    (D(2024, 1, 31), 1, "month", D(2024, 2, 29)),  # leap year
    (D(2025, 3, 31), 1, "month", D(2025, 4, 30)),
    (D(2025, 11, 30), 3, "month", D(2026, 2, 28)),
    (D(2024, 2, 29), 1, "year", D(2025, 2, 28)),
    (D(2025, 1, 6), 12, "week", D(2025, 3, 31)),
    (D(2025, 12, 31), 1, "day", D(2026, 1, 1)),
])
def test_a_month_is_a_calendar_month_clipped_to_its_last_day(day, amount, unit, expected):
    assert schedule.add(day, amount, unit) == expected


def test_monthly_doses_count_from_the_first_dose_so_clipping_never_drifts():
    course = schedule.Course(schedule.Rhythm("every", 1, "month"))
    assert course.dates(D(2025, 1, 31), until=D(2025, 6, 1)) == [
        D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30), D(2025, 5, 31)]


def test_every_three_months_over_365_days_is_four_doses():
    row = _row_with("every", 3, "month")
    assert schedule.dates(row, D(2025, 1, 1), days=365) == [
        D(2025, 1, 1), D(2025, 4, 1), D(2025, 7, 1), D(2025, 10, 1)]


def test_windows_and_durations_are_end_exclusive():
    weekly = schedule.Course(schedule.Rhythm("weekly"))
    start = D(2025, 1, 6)
    assert weekly.dates(start, schedule.window_end(start, 7)) == [start]
    assert weekly.dates(start, schedule.window_end(start, 8)) == [start, D(2025, 1, 13)]
    assert schedule.window_end(start, 365) == D(2026, 1, 6)
    daily_week = schedule.Course(schedule.Rhythm("daily"), duration=1, duration_unit="week")
    assert daily_week.dates(start) == [start + dt.timedelta(days=i) for i in range(7)]
    assert schedule.course(_row_with("three times a week")).count() == 6  # for 2 weeks


def test_a_fixed_number_of_doses_ends_the_phase():
    row = next(r for r in _rows() if not math.isnan(r["n_doses"]))
    assert len(schedule.dates(row, D(2025, 1, 6), days=10_000)) == int(row["n_doses"])


def test_twice_a_year_is_every_six_calendar_months():
    row = _row_with("twice a year")
    assert schedule.dates(row, D(2025, 8, 31), days=730) == [  # ends before 31 Aug 2027
        D(2025, 8, 31), D(2026, 2, 28), D(2026, 8, 31), D(2027, 2, 28)]


def test_the_next_phase_starts_one_of_its_own_intervals_after_the_last_dose():
    load, maint = schedule.chain(D(2025, 1, 6), [_row_with("three times a week"),
                                                  _row_with("every", 3, "month")], days=365)
    assert load[-1] == D(2025, 1, 17)
    assert maint == [D(2025, 4, 17), D(2025, 7, 17), D(2025, 10, 17)]


def test_open_ended_phase_needs_a_window_and_ends_the_chain():
    daily = schedule.Course(schedule.Rhythm("daily"))
    with pytest.raises(ValueError, match="no fixed length"):
        daily.dates(D(2025, 1, 6))
    first, second = schedule.chain(D(2025, 1, 6), [daily, daily], days=10)
    assert len(first) == 10 and second == []


def test_ranges_take_the_lower_end_unless_upper():
    row = _row_with("every", 2, "month")
    if math.isnan(row["interval_max"]):
        row = next(r for r in _rows() if r["interval"] == 2 and r["interval_max"] == 3)
    assert schedule.course(row).rhythm.every == 2
    assert schedule.course(row, "upper").rhythm.every == 3
    with pytest.raises(ValueError, match="lower, upper"):
        schedule.course(row, "middle")


def test_next_dose():
    self_inject = _row_with("every", 12, "week")
    assert schedule.next_dose(D(2025, 9, 15), self_inject) == D(2025, 12, 8)
    three = _row_with("three times a week")
    with pytest.raises(ValueError, match="first="):
        schedule.next_dose(D(2025, 3, 7), three)
    assert schedule.next_dose(D(2025, 3, 7), three, first=D(2025, 3, 3)) == D(2025, 3, 10)
    assert schedule.next_dose(D(2025, 3, 14), three, first=D(2025, 3, 3)) is None  # 6 given


@pytest.mark.parametrize("value", [D(2025, 1, 6), "2025-01-06", " 2025-01-06 ",
                                   dt.datetime(2025, 1, 6, 15, 30), pd.Timestamp("2025-01-06"),
                                   pd.Timestamp("2025-01-06").to_datetime64()])
def test_dates_are_read_from_the_usual_forms(value):
    assert schedule.as_date(value) == D(2025, 1, 6)


@pytest.mark.parametrize("call,match", [
    (lambda: schedule.as_date("next Tuesday"), "not a date"),
    (lambda: schedule.as_date(pd.NaT), "missing"),
    (lambda: schedule.as_date(None), "missing"),
    (lambda: schedule.Rhythm("fortnightly"), "Accepted: daily"),
    (lambda: schedule.Rhythm("every", 0, "month"), "above zero"),
    (lambda: schedule.Rhythm("every", 1, "fortnight"), "Accepted: day, week"),
    (lambda: schedule.Rhythm("every", 1.5, "month"), "whole number"),
    (lambda: schedule.window_end(D(2025, 1, 6), 0), "above zero"),
    (lambda: schedule.course({"pattern": ""}), "no dosing pattern"),
])
def test_bad_input_says_what_is_accepted(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------- properties

RHYTHMS = st.one_of(
    st.sampled_from([schedule.Rhythm(p) for p in schedule.PATTERNS if p != "every"]),
    st.builds(schedule.Rhythm, st.just("every"), st.integers(1, 14),
              st.sampled_from(schedule.UNITS)),
)


def _months(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def _clipped(start: dt.date, day: dt.date) -> bool:
    return day.day == min(start.day, calendar.monthrange(day.year, day.month)[1])


def _expected_count(rhythm: schedule.Rhythm, start: dt.date, days: int) -> int:
    """Doses in a window of ``days`` days, by arithmetic (not by walking the engine)."""
    if rhythm.pattern == "three times a week":
        return 3 * (days // 7) + sum(o < days % 7 for o in (0, 2, 4))
    amount, unit = rhythm.interval
    if unit in ("day", "week"):
        return math.ceil(days / (amount * (7 if unit == "week" else 1)))
    step = amount * (12 if unit == "year" else 1)
    end = start + dt.timedelta(days=days)
    count = 0
    while True:  # month index arithmetic with clipping, independent of the engine
        year, month = divmod(start.year * 12 + start.month - 1 + step * count, 12)
        last = calendar.monthrange(year, month + 1)[1]
        if D(year, month + 1, min(start.day, last)) >= end:
            return count
        count += 1


@SLOW
@given(rhythm=RHYTHMS, start=DATES, days=st.integers(1, 1500))
def test_dates_increase_keep_the_pattern_and_match_arithmetic(rhythm, start, days):
    dates = schedule.Course(rhythm).dates(start, schedule.window_end(start, days))
    assert dates[0] == start
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False))
    assert dates[-1] < start + dt.timedelta(days=days)
    assert len(dates) == _expected_count(rhythm, start, days)
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    if rhythm.pattern == "three times a week":
        assert gaps == [(2, 2, 3)[i % 3] for i in range(len(gaps))]
        assert {d.weekday() for d in dates} <= {(start.weekday() + o) % 7 for o in (0, 2, 4)}
        return
    amount, unit = rhythm.interval
    if unit in ("day", "week"):
        assert set(gaps) <= {amount * (7 if unit == "week" else 1)}
    else:
        step = amount * (12 if unit == "year" else 1)
        assert all(_months(start, d) == step * i for i, d in enumerate(dates))
        assert all(_clipped(start, d) for d in dates)


@SLOW
@given(index=st.integers(0, 10_000), start=DATES, days=st.integers(1, 800),
       ranges=st.sampled_from(schedule.RANGES))
def test_every_regimens_row_respects_its_own_length(index, start, days, ranges):
    rows = _rows()
    row = rows[index % len(rows)]
    course = schedule.course(row, ranges)
    dates = schedule.dates(row, start, days=days, ranges=ranges)
    assert dates == course.dates(start, schedule.window_end(start, days))
    if course.n_doses is not None:
        assert len(dates) <= course.n_doses
    if course.duration is not None:
        end = schedule.window_end(start, days)
        full = course.dates(start)
        assert full and all(d < course.end(start) for d in full)
        assert dates == [d for d in full if d < end]


# ---------------------------------------------------------------- every user agrees


@SLOW
@given(cause=st.sampled_from(regimens.CAUSES), neuro=st.booleans(),
       region=st.sampled_from(regimens.REGIONS), start=DATES, days=st.integers(1, 800),
       ranges=st.sampled_from(regimens.RANGES))
def test_regimen_schedule_is_the_engine(cause, neuro, region, start, days, ranges):
    plan = regimens.recommend(cause, neuro, region)
    sched = plan.schedule(start, days, ranges=ranges)
    phases = []
    for phase in plan.phases:
        if phase.dose_mcg is None or not phase.pattern:
            break
        phases.append(phase)
    expected = schedule.chain(start, phases, days=days, ranges=ranges)
    got = [[d.date() for d in sched.loc[sched["regimen_id"] == p.regimen_id, "date"]]
           for p in phases]
    assert got == expected
    assert len(sched) == sum(map(len, expected))


def test_open_phase_days_give_an_open_loading_phase_a_length_in_days():
    plan = regimens.recommend("autoimmune_gastritis", True, "UK")
    (loading,) = plan.loading
    assert loading.open_ended
    sched = plan.schedule("2025-01-06", 365, open_phase_days=20)
    load = [d.date() for d in sched.loc[sched["phase"] == "loading", "date"]]
    course = schedule.Course(schedule.course(loading).rhythm, duration=20, duration_unit="day")
    assert load == course.dates(D(2025, 1, 6))
    maint = sched.loc[sched["phase"] == "maintenance", "date"]
    assert maint.iloc[0].date() == schedule.course(plan.maintenance).first_after(load[-1])


def test_doses_in_phase_is_the_engines_count():
    for row in _rows():
        phase = regimens.phase(row["regimen_id"])
        for ranges in schedule.RANGES:
            assert phase.doses_in_phase(ranges) == schedule.course(row, ranges).count()


def _shift(dates, days=1):
    return [d + dt.timedelta(days=days) for d in dates]


@SLOW
@given(loading_start=DATES, case_start=DATES, last=DATES)
def test_every_exercise_date_answer_is_the_engines_schedule(loading_start, case_start, last):
    """The date tasks' expected answers, for ANY scenario date (any weekday), equal what
    Regimen.schedule gives for the same regimens.csv rows; a shifted answer is rejected."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks, "LOADING_START", loading_start)
        patch.setattr(tasks, "CASE_START", case_start)
        patch.setattr(tasks, "CASE_LAST_SELF_INJECTION", last)

        loading = [d.date() for d in regimens.build_schedule(
            [regimens.phase("uk-bnf-load")], loading_start, days=10_000)["date"]]
        assert checks.check_answer("03-loading-count", len(loading)).correct
        assert not checks.check_answer("03-loading-count", len(loading) + 1).correct
        assert checks.check_answer("03-loading-dates", loading).correct
        assert not checks.check_answer("03-loading-dates", _shift(loading)).correct

        anniversary = schedule.add(case_start, 1, "year")
        year = regimens.build_schedule(
            [regimens.phase("uk-bnf-load"), regimens.phase("uk-cks-maint")], case_start,
            days=(anniversary - case_start).days)
        maint = [d.date() for d in year.loc[year["regimen_id"] == "uk-cks-maint", "date"]]
        assert maint and all(d < anniversary for d in maint)
        assert checks.check_answer("07-maintenance-dates", maint).correct
        assert not checks.check_answer("07-maintenance-dates", _shift(maint)).correct
        assert not checks.check_answer("07-maintenance-dates", maint[:-1]).correct
        assert checks.check_answer("07-year-ampoules", len(year)).correct
        assert not checks.check_answer("07-year-ampoules", len(year) + 1).correct

        due = regimens.build_schedule([regimens.phase("uk-southmead-self")], last,
                                      days=200)["date"].iloc[1].date()
        assert checks.check_answer("07-next-due", due).correct
        assert not checks.check_answer("07-next-due", due + dt.timedelta(days=1)).correct


def test_scenario_starts_are_mondays_as_the_exercise_text_says():
    # The exercise text says the practice books Mondays, Wednesdays and Fridays; with the
    # engine's convention that holds only while the scenarios start on a Monday.
    for start in (tasks.LOADING_START, tasks.CASE_START):
        days = {d.strftime("%a") for d in tasks.loading_dates("uk-bnf-load", start)}
        assert days == {"Mon", "Wed", "Fri"}


def test_the_engine_is_pure_standard_library():
    import subprocess
    import sys

    code = ("import sys, b12course.clinical.schedule; "
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'ipywidgets') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_span_with_no_start_date_uses_the_same_calendar_month():
    """'Within 2 months' on the response chart is as long as 2 months of any schedule."""
    two_months = schedule.span_days(2, "month")
    assert two_months == (schedule.add(schedule.REFERENCE_START, 2, "month")
                          - schedule.REFERENCE_START).days
    assert schedule.span_days(48, "hour") == 2.0
    assert schedule.span_days(8, "week") == 56.0
    from b12course.clinical import trajectories

    window = trajectories._days("indices-normal")  # "0 to 2 months" in response_timeline.csv
    assert window.high == two_months


def test_no_module_keeps_its_own_month():
    """A month, a week and a year are defined in clinical/schedule.py and nowhere else."""
    from pathlib import Path

    package = Path(schedule.__file__).resolve().parents[1]
    own_months = ("365.25", "30.4", "DateOffset(months", "/ 12", "months=")
    offenders = [f"{path.relative_to(package)}: {needle}"
                 for path in package.rglob("*.py") if path.name != "schedule.py"
                 for needle in own_months if needle in path.read_text(encoding="utf-8")]
    assert not offenders, offenders
