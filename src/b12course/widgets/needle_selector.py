"""Needle and site selector: sex, weight (kg or lb) and site -> needle length, gauge, angle, source.

Lengths come from ``b12course.technique`` (the CDC/Immunize.org table in
``data/needle_lengths.csv``) and site guidance from ``data/injection_sites.csv``; this module
parses what the student types and explains bad input instead of raising.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import ipywidgets as widgets

from b12course import plots, units
from b12course.widgets.look import Look

SEXES = (("Female", "female"), ("Male", "male"))
WEIGHT_UNITS = ("kg", "lb")


def parse_weight(text, default_unit: str = "kg") -> tuple[float, str]:
    """'72 kg', '160 lb' or '72' (in ``default_unit``) -> (value, 'kg' or 'lb'); else ValueError."""
    raw = str(text if text is not None else "").strip()
    if not raw:
        raise ValueError("Please type a weight, e.g. 72 kg or 160 lb.")
    try:
        value = units.parse_number(raw, allow_negative=True)
        unit = units.canonical_unit(default_unit)
    except ValueError:
        try:
            value, unit = units.parse_quantity(raw, allow_negative=True)
        except ValueError as exc:
            reason = str(exc) if "finite" in str(exc) else "it is not a weight I can read."
            raise ValueError(f"{raw!r}: {reason} Type a number with kg or lb, e.g. 72 kg or "
                             "160 lb.") from None
    if units.dimension(unit) != "weight":
        raise ValueError(f"{raw!r} is not a weight. Use kg or lb, e.g. 72 kg or 160 lb.")
    if value <= 0:
        raise ValueError(f"{raw!r}: a body weight must be above zero. Use kg or lb, e.g. 72 kg.")
    return value, unit


def advice_for(site: str, sex: str, weight: float, unit: str):
    """technique's NeedleAdvice for a site; the deltoid is looked up in the unit typed."""
    from b12course import technique

    if str(site).strip().lower() == "deltoid":
        return technique.deltoid_needle_length(sex, **{f"weight_{unit}": weight})
    return technique.needle_for_site(site, sex, units.convert(weight, unit, "kg"))


def site_names() -> list[str]:
    """Site names from injection_sites.csv, in table order."""
    from b12course import technique

    return [str(s) for s in technique.sites()["site"]]


def site_html(site: str) -> str:
    """The site's row of injection_sites.csv (landmark, advantages, cautions, sources) as HTML."""
    from b12course import technique

    frame = technique.sites()
    rows = frame[frame["site"].astype(str) == site]
    if rows.empty:
        return f"<p>ℹ️ No guidance for the site {html.escape(str(site))} in the course table.</p>"
    row = rows.iloc[0]
    items = "".join(
        f"<li><b>{html.escape(str(col).replace('_', ' '))}:</b> {html.escape(str(row[col]))}</li>"
        for col in frame.columns
        if col != "site" and str(row[col]).strip() not in ("", "nan")
    )
    return f"<ul>{items}</ul>"


def other_guides_html() -> str:
    """Needle rows from guides other than the CDC table (e.g. a UK self-injection guide)."""
    from b12course import technique

    table = technique.needle_table()
    rows = table[table["guide"] != technique.CDC_GUIDE]
    items = []
    for row in rows.itertuples():
        low = "" if str(row.length_min_inch) == "nan" else technique.inch_text(row.length_min_inch)
        high = technique.inch_text(row.length_max_inch)
        length = f"{low}-{high} inch" if low and low != high else f"up to {high} inch"
        gauge = "" if str(row.gauge_min) == "nan" else f", {row.gauge_min:g}-{row.gauge_max:g} G"
        when = "" if not str(row.condition).strip() or str(row.condition) == "nan" \
            else f" ({row.condition})"
        items.append(f"<li>{html.escape(row.guide)}{html.escape(when)}: {length}{gauge} "
                     f"[{html.escape(row.source)}]</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def needle_html(sex: str, weight_text: str, weight_unit: str, site: str) -> str:
    """The selector's answer as HTML; bad input becomes an ℹ️ message, never an exception."""
    try:
        weight, unit = parse_weight(weight_text, weight_unit)
        advice = advice_for(site, sex, weight, unit)
    except ValueError as exc:
        return f"<p>ℹ️ {html.escape(str(exc))}</p>"
    other = "lb" if unit == "kg" else "kg"
    lines = [
        f"<p>✅ <b>{html.escape(site)}</b>, {html.escape(sex)}, {weight:g} {unit} "
        f"({units.convert(weight, unit, other):.1f} {other}):</p><ul>",
        f"<li><b>Needle length:</b> {html.escape(advice.length_text)}</li>",
    ]
    if advice.gauge:
        lines.append(f"<li><b>Gauge:</b> {html.escape(advice.gauge)} G</li>")
    if advice.angle is not None:
        lines.append(f"<li><b>Angle:</b> {advice.angle:g}° to the skin</li>")
    for label, text in (("Condition", advice.condition), ("Note", advice.note)):
        if str(text).strip():
            lines.append(f"<li><b>{label}:</b> {html.escape(str(text))}</li>")
    lines.append(f"<li><b>Source:</b> {html.escape(advice.source)}</li></ul>")
    return "".join(lines)


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


def needle_length_figure():
    """Horizontal range bars of the CDC adult deltoid needle table (mm), by sex and weight."""
    from b12course import technique

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
    from b12course import technique

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
    from b12course import technique

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
    from b12course import products

    row = products.product("ohcbl-inj-uk")
    return units.convert(float(row["per_amount"]), row["per_unit"], "mL")


def site_volume_alt() -> str:
    """Alt text for the volume figure, computed from the table."""
    from b12course import technique

    frame = technique.site_volumes()
    parts = []
    for row in frame.itertuples():
        low = "" if str(row.volume_min_ml) == "nan" else f"{row.volume_min_ml:g} to "
        site = "any site" if row.site == "any" else row.site
        parts.append(f"{site} {low}{row.volume_max_ml:g} mL ({row.source})")
    return ("Range bars of the largest volume per IM site by source: " + "; ".join(parts)
            + f". A dotted line marks one B12 ampoule, {b12_dose_ml():g} mL.")


def needle_selector() -> widgets.VBox:
    """Build the selector; every change recomputes, and bad input gets a friendly message."""
    look = Look()
    wide = {"style": look.label, "layout": look.plain}
    sex = widgets.Dropdown(options=SEXES, value="female", description="Sex:", **wide)
    weight = widgets.Text(value="70", description="Weight:", placeholder="e.g. 72 kg or 160 lb",
                          continuous_update=False, style=look.text, layout=look.plain)
    unit = widgets.Dropdown(options=WEIGHT_UNITS, value="kg",
                            description="Unit (if you typed none):", **wide)
    try:
        names, problem = site_names(), ""
        others = other_guides_html()
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        names, others = [], ""
        problem = f"❌ The site table could not be read ({html.escape(type(exc).__name__)})."
    site = widgets.Dropdown(options=names, value=names[0] if names else None,
                            description="Site:", **wide)
    result, guidance = look.html_widget(problem), look.html_widget()

    def update(_change=None) -> None:
        if problem:
            return
        try:
            result.value = needle_html(sex.value, weight.value, unit.value, site.value)
            guidance.value = site_html(site.value)
        except Exception as exc:  # noqa: BLE001 - a student must never see a traceback
            result.value = ("❌ Sorry, that could not be worked out "
                            f"({html.escape(type(exc).__name__)}). Check the weight and site.")
            guidance.value = ""

    for control in (sex, weight, unit, site):
        control.observe(update, names="value")
    update()
    box = widgets.VBox([
        look.html_widget("<b>Needle and site selector</b> (education only; follow local "
                         "policy and your training)"),
        look.box([sex, weight, unit, site], vertical=False), result,
        look.html_widget("<b>Site guidance</b>"), guidance,
        look.html_widget("<b>Other guidance in the course's sources</b>"),
        look.html_widget(others),
    ])
    box.parts = SimpleNamespace(sex=sex, weight=weight, unit=unit, site=site, result=result,
                                guidance=guidance)
    return box
