"""Units: what students type is parsed forgivingly; conversions are cited and round-trip."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course.sources import references, units
from b12course.sources.units import Quantity, convert, parse_number, parse_quantity


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 mg", Quantity(1.0, "mg")),
        ("1mg", Quantity(1.0, "mg")),
        ("1000 mcg", Quantity(1000.0, "mcg")),
        ("1,000 µg", Quantity(1000.0, "mcg")),
        ("1,000 μg", Quantity(1000.0, "mcg")),
        ("1000 micrograms", Quantity(1000.0, "mcg")),
        ("0.5 mL", Quantity(0.5, "mL")),
        ("1 ML", Quantity(1.0, "mL")),
        ("180 ng/L", Quantity(180.0, "ng/L")),
        ("133 pmol/l", Quantity(133.0, "pmol/L")),
        ("25 mm", Quantity(25.0, "mm")),
        ('1"', Quantity(1.0, "inch")),
        ("1.5 inches", Quantity(1.5, "inch")),
        ("60 kg", Quantity(60.0, "kg")),
        ("130 lb", Quantity(130.0, "lb")),
    ],
)
def test_parse_quantity_accepts_common_spellings(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "enter an amount"),
        ("mg", "does not start with a number"),
        ("1000", "has no unit"),
        ("1 gallon", "Unknown unit 'gallon'. Accepted units: mcg, mg"),
        ("NaN mg", "does not start with a number"),
        ("1e999 mg", "not a finite number"),
        ("-5 kg", "negative"),
        ("0,5 mL", "use a point for decimals"),
    ],
)
def test_parse_quantity_explains_bad_input(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_quantity(text)


def test_parse_number():
    assert parse_number("1,000") == 1000.0
    assert parse_number(" 2.5 ") == 2.5
    assert parse_number("-3", allow_negative=True) == -3.0
    for bad in ["", "abc", "1 mg", "nan", "inf", True]:
        with pytest.raises(ValueError):
            parse_number(bad)


@pytest.mark.parametrize(
    "value, source, target, expected",
    [
        (1, "mg", "mcg", 1000),
        (1000, "micrograms", "mg", 1),
        (250, "mcg", "mg", 0.25),
        (1, "g", "mg", 1000),
        (1, "L", "mL", 1000),
        (200, "pg/mL", "ng/L", 200),
        (180, "ng/L", "pmol/L", 132.8),
        (350, "ng/L", "pmol/L", 258.2),
        (148, "pmol/L", "ng/L", 200.6),
        (1, "inch", "mm", 25.4),
        (1.5, "inch", "mm", 38.1),
        (130, "lb", "kg", 58.97),
    ],
)
def test_convert_matches_the_digest(value, source, target, expected):
    # NICE bands 180/350 ng/L = 133/258 pmol/L; BSH 148 pmol/L = 200 ng/L (clinical_facts 2.2)
    assert convert(value, source, target) == pytest.approx(expected, abs=0.05)


def test_convert_refuses_mixed_dimensions_and_lists_choices():
    with pytest.raises(ValueError, match="Cannot convert mg .*mass.* to mL"):
        convert(1, "mg", "mL")
    with pytest.raises(ValueError, match="Accepted units"):
        convert(1, "mg", "grain")


def test_every_conversion_factor_is_cited():
    for unit in units.accepted_units():
        assert references.unresolved(units.source(unit)) == [], unit


finite = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
pairs = st.sampled_from([
    ("mg", "mcg"), ("g", "mcg"), ("mL", "L"), ("ng/L", "pmol/L"), ("pg/mL", "pmol/L"),
    ("inch", "mm"), ("lb", "kg"),
])


@given(finite, pairs)
def test_conversions_round_trip(value, pair):
    there = convert(value, *pair)
    back = convert(there, pair[1], pair[0])
    assert math.isclose(back, value, rel_tol=1e-12)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["mcg", "µg", "micrograms"]))
def test_typed_thousands_parse_back(number, unit):
    assert parse_quantity(f"{number:,} {unit}") == Quantity(float(number), "mcg")


@given(st.text(max_size=30))
def test_parse_quantity_never_fails_with_anything_but_valueerror(text):
    try:
        result = parse_quantity(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert math.isfinite(result.value) and result.value >= 0
