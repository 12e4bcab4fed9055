"""Body-store simulator: compare products, doses and maintenance intervals in a teaching model.

The model and every choice offered come from ``clinical.stores``: ``simulate`` (first-order
daily loss plus the retained share of each injection, both from cited tables) and the IM
maintenance doses and intervals of ``data/regimens.csv`` that ``data/retention.csv`` covers, so
every choice traces to a source; this module only labels and draws them. TEACHING MODEL: never
use it to choose a dose.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import ipywidgets as widgets

from b12course.clinical import stores
from b12course.show import plots, readable
from b12course.show.store_figures import comparison_alt, comparison_figure
from b12course.show.widgets import keys
from b12course.show.widgets.look import (
    NO,
    NOTE,
    OK,
    TABLE_CLASS,
    TABLE_CSS,
    Look,
    fitted_dropdown,
)
from b12course.sources.references import join_keys

CAVEAT = (
    f"{NOTE} <b>Teaching model, not a prediction.</b> It assumes the store loses a fixed share of "
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
    return [(f"{d.substance} {readable.dose_text(d.dose_mcg)} ({d.region}) [{d.source}]",
             (d.product_id, d.dose_mcg)) for d in stores.maintenance_doses()]


def interval_options() -> list[tuple[str, tuple[int, str, str]]]:
    """(label, (amount, unit, source keys)) for every maintenance interval in regimens.csv."""
    return [(f"every {unit}" if n == 1 else f"every {n} {unit}s", (n, unit, sources))
            for n, unit, sources in stores.maintenance_intervals()]


def store_options() -> list[tuple[str, float]]:
    """(label, micrograms) starting stores read from body_stores.csv."""
    return [(f"{label} [{source}]", mcg) for label, mcg, source in stores.starting_stores()]


SUMMARY_HEADERS = ("Scenario", "Injections", "Micrograms given", "Micrograms kept (model)",
                   "Store at end (model, micrograms)",
                   "Sources (retention; daily loss; interval)")


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
    head = "".join(f'<th scope="col">{h}</th>' for h in SUMMARY_HEADERS)
    return (f'{TABLE_CSS}<table class="{TABLE_CLASS}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def store_simulator() -> widgets.VBox:
    """Build the simulator: two scenarios side by side, redrawn on change, never a traceback."""
    look = Look()
    try:
        product_choices, interval_choices = product_options(), interval_options()
        start_choices = store_options()
        problem = ""
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        product_choices = interval_choices = start_choices = []
        problem = f"{NO} The simulator's tables could not be read ({type(exc).__name__})."

    def pick(options, index):
        return options[min(index, len(options) - 1)][1] if options else None

    def dropdown(description, options, index):
        # every dropdown opens on a real choice and is as wide as its label and options
        return fitted_dropdown(look, description, options, pick(options, index))

    def scenario(letter, product_index, interval_index):
        return (dropdown(f"{letter}: product and dose", product_choices, product_index),
                dropdown(f"{letter}: interval", interval_choices, interval_index))

    product_a, interval_a = scenario("A", 0, len(interval_choices) - 1)
    product_b, interval_b = scenario("B", 1, 0)
    start_store = dropdown("Starting store:", start_choices, 0)
    loss = fitted_dropdown(look, "Reabsorption of bile B12:", LOSS_CHOICES, "absent")
    years = fitted_dropdown(look, "Period:", YEARS, 730)
    status, figure, table = look.html_widget(problem), look.html_widget(), look.html_widget()
    drawing = plots.kept_figure()  # one figure per simulator, drawn on again at each change

    def redraw(_change=None) -> None:
        if problem:
            return
        try:
            results = {}
            for letter, product, interval in (("A", product_a, interval_a),
                                              ("B", product_b, interval_b)):
                label = f"{letter}: {product.label.split(' [')[0]}, {interval.label}"
                results[label] = stores.run_scenario(product.value, interval.value, years.value,
                                                     start_store.value, loss.value)
            fig = comparison_figure(results, into=drawing)
            figure.value = plots.figure_html(
                fig, caption="Modelled body store for scenarios A and B (teaching model; "
                             "parameters from body_stores.csv and retention.csv).",
                alt=comparison_alt(results))
            table.value = summary_html(results)
            status.value = f"{OK} Redrawn for your choices."
        except ValueError as exc:
            figure.value = table.value = ""
            status.value = f"{NOTE} {html.escape(str(exc))}"
        except Exception as exc:  # noqa: BLE001 - a student must never see a traceback
            figure.value = table.value = ""
            status.value = (f"{NO} Sorry, this combination could not be simulated "
                            f"({html.escape(type(exc).__name__)}). Try another choice.")

    for control in (product_a, interval_a, product_b, interval_b, start_store, loss, years):
        control.observe(redraw, names="value")
    redraw()
    box = keys.finish(widgets.VBox([
        look.html_widget("<b>Body-store simulator</b> (education only)"),
        look.html_widget(CAVEAT),
        look.box([look.box([product_a, interval_a]), look.box([product_b, interval_b])],
                 vertical=False),
        look.box([start_store, loss, years], vertical=False),
        status, figure, table,
    ]), "explorer")
    box.parts = SimpleNamespace(product_a=product_a, interval_a=interval_a, product_b=product_b,
                                interval_b=interval_b, start_store=start_store, loss=loss,
                                years=years, status=status, figure=figure, table=table)
    return box
