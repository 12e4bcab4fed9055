"""The regimen explorer redraws on every choice, shows cited doses, and never raises."""

import datetime as dt
import html
import itertools
import re

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
    parts.open_phase.value = rx.AS_WRITTEN
    assert "maintenance" not in parts.table.value
    for _label, days in rx.OPEN_PHASE_CHOICES[1:]:
        parts.open_phase.value = days
        assert "maintenance" in parts.table.value
        assert "drawing assumption, not a source" in parts.figure.value
    parts.open_phase.value = rx.AS_WRITTEN
    assert "drawing assumption" not in parts.figure.value


def test_uncertainty_text_is_shown_when_the_sources_give_no_single_answer(explorer):
    parts = explorer.parts
    _set(parts, "bariatric_surgery", False, "UK")
    uncertainty = regimens.recommend("bariatric_surgery", False, "UK").uncertainty
    assert uncertainty
    assert "Where the sources differ or are silent" in parts.details.value


def test_uncertainty_is_short_bullets_folded_in_details_not_a_wall(explorer):
    parts = explorer.parts
    _set(parts, "bariatric_surgery", False, "UK")
    details = parts.details.value
    start = details.index("<details><summary>Where the sources differ or are silent (")
    block = details[start:details.index("</details>", start)]
    assert block.count("<li>") >= 5 and "<ul><li>" in block
    # each bullet is short: no list item carries more than one source sentence's worth
    items = [len(re.sub("<[^>]+>", "", li.split("<ul>")[0])) for li in block.split("<li>")[1:]]
    assert max(items) < 300, max(items)
    uncertainty = regimens.recommend("bariatric_surgery", False, "UK").uncertainty
    assert html.escape(uncertainty) not in details  # the text is no longer one paragraph
    assert "<pre" not in details and "monospace" not in details


def test_every_control_opens_on_a_real_choice_never_a_blank(explorer):
    fresh = rx.regimen_explorer().parts
    for name in ("cause", "neurological", "region", "ranges", "open_phase"):
        control = getattr(fresh, name)
        assert control.index is not None and control.value is not None, name
        assert control.label, name
    assert fresh.open_phase.label == "as written: no fixed end"


def _width_in_ch(control):
    found = re.fullmatch(r"calc\((\d+)ch \+ 3em\)", control.layout.width or "")
    assert found, (control.description, control.layout.width)
    return int(found.group(1))


def test_every_dropdown_is_wide_enough_for_its_label_and_longest_option(explorer):
    parts = explorer.parts
    for name in ("cause", "neurological", "region", "ranges", "open_phase"):
        control = getattr(parts, name)
        assert control.style.description_width == "initial", name
        longest = max(len(label) for label in control._options_labels)
        assert _width_in_ch(control) >= len(control.description) + longest, name
        assert control.layout.max_width == "100%"


def test_dated_doses_table_has_headers_borders_and_a_focusable_scroll_box(explorer):
    parts = explorer.parts
    _set(parts, "autoimmune_gastritis", False, "UK")
    table = parts.table.value
    headers = re.findall(r"<th([^>]*)>([^<]*)</th>", table)
    assert [text for _attrs, text in headers] == list(rx.SCHEDULE_HEADERS)
    assert all('scope="col"' in attrs for attrs, _text in headers)
    assert "<th></th>" not in table and 'class="b12-table"' in table
    assert "border:1px solid" in table and "border-collapse:collapse" in table
    assert 'tabindex="0"' in table and 'aria-label="Dated doses (scrolls)"' in table


@pytest.mark.parametrize(("cause", "neurological", "region"),
                         [("autoimmune_gastritis", False, "UK"),
                          ("autoimmune_gastritis", False, "US"),
                          ("nitrous_oxide", True, "UK")])
def test_doses_read_in_whole_micrograms(explorer, cause, neurological, region):
    parts = explorer.parts
    _set(parts, cause, neurological, region)
    text = re.sub("<[^>]+>", " ", parts.table.value)
    assert "micrograms" in text
    assert not re.search(r"\d\.0 micrograms|\bmcg\b", text), text[:300]
    assert not re.search(r"\d\.0\b", parts.figure.value.split('alt="')[1].split('"')[0])


@pytest.mark.parametrize(("cause", "neurological", "region"),
                         [("autoimmune_gastritis", False, "UK"),
                          ("autoimmune_gastritis", True, "UK"),
                          ("dietary", False, "US")])
def test_a_note_says_nothing_changes_exactly_when_a_control_changes_nothing(
        explorer, cause, neurological, region):
    parts = explorer.parts
    _set(parts, cause, neurological, region)
    for control, note, choices in ((parts.ranges, parts.ranges_note, rx.RANGE_CHOICES),
                                   (parts.open_phase, parts.open_note, rx.OPEN_PHASE_CHOICES)):
        first, tables, said = control.value, set(), set()
        for _label, value in choices:
            control.value = value
            tables.add(parts.table.value)
            said.add(note.value.startswith("Note: Nothing changes for this regimen"))
        control.value = first
        assert said == {len(tables) == 1}, (control.description, said, len(tables))


def test_the_note_names_the_reason_in_plain_words(explorer):
    parts = explorer.parts
    _set(parts, "autoimmune_gastritis", True, "UK")
    assert parts.ranges_note.value == rx.NO_RANGE and parts.open_note.value == ""
    _set(parts, "autoimmune_gastritis", False, "UK")
    assert parts.open_note.value == rx.NO_OPEN_LOADING and parts.ranges_note.value == ""
    # US dietary: the label's oral course has no dose, so nothing is drawn (review AL02)
    _set(parts, "dietary", False, "US")
    assert parts.open_note.value == rx.NO_DOSE_DRAWN


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


def test_plan_card_shows_the_plan_as_bullets_with_the_differences_folded():
    plan = regimens.recommend("autoimmune_gastritis", False, "UK")
    card = rx.plan_card(plan).data
    assert card.startswith("<p><b>Autoimmune gastritis")
    assert "<li><b>Loading:</b>" in card and "<li><b>Maintenance:</b>" in card
    assert "<details><summary>Where the sources differ or are silent (" in card
    # the explorer's own controls are not mentioned where there are none
    assert "How the explorer draws this" not in card
    for key in plan.sources:
        assert key in card


def test_notebook_03_shows_the_plan_as_a_card_not_printed_text():
    import json
    from pathlib import Path

    notebook = Path(__file__).parents[2] / "notebooks" / "03_regimens_by_cause.ipynb"
    code = ["".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]
            if c["cell_type"] == "code"]
    assert not any("print(" in c and ".summary()" in c for c in code)
    assert any("plan_card(plan)" in c for c in code)
