"""Needle lengths (CDC adult table; its values pinned by the reviewed snapshot,
tests/snapshots/clinical_values.json) and injection-site guidance."""


import pytest

from b12course.clinical import technique
from b12course.sources import data


def test_millimetres_are_computed_from_inches():
    table = technique.needle_table().set_index("row_id")
    assert table.loc["deltoid-female-over-90kg", "length_max_mm"] == pytest.approx(38.1)
    # Poland 1997: a 5/8 inch needle is 16 mm
    assert table.loc["deltoid-under-60kg", "length_min_mm"] == pytest.approx(16, abs=0.2)
    assert "length_min_mm" not in data.load("needle_lengths").columns


@pytest.mark.parametrize("sex,kg,lengths,rows", [
    ("female", 50, (0.625, 1), ("deltoid-under-60kg",)),
    ("male", 59.9, (0.625, 1), ("deltoid-under-60kg",)),
    ("female", 60, (1, 1), ("deltoid-60-70kg",)),
    ("male", 65, (1, 1), ("deltoid-60-70kg",)),
    ("female", 80, (1, 1.5), ("deltoid-female-70-90kg",)),
    ("female", 90, (1, 1.5), ("deltoid-female-70-90kg",)),
    ("female", 95, (1.5, 1.5), ("deltoid-female-over-90kg",)),
    ("male", 95, (1, 1.5), ("deltoid-male-70-118kg",)),
    ("male", 118, (1, 1.5), ("deltoid-male-70-118kg",)),
    ("male", 130, (1.5, 1.5), ("deltoid-male-over-118kg",)),
])
def test_deltoid_length_by_sex_and_kg(sex, kg, lengths, rows):
    advice = technique.deltoid_needle_length(sex, kg)
    assert (advice.min_inch, advice.max_inch) == lengths
    assert advice.rows == rows
    assert advice.min_mm == pytest.approx(lengths[0] * 25.4)
    assert advice.gauge == "22-25" and advice.angle_degrees == 90
    assert "IMMUNIZE-ADULT" in advice.source


@pytest.mark.parametrize("sex,lb,rows", [
    ("female", 129, ("deltoid-under-60kg",)), ("female", 130, ("deltoid-60-70kg",)),
    ("male", 152, ("deltoid-60-70kg",)), ("male", 152.4, ("deltoid-60-70kg",)),
    ("male", 153, ("deltoid-male-70-118kg",)), ("female", 200, ("deltoid-female-70-90kg",)),
    ("female", 201, ("deltoid-female-over-90kg",)), ("male", 261, ("deltoid-male-over-118kg",)),
])
def test_deltoid_length_by_pounds_uses_the_pound_bands(sex, lb, rows):
    assert technique.deltoid_needle_length(sex, weight_lb=lb).rows == rows


def test_overlapping_kg_boundary_shows_both_rows_and_says_why():
    advice = technique.deltoid_needle_length("female", 70)
    assert set(advice.rows) == {"deltoid-60-70kg", "deltoid-female-70-90kg"}
    assert (advice.min_inch, advice.max_inch) == (1, 1.5)
    assert "boundary" in advice.note


def test_five_eighths_needle_carries_its_condition():
    assert "stretched flat" in technique.deltoid_needle_length("male", 55).condition


def test_inch_text_writes_fractions():
    assert [technique.inch_text(x) for x in (0.625, 1, 1.5)] == ["5/8", "1", "1 1/2"]


def test_vastus_lateralis_has_its_own_row_and_ventrogluteal_explains_missing_data():
    advice = technique.needle_for_site("vastus lateralis", "female", 60)
    assert (advice.min_inch, advice.max_inch) == (1, 1.5)
    with pytest.raises(ValueError, match="no needle length for the ventrogluteal site"):
        technique.needle_for_site("ventrogluteal", "female", 60)


@pytest.mark.parametrize("args,kwargs,match", [
    (("other", 70), {}, "female, male"),
    (("female", 0), {}, "above zero"),
    (("female", -5), {}, "above zero"),
    (("female", float("nan")), {}, "not a finite number"),
    (("female", "heavy"), {}, "not a number"),
    (("female",), {}, "Give the weight once"),
    (("female", 70), {"weight_lb": 150}, "Give the weight once"),
])
def test_bad_input_is_explained(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        technique.deltoid_needle_length(*args, **kwargs)


def test_sites_cover_the_four_sites_with_landmarks_and_sources():
    sites = technique.sites().set_index("site")
    assert list(sites.index) == ["deltoid", "ventrogluteal", "vastus lateralis", "dorsogluteal"]
    assert sites.loc["dorsogluteal", "standing"] == "discouraged"
    assert "greater trochanter" in sites.loc["ventrogluteal", "landmark"]
    assert "acromion" in sites.loc["deltoid", "landmark"]
    assert (sites["source"] != "").all()


def test_site_volumes_keep_the_sources_disagreement_on_the_deltoid():
    volumes = technique.site_volumes()
    deltoid = volumes[volumes["site"] == "deltoid"]
    assert sorted(deltoid["volume_max_ml"]) == [1, 2, 2, 3]
    assert set(volumes.loc[volumes["site"] == "ventrogluteal", "volume_max_ml"]) == {3}
    assert set(volumes.loc[volumes["site"] == "dorsogluteal", "volume_max_ml"]) == {4}
