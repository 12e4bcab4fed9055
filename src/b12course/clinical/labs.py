"""Interpret B12-related lab results against cited schemes (NICE NG239, BSH/CKS, local labs).

Each scheme is a set of bands in ``data/lab_thresholds.csv``. A result is converted into the
scheme's unit (via ``sources.units``), placed in the band whose bounds contain it, and returned
with the scheme's band wording, a plain-English explanation and the source keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from b12course.sources.cells import is_blank
from b12course.sources.references import join_keys

# The analytes of lab_thresholds.csv: their one home for labels (full name, short name).
ANALYTES = {
    "total_b12": "total B12 (serum cobalamin)",
    "active_b12": "active B12 (holotranscobalamin)",
    "mma": "methylmalonic acid (MMA)",
    "homocysteine": "homocysteine",
    "mcv": "mean cell volume (MCV)",
}
SHORT_NAMES = {"total_b12": "total B12", "active_b12": "active B12", "mma": "MMA",
               "homocysteine": "homocysteine", "mcv": "MCV"}
DEFAULT_SCHEME = "NICE-NG239"
# Molar units that are SI prefixes of each other (exact, not clinical numbers).
_MOLAR = {"umol/L": 1.0, "µmol/L": 1.0, "micromol/L": 1.0, "nmol/L": 0.001}

_EXPLAIN = {
    "deficient": "This is below the scheme's lower cut-off, where it treats B12 deficiency as "
                 "confirmed or likely.",
    "indeterminate": "This is in the scheme's grey zone: deficiency is neither confirmed nor "
                     "excluded, so symptoms, risk factors and further tests decide.",
    "unlikely": "This is above the scheme's cut-off, where it treats deficiency as unlikely. A "
                "number never overrides a strong clinical picture.",
    "normal": "This is inside the range the source calls normal.",
    # for MMA, homocysteine and MCV; a high total or active B12 is no evidence of deficiency
    # (and a total B12 can read falsely normal or high with high-titre IF antibodies)
    "raised": "This is above the level the source calls normal, which supports (but does not by "
              "itself prove) B12 deficiency.",
    "raised B12": "This is above the range the source calls normal; the source does not say "
                  "what a result here means for deficiency.",
    "not stated": "The source gives this band (or only a cut-off or a range) but does not say "
                  "what a result here means for deficiency, so the course gives no "
                  "interpretation: symptoms, risk factors and further tests decide.",
    "unclassified": "the source gives no band for this value, so the course gives no "
                    "interpretation.",
}
# A scheme whose source has been superseded carries this mark in its name (lab_thresholds.csv).
HISTORICAL = "(historical)"


@dataclass(frozen=True)
class LabResult:
    """One interpreted result: category, the scheme's own band wording, why, and the source."""

    analyte: str
    value: float
    unit: str
    scheme: str
    value_in_scheme_unit: float
    scheme_unit: str
    category: str
    band: str
    explanation: str
    source: str
    notes: str = ""

    def __str__(self) -> str:
        """e.g. '150 ng/L: deficiency confirmed [KEY]': the scheme's band wording (a required
        column; 'no band' when no band holds the value), never an internal category name."""
        return f"{self.value:g} {self.unit}: {self.band} [{self.source}]"


def _table():
    from b12course.sources import data

    return data.load("lab_thresholds")


def schemes(analyte: str = "total_b12") -> list[str]:
    """The schemes that give bands for an analyte, in table order (NICE first where present)."""
    _check_analyte(analyte)
    frame = _table()
    return list(dict.fromkeys(frame.loc[frame["analyte"] == analyte, "scheme"]))


def is_historical(scheme: str) -> bool:
    """True for a scheme kept only for comparison because its source has been superseded."""
    return str(scheme).strip().endswith(HISTORICAL)


def bands(analyte: str = "total_b12", scheme: str = DEFAULT_SCHEME):
    """The rows of one scheme for one analyte (for display in notebooks)."""
    _check_analyte(analyte)
    frame = _table()
    rows = frame[(frame["analyte"] == analyte) & (frame["scheme"] == scheme)]
    if rows.empty:
        raise ValueError(f"Unknown scheme {scheme!r} for {ANALYTES[analyte]}. Schemes: "
                         f"{', '.join(schemes(analyte))}.")
    return rows.reset_index(drop=True)


def _check_analyte(analyte: str) -> None:
    if analyte not in ANALYTES:
        raise ValueError(f"Unknown test {analyte!r}. Accepted tests: {', '.join(ANALYTES)}.")


def _to_unit(value: float, unit: str, target: str) -> float:
    """Convert between B12 concentration units (units.py) or between molar prefixes."""
    from b12course.sources import units

    if unit == target:
        return value
    if unit in _MOLAR and target in _MOLAR:
        return value * _MOLAR[unit] / _MOLAR[target]
    try:
        return units.convert(value, unit, target)
    except (ValueError, KeyError):
        raise ValueError(f"Cannot use unit {unit!r} for a result reported in {target}. "
                         f"Accepted units: {', '.join(_accepted_units(target))}.") from None


def _accepted_units(target: str) -> list[str]:
    from b12course.sources import units

    if target in _MOLAR:
        return ["umol/L", "nmol/L"]
    if target == "fL":
        return ["fL"]
    return units.accepted_units(units.dimension(target))


def _canonical(unit: str, target: str) -> str:
    from b12course.sources import units

    if str(unit).strip() in _MOLAR or str(unit).strip() == "fL":
        return str(unit).strip()
    try:
        return units.canonical_unit(unit)
    except ValueError:
        raise ValueError(f"Unknown unit {unit!r}. Accepted units for this test: "
                         f"{', '.join(_accepted_units(target))}.") from None


def _number(value) -> float:
    from b12course.sources import units

    if isinstance(value, str):
        number = units.parse_number(value, allow_negative=True)
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a number. Type the result as a number, "
                             "e.g. 250.") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{value!r} is not a usable number. Type the result, e.g. 250.")
    if number < 0:
        raise ValueError(f"{value!r}: a lab result cannot be negative.")
    return number


def _contains(row, value: float) -> bool:
    lower_ok = (is_blank(row["lower_op"]) or
                (value > row["lower"] if row["lower_op"] == ">" else value >= row["lower"]))
    upper_ok = (is_blank(row["upper_op"]) or
                (value < row["upper"] if row["upper_op"] == "<" else value <= row["upper"]))
    return lower_ok and upper_ok


def interpret(analyte: str, value, unit: str | None = None,
              scheme: str = DEFAULT_SCHEME) -> LabResult:
    """Place a result in the band of ``scheme`` that contains it (see ``schemes(analyte)``)."""
    rows = bands(analyte, scheme)
    scheme_unit = rows["unit"].iloc[0]
    unit = scheme_unit if unit is None else _canonical(unit, scheme_unit)
    number = _number(value)
    converted = _to_unit(number, unit, scheme_unit)
    matches = [row for _, row in rows.iterrows() if _contains(row, converted)]
    shown = f"{number:g} {unit}" + ("" if unit == scheme_unit
                                    else f" (= {converted:.4g} {scheme_unit})")
    if not matches:
        tops = [float(u) for u in rows["upper"] if not is_blank(u)]
        if tops and len(tops) == len(rows) and converted > max(tops):
            why = (f"{shown} is above the highest band of {scheme} (up to {max(tops):g} "
                   f"{scheme_unit}); the scheme names no band there, so the course gives no "
                   "interpretation.")
        else:
            why = f"{shown}: {_EXPLAIN['unclassified']}"
        return LabResult(analyte, number, unit, scheme, converted, scheme_unit, "unclassified",
                         "no band", why, join_keys(rows["source"]))
    row = matches[0]
    reading = row["category"]
    if reading == "raised" and analyte in ("total_b12", "active_b12"):
        reading = "raised B12"
    explanation = f"{shown} is in the {scheme} band '{row['band']}' ({range_text(row)}). " \
                  f"{_EXPLAIN[reading]}"
    if row["notes"]:
        explanation += f" {row['notes']}"
    return LabResult(analyte, number, unit, scheme, converted, scheme_unit, row["category"],
                     row["band"], explanation, row["source"], row["notes"])


_OP_WORDS = {">": "above", ">=": "from", "<": "below", "<=": "up to"}
_OP_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_DISPLAY_UNITS = {"umol/L": "µmol/L"}


def range_text(row, symbols: bool = False) -> str:
    """A band's bounds as the course words them (the one place): 'from 180 and up to 350 ng/L',
    or with ``symbols`` '≥ 180 and ≤ 350 ng/L' (µmol/L written with µ) for tables."""
    ops = _OP_SYMBOLS if symbols else _OP_WORDS
    parts = []
    for op, bound in (("lower_op", "lower"), ("upper_op", "upper")):
        if not is_blank(row[bound]):
            op_text = str(row[op]).strip()
            parts.append(f"{ops.get(op_text, op_text)} {row[bound]:g}")
    unit = _DISPLAY_UNITS.get(row["unit"], row["unit"]) if symbols else row["unit"]
    return " and ".join(parts) + f" {unit}"


def band_row(band_id: str) -> dict:
    """One row of lab_thresholds.csv; an unknown id gets the list of band ids."""
    from b12course.sources import data

    return data.row("lab_thresholds", "band_id", band_id, what="band")


def band_text(band_id: str) -> str:
    """The bounds of one band in words, e.g. 'from 180 and up to 350 ng/L'."""
    return range_text(band_row(band_id))


def interpret_total_b12(value, unit: str = "ng/L", scheme: str = DEFAULT_SCHEME) -> LabResult:
    """Total serum B12 (ng/L, pg/mL or pmol/L) against a scheme (default NICE NG239)."""
    return interpret("total_b12", value, unit, scheme)


def interpret_active_b12(value, unit: str = "pmol/L", scheme: str = DEFAULT_SCHEME) -> LabResult:
    """Active B12 (holotranscobalamin, pmol/L) against a scheme (default NICE NG239)."""
    if scheme not in schemes("active_b12"):
        raise ValueError(f"Unknown scheme {scheme!r} for active B12. Schemes: "
                         f"{', '.join(schemes('active_b12'))}.")
    if _canonical(unit, "pmol/L") != "pmol/L":
        raise ValueError(f"Active B12 is reported in pmol/L, not {unit!r}. Accepted units: "
                         "pmol/L.")
    return interpret("active_b12", value, "pmol/L", scheme)
