"""Diagnosis helpers for notebook 02: who-says-what tables and band charts of lab thresholds.

All bounds come from ``data/lab_thresholds.csv`` (via ``b12course.data``); unit conversions come
from ``b12course.units``. Nothing here sets a threshold of its own.
"""

from __future__ import annotations

import math

import pandas as pd

from b12course import units

ANALYTES = ("total_b12", "active_b12", "mma", "homocysteine", "mcv")
NAMES = {"total_b12": "total B12", "active_b12": "active B12", "mma": "MMA",
         "homocysteine": "homocysteine", "mcv": "MCV"}
CATEGORY_ORDER = ("deficient", "indeterminate", "unlikely", "normal", "raised", "not stated")
# Colour-blind-safe colours plus a hatch per category, so bands never differ by colour alone.
_LOOK = {
    "deficient": ("vermillion", "xx"),
    "indeterminate": ("yellow", ".."),
    "unlikely": ("sky", ""),
    "normal": ("sky", ""),
    "raised": ("vermillion", "xx"),
    "not stated": ("purple", "//"),
}
_DISPLAY_UNITS = {"umol/L": "µmol/L"}
_WORDS = {
    "deficient": "deficiency confirmed / likely",
    "indeterminate": "indeterminate (grey zone)",
    "unlikely": "deficiency unlikely",
    "normal": "normal",
    "raised": "raised",
    "not stated": "no interpretation given",
}


def thresholds(analyte: str) -> pd.DataFrame:
    """The cited rows of lab_thresholds.csv for one analyte (e.g. 'total_b12')."""
    from b12course import data

    if analyte not in NAMES:
        raise ValueError(f"Unknown analyte {analyte!r}; choose one of: {', '.join(ANALYTES)}.")
    frame = data.load("lab_thresholds")
    rows = frame[frame["analyte"] == analyte].copy()
    if rows.empty:
        raise ValueError(f"lab_thresholds.csv has no rows for {analyte!r}.")
    for column in ("lower", "upper"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce")
    return rows.reset_index(drop=True)


def _number(value: float) -> str:
    return f"{value:g}"


def _symbol(op: str) -> str:
    return {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}.get(str(op).strip(), str(op))


def range_text(row) -> str:
    """A band's range in words a student reads aloud, e.g. '≥ 180 and ≤ 350 ng/L'."""
    parts = []
    if not _missing(row["lower"]):
        parts.append(f"{_symbol(row['lower_op'])} {_number(row['lower'])}")
    if not _missing(row["upper"]):
        parts.append(f"{_symbol(row['upper_op'])} {_number(row['upper'])}")
    return " and ".join(parts) + f" {_DISPLAY_UNITS.get(row['unit'], row['unit'])}"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def threshold_table(analyte: str) -> pd.DataFrame:
    """Who says what: scheme, region, the scheme's band wording, range, category, source."""
    rows = thresholds(analyte)
    table = pd.DataFrame({
        "scheme": rows["scheme"],
        "region": rows["region"],
        "band (scheme's wording)": rows["band"],
        "range": [range_text(r) for _, r in rows.iterrows()],
        "category": rows["category"],
        "source": rows["source"],
    })
    return table


def bounds_in_all_units(analyte: str = "total_b12") -> pd.DataFrame:
    """Each distinct bound of an analyte's bands in ng/L, pg/mL and pmol/L, with the schemes
    that use it (DERIVED by units.convert from the cited rows)."""
    from b12course.references import split_keys

    rows = thresholds(analyte)
    bounds: dict[float, dict] = {}
    for _, row in rows.iterrows():
        for column in ("lower", "upper"):
            if _missing(row[column]):
                continue
            if row["unit"] not in units.accepted_units("b12_concentration"):
                raise ValueError(f"{analyte} is reported in {row['unit']}, which has no "
                                 "ng/L / pmol/L conversion.")
            ng_per_l = round(units.convert(row[column], row["unit"], "ng/L"), 6)
            entry = bounds.setdefault(ng_per_l, {"schemes": [], "sources": []})
            entry["schemes"].append(row["scheme"])
            entry["sources"].extend(split_keys(row["source"]))
    records = [{
        "ng/L": round(ng, 1),
        "pg/mL": round(units.convert(ng, "ng/L", "pg/mL"), 1),
        "pmol/L": round(units.convert(ng, "ng/L", "pmol/L"), 1),
        "used by": ", ".join(dict.fromkeys(entry["schemes"])),
        "source": "; ".join(dict.fromkeys(entry["sources"])),
    } for ng, entry in sorted(bounds.items())]
    return pd.DataFrame(records)


def _bars(analyte: str, unit: str):
    """(scheme order, [(scheme, start, end, category, band)], axis end) in one unit."""
    rows = thresholds(analyte)
    finite = []
    for _, row in rows.iterrows():
        for column in ("lower", "upper"):
            if not _missing(row[column]):
                finite.append(units.convert(row[column], row["unit"], unit))
    axis_end = max(finite) * 1.15
    bars, schemes = [], list(dict.fromkeys(rows["scheme"]))
    for _, row in rows.iterrows():
        start = 0.0 if _missing(row["lower"]) else units.convert(row["lower"], row["unit"], unit)
        end = axis_end if _missing(row["upper"]) else units.convert(row["upper"], row["unit"],
                                                                    unit)
        bars.append((row["scheme"], start, end, row["category"], row["band"]))
    return schemes, bars, axis_end


def bands_figure(analyte: str = "total_b12", unit: str = "ng/L"):
    """Horizontal band chart, one row per scheme, on one unit scale; returns the figure."""
    from matplotlib.patches import Patch

    from b12course import plots

    schemes, bars, axis_end = _bars(analyte, unit)
    used = [c for c in CATEGORY_ORDER if any(b[3] == c for b in bars)]
    columns = min(len(used), 3)
    legend_rows = math.ceil(len(used) / columns)
    fig, ax = plots.figure(f"Where each scheme draws its lines ({NAMES[analyte]})",
                           f"Result ({unit})", "",
                           size=(9, 0.7 * len(schemes) + 1.8 + 0.4 * (legend_rows - 1)))
    for scheme, start, end, category, _band in bars:
        colour, hatch = _LOOK.get(category, ("black", "//"))
        y = len(schemes) - 1 - schemes.index(scheme)
        ax.barh(y, end - start, left=start, height=0.6, color=plots.PALETTE[colour],
                alpha=0.75, hatch=hatch, edgecolor="black", linewidth=0.6)
    ax.set_yticks(range(len(schemes)), list(reversed(schemes)))
    ax.set_xlim(0, axis_end)
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    ax.legend(handles=[Patch(facecolor=plots.PALETTE[_LOOK[c][0]], hatch=_LOOK[c][1],
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
    return (f"Horizontal bar chart of {NAMES[analyte]} bands in {unit}, one bar per "
            "scheme, shaded by category with hatching. " + " ".join(sentences))


def bands_caption(analyte: str = "total_b12", unit: str = "ng/L") -> str:
    """Figure caption naming the sources of the plotted rows."""
    from b12course.references import split_keys

    keys = list(dict.fromkeys(k for s in thresholds(analyte)["source"] for k in split_keys(s)))
    name = NAMES[analyte]
    return (f"Figure. {name[0].upper() + name[1:]} bands by scheme, all drawn in "
            f"{unit} (other units converted with the course's cited factor). Cross-hatched: "
            "deficiency; dotted: grey zone; plain: deficiency unlikely or normal; "
            "diagonal lines: the source gives the band but no interpretation of it. Schemes "
            "marked (historical) are superseded and shown for comparison only. "
            f"Sources: {'; '.join(keys)}.")
