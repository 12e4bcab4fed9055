"""Notebook 01 helpers: requirements, the absorption chain and its figure read cited rows."""

import csv

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from b12course.clinical import physiology  # noqa: E402
from b12course.show import physiology_figures
from b12course.sources import references
from b12course.sources.paths import data_dir  # noqa: E402


def _rows(name):
    with open(data_dir() / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", ["requirements", "absorption_chain"])
def test_every_row_cites_sources_that_resolve(name):
    for row in _rows(name):
        assert row["source"].strip()
        assert references.unresolved(row["source"]) == []


def test_uk_and_us_adult_figures_match_the_digest():
    # Digest 1.2: UK RNI 1.5 micrograms/day (COMA 1991); US RDA 2.4 (IOM 1998).
    assert physiology.requirement("UK") == 1.5
    assert physiology.requirement("US") == 2.4
    frame = physiology.requirements()
    us = frame[frame["region"] == "US"].set_index("population")["mcg_per_day"]
    assert us["pregnancy"] == 2.6 and us["lactation"] == 2.8


def test_unknown_region_names_what_is_known():
    with pytest.raises(ValueError, match="Known"):
        physiology.requirement("Mars")


def test_days_of_requirement_is_computed_from_the_rows():
    table = physiology.dose_in_days_of_requirement(1000).set_index("region")
    for region in ("UK", "US"):
        expected = round(1000 / physiology.requirement(region))
        assert table.loc[region, "days_of_requirement"] == expected
    # a bigger dose holds proportionally more days
    double = physiology.dose_in_days_of_requirement(2000).set_index("region")
    assert double.loc["UK", "days_of_requirement"] == pytest.approx(
        2 * table.loc["UK", "days_of_requirement"], abs=1)


def test_chain_runs_from_food_to_cells_through_the_three_carriers():
    chain = physiology.absorption_chain()
    assert list(chain["order"]) == sorted(chain["order"])
    assert chain["step"].iloc[0] == "intake" and chain["step"].iloc[-1] == "use in cells"
    carriers = list(dict.fromkeys(chain["carrier"]))
    for earlier, later in [("haptocorrin", "intrinsic factor"),
                           ("intrinsic factor", "transcobalamin")]:
        assert carriers.index(earlier) < carriers.index(later)
    sites = dict(zip(chain["step"], chain["site"], strict=True))
    assert sites["ileal uptake"] == "Terminal ileum"


def test_chain_figure_draws_one_box_per_step_and_has_alt_text():
    fig = physiology_figures.absorption_chain_figure()
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for label in physiology.step_labels().values():
        assert label.split()[0] in texts
    assert "intrinsic factor" in physiology_figures.ABSORPTION_ALT
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_broken_table_fails_with_file_row_and_column(tmp_path, monkeypatch):
    for name in ("references.csv", "units.csv"):
        (tmp_path / name).write_bytes((data_dir() / name).read_bytes())
    (tmp_path / "requirements.csv").write_text(
        "body,region,population,mcg_per_day,measure,year,source,notes\n"
        "X,UK,adults,1.5,RNI,1991,NOT-A-KEY,\n", encoding="utf-8")
    monkeypatch.setenv("B12COURSE_DATA", str(tmp_path))
    with pytest.raises(ValueError, match=r"requirements.csv, row 2, column 'source'"):
        physiology.requirements()


def test_depletion_years_match_the_digest_worked_example():
    # Digest 1.4 (DERIVED from IOM-1998): 3 mg -> 0.3 mg takes about 3.2 years at 0.2%/day and
    # about 6.3 years at 0.1%/day; from 1 mg about 1.6 and 3.3 years.
    table = physiology.years_to_depletion().set_index("starting store (mcg)")
    intact = "years (with bile reabsorption)"
    absent = "years (without bile reabsorption)"
    assert table.loc[3000.0, absent] == 3.2 and table.loc[3000.0, intact] == 6.3
    assert table.loc[1000.0, absent] == 1.6 and table.loc[1000.0, intact] == 3.3


def test_depletion_curves_fall_twice_as_fast_without_bile_reabsorption():
    curves = physiology.depletion_curves(years=2)
    start = physiology.full_store_mcg()
    by = {label: frame.set_index("day")["store_mcg"] for label, frame in
          curves.groupby("scenario")}
    intact, absent = by[physiology.SCENARIOS["intact"]], by[physiology.SCENARIOS["absent"]]
    assert intact.iloc[0] == absent.iloc[0] == start
    assert (intact.diff().dropna() < 0).all() and (absent.iloc[1:] < intact.iloc[1:]).all()
    first_day_loss = (start - intact.loc[1], start - absent.loc[1])
    assert first_day_loss[1] == pytest.approx(2 * first_day_loss[0])


def test_depletion_figure_has_two_curves_and_alt_text_with_model_numbers():
    import matplotlib.pyplot as plt

    fig = physiology_figures.depletion_figure()
    assert len(fig.axes[0].get_lines()) == 3  # two curves + the minimum-store line
    plt.close(fig)
    alt = physiology_figures.depletion_alt()
    table = physiology.years_to_depletion()
    row = table[table["starting store (mcg)"] == physiology.full_store_mcg()].iloc[0]
    assert f"{row['years (without bile reabsorption)']:g} years" in alt
    assert "IOM-1998" in physiology_figures.depletion_caption()


def test_causes_follow_the_chain_and_each_appears_once():
    from b12course.sources import data

    table = physiology.causes_by_step()
    causes = data.load("causes")
    assert table["cause"].is_unique
    umbrellas = set(causes.loc[causes["failing_step"] == "several steps", "name"]) - set(
        table["cause"])
    assert len(table) == len(causes) - len(umbrellas)
    chain_order = list(physiology.absorption_chain()["step"]) + ["several steps"]
    positions = [chain_order.index(step) for step in table["step that fails"]]
    assert positions == sorted(positions)
    by_cause = dict(zip(table["cause"], table["step that fails"], strict=True))
    assert by_cause["Autoimmune gastritis (pernicious anaemia)"] == "intrinsic factor"
    assert by_cause["Nitrous oxide (N2O) exposure"] == "use in cells"


def test_readable_tables_show_full_text_and_plain_numbers():
    from b12course.show import tables

    html = tables.readable(physiology.causes_by_step()).to_html()
    for cause in physiology.causes_by_step()["cause"]:
        assert cause.replace("'", "&#x27;") in html or cause in html
    days = tables.readable(physiology.dose_in_days_of_requirement(1000)).to_html()
    assert f">{round(1000 / physiology.requirement('UK'))}<" in days
    assert ".000000" not in tables.readable(physiology.requirements()).to_html()
