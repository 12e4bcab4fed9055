"""Synthetic trajectories: reproducible, marked synthetic, and shaped by the cited timeline."""

import shutil

import pandas as pd
import pytest

from b12course.clinical import trajectories
from b12course.show import response_figures
from b12course.sources import references
from b12course.sources.paths import data_dir

RESPONDERS = ["expected", "iron_deficiency_unmasked"]


@pytest.fixture(scope="module")
def data():
    return trajectories.load()


@pytest.fixture(scope="module")
def params():
    return trajectories.timeline_parameters()


def _patients(frame, *patterns):
    return sorted(set(frame.loc[frame["pattern"].isin(patterns), "patient_id"]))


def test_regenerating_gives_the_committed_file():
    committed = (data_dir() / trajectories.FILENAME).read_text(encoding="utf-8")
    assert trajectories.to_csv_text(trajectories.generate()) == committed, (
        "data/synthetic_trajectories.csv is stale: run `python -m b12course.clinical.trajectories`")


def test_same_seed_same_data_other_seed_other_data():
    first = trajectories.generate(seed=1)
    assert first.equals(trajectories.generate(seed=1))
    assert not first.equals(trajectories.generate(seed=2))


def test_every_row_is_marked_synthetic_and_cited(data):
    assert set(data["synthetic"]) == {"yes"}
    assert "synthetic" in trajectories.FILENAME
    for source in set(data["source"]):
        assert references.split_keys(source) and references.unresolved(source) == []


def test_each_patient_has_every_measure_on_every_day(data):
    counts = data.groupby(["patient_id", "measure"])["day"].nunique()
    assert set(counts) == {len(trajectories.OBSERVATION_DAYS)}
    assert set(data["measure"]) == set(trajectories.MEASURES)
    assert set(data["pattern"]) == set(trajectories.PATTERNS)


def test_reticulocytes_of_responders_peak_inside_the_cited_window(data, params):
    retic = trajectories.wide("reticulocytes")
    for pid in _patients(data, *RESPONDERS):
        peak_day = retic[pid].idxmax()
        assert params.retic_onset_day.low <= peak_day <= params.retic_onset_day.high, pid


def test_hb_of_expected_responders_rises_at_the_cited_rate(data, params):
    hb = trajectories.wide("hb")
    start = params.hb_rise_start_day.high
    fortnight = start + 14
    assert fortnight in hb.index
    still_rising = [pid for pid in _patients(data, "expected")
                    if hb.loc[84, pid] - hb.loc[fortnight, pid] >= 1.5]  # not yet at usual Hb
    assert len(still_rising) >= 2
    for pid in still_rising:
        rise = hb.loc[fortnight, pid] - hb.loc[start, pid]
        # 0.5 g/dL allows for the synthetic measurement noise (sd 0.15 g/dL at each end)
        assert params.hb_rise_per_fortnight.low - 0.5 <= rise <= (
            params.hb_rise_per_fortnight.high + 0.5), pid


def test_stalled_and_non_responders_are_recognisably_different(data, params):
    hb = trajectories.wide("hb")
    for pid in _patients(data, "iron_deficiency_unmasked"):
        assert hb.loc[84, pid] - hb.loc[28, pid] < 1.0, f"{pid} should plateau"
    for pid in _patients(data, "no_response"):
        assert abs(hb.loc[84, pid] - hb.loc[0, pid]) < 1.0, f"{pid} should stay flat"
        assert trajectories.wide("reticulocytes")[pid].max() < 0.3


def test_white_cells_and_platelets_normalise_by_the_cited_day(data, params):
    by = max(d for d in trajectories.OBSERVATION_DAYS
             if d >= params.wbc_platelets_normal_day.high)
    for measure in ("wbc", "platelets"):
        table = trajectories.wide(measure)
        for pid in _patients(data, *RESPONDERS):
            assert table.loc[by, pid] == pytest.approx(100, abs=10), (measure, pid)


def test_mcv_of_expected_responders_is_normal_when_indices_should_be(data, params):
    mcv = trajectories.wide("mcv")
    day = min(d for d in trajectories.OBSERVATION_DAYS if d >= params.indices_normal_day.high)
    for pid in _patients(data, "expected"):
        assert mcv.loc[0, pid] > params.mcv_macrocytic_above.low
        assert params.mcv_normal.low - 3 <= mcv.loc[day, pid] <= params.mcv_normal.high + 3


def test_curves_follow_the_timeline_table_not_constants(tmp_path, monkeypatch):
    """Doubling the cited Hb rate in a copy of the data speeds up the generated haemoglobin."""
    default_rate = trajectories.timeline_parameters().hb_rise_per_fortnight
    default = trajectories.generate()
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    path = target / "response_timeline.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table["event_id"] == trajectories.EVENT_IDS["hb_rise_per_fortnight"]
    for column in ("amount", "amount_max"):
        if table.loc[row, column].iloc[0]:
            table.loc[row, column] = str(2 * float(table.loc[row, column].iloc[0]))
    table.to_csv(path, index=False)
    monkeypatch.setenv("B12COURSE_DATA", str(target))
    trajectories.timeline_parameters.cache_clear()
    try:
        assert trajectories.timeline_parameters().hb_rise_per_fortnight.low == 2 * default_rate.low
        faster = trajectories.generate()
    finally:
        trajectories.timeline_parameters.cache_clear()
    hb_new = faster.loc[faster["measure"] == "hb", "value"].to_numpy()
    hb_old = default.loc[default["measure"] == "hb", "value"].to_numpy()
    assert (hb_new >= hb_old - 0.01).all() and (hb_new > hb_old + 0.5).any()


def test_a_missing_timeline_row_is_named(tmp_path, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    path = target / "response_timeline.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = table[table["event_id"] != trajectories.EVENT_IDS["retic_peak_day"]]
    table.to_csv(path, index=False)
    monkeypatch.setenv("B12COURSE_DATA", str(target))
    trajectories.timeline_parameters.cache_clear()
    try:
        with pytest.raises(ValueError, match=trajectories.EVENT_IDS["retic_peak_day"]):
            trajectories.timeline_parameters()
    finally:
        trajectories.timeline_parameters.cache_clear()


@pytest.mark.parametrize("patient, measure, message", [
    ("P99", "hb", "Unknown synthetic patient 'P99'. Choose one of: P01"),
    ("P01", "haemoglobin", "Unknown measure 'haemoglobin'. Choose one of: hb"),
])
def test_bad_choices_get_a_friendly_message(patient, measure, message):
    with pytest.raises(ValueError, match=message):
        trajectories.series(patient, measure)


def test_series_and_wide_agree(data):
    one = trajectories.series("P01", "hb")
    assert list(one["day"]) == list(trajectories.OBSERVATION_DAYS)
    assert list(one["value"]) == list(trajectories.wide("hb")["P01"])


def test_timeline_table_and_figure_cite_their_sources():
    table = trajectories.timeline_table()
    assert not table.empty
    for source in table["source"]:
        assert references.unresolved(source) == []
    fig, caption, alt = response_figures.response_timeline_figure()
    assert caption and "HOFFBRAND" in alt
    import matplotlib.pyplot as plt
    plt.close(fig)
