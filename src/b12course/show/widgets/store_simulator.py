"""Body-store simulator: compare products, doses and maintenance intervals in a teaching model.

The model is ``clinical.stores.simulate`` (first-order daily loss plus the retained share of each
injection, both from cited tables). Products, doses and intervals offered here are the IM
maintenance rows of ``data/regimens.csv`` for which ``data/retention.csv`` has data, so every
choice traces to a source. TEACHING MODEL: never use it to choose a dose.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import ipywidgets as widgets

from b12course.show import plots
from b12course.show.store_figures import comparison_alt, comparison_figure
from b12course.show.widgets.look import Look
from b12course.sources.cells import is_blank
from b12course.sources.references import join_keys

CAVEAT = (
    "ℹ️ <b>Teaching model, not a prediction.</b> It assumes the store loses a fixed share of "
    "itself every day and keeps a fixed share of each injection, both taken from the cited "
    "tables. Real people differ in store size, absorption and loss; the model ignores food "
    "intake and the fact that a fuller store keeps less of a dose. Each product, dose and "
    "interval offered comes from a cited row, but a combination you build (say a US dose at a "
    "UK interval) may appear in no source. Never use it to choose a dose or an interval for a "
    "patient."
)
YEARS = (("1 year", 365), ("2 years", 730), ("3 years", 1095))
LOSS_CHOICES = (("intact (bile B12 reabsorbed)", "intact"),
                ("absent (e.g. pernicious anaemia)", "absent"))


def product_options() -> list[tuple[str, tuple[str, float]]]:
    """(label, (product_id, dose_mcg)) for each IM maintenance dose with retention data."""
    from b12course.clinical import products, stores
    from b12course.sources import data, units
    table = data.load("regimens")
    rows = table[(table["phase"] == "maintenance") & table["route"].str.contains("IM", na=False)]
    options: dict[tuple[str, float], str] = {}
    for row in rows.itertuples():
        if is_blank(row.dose) or not is_blank(row.dose_max):
            continue
        dose = units.convert(row.dose, row.dose_unit, "mcg")
        substance = products.product(row.product_id)["substance"]
        try:
            stores.retained_fraction(substance, dose)
        except ValueError:
            continue
        key = (row.product_id, dose)
        if key not in options:
            options[key] = f"{substance} {dose:g} micrograms ({row.region}) [{row.source}]"
    return [(label, key) for key, label in options.items()]


def interval_options() -> list[tuple[str, tuple[int, str, str]]]:
    """(label, (amount, unit, source keys)) for every maintenance interval in regimens.csv."""
    from b12course.clinical import schedule
    from b12course.sources import data

    table = data.load("regimens")
    rows = table[(table["phase"].isin(["maintenance", "prophylaxis"]))
                 & (table["pattern"] == "every")]
    found: dict[tuple[int, str], list[str]] = {}
    for row in rows.itertuples():
        for amount in (row.interval, row.interval_max):
            if is_blank(amount):
                continue
            key = (int(amount), row.interval_unit)
            found.setdefault(key, []).append(row.source)
    ordered = sorted(found, key=lambda k: schedule.days_in(k[0], k[1]))
    return [(f"every {unit}" if n == 1 else f"every {n} {unit}s",
             (n, unit, join_keys(found[(n, unit)]))) for n, unit in ordered]


def store_options() -> list[tuple[str, float]]:
    """(label, micrograms) starting stores read from body_stores.csv."""
    from b12course.clinical import stores
    from b12course.sources import units

    low = stores.body_store("store_minimum_healthy")
    most = stores.body_store("store_most_estimates")
    return [
        (f"lowest compatible with health [{low['source']}]",
         units.convert(low["value"], low["unit"], "mcg")),
        (f"most estimates, lower end [{most['source']}]",
         units.convert(most["value"], most["unit"], "mcg")),
        (f"most estimates, upper end [{most['source']}]",
         units.convert(most["value_max"], most["unit"], "mcg")),
    ]


def maintenance_schedule(product_id: str, dose_mcg: float, every: tuple, days: int,
                         start="2025-01-06"):
    """Doses of one product at a fixed interval over ``days`` days from ``start``.

    The dates come from the dose-date engine (``clinical.schedule``): first dose on day 0,
    calendar months, and an end-exclusive window (days 0 .. days - 1), as in Regimen.schedule().
    """
    import pandas as pd

    from b12course.clinical import schedule

    amount, unit = every[0], every[1]
    course = schedule.Course(schedule.Rhythm("every", amount, unit))
    dates = course.dates(start, schedule.window_end(start, days))
    return pd.DataFrame({"date": [pd.Timestamp(day) for day in dates], "dose_mcg": float(dose_mcg),
                         "product_id": product_id, "phase": "maintenance"})


def run_scenario(product: tuple[str, float], every: tuple, days: int,
                 initial_store_mcg: float, enterohepatic: str):
    """The daily store for one scenario (DataFrame from stores.simulate)."""
    from b12course.clinical import stores

    product_id, dose = product
    schedule = maintenance_schedule(product_id, dose, every, days)
    frame = stores.simulate(schedule, days, initial_store_mcg=initial_store_mcg,
                            enterohepatic=enterohepatic, start=schedule["date"].iloc[0])
    if len(every) > 2:
        frame.attrs["interval_source"] = every[2]
    return frame


def summary_html(results: dict) -> str:
    """A comparison table: doses, micrograms given and kept, store at the end, sources used."""
    rows = []
    for name, frame in results.items():
        given = frame["dose_mcg"]
        used = frame.attrs.get("retention_rows", {})
        sources = join_keys(list(used.values()), frame.attrs.get("loss_source", ""),
                            frame.attrs.get("interval_source", ""))
        rows.append(
            f"<tr><td>{html.escape(name)}</td><td>{int((given > 0).sum())}</td>"
            f"<td>{given.sum():.0f}</td><td>{frame['retained_mcg'].sum():.0f}</td>"
            f"<td>{frame['store_mcg'].iloc[-1]:.0f}</td><td>{html.escape(sources)}</td></tr>")
    return ("<table><thead><tr><th>scenario</th><th>injections</th><th>micrograms given</th>"
            "<th>micrograms kept (model)</th><th>store at end (model)</th>"
            "<th>sources (retention; daily loss; interval)</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def store_simulator() -> widgets.VBox:
    """Build the simulator: two scenarios side by side, redrawn on change, never a traceback."""
    look = Look()
    wide = {"style": look.label, "layout": look.plain}
    almost_full = widgets.Layout(width="95%")
    try:
        product_choices, interval_choices = product_options(), interval_options()
        start_choices = store_options()
        problem = ""
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        product_choices = interval_choices = start_choices = []
        problem = f"❌ The simulator's tables could not be read ({type(exc).__name__})."

    def pick(options, index):
        return options[min(index, len(options) - 1)][1] if options else None

    def scenario(letter, product_index, interval_index):
        product = widgets.Dropdown(options=product_choices, value=pick(product_choices,
                                                                       product_index),
                                   description=f"{letter}: product and dose", style=look.label,
                                   layout=almost_full)
        interval = widgets.Dropdown(options=interval_choices,
                                    value=pick(interval_choices, interval_index),
                                    description=f"{letter}: interval", style=look.label,
                                    layout=almost_full)
        return product, interval

    product_a, interval_a = scenario("A", 0, len(interval_choices) - 1)
    product_b, interval_b = scenario("B", 1, 0)
    start_store = widgets.Dropdown(options=start_choices, value=pick(start_choices, 0),
                                   description="Starting store:", **wide)
    loss = widgets.Dropdown(options=LOSS_CHOICES, value="absent",
                            description="Reabsorption of bile B12:", **wide)
    years = widgets.Dropdown(options=YEARS, value=730, description="Period:", **wide)
    status, figure, table = look.html_widget(problem), look.html_widget(), look.html_widget()

    def redraw(_change=None) -> None:
        if problem:
            return
        try:
            results = {}
            for letter, product, interval in (("A", product_a, interval_a),
                                              ("B", product_b, interval_b)):
                label = f"{letter}: {product.label.split(' [')[0]}, {interval.label}"
                results[label] = run_scenario(product.value, interval.value, years.value,
                                              start_store.value, loss.value)
            fig = comparison_figure(results)
            figure.value = plots.figure_html(
                fig, caption="Modelled body store for scenarios A and B (teaching model; "
                             "parameters from body_stores.csv and retention.csv).",
                alt=comparison_alt(results))
            table.value = summary_html(results)
            status.value = "✅ Redrawn for your choices."
        except ValueError as exc:
            figure.value = table.value = ""
            status.value = f"ℹ️ {html.escape(str(exc))}"
        except Exception as exc:  # noqa: BLE001 - a student must never see a traceback
            figure.value = table.value = ""
            status.value = ("❌ Sorry, this combination could not be simulated "
                            f"({html.escape(type(exc).__name__)}). Try another choice.")

    for control in (product_a, interval_a, product_b, interval_b, start_store, loss, years):
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([
        look.html_widget("<b>Body-store simulator</b> (education only)"),
        look.html_widget(CAVEAT),
        look.box([look.box([product_a, interval_a]), look.box([product_b, interval_b])],
                 vertical=False),
        look.box([start_store, loss, years], vertical=False),
        status, figure, table,
    ])
    box.parts = SimpleNamespace(product_a=product_a, interval_a=interval_a, product_b=product_b,
                                interval_b=interval_b, start_store=start_store, loss=loss,
                                years=years, status=status, figure=figure, table=table)
    return box
