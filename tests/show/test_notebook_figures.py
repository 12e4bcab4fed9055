"""The per-notebook helpers (show/figures_01 ... figures_05) that keep notebook cells to one call.

Each figure is shown with a caption and alt text and fits its canvas; the worked tables and lines
are computed from the clinical tables, as the notebook cells they replaced computed them.
"""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from b12course.clinical import products, regimens, technique, trajectories  # noqa: E402
from b12course.show import (  # noqa: E402
    figures_01,
    figures_02,
    figures_03,
    figures_04,
    figures_05,
    plots,
)

FIGURES = [
    (figures_01.absorption_chain, "Figure 1."), (figures_01.depletion, "Figure 2."),
    (figures_02.total_b12_bands, "Figure"),
    (figures_03.uk_plan_timeline, "Figure 1."),
    (figures_03.uk_with_and_without_neurology, "Figure 2."),
    (figures_03.retention, "Figure 3."),
    (figures_04.needle_lengths, "Figure 1."), (figures_04.site_volumes, "Figure 2."),
    (figures_05.response_timeline, "Figure 1."), (figures_05.hb_trajectories, "Figure 2."),
]


@pytest.fixture
def finished(monkeypatch):
    """What plots.finish was given: (figure, caption, alt) per call."""
    import matplotlib.pyplot as plt

    calls = []
    monkeypatch.setattr(plots, "finish", lambda fig, caption, alt: calls.append((fig, caption,
                                                                              alt)))
    yield calls
    plt.close("all")


@pytest.mark.parametrize("draw, number", FIGURES, ids=lambda v: getattr(v, "__qualname__", ""))
def test_each_figure_is_shown_once_with_caption_and_alt_and_fits(draw, number, finished):
    assert draw() is None  # the cell then ends with plt.show()
    [(fig, caption, alt)] = finished
    assert caption.startswith(number) and len(alt) > 40
    assert plots.overflow(fig) <= 0.01, f"{draw.__qualname__} is clipped"


def test_the_figures_really_display_html_with_alt_text(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    figures_05.hb_trajectories()
    [html] = shown
    assert f'alt="{figures_05.HB_ALT}"' in html.data and figures_05.HB_CAPTION in html.data


def test_dose_volumes_are_dose_divided_by_strength():
    table = figures_04.dose_volume_table()
    assert list(table["source"]) == [regimens.phase(i).source for i in figures_04.DOSE_IDS]
    for regimen_id, volume in zip(figures_04.DOSE_IDS, table["volume (mL)"], strict=True):
        dose = regimens.phase(regimen_id)
        assert volume == products.volume_ml(dose.dose_mcg, dose.product_id)


def test_volume_fits_name_the_smallest_limit_and_judge_each_dose():
    lines = figures_04.volume_fits()
    smallest = technique.site_volumes()["volume_max_ml"].min()
    assert lines[0].startswith(f"Smallest per-site limit quoted: {smallest:g} mL")
    assert len(lines) == 1 + len(figures_04.DOSE_IDS)
    for line, regimen_id in zip(lines[1:], figures_04.DOSE_IDS, strict=True):
        dose = regimens.phase(regimen_id)
        volume = products.volume_ml(dose.dose_mcg, dose.product_id)
        verdict = "fits" if volume <= smallest else "does NOT fit"
        assert line == f"{dose.dose_text} from the {dose.product}: {volume:g} mL, {verdict}"


def test_expected_hb_adds_the_cited_rate_to_the_starting_value(capsys):
    rate = trajectories.timeline_parameters().hb_rise_per_fortnight
    figures_05.print_expected_hb(7.0)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert f"{7.0 + rate.low:.1f} to {7.0 + rate.high:.1f} g/dL [{rate.source}]" in lines[2]


def test_hb_rise_table_flags_rises_below_the_cited_minimum():
    hb = trajectories.wide("hb")
    table = figures_05.hb_rise_table()
    minimum = trajectories.timeline_parameters().hb_rise_per_fortnight.low
    assert list(table.index) == list(hb.columns)
    rise = table["Hb rise day 7 to 21 (g/dL)"]
    assert ((rise >= minimum) == table["on track?"]).all()
    assert not table["on track?"].all() and table["on track?"].any()  # both kinds are shown
