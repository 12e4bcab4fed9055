"""B12 products (strength, licensed routes) and the volume a dose needs, from data/products.csv."""

from __future__ import annotations

import math


def table():
    """products.csv as a DataFrame."""
    from b12course.sources import data

    return data.load("products")


def product(product_id: str):
    """One product row (a pandas Series); unknown ids get a message listing the known ones."""
    frame = table()
    rows = frame[frame["product_id"] == product_id]
    if rows.empty:
        raise ValueError(f"Unknown product {product_id!r}. Products: "
                         f"{', '.join(frame['product_id'])}.")
    return rows.iloc[0]


def strength_mcg(product_id: str) -> float:
    """Micrograms per ``per_amount`` of the product (e.g. 1000 per 1 mL), converted via units."""
    from b12course.sources import units

    row = product(product_id)
    if isinstance(row["strength"], float) and math.isnan(row["strength"]):
        raise ValueError(f"The course's sources give no strength for {row['name']}, so no "
                         "amount can be worked out for it.")
    return units.convert(row["strength"], row["strength_unit"], "mcg") / row["per_amount"]


def volume_ml(dose_mcg, product_id: str = "ohcbl-inj-uk") -> float:
    """How many mL of an injection hold ``dose_mcg`` micrograms (DERIVED: dose / strength)."""
    from b12course.sources import units

    row = product(product_id)
    if row["form"] == "injection":
        strength_mcg(product_id)  # explains when the sources give no strength
    if row["per_unit"] != "mL":
        raise ValueError(f"{row['name']} is not measured in mL (form: {row['form']}).")
    if isinstance(dose_mcg, str):
        quantity = units.parse_quantity(dose_mcg)
        if units.dimension(quantity.unit) != "mass":
            raise ValueError(f"{dose_mcg!r} is not a dose. Give it in mcg or mg, e.g. 1000 mcg.")
        dose = units.convert(quantity.value, quantity.unit, "mcg")
    else:
        dose = units.parse_number(dose_mcg, allow_negative=True)
    if dose <= 0:
        raise ValueError(f"A dose must be above zero micrograms; got {dose_mcg!r}.")
    return dose / strength_mcg(product_id)
