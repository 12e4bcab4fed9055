"""The store simulator compares cited products and intervals, shows its caveat, never raises."""

import pytest

from b12course.clinical import stores
from b12course.show import store_figures
from b12course.show.widgets import store_simulator as ss
from b12course.sources import data


@pytest.fixture()
def simulator():
    return ss.store_simulator()


def test_opens_drawn_with_the_teaching_model_caveat_visible(simulator):
    parts = simulator.parts
    assert parts.status.value.startswith("✓")
    assert "<img" in parts.figure.value and "alt=" in parts.figure.value
    texts = [child.value for child in simulator.children if hasattr(child, "value")]
    assert any("Teaching model, not a prediction" in t for t in texts)
    for control in (parts.product_a, parts.interval_a, parts.product_b, parts.interval_b,
                    parts.start_store, parts.loss, parts.years):
        assert control.description


def test_products_are_cited_im_maintenance_doses_with_retention_data():
    table = data.load("regimens")
    for label, (product_id, dose) in ss.product_options():
        rows = table[(table["product_id"] == product_id) & (table["phase"] == "maintenance")]
        assert not rows.empty, label
        substance = label.split(" ")[0]
        fraction, source, _row = stores.retained_fraction(substance, dose)
        assert 0 < fraction <= 1 and source


def test_intervals_come_from_regimen_rows():
    table = data.load("regimens")
    for _label, (amount, unit, sources) in ss.interval_options():
        rows = table[(table["interval_unit"] == unit)
                     & ((table["interval"] == amount) | (table["interval_max"] == amount))]
        assert not rows.empty
        assert all(key in "; ".join(rows["source"]) for key in sources.split("; "))


def _every_option_changes(simulator, control, watched):
    before = watched.value
    changed = 0
    for _label, value in control.options:
        control.value = value
        assert simulator.parts.status.value.startswith("✓"), simulator.parts.status.value
        changed += watched.value != before
    return changed


@pytest.mark.parametrize("name", ["product_a", "interval_a", "product_b", "interval_b",
                                  "start_store", "loss", "years"])
def test_every_option_of_every_dropdown_redraws(simulator, name):
    control = getattr(simulator.parts, name)
    assert len(control.options) >= 2
    assert _every_option_changes(simulator, control, simulator.parts.figure) >= 1
    assert simulator.parts.table.value


def test_shorter_interval_keeps_a_larger_modelled_store():
    product = ss.product_options()[0][1]
    intervals = {value[:2]: value for _label, value in ss.interval_options()}
    monthly, quarterly = intervals[(1, "month")], intervals[(3, "month")]
    start = ss.store_options()[0][1]
    often = stores.run_scenario(product, monthly, 365, start, "absent")
    rarely = stores.run_scenario(product, quarterly, 365, start, "absent")
    assert often["store_mcg"].iloc[-1] > rarely["store_mcg"].iloc[-1]
    assert (often["dose_mcg"] > 0).sum() > (rarely["dose_mcg"] > 0).sum()


def test_summary_table_names_the_retention_and_loss_sources(simulator):
    table = simulator.parts.table.value
    assert "IOM-1998" in table
    assert any(key in table for key in stores.RETENTION_PREFERENCE)


def test_schedule_rejects_bad_intervals():
    with pytest.raises(ValueError):
        stores.maintenance_schedule("ohcbl-inj-uk", 1000, (0, "month"), 100)
    with pytest.raises(ValueError, match="Accepted"):
        stores.maintenance_schedule("ohcbl-inj-uk", 1000, (1, "fortnight"), 100)


def test_model_errors_become_messages(monkeypatch, simulator):
    def refuse(*_args, **_kwargs):
        raise ValueError("No retention data for 5 micrograms of cyanocobalamin.")

    monkeypatch.setattr(stores, "simulate", refuse)
    simulator.parts.years.value = 365
    assert simulator.parts.status.value.startswith("Note:")
    assert "No retention data" in simulator.parts.status.value

    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(stores, "simulate", crash)
    simulator.parts.years.value = 1095
    assert simulator.parts.status.value.startswith("✗")


def test_retention_figure_has_one_bar_per_study_and_dose():
    frame = stores.retention_table()
    frame = frame[frame["substance"].isin(["hydroxocobalamin", "cyanocobalamin"])
                  & frame["dose_max"].isna()]
    fig = store_figures.retention_figure()
    assert len(fig.axes[0].patches) == len(frame)
    alt = store_figures.retention_alt()
    assert "hydroxocobalamin" in alt and "cyanocobalamin" in alt


def _regimen_row_with(amount, unit):
    table = data.load("regimens")
    rows = table[(table["pattern"] == "every") & (table["interval_unit"] == unit)
                 & ((table["interval"] == amount) | (table["interval_max"] == amount))]
    row = rows.iloc[0]
    return row, "lower" if row["interval"] == amount else "upper"


@pytest.mark.parametrize("days", [days for _label, days in ss.YEARS])
def test_dose_days_are_the_engines_for_the_same_regimen_row(days):
    # the engine's window is end-exclusive: "every 3 months" over 365 days is 4 doses, not 5
    from b12course.clinical import regimens, schedule

    product = ss.product_options()[0][1]
    start = ss.store_options()[0][1]
    for _label, every in ss.interval_options():
        frame = stores.run_scenario(product, every, days, start, "absent")
        got = frame.loc[frame["dose_mcg"] > 0, "day"].tolist()
        row, ranges = _regimen_row_with(*every[:2])
        first = frame["date"].iloc[0]
        expected = schedule.day_offsets(schedule.dates(row, first, days=days, ranges=ranges),
                                        first)
        assert got == expected, every
        plan = regimens.build_schedule([regimens.phase(row["regimen_id"])], first, days,
                                       ranges=ranges)
        assert got == schedule.day_offsets(plan["date"], first)
        assert max(got) < days


def test_quarterly_over_a_year_is_four_doses():
    intervals = {value[:2]: value for _label, value in ss.interval_options()}
    frame = stores.run_scenario(ss.product_options()[0][1], intervals[(3, "month")], 365,
                                ss.store_options()[0][1], "absent")
    assert (frame["dose_mcg"] > 0).sum() == 4


CONTROLS = ["product_a", "interval_a", "product_b", "interval_b", "start_store", "loss", "years"]


def test_every_dropdown_opens_on_a_real_choice_and_fits_its_label_and_options(simulator):
    import re

    for name in CONTROLS:
        control = getattr(simulator.parts, name)
        assert control.value is not None and control.index is not None, name
        assert control.style.description_width == "initial", name
        found = re.fullmatch(r"calc\((\d+)ch \+ 3em\)", control.layout.width or "")
        assert found, (name, control.layout.width)
        longest = max(len(label) for label in control._options_labels)
        assert int(found.group(1)) >= len(control.description) + longest, name
        assert control.layout.max_width == "100%"


def test_products_read_in_whole_micrograms():
    for label, _value in ss.product_options():
        assert " micrograms (" in label and ".0 micrograms" not in label and "mcg" not in label


def test_summary_table_has_column_headers_and_visible_borders(simulator):
    table = simulator.parts.table.value
    assert table.count('<th scope="col">') == len(ss.SUMMARY_HEADERS)
    assert "<th></th>" not in table and "border:1px solid" in table
