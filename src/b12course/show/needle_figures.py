"""IM technique figures: needle length bands and site volume limits, with their alt text.

Bands and limits come from ``clinical.technique`` and the ampoule volume from ``clinical.products``.
"""

from __future__ import annotations

from b12course.show import plots
from b12course.sources import units


def needle_length_figure():
    """Horizontal range bars of the CDC adult deltoid needle table (mm), by sex and weight."""
    from b12course.clinical import technique

    table = technique.needle_table()
    table = table[(table["guide"] == technique.CDC_GUIDE) & (table["site"] == "deltoid")]
    fig, ax = plots.figure("Adult deltoid needle length by sex and weight",
                           "Needle length (mm)", "", size=(8, 0.55 * len(table) + 1.6))
    labels = []
    for index, row in enumerate(table.itertuples()):
        style = plots.style({"any": 2, "female": 0, "male": 1}.get(row.sex, 3))
        low = row.length_min_mm if str(row.length_min_mm) != "nan" else row.length_max_mm
        ax.plot([low, row.length_max_mm], [index, index], color=style["color"],
                linestyle="-", linewidth=8, solid_capstyle="butt")
        ax.plot([low, row.length_max_mm], [index, index], linestyle="none",
                marker=style["marker"], color="black", markersize=6)
        inches = technique.inch_text(row.length_max_inch)
        if low != row.length_max_mm:
            inches = f"{technique.inch_text(row.length_min_inch)}-{inches}"
        ax.annotate(f"{inches} inch", (row.length_max_mm, index), xytext=(8, 0),
                    textcoords="offset points", va="center")
        labels.append(f"{_sex_label(row.sex)}, {band_text(row)}")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(0, table["length_max_mm"].max() * 1.3)
    ax.invert_yaxis()
    return fig


def needle_length_alt() -> str:
    """Alt text for the needle figure, computed from the table."""
    from b12course.clinical import technique

    table = technique.needle_table()
    table = table[(table["guide"] == technique.CDC_GUIDE) & (table["site"] == "deltoid")]
    parts = []
    for row in table.itertuples():
        low = row.length_min_mm if str(row.length_min_mm) != "nan" else row.length_max_mm
        span = f"{row.length_max_mm:.3g}" if low == row.length_max_mm else \
            f"{low:.3g} to {row.length_max_mm:.3g}"
        parts.append(f"{_sex_label(row.sex)} {band_text(row)}: {span} mm")
    return "Range bars of recommended deltoid needle length. " + "; ".join(parts) + "."


def site_volume_figure():
    """Largest volume per site by source (site_volumes.csv): the sources differ."""
    from b12course.clinical import technique

    frame = technique.site_volumes()
    fig, ax = plots.figure("Largest IM volume per site: what different sources say",
                           "Volume (mL)", "", size=(8, 0.5 * len(frame) + 1.6))
    labels = []
    sites = list(dict.fromkeys(frame["site"]))
    for index, row in enumerate(frame.itertuples()):
        style = plots.style(sites.index(row.site))
        low = 0 if str(row.volume_min_ml) == "nan" else row.volume_min_ml
        ax.plot([low, row.volume_max_ml], [index, index], color=style["color"], linewidth=8,
                solid_capstyle="butt")
        ax.plot([row.volume_max_ml], [index], linestyle="none", marker=style["marker"],
                color="black", markersize=6)
        site = "any site" if row.site == "any" else row.site
        labels.append(f"{site} [{row.source}]")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(left=0)
    dose_ml = b12_dose_ml()
    ax.axvline(dose_ml, color="black", linestyle=":", linewidth=1.5)
    ax.annotate(f"one B12 ampoule ({dose_ml:g} mL)", (dose_ml, -0.9), xytext=(4, 0),
                textcoords="offset points", fontsize=9, va="center")
    ax.set_ylim(len(labels) - 0.5, -1.4)  # first row at the top, room for the label above it
    return fig


def b12_dose_ml() -> float:
    """Volume of one UK hydroxocobalamin ampoule, from products.csv (per_amount, per_unit)."""
    from b12course.clinical import products

    row = products.product("ohcbl-inj-uk")
    return units.convert(float(row["per_amount"]), row["per_unit"], "mL")


def site_volume_alt() -> str:
    """Alt text for the volume figure, computed from the table."""
    from b12course.clinical import technique

    frame = technique.site_volumes()
    parts = []
    for row in frame.itertuples():
        low = "" if str(row.volume_min_ml) == "nan" else f"{row.volume_min_ml:g} to "
        site = "any site" if row.site == "any" else row.site
        parts.append(f"{site} {low}{row.volume_max_ml:g} mL ({row.source})")
    return ("Range bars of the largest volume per IM site by source: " + "; ".join(parts)
            + f". A dotted line marks one B12 ampoule, {b12_dose_ml():g} mL.")


def _sex_label(sex: str) -> str:
    return {"any": "women and men", "female": "women", "male": "men"}.get(sex, sex)


def band_text(row) -> str:
    """'60-70 kg (130-152 lb)', 'under 60 kg (130 lb)' or 'over 90 kg (200 lb)' for a row."""
    def num(value):
        return None if str(value) == "nan" else f"{float(value):g}"

    lo_kg, hi_kg = num(row.weight_min_kg), num(row.weight_max_kg)
    lo_lb, hi_lb = num(row.weight_min_lb), num(row.weight_max_lb)
    if lo_kg and hi_kg:
        return f"{lo_kg}-{hi_kg} kg ({lo_lb}-{hi_lb} lb)"
    if hi_kg:
        return f"under {hi_kg} kg ({hi_lb} lb)"
    if lo_kg:
        return f"over {lo_kg} kg ({lo_lb} lb)"
    return "any weight"
