"""Worked answers for a case, as HTML a quiz reveals once every question has been answered.

A case in a notebook shows only its data (the patient, the results); the interpretation and the
plan it asks for come here and are passed to ``quiz.show(..., reveal=...)``. Every figure is read
from ``b12course.clinical`` (the cited tables); this module only words it, reusing the lab
interpreter's reading, the plan summary and the regimen explorer's dated table.
"""

from __future__ import annotations

import html

from b12course.clinical import labs, products, regimens
from b12course.show.citations import citation_items


def _esc(text) -> str:
    return html.escape(str(text))


def _sources_html(keys) -> str:
    items = [f"<li>{item}</li>" for item in citation_items(list(keys))]
    if not items:
        return ""
    return (f"<details><summary>Sources ({len(items)})</summary><ul>{''.join(items)}</ul>"
            "</details>")


def lab_reading(value, unit: str = "ng/L", scheme: str | None = None,
                also_in: str | None = None) -> str:
    """A total B12 result read against a scheme's bands (default NICE NG239): the band, why, and
    its source; ``also_in`` adds the same result in another unit (e.g. "pmol/L")."""
    from b12course.show.widgets.lab_interpreter import interpret_html
    from b12course.sources import units

    scheme = scheme or labs.DEFAULT_SCHEME
    labs.interpret_total_b12(value, unit=unit, scheme=scheme)  # a wrong value or unit raises
    parts = ["<p><b>The lab reading</b></p>",
             interpret_html("total_b12", f"{float(value):g}", unit, scheme)]
    if also_in:
        converted = units.convert(value, unit, also_in)
        parts.append(f"<p>The same result is about {converted:.0f} {_esc(also_in)}, the unit "
                     f"some laboratories report [{_esc(units.source(also_in))}].</p>")
    return "".join(parts)


def summary_html(regimen) -> str:
    """``Regimen.summary()`` as HTML: its title, then one list item per line ('Label: text')."""
    title, *lines = regimen.summary().splitlines()
    items: list[str] = []
    for line in lines:
        if not line.startswith("- ") and items:  # a wrapped line continues the item above
            items[-1] += " " + _esc(line)
            continue
        label, _, text = line.removeprefix("- ").partition(": ")
        items.append(f"<b>{_esc(label)}:</b> {_esc(text)}" if text else _esc(label))
    body = "".join(f"<li>{item}</li>" for item in items)
    return f"<p><b>{_esc(title)}</b></p><ul>{body}</ul>"


def doses(cause: str, neurological: bool, region: str = "UK", start="2025-01-06",
          days: int = 21, rows: int | None = None) -> str:
    """The plan's dated doses for the first ``days`` days from an example ``start``, as a table
    (date, day, dose in micrograms and mg, product, route, phase), optionally the first ``rows``."""
    from b12course.clinical import schedule as dates
    from b12course.show.widgets.regimen_explorer import schedule_html

    regimen = regimens.recommend(cause, neurological=neurological, region=region)
    frame = regimen.schedule(start, days=days)
    shown = len(frame) if rows is None else max(1, min(rows, len(frame)))
    first = dates.as_date(start)
    notes = [f"Dated doses for the first {days} days from an example start date "
             f"({first:%d %b %Y}); day 0 is the first dose. The exact days are the course's "
             "convention; where a source gives a range (such as every 2–3 months), the course "
             "uses the lower end (every 2 months); the choice within a range is the "
             "prescriber's."]
    for phase in regimen.loading:
        if phase.open_ended:
            ends = ("when improvement stops" if "no further improvement" in phase.length_text
                    else "when the prescriber decides")
            notes.append(f"Loading has no fixed end ({phase.length_text}), so the table keeps it "
                         f"going to the end of the days shown; in practice it ends {ends}.")
    caption = f"<p><i>{_esc(' '.join(notes))}</i></p>"
    return caption + schedule_html(frame, max_rows=shown)


def plan(cause: str, neurological: bool, region: str = "UK", start=None,
         days: int | None = None, rows: int | None = None) -> str:
    """What the sources say for a cause, neurology and region (the plan summary and its full
    citations); with ``start`` and ``days``, also the first dated doses."""
    regimen = regimens.recommend(cause, neurological=neurological, region=region)
    parts = ["<p><b>The plan</b></p>", summary_html(regimen)]
    if start is not None or days is not None:
        if start is None or days is None:
            raise ValueError("Give both start and days for the dated doses, or neither.")
        parts.append(doses(cause, neurological, region, start=start, days=days, rows=rows))
    parts.append(_sources_html(regimen.sources))
    return "".join(parts)


def plans_side_by_side(cause: str, neurological: bool, regions=("UK", "US")) -> str:
    """The plan for each region, side by side (they wrap one under the other on narrow screens)."""
    columns = "".join(
        f'<div style="flex:1 1 20em;min-width:0"><p><b>{_esc(region)}</b></p>'
        f"{summary_html(regimens.recommend(cause, neurological=neurological, region=region))}"
        "</div>"
        for region in regions)
    keys = [k for region in regions
            for k in regimens.recommend(cause, neurological=neurological, region=region).sources]
    return (f'<p><b>The plans, {" and ".join(_esc(r) for r in regions)}</b></p>'
            f'<div style="display:flex;flex-wrap:wrap;gap:1.5em">{columns}</div>'
            + _sources_html(dict.fromkeys(keys)))


def _strength_words(product_id: str) -> str:
    """A product's strength in student words, units in full, with its source keys: e.g.
    '1000 micrograms per mL [FDA-CNCBL-LABEL]' or '1 mg (1000 micrograms) per mL [...]'.
    (``products.strength_text`` keeps the table's own abbreviations for other callers.)"""
    row = products.product(product_id)
    mcg = products.strength_mcg(product_id)  # explains when the sources give no strength
    if row["strength_unit"] == "mcg":
        amount = f"{row['strength']:g} micrograms"
    else:
        amount = f"{row['strength']:g} {row['strength_unit']} ({mcg:g} micrograms)"
    per = ("" if row["per_amount"] == 1 else f"{row['per_amount']:g} ") + row["per_unit"]
    return f"{amount} per {per} [{row['source']}]"


def volume(dose_mcg, product_id: str) -> str:
    """The volume that holds a dose of a product (DERIVED: dose ÷ strength), with the strength
    and its source."""
    ml = products.volume_ml(dose_mcg, product_id)
    strength = products.strength_mcg(product_id)
    name = products.product(product_id)["name"]
    return (f"<p><b>The volume</b></p><p>{_esc(name)}: strength "
            f"{_esc(_strength_words(product_id))}.</p>"
            f"<p>Volume = dose ÷ strength = {float(dose_mcg):g} micrograms ÷ {strength:g} "
            f"micrograms per mL = <b>{ml:g} mL</b> (a DERIVED number: worked out from the "
            "product table).</p>")
