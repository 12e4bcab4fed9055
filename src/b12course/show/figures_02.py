"""Notebook 02's figure, shown with its caption and alt text in one call."""

from __future__ import annotations

from b12course.show import lab_figures, plots


def total_b12_bands(unit: str = "ng/L") -> None:
    """Every scheme's total B12 bands on one scale, with caption and alt text."""
    plots.finish(lab_figures.bands_figure("total_b12", unit),
                 caption=lab_figures.bands_caption("total_b12", unit),
                 alt=lab_figures.bands_alt("total_b12", unit))
