"""The exercise tasks' right answers, computed from the cited tables through ``b12course``.

Each ``@task("NN-name")`` function takes a student's answer and returns a ``compare.Report``;
it is registered in ``TASKS``, where ``checks.check_answer`` (self-check) and ``checks.require``
(hidden test) look it up. Scenario inputs
(a synthetic patient's result, a start date) are SYNTHETIC teaching values defined here once;
clinical numbers (strengths, doses, intervals, thresholds) are always read from ``data/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from b12course.exercises import compare
from b12course.exercises.compare import Report

#: Task id -> the function that compares a student's answer with the expected one.
TASKS: dict[str, Callable[[object], Report]] = {}


def task(task_id: str):
    """Register the checker for one exercise task (decorator)."""
    def register(function):
        TASKS[task_id] = function
        return function
    return register


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
    from b12course.sources import units

    return [units.convert(v, u, "ng/L") for _p, v, u in LAB_RESULTS]


# ------------------------------------------------------------------ 02 diagnosis and labs
@task("02-convert-pmol")
def _02_convert_pmol(answer):
    from b12course.sources import units

    return compare.quantity(answer, units.convert(UK_RESULT_NG_L, "ng/L", "pmol/L"), "pmol/L",
                           tolerance=0.5,
                           hint="Use units.convert(value, 'ng/L', 'pmol/L'); the factor comes "
                                "from the molar mass of B12 (about "
                                f"{units.convert(1, 'ng/L', 'pmol/L'):.3f} pmol/L per ng/L).")


@task("02-us-report")
def _02_us_report(answer):
    from b12course.sources import units

    return compare.quantity(answer, units.convert(US_RESULT_PG_ML, "pg/mL", "ng/L"), "ng/L",
                           tolerance=0.5,
                           hint="1 pg/mL and 1 ng/L are the same concentration.")


@task("02-lab-median")
def _02_lab_median(answer):
    import statistics

    return compare.quantity(answer, statistics.median(_lab_results_ng_l()), "ng/L", tolerance=0.5,
                           hint="Convert every row to ng/L first (a new column), then take "
                                ".median() of that column; mixing units gives a wrong median.")



@task("02-categories")
def _02_categories(answer):
    from collections import Counter

    from b12course.clinical import labs

    counts = Counter(labs.interpret_total_b12(v, u).category for _p, v, u in LAB_RESULTS)
    return compare.mapping(answer, dict(counts),
                          hint="Interpret each row with labs.interpret_total_b12(value, unit) "
                               "and count the .category values.")


# ------------------------------------------------------------------ shared look-ups (cited rows)
# A product's strength, ampoule and dose volume come from clinical.products (their one home).
def regimen_row(regimen_id: str) -> dict:
    """One row of regimens.csv (a dict)."""
    from b12course.sources import data

    return data.row("regimens", "regimen_id", regimen_id, what="regimen")


def ampoule_mcg(product_id: str = "ohcbl-inj-uk") -> float:
    """Micrograms in one ampoule/vial amount of a product (clinical.products)."""
    from b12course.clinical import products

    return products.amount_mcg(product_id)


def dose_mcg(regimen_id: str) -> float:
    """A regimen row's (lower) dose in micrograms."""
    from b12course.sources import units

    row = regimen_row(regimen_id)
    return units.convert(row["dose"], row["dose_unit"], "mcg")


def _volume_ml(regimen_id: str, product_id: str) -> float:
    """The volume of a regimen row's (lower) dose of a product (clinical.products.volume_ml)."""
    from b12course.clinical import products

    return products.volume_ml(dose_mcg(regimen_id), product_id)


def loading_dates(regimen_id: str, start: dt.date) -> list[dt.date]:
    """A fixed loading course's dose dates from ``start`` (the dose-date engine, DERIVED)."""
    from b12course.clinical import schedule

    return schedule.dates(regimen_row(regimen_id), start)


def loading_count(regimen_id: str) -> int:
    """Injections in a fixed loading course (pattern x duration, counted by the engine)."""
    from b12course.clinical import schedule

    return schedule.course(regimen_row(regimen_id)).count()


# ------------------------------------------------------------------ 01 deficiency mechanisms
@task("01-ampoule-mcg")
def _01_ampoule_mcg(answer):
    return compare.quantity(answer, ampoule_mcg("ohcbl-inj-uk"), "mcg",
                           hint="Convert the row's strength with units.convert(row['strength'], "
                                "row['strength_unit'], 'mcg').")


@task("01-days-uk")
def _01_days_uk(answer):
    from b12course.clinical import physiology

    return compare.number(answer, ampoule_mcg() / physiology.requirement("UK"), tolerance=0.5,
                         what="days",
                         hint="Divide the micrograms in one ampoule by the UK daily intake "
                              "in micrograms.")


@task("01-days-us")
def _01_days_us(answer):
    from b12course.clinical import physiology

    return compare.number(answer, ampoule_mcg() / physiology.requirement("US"), tolerance=0.5,
                         what="days",
                         hint="Same sum with the US daily allowance.")


@task("01-causes-by-step")
def _01_causes_by_step(answer):
    from b12course.sources import data

    counts = data.load("causes")["failing_step"].value_counts()
    return compare.mapping(answer, {k: int(v) for k, v in counts.items()},
                          hint="Use causes['failing_step'].value_counts().")


@task("01-irreversible")
def _01_irreversible(answer):
    from b12course.sources import data

    causes = data.load("causes")
    return compare.choices(answer, causes.loc[causes["reversible"] == "no", "cause_id"],
                          hint="Filter the rows where the 'reversible' column says 'no'.")


# ------------------------------------------------------------------ 03 regimens by cause
@task("03-uk-volume")
def _03_uk_volume(answer):
    return compare.quantity(answer, _volume_ml("uk-bnf-load", "ohcbl-inj-uk"),
                           "mL", tolerance=0.005,
                           hint="volume = dose / strength, both in micrograms.")


@task("03-us-volume")
def _03_us_volume(answer):
    return compare.quantity(answer,
                           _volume_ml("us-label-cncbl-1", "cncbl-inj-us"),
                           "mL", tolerance=0.005,
                           hint="The US label dose is in micrograms and the vial holds "
                                "micrograms per mL: divide.")


@task("03-loading-count")
def _03_loading_count(answer):
    return compare.count(answer, loading_count("uk-bnf-load"), what="injections",
                        hint="Injections per week times the number of weeks.")


LOADING_START = dt.date(2025, 3, 3)  # a Monday (synthetic scenario)


@task("03-loading-dates")
def _03_loading_dates(answer):
    return compare.dates(answer, loading_dates("uk-bnf-load", LOADING_START),
                        hint="Mondays, Wednesdays and Fridays, starting on the start date.")


def _neuro_maintenance_id() -> str:
    from b12course.sources import data

    table = data.load("regimens")
    rows = table[(table["region"] == "UK") & table["guideline"].str.startswith("BNF")
                 & (table["neurological"] == "yes") & (table["phase"] == "maintenance")]
    return str(rows["regimen_id"].iloc[0])


@task("03-neuro-maintenance")
def _03_neuro_maintenance(answer):
    return compare.label(answer, _neuro_maintenance_id(),
                        hint="Filter regimens for region UK, a BNF guideline, neurological "
                             "'yes' and phase 'maintenance'.")


@task("03-neuro-interval")
def _03_neuro_interval(answer):
    row = regimen_row(_neuro_maintenance_id())
    return compare.number(answer, float(row["interval"]), what=row["interval_unit"] + "s",
                         hint="Read the 'interval' column of the row you chose.")


# ------------------------------------------------------------------ 04 IM technique
PATIENT_WEIGHT_LB = 176  # synthetic patient (a woman), weighed in pounds
PATIENT_SEX = "female"


def _needle():
    from b12course.clinical import technique

    return technique.deltoid_needle_length(PATIENT_SEX, weight_lb=PATIENT_WEIGHT_LB)


@task("04-weight-kg")
def _04_weight_kg(answer):
    from b12course.sources import units

    return compare.quantity(answer, units.convert(PATIENT_WEIGHT_LB, "lb", "kg"), "kg",
                           tolerance=0.1, hint="units.convert(weight, 'lb', 'kg').")


@task("04-longest-mm")
def _04_longest_mm(answer):
    from b12course.sources import units

    return compare.quantity(answer, units.convert(_needle().max_inch, "inch", "mm"), "mm",
                           tolerance=0.1,
                           hint="Take the longest length of the advice (max_inch) and convert "
                                "inches to mm.")


@task("04-shortest-inch")
def _04_shortest_inch(answer):
    return compare.quantity(answer, _needle().min_inch, "inch", tolerance=0.01,
                           hint="The advice object's min_inch.")


@task("04-deltoid-fits")
def _04_deltoid_fits(answer):
    from b12course.clinical import products, technique

    volumes = technique.site_volumes()
    limits = volumes.loc[(volumes["site"] == "deltoid") & volumes["volume_max_ml"].notna(),
                         "volume_max_ml"]
    ampoule_ml = products.amount_ml("ohcbl-inj-uk")
    return compare.truth(answer, bool((limits >= ampoule_ml).all()),
                        hint="Compare the ampoule's volume with the SMALLEST deltoid limit.")


@task("04-discouraged-site")
def _04_discouraged_site(answer):
    from b12course.clinical import technique

    sites = technique.sites()
    return compare.label(answer, str(sites.loc[sites["standing"] == "discouraged",
                                              "site"].iloc[0]),
                        hint="Look at the 'standing' column of the sites table.")


# ------------------------------------------------------------------ 05 monitoring and response
def case_patient() -> str:
    """Notebook 05's patient: the first synthetic patient whose response is as expected."""
    from b12course.clinical import trajectories

    frame = trajectories.load()
    return str(frame.loc[frame["pattern"] == "expected", "patient_id"].iloc[0])


def _hb():
    from b12course.clinical import trajectories

    return trajectories.series(case_patient(), "hb")


@task("05-potassium-hours")
def _05_potassium_hours(answer):
    from b12course.sources import data

    row = data.row("response_timeline", "event_id", "potassium-us")
    hours = float(row["time_to"]) * {"hour": 1, "day": 24}[row["time_unit"]]
    return compare.number(answer, hours, what="hours",
                         hint="Read time_to and time_unit of the 'potassium-us' row.")


@task("05-retic-peak-day")
def _05_retic_peak_day(answer):
    from b12course.clinical import trajectories

    retic = trajectories.series(case_patient(), "reticulocytes")
    return compare.number(answer, float(retic.loc[retic["value"].idxmax(), "day"]), what="day",
                         hint="Find the row with the largest value (.idxmax()) and read its "
                              "day.")


@task("05-hb-rise")
def _05_hb_rise(answer):
    hb = _hb().set_index("day")["value"]
    return compare.number(answer, float(hb.loc[HB_RISE_TO_DAY] - hb.loc[0]), tolerance=0.05,
                         what="g/dL",
                         hint=f"Hb on day {HB_RISE_TO_DAY} minus Hb on day 0.")


HB_RISE_TO_DAY = 14


@task("05-plot-hb")
def _05_plot_hb(answer):
    hb = _hb()
    return compare.plot(answer, x=hb["day"], y=hb["value"],
                       hint="Plot day on x and the Hb value on y for the case patient.")


@task("05-no-response")
def _05_no_response(answer):
    from b12course.clinical import trajectories

    frame = trajectories.load()
    return compare.choices(answer, sorted(set(frame.loc[frame["pattern"] == "no_response",
                                                       "patient_id"])),
                          hint="Filter the rows whose 'pattern' is 'no_response' and take the "
                               "unique patient ids.")


@task("03-recommend")
def _03_recommend(answer):
    from b12course.clinical import regimens

    plan = regimens.recommend("autoimmune_gastritis", neurological=True, region="UK")
    return compare.label(answer, plan.maintenance.regimen_id,
                        hint="Call regimens.recommend('autoimmune_gastritis', neurological=True, "
                             "region='UK') and read .maintenance.regimen_id.")


@task("03-lifelong")
def _03_lifelong(answer):
    from b12course.clinical import regimens

    plan = regimens.recommend("autoimmune_gastritis", neurological=True, region="UK")
    return compare.truth(answer, plan.lifelong == "yes",
                        hint="The returned regimen's .lifelong says 'yes' or not.")


# ------------------------------------------------------------------ 06 safety and pitfalls
SLIP_DOSE_MG = 1000  # the mis-written order in the scenario: "1000 mg" (synthetic)


@task("06-slip-ampoules")
def _06_slip_ampoules(answer):
    from b12course.sources import units

    return compare.number(answer, units.convert(SLIP_DOSE_MG, "mg", "mcg") / ampoule_mcg(),
                         tolerance=0.5, what="ampoules",
                         hint="Convert the written dose to micrograms, then divide by the "
                              "micrograms in one ampoule.")


@task("06-us-overdraw")
def _06_us_overdraw(answer):
    from b12course.clinical import products

    return compare.number(answer, products.strength_mcg("cncbl-inj-us") * 1.0
                         / dose_mcg("us-label-cncbl-1"), tolerance=0.05, what="times",
                         hint="1 mL of the vial holds how many micrograms? Compare with the "
                              "label dose.")


@task("06-fold-difference")
def _06_fold_difference(answer):
    return compare.number(answer, dose_mcg("uk-bnf-load") / dose_mcg("us-label-ohcbl-1"),
                         tolerance=0.05, what="times",
                         hint="UK BNF loading dose divided by the US hydroxocobalamin label's "
                              "daily dose, both in micrograms.")


@task("06-sc-licensed")
def _06_sc_licensed(answer):
    from b12course.clinical import products
    from b12course.sources.references import split_keys

    routes = split_keys(products.product("ohcbl-inj-uk")["routes"])
    return compare.truth(answer, "deep SC" in routes,
                        hint="Read the 'routes' column of the UK hydroxocobalamin row.")


# ------------------------------------------------------------------ 07 case studies
CASE_START = dt.date(2025, 1, 6)  # a Monday: first loading injection (synthetic case)
CASE_LAST_SELF_INJECTION = dt.date(2025, 9, 15)  # synthetic case
CASE_ACTIVE_B12_PMOL_L = 21  # synthetic case


@task("07-active-b12")
def _07_active_b12(answer):
    from b12course.clinical import labs

    return compare.label(answer, labs.interpret_active_b12(CASE_ACTIVE_B12_PMOL_L).category,
                        options=["deficient", "indeterminate", "unlikely"],
                        hint="Use labs.interpret_active_b12(value).category.")


@task("07-next-due")
def _07_next_due(answer):
    from b12course.clinical import schedule

    return compare.date(answer, schedule.next_dose(CASE_LAST_SELF_INJECTION,
                                                  regimen_row("uk-southmead-self")),
                       hint="Add the self-injection interval (in weeks) to the last injection "
                            "date with datetime.timedelta(weeks=...).")


def year_one_anniversary() -> dt.date:
    """The first anniversary of the case's first injection (a year = 12 calendar months)."""
    from b12course.clinical import schedule

    return schedule.add(CASE_START, 1, "year")


def _year_one() -> list[list[dt.date]]:
    """[loading dates, maintenance dates] before the first anniversary (the engine's chain)."""
    from b12course.clinical import schedule

    return schedule.chain(CASE_START, [regimen_row("uk-bnf-load"), regimen_row("uk-cks-maint")],
                          until=year_one_anniversary())


@task("07-year-ampoules")
def _07_year_ampoules(answer):
    return compare.count(answer, sum(len(dates) for dates in _year_one()), what="ampoules",
                        hint="Loading injections plus every maintenance dose (interval from "
                             "the uk-cks-maint row) that falls before the first anniversary.")


@task("07-maintenance-dates")
def _07_maintenance_dates(answer):
    return compare.dates(answer, _year_one()[1],
                        hint="Start one maintenance interval after the LAST loading "
                             "injection; stop before the first anniversary of the first one.")


__all__ = ["lab_results", "dt"]
