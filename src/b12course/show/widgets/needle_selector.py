"""Needle and site selector: sex, weight (kg or lb) and site -> needle length, gauge, angle, source.

Lengths come from ``b12course.clinical.technique`` (the CDC/Immunize.org table in
``data/needle_lengths.csv``) and site guidance from ``data/injection_sites.csv``; this module
parses what the student types and explains bad input instead of raising.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import ipywidgets as widgets

from b12course.show.widgets import keys
from b12course.show.widgets.look import NO, NOTE, OK, Look, fitted_dropdown
from b12course.sources import units

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
    from b12course.clinical import technique

    if str(site).strip().lower() == "deltoid":
        return technique.deltoid_needle_length(sex, **{f"weight_{unit}": weight})
    return technique.needle_for_site(site, sex, units.convert(weight, unit, "kg"))


def site_names() -> list[str]:
    """Site names from injection_sites.csv, in table order."""
    from b12course.clinical import technique

    return [str(s) for s in technique.sites()["site"]]


def site_html(site: str) -> str:
    """The site's row of injection_sites.csv (landmark, advantages, cautions, sources) as HTML."""
    from b12course.clinical import technique

    frame = technique.sites()
    rows = frame[frame["site"].astype(str) == site]
    if rows.empty:
        return (f"<p>{NOTE} No guidance for the site {html.escape(str(site))} in the course "
                "table.</p>")
    row = rows.iloc[0]
    items = "".join(
        f"<li><b>{html.escape(str(col).replace('_', ' '))}:</b> {html.escape(str(row[col]))}</li>"
        for col in frame.columns
        if col != "site" and str(row[col]).strip() not in ("", "nan")
    )
    return f"<ul>{items}</ul>"


def other_guides_html() -> str:
    """Needle rows from guides other than the CDC table (e.g. a UK self-injection guide)."""
    from b12course.clinical import technique

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
    """The selector's answer as HTML; bad input becomes a "Note:" message, never an exception."""
    try:
        weight, unit = parse_weight(weight_text, weight_unit)
        advice = advice_for(site, sex, weight, unit)
    except ValueError as exc:
        return f"<p>{NOTE} {html.escape(str(exc))}</p>"
    other = "lb" if unit == "kg" else "kg"
    lines = [
        f"<p>{OK} <b>{html.escape(site)}</b>, {html.escape(sex)}, {weight:g} {unit} "
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


def needle_selector() -> widgets.VBox:
    """Build the selector; every change recomputes, and bad input gets a friendly message."""
    look = Look()
    sex = fitted_dropdown(look, "Sex:", SEXES, "female")
    weight = widgets.Text(value="70", description="Weight:", placeholder="e.g. 72 kg or 160 lb",
                          continuous_update=False, style=look.text, layout=look.plain)
    unit = fitted_dropdown(look, "Unit (if you typed none):", WEIGHT_UNITS, "kg")
    try:
        names, problem = site_names(), ""
        others = other_guides_html()
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        names, others = [], ""
        problem = f"{NO} The site table could not be read ({html.escape(type(exc).__name__)})."
    site = fitted_dropdown(look, "Site:", names, names[0] if names else None)
    result, guidance = look.html_widget(problem), look.html_widget()

    def update(_change=None) -> None:
        if problem:
            return
        try:
            result.value = needle_html(sex.value, weight.value, unit.value, site.value)
            guidance.value = site_html(site.value)
        except Exception as exc:  # noqa: BLE001 - a student must never see a traceback
            result.value = (f"{NO} Sorry, that could not be worked out "
                            f"({html.escape(type(exc).__name__)}). Check the weight and site.")
            guidance.value = ""

    for control in (sex, weight, unit, site):
        control.observe(update, names="value")
    update()
    box = keys.finish(widgets.VBox([
        look.html_widget("<b>Needle and site selector</b> (education only; follow local "
                         "policy and your training)"),
        look.box([sex, weight, unit, site], vertical=False), result,
        look.html_widget("<b>Site guidance</b>"), guidance,
        look.html_widget("<b>Other guidance in the course's sources</b>"),
        look.html_widget(others),
    ]), "explorer")
    box.parts = SimpleNamespace(sex=sex, weight=weight, unit=unit, site=site, result=result,
                                guidance=guidance)
    return box
