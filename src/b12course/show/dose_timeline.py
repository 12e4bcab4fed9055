"""Dose timeline figures: a regimen's doses as stems, several plans compared, and their alt text.

Doses come from a ``clinical.regimens`` schedule; this module only draws and words them.
"""

from __future__ import annotations

import datetime as dt

from b12course.show import plots

DEFAULT_START = dt.date(2025, 1, 6)
DEFAULT_DAYS = 365
PHASE_ORDER = ("loading", "maintenance", "prophylaxis")


def _as_frame(schedule):
    """The schedule as a DataFrame sorted by date, with a ``date`` column of Timestamps."""
    import pandas as pd

    frame = pd.DataFrame(schedule).copy()
    if frame.empty:
        return frame
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values("date").reset_index(drop=True)


def _phase_key(phase: str) -> tuple[int, str]:
    text = str(phase).lower()
    for index, name in enumerate(PHASE_ORDER):
        if text.startswith(name):
            return index, text
    return len(PHASE_ORDER), text


def _draw_stems(ax, frame, start) -> None:
    """Draw one stem per dose, one style per phase (never colour alone)."""
    for index, phase in enumerate(sorted(frame["phase"].unique(), key=_phase_key)):
        rows = frame[frame["phase"] == phase]
        days = (rows["date"] - start).dt.days
        style = plots.style(index)
        ax.vlines(days, 0, rows["dose_mcg"], colors=style["color"], linestyles=style["linestyle"],
                  linewidth=1.2)
        count = f"{len(rows)} dose" + ("" if len(rows) == 1 else "s")
        ax.plot(days, rows["dose_mcg"], linestyle="none", marker=style["marker"],
                color=style["color"], label=f"{phase} ({count})")
    ax.set_ylim(0, frame["dose_mcg"].max() * 1.45)  # headroom so the legend hides no dose
    ax.legend(loc="upper right", ncol=3)


def timeline_figure(schedule, title: str = "", start=None, *, into=None):
    """A stem plot of the doses (micrograms) against days since the first dose; ``into``
    (``plots.kept_figure``) is redrawn instead of building a new figure."""
    import pandas as pd

    frame = _as_frame(schedule)
    fig, ax = plots.figure(title, "Days since the first dose", "Dose (micrograms)", into=into)
    if frame.empty:
        ax.text(0.5, 0.5, "No doses in this period", ha="center", transform=ax.transAxes)
        return fig
    first = pd.Timestamp(start) if start is not None else frame["date"].iloc[0]
    _draw_stems(ax, frame, first)
    return fig


def compare_figure(plans: dict, start=DEFAULT_START, days: int = DEFAULT_DAYS, **schedule_options):
    """Stacked timelines, one per named regimen, on one shared day axis."""
    import matplotlib.pyplot as plt
    import pandas as pd

    names = list(plans)
    if not names:
        raise ValueError("compare_figure needs at least one regimen to draw.")
    fig, axes = plt.subplots(len(names), 1, sharex=True, squeeze=False,
                             figsize=(8, 2.4 * len(names) + 0.6))
    for ax, name in zip(axes[:, 0], names, strict=True):
        frame = _as_frame(plans[name].schedule(start, days=days, **schedule_options))
        ax.set_title(plots.wrap(name, fig, 11), fontsize=11, loc="left")
        ax.set_ylabel("micrograms")
        ax.grid(True, alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not frame.empty:
            _draw_stems(ax, frame, pd.Timestamp(start))
    axes[-1, 0].set_xlabel("Days since the first dose")
    return fig


def timeline_alt(schedule) -> str:
    """Alt text that states what the timeline shows, computed from the schedule itself."""
    frame = _as_frame(schedule)
    if frame.empty:
        return "An empty dose timeline: no injections fall in this period."
    start = frame["date"].iloc[0]
    parts = []
    for phase in sorted(frame["phase"].unique(), key=_phase_key):
        rows = frame[frame["phase"] == phase]
        first = (rows["date"].iloc[0] - start).days
        last = (rows["date"].iloc[-1] - start).days
        doses = ", ".join(f"{d:g}" for d in sorted(rows["dose_mcg"].unique()))
        if len(rows) == 1:
            parts.append(f"1 {phase} dose of {doses} micrograms on day {first}")
        else:
            parts.append(f"{len(rows)} {phase} doses of {doses} micrograms between day {first} "
                         f"and day {last}")
    return "Dose timeline: " + "; then ".join(parts) + "."
