"""Narrow tables: the same facts as the wide course table, in fewer, worded columns."""

import math
from types import SimpleNamespace

import pytest

from b12course.clinical import technique
from b12course.show import readable
from b12course.show.tables import readable as styled


def _row(low_inch, high_inch):
    low_mm = float("nan") if math.isnan(low_inch) else technique.to_mm(low_inch)
    return SimpleNamespace(length_min_inch=low_inch, length_max_inch=high_inch,
                           length_min_mm=low_mm, length_max_mm=technique.to_mm(high_inch))


@pytest.mark.parametrize(("low", "high", "text"), [
    (0.625, 1.0, "5/8-1 inch (15.875-25.4 mm)"),
    (1.0, 1.0, "1 inch (25.4 mm)"),
    (1.0, 1.5, "1-1 1/2 inch (25.4-38.1 mm)"),
    (float("nan"), 3.0, "up to 3 inch (76.2 mm)"),
])
def test_needle_length_text_gives_inches_and_unrounded_millimetres(low, high, text):
    assert readable.needle_length_text(_row(low, high)) == text


def test_needle_lengths_keeps_every_row_in_six_columns():
    wide = technique.needle_table()
    narrow = readable.needle_lengths()
    assert list(narrow.columns) == readable.NEEDLE_COLUMNS
    assert len(narrow) == len(wide)
    assert list(narrow["source"]) == list(wide["source"])
    assert list(narrow["guide"]) == list(wide["guide"])
    first = narrow.iloc[0]
    assert first["weight"] == "under 60 kg (130 lb)"
    assert first["needle length"] == "5/8-1 inch (15.875-25.4 mm)"
    assert "60-70 kg (130-152 lb)" in set(narrow["weight"])


def test_needle_lengths_shows_without_an_empty_header():
    html = styled(readable.needle_lengths()).to_html()
    assert "needle length" in html and "<th></th>" not in html.replace(" ", "")
