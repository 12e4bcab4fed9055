"""What a cell of a cited table means: blank or not, and a list written 'A; B'.

The bottom of the package (it imports nothing of the course): ``sources.data`` checks tables with
these, ``sources.references`` splits source keys with :func:`split_keys`, and every other layer
asks :func:`is_blank` rather than testing for None, '' or NaN itself.
"""

from __future__ import annotations

import math


def is_blank(value) -> bool:
    """True for an empty cell: None, an empty string or NaN (how pandas loads a blank number)."""
    return value is None or (isinstance(value, str) and value == "") or (
        isinstance(value, float) and math.isnan(value))


def split_keys(text) -> list[str]:
    """'A; B' -> ['A', 'B']: a cell listing several values (source keys, causes, routes)."""
    if is_blank(text):
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]
