"""Physiology for notebook 01: daily requirements, the absorption chain and where causes act.

Every number and step is read from cited tables in ``data/`` (``requirements.csv``,
``absorption_chain.csv``); derived numbers (e.g. how many days' requirement an ampoule holds)
are computed here from those rows, never typed in.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from b12course import data


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


def absorption_chain_figure():
    """A box-and-arrow diagram of the chain, its carriers and the bile loop; returns the figure."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from b12course import plots

    chain = absorption_chain()
    fig, ax = plots.figure("The absorption chain: from food to cells", size=(12, 3.9))
    ax.axis("off")
    n = len(chain)
    ax.set_xlim(0, n * 2)
    ax.set_ylim(-0.35, 2.5)
    width, height, y = 1.7, 1.9, 0.5
    for i, row in chain.iterrows():
        x = i * 2 + 0.15
        box = FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.04",
                             facecolor=plots.colour(i) + "33", edgecolor=plots.colour(i), lw=2)
        ax.add_patch(box)
        ax.text(x + width / 2, y + height - 0.15, f"{row['order']}. {row['site']}",
                ha="center", va="top", fontsize=9, fontweight="bold")
        ax.text(x + width / 2, y + height / 2, textwrap.fill(row["label"], 15),
                ha="center", va="center", fontsize=9)
        if row["carrier"] not in ("", "-"):
            ax.text(x + width / 2, y + 0.15, textwrap.fill(f"on: {row['carrier']}", 18),
                    ha="center", va="bottom", fontsize=8, style="italic")
        if i < n - 1:
            ax.add_patch(FancyArrowPatch((x + width + 0.01, y + height / 2),
                                         (x + 2 - 0.01, y + height / 2),
                                         arrowstyle="-|>", mutation_scale=14, lw=1.5))
    ileum = 2 * int(chain.index[chain["step"] == "ileal uptake"][0]) + 0.15 + width / 2
    blood = 2 * int(chain.index[chain["step"] == "transport"][0]) + 0.15 + width / 2
    ax.add_patch(FancyArrowPatch((blood, y - 0.03), (ileum, y - 0.03),
                                 connectionstyle="arc3,rad=-0.35", arrowstyle="-|>",
                                 mutation_scale=14, lw=1.5, linestyle="--"))
    ax.text((blood + ileum) / 2, -0.2,
            "bile returns B12 to the gut; taking it back up needs intrinsic factor",
            ha="center", fontsize=9, style="italic")
    return fig


ABSORPTION_ALT = (
    "Seven boxes in a row joined by arrows: 1 diet (intake, B12 on food protein), 2 stomach "
    "(release from food, on haptocorrin), 3 stomach (intrinsic factor made by parietal cells), "
    "4 duodenum (transfer to intrinsic factor), 5 terminal ileum (uptake, on intrinsic factor), "
    "6 blood (transport, on transcobalamin), 7 cells (use inside cells). A dashed curved arrow "
    "runs back from the blood box to the terminal ileum box, "
    "labelled: bile returns B12 to the gut; taking it back up needs intrinsic factor."
)


# --- Body stores and depletion (numbers from body_stores.csv via b12course.stores) -------------

DAYS_PER_YEAR = 365  # calendar arithmetic, not a clinical number (as in the digest)
SCENARIOS = {
    "intact": "with bile reabsorption (e.g. dietary lack)",
    "absent": "without bile reabsorption (e.g. autoimmune gastritis)",
}


def _store_row(name: str):
    from b12course import data

    frame = data.load("body_stores")
    rows = frame[frame["parameter"] == name]
    if rows.empty:
        raise ValueError(f"body_stores.csv has no parameter {name!r}.")
    return rows.iloc[0]


def _mcg(value: float, unit: str) -> float:
    from b12course import units

    return units.convert(value, unit, "mcg")


def full_store_mcg() -> float:
    """The upper end of 'most estimates' of the body store (IOM-1998), in micrograms."""
    row = _store_row("store_most_estimates")
    return _mcg(row["value_max"], row["unit"])


def minimum_healthy_store_mcg() -> float:
    """The lowest store estimated to be compatible with health (IOM-1998), in micrograms."""
    row = _store_row("store_minimum_healthy")
    return _mcg(row["value"], row["unit"])


def depletion_curves(initial_store_mcg: float | None = None, years: float = 8) -> pd.DataFrame:
    """Store (mcg) each day with no intake, with and without bile reabsorption (stores model)."""
    from b12course import stores

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
    from b12course import stores

    starts = []
    for name in ("store_most_estimates", "store_hunt"):
        row = _store_row(name)
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
    table["loss sources"] = "; ".join(dict.fromkeys(
        stores.parameter(stores.LOSS[s])[2] for s in SCENARIOS))
    return table


def depletion_figure(initial_store_mcg: float | None = None, years: float = 8):
    """The two depletion curves and the minimum healthy store line; returns the figure."""
    from b12course import plots

    curves = depletion_curves(initial_store_mcg, years)
    fig, ax = plots.figure("B12 store after absorption stops (teaching model)",
                           "Years after absorption stops", "Body store (micrograms)")
    for i, (label, frame) in enumerate(curves.groupby("scenario", sort=False)):
        loss = frame["daily_loss_percent"].iloc[0]
        style = plots.style(i)
        style["markevery"] = int(DAYS_PER_YEAR)
        ax.plot(frame["years"], frame["store_mcg"], label=f"{label}: {loss:g}% a day", **style)
    floor = minimum_healthy_store_mcg()
    ax.axhline(floor, color=plots.PALETTE["black"], linestyle=":", linewidth=1.5)
    ax.text(0.05, floor * 0.55, f"lowest healthy store, about {floor:g} micrograms",
            ha="left", va="top", fontsize=9)
    ax.set_ylim(0, None)
    ax.set_xlim(0, years)
    ax.legend(loc="upper right")
    return fig


def depletion_caption() -> str:
    """Caption for the depletion figure, with the parameters it used and their sources."""
    curves = depletion_curves(years=1)
    start = curves["store_mcg"].iloc[0]
    keys = "; ".join(dict.fromkeys(["IOM-1998", *curves["source"]]))
    return (f"Figure 2. A store of {start:g} micrograms (upper end of most estimates) with no "
            "absorption, losing a fixed share each day: about twice as fast without "
            "reabsorption of bile B12. Teaching model, not a prediction for any one person. "
            f"Sources: {keys}.")


def depletion_alt() -> str:
    """Alt text for the depletion figure, with the numbers computed from the same model."""
    table = years_to_depletion()
    start = full_store_mcg()
    row = table[table["starting store (mcg)"] == start].iloc[0]
    intact, absent = SCENARIOS["intact"], SCENARIOS["absent"]
    return (f"Two falling curves starting at {start:g} micrograms. The solid curve, {intact}, "
            f"falls slowly and reaches the dotted line at {minimum_healthy_store_mcg():g} "
            f"micrograms after about {row['years (with bile reabsorption)']:g} years. The "
            f"dashed curve, {absent}, falls about twice as fast and reaches it after about "
            f"{row['years (without bile reabsorption)']:g} years.")
