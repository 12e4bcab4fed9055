"""Volumes from products, causes on the absorption chain, review points and unit conversions.

The tables' clinical values themselves are pinned by the reviewed snapshot
(tests/snapshots/clinical_values.json, tests/sources/test_clinical_snapshot.py)."""

import pytest

from b12course.clinical import products
from b12course.sources import data


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


def test_cause_steps_are_steps_of_the_absorption_chain():
    import pandas as pd

    from b12course.sources.paths import data_dir

    path = data_dir() / "absorption_chain.csv"
    chain_steps = set(pd.read_csv(path, dtype=str)["step"])
    steps = set(data.load("causes")["failing_step"]) - {"several steps"}
    assert steps <= chain_steps


def test_uk_regimens_carry_the_nice_review_point():
    from b12course.clinical import regimens

    review = regimens.recommend("autoimmune_gastritis", False, "UK").review
    assert "about 3 months after starting (everyone" in review
    assert "about 1 month after starting (pregnant or breastfeeding)" in review
    assert "NASGP-2024" in review


@pytest.mark.parametrize("ng_per_l,pmol_per_l", [(200, 148), (145, 107), (914, 675),
                                                 (180, 133), (350, 258)])
def test_digest_derived_b12_conversions(ng_per_l, pmol_per_l):
    from b12course.sources import units

    # the digest rounds with the factor 0.738, so allow one pmol/L either way
    assert units.convert(ng_per_l, "ng/L", "pmol/L") == pytest.approx(pmol_per_l, abs=1)
