"""Course figures: one palette, never colour alone, always a caption and alt text."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from b12course.show import plots  # noqa: E402


def test_series_styles_differ_by_more_than_colour():
    first, second = plots.style(0), plots.style(1)
    assert first["color"] != second["color"]
    assert first["linestyle"] != second["linestyle"] and first["marker"] != second["marker"]


def test_figure_html_carries_alt_text_and_caption():
    fig, ax = plots.figure("Title", "Day", "Store (micrograms)")
    ax.plot([0, 1], [1, 2], **plots.style(0))
    html = plots.figure_html(fig, "Figure 1. A line.", 'A rising "line"')
    assert 'alt="A rising &quot;line&quot;"' in html
    assert "<figcaption><i>Figure 1. A line.</i></figcaption>" in html
    assert html.count("data:image/png;base64,") == 1


def test_figure_without_alt_text_is_refused():
    fig, _ = plots.figure()
    with pytest.raises(ValueError, match="alt text"):
        plots.figure_html(fig, "caption", "")


def _course_figures():
    """Every figure the course's package draws, built the way the notebooks and explorers do."""
    import datetime as dt

    from b12course.clinical import regimens, stores, trajectories
    from b12course.show import (
        dose_timeline,
        lab_figures,
        needle_figures,
        physiology_figures,
        response_figures,
        store_figures,
    )
    from b12course.show.widgets import store_simulator, trajectory_explorer

    start = dt.date(2025, 1, 6)
    plan = regimens.recommend("autoimmune_gastritis", neurological=False, region="UK")
    neuro = regimens.recommend("autoimmune_gastritis", neurological=True, region="UK")
    products, intervals = store_simulator.product_options(), store_simulator.interval_options()
    scenario = stores.run_scenario(products[0][1], intervals[0][1], 365,
                                   store_simulator.store_options()[0][1], "absent")
    yield "absorption chain", physiology_figures.absorption_chain_figure()
    yield "depletion", physiology_figures.depletion_figure()
    for analyte, unit in (("total_b12", "ng/L"), ("total_b12", "pmol/L")):
        yield f"bands {unit}", lab_figures.bands_figure(analyte, unit)
    yield "response timeline", response_figures.response_timeline_figure()[0]
    for measure in trajectories.MEASURES:
        yield f"trajectory {measure}", trajectory_explorer.draw("P01", measure)[0]
    yield "regimen timeline", dose_timeline.timeline_figure(
        plan.schedule(start, days=200), title="A long title as the explorer writes it: "
        "autoimmune gastritis (pernicious anaemia), with neurological involvement, UK")
    yield "regimen comparison", dose_timeline.compare_figure(
        {"No neurological involvement": plan, "Neurological involvement": neuro}, start=start)
    yield "store comparison", store_figures.comparison_figure(
        {"A: a long scenario label as the simulator writes it": scenario})
    yield "retention", store_figures.retention_figure()
    yield "needle lengths", needle_figures.needle_length_figure()
    yield "site volumes", needle_figures.site_volume_figure()


def test_no_course_figure_is_clipped_when_saved_at_canvas_size():
    """to_png saves at the canvas size, so titles, labels and legends must fit inside it."""
    import matplotlib.pyplot as plt

    clipped = {}
    for name, fig in _course_figures():
        reach = plots.overflow(fig)
        if reach > 0.01:
            clipped[name] = round(reach, 3)
        plt.close(fig)
    assert not clipped, f"content outside the canvas (inches): {clipped}"


def test_every_explorer_figure_fits_for_every_cause_region_and_scenario():
    """The explorers' longest titles and legends (every cause, region, product) stay inside."""
    import datetime as dt

    import matplotlib.pyplot as plt

    from b12course.clinical import regimens, stores
    from b12course.show import dose_timeline, store_figures
    from b12course.show.widgets import regimen_explorer, store_simulator

    start, clipped = dt.date(2025, 1, 6), {}
    for cause in regimens.CAUSES:
        for region in regimens.REGIONS:
            label = (f"{regimen_explorer.cause_label(cause)}, with neurological involvement, "
                     f"{region}")
            plan = regimens.recommend(cause, True, region=region)
            fig = dose_timeline.timeline_figure(plan.schedule(start, days=365), title=label,
                                                start=start)
            if (reach := plots.overflow(fig)) > 0.01:
                clipped[label] = round(reach, 3)
            plt.close(fig)
    products = store_simulator.product_options()
    intervals = store_simulator.interval_options()
    longest_product = max(products, key=lambda option: len(option[0]))
    longest_interval = max(intervals, key=lambda option: len(option[0]))
    store = store_simulator.store_options()[0][1]
    results = {f"{letter}: {longest_product[0].split(' [')[0]}, {longest_interval[0]}":
               stores.run_scenario(longest_product[1], longest_interval[1], 3650, store,
                                   "absent") for letter in "AB"}
    fig = store_figures.comparison_figure(results)
    if (reach := plots.overflow(fig)) > 0.01:
        clipped["store simulator, longest labels"] = round(reach, 3)
    plt.close(fig)
    assert not clipped, f"content outside the canvas (inches): {clipped}"


def test_overflow_detects_a_label_outside_the_canvas():
    fig, ax = plots.figure("Title")
    fig.text(0.5, 1.05, "a figure-level note above the canvas")
    assert plots.overflow(fig) > 0.05
    fig, ax = plots.figure("Title", "Day", "Store")
    assert plots.overflow(fig) <= 0


def test_long_titles_wrap_to_the_figure_width():
    title = "A very long title " * 8
    fig, ax = plots.figure(title.strip())
    assert ax.get_title().count("\n") >= 1
    assert plots.overflow(fig) <= 0


def test_every_line_colour_has_at_least_3_to_1_contrast_against_white():
    """WCAG 1.4.11: Okabe-Ito orange, sky, purple and yellow (1.3-3.1:1) failed on white."""
    low = {name: round(plots.contrast(value), 2) for name, value in plots.PALETTE.items()
           if plots.contrast(value) < 3}
    assert not low, f"line colours below 3:1 against white: {low}"
    assert round(plots.contrast("#F0E442"), 2) == 1.32  # the check itself (Okabe-Ito yellow)


def test_every_line_in_every_course_figure_has_at_least_3_to_1_contrast():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    faint = {}
    for name, fig in _course_figures():
        for ax in fig.axes:
            for line in ax.lines:
                if not line.get_visible() or line.get_linestyle() == "None" and \
                        line.get_marker() in ("None", None, ""):
                    continue
                colour = to_hex(line.get_color())
                if plots.contrast(colour) < 3:
                    faint.setdefault(name, set()).add(colour)
        plt.close(fig)
    assert not faint, f"lines below 3:1 against white: {faint}"
