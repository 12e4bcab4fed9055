"""Trajectory explorer: every patient x measure redraws, shades the cited window, never crashes."""

import base64
import re

import ipywidgets as widgets
import pytest

from b12course.clinical import trajectories
from b12course.show.widgets import trajectory_explorer as module
from b12course.show.widgets.trajectory_explorer import trajectory_explorer

PNG = b"\x89PNG"


def _parts(box):
    parts = box.parts
    return parts.patient, parts.measure, parts.image, parts.caption


def _png(image) -> bytes:
    """The PNG inside the figure's <img> (an HTML widget: an ipywidgets.Image has no alt)."""
    match = re.search(r'src="data:image/png;base64,([^"]+)"', image.value)
    assert match, image.value[:200]
    return base64.b64decode(match[1])


def test_controls_are_labelled_dropdowns_and_the_first_view_is_drawn():
    patient, measure, image, caption = _parts(trajectory_explorer())
    assert isinstance(patient, widgets.Dropdown) and patient.description == "Patient:"
    assert isinstance(measure, widgets.Dropdown) and measure.description == "Measure:"
    assert [value for _, value in patient.options] == trajectories.patients()
    assert {value for _, value in measure.options} == set(trajectories.MEASURES)
    assert _png(image).startswith(PNG)
    assert 'alt="Line chart of' in image.value
    assert "Synthetic patient P01" in caption.value and "Image description" in caption.value


def test_every_patient_and_every_measure_redraws_with_its_cited_window():
    """Every option of both dropdowns (patients on two measures, measures on two patients)."""
    box = trajectory_explorer()
    patient, measure, image, caption = _parts(box)
    params = trajectories.timeline_parameters()
    expected_source = {
        "hb": params.hb_rise_per_fortnight.source,
        "reticulocytes": params.retic_peak_day.source,
        "wbc": params.wbc_platelets_normal_day.source,
        "platelets": params.wbc_platelets_normal_day.source,
        "mcv": params.mcv_normal.source,
    }
    pids = trajectories.patients()
    views = [(pid, key) for key in ("hb", "reticulocytes") for pid in pids]
    views += [(pid, key) for pid in (pids[0], pids[-1]) for key in trajectories.MEASURES]
    seen = set()
    for pid, key in views:
        patient.value, measure.value = pid, key
        assert _png(image).startswith(PNG), (pid, key)
        assert "⚠" not in caption.value, caption.value
        assert f"Synthetic patient {pid}" in caption.value
        assert f"[{expected_source[key]}]" in caption.value, (pid, key)
        seen.add(_png(image))
    assert len(seen) == len(set(views)), "each view should draw its own picture"


def test_changing_only_the_measure_changes_the_picture_and_words():
    patient, measure, image, caption = _parts(trajectory_explorer())
    before_image, before_caption = image.value, caption.value
    measure.value = "mcv"
    assert image.value != before_image and caption.value != before_caption
    assert "MCV" in caption.value


def test_pattern_is_described_in_words():
    patient, _, _, caption = _parts(trajectory_explorer())
    frame = trajectories.load()
    for pattern, words in module._PATTERN_WORDS.items():
        pid = frame.loc[frame["pattern"] == pattern, "patient_id"].iloc[0]
        patient.value = pid
        assert words in caption.value.replace("&#x27;", "'")


def test_a_drawing_error_is_shown_as_a_message_not_a_traceback(monkeypatch):
    patient, measure, image, caption = _parts(trajectory_explorer())

    def broken(*_args):
        raise ValueError("the synthetic table is unreadable")

    monkeypatch.setattr(module, "draw", broken)
    module._view.cache_clear()  # views drawn by earlier tests are cached
    try:
        measure.value = "wbc"
        assert caption.value.startswith("⚠") and "unreadable" in caption.value
    finally:
        module._view.cache_clear()


@pytest.mark.parametrize("measure", list(trajectories.MEASURES))
def test_draw_returns_caption_and_alt_text(measure):
    import matplotlib.pyplot as plt

    fig, caption, alt = module.draw("P02", measure)
    name, unit = trajectories.MEASURES[measure]
    assert "Teaching data, not a real patient" in caption
    assert name in alt and unit in alt and "P02" in alt
    plt.close(fig)
