"""Show a table in a notebook in full: no '...' truncation of long text, no index column, and
column headers in words ('dose_mcg' -> 'dose (micrograms)')."""

from __future__ import annotations

from b12course.sources.cells import is_blank

#: A header's last word that is a unit, and how a student reads it.
UNIT_WORDS = {"mcg": "micrograms", "percent": "%", "ml": "mL"}


def header(name):
    """A column name in words: underscores become spaces and a trailing unit goes in brackets
    ('retained_percent' -> 'retained (%)'); names already in words are left alone."""
    if not isinstance(name, str) or "_" not in name:
        return name
    *words, last = name.split("_")
    if words and last in UNIT_WORDS:
        return f"{' '.join(words)} ({UNIT_WORDS[last]})"
    return " ".join([*words, last])


def _cell(value):
    """Numbers without trailing zeros (1.5, 667), blanks for missing values, text unchanged."""
    if isinstance(value, float):
        return "" if is_blank(value) else f"{value:g}"
    return value


def readable(frame, caption: str | None = None):
    """A pandas Styler of ``frame`` that notebooks render as a plain, fully readable HTML table."""
    frame = frame.rename(columns=header)
    styler = frame.style.hide(axis="index").format(_cell, escape="html")
    styler = styler.set_properties(**{"text-align": "left", "white-space": "normal",
                                      "vertical-align": "top"})
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    if caption:
        styler = styler.set_caption(caption)
    return styler
