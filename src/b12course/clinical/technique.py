"""IM technique data: needle length by sex and weight (CDC table) and site guidance.

Lengths are stored in inches as the CDC/Immunize.org table gives them; millimetres are computed
with ``sources.units`` (1 inch = 25.4 mm), never typed. Weight bands are looked up in the unit
the user gives (kg or lb), because the table's kg figures are rounded versions of its lb bands.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from b12course.sources.cells import is_blank

SEXES = ("female", "male")
_SEX_WORDS = {"female": "female", "f": "female", "woman": "female", "women": "female",
              "male": "male", "m": "male", "man": "male", "men": "male"}
CDC_GUIDE = "CDC/Immunize.org adult IM table"


@dataclass(frozen=True)
class NeedleAdvice:
    """Needle length range (inches and mm), gauge, angle and the rows/sources behind it."""

    site: str
    sex: str
    weight: float
    weight_unit: str
    min_inch: float
    max_inch: float
    min_mm: float
    max_mm: float
    gauge_min: int | None
    gauge_max: int | None
    angle_degrees: float | None
    condition: str
    source: str
    rows: tuple[str, ...]
    note: str = ""

    @property
    def gauge(self) -> str:
        """'22-25' (or '' when the source gives no gauge)."""
        if self.gauge_min is None:
            return ""
        return f"{self.gauge_min}-{self.gauge_max}" if self.gauge_max != self.gauge_min \
            else f"{self.gauge_min}"

    @property
    def angle(self):
        """Angle of insertion in degrees (alias used by widgets)."""
        return self.angle_degrees

    @property
    def length_text(self) -> str:
        """'1-1½ inch (25.4-38.1 mm)' style text."""
        inches = inch_text(self.min_inch) if self.min_inch == self.max_inch else \
            f"{inch_text(self.min_inch)}-{inch_text(self.max_inch)}"
        mm = f"{self.min_mm:.3g}" if self.min_mm == self.max_mm else \
            f"{self.min_mm:.3g}-{self.max_mm:.3g}"
        return f"{inches} inch ({mm} mm)"

    def __str__(self) -> str:
        return (f"{self.site}, {self.sex}, {self.weight:g} {self.weight_unit}: {self.length_text}"
                f", {self.gauge} G, {self.angle_degrees:g} degrees [{self.source}]")


def inch_text(value: float) -> str:
    """0.625 -> '5/8', 1.5 -> '1 1/2', 1.0 -> '1' (how needle lengths are written)."""
    frac = Fraction(value).limit_denominator(16)
    whole, rest = divmod(frac, 1)
    if rest == 0:
        return str(int(whole))
    return f"{rest}" if whole == 0 else f"{int(whole)} {rest}"


def to_mm(inches: float) -> float:
    """Inches to millimetres via units.csv (1 inch = 25.4 mm)."""
    from b12course.sources import units

    return units.convert(inches, "inch", "mm")


def needle_table():
    """needle_lengths.csv with lengths in mm added (computed, not typed)."""
    from b12course.sources import data

    frame = data.load("needle_lengths")
    frame["length_min_mm"] = frame["length_min_inch"].map(
        lambda v: None if is_blank(v) else to_mm(v))
    frame["length_max_mm"] = frame["length_max_inch"].map(to_mm)
    return frame


def sites():
    """injection_sites.csv: each site's muscle, landmark, advantages and cautions, with sources."""
    from b12course.sources import data

    return data.load("injection_sites")


def site_volumes():
    """site_volumes.csv: the largest volumes per IM site that different sources suggest."""
    from b12course.sources import data

    return data.load("site_volumes")


def _sex(sex) -> str:
    key = str(sex).strip().lower()
    if key not in _SEX_WORDS:
        raise ValueError(f"Unknown sex {sex!r}. The CDC table has rows for: female, male.")
    return _SEX_WORDS[key]


def _weight(value, unit: str) -> float:
    from b12course.sources import units

    if isinstance(value, bool) or value is None:
        raise ValueError(f"Weight must be a number of {unit}, e.g. 72; got {value!r}.")
    try:
        number = units.parse_number(value, allow_negative=True)
    except ValueError as exc:
        raise ValueError(f"{exc} Give the weight as a number of {unit}.") from None
    if number <= 0:
        raise ValueError(f"A body weight must be above zero {unit}; got {value!r}. The table "
                         "covers adults of any weight above zero.")
    return number


def _in_band(row, weight: float, unit: str) -> bool:
    """Closed band when both bounds are given; '<max' or '>min' when only one is."""
    low, high = row[f"weight_min_{unit}"], row[f"weight_max_{unit}"]
    has_low, has_high = not is_blank(low), not is_blank(high)
    if has_low and has_high:
        return low <= weight <= high
    if has_high:
        return weight < high
    if has_low:
        return weight > low
    return True


def deltoid_needle_length(sex, weight_kg=None, *, weight_lb=None) -> NeedleAdvice:
    """CDC adult deltoid needle length for a sex and a weight in kg (or ``weight_lb=``)."""
    if (weight_kg is None) == (weight_lb is None):
        raise ValueError("Give the weight once: weight_kg=... or weight_lb=....")
    unit = "kg" if weight_kg is not None else "lb"
    weight = _weight(weight_kg if unit == "kg" else weight_lb, unit)
    # The table is written in whole pounds (130-152, 153-200), so pounds are rounded first.
    lookup = float(round(weight)) if unit == "lb" else weight
    sex = _sex(sex)
    table = needle_table()
    rows = table[(table["guide"] == CDC_GUIDE) & (table["site"] == "deltoid")
                 & table["sex"].isin([sex, "any"])]
    matches = [row for _, row in rows.iterrows() if _in_band(row, lookup, unit)]
    if not matches:
        raise ValueError(f"{weight:g} {unit} is outside the CDC deltoid table for {sex}s.")
    return _advice("deltoid", sex, weight, unit, matches)


def _advice(site, sex, weight, unit, matches) -> NeedleAdvice:
    from b12course.sources.references import join_keys

    lows = [r["length_min_inch"] for r in matches if not is_blank(r["length_min_inch"])]
    low = min(lows) if lows else min(r["length_max_inch"] for r in matches)
    high = max(r["length_max_inch"] for r in matches)
    conditions = "; ".join(dict.fromkeys(r["condition"] for r in matches if r["condition"]))
    notes = [r["notes"] for r in matches if r["notes"]]
    if len(matches) > 1:
        notes.insert(0, f"{weight:g} {unit} sits on the boundary of two rows of the table "
                        "(its kg figures overlap), so both rows' lengths are shown.")
    gauges = [r for r in matches if not is_blank(r["gauge_min"])]
    angle = matches[0]["angle_degrees"]
    return NeedleAdvice(
        site=site, sex=sex, weight=weight, weight_unit=unit, min_inch=low, max_inch=high,
        min_mm=to_mm(low), max_mm=to_mm(high),
        gauge_min=int(min(r["gauge_min"] for r in gauges)) if gauges else None,
        gauge_max=int(max(r["gauge_max"] for r in gauges)) if gauges else None,
        angle_degrees=None if is_blank(angle) else float(angle), condition=conditions,
        source=join_keys([r["source"] for r in matches]), rows=tuple(r["row_id"] for r in matches),
        note=" ".join(notes))


def needle_for_site(site, sex, weight_kg) -> NeedleAdvice:
    """Needle advice for a site: the CDC deltoid table, or the site's own row where sourced."""
    name = str(site).strip().lower()
    if name == "deltoid":
        return deltoid_needle_length(sex, weight_kg)
    table = needle_table()
    rows = table[(table["guide"] == CDC_GUIDE) & (table["site"] == name)]
    known = sorted(set(table.loc[table["guide"] == CDC_GUIDE, "site"]))
    if rows.empty:
        all_sites = ", ".join(sites()["site"])
        raise ValueError(f"The course's sources give no needle length for the {site} site "
                         f"(sites with a sourced length: {', '.join(known)}; all sites: "
                         f"{all_sites}).")
    weight = _weight(weight_kg, "kg")
    return _advice(name, _sex(sex), weight, "kg", [row for _, row in rows.iterrows()])
