"""B12 products (strength, licensed routes) and the volume a dose needs, from data/products.csv.

The one home of a product's numbers: its strength (:func:`strength_mcg`, :func:`strength_text`),
the amount its strength is stated per (:func:`amount_ml`, :func:`amount_mcg`: the ampoule or vial)
and the volume of a dose (:func:`volume_ml`). Widgets, exercises, notebooks and tests call these.
"""

from __future__ import annotations

from b12course.sources.cells import is_blank


def table():
    """products.csv as a DataFrame."""
    from b12course.sources import data

    return data.load("products")


def product(product_id: str) -> dict:
    """One product row (a dict); unknown ids get a message listing the known ones."""
    from b12course.sources import data

    return data.row("products", "product_id", product_id, what="product")


def strength_mcg(product_id: str) -> float:
    """Micrograms per ``per_unit`` of the product (e.g. 1000 per mL), converted via units."""
    from b12course.sources import units

    row = product(product_id)
    if is_blank(row["strength"]):
        raise ValueError(f"The course's sources give no strength for {row['name']}, so no "
                         "amount can be worked out for it.")
    return units.convert(row["strength"], row["strength_unit"], "mcg") / row["per_amount"]


def strength_text(product_id: str) -> str:
    """The strength as the source states it, e.g. '1000 mcg per 1 mL' (and its source keys)."""
    row = product(product_id)
    strength_mcg(product_id)  # explains when the sources give no strength
    return (f"{row['strength']:g} {row['strength_unit']} per {row['per_amount']:g} "
            f"{row['per_unit']} [{row['source']}]")


def amount_ml(product_id: str = "ohcbl-inj-uk") -> float:
    """The volume the strength is stated per, in mL: one ampoule or vial amount (e.g. 1 mL)."""
    from b12course.sources import units

    row = product(product_id)
    if row["per_unit"] != "mL":
        raise ValueError(f"{row['name']} is not measured in mL (form: {row['form']}).")
    return units.convert(float(row["per_amount"]), row["per_unit"], "mL")


def amount_mcg(product_id: str = "ohcbl-inj-uk") -> float:
    """Micrograms in one ampoule or vial amount (strength x the amount it is stated per)."""
    return strength_mcg(product_id) * product(product_id)["per_amount"]


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
