"""Notebook 01's figures, each shown with its caption and alt text in one call.

The drawing lives in :mod:`b12course.show.physiology_figures`; this module adds what the notebook
used to type into its cells (the caption), so that each figure cell is one call and
``plt.show()``.
"""

from __future__ import annotations

from b12course.show import physiology_figures, plots

ABSORPTION_CAPTION = ("Figure 1. The absorption chain: B12 moves from food to cells on three "
                      "carriers (haptocorrin, intrinsic factor, transcobalamin); bile returns "
                      "some B12 to the gut, and taking it back up needs intrinsic factor.")


def absorption_chain() -> None:
    """Figure 1: the absorption chain diagram, with its caption and alt text."""
    plots.finish(physiology_figures.absorption_chain_figure(), caption=ABSORPTION_CAPTION,
                 alt=physiology_figures.ABSORPTION_ALT)


def depletion() -> None:
    """Figure 2: the body store falling with and without bile reabsorption (teaching model)."""
    plots.finish(physiology_figures.depletion_figure(),
                 caption=physiology_figures.depletion_caption(),
                 alt=physiology_figures.depletion_alt())
