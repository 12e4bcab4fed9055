"""One look for every course figure: colour-blind-safe colours, captions and alt text.

Colours are the Okabe-Ito palette; lines also differ by style or marker so no figure relies on
colour alone. Notebook cells end with ``plt.show()``.
"""

from __future__ import annotations

PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
ORDER = ["blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow"]
LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

_STYLE = {
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "font.size": 11,
}


def colour(index: int) -> str:
    """The index-th colour of the palette (cycling)."""
    return PALETTE[ORDER[index % len(ORDER)]]


def style(index: int) -> dict:
    """Colour, line style and marker for series number ``index`` (never colour alone)."""
    return {
        "color": colour(index),
        "linestyle": LINESTYLES[index % len(LINESTYLES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def figure(title: str = "", xlabel: str = "", ylabel: str = "", *, size=None):
    """A new figure and axes in the course style."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from cycler import cycler

    with mpl.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=size or _STYLE["figure.figsize"])
    ax.set_prop_cycle(cycler(color=[colour(i) for i in range(len(ORDER))]))
    for key in ("axes.spines.top", "axes.spines.right"):
        ax.spines[key.split(".")[-1]].set_visible(_STYLE[key])
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(wrap(title, fig, _STYLE["axes.titlesize"]))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def wrap(text: str, fig, fontsize: float) -> str:
    """Break a title into lines that fit the figure's width (a PNG is saved at canvas size)."""
    import textwrap

    # An average character is about 0.55 em wide; a little margin keeps clear of the edges.
    chars = int(fig.get_size_inches()[0] * 72 / (fontsize * 0.55) * 0.9)
    return textwrap.fill(text, width=max(chars, 20))


def figure_html(fig, caption: str, alt: str) -> str:
    """The figure as an HTML <figure>: PNG with a real alt attribute and a visible caption."""
    import base64
    import html

    if not caption or not alt:
        raise ValueError("Every course figure needs a caption and alt text.")
    data = base64.b64encode(to_png(fig)).decode("ascii")
    return (
        f'<figure style="margin:0"><img src="data:image/png;base64,{data}" '
        f'alt="{html.escape(alt, quote=True)}" style="max-width:100%">'
        f"<figcaption><i>{html.escape(caption)}</i></figcaption></figure>"
    )


def finish(fig, caption: str, alt: str) -> None:
    """Show the figure with its caption and alt text (screen readers read the alt), then close it.

    The cell may still end with ``plt.show()``, which then has nothing left to draw.
    """
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, caption, alt)))


def to_png(fig) -> bytes:
    """PNG bytes of a figure (for Image widgets that tests can compare), then close it.

    ``tight_layout`` fits titles, labels, legends and texts inside the canvas (tests check every
    course figure with ``overflow``), so the PNG is drawn once; ``bbox_inches="tight"`` would
    draw it a second time only to trim the margin, a quarter of the cost of each figure.
    """
    import io

    import matplotlib.pyplot as plt

    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def overflow(fig) -> float:
    """How far (inches) the figure's drawn content reaches outside its canvas after layout.

    Zero or less means nothing is clipped when the PNG is saved at the canvas size.
    """
    fig.tight_layout()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    return float(max(-box.x0, -box.y0, box.x1 - width, box.y1 - height))
