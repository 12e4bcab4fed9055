"""The pitfall catalogue for notebook 06: common B12 errors, why each matters, what to do instead.

Read from ``data/pitfalls.csv``; every row names the source keys that make it a pitfall.
"""

from __future__ import annotations

import html
from functools import cache

import pandas as pd

from b12course.paths import data_dir
from b12course.references import unresolved

COLUMNS = ("id", "pitfall", "why_it_matters", "safer_practice", "source")


@cache
def load() -> pd.DataFrame:
    """All pitfalls, checked for columns, empty cells, duplicate ids and unresolved sources."""
    path = data_dir() / "pitfalls.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
    for row, record in enumerate(frame.to_dict("records"), start=2):
        for column in COLUMNS:
            if not record[column].strip():
                raise ValueError(f"{path.name}, row {row}, column {column!r}: empty")
        bad = unresolved(record["source"])
        if bad:
            raise ValueError(f"{path.name}, row {row}, column 'source': unknown key(s) {bad}")
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"{path.name}: duplicate id(s) {duplicated}")
    return frame


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
