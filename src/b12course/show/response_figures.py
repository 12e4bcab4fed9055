"""Response timeline figure: every cited response window on one time axis, with caption and alt.

Windows come from ``clinical.trajectories`` (response_timeline.csv through the dose-date engine).
"""

from __future__ import annotations

from b12course.clinical import schedule, trajectories
from b12course.show import plots
from b12course.sources.cells import is_blank


def response_timeline_figure():
    """Every cited response window on one time axis (days): (fig, caption, alt)."""

    table = trajectories.timeline_table("response")
    table = table[(table["time_unit"] != "") & (table["time_from"] != "") & (table["amount"] == "")]
    columns = zip(table["time_from"], table["time_to"], table["time_unit"], strict=True)
    spans = [(schedule.span_days(f, u), schedule.span_days(t or f, u)) for f, t, u in columns]
    starts, ends = [low for low, _ in spans], [high for _, high in spans]
    table = table.assign(_start=starts, _end=ends).sort_values(["_end", "_start"], kind="stable")
    table = table.reset_index(drop=True)
    fig, ax = plots.figure("When each response is expected, by source",
                           "Days after the first injection (log scale beyond day 1)", "",
                           size=(9, 5.5))
    labels, spoken = [], []
    for i, row in table.iterrows():
        low, high = row["_start"], row["_end"]
        if high > low:
            ax.plot([low, high], [i, i], linewidth=9, solid_capstyle="butt",
                    color=plots.colour(i))
        else:
            ax.plot([low], [i], marker="D", markersize=9, color=plots.colour(i))
        labels.append(f"{row['measure']}: {row['event']} [{row['source']}]")
        when = _spoken_window(row)
        spoken.append(f"{row['measure']} {row['event']}, {when} [{row['source']}]")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("symlog", linthresh=1, linscale=0.5)
    ticks = [0, 1, 2, 3, 5, 7, 10, 14, 28, 61]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(0, 70)
    caption = ("Figure 1. Cited response windows after starting B12, one row per source "
               "statement (bars are ranges, diamonds single times). The axis is stretched so "
               "that hours and months fit on one picture.")
    alt = "Timeline, ordered by the end of each window: " + "; ".join(spoken) + "."
    return fig, caption, alt


def _spoken_window(row) -> str:
    unit = row["time_unit"]
    low, high = row["time_from"], row["time_to"]
    if is_blank(high):
        return f"at about {float(low):g} {unit}s"
    if float(low) == 0:
        span = f"{float(high):g} {unit}{'' if float(high) == 1 else 's'}"
        return f"for up to {span}" if row["event"].startswith("still") else f"within {span}"
    return f"{float(low):g}-{float(high):g} {unit}s"
