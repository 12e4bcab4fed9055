"""Worked answers for a case, as HTML a quiz reveals once every question has been answered.

A case in a notebook shows only its data (the patient, the results); the interpretation and the
plan it asks for come here and are passed to ``quiz.show(..., reveal=...)``. Every figure is read
from ``b12course.clinical`` (the cited tables); this module only words it, reusing the lab
interpreter's reading, the plan summary and the regimen explorer's dated table.

A case's quiz cell names only its question id, ``reveal=worked.for_case("07-case-n2o")``: the
cause and the neurology a case asks the student to work out stay in the table ``CASES`` below,
out of sight until the worked answer opens.
"""

from __future__ import annotations

import html
import re
from functools import partial

from b12course.clinical import labs, products, regimens
from b12course.show import readable
from b12course.show.citations import citation_items
from b12course.sources.references import cited_in_text


def _esc(text) -> str:
    return html.escape(str(text))


def _sources_html(*shown: str) -> str:
    """The full citation of every key the shown HTML cites, in order of first citation: the list
    matches the text above it, no more and no less."""
    items = [f"<li>{item}</li>" for item in citation_items(cited_in_text("".join(shown)))]
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


_DIFFER = "<b>Where sources differ:</b>"


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
    differ = [i for i, item in enumerate(items) if item.startswith(_DIFFER)]
    folded = ""
    if differ:  # the long comparison of sources: short bullets, folded away (issue 15)
        text = html.unescape(items.pop(differ[0])[len(_DIFFER):].strip())
        folded = readable.points_html(text, "Where the sources differ or are silent")
    body = "".join(f"<li>{item}</li>" for item in items)
    return f"<p><b>{_esc(title)}</b></p><ul>{body}</ul>{folded}"


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
    parts.append(_sources_html(*parts))
    return "".join(parts)


def plans_side_by_side(cause: str, neurological: bool, regions=("UK", "US")) -> str:
    """The plan for each region, side by side (they wrap one under the other on narrow screens)."""
    columns = "".join(
        f'<div style="flex:1 1 20em;min-width:0"><p><b>{_esc(region)}</b></p>'
        f"{summary_html(regimens.recommend(cause, neurological=neurological, region=region))}"
        "</div>"
        for region in regions)
    return (f'<p><b>The plans, {" and ".join(_esc(r) for r in regions)}</b></p>'
            f'<div style="display:flex;flex-wrap:wrap;gap:1.5em">{columns}</div>'
            + _sources_html(columns))


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


# ------------------------------------------------------------------------------- cases

# Notebook -> question id of each of its cases -> what the case's worked answer reveals, in order
# (computed when the answer opens).
CASES = {
    "07_case_studies": {
        "07-case-aig-neuro": (partial(lab_reading, 150, "ng/L", scheme="NICE-NG239"),
                              partial(plan, "autoimmune_gastritis", neurological=True,
                                      region="UK", start="2025-01-06", days=21)),
        "07-case-vegan": (partial(lab_reading, 250, "ng/L", also_in="pmol/L"),
                          partial(plan, "dietary", neurological=False, region="UK")),
        "07-case-bariatric": (partial(plans_side_by_side, "bariatric_surgery",
                                      neurological=False, regions=("UK", "US")),),
        "07-case-n2o": (partial(plan, "nitrous_oxide", neurological=True, region="UK"),),
        "07-case-metformin": (partial(plan, "metformin", neurological=False, region="UK"),),
        "07-case-us-label": (partial(volume, 100, "cncbl-inj-us"),),  # the prescribed dose
    },
    "03_regimens_by_cause": {
        "03-case-aig": (partial(plans_side_by_side, "autoimmune_gastritis", neurological=False,
                                regions=("UK", "US")),),
    },
}
_SOURCES_LIST = re.compile(r"<details><summary>Sources \(\d+\)</summary>.*?</details>", re.S)


def for_case(case_id: str) -> list[str]:
    """The worked answer of a case (its question id), as the HTML parts ``quiz.show(...,
    reveal=...)`` shows once every step has been checked."""
    parts = next((cases[case_id] for cases in CASES.values() if case_id in cases), None)
    if parts is None:
        known = ", ".join(c for cases in CASES.values() for c in cases)
        raise ValueError(f"No worked answer for {case_id!r}; cases: {known}.")
    return [part() for part in parts]


def cited_in_cases(name: str) -> list[str]:
    """Every source key the worked answers of a notebook's cases cite (each Sources list repeats
    keys its text cites), in order of first citation."""
    shown = "".join(_SOURCES_LIST.sub("", part) for case_id in CASES.get(name, {})
                    for part in for_case(case_id))
    return cited_in_text(html.unescape(shown))


def show_sources_not_listed(name: str) -> None:
    """Under ``citations.show_for_notebook(name)``, which lists what the notebook's text and quiz
    bank cite: the further sources its worked answers cite, so that the notebook's references
    list every key a student meets in it."""
    from IPython.display import Markdown, display

    from b12course.show import citations
    from b12course.sources.references import cited_in_notebook

    listed = set(cited_in_notebook(name))
    more = [key for key in cited_in_cases(name) if key not in listed]
    if more:
        display(Markdown("Also cited in the worked answers (each opens after its case):"))
        citations.show(more)
