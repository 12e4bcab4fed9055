"""The body-store teaching model: cited parameters, derived retention and depletion times."""


import pandas as pd
import pytest

# row_id -> retained percent DERIVED from the reported urinary loss (digest 3.10)
from b12course.clinical import regimens, stores
from b12course.sources import data

RETAINED = {
    "scand1964-cn-1mg": 20, "scand1964-oh-1mg": 75,
    "blood1961-oh-500": 84, "blood1961-oh-1000": 73,
    "blood1961-cn-500": 40, "blood1961-cn-1000": 31,
    "smpcch-cn-25": 95, "smpcch-cn-100": 53, "smpcch-cn-1000": 15,
    "apr-cn-100": 55, "apr-cn-1000": 15, "blood1952-parenteral": 47,
}


def test_every_retention_row_is_pinned():
    assert set(data.load("retention")["row_id"]) == set(RETAINED)


@pytest.mark.parametrize("row_id", sorted(RETAINED))
def test_retained_share_matches_the_digest(row_id):
    table = stores.retention_table().set_index("row_id")
    assert table.loc[row_id, "retained_percent"] == pytest.approx(RETAINED[row_id])


@pytest.mark.parametrize("start,end,scenario,days", [
    (3000, 300, "absent", 1150), (3000, 300, "intact", 2301),
    (1000, 300, "absent", 601), (1000, 300, "intact", 1203),
])
def test_depletion_times_match_the_digest_derivation(start, end, scenario, days):
    # digest 1.4 DERIVED: ln(10)/0.002 = 1,150 days (3.2 years) and 6.3 years at 0.1 %/day;
    # from 1 mg: 1.6 and 3.3 years
    assert stores.depletion_days(start, end, scenario) == pytest.approx(days, abs=1.5)


def test_cyanocobalamin_sources_disagree_and_the_choice_is_recorded():
    choices = {src: stores.retained_fraction("cyanocobalamin", 1000, src)[0]
               for src in ("BLOOD-1961-OHCBL", "SMPC-CH-CNCBL", "APR-LEAFLET")}
    assert choices == {"BLOOD-1961-OHCBL": 0.31, "SMPC-CH-CNCBL": 0.15, "APR-LEAFLET": 0.15}
    assert stores.retained_fraction("cyanocobalamin", 1000)[1] == "BLOOD-1961-OHCBL"
    assert stores.retained_fraction("hydroxocobalamin", 1000, "SCAND-1964")[0] == 0.75


def test_no_doses_means_plain_first_order_decay_from_the_default_store():
    frame = stores.simulate(pd.DataFrame(columns=["date", "dose_mcg", "product_id"]), 100,
                            enterohepatic="absent")
    assert frame["store_mcg"].iloc[0] == 300  # IOM lowest healthy store
    assert frame["store_mcg"].iloc[100] == pytest.approx(300 * 0.998 ** 100)


def test_each_injection_adds_its_retained_share():
    plan = regimens.recommend("autoimmune_gastritis", False, "UK")
    frame = stores.simulate(plan.schedule("2025-01-06", 30), 30, initial_store_mcg=0)
    assert frame["retained_mcg"].iloc[0] == pytest.approx(730)  # 73 % of 1000 mcg, 72 h
    assert frame.attrs["retention_rows"] == {"blood1961-oh-1000": "BLOOD-1961-OHCBL"}
    assert frame.attrs["loss_source"] == "IOM-1998"
    assert list(frame.columns) == ["day", "date", "dose_mcg", "retained_mcg", "store_mcg"]


def test_uk_hydroxocobalamin_builds_a_larger_store_than_the_us_label_course():
    uk = regimens.recommend("autoimmune_gastritis", False, "UK").schedule("2025-01-06", 365)
    us = regimens.recommend("autoimmune_gastritis", False, "US").schedule("2025-01-06", 365)
    uk_store = stores.simulate(uk, 364, enterohepatic="absent")["store_mcg"].iloc[-1]
    us_store = stores.simulate(us, 364, enterohepatic="absent")["store_mcg"].iloc[-1]
    assert uk_store > us_store


def test_override_of_retained_fraction_is_used_for_every_dose():
    sched = pd.DataFrame({"day": [0, 10], "dose_mcg": [1000, 1000],
                          "product_id": ["cncbl-oral-high", "cncbl-oral-high"]})
    frame = stores.simulate(sched, 20, initial_store_mcg=0, retained_fraction=0.01)
    assert frame["retained_mcg"].sum() == pytest.approx(20)
    assert frame.attrs["retention"] == "user-supplied"


@pytest.mark.parametrize("kwargs,match", [
    ({"days": 0}, "above zero"), ({"days": -1}, "above zero"), ({"days": 1.5}, "whole"),
    ({"days": 10, "initial_store_mcg": -1}, "zero or more"),
    ({"days": 10, "initial_store_mcg": float("nan")}, "finite"),
    ({"days": 10, "enterohepatic": "sometimes"}, "intact, absent"),
    ({"days": 10, "retained_fraction": 1.5}, "at most 1"),
])
def test_bad_simulation_input_is_explained(kwargs, match):
    sched = pd.DataFrame({"day": [0], "dose_mcg": [1000], "product_id": ["ohcbl-inj-uk"]})
    with pytest.raises(ValueError, match=match):
        stores.simulate(sched, **kwargs)


def test_doses_without_retention_data_are_refused_with_what_exists():
    sched = pd.DataFrame({"day": [0], "dose_mcg": [250], "product_id": ["ohcbl-inj-uk"]})
    with pytest.raises(ValueError, match="No retention data for 250 micrograms.*500 mcg"):
        stores.simulate(sched, 10)
    oral = pd.DataFrame({"day": [0], "dose_mcg": [1000], "product_id": ["cncbl-oral-high"]})
    with pytest.raises(ValueError, match="retained_fraction"):
        stores.simulate(oral, 10)


def test_model_description_lists_its_cited_parameters():
    text = stores.describe_model()
    assert "0.1 %/day [IOM-1998]" in text and "0.2 %/day [IOM-1998]" in text
    assert "[SCAND-1964]" in text and "[BLOOD-1961-OHCBL]" in text and "[SMPC-CH-CNCBL]" in text
    assert "300 mcg" in text


def test_dose_days_are_the_engines_offsets_from_the_start():
    from b12course.clinical import schedule

    plan = regimens.recommend("autoimmune_gastritis", False, "UK")
    sched = plan.schedule("2025-01-31", 200)
    frame = stores.simulate(sched, 200, initial_store_mcg=0, start="2025-01-31")
    assert frame.loc[frame["dose_mcg"] > 0, "day"].tolist() == schedule.day_offsets(
        sched["date"], "2025-01-31")
    later = stores.simulate(sched, 200, initial_store_mcg=0, start="2025-01-29")
    assert later.loc[later["dose_mcg"] > 0, "day"].iloc[0] == 2  # day 0 is the given start
