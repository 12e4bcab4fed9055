"""The pitfall catalogue for notebook 06: common B12 errors, why each matters, what to do instead.

Read from ``data/pitfalls.csv``; every row names the source keys that make it a pitfall.
"""

from __future__ import annotations

import pandas as pd

from b12course.sources import data


def load() -> pd.DataFrame:
    """All pitfalls (checked by data.load: no empty cell, unique ids, sources that resolve)."""
    return data.load("pitfalls")


