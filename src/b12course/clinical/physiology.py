"""Physiology for notebook 01: daily requirements, the absorption chain and where causes act.

Every number and step is read from cited tables in ``data/`` (``requirements.csv``,
``absorption_chain.csv``); derived numbers (e.g. how many days' requirement an ampoule holds)
are computed here from those rows, never typed in.
"""

from __future__ import annotations

import pandas as pd

from b12course.sources import data
from b12course.sources.references import join_keys


def requirements() -> pd.DataFrame:
    """Daily B12 requirements by body and population (UK RNI, US RDA, WHO), with sources."""
    return data.load("requirements")


def requirement(region: str, population: str = "adults") -> float:
    """Micrograms per day for one region's adult figure ('UK' RNI or 'US' RDA)."""
    frame = requirements()
    rows = frame[(frame["region"] == region) & frame["population"].str.startswith(population[:5])]
    if rows.empty:
        known = sorted(set(zip(frame["region"], frame["population"], strict=True)))
        raise ValueError(f"No requirement for region {region!r}, population {population!r}. "
                         f"Known: {known}")
    return float(rows["mcg_per_day"].iloc[0])


def dose_in_days_of_requirement(dose_mcg: float) -> pd.DataFrame:
    """How many days' adult requirement one dose holds, for each adult figure (DERIVED)."""
    frame = requirements()
    adults = frame[frame["population"].str.startswith("adult")].copy()
    adults["dose_mcg"] = float(dose_mcg)
    adults["days_of_requirement"] = (adults["dose_mcg"] / adults["mcg_per_day"]).round().astype(int)
    return adults[["region", "body", "measure", "mcg_per_day", "dose_mcg",
                   "days_of_requirement", "source"]].reset_index(drop=True)


def absorption_chain() -> pd.DataFrame:
    """The steps from food to cells in order: site, what happens, the carrier, sources."""
    return data.load("absorption_chain").sort_values("order").reset_index(drop=True)


def step_labels() -> dict[str, str]:
    """Step id -> plain-English label (e.g. 'ileal_uptake' -> 'Uptake in the terminal ileum')."""
    chain = absorption_chain()
    return dict(zip(chain["step"], chain["label"], strict=True))


def causes_by_step() -> pd.DataFrame:
    """Causes from causes.csv in absorption-chain order of the step that fails, with sources.

    The umbrella row of a group (a cause whose id is its own group and which has sub-rows) is
    left out so each cause appears once; causes acting at several steps come last.
    """
    causes = data.load("causes")
    has_children = causes.groupby("group")["cause_id"].transform("count") > 1
    umbrella = (causes["cause_id"] == causes["group"]) & has_children
    causes = causes[~umbrella]
    chain = absorption_chain()
    order = dict(zip(chain["step"], chain["order"], strict=True))
    unknown = sorted(set(causes["failing_step"]) - set(order) - {"several steps"})
    if unknown:
        raise ValueError(f"causes.csv uses failing steps not in absorption_chain.csv: {unknown}")
    where = dict(zip(chain["step"], chain["site"], strict=True))
    table = pd.DataFrame({
        "order": causes["failing_step"].map(order).fillna(len(order) + 1).astype(int),
        "step that fails": causes["failing_step"],
        "where": causes["failing_step"].map(where).fillna("more than one place"),
        "cause": causes["name"],
        "mechanism": causes["mechanism"],
        "reversible": causes["reversible"],
        "source": causes["source"],
    })
    table = table.sort_values(["order", "cause"], kind="stable")
    return table.drop(columns="order").reset_index(drop=True)


# --- Body stores and depletion (numbers from body_stores.csv via clinical.stores) ---

DAYS_PER_YEAR = 365  # calendar arithmetic, not a clinical number (as in the digest)
SCENARIOS = {
    "intact": "with bile reabsorption (e.g. dietary lack)",
    "absent": "without bile reabsorption (e.g. autoimmune gastritis)",
}


def _mcg(value: float, unit: str) -> float:
    from b12course.sources import units

    return units.convert(value, unit, "mcg")


def full_store_mcg() -> float:
    """The upper end of 'most estimates' of the body store (IOM-1998), in micrograms."""
    from b12course.clinical import stores

    row = stores.body_store("store_most_estimates")
    return _mcg(row["value_max"], row["unit"])


def minimum_healthy_store_mcg() -> float:
    """The lowest store estimated to be compatible with health (IOM-1998), in micrograms."""
    from b12course.clinical import stores

    row = stores.body_store("store_minimum_healthy")
    return _mcg(row["value"], row["unit"])


def depletion_curves(initial_store_mcg: float | None = None, years: float = 8) -> pd.DataFrame:
    """Store (mcg) each day with no intake, with and without bile reabsorption (stores model)."""
    from b12course.clinical import stores

    start = full_store_mcg() if initial_store_mcg is None else initial_store_mcg
    days = int(round(years * DAYS_PER_YEAR))
    frames = []
    for scenario, label in SCENARIOS.items():
        frame = stores.simulate([], days, initial_store_mcg=start, enterohepatic=scenario)
        frame["scenario"] = label
        frame["daily_loss_percent"] = stores.loss_fraction(scenario) * 100
        frame["source"] = frame.attrs["loss_source"]
        frames.append(frame)
    curves = pd.concat(frames, ignore_index=True)
    curves["years"] = curves["day"] / DAYS_PER_YEAR
    return curves[["scenario", "day", "years", "store_mcg", "daily_loss_percent", "source"]]


def years_to_depletion() -> pd.DataFrame:
    """Years from each cited store size down to the minimum healthy store (DERIVED, stores)."""
    from b12course.clinical import stores

    starts = []
    for name in ("store_most_estimates", "store_hunt"):
        row = stores.body_store(name)
        for column in ("value", "value_max"):
            starts.append((_mcg(row[column], row["unit"]), row["source"]))
    floor = minimum_healthy_store_mcg()
    records = []
    for start, source in sorted(set(starts)):
        if start <= floor:
            continue
        record = {"starting store (mcg)": start, "store source": source,
                  "down to (mcg)": floor}
        for scenario, short in (("intact", "with"), ("absent", "without")):
            days = stores.depletion_days(start, floor, scenario)
            record[f"days ({short} bile reabsorption)"] = round(days)
            record[f"years ({short} bile reabsorption)"] = round(days / DAYS_PER_YEAR, 1)
        records.append(record)
    table = pd.DataFrame(records)
    table["loss sources"] = join_keys(stores.parameter(stores.LOSS[s])[2] for s in SCENARIOS)
    return table


