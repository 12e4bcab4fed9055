"""Physiology figures: the absorption chain diagram and the store depletion curves, with alt text.

Numbers come from ``clinical.physiology`` (cited rows); this module only draws and words them.
"""

from __future__ import annotations

import textwrap

from b12course.clinical import physiology
from b12course.show import plots


def absorption_chain_figure():
    """A box-and-arrow diagram of the chain, its carriers and the bile loop; returns the figure."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


    chain = physiology.absorption_chain()
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


def depletion_figure(initial_store_mcg: float | None = None, years: float = 8):
    """The two depletion curves and the minimum healthy store line; returns the figure."""

    curves = physiology.depletion_curves(initial_store_mcg, years)
    fig, ax = plots.figure("B12 store after absorption stops (teaching model)",
                           "Years after absorption stops", "Body store (micrograms)")
    for i, (label, frame) in enumerate(curves.groupby("scenario", sort=False)):
        loss = frame["daily_loss_percent"].iloc[0]
        style = plots.style(i)
        style["markevery"] = int(physiology.DAYS_PER_YEAR)
        ax.plot(frame["years"], frame["store_mcg"], label=f"{label}: {loss:g}% a day", **style)
    floor = physiology.minimum_healthy_store_mcg()
    ax.axhline(floor, color=plots.PALETTE["black"], linestyle=":", linewidth=1.5)
    ax.text(0.05, floor * 0.55, f"lowest healthy store, about {floor:g} micrograms",
            ha="left", va="top", fontsize=9)
    ax.set_ylim(0, None)
    ax.set_xlim(0, years)
    ax.legend(loc="upper right")
    return fig


def depletion_caption() -> str:
    """Caption for the depletion figure, with the parameters it used and their sources."""
    curves = physiology.depletion_curves(years=1)
    start = curves["store_mcg"].iloc[0]
    keys = "; ".join(dict.fromkeys(["IOM-1998", *curves["source"]]))
    return (f"Figure 2. A store of {start:g} micrograms (upper end of most estimates) with no "
            "absorption, losing a fixed share each day: about twice as fast without "
            "reabsorption of bile B12. Teaching model, not a prediction for any one person. "
            f"Sources: {keys}.")


def depletion_alt() -> str:
    """Alt text for the depletion figure, with the numbers computed from the same model."""
    table = physiology.years_to_depletion()
    start = physiology.full_store_mcg()
    row = table[table["starting store (mcg)"] == start].iloc[0]
    intact, absent = physiology.SCENARIOS["intact"], physiology.SCENARIOS["absent"]
    return (f"Two falling curves starting at {start:g} micrograms. The solid curve, {intact}, "
            f"falls slowly and reaches the dotted line at "
            f"{physiology.minimum_healthy_store_mcg():g} "
            f"micrograms after about {row['years (with bile reabsorption)']:g} years. The "
            f"dashed curve, {absent}, falls about twice as fast and reaches it after about "
            f"{row['years (without bile reabsorption)']:g} years.")
