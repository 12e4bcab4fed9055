"""Notebook 04's figures and its dose-volume table, each in one call.

Volumes are worked out by :func:`b12course.clinical.products.volume_ml` (dose ÷ strength) from
sourced doses (:func:`b12course.clinical.regimens.phase`); per-site limits come from
:func:`b12course.clinical.technique.site_volumes`. Nothing is typed in here.
"""

from __future__ import annotations

from b12course.clinical import products, regimens, technique
from b12course.show import needle_figures, plots

# The three sourced doses notebook 04 works out: UK loading, US label maintenance, US practice.
DOSE_IDS = ("uk-bnf-load", "us-label-cncbl-maint", "us-practice-a-maint")


def needle_lengths() -> None:
    """Figure 1: adult deltoid needle length by sex and weight band."""
    plots.finish(needle_figures.needle_length_figure(), caption="Figure 1. Adult deltoid needle "
                 "length by sex and weight band (CDC/Immunize.org table, read from "
                 "data/needle_lengths.csv).", alt=needle_figures.needle_length_alt())


def site_volumes() -> None:
    """Figure 2: the largest IM volume per site, one bar per source."""
    plots.finish(needle_figures.site_volume_figure(), caption="Figure 2. Largest IM volume per "
                 "site, one bar per source (read from data/site_volumes.csv). The sources "
                 "disagree, most of all for the deltoid.", alt=needle_figures.site_volume_alt())


def dose_volume_table(regimen_ids=DOSE_IDS):
    """Who says it, the dose, the product, its volume in mL (dose ÷ strength) and the source."""
    import pandas as pd

    rows = []
    for regimen_id in regimen_ids:
        dose = regimens.phase(regimen_id)
        rows.append({"who says it": dose.guideline, "dose": dose.dose_text,
                     "product": dose.product,
                     "volume (mL)": products.volume_ml(dose.dose_mcg, dose.product_id),
                     "source": dose.source})
    return pd.DataFrame(rows)


def volume_fits(regimen_ids=DOSE_IDS) -> list[str]:
    """Lines saying whether each dose's volume fits the smallest per-site limit quoted."""
    limits = technique.site_volumes()
    smallest = limits.loc[limits["volume_max_ml"].idxmin()]
    lines = [f"Smallest per-site limit quoted: {smallest['volume_max_ml']:g} mL, "
             f"{smallest['site']} [{smallest['source']}]"]
    for _, row in dose_volume_table(regimen_ids).iterrows():
        fits = "fits" if row["volume (mL)"] <= smallest["volume_max_ml"] else "does NOT fit"
        lines.append(f"{row['dose']} from the {row['product']}: {row['volume (mL)']:g} mL, {fits}")
    return lines


def print_volume_fits(regimen_ids=DOSE_IDS) -> None:
    """Print :func:`volume_fits`, one line per dose after the smallest limit."""
    print("\n".join(volume_fits(regimen_ids)))
