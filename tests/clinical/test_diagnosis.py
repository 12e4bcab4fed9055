"""Notebook 02 helpers: who-says-what tables, unit tables and band charts read the cited rows."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from b12course.clinical import diagnosis
from b12course.show import lab_figures
from b12course.sources import data, units  # noqa: E402


def test_threshold_table_has_every_row_and_source_of_the_analyte():
    rows = data.load("lab_thresholds")
    for analyte in ("total_b12", "active_b12", "mma", "homocysteine"):
        table = diagnosis.threshold_table(analyte)
        expected = rows[rows["analyte"] == analyte]
        assert len(table) == len(expected)
        assert list(table["source"]) == list(expected["source"])
        assert list(table["band (scheme's wording)"]) == list(expected["band"])


def test_nice_total_b12_bands_read_as_in_the_digest():
    table = diagnosis.threshold_table("total_b12")
    nice = table[table["scheme"] == "NICE-NG239"].set_index("category")["range"]
    assert nice["deficient"] == "< 180 ng/L"
    assert nice["indeterminate"] == "≥ 180 and ≤ 350 ng/L"
    assert nice["unlikely"] == "> 350 ng/L"


def test_bounds_in_all_units_use_the_cited_factor():
    table = diagnosis.bounds_in_all_units("total_b12")
    for _, row in table.iterrows():
        assert row["pg/mL"] == row["ng/L"]
        assert row["pmol/L"] == pytest.approx(units.convert(row["ng/L"], "ng/L", "pmol/L"),
                                              abs=0.05)
    nice = table[table["used by"].str.contains("NICE-NG239")].set_index("ng/L")["pmol/L"]
    # digest 2.2: 180 ng/L = 133 pmol/L and 350 ng/L = 258 pmol/L (NICE's own pmol/L figures)
    assert round(nice[180.0]) == 133 and round(nice[350.0]) == 258
    # every bound of every scheme appears once, naming each scheme that uses it
    rows = diagnosis.thresholds("total_b12")
    bounds = set(rows["lower"].dropna()) | set(rows["upper"].dropna())
    assert sorted(table["ng/L"]) == sorted(bounds)
    assert "BSH-CKS (historical)" in table.set_index("ng/L").loc[200.0, "used by"]


def test_bounds_refuse_an_analyte_without_b12_units():
    with pytest.raises(ValueError, match="no ng/L"):
        diagnosis.bounds_in_all_units("mma")


def test_unknown_analyte_lists_the_accepted_ones():
    with pytest.raises(ValueError, match="total_b12"):
        diagnosis.threshold_table("ferritin")


@pytest.mark.parametrize("analyte,unit", [("total_b12", "ng/L"), ("total_b12", "pmol/L"),
                                          ("active_b12", "pmol/L")])
def test_band_figure_draws_one_bar_per_band_and_alt_text_names_every_scheme(analyte, unit):
    fig = lab_figures.bands_figure(analyte, unit)
    bars = [p for p in fig.axes[0].patches if p.get_width() > 0]
    assert len(bars) == len(diagnosis.thresholds(analyte))
    alt = lab_figures.bands_alt(analyte, unit)
    for scheme in diagnosis.thresholds(analyte)["scheme"].unique():
        assert scheme in alt
    assert "Sources:" in lab_figures.bands_caption(analyte, unit)
    plt.close(fig)
