"""A teaching model of the body's B12 store: first-order daily loss plus retained injections.

TEACHING MODEL, NOT PHARMACOKINETICS. Each day the store loses a fixed share of itself
(0.1 %/day with intact enterohepatic reabsorption, 0.2 %/day without it, e.g. pernicious anaemia
[IOM-1998]; rows of ``body_stores.csv``). Each injection adds the share of the dose the body keeps,
from ``retention.csv`` (retained = 100 % minus the measured urinary loss, DERIVED). The retention
studies disagree (cyanocobalamin 1 mg: ~31 % kept over 72 h [BLOOD-1961-OHCBL], ~20 % over 24 h
[SCAND-1964], ~15 % [SMPC-CH-CNCBL]); pick one with ``retention_source`` and say which you used.
Real retention also depends on how full the stores already are, which this model ignores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from b12course.sources.cells import is_blank

LOSS = {
    "intact": "daily_loss_intact",
    "absent": "daily_loss_no_reabsorption",
    "atrophic_gastritis": "daily_loss_atrophic_gastritis",
    "pooled": "daily_loss_pooled",
}
# Default order when several studies measured the same substance and dose: the longest
# observation window first (72 h, then 24 h), then product information, then the leaflet.
RETENTION_PREFERENCE = ("BLOOD-1961-OHCBL", "SCAND-1964", "SMPC-CH-CNCBL", "APR-LEAFLET")


def body_store(name: str) -> dict:
    """One row of body_stores.csv by parameter; unknown names get the list of parameters."""
    from b12course.sources import data

    return data.row("body_stores", "parameter", name, what="parameter")


def parameter(name: str) -> tuple[float, str, str]:
    """(value, unit, source) of one row of body_stores.csv."""
    item = body_store(name)
    return float(item["value"]), item["unit"], item["source"]


def describe_model() -> str:
    """Markdown describing the teaching model and its cited parameters (for notebooks)."""
    lines = ["**Body-store teaching model** (not pharmacokinetics):",
             "- Each day the store loses a fixed share of itself:"]
    for scenario, name in LOSS.items():
        value, unit, source = parameter(name)
        lines.append(f"  - {scenario.replace('_', ' ')}: {value:g} {unit} [{source}]")
    lines.append("- Each injection adds the share of the dose the body keeps (100 % minus the "
                 "urinary loss measured in `retention.csv`); the studies disagree:")
    table = retention_table()
    for row in table[table["dose_max"].isna()].itertuples():
        window = f" over {row.hours:g} h" if not is_blank(row.hours) else ""
        lines.append(f"  - {row.substance} {row.dose_mcg:g} micrograms: "
                     f"{row.retained_percent:g} % kept{window} [{row.source}]")
    low, unit, source = parameter("store_minimum_healthy")
    lines.append(f"- Default starting store: {low:g} {unit}, the lowest store estimated to be "
                 f"compatible with health [{source}].")
    lines.append("- Ignored: how full the store already is, dietary intake, individual variation.")
    return "\n".join(lines)


def loss_fraction(enterohepatic: str = "intact") -> float:
    """Share of the store lost per day (e.g. 0.001 for 0.1 %/day) for a loss scenario."""
    if enterohepatic not in LOSS:
        raise ValueError(f"Unknown enterohepatic scenario {enterohepatic!r}. Accepted: "
                         f"{', '.join(LOSS)}.")
    value, unit, _ = parameter(LOSS[enterohepatic])
    assert unit == "%/day"
    return value / 100


def retention_table():
    """retention.csv with a DERIVED ``retained_percent`` column (100 - loss, or as reported)."""
    from b12course.sources import data, units

    frame = data.load("retention")
    frame["dose_mcg"] = [units.convert(d, u, "mcg") for d, u in
                         zip(frame["dose"], frame["dose_unit"], strict=True)]
    frame["retained_percent"] = [p if m == "retained" else 100 - p for p, m in
                                 zip(frame["percent"], frame["measure"], strict=True)]
    return frame


def retained_fraction(substance: str, dose_mcg: float, source: str | None = None):
    """(fraction kept, source key, row_id) for an IM dose of a substance, from retention.csv."""
    frame = retention_table()
    rows = frame[(frame["substance"] == substance) & frame["dose_max"].isna()
                 & (frame["dose_mcg"] == float(dose_mcg))]
    if source is not None:
        rows = rows[rows["source"] == source]
    if rows.empty:
        have = frame[frame["substance"] == substance]
        listed = ", ".join(f"{d:g} mcg [{s}]" for d, s in zip(have["dose_mcg"], have["source"],
                                                               strict=True))
        raise ValueError(f"No retention data for {dose_mcg:g} micrograms of {substance}"
                         + (f" from {source}" if source else "") + ". Data exist for: "
                         + (listed or "none") + ". Pass retained_fraction=... to simulate() "
                         "to use your own value.")
    order = {key: i for i, key in enumerate(RETENTION_PREFERENCE)}
    best = min(rows.itertuples(), key=lambda r: order.get(r.source, len(order)))
    return best.retained_percent / 100, best.source, best.row_id


_lookup_retention = retained_fraction  # simulate() has a parameter of the same name


def depletion_days(start_mcg, end_mcg, enterohepatic: str = "intact") -> float:
    """Days for the store to fall from start to end with no intake (DERIVED, exponential)."""
    start, end = _amount(start_mcg, "start_mcg"), _amount(end_mcg, "end_mcg")
    if end <= 0 or end >= start:
        raise ValueError("end_mcg must be above zero and below start_mcg.")
    return math.log(end / start) / math.log(1 - loss_fraction(enterohepatic))


def _amount(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number of micrograms; got {value!r}.") from None
    if math.isnan(number) or math.isinf(number) or number < 0:
        raise ValueError(f"{name} must be a finite number of micrograms, zero or more; "
                         f"got {value!r}.")
    return number


def _doses_by_day(schedule, start):
    """{day number: [(dose_mcg, product_id), ...]} from a Regimen.schedule() DataFrame.

    Day numbers come from the dose-date engine (``clinical.schedule.day_offsets``): day 0 is
    ``start``, or the first dose's date when no start is given.
    """
    import pandas as pd

    from b12course.clinical import schedule as engine

    frame = pd.DataFrame(schedule)
    if frame.empty:
        return {}, start
    if "day" in frame.columns:
        days = [int(day) for day in frame["day"]]
    elif "date" in frame.columns:
        dates = [engine.as_date(day, "dose date") for day in frame["date"]]
        start = engine.as_date(start) if start is not None else min(dates)
        days = engine.day_offsets(dates, start)
    else:
        raise ValueError("The schedule needs a 'date' or 'day' column (use Regimen.schedule()).")
    products = frame["product_id"] if "product_id" in frame.columns else [None] * len(frame)
    out: dict[int, list] = {}
    for day, dose, product_id in zip(days, frame["dose_mcg"], products, strict=True):
        out.setdefault(int(day), []).append((float(dose), product_id))
    return out, start


def simulate(schedule, days: int, initial_store_mcg=None, enterohepatic: str = "intact",
             retention_source: str | None = None, retained_fraction: float | None = None,
             start=None):
    """Daily store (mcg) under a schedule: a DataFrame with day, date, dose, retained, store.

    ``initial_store_mcg`` defaults to the lowest store compatible with health [IOM-1998].
    ``enterohepatic``: intact (0.1 %/day), absent (0.2 %/day), atrophic_gastritis, pooled.
    ``retained_fraction`` (0-1) overrides the retention table for every dose.
    """
    import pandas as pd

    from b12course.clinical import products

    if isinstance(days, bool) or not isinstance(days, int | float) or days != int(days) \
            or days <= 0:
        raise ValueError(f"days must be a whole number above zero, e.g. 365; got {days!r}.")
    days = int(days)
    if initial_store_mcg is None:
        initial_store_mcg = parameter("store_minimum_healthy")[0]
    store = _amount(initial_store_mcg, "initial_store_mcg")
    if retained_fraction is not None:
        retained_fraction = _amount(retained_fraction, "retained_fraction")
        if not 0 < retained_fraction <= 1:
            raise ValueError("retained_fraction must be above 0 and at most 1 (e.g. 0.75).")
    k = loss_fraction(enterohepatic)
    by_day, start = _doses_by_day(schedule, start)
    used: dict[str, str] = {}
    lookups: dict[tuple, float] = {}
    rows = []
    for day in range(days + 1):
        if day:
            store *= 1 - k
        given = kept = 0.0
        for dose, product_id in by_day.get(day, []):
            if retained_fraction is not None:
                fraction = retained_fraction
            elif (product_id, dose) in lookups:
                fraction = lookups[(product_id, dose)]
            else:
                if not product_id:
                    raise ValueError("The schedule has no product_id column, so the retained "
                                     "share cannot be looked up; pass retained_fraction=....")
                item = products.product(product_id)
                if item["form"] != "injection":
                    raise ValueError(f"Retention data are for IM injections only; {item['name']}"
                                     f" is a {item['form']}. Pass retained_fraction=... to "
                                     "simulate() to use your own value.")
                fraction, key, row_id = _lookup_retention(item["substance"], dose,
                                                          retention_source)
                used[row_id] = key
                lookups[(product_id, dose)] = fraction
            given += dose
            kept += dose * fraction
        store += kept
        rows.append({"day": day, "dose_mcg": given, "retained_mcg": kept, "store_mcg": store})
    frame = pd.DataFrame(rows)
    if start is not None:
        frame.insert(1, "date", pd.Timestamp(start).normalize() + pd.to_timedelta(frame["day"],
                                                                                   unit="D"))
    frame.attrs.update({
        "model": "teaching model: first-order daily loss plus retained share of each dose",
        "daily_loss_fraction": k, "loss_source": parameter(LOSS[enterohepatic])[2],
        "retention_rows": dict(used),
        "retention": "user-supplied" if retained_fraction is not None else "retention.csv",
    })
    return frame


# ------------------------------------------------------------------ what the simulator offers


@dataclass(frozen=True)
class MaintenanceDose:
    """One IM maintenance dose from regimens.csv that the retention table covers."""

    product_id: str
    substance: str
    dose_mcg: float
    region: str
    source: str


def maintenance_doses() -> list[MaintenanceDose]:
    """Each distinct IM maintenance dose (fixed, not a range) with retention data, in file order."""
    from b12course.clinical import products
    from b12course.sources import data, units

    table = data.load("regimens")
    rows = table[(table["phase"] == "maintenance") & table["route"].str.contains("IM", na=False)]
    found: dict[tuple[str, float], MaintenanceDose] = {}
    for row in rows.itertuples():
        if is_blank(row.dose) or not is_blank(row.dose_max):
            continue
        dose = units.convert(row.dose, row.dose_unit, "mcg")
        substance = products.product(row.product_id)["substance"]
        try:
            retained_fraction(substance, dose)
        except ValueError:
            continue
        found.setdefault((row.product_id, dose),
                         MaintenanceDose(row.product_id, substance, dose, row.region, row.source))
    return list(found.values())


def maintenance_intervals() -> list[tuple[int, str, str]]:
    """(amount, unit, source keys) for every maintenance or prevention interval, shortest first."""
    from b12course.clinical import schedule
    from b12course.sources import data
    from b12course.sources.references import join_keys

    table = data.load("regimens")
    rows = table[(table["phase"].isin(["maintenance", "prophylaxis"]))
                 & (table["pattern"] == "every")]
    found: dict[tuple[int, str], list[str]] = {}
    for row in rows.itertuples():
        for amount in (row.interval, row.interval_max):
            if not is_blank(amount):
                found.setdefault((int(amount), row.interval_unit), []).append(row.source)
    ordered = sorted(found, key=lambda k: schedule.days_in(k[0], k[1]))
    return [(n, unit, join_keys(found[(n, unit)])) for n, unit in ordered]


def starting_stores() -> list[tuple[str, float, str]]:
    """(what it is, micrograms, source keys): the cited starting stores of body_stores.csv."""
    from b12course.sources import units

    low = body_store("store_minimum_healthy")
    most = body_store("store_most_estimates")
    return [
        ("lowest compatible with health", units.convert(low["value"], low["unit"], "mcg"),
         low["source"]),
        ("most estimates, lower end", units.convert(most["value"], most["unit"], "mcg"),
         most["source"]),
        ("most estimates, upper end", units.convert(most["value_max"], most["unit"], "mcg"),
         most["source"]),
    ]


def maintenance_schedule(product_id: str, dose_mcg: float, every: tuple, days: int,
                         start="2025-01-06"):
    """Doses of one product at a fixed interval over ``days`` days from ``start``.

    The dates come from the dose-date engine (``clinical.schedule``): first dose on day 0,
    calendar months, and an end-exclusive window (days 0 .. days - 1), as in Regimen.schedule().
    """
    import pandas as pd

    from b12course.clinical import schedule

    amount, unit = every[0], every[1]
    course = schedule.Course(schedule.Rhythm("every", amount, unit))
    dates = course.dates(start, schedule.window_end(start, days))
    return pd.DataFrame({"date": [pd.Timestamp(day) for day in dates], "dose_mcg": float(dose_mcg),
                         "product_id": product_id, "phase": "maintenance"})


def run_scenario(product: tuple[str, float], every: tuple, days: int,
                 initial_store_mcg: float, enterohepatic: str):
    """The daily store for one product, dose and interval (DataFrame from :func:`simulate`)."""
    product_id, dose = product
    doses = maintenance_schedule(product_id, dose, every, days)
    frame = simulate(doses, days, initial_store_mcg=initial_store_mcg,
                     enterohepatic=enterohepatic, start=doses["date"].iloc[0])
    if len(every) > 2:
        frame.attrs["interval_source"] = every[2]
    return frame
