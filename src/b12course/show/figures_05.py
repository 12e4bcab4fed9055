"""Notebook 05's figures and worked numbers, each in one call.

Windows and rates come from :mod:`b12course.clinical.trajectories` (the cited timeline table and
the synthetic patients built inside it); this module only computes the notebook's worked examples
from them and draws them, so that each cell is one call and runs on its own.
"""

from __future__ import annotations

from b12course.clinical import trajectories
from b12course.show import plots, response_figures

HB_CAPTION = ("Figure 2. Synthetic haemoglobin trajectories for eight invented patients. Most "
              "rise steadily and level off; P04 and P06 level off early (iron runs out) and P08 "
              "stays flat (not B12 deficiency).")
HB_ALT = ("Line chart of haemoglobin against days 0 to 84 for eight synthetic patients. Five "
          "lines rise steadily over the first weeks and then level off; two (P04, P06) level "
          "off early at a lower value; one (P08) stays flat.")


def response_timeline() -> None:
    """Figure 1: every cited response window on one time axis."""
    fig, caption, alt = response_figures.response_timeline_figure()
    plots.finish(fig, caption=caption, alt=alt)


def expected_hb(start_hb: float) -> list[str]:
    """Lines working out the Hb range a fortnight after the rise begins, from the cited rate
    (DERIVED numbers), for an invented starting haemoglobin ``start_hb`` in g/dL."""
    p = trajectories.timeline_parameters()
    low, high = p.hb_rise_per_fortnight.low, p.hb_rise_per_fortnight.high
    return [f"Reticulocytes begin to rise at {p.retic_rise_begins_day.text()} "
            f"[{p.retic_rise_begins_day.source}]",
            f"Hb starts to rise after that, within {p.hb_rise_start_day.text()} "
            f"[{p.hb_rise_start_day.source}]",
            f"Expected Hb one fortnight later: {start_hb + low:.1f} to {start_hb + high:.1f} "
            f"g/dL [{p.hb_rise_per_fortnight.source}]"]


def print_expected_hb(start_hb: float = 7.0) -> None:
    """Print :func:`expected_hb` (7.0 g/dL is the notebook's invented starting value)."""
    print("\n".join(expected_hb(start_hb)))


def hb_rise_table():
    """Per synthetic patient: the Hb rise from day 7 to day 21 (one fortnight), whether it
    reaches the lower end of the cited rate per fortnight, and the Hb on day 84."""
    hb = trajectories.wide("hb")
    rise = hb.loc[21] - hb.loc[7]
    table = rise.to_frame("Hb rise day 7 to 21 (g/dL)")
    table["on track?"] = rise >= trajectories.timeline_parameters().hb_rise_per_fortnight.low
    table["Hb on day 84 (g/dL)"] = hb.loc[84]
    return table


def hb_trajectories() -> None:
    """Figure 2: every synthetic patient's haemoglobin, one style per patient."""
    hb = trajectories.wide("hb")
    fig, ax = plots.figure("Haemoglobin after the first injection (synthetic patients)",
                           "Days since first injection", "Haemoglobin (g/dL)")
    for i, pid in enumerate(hb.columns):
        ax.plot(hb.index, hb[pid], label=pid, **plots.style(i))
    ax.legend(ncol=4, fontsize=9)
    plots.finish(fig, caption=HB_CAPTION, alt=HB_ALT)
