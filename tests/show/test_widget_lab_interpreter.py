"""The lab-interpreter explorer: every test, unit and scheme gives a cited band; bad input never
raises and always gets a friendly message."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12course.clinical import labs
from b12course.show import readable
from b12course.show.widgets import lab_interpreter as li
from b12course.sources import references, units

BAD_INPUTS = ["abc", "-5", "", "   ", "1e999", "180 mg", "180 kg", "nan", "inf", "0",
              "25 nmol/L", "1,00", "<b>250</b>", "2" * 60, "-5 ng/L"]


def _controls(widget):
    found = {}

    def walk(node):
        for child in getattr(node, "children", ()):
            walk(child)
        label = getattr(node, "description", "")
        if label:
            found[label] = node

    walk(widget)
    return found


def _feedback(widget):
    return widget.parts.feedback


def _value_inside(row):
    """A number strictly inside one band, worked out from the band's own bounds."""
    low = None if math.isnan(row["lower"]) else float(row["lower"])
    high = None if math.isnan(row["upper"]) else float(row["upper"])
    if low is not None and high is not None:
        return (low + high) / 2
    if high is not None:
        return high / 2
    return low * 1.5


@pytest.fixture
def widget():
    return li.lab_interpreter()


def test_controls_have_text_labels(widget):
    controls = _controls(widget)
    for label in ("Test:", "Result:", "Unit:", "Scheme:", "Interpret"):
        assert label in controls


def _values(control):
    return [value for _label, value in control.options]


def test_scheme_list_comes_from_the_data(widget):
    controls = _controls(widget)
    assert _values(controls["Scheme:"]) == labs.schemes("total_b12")
    controls["Test:"].value = "active_b12"
    assert _values(controls["Scheme:"]) == labs.schemes("active_b12")
    assert list(controls["Unit:"].options) == ["pmol/L"]


def test_schemes_are_listed_by_name_and_passed_on_by_code(widget):
    """Students read the laboratory's name, never the code 'NBT-B12'."""
    scheme = _controls(widget)["Scheme:"]
    assert scheme.value == labs.DEFAULT_SCHEME
    for label, code in scheme.options:
        assert label == readable.scheme_name(code) and label != code
        assert not re.search(r"\b[A-Z]{2,}-[A-Z0-9]", label), label
    scheme.value = "NBT-B12"
    assert scheme.label == "North Bristol NHS Trust (Severn Pathology) laboratory"
    html = li.interpret_html("total_b12", "150", "ng/L", "NBT-B12")
    assert ("read with the bands of <b>North Bristol NHS Trust (Severn Pathology) "
            "laboratory</b>") in html


def test_every_dropdown_is_sized_to_its_label_and_longest_option(widget):
    controls = _controls(widget)
    for name in ("Test:", "Unit:", "Scheme:"):
        control = controls[name]
        assert control.style.description_width == "initial"
        longest = max(len(str(o[0] if isinstance(o, tuple) else o)) for o in control.options)
        width = int(re.match(r"calc\((\d+)ch", control.layout.width).group(1))
        assert width >= len(control.description) + longest, name


@pytest.mark.parametrize("test", ["total_b12", "active_b12"])
def test_every_band_of_every_scheme_is_reached_and_cited(widget, test):
    controls = _controls(widget)
    controls["Test:"].value = test
    for scheme in labs.schemes(test):
        controls["Scheme:"].value = scheme
        rows = labs.bands(test, scheme)
        for _, row in rows.iterrows():
            controls["Unit:"].value = row["unit"]
            controls["Result:"].value = f"{_value_inside(row):g}"
            controls["Interpret"].click()
            html = _feedback(widget).value
            assert li.CATEGORY_WORDS[row["category"]] in html, (scheme, row["band"])
            assert row["band"] in html
            for key in references.split_keys(row["source"]):
                assert key in html
            assert "Education only" in html


@pytest.mark.parametrize("unit", li.TEST_UNITS["total_b12"])
def test_every_total_b12_unit_is_accepted(widget, unit):
    controls = _controls(widget)
    controls["Unit:"].value = unit
    controls["Result:"].value = "250"
    controls["Interpret"].click()
    html = _feedback(widget).value
    assert "✗" not in html and f"250 {unit}" in html


@pytest.mark.parametrize("text", BAD_INPUTS)
@pytest.mark.parametrize("test", ["total_b12", "active_b12"])
def test_bad_input_gets_a_friendly_message_never_a_traceback(widget, text, test):
    controls = _controls(widget)
    controls["Test:"].value = test
    controls["Result:"].value = text
    controls["Interpret"].click()
    html = _feedback(widget).value
    assert "✗" in html and "Cannot interpret" in html
    assert "Traceback" not in html and "<b>250</b>" not in html


def test_unit_typed_with_the_number_is_used_and_said(widget):
    controls = _controls(widget)
    controls["Unit:"].value = "ng/L"
    controls["Result:"].value = "100 pmol/L"
    controls["Interpret"].click()
    html = _feedback(widget).value
    assert "100 pmol/L" in html and "instead of the ng/L" in html


def test_changing_the_scheme_reinterprets_the_same_result(widget):
    controls = _controls(widget)
    controls["Result:"].value = "190"
    controls["Scheme:"].value = "NICE-NG239"
    nice = _feedback(widget).value
    controls["Scheme:"].value = "BSH-CKS (historical)"
    bsh = _feedback(widget).value
    assert "NICE-NG239" in nice and "BSH-CKS (historical)" in bsh
    assert li.HISTORICAL_WORDS in bsh and li.HISTORICAL_WORDS not in nice
    expected_nice = labs.interpret_total_b12(190, "ng/L", "NICE-NG239").category
    expected_bsh = labs.interpret_total_b12(190, "ng/L", "BSH-CKS (historical)").category
    assert li.CATEGORY_WORDS[expected_nice] in nice
    assert li.CATEGORY_WORDS[expected_bsh] in bsh


@settings(max_examples=60, deadline=None)
@given(value=st.floats(min_value=1, max_value=2000, allow_nan=False),
       scheme=st.sampled_from(labs.schemes("total_b12")))
def test_same_result_in_ng_per_l_and_pmol_per_l_gets_the_same_category(value, scheme):
    in_pmol = units.convert(value, "ng/L", "pmol/L")
    as_ng = li.interpret_html("total_b12", f"{value!r}", "ng/L", scheme)
    as_pmol = li.interpret_html("total_b12", f"{in_pmol!r}", "pmol/L", scheme)
    category = labs.interpret_total_b12(value, "ng/L", scheme).category
    assert li.CATEGORY_WORDS[category] in as_ng
    # away from a band edge, converting the unit never changes the category
    edges = [b for _, r in labs.bands("total_b12", scheme).iterrows()
             for b in (r["lower"], r["upper"]) if not math.isnan(b)]
    if all(abs(value - edge) > 0.01 for edge in edges):
        assert li.CATEGORY_WORDS[category] in as_pmol


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=30))
def test_any_text_never_raises(text):
    html = li.interpret_html("total_b12", text, "ng/L", "NICE-NG239")
    assert html.startswith("<p>")
