"""Lab interpretation: every band reached, boundaries, units and bad input (the bands'
values are pinned by the reviewed snapshot, tests/snapshots/clinical_values.json)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12course.clinical import labs
from b12course.sources import data, units


def _table():
    return data.load("lab_thresholds").set_index("band_id")


@pytest.mark.parametrize("band_id", sorted(data.load("lab_thresholds")["band_id"]))
def test_a_value_inside_each_band_is_put_in_that_band(band_id):
    row = _table().loc[band_id]
    lo = 0.0 if math.isnan(row["lower"]) else row["lower"]
    hi = lo * 2 + 1 if math.isnan(row["upper"]) else row["upper"]
    value = (lo + hi) / 2
    result = labs.interpret(row["analyte"], value, row["unit"], row["scheme"])
    assert result.band == row["band"] and result.category == row["category"]
    assert result.source == row["source"]


@pytest.mark.parametrize("value,category", [
    (179.9, "deficient"), (180, "indeterminate"), (350, "indeterminate"),
    (350.1, "unlikely"), (0, "deficient"), (5000, "unlikely"),
])
def test_nice_total_b12_boundaries(value, category):
    result = labs.interpret_total_b12(value)
    assert result.category == category
    assert result.source == "NTRO-NICE"
    assert result.scheme == "NICE-NG239"


@pytest.mark.parametrize("value,category", [
    (24.9, "deficient"), (25, "indeterminate"), (70, "indeterminate"), (70.1, "unlikely")])
def test_nice_active_b12_boundaries(value, category):
    assert labs.interpret_active_b12(value).category == category


def test_nice_pmol_figures_are_the_derived_conversions():
    # digest 2.2: 180 ng/L = 133 pmol/L and 350 ng/L = 258 pmol/L (DERIVED with 0.738)
    assert round(units.convert(180, "ng/L", "pmol/L")) == 133
    assert round(units.convert(350, "ng/L", "pmol/L")) == 258
    assert labs.interpret_total_b12(132, "pmol/L").category == "deficient"
    assert labs.interpret_total_b12(134, "pmol/L").category == "indeterminate"
    assert labs.interpret_total_b12(259, "pmol/L").category == "unlikely"


def test_pg_per_ml_reads_the_same_as_ng_per_l():
    for value in (150, 200, 400):
        assert labs.interpret_total_b12(value, "pg/mL").band == \
            labs.interpret_total_b12(value, "ng/L").band


def test_same_result_differs_between_schemes():
    # 170 ng/L: NICE deficient, RUH 2024 only 'possible'; the course shows who says what
    assert labs.interpret_total_b12(170).category == "deficient"
    assert labs.interpret_total_b12(170, scheme="RUH-2024").category == "indeterminate"
    assert labs.interpret_total_b12(190, scheme="BSH-CKS (historical)").category == "not stated"
    assert labs.interpret_total_b12(250, scheme="BSH-CKS (historical)").category == "not stated"


def test_schemes_lists_nice_first_and_local_labs():
    total = labs.schemes("total_b12")
    assert total[0] == "NICE-NG239"
    assert {"BSH-CKS (historical)", "NBT-B12", "RUH-2024", "RUH-2023 (historical)",
            "UCSF"} <= set(total)
    assert labs.schemes("active_b12") == ["NICE-NG239"]


def test_metabolites_convert_between_micromol_and_nanomol():
    assert labs.interpret("mma", 300, "nmol/L", "PRACTNEUROL-N2O").category == "raised"
    assert labs.interpret("mma", 0.3, "umol/L", "STABLER-2013").category == "normal"


def test_gap_between_bands_is_reported_not_guessed():
    result = labs.interpret("mcv", 98, "fL", "MCV")
    assert result.category == "unclassified"


def test_explanation_is_plain_english_with_the_band():
    result = labs.interpret_total_b12(250)
    assert "indeterminate" in result.explanation and "250 ng/L" in result.explanation


@pytest.mark.parametrize("call,match", [
    (lambda: labs.interpret_total_b12(-5), "cannot be negative"),
    (lambda: labs.interpret_total_b12(float("nan")), "not a usable number"),
    (lambda: labs.interpret_total_b12("abc"), "not a number"),
    (lambda: labs.interpret_total_b12(200, "mg"), "Accepted units: ng/L, pg/mL, pmol/L"),
    (lambda: labs.interpret_total_b12(200, "furlongs"), "Accepted units"),
    (lambda: labs.interpret_total_b12(200, scheme="WHO"), "Schemes: NICE-NG239"),
    (lambda: labs.interpret_active_b12(50, "ng/L"), "pmol/L"),
    (lambda: labs.interpret_active_b12(50, scheme="BSH-CKS (historical)"),
     "Schemes: NICE-NG239"),
    (lambda: labs.schemes("folate"), "Accepted tests"),
])
def test_bad_input_says_what_is_accepted(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@settings(max_examples=200, deadline=None)
@given(value=st.floats(min_value=1, max_value=3000, allow_nan=False))
def test_interpretation_does_not_depend_on_the_unit_typed(value):
    boundaries = (180, 350)
    if any(abs(value - b) < 1e-6 for b in boundaries):
        return
    in_pmol = units.convert(value, "ng/L", "pmol/L")
    assert math.isclose(units.convert(in_pmol, "pmol/L", "ng/L"), value, rel_tol=1e-12)
    assert labs.interpret_total_b12(in_pmol, "pmol/L").category == \
        labs.interpret_total_b12(value, "ng/L").category


@pytest.mark.parametrize("scheme", labs.schemes("total_b12"))
def test_total_b12_schemes_cover_every_value_once_up_to_their_last_band(scheme):
    """No value falls in two bands, and none falls in a gap; above a scheme's last band (UCSF
    names none above 816 ng/L) a value is in no band and reads as unclassified."""
    rows = labs.bands("total_b12", scheme)
    from b12course.sources.cells import is_blank

    uppers = [float(u) for u in rows["upper"] if not is_blank(u)]
    open_top = any(is_blank(u) for u in rows["upper"])
    top = float("inf") if open_top else max(uppers)
    for value in [x / 2 for x in range(0, 2400)]:
        hits = [r for _, r in rows.iterrows() if labs._contains(r, value)]
        assert len(hits) == (1 if value <= top else 0), (scheme, value, len(hits))
        if value > top:
            assert labs.interpret_total_b12(value, "ng/L", scheme).category == "unclassified"
