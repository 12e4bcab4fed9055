"""Products, causes and the response timeline pinned against the digest; volume helper."""

import math

import pytest

# product_id -> (substance, region, strength mcg per unit or None, per_unit, routes), digest 3.
from b12course.clinical import products
from b12course.sources import data

PRODUCTS = {
    "ohcbl-inj-uk": ("hydroxocobalamin", "UK", 1000, "mL", "IM"),
    "cncbl-inj-us": ("cyanocobalamin", "US", 1000, "mL", "IM; deep SC"),
    "ohcbl-inj-us": ("hydroxocobalamin", "US", None, "", "IM"),
    "cncbl-nasal-us": ("cyanocobalamin", "US", 500, "spray", "intranasal"),
    "cncbl-oral-low": ("cyanocobalamin", "UK", None, "", "oral"),
    "cncbl-oral-high": ("cyanocobalamin", "any", None, "", "oral"),
    "b12-inj-unstated": ("not stated", "any", None, "", "IM"),
}

# cause_id -> (failing step, reversible), digest 1.5
CAUSES = {
    "autoimmune_gastritis": ("intrinsic factor", "no"),
    "dietary": ("intake", "yes"),
    "gastrectomy": ("intrinsic factor", "no"),
    "bariatric_surgery": ("intrinsic factor", "no"),
    "ileal_resection": ("ileal uptake", "no"),
    "nitrous_oxide": ("use in cells", "depends"),
    "metformin": ("ileal uptake", "depends"),
    "other_malabsorption": ("several steps", "depends"),
    "pancreatic_insufficiency": ("transfer to intrinsic factor", "depends"),
    "bacterial_overgrowth": ("ileal uptake", "depends"),
    "fish_tapeworm": ("ileal uptake", "depends"),
    "acid_suppression": ("release from food", "depends"),
    "h_pylori_coeliac": ("several steps", "depends"),
    "inherited": ("several steps", "no"),
}

# event_id -> (time_from, time_to, time_unit, amount, amount_max, source), digest 5 and 2.5
TIMELINE = {
    "wellbeing-hoffbrand": (24, 48, "hour", None, None, "HOFFBRAND"),
    "wellbeing-pharm": (0, 2, "day", None, None, "PHARM-TEXT"),
    "marrow-normoblastic": (48, None, "hour", None, None, "HOFFBRAND"),
    "retic-window-label": (3, 10, "day", None, None, "FDA-OHCBL-LABEL"),
    "retic-peak-pharm": (5, 7, "day", None, None, "PHARM-TEXT"),
    "retic-onset-stg": (3, 5, "day", None, None, "DRGALEN-STG"),
    "retic-peak-stg": (7, None, "day", None, None, "DRGALEN-STG"),
    "hb-rise-start": (0, 1, "week", None, None, "PHARM-TEXT"),
    "hb-rise-rate": (2, None, "week", 2, 3, "HOFFBRAND"),
    "indices-normal": (0, 2, "month", None, None, "PHARM-TEXT"),
    "wbc-platelets-normal": (7, 10, "day", None, None, "HOFFBRAND; DRGALEN-STG"),
    "hypersegmented-persist": (0, 14, "day", None, None, "WIKI-HYPERSEG"),
    "giant-metamyelocytes": (0, 12, "day", None, None, "HOFFBRAND"),
    "potassium-us": (0, 48, "hour", None, None, "FDA-CNCBL-LABEL; DRUGSCOM-CNCBL"),
    "potassium-uk": (None, None, "", None, None, "SMPC-COBALIN; SMPC-PANPHARMA"),
    "us-hct-retic": (5, 7, "day", None, None, "FDA-CNCBL-LABEL"),
    "uk-retic-check": (7, 10, "day", None, None, "LOTHIAN-REFHELP"),
    "uk-fbc-8wk": (8, None, "week", None, None, "LOTHIAN-REFHELP"),
    "cks-fbc-10d": (10, None, "day", None, None, "CKS-PAPERGP"),
    "cks-fbc-8wk": (8, None, "week", None, None, "CKS-PAPERGP"),
    "nasal-b12-first": (1, None, "month", None, None, "NASCOBAL-EMPR"),
    "nasal-b12-then": (3, 6, "month", None, None, "NASCOBAL-EMPR"),
    "ifab-after-dose": (1, None, "week", None, None, "RCPA-IFA"),
    "ifab-false-positive": (0, 24, "hour", None, None, "CORNING-IFAB"),
    "mma-repeat": (1, 2, "month", None, None, "PAS-MMA"),
    "nice-review": (3, None, "month", None, None, "NASGP-2024"),
    "nice-review-pregnancy": (1, None, "month", None, None, "NASGP-2024"),
    "neuro-1-2-months": (1, 2, "month", None, None, "MEDLINEPLUS-SCD"),
    "neuro-3-months": (3, None, "month", None, None, "FDA-CNCBL-LABEL"),
    "scd-complete": (None, None, "", 14, None, "SCD-REVIEW-2006"),
    "scd-improved": (None, None, "", 86, None, "SCD-REVIEW-2006"),
}


def _v(x):
    return None if isinstance(x, float) and math.isnan(x) else x


def test_every_product_is_pinned():
    assert set(data.load("products")["product_id"]) == set(PRODUCTS)


@pytest.mark.parametrize("product_id", sorted(PRODUCTS))
def test_product_matches_the_digest(product_id):
    row = products.product(product_id)
    substance, region, strength, per_unit, routes = PRODUCTS[product_id]
    assert (row["substance"], row["region"], row["routes"], row["per_unit"]) == (
        substance, region, routes, per_unit)
    if strength is None:
        assert math.isnan(row["strength"])
    else:
        assert products.strength_mcg(product_id) == strength


@pytest.mark.parametrize("dose,product_id,ml", [
    (1000, "ohcbl-inj-uk", 1), ("1 mg", "ohcbl-inj-uk", 1), (250, "ohcbl-inj-uk", 0.25),
    (100, "cncbl-inj-us", 0.1), ("1,000 mcg", "cncbl-inj-us", 1)])
def test_volume_for_a_dose(dose, product_id, ml):
    assert products.volume_ml(dose, product_id) == pytest.approx(ml)


@pytest.mark.parametrize("dose,product_id,match", [
    (0, "ohcbl-inj-uk", "above zero"), (-1, "ohcbl-inj-uk", "above zero"),
    (float("nan"), "ohcbl-inj-uk", "finite"), ("1 mL", "ohcbl-inj-uk", "not a dose"),
    (100, "ohcbl-inj-us", "no strength"), (500, "cncbl-nasal-us", "not measured in mL"),
    (100, "unknown", "Products: ohcbl-inj-uk"),
])
def test_volume_bad_input_is_explained(dose, product_id, match):
    with pytest.raises(ValueError, match=match):
        products.volume_ml(dose, product_id)


def test_every_cause_is_pinned():
    assert set(data.load("causes")["cause_id"]) == set(CAUSES)


@pytest.mark.parametrize("cause_id", sorted(CAUSES))
def test_cause_matches_the_digest(cause_id):
    row = data.load("causes").set_index("cause_id").loc[cause_id]
    assert (row["failing_step"], row["reversible"]) == CAUSES[cause_id]


def test_cause_steps_are_steps_of_the_absorption_chain():
    import pandas as pd

    from b12course.sources.paths import data_dir

    path = data_dir() / "absorption_chain.csv"
    chain_steps = set(pd.read_csv(path, dtype=str)["step"])
    steps = set(data.load("causes")["failing_step"]) - {"several steps"}
    assert steps <= chain_steps


def test_every_timeline_event_is_pinned():
    assert set(data.load("response_timeline")["event_id"]) == set(TIMELINE)


@pytest.mark.parametrize("event_id", sorted(TIMELINE))
def test_timeline_event_matches_the_digest(event_id):
    row = data.load("response_timeline").set_index("event_id").loc[event_id]
    got = (_v(row["time_from"]), _v(row["time_to"]), row["time_unit"], _v(row["amount"]),
           _v(row["amount_max"]), row["source"])
    assert got == TIMELINE[event_id]


def test_uk_regimens_carry_the_nice_review_point():
    from b12course.clinical import regimens

    review = regimens.recommend("autoimmune_gastritis", False, "UK").review
    assert "about 3 months after starting (everyone" in review
    assert "about 1 month after starting (pregnant or breastfeeding)" in review
    assert "NASGP-2024" in review


# unit -> (dimension, factor to the base unit), digest "Units" and section 2.7
CONVERSIONS = {
    "mcg": ("mass", 1), "mg": ("mass", 1000), "g": ("mass", 1_000_000),
    "mL": ("volume", 1), "ng/L": ("b12_concentration", 1), "pg/mL": ("b12_concentration", 1),
    "pmol/L": ("b12_concentration", 1.35537), "mm": ("length", 1), "inch": ("length", 25.4),
    "kg": ("weight", 1), "lb": ("weight", 0.45359237),
}


@pytest.mark.parametrize("unit", sorted(CONVERSIONS))
def test_unit_conversion_row_matches_the_digest(unit):
    from b12course.sources import units

    dimension, factor = CONVERSIONS[unit]
    base = {"mass": "mcg", "volume": "mL", "b12_concentration": "ng/L", "length": "mm",
            "weight": "kg"}[dimension]
    assert units.dimension(unit) == dimension
    assert units.convert(1, unit, base) == pytest.approx(factor)


@pytest.mark.parametrize("ng_per_l,pmol_per_l", [(200, 148), (145, 107), (914, 675),
                                                 (180, 133), (350, 258)])
def test_digest_derived_b12_conversions(ng_per_l, pmol_per_l):
    from b12course.sources import units

    # the digest rounds with the factor 0.738, so allow one pmol/L either way
    assert units.convert(ng_per_l, "ng/L", "pmol/L") == pytest.approx(pmol_per_l, abs=1)
