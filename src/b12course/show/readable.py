"""Narrow, worded versions of course tables that are too wide to read on one screen.

Each builder takes its facts from ``b12course.clinical`` unchanged and only words them: a pair of
columns (lowest, highest) becomes one range such as '60-70 kg (130-152 lb)'. Show the result
with ``tables.readable``.
"""

from __future__ import annotations

from b12course.sources.cells import is_blank

NEEDLE_COLUMNS = ["guide", "site", "sex", "weight", "needle length", "source"]


def needle_length_text(row) -> str:
    """'5/8-1 inch (15.875-25.4 mm)', '1 inch (25.4 mm)' or 'up to 3 inch (76.2 mm)'."""
    from b12course.clinical import technique

    high_inch, high_mm = technique.inch_text(row.length_max_inch), f"{row.length_max_mm:g}"
    if is_blank(row.length_min_inch):
        return f"up to {high_inch} inch ({high_mm} mm)"
    if row.length_min_inch == row.length_max_inch:
        return f"{high_inch} inch ({high_mm} mm)"
    return (f"{technique.inch_text(row.length_min_inch)}-{high_inch} inch "
            f"({row.length_min_mm:g}-{high_mm} mm)")


def needle_lengths():
    """The course's needle-length table in six columns: guide, site, sex, weight (kg and lb),
    needle length (inch and mm) and source, one row per row of ``technique.needle_table()``."""
    from b12course.clinical import technique
    from b12course.show.needle_figures import band_text

    table = technique.needle_table()
    table["weight"] = [band_text(row) for row in table.itertuples()]
    table["needle length"] = [needle_length_text(row) for row in table.itertuples()]
    return table[NEEDLE_COLUMNS].reset_index(drop=True)
