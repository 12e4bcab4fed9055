"""Whole blocks a notebook shows: the pitfalls catalogue and the course map.

Rows come from ``clinical.pitfalls`` and ``sources.coursemap``; this module words and displays them.
"""

from __future__ import annotations

import html

from b12course.clinical import pitfalls
from b12course.sources import coursemap


def pitfalls_html() -> str:
    """The catalogue as an accessible HTML table (header row, one row per pitfall, sources)."""
    head = ("<tr><th scope='col'>Pitfall</th><th scope='col'>Why it matters</th>"
            "<th scope='col'>Safer practice</th><th scope='col'>Sources</th></tr>")
    rows = "".join(
        f"<tr><th scope='row' style='text-align:left'>{html.escape(r.pitfall)}</th>"
        f"<td style='text-align:left'>{html.escape(r.why_it_matters)}</td>"
        f"<td style='text-align:left'>{html.escape(r.safer_practice)}</td>"
        f"<td style='text-align:left'>[{html.escape(r.source)}]</td></tr>"
        for r in pitfalls.load().itertuples()
    )
    return f"<table><caption>Common pitfalls in B12 treatment</caption>{head}{rows}</table>"


def show_pitfalls() -> None:
    """Display the pitfalls catalogue in a notebook."""
    from IPython.display import HTML, display

    display(HTML(pitfalls_html()))


def show_course_map() -> None:
    """Display the course map in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(coursemap.markdown()))
