"""Units: parse what a student types ("1,000 µg", "1mg") and convert between cited units.

Conversion factors are read from ``data/units.csv`` (each row cited), so the B12 molar-mass
factor between ng/L and pmol/L lives in one place.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple


class Quantity(NamedTuple):
    """A number with a canonical unit (e.g. Quantity(1000.0, "mcg"))."""

    value: float
    unit: str


@dataclass(frozen=True)
class Unit:
    """One row of units.csv."""

    name: str
    dimension: str
    to_base: float
    base_unit: str
    source: str


@cache
def _table() -> tuple[dict[str, Unit], dict[str, str]]:
    """Units and their folded aliases from units.csv (checked by sources.data's schema)."""
    from b12course.sources import data

    units: dict[str, Unit] = {}
    aliases: dict[str, str] = {}
    for row in data.validate("units"):
        unit = Unit(row["unit"], row["dimension"], float(row["to_base"]), row["base_unit"],
                    row["source"])
        units[unit.name] = unit
        for alias in [unit.name, *row["aliases"].split("|")]:
            if alias.strip():
                aliases[_fold(alias)] = unit.name
    return units, aliases


def _fold(text: str) -> str:
    """Case- and space-insensitive key for unit aliases ('ML' -> 'ml', 'ng / L' -> 'ng/l')."""
    return re.sub(r"\s+", " ", text.replace(" / ", "/").replace("μ", "µ")).strip().lower()


def accepted_units(dimension: str | None = None) -> list[str]:
    """Canonical unit names, optionally for one dimension."""
    units, _ = _table()
    return [u.name for u in units.values() if dimension in (None, u.dimension)]


def canonical_unit(name: str) -> str:
    """'micrograms' -> 'mcg'; unknown units raise a ValueError listing the accepted ones."""
    _, aliases = _table()
    try:
        return aliases[_fold(str(name))]
    except KeyError:
        raise ValueError(
            f"Unknown unit {name!r}. Accepted units: {', '.join(accepted_units())}."
        ) from None


def dimension(unit: str) -> str:
    """What a unit measures: mass, volume, b12_concentration, length or weight."""
    units, _ = _table()
    return units[canonical_unit(unit)].dimension


def source(unit: str) -> str:
    """The source key(s) behind a unit's conversion factor."""
    units, _ = _table()
    return units[canonical_unit(unit)].source


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text, *, allow_negative: bool = False) -> float:
    """A finite number from text such as '1,000' or '0.5'; friendly ValueError otherwise."""
    if isinstance(text, bool):
        raise ValueError("Please enter a number, not True/False.")
    if isinstance(text, int | float):
        value = float(text)
    else:
        cleaned = str(text).strip().replace("\u2009", "").replace("\u202f", "").replace(" ", "")
        if not cleaned:
            raise ValueError("Please enter a number.")
        if "," in cleaned:
            if not _THOUSANDS.match(cleaned):
                raise ValueError(
                    f"{text!r}: use a point for decimals (0.5) and commas only between "
                    "thousands (1,000)."
                )
            cleaned = cleaned.replace(",", "")
        if not _NUMBER.match(cleaned):
            raise ValueError(f"{str(text).strip()!r} is not a number. Type digits, e.g. 1000.")
        value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number. Type an ordinary number, e.g. 1000.")
    if value < 0 and not allow_negative:
        raise ValueError(f"{text!r} is negative; a dose, volume or weight cannot be below zero.")
    return value


_QUANTITY = re.compile(r"^\s*([+-]?[\d.,\u2009\u202f ]*\d(?:[eE][+-]?\d+)?|[+-]?\.\d+)\s*(.*?)\s*$")


def parse_quantity(text, *, allow_negative: bool = False) -> Quantity:
    """'1,000 µg' -> Quantity(1000.0, 'mcg'); a missing or unknown unit gets a friendly error."""
    raw = str(text).strip()
    if not raw:
        raise ValueError("Please enter an amount with its unit, e.g. 1000 mcg or 1 mg.")
    match = _QUANTITY.match(raw)
    if not match:
        raise ValueError(f"{raw!r} does not start with a number. Try e.g. '1 mg' or '1000 mcg'.")
    number, unit_text = match.groups()
    value = parse_number(number, allow_negative=allow_negative)
    if not unit_text:
        raise ValueError(f"{raw!r} has no unit. Add one, e.g. '{number} mcg' or '{number} mg'.")
    return Quantity(value, canonical_unit(unit_text))


def convert(value, from_unit: str, to_unit: str) -> float:
    """Convert a number between units of the same dimension (mg <-> mcg, ng/L <-> pmol/L, ...)."""
    number = parse_number(value, allow_negative=True)
    units, _ = _table()
    source_unit, target_unit = units[canonical_unit(from_unit)], units[canonical_unit(to_unit)]
    if source_unit.dimension != target_unit.dimension:
        raise ValueError(
            f"Cannot convert {source_unit.name} ({source_unit.dimension}) to {target_unit.name} "
            f"({target_unit.dimension}). Units for {source_unit.dimension}: "
            f"{', '.join(accepted_units(source_unit.dimension))}."
        )
    return number * source_unit.to_base / target_unit.to_base
