"""Trajectory explorer: pick a synthetic patient and a measure; the plot redraws with the cited
expected window shaded, so a student can see at a glance whether a response is on track.
"""

from __future__ import annotations

import html
from functools import lru_cache
from types import SimpleNamespace

import ipywidgets as widgets

from b12course.clinical import trajectories
from b12course.show import plots
from b12course.show.widgets import keys
from b12course.show.widgets.look import CAUTION, fitted_layout

_PATTERN_WORDS = {
    "expected": "an expected response",
    "iron_deficiency_unmasked": "a response that stalls (iron deficiency unmasked)",
    "no_response": "no response (the diagnosis was not B12 deficiency)",
}


def _patient_label(pid: str, frame) -> str:
    row = frame[frame["patient_id"] == pid].iloc[0]
    return f"{pid} · {row['cause'].replace('_', ' ')}"


def _shade(ax, measure: str, first_value: float, p: trajectories.TimelineParameters) -> str:
    """Shade the cited expected window for one measure; return its description with sources."""
    grey = plots.FILLS["sky"]  # a light shade behind the line (the line is dark)
    if measure == "reticulocytes":
        w, pk = p.retic_onset_day, p.retic_peak_day
        ax.axvspan(w.low, w.high, color=grey, alpha=0.2,
                   label=f"reticulocytosis, day {w.low:g}-{w.high:g}")
        ax.axvspan(pk.low, pk.high, facecolor="none", edgecolor=plots.PALETTE["black"],
                   hatch="//", alpha=0.5, label=f"peak, day {pk.low:g}-{pk.high:g}")
        return (f"reticulocytosis usually between day {w.low:g} and {w.high:g} "
                f"[{w.source}], peak around day {pk.low:g}-{pk.high:g} [{pk.source}]")
    if measure == "hb":
        start, rate = p.hb_rise_start_day, p.hb_rise_per_fortnight
        retic = p.retic_rise_begins_day
        earliest = max(start.low, retic.low)  # Hb follows the reticulocytes, never before them
        days = [0, earliest, 7, 14, 21, 28]
        # envelope: earliest start at the fastest rate, latest start at the slowest rate
        low = [first_value + rate.low / 14 * max(0.0, d - start.high) for d in days]
        high = [first_value + rate.high / 14 * max(0.0, d - earliest) for d in days]
        ax.fill_between(days, low, high, color=grey, alpha=0.3,
                        label=f"{rate.low:g}-{rate.high:g} g/dL per fortnight")
        return (f"haemoglobin starts rising after the reticulocytes begin to rise (day "
                f"{retic.low:g}-{retic.high:g}) [{retic.source}] and within {start.text()} "
                f"[{start.source}], then rises about {rate.low:g}-{rate.high:g} g/dL per "
                f"fortnight [{rate.source}] (shaded for the first 4 weeks from this patient's "
                "day-0 value)")
    if measure in ("wbc", "platelets"):
        w = p.wbc_platelets_normal_day
        ax.axvspan(w.low, w.high, color=grey, alpha=0.3,
                   label=f"normal by day {w.low:g}-{w.high:g}")
        ax.axhline(100, color=plots.PALETTE["black"], linestyle=":", label="patient's usual value")
        return f"white cells and platelets normalise in {w.low:g}-{w.high:g} days [{w.source}]"
    w, by = p.mcv_normal, p.indices_normal_day
    ax.axhspan(w.low, w.high, color=grey, alpha=0.3, label=f"normal MCV {w.low:g}-{w.high:g} fL")
    ax.axvline(by.high, color=plots.PALETTE["black"], linestyle=":",
               label=f"indices normal within about {by.text()}")
    return (f"MCV normal range about {w.low:g}-{w.high:g} fL [{w.source}]; red-cell indices "
            f"normalise within about {by.text()} [{by.source}]")


def draw(patient_id: str, measure: str):
    """One patient's curve for one measure with the cited expected window: (fig, caption, alt)."""
    points = trajectories.series(patient_id, measure)
    frame = trajectories.load()
    pattern = frame.loc[frame["patient_id"] == patient_id, "pattern"].iloc[0]
    name, unit = trajectories.MEASURES[measure]
    fig, ax = plots.figure(f"{patient_id} (synthetic): {name}", "Days since first injection",
                           unit)
    window = _shade(ax, measure, float(points["value"].iloc[0]), trajectories.timeline_parameters())
    ax.plot(points["day"], points["value"], label=f"{patient_id} (synthetic)", **plots.style(0))
    if measure in ("reticulocytes", "wbc", "platelets"):
        ax.set_xlim(-1, 29)  # the cited windows are in the first weeks: zoom in on them
    ax.legend(loc="best", fontsize=9)
    first, last = points["value"].iloc[0], points["value"].iloc[-1]
    caption = (f"Synthetic patient {patient_id}, {_PATTERN_WORDS[pattern]}. Shaded: {window}. "
               "Teaching data, not a real patient.")
    what = name if unit in name else f"{name} ({unit})"
    alt = (f"Line chart of {what} for synthetic patient {patient_id} over "
           f"{int(points['day'].iloc[-1])} days, from {first:g} on day 0 to {last:g} on the last "
           f"day; the shaded band shows the expected window: {window}.")
    return fig, caption, alt


@lru_cache(maxsize=64)
def _view(patient_id: str, measure: str) -> tuple[bytes, str, str]:
    """PNG, caption and alt text for one view (cached: flipping back is instant)."""
    fig, caption, alt = draw(patient_id, measure)
    return plots.to_png(fig), caption, alt


def trajectory_explorer() -> widgets.VBox:
    """Build the explorer; its callbacks close over their own widgets (no notebook globals)."""
    frame = trajectories.load()
    patients = [(_patient_label(p, frame), p) for p in trajectories.patients()]
    measures = [(label, key) for key, (label, _) in trajectories.MEASURES.items()]
    # each dropdown as wide as its label and longest option, opening on a real choice
    patient = widgets.Dropdown(options=patients, value=patients[0][1], description="Patient:",
                               style={"description_width": "initial"},
                               layout=fitted_layout("Patient:", patients))
    measure = widgets.Dropdown(options=measures, value="hb", description="Measure:",
                               style={"description_width": "initial"},
                               layout=fitted_layout("Measure:", measures))
    # HTML with an <img alt=...>, not an ipywidgets.Image: a screen reader gets no alt from that
    image = widgets.HTML(layout=widgets.Layout(max_width="720px"))
    caption = widgets.HTML()

    def redraw(_change=None) -> None:
        try:
            png, text, alt = _view(patient.value, measure.value)
            image.value = plots.png_html(png, alt)
            caption.value = (f"<i>{html.escape(text)}</i><br><small>Image description: "
                             f"{html.escape(alt)}</small>")
        except Exception as error:  # a student never sees a traceback
            caption.value = f"{CAUTION} Could not draw this view: {html.escape(str(error))}"

    patient.observe(redraw, names="value")
    measure.observe(redraw, names="value")
    redraw()
    box = keys.finish(widgets.VBox([widgets.HBox([patient, measure]), image, caption]),
                      "explorer")
    box.parts = SimpleNamespace(patient=patient, measure=measure, image=image, caption=caption)
    return box
