"""Diagnosis helpers for notebook 02: who-says-what tables and band charts of lab thresholds.

All bounds come from ``data/lab_thresholds.csv`` (via ``sources.data``); unit conversions come
from ``b12course.sources.units``. Nothing here sets a threshold of its own.
"""

from __future__ import annotations

import pandas as pd

from b12course.clinical import labs
from b12course.sources import units
from b12course.sources.cells import is_blank
from b12course.sources.references import join_keys, split_keys

ANALYTES = tuple(labs.ANALYTES)
NAMES = labs.SHORT_NAMES  # analyte labels live in clinical.labs
CATEGORY_ORDER = ("deficient", "indeterminate", "unlikely", "normal", "raised", "not stated")


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


def threshold_table(analyte: str) -> pd.DataFrame:
    """Who says what: scheme, region, the scheme's band wording, range, category, source."""
    rows = thresholds(analyte)
    table = pd.DataFrame({
        "scheme": rows["scheme"],
        "region": rows["region"],
        "band (scheme's wording)": rows["band"],
        "range": [labs.range_text(r, symbols=True) for _, r in rows.iterrows()],
        "category": rows["category"],
        "source": rows["source"],
    })
    return table


def bounds_in_all_units(analyte: str = "total_b12") -> pd.DataFrame:
    """Each distinct bound of an analyte's bands in ng/L, pg/mL and pmol/L, with the schemes
    that use it (DERIVED by units.convert from the cited rows)."""
    rows = thresholds(analyte)
    bounds: dict[float, dict] = {}
    for _, row in rows.iterrows():
        for column in ("lower", "upper"):
            if is_blank(row[column]):
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
        "source": join_keys(entry["sources"]),
    } for ng, entry in sorted(bounds.items())]
    return pd.DataFrame(records)


