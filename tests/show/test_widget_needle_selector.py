"""The needle selector answers from the cited tables, in kg or lb, and explains bad input."""

import html

import pytest

from b12course.clinical import technique
from b12course.show import needle_figures
from b12course.show.widgets import needle_selector as ns
from b12course.sources import units


@pytest.fixture()
def selector():
    return ns.needle_selector()


def test_opens_with_an_answer_and_site_guidance(selector):
    parts = selector.parts
    assert parts.result.value.startswith("<p>✓")
    assert "landmark" in parts.guidance.value
    for control in (parts.sex, parts.weight, parts.unit, parts.site):
        assert control.description, "every control needs a text label"


def test_site_dropdown_lists_every_site_in_the_table(selector):
    assert list(selector.parts.site.options) == list(technique.sites()["site"])


@pytest.mark.parametrize("sex", [value for _label, value in ns.SEXES])
@pytest.mark.parametrize("weight", ["50 kg", "65 kg", "80 kg", "100 kg", "130 kg",
                                    "120 lb", "140 lb", "180 lb", "230 lb", "300 lb"])
def test_deltoid_answer_matches_the_cdc_lookup_for_every_sex_and_band(selector, sex, weight):
    parts = selector.parts
    parts.site.value = "deltoid"
    parts.sex.value = sex
    parts.weight.value = weight
    value, unit = units.parse_quantity(weight)
    expected = technique.deltoid_needle_length(sex, **{f"weight_{unit}": value})
    assert parts.result.value.startswith("<p>✓")
    assert html.escape(expected.length_text) in parts.result.value
    assert expected.gauge in parts.result.value and expected.source in parts.result.value


def test_every_site_gives_an_answer_or_a_friendly_explanation(selector):
    parts = selector.parts
    parts.weight.value = "75 kg"
    seen = set()
    for site in parts.site.options:
        parts.site.value = site
        result = parts.result.value
        assert result.startswith("<p>✓") or result.startswith("<p>Note:"), result
        assert "Traceback" not in result
        row = technique.sites().set_index("site").loc[site]
        assert html.escape(row["landmark"]) in parts.guidance.value
        seen.add(result)
    assert len(seen) > 1, "changing the site should change the answer"
    parts.site.value = "ventrogluteal"
    assert "no needle length" in parts.result.value


def test_unit_dropdown_applies_to_a_bare_number(selector):
    parts = selector.parts
    parts.site.value = "deltoid"
    parts.sex.value = "female"
    parts.weight.value = "150"
    parts.unit.value = "kg"
    as_kg = parts.result.value
    parts.unit.value = "lb"
    assert parts.result.value != as_kg
    assert "150 lb" in parts.result.value


def test_sex_changes_the_answer_where_the_table_differs(selector):
    parts = selector.parts
    parts.site.value = "deltoid"
    parts.weight.value = "100 kg"
    parts.sex.value = "female"
    women = parts.result.value
    parts.sex.value = "male"
    assert parts.result.value != women


@pytest.mark.parametrize("bad", ["-5", "-5 kg", "abc", "", "0", "1 mg", "5 stone", "1e999",
                                 "NaN", "70 mL"])
def test_bad_weights_get_a_friendly_message_not_a_traceback(selector, bad):
    parts = selector.parts
    parts.weight.value = bad
    assert parts.result.value.startswith("<p>Note:"), parts.result.value
    assert "kg" in parts.result.value or "weight" in parts.result.value


def test_out_of_table_lookup_is_explained(monkeypatch, selector):
    def outside(*_args, **_kwargs):
        raise ValueError("900 kg is outside the CDC deltoid table for females.")

    monkeypatch.setattr(technique, "deltoid_needle_length", outside)
    parts = selector.parts
    parts.site.value = "deltoid"
    parts.weight.value = "900 kg"
    assert parts.result.value.startswith("<p>Note:") and "outside" in parts.result.value


def test_unexpected_errors_never_reach_the_student(monkeypatch, selector):
    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(technique, "deltoid_needle_length", crash)
    parts = selector.parts
    parts.site.value = "deltoid"
    parts.weight.value = "81 kg"
    assert parts.result.value.startswith("✗") and "Check the weight" in parts.result.value


def test_parse_weight_accepts_kg_lb_and_bare_numbers():
    assert ns.parse_weight("72 kg") == (72.0, "kg")
    assert ns.parse_weight("160 lbs") == (160.0, "lb")
    assert ns.parse_weight("72", "lb") == (72.0, "lb")
    with pytest.raises(ValueError, match="kg or lb"):
        ns.parse_weight("72 inch")


def test_figures_and_alt_text_come_from_the_tables():
    table = technique.needle_table()
    deltoid = table[(table["guide"] == technique.CDC_GUIDE) & (table["site"] == "deltoid")]
    fig = needle_figures.needle_length_figure()
    assert len(fig.axes[0].get_yticklabels()) == len(deltoid)
    alt = needle_figures.needle_length_alt()
    for row in deltoid.itertuples():
        assert f"{row.length_max_mm:.3g}" in alt
    volumes = technique.site_volumes()
    assert len(needle_figures.site_volume_figure().axes[0].get_yticklabels()) == len(volumes)
    for source in volumes["source"]:
        assert source in needle_figures.site_volume_alt()


def test_other_guides_show_the_uk_self_injection_rows():
    table = technique.needle_table()
    others = table[table["guide"] != technique.CDC_GUIDE]
    text = ns.other_guides_html()
    for source in others["source"]:
        assert source in text
