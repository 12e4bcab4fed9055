"""Self-checks report (unanswered / units / correct / not quite) and never raise."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course.exercises import checks, compare, tasks
from b12course.sources import units


def test_ellipsis_and_empty_answers_are_not_answered_yet():
    for blank in (..., None, "", []):
        report = compare.quantity(blank, 1.0, "mL")
        assert report.status == compare.UNANSWERED and not report
        assert "Not answered yet" in report.text()


def test_number_string_and_quantity_answers_are_compared_in_the_tasks_unit():
    assert compare.quantity(1000, 1000.0, "mcg").correct
    assert compare.quantity("1 mg", 1000.0, "mcg").correct
    assert compare.quantity(units.Quantity(1.0, "mg"), 1000.0, "mcg").correct
    assert compare.quantity("1,000", 1000.0, "mcg").correct


def test_wrong_dimension_says_check_your_units():
    report = compare.quantity("1 mL", 1000.0, "mcg")
    assert report.status == compare.UNITS and "volume" in report.message


def test_a_thousandfold_slip_is_named_as_units():
    report = compare.quantity(1, 1000.0, "mcg")
    assert report.status == compare.UNITS and "1000 times too small" in report.message
    assert compare.quantity(1_000_000, 1000.0, "mcg").status == compare.UNITS


def test_wrong_number_is_not_quite_with_the_hint():
    report = compare.quantity(3, 2.0, "mL", hint="Divide the dose by the strength.")
    assert report.status == compare.INCORRECT and "Divide the dose" in report.message


@given(st.one_of(st.text(max_size=20), st.floats(allow_nan=True), st.integers(),
                 st.lists(st.integers(), max_size=3), st.booleans(), st.none()))
def test_quantity_never_raises_whatever_the_student_types(answer):
    report = compare.quantity(answer, 2.0, "mL")
    assert report.status in (compare.UNANSWERED, compare.UNITS, compare.CORRECT, compare.INCORRECT)


@given(st.floats(min_value=0.001, max_value=1e6, allow_nan=False))
def test_the_expected_value_itself_is_always_correct(value):
    assert compare.quantity(value, value, "mcg").correct


def test_counts_dates_labels():
    assert compare.count(6, 6, what="doses").correct
    assert compare.count(6.0, 6).correct
    assert compare.count(5.5, 6).status == compare.INCORRECT
    assert compare.count(True, 1).status == compare.INCORRECT
    assert compare.date("2025-03-03", dt.date(2025, 3, 3)).correct
    late = compare.date(dt.date(2025, 3, 5), dt.date(2025, 3, 3))
    assert late.status == compare.INCORRECT and "2 day(s) late" in late.message
    assert compare.date("next Tuesday", dt.date(2025, 3, 3)).status == compare.INCORRECT
    assert compare.label("Deficient ", "deficient").correct
    other = compare.label("banana", "deficient", options=["deficient", "unlikely"])
    assert "not one of the options" in other.message


def test_dates_report_the_first_wrong_one():
    want = [dt.date(2025, 1, 1), dt.date(2025, 1, 3)]
    assert compare.dates(["2025-01-01", "2025-01-03"], want).correct
    report = compare.dates(["2025-01-01", "2025-01-04"], want)
    assert "date number 2" in report.message
    assert "you listed 1 date(s)" in compare.dates(["2025-01-01"], want).message


def test_answers_are_read_as_dates_by_the_dose_date_engine():
    import pandas as pd

    from b12course.clinical import schedule

    for given_date in (pd.Timestamp("2025-03-03").to_datetime64(), "2025-03-03T00:00",
                       pd.Timestamp("2025-03-03 09:30")):
        assert compare.date(given_date, dt.date(2025, 3, 3)).correct
        assert schedule.as_date(given_date) == dt.date(2025, 3, 3)
    for bad in ("2025-02-30", float("nan"), pd.NaT, 20250303):
        assert compare.date(bad, dt.date(2025, 3, 3)).status == compare.INCORRECT


def test_plot_check_needs_a_line_and_labelled_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert compare.plot(ax).status == compare.UNANSWERED
    ax.plot([0, 1, 2], [3, 4, 5])
    assert "label both axes" in compare.plot(ax).message
    ax.set_xlabel("day")
    ax.set_ylabel("Hb (g/dL)")
    assert compare.plot(ax, x=[0, 1, 2], y=[3, 4, 5]).correct
    assert compare.plot(ax, x=[0, 1, 2], y=[3, 4, 6]).status == compare.INCORRECT
    plt.close(fig)


def test_check_never_raises_even_for_unknown_tasks_or_broken_checkers():
    assert "unknown task" in checks.check_answer("no-such-task", 1).message

    @tasks.task("test-broken")
    def broken(_answer):
        raise KeyError("boom")

    try:
        report = checks.check_answer("test-broken", 1)
        assert report.status == compare.INCORRECT and "KeyError" in report.message
    finally:
        tasks.TASKS.pop("test-broken")


def test_require_raises_assertion_with_the_same_words():
    with pytest.raises(AssertionError, match="Not answered yet"):
        checks.require("02-convert-pmol", ...)
    expected = units.convert(tasks.UK_RESULT_NG_L, "ng/L", "pmol/L")
    assert checks.require("02-convert-pmol", expected).correct


def test_report_displays_in_words_and_symbols():
    report = compare.Report(compare.CORRECT, "1 mL.", "t-1")
    assert str(report) == "✓ [t-1] Correct: 1 mL."
    assert "<b>Correct:</b>" in report._repr_html_()


def test_every_registered_task_accepts_ellipsis_as_not_answered():
    for task_id in tasks.TASKS:
        assert checks.check_answer(task_id, ...).status == compare.UNANSWERED, task_id


# ------------------------------------------------ strict under nbgrader validate / autograde
@pytest.mark.parametrize("variable, value", [("NBGRADER_EXECUTION", "validate"),
                                             ("NBGRADER_EXECUTION", "autograde"),
                                             ("B12COURSE_STRICT_CHECKS", "1")])
def test_visible_check_raises_like_require_when_strict(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    for answer, words in ((..., "Not answered yet"), (0, "Not quite")):
        with pytest.raises(AssertionError, match=words) as raised:
            checks.check_answer("02-convert-pmol", answer)
        with pytest.raises(AssertionError) as required:
            checks.require("02-convert-pmol", answer)
        assert str(raised.value) == str(required.value)
    expected = units.convert(tasks.UK_RESULT_NG_L, "ng/L", "pmol/L")
    # a pass is shown, not returned: nbgrader would read a returned value as partial credit
    assert checks.check_answer("02-convert-pmol", expected) is None
    assert checks.require("02-convert-pmol", expected) is None


def test_students_never_get_a_raise_from_the_visible_check(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("B12COURSE_STRICT_CHECKS", "0")
    assert not checks.strict_checks()
    assert checks.check_answer("02-convert-pmol", 0).status == compare.INCORRECT
    assert checks.check_answer("02-convert-pmol", ...).status == compare.UNANSWERED
