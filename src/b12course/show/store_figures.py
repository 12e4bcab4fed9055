"""Body-store figures: modelled store over time, the share of a dose retained, and their alt text.

Figures come from ``clinical.stores`` (cited retention and loss rows); nothing is computed here.
"""

from __future__ import annotations

from b12course.show import plots, readable
from b12course.sources.cells import is_blank


def comparison_figure(results: dict, *, into=None):
    """The store over time for each named scenario (one style per line, never colour alone);
    ``into`` (``plots.kept_figure``) is redrawn instead of building a new figure."""
    fig, ax = plots.figure("Body store in a teaching model", "Days", "Modelled store (micrograms)",
                           into=into)
    for index, (name, frame) in enumerate(results.items()):
        style = plots.style(index)
        ax.plot(frame["day"], frame["store_mcg"], color=style["color"],
                linestyle=style["linestyle"], label=name, linewidth=1.8)
    ax.set_ylim(bottom=0)
    ax.legend(loc="best")
    return fig


def comparison_alt(results: dict) -> str:
    """Alt text for the comparison figure: each scenario's start, end and lowest store."""
    parts = [f"{name}: from {frame['store_mcg'].iloc[0]:.0f} to "
             f"{frame['store_mcg'].iloc[-1]:.0f} micrograms over {int(frame['day'].iloc[-1])} "
             f"days, lowest {frame['store_mcg'].min():.0f}" for name, frame in results.items()]
    return "Line chart of the modelled body store. " + "; ".join(parts) + "."


def retention_figure():
    """Horizontal bars: share of an IM dose retained, by substance, dose and study."""
    from b12course.clinical import stores

    frame = stores.retention_table()
    frame = frame[frame["substance"].isin(["hydroxocobalamin", "cyanocobalamin"])
                  & frame["dose_max"].isna()]
    frame = frame.sort_values(["substance", "dose_mcg", "source"]).reset_index(drop=True)
    fig, ax = plots.figure("Share of an injected dose the body keeps", "Retained (% of the dose)",
                           "", size=(8, 0.7 * len(frame) + 1.4))
    labels = []
    for index, row in enumerate(frame.itertuples()):
        style = plots.style(0 if row.substance == "hydroxocobalamin" else 1)
        ax.barh(index, row.retained_percent, color=style["color"],
                hatch="" if row.substance == "hydroxocobalamin" else "//", edgecolor="black")
        window = "" if is_blank(row.hours) else f", {row.hours:g} h"
        labels.append(f"{row.substance} {readable.dose_text(row.dose_mcg)}\n[{row.source}{window}]")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    return fig


def retention_alt() -> str:
    """Alt text for the retention figure, computed from the table."""
    from b12course.clinical import stores

    frame = stores.retention_table()
    parts = []
    for substance in ("hydroxocobalamin", "cyanocobalamin"):
        kept = frame.loc[frame["substance"] == substance, "retained_percent"]
        parts.append(f"{substance} {kept.min():g}-{kept.max():g}% kept")
    return ("Horizontal bar chart of the share of an injected dose retained, one bar per study "
            "and dose: " + "; ".join(parts) + ".")
