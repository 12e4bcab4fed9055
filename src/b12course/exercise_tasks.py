"""The exercise tasks' right answers, computed from the cited tables through ``b12course``.

Each ``@task("NN-name")`` function takes a student's answer and returns a ``checks.Report``;
``checks.check`` (self-check) and ``checks.require`` (hidden test) both use it. Scenario inputs
(a synthetic patient's result, a start date) are SYNTHETIC teaching values defined here once;
clinical numbers (strengths, doses, intervals, thresholds) are always read from ``data/``.
"""

from __future__ import annotations

import datetime as dt

from b12course import checks
from b12course.checks import task

# ------------------------------------------------------------------ synthetic scenario inputs
#: Notebook 02: a UK laboratory result (synthetic) and a US report (synthetic).
UK_RESULT_NG_L = 240
US_RESULT_PG_ML = 310

#: Notebook 02: synthetic total B12 results as different laboratories report them.
LAB_RESULTS = [
    ("P01", 118, "ng/L"), ("P02", 96, "pmol/L"), ("P03", 265, "pg/mL"),
    ("P04", 410, "ng/L"), ("P05", 210, "pmol/L"), ("P06", 150, "pg/mL"),
    ("P07", 520, "ng/L"), ("P08", 305, "pmol/L"),
]


def lab_results():
    """Notebook 02's synthetic lab table: patient, value, unit (as reported; SYNTHETIC data)."""
    import pandas as pd

    return pd.DataFrame(LAB_RESULTS, columns=["patient", "value", "unit"])


def _lab_results_ng_l():
    from b12course import units

    return [units.convert(v, u, "ng/L") for _p, v, u in LAB_RESULTS]


# ------------------------------------------------------------------ 02 diagnosis and labs
@task("02-convert-pmol")
def _02_convert_pmol(answer):
    from b12course import units

    return checks.quantity(answer, units.convert(UK_RESULT_NG_L, "ng/L", "pmol/L"), "pmol/L",
                           tolerance=0.5,
                           hint="Use units.convert(value, 'ng/L', 'pmol/L'); the factor comes "
                                "from the molar mass of B12 (about 0.738 pmol/L per ng/L).")


@task("02-us-report")
def _02_us_report(answer):
    from b12course import units

    return checks.quantity(answer, units.convert(US_RESULT_PG_ML, "pg/mL", "ng/L"), "ng/L",
                           tolerance=0.5,
                           hint="1 pg/mL and 1 ng/L are the same concentration.")


@task("02-lab-median")
def _02_lab_median(answer):
    import statistics

    return checks.quantity(answer, statistics.median(_lab_results_ng_l()), "ng/L", tolerance=0.5,
                           hint="Convert every row to ng/L first (a new column), then take "
                                ".median() of that column; mixing units gives a wrong median.")


__all__ = ["lab_results", "dt"]
