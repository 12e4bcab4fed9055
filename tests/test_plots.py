"""Course figures: one palette, never colour alone, always a caption and alt text."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from b12course import plots  # noqa: E402


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
