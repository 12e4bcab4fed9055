"""Regimens: recommend() honest about disagreement, and
schedules that never contain a dose, route or interval absent from regimens.csv."""

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12course.clinical import regimens
from b12course.sources import data

UNVERIFIED = {"nice-im-interval", "nice-im-aig", "bomss-regimen"}


@pytest.mark.parametrize("regimen_id", sorted(UNVERIFIED))
def test_unverified_rows_carry_no_numbers_and_are_never_offered(regimen_id):
    p = regimens.phase(regimen_id)
    assert p.status == "unverified" and p.dose_mcg is None and p.interval is None
    for cause in regimens.CAUSES:
        for neuro in (False, True):
            for region in regimens.REGIONS:
                r = regimens.recommend(cause, neuro, region)
                offered = {x.regimen_id for x in (*r.phases, *r.alternatives, *r.prophylaxis)}
                assert regimen_id not in offered


def test_uk_loading_without_neurology_is_six_doses_over_two_weeks():
    plan = regimens.recommend("autoimmune_gastritis", False, "UK")
    (loading,) = plan.loading
    assert loading.regimen_id == "uk-bnf-load"
    assert loading.doses_in_phase() == 6  # DERIVED: three a week for two weeks


def test_uk_maintenance_disagreement_is_reported_not_hidden():
    plan = regimens.recommend("autoimmune_gastritis", False, "UK")
    assert plan.maintenance.regimen_id == "uk-bnf-maint-2to3m"
    text = plan.uncertainty
    assert "every 3 months" in text and "FORM-DEVON" in text
    assert "every 2-3 months" in text and "SMPC-OHCBL-EMC" in text
    assert "UNVERIFIED" in text and "NICE-NG239" in text
    ids = {p.regimen_id for p in plan.alternatives}
    assert {"uk-bnf-maint-3m", "uk-smpc-maint", "uk-cks-maint"} <= ids


def test_uk_neurological_regimen_is_open_ended_then_every_two_months():
    plan = regimens.recommend("autoimmune_gastritis", True, "UK")
    assert [p.regimen_id for p in plan.loading] == ["uk-bnf-load-neuro"]
    assert plan.loading[0].open_ended
    assert plan.maintenance.pattern_text == "every 2 months"
    assert "no fixed length" in plan.uncertainty
    assert "uk-smpc-maint-neuro-2or3m" in {p.regimen_id for p in plan.alternatives}
    assert plan.lifelong == "yes"


def test_us_label_for_life_only_where_the_label_says_so():
    # The label writes "for life" for pernicious anaemia; a reversible cause must not inherit it.
    for cause in ("nitrous_oxide", "metformin"):
        plan = regimens.recommend(cause, False, "US")
        assert plan.maintenance.regimen_id == "us-label-cncbl-maint-other"
        assert plan.maintenance.lifelong == "not stated"
        assert plan.lifelong == "depends"


def test_us_label_graded_course_then_monthly_for_life():
    plan = regimens.recommend("autoimmune_gastritis", False, "US")
    assert [p.regimen_id for p in plan.loading] == [
        "us-label-cncbl-1", "us-label-cncbl-2", "us-label-cncbl-3"]
    assert plan.maintenance.regimen_id == "us-label-cncbl-maint"
    sched = plan.schedule("2025-01-06", 120)
    assert set(sched["dose_mcg"]) == {100.0}
    first = sched[sched["regimen_id"] == "us-label-cncbl-1"]
    assert len(first) == 6  # lower end of "6-7 days"
    assert len(sched[sched["regimen_id"] == "us-label-cncbl-2"]) == 7
    alternatives = {p.regimen_id for p in plan.alternatives}
    assert {"us-label-ohcbl-1", "us-label-ohcbl-maint", "us-practice-a-maint"} <= alternatives


def test_us_upper_ranges_give_seven_daily_doses():
    plan = regimens.recommend("autoimmune_gastritis", False, "US")
    sched = plan.schedule("2025-01-06", 120, ranges="upper")
    assert len(sched[sched["regimen_id"] == "us-label-cncbl-1"]) == 7


def test_dietary_uk_maintenance_is_oral_with_im_options_listed():
    plan = regimens.recommend("dietary", False, "UK")
    assert plan.maintenance.regimen_id == "uk-oral-dietary"
    assert plan.maintenance.route == "oral"
    assert "uk-cks-maint-dietary" in {p.regimen_id for p in plan.alternatives}
    assert plan.lifelong == "depends"


def test_us_dietary_leads_with_the_labels_oral_advice_for_normal_absorbers():
    # The label writes its injection course for pernicious anaemia/malabsorption and says people
    # who absorb normally take oral B12: that leads, injections are listed in the table.
    plan = regimens.recommend("dietary", False, "US")
    assert [p.regimen_id for p in plan.phases] == ["us-label-oral-normal"]
    assert plan.treatment[0].route == "oral" and plan.treatment[0].dose_mcg is None
    assert not plan.loading and plan.maintenance is None
    alternatives = {p.regimen_id for p in plan.alternatives}
    assert {"us-label-cncbl-1", "us-practice-a-1"} <= alternatives
    assert "no oral dose" in plan.uncertainty and "other options and statements" in plan.uncertainty
    assert plan.summary().splitlines()[1].startswith("- Shown first: ")
    assert plan.schedule("2025-01-06", 365).empty  # no dose is stated, so none is drawn


def test_us_dietary_with_neurology_still_starts_with_injections():
    plan = regimens.recommend("dietary", True, "US")
    assert not plan.treatment
    assert [p.regimen_id for p in plan.loading][0] == "us-label-cncbl-1"
    assert "us-label-oral-normal" not in {p.regimen_id for p in plan.alternatives}


def test_bariatric_flags_bomss_as_unverified_and_lists_clinic_practice():
    plan = regimens.recommend("bariatric_surgery", False, "UK")
    assert "BOMSS-2014" in plan.uncertainty and "UNVERIFIED" in plan.uncertainty
    assert {"uk-bariatric-clinic", "uk-sleeve-pathway"} <= {
        p.regimen_id for p in (*plan.alternatives, *plan.prophylaxis)}


def test_nitrous_oxide_teaches_rcem_and_keeps_the_draft_as_labelled_history_only():
    plan = regimens.recommend("nitrous_oxide", True, "UK")
    assert not any("NICE-DRAFT-2023" in note for note in plan.notes)
    assert [p.regimen_id for p in plan.superseded] == ["nice-n2o-choice"]
    assert "superseded" in plan.superseded[0].guideline
    assert [p.regimen_id for p in plan.actions] == [
        "rcem-n2o-treat-now", "rcem-n2o-stop", "rcem-n2o-support", "rcem-n2o-neuro-im"]
    assert [p.regimen_id for p in plan.loading] == ["uk-bnf-load-neuro"]
    assert "uk-n2o-self-daily" in {p.regimen_id for p in plan.alternatives}
    assert "do not wait for the results" in plan.summary()


def test_nitrous_oxide_actions_reach_us_plans_too():
    for neuro in (False, True):
        plan = regimens.recommend("nitrous_oxide", neuro, "US")
        assert {"rcem-n2o-stop", "rcem-n2o-support"} <= {p.regimen_id for p in plan.actions}
        assert "RCEM 2024" in plan.summary()  # says who says it


def test_oral_with_neurology_is_only_the_conditioned_uk_maintenance_row():
    plan = regimens.recommend("autoimmune_gastritis", True, "UK")
    oral = [p for p in plan.alternatives if p.route == "oral"]
    assert [p.regimen_id for p in oral] == ["uk-oral-high-dose-neuro"]
    assert oral[0].phase == "maintenance"
    assert "maintenance only" in oral[0].describe() and "IM" in oral[0].describe()
    without = regimens.recommend("autoimmune_gastritis", False, "UK")
    assert {"oral-cochrane-1000", "oral-pa-review"} <= {p.regimen_id for p in
                                                        without.alternatives}


def test_cks_for_life_applies_only_to_causes_that_cannot_be_reversed():
    reversible = data.load("causes").set_index("cause_id")["reversible"]
    for cause in regimens.CAUSES:
        for neuro in (False, True):
            ids = {p.regimen_id for p in regimens.recommend(cause, neuro, "UK").alternatives}
            cks = ids & {"uk-cks-maint", "uk-cks-maint-neuro"}
            assert bool(cks) == (reversible[cause] == "no"), (cause, neuro, cks)


def test_bnf_change_is_dated_september_2018():
    p = regimens.phase("uk-bnf-maint-2to3m")
    assert "September 2018" in p.notes and "PAS-2018" in p.sources
    assert "not shown" not in p.notes


@pytest.mark.parametrize("cause", ["metformin", "nitrous_oxide", "gastrectomy"])
def test_causes_without_a_specific_dosing_row_say_the_general_regimen_is_shown(cause):
    plan = regimens.recommend(cause, False, "US")
    assert "specific to" in plan.uncertainty


def test_us_neurological_has_no_separate_regimen_and_says_so():
    plan = regimens.recommend("autoimmune_gastritis", True, "US")
    assert "no separate regimen for neurological involvement" in plan.uncertainty


def test_every_cause_and_region_gives_a_regimen_with_sources():
    for cause in regimens.CAUSES:
        for neuro in (False, True):
            for region in regimens.REGIONS:
                plan = regimens.recommend(cause, neuro, region)
                assert plan.phases and plan.sources
                assert "for education only" in plan.summary()
                assert regimens.cause_name(cause) in plan.summary()


def test_numpy_and_text_booleans_are_accepted():
    import numpy as np

    assert regimens.recommend("dietary", np.bool_(True), "uk").neurological is True
    assert regimens.recommend("dietary", "no", "US").neurological is False


def test_causes_match_causes_csv():
    frame = data.load("causes")
    main = frame[frame["cause_id"] == frame["group"]]["cause_id"]
    assert tuple(main) == regimens.CAUSES


@pytest.mark.parametrize("args,match", [
    (("pernicious", False, "UK"), "Accepted causes: autoimmune_gastritis"),
    (("dietary", False, "EU"), "Accepted regions: UK, US"),
    (("dietary", "maybe", "UK"), "True or False"),
    (("dietary", None, "UK"), "True or False"),
])
def test_bad_recommend_input_says_what_is_accepted(args, match):
    with pytest.raises(ValueError, match=match):
        regimens.recommend(*args)


@pytest.mark.parametrize("kwargs,match", [
    ({"days": 0}, "above zero"), ({"days": -3}, "above zero"), ({"days": float("nan")}, "days"),
    ({"days": "a year"}, "whole number"), ({"days": 30, "ranges": "middle"}, "lower, upper"),
    ({"days": 30, "start": "not a date"}, "not a date"),
    ({"days": 30, "open_phase_days": 0}, "above zero"),
])
def test_bad_schedule_input_says_what_is_accepted(kwargs, match):
    plan = regimens.recommend("autoimmune_gastritis", False, "UK")
    kwargs = {"start": "2025-01-06", **kwargs}
    with pytest.raises(ValueError, match=match):
        plan.schedule(**kwargs)


# ---------------------------------------------------------------- schedules vs the table


def _months_between(a, b) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def _allowed_gap(row, prev, cur) -> bool:
    days = (cur - prev).days
    pattern = row["pattern"]
    if pattern == "daily":
        return days == 1
    if pattern == "alternate days":
        return days == 2
    if pattern == "weekly":
        return days == 7
    if pattern == "three times a week":
        return days in (2, 3)
    if pattern == "twice a year":
        return _months_between(prev, cur) == 6
    allowed = {row["interval"]} | ({row["interval_max"]} if not math.isnan(row["interval_max"])
                                   else set())
    unit = row["interval_unit"]
    if unit == "month":
        return _months_between(prev, cur) in allowed
    return days in {a * (7 if unit == "week" else 1) for a in allowed}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cause=st.sampled_from(regimens.CAUSES), neuro=st.booleans(),
       region=st.sampled_from(regimens.REGIONS),
       start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
       days=st.integers(min_value=1, max_value=800), ranges=st.sampled_from(regimens.RANGES),
       open_days=st.one_of(st.none(), st.integers(min_value=1, max_value=120)))
def test_no_schedule_has_a_dose_route_or_interval_absent_from_the_table(
        cause, neuro, region, start, days, ranges, open_days):
    table = data.load("regimens").set_index("regimen_id")
    sched = regimens.recommend(cause, neuro, region).schedule(start, days, ranges=ranges,
                                                              open_phase_days=open_days)
    assert list(sched.columns[:5]) == ["date", "dose_mcg", "product", "route", "phase"]
    if sched.empty:
        return
    assert sched["date"].min() >= pd.Timestamp(start)
    assert sched["date"].max() < pd.Timestamp(start) + pd.Timedelta(days=days)
    assert sched["date"].is_monotonic_increasing
    for regimen_id, doses in sched.groupby("regimen_id", sort=False):
        row = table.loc[regimen_id]
        factor = 1000 if row["dose_unit"] == "mg" else 1
        allowed = {row["dose"] * factor} | (
            set() if math.isnan(row["dose_max"]) else {row["dose_max"] * factor})
        assert set(doses["dose_mcg"]) <= allowed
        assert set(doses["route"]) == {row["route"]}
        assert set(doses["phase"]) == {row["phase"]}
        dates = list(doses["date"])
        for prev, cur in zip(dates, dates[1:], strict=False):
            assert _allowed_gap(row, prev, cur), (regimen_id, prev, cur)
        if not math.isnan(row["n_doses"]):
            assert len(dates) <= row["n_doses"]
