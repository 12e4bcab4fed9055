"""Diagnosis figures: where each lab scheme draws its bands, with alt text and caption.

Bands come from ``clinical.diagnosis`` (the cited lab_thresholds rows); this module only draws
and words them.
"""

from __future__ import annotations

import math

from b12course.clinical import diagnosis
from b12course.show import plots
from b12course.sources import units
from b12course.sources.cells import is_blank
from b12course.sources.references import join_keys


def _bars(analyte: str, unit: str):
    """(scheme order, [(scheme, start, end, category, band)], axis end) in one unit."""
    rows = diagnosis.thresholds(analyte)
    finite = []
    for _, row in rows.iterrows():
        for column in ("lower", "upper"):
            if not is_blank(row[column]):
                finite.append(units.convert(row[column], row["unit"], unit))
    axis_end = max(finite) * 1.15
    bars, schemes = [], list(dict.fromkeys(rows["scheme"]))
    for _, row in rows.iterrows():
        start = 0.0 if is_blank(row["lower"]) else units.convert(row["lower"], row["unit"], unit)
        end = axis_end if is_blank(row["upper"]) else units.convert(row["upper"], row["unit"],
                                                                    unit)
        bars.append((row["scheme"], start, end, row["category"], row["band"]))
    return schemes, bars, axis_end


def bands_figure(analyte: str = "total_b12", unit: str = "ng/L"):
    """Horizontal band chart, one row per scheme, on one unit scale; returns the figure."""
    from matplotlib.patches import Patch


    schemes, bars, axis_end = _bars(analyte, unit)
    used = [c for c in diagnosis.CATEGORY_ORDER if any(b[3] == c for b in bars)]
    columns = min(len(used), 3)
    legend_rows = math.ceil(len(used) / columns)
    fig, ax = plots.figure(f"Where each scheme draws its lines ({diagnosis.NAMES[analyte]})",
                           f"Result ({unit})", "",
                           size=(9, 0.7 * len(schemes) + 1.8 + 0.4 * (legend_rows - 1)))
    for scheme, start, end, category, _band in bars:
        colour, hatch = _LOOK.get(category, ("black", "//"))
        y = len(schemes) - 1 - schemes.index(scheme)
        ax.barh(y, end - start, left=start, height=0.6, color=plots.FILLS[colour],
                alpha=0.75, hatch=hatch, edgecolor="black", linewidth=0.6)
    ax.set_yticks(range(len(schemes)), list(reversed(schemes)))
    ax.set_xlim(0, axis_end)
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    ax.legend(handles=[Patch(facecolor=plots.FILLS[_LOOK[c][0]], hatch=_LOOK[c][1],
                             edgecolor="black", alpha=0.75, label=_WORDS[c]) for c in used],
              loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=columns)
    return fig


def bands_alt(analyte: str = "total_b12", unit: str = "ng/L") -> str:
    """Alt text listing every band of every scheme in words, generated from the same rows."""
    schemes, bars, axis_end = _bars(analyte, unit)
    sentences = []
    for scheme in schemes:
        pieces = []
        for name, start, end, _category, band in bars:
            if name != scheme:
                continue
            span = (f"under {end:g}" if start == 0 else
                    f"over {start:g}" if end == axis_end else
                    f"{start:g} to {end:g}")
            pieces.append(f"{band}: {span}")
        sentences.append(f"{scheme}: " + "; ".join(pieces) + ".")
    return (f"Horizontal bar chart of {diagnosis.NAMES[analyte]} bands in {unit}, one bar per "
            "scheme, shaded by category with hatching. " + " ".join(sentences))


def bands_caption(analyte: str = "total_b12", unit: str = "ng/L") -> str:
    """Figure caption naming the sources of the plotted rows."""
    keys = join_keys(diagnosis.thresholds(analyte)["source"])
    name = diagnosis.NAMES[analyte]
    return (f"Figure. {name[0].upper() + name[1:]} bands by scheme, all drawn in "
            f"{unit} (other units converted with the course's cited factor). Cross-hatched: "
            "deficiency; dotted: grey zone; plain: deficiency unlikely or normal; "
            "diagonal lines: the source gives the band but no interpretation of it; "
            "back-slanted lines: above the range the scheme calls normal. Schemes "
            "marked (historical) are superseded and shown for comparison only. "
            f"Sources: {keys}.")


_LOOK = {
    "deficient": ("vermillion", "xx"),
    "indeterminate": ("yellow", ".."),
    "unlikely": ("sky", ""),
    "normal": ("sky", ""),
    "raised": ("blue", "\\\\"),
    "not stated": ("purple", "//"),
}


_WORDS = {
    "deficient": "deficiency confirmed / likely",
    "indeterminate": "indeterminate (grey zone)",
    "unlikely": "deficiency unlikely",
    "normal": "normal",
    "raised": "above the normal range",
    "not stated": "no interpretation given",
}
