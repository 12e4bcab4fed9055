"""One look for every course figure: colour-blind-safe colours, captions and alt text.

Line colours keep the Okabe-Ito hues, darkened where needed so that every line and marker has
at least 3:1 contrast against the white background (WCAG 1.4.11); lines also differ by style and
marker, so no figure relies on colour alone. Notebook cells end with ``plt.show()``.
"""

from __future__ import annotations

#: Colours for lines, markers and edges; contrast against white in the comments (the Okabe-Ito
#: originals: orange #E69F00 2.3:1, sky #56B4E9 2.3:1, purple #CC79A7 3.1:1, yellow #F0E442
#: 1.3:1 failed). Darkened hues were chosen to stay apart for deuteranopia, protanopia and
#: tritanopia as well (simulated); tests/show/test_plots.py checks the contrast.
PALETTE = {
    "blue": "#0072B2",  # 5.2:1
    "orange": "#C77D34",  # 3.3:1
    "green": "#009E73",  # 3.4:1
    "vermillion": "#D55E00",  # 3.9:1
    "sky": "#2495DC",  # 3.3:1
    "purple": "#884974",  # 6.5:1
    "yellow": "#7A6320",  # 5.8:1 (a dark yellow)
    "black": "#000000",  # 21:1
}
#: The light Okabe-Ito colours, for filled areas only (bands, shading) that carry a black edge,
#: a hatch or a label: a fill needs no contrast of its own and a light one keeps text readable.
FILLS = {
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


def contrast(colour_hex: str, background: str = "#FFFFFF") -> float:
    """WCAG contrast ratio of two colours given as '#RRGGBB' (1 to 21)."""

    def luminance(value: str) -> float:
        channels = [int(value[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        slope = 12.92  # sRGB's linear segment
        linear = [c / slope if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour_hex), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


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


def png_html(png: bytes, alt: str) -> str:
    """PNG bytes as an HTML <img> with a real alt attribute (an ``ipywidgets.Image`` has none)."""
    import base64
    import html

    if not alt:
        raise ValueError("Every course figure needs alt text.")
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%">')


def figure_html(fig, caption: str, alt: str) -> str:
    """The figure as an HTML <figure>: PNG with a real alt attribute and a visible caption."""
    import html

    if not caption or not alt:
        raise ValueError("Every course figure needs a caption and alt text.")
    return (f'<figure style="margin:0">{png_html(to_png(fig), alt)}'
            f"<figcaption><i>{html.escape(caption)}</i></figcaption></figure>")


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
