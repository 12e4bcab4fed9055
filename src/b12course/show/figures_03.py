"""Notebook 03's figures, each shown with its caption and alt text in one call.

The plans come from :func:`b12course.clinical.regimens.recommend` and the drawing from
:mod:`b12course.show.dose_timeline` and :mod:`b12course.show.store_figures`; this module holds what
the notebook used to compute in its cells, so that each figure cell is one call and
``plt.show()``, and runs on its own.
"""

from __future__ import annotations

from b12course.clinical import regimens
from b12course.show import plots, store_figures
from b12course.show.dose_timeline import (
    DEFAULT_START,
    compare_figure,
    timeline_alt,
    timeline_figure,
)

CAUSE = "autoimmune_gastritis"  # the cause notebook 03 walks through (UK, BNF wording)


def uk_plan_timeline(days: int = 200) -> None:
    """Figure 1: the UK plan for autoimmune gastritis without neurology, as dated doses."""
    plan = regimens.recommend(CAUSE, neurological=False, region="UK")
    schedule = plan.schedule(DEFAULT_START, days=days)
    fig = timeline_figure(schedule, title="UK hydroxocobalamin: autoimmune gastritis, no neurology")
    plots.finish(fig, caption=f"Figure 1. The first {days} days of the UK regimen shown first "
                 "(loading, then maintenance), read from data/regimens.csv.",
                 alt=timeline_alt(schedule))


def uk_with_and_without_neurology(days: int = 120) -> None:
    """Figure 2: the UK plans without and with neurological involvement on one day axis."""
    plans = {"No neurological involvement": regimens.recommend(CAUSE, False, "UK"),
             "Neurological involvement": regimens.recommend(CAUSE, True, "UK")}
    fig = compare_figure(plans, start=DEFAULT_START, days=days)
    # timeline_alt starts "Dose timeline: "; each plan's part follows its name instead
    alt = " ".join(f"{name}: {timeline_alt(p.schedule(DEFAULT_START, days=days))[15:]}"
                   for name, p in plans.items())
    plots.finish(fig, caption="Figure 2. UK hydroxocobalamin (BNF wording) without and with "
                 f"neurological involvement, first {days} days; the alternate-day course has no "
                 "fixed end.", alt="Two stacked dose timelines. " + alt)


def retention() -> None:
    """Figure 3: the share of an IM dose retained, by substance, dose and study."""
    plots.finish(store_figures.retention_figure(),
                 caption="Figure 3. Share of an IM dose retained, by substance, dose and study "
                 "(100% minus urinary loss), read from data/retention.csv.",
                 alt=store_figures.retention_alt())
