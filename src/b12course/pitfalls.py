"""The pitfall catalogue for notebook 06: common B12 errors, why each matters, what to do instead.

Read from ``data/pitfalls.csv``; every row names the source keys that make it a pitfall.
"""

from __future__ import annotations

import html

import pandas as pd

from b12course import data


def load() -> pd.DataFrame:
    """All pitfalls (checked by data.load: no empty cell, unique ids, sources that resolve)."""
    return data.load("pitfalls")


def table_html() -> str:
    """The catalogue as an accessible HTML table (header row, one row per pitfall, sources)."""
    head = ("<tr><th scope='col'>Pitfall</th><th scope='col'>Why it matters</th>"
            "<th scope='col'>Safer practice</th><th scope='col'>Sources</th></tr>")
    rows = "".join(
        f"<tr><th scope='row' style='text-align:left'>{html.escape(r.pitfall)}</th>"
        f"<td style='text-align:left'>{html.escape(r.why_it_matters)}</td>"
        f"<td style='text-align:left'>{html.escape(r.safer_practice)}</td>"
        f"<td style='text-align:left'>[{html.escape(r.source)}]</td></tr>"
        for r in load().itertuples()
    )
    return f"<table><caption>Common pitfalls in B12 treatment</caption>{head}{rows}</table>"


def show() -> None:
    """Display the catalogue in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html()))
