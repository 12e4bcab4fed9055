"""Diagnosis helpers for notebook 02: who-says-what tables and band charts of lab thresholds.

All bounds come from ``data/lab_thresholds.csv`` (via ``sources.data``); unit conversions come
from ``b12course.sources.units``. Nothing here sets a threshold of its own.
"""

from __future__ import annotations

import math

import pandas as pd

from b12course.sources import units

ANALYTES = ("total_b12", "active_b12", "mma", "homocysteine", "mcv")
NAMES = {"total_b12": "total B12", "active_b12": "active B12", "mma": "MMA",
         "homocysteine": "homocysteine", "mcv": "MCV"}
CATEGORY_ORDER = ("deficient", "indeterminate", "unlikely", "normal", "raised", "not stated")
# Colour-blind-safe colours plus a hatch per category, so bands never differ by colour alone.
_DISPLAY_UNITS = {"umol/L": "µmol/L"}


def thresholds(analyte: str) -> pd.DataFrame:
    """The cited rows of lab_thresholds.csv for one analyte (e.g. 'total_b12')."""
    from b12course.sources import data

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
    if not is_missing(row["lower"]):
        parts.append(f"{_symbol(row['lower_op'])} {_number(row['lower'])}")
    if not is_missing(row["upper"]):
        parts.append(f"{_symbol(row['upper_op'])} {_number(row['upper'])}")
    return " and ".join(parts) + f" {_DISPLAY_UNITS.get(row['unit'], row['unit'])}"


def is_missing(value) -> bool:
    """True for a blank cell: None, NaN or an empty string."""
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
    from b12course.sources.references import split_keys

    rows = thresholds(analyte)
    bounds: dict[float, dict] = {}
    for _, row in rows.iterrows():
        for column in ("lower", "upper"):
            if is_missing(row[column]):
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


