"""The regimen explorer redraws on every choice, shows cited doses, and never raises."""

import datetime as dt
import html
import itertools

import pandas as pd
import pytest

from b12course.clinical import regimens
from b12course.show import dose_timeline
from b12course.show.widgets import regimen_explorer as rx
from b12course.sources import references


@pytest.fixture(scope="module")
def explorer():
    return rx.regimen_explorer()


def _set(parts, cause, neurological, region):
    parts.cause.value = cause
    parts.neurological.value = neurological
    parts.region.value = region


def test_opens_on_a_drawn_regimen_with_alt_text(explorer):
    parts = explorer.parts
    assert parts.status.value.startswith("✓")
    assert "<img" in parts.figure.value and 'alt="Dose timeline' in parts.figure.value
    assert "<figcaption>" in parts.figure.value and "education only" in parts.figure.value


def test_every_dropdown_lists_every_option_from_the_regimens_module(explorer):
    parts = explorer.parts
    assert [value for _label, value in parts.cause.options] == list(regimens.CAUSES)
    assert list(parts.region.options) == list(regimens.REGIONS)
    assert [value for _label, value in parts.neurological.options] == [False, True]
    for control in (parts.cause, parts.neurological, parts.region, parts.ranges,
                    parts.open_phase):
        assert control.description, "every control needs a text label"


@pytest.mark.parametrize(("cause", "neurological", "region"),
                         list(itertools.product(regimens.CAUSES, (False, True),
                                                regimens.REGIONS)))
def test_every_combination_shows_the_first_cited_dose_and_resolving_sources(
        explorer, cause, neurological, region):
    parts = explorer.parts
    _set(parts, cause, neurological, region)
    assert parts.status.value.startswith("✓"), parts.status.value
    expected = regimens.recommend(cause, neurological, region).schedule(rx.DEFAULT_START,
                                                                        days=rx.DEFAULT_DAYS)
    if expected.empty:
        assert "No doses" in parts.table.value
    else:
        first = expected.iloc[0]
        assert f"{first.dose_mcg:g} micrograms" in parts.table.value
    assert html.escape(dose_timeline.timeline_alt(expected), quote=True) in parts.figure.value
    keys = regimens.recommend(cause, neurological, region).sources
    assert keys and not references.unresolved(keys)
    for key in keys:
        assert key in parts.details.value


def test_changing_each_control_changes_what_is_drawn(explorer):
    parts = explorer.parts
    _set(parts, "autoimmune_gastritis", False, "UK")
    uk = (parts.figure.value, parts.table.value)
    parts.region.value = "US"
    assert parts.table.value != uk[1] and parts.figure.value != uk[0]
    parts.region.value = "UK"
    parts.neurological.value = True
    assert parts.figure.value != uk[0]
    parts.neurological.value = False
    parts.cause.value = "dietary"
    assert parts.table.value != uk[1]


def test_range_end_moves_maintenance_doses(explorer):
    parts = explorer.parts
    _set(parts, "autoimmune_gastritis", False, "UK")
    parts.ranges.value = "lower"
    lower = parts.table.value
    parts.ranges.value = "upper"
    assert parts.table.value != lower
    parts.ranges.value = "lower"


def test_open_ended_loading_is_drawn_as_written_unless_an_assumption_is_chosen(explorer):
    parts = explorer.parts
    _set(parts, "autoimmune_gastritis", True, "UK")
    parts.open_phase.value = None
    assert "maintenance" not in parts.table.value
    for _label, days in rx.OPEN_PHASE_CHOICES[1:]:
        parts.open_phase.value = days
        assert "maintenance" in parts.table.value
        assert "drawing assumption, not a source" in parts.figure.value
    parts.open_phase.value = None


def test_uncertainty_text_is_shown_when_the_sources_give_no_single_answer(explorer):
    parts = explorer.parts
    _set(parts, "bariatric_surgery", False, "UK")
    uncertainty = regimens.recommend("bariatric_surgery", False, "UK").uncertainty
    assert uncertainty
    assert "Where the sources differ or are silent" in parts.details.value


def test_a_value_error_becomes_a_friendly_message(monkeypatch):
    box = rx.regimen_explorer()

    def refuse(*_args, **_kwargs):
        raise ValueError("Unknown cause 'x'. Accepted causes: ...")

    monkeypatch.setattr(regimens, "recommend", refuse)
    box.parts.region.value = "US"
    status = box.parts.status.value
    assert status.startswith("Note:") and "Accepted causes" in status
    assert box.parts.figure.value == ""


def test_an_unexpected_error_never_reaches_the_student(monkeypatch):
    box = rx.regimen_explorer()

    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(regimens, "recommend", crash)
    box.parts.region.value = "US"
    status = box.parts.status.value
    assert status.startswith("✗") and "Try another choice" in status


def test_alt_text_counts_the_doses_of_each_phase():
    schedule = regimens.recommend("autoimmune_gastritis", False, "UK").schedule(
        dt.date(2025, 1, 6), days=200)
    alt = dose_timeline.timeline_alt(schedule)
    for phase, rows in schedule.groupby("phase"):
        assert f"{len(rows)} {phase} doses" in alt


def test_empty_schedule_is_explained_not_drawn_as_an_error():
    empty = pd.DataFrame(columns=["date", "dose_mcg", "product", "route", "phase"])
    assert "No doses" in rx.schedule_html(empty)
    assert "empty" in dose_timeline.timeline_alt(empty)
    fig = dose_timeline.timeline_figure(empty)
    assert fig.axes


def test_compare_figure_draws_one_panel_per_regimen():
    plans = {"UK": regimens.recommend("autoimmune_gastritis", False, "UK"),
             "US": regimens.recommend("autoimmune_gastritis", False, "US")}
    fig = dose_timeline.compare_figure(plans, days=120)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["UK", "US"]
    with pytest.raises(ValueError):
        dose_timeline.compare_figure({})


@pytest.mark.parametrize(("cause", "neurological", "region"),
                         [("autoimmune_gastritis", False, "UK"),
                          ("autoimmune_gastritis", True, "UK")])
def test_students_see_the_explorers_controls_not_programming_terms(explorer, cause,
                                                                     neurological, region):
    _set(explorer.parts, cause, neurological, region)
    details = explorer.parts.details.value
    assert "schedule()" not in details and "open_phase_days" not in details
    assert "ranges=" not in details
    assert "Where a source gives a range" in details or "Loading with no fixed end" in details
