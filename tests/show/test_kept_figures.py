"""Explorers redraw on one kept figure: the PNG matches a new figure's, and nothing leaks."""

import datetime as dt

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from b12course.clinical import regimens, stores  # noqa: E402
from b12course.show import plots  # noqa: E402
from b12course.show.dose_timeline import timeline_figure  # noqa: E402
from b12course.show.store_figures import comparison_figure  # noqa: E402
from b12course.show.widgets import store_simulator as ss  # noqa: E402
from b12course.show.widgets.regimen_explorer import regimen_explorer  # noqa: E402

START = dt.date(2025, 1, 6)


def _schedules():
    """(title, schedule) for every cause, neurology and region the explorer offers."""
    found = []
    for cause in regimens.CAUSES:
        for neuro in (False, True):
            for region in regimens.REGIONS:
                try:
                    plan = regimens.recommend(cause, neuro, region=region)
                except ValueError:
                    continue
                for ranges in ("lower", "upper"):
                    found.append((f"{cause}, {neuro}, {region}, {ranges}",
                                  plan.schedule(START, days=365, ranges=ranges)))
    return found


def _scenarios():
    """Two-scenario results as the simulator builds them, over products, intervals, periods."""
    products, intervals = ss.product_options(), ss.interval_options()
    start = ss.store_options()[0][1]
    found = []
    for index, (label, product) in enumerate(products):
        interval_label, interval = intervals[index % len(intervals)]
        for days, loss in ((365, "absent"), (1095, "intact")):
            found.append({
                f"A: {label.split(' [')[0]}, {interval_label}":
                    stores.run_scenario(product, interval, days, start, loss),
                "B: the second scenario": stores.run_scenario(products[0][1], intervals[0][1],
                                                             days, start, loss)})
    return found


@pytest.mark.parametrize("kind", ["timeline", "store"])
def test_a_kept_figure_gives_the_same_png_as_a_new_figure(kind):
    """Redrawing on one figure (limits, legend, title, layout all reused) must not change a
    pixel; every view is drawn twice so remembered layouts are used as well."""
    if kind == "timeline":
        views = _schedules()
        assert any(len(schedule) == 0 for _title, schedule in views)  # the empty one too

        def draw(view, into=None):
            return timeline_figure(view[1], title=view[0], start=START, into=into)
    else:
        views = _scenarios()

        def draw(view, into=None):
            return comparison_figure(view, into=into)
    kept = plots.kept_figure()
    differ = [index for index, view in enumerate(views * 2)
              if plots.to_png(draw(view)) != plots.to_png(draw(view, into=kept))]
    assert not differ, f"{len(differ)} of {2 * len(views)} views differ"
    assert kept.b12_layouts  # the layouts were remembered, and used on the second round


def test_a_kept_figure_stays_outside_pyplot_and_remembers_few_layouts():
    before = plt.get_fignums()
    kept = plots.kept_figure()
    for index in range(plots.LAYOUTS_KEPT + 10):
        fig, ax = plots.figure(f"Title {index}", "x", "y", into=kept)
        ax.plot([0, 10 ** (index % 7 + 1)], [0, index + 1], label=f"line {index}")
        ax.legend()
        plots.to_png(fig)
    assert plt.get_fignums() == before
    assert len(kept.b12_layouts) == plots.LAYOUTS_KEPT


@pytest.mark.parametrize(("factory", "names"), [
    (regimen_explorer, ("cause", "region", "neurological", "ranges", "open_phase")),
    (ss.store_simulator, ("product_a", "interval_a", "years", "loss", "product_b")),
])
def test_fifty_redraws_open_no_figure(factory, names):
    plt.close("all")
    before = len(plt.get_fignums())
    box = factory()
    pictures = set()
    for index in range(50):
        control = getattr(box.parts, names[index % len(names)])
        values = list(control._options_values)
        control.value = values[(values.index(control.value) + 1) % len(values)]
        assert box.parts.status.value.startswith(("✓", "Note:")), box.parts.status.value
        pictures.add(box.parts.figure.value)
    assert len(plt.get_fignums()) <= before
    assert len(pictures) > 5  # the redraws did draw different figures
