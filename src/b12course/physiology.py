"""Physiology for notebook 01: daily requirements, the absorption chain and where causes act.

Every number and step is read from cited tables in ``data/`` (``requirements.csv``,
``absorption_chain.csv``); derived numbers (e.g. how many days' requirement an ampoule holds)
are computed here from those rows, never typed in.
"""

from __future__ import annotations

import textwrap
from functools import cache

import pandas as pd

from b12course.paths import data_dir
from b12course.references import unresolved

_REQUIRED = {
    "requirements": ("body", "region", "population", "mcg_per_day", "measure", "year", "source"),
    "absorption_chain": ("order", "step", "label", "site", "what_happens", "carrier", "source"),
}


@cache
def _table(name: str) -> pd.DataFrame:
    """Read one of this module's tables and check columns, numbers and source keys."""
    path = data_dir() / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _REQUIRED[name] if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
    for row, source in enumerate(frame["source"], start=2):
        bad = unresolved(source)
        if not source.strip() or bad:
            raise ValueError(f"{path.name}, row {row}, column 'source': unresolved key(s) "
                             f"{bad or ['(empty)']}")
    return frame


def requirements() -> pd.DataFrame:
    """Daily B12 requirements by body and population (UK RNI, US RDA, WHO), with sources."""
    frame = _table("requirements").copy()
    frame["mcg_per_day"] = frame["mcg_per_day"].astype(float)
    return frame


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
    adults["days_of_requirement"] = (adults["dose_mcg"] / adults["mcg_per_day"]).round(0)
    return adults[["region", "body", "measure", "mcg_per_day", "dose_mcg",
                   "days_of_requirement", "source"]].reset_index(drop=True)


def absorption_chain() -> pd.DataFrame:
    """The steps from food to cells in order: site, what happens, the carrier, sources."""
    frame = _table("absorption_chain").copy()
    frame["order"] = frame["order"].astype(int)
    return frame.sort_values("order").reset_index(drop=True)


def step_labels() -> dict[str, str]:
    """Step id -> plain-English label (e.g. 'ileal_uptake' -> 'Uptake in the terminal ileum')."""
    chain = absorption_chain()
    return dict(zip(chain["step"], chain["label"], strict=True))


def causes_by_step() -> pd.DataFrame:
    """Causes from causes.csv in absorption-chain order of the step that fails, with sources.

    The umbrella row of a group (a cause whose id is its own group and which has sub-rows) is
    left out so each cause appears once; causes acting at several steps come last.
    """
    from b12course import data

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
