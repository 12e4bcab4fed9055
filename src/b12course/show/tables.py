"""Show a table in a notebook in full: no '...' truncation of long text, no index column."""

from __future__ import annotations

from b12course.sources.cells import is_blank


def _cell(value):
    """Numbers without trailing zeros (1.5, 667), blanks for missing values, text unchanged."""
    if isinstance(value, float):
        return "" if is_blank(value) else f"{value:g}"
    return value


def readable(frame, caption: str | None = None):
    """A pandas Styler of ``frame`` that notebooks render as a plain, fully readable HTML table."""
    styler = frame.style.hide(axis="index").format(_cell, escape="html")
    styler = styler.set_properties(**{"text-align": "left", "white-space": "normal",
                                      "vertical-align": "top"})
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    if caption:
        styler = styler.set_caption(caption)
    return styler
