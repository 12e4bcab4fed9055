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


def figure(title: str = "", xlabel: str = "", ylabel: str = "", *, size=None, into=None):
    """A new figure and axes in the course style.

    With ``into`` (a ``kept_figure``) its one axes is emptied and returned instead: an
    explorer's redraw then builds no figure, axes or ticks (about a fifth of each redraw), and
    the PNG is the same as a new figure's (tests/show/test_kept_figures.py).
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from cycler import cycler

    size = size or _STYLE["figure.figsize"]
    if into is not None and len(into.axes) == 1:
        fig, ax = into, _emptied(into.axes[0], size)
    else:
        with mpl.rc_context(_STYLE):
            if into is None:
                fig, ax = plt.subplots(figsize=size)
            else:
                fig = into
                fig.clear()
                fig.set_size_inches(size)
                ax = fig.subplots()
    ax.set_prop_cycle(cycler(color=[colour(i) for i in range(len(ORDER))]))
    for key in ("axes.spines.top", "axes.spines.right"):
        ax.spines[key.split(".")[-1]].set_visible(_STYLE[key])
    ax.grid(True, alpha=0.3)
    if title or into is not None:
        ax.set_title(wrap(title, fig, _STYLE["axes.titlesize"]) if title else "")
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


def _emptied(ax, size):
    """The axes of a kept figure with everything drawn on it removed and its limits, position
    and the figure's size back to those of a new figure; its style and ticks are kept."""
    from matplotlib.transforms import Bbox

    fig = ax.get_figure(root=True)
    for artist in (*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images,
                   *ax.artists, *ax.tables):
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.containers.clear()
    ax.dataLim.set_points(Bbox.null().get_points())
    ax.viewLim.set_points(Bbox.unit().get_points())  # a figure with no data shows 0 to 1
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)  # as new: the next plot call, not this, asks for a rescale
    if tuple(fig.get_size_inches()) != tuple(size):
        fig.set_size_inches(size)
    fig.subplotpars.reset()  # undo the last tight_layout, as a new figure starts
    fig.subplots_adjust()
    return ax


def kept_figure():
    """A figure for one explorer to draw on at every redraw (pass it as ``into``).

    It stays outside pyplot (``plt.show`` never shows it, ``plt.get_fignums`` never lists it)
    and is freed with the explorer. It remembers the layouts it was given (``_fit``).
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=_STYLE["figure.figsize"])
    FigureCanvasAgg(fig)
    fig.b12_layouts = {}  # subplot params by layout inputs (``_fit``)
    return fig


#: Layouts a kept figure remembers (a few dozen small dicts; the oldest is dropped first).
LAYOUTS_KEPT = 32


def _layout_inputs(fig) -> tuple:
    """Everything ``tight_layout`` measures, read before any layout: the canvas, and per axes
    its position, limits, titles, axis labels, tick labels and positions, offset texts, texts
    and legend entries. The same inputs give the same subplot params."""
    parts = [tuple(fig.get_size_inches()), fig.dpi]
    for ax in fig.axes:
        legend = ax.get_legend()
        parts.append((
            tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(),
            tuple(ax.get_title(loc) for loc in ("left", "center", "right")),
            ax.get_xlabel(), ax.get_ylabel(),
            tuple(ax.get_xticks()), tuple(t.get_text() for t in ax.get_xticklabels()),
            tuple(ax.get_yticks()), tuple(t.get_text() for t in ax.get_yticklabels()),
            ax.xaxis.get_offset_text().get_text(), ax.yaxis.get_offset_text().get_text(),
            tuple((t.get_text(), tuple(t.get_position())) for t in ax.texts),
            None if legend is None else tuple(t.get_text() for t in legend.get_texts())))
    return tuple(parts)


def _fit(fig) -> None:
    """``tight_layout``; a ``kept_figure`` reuses the subplot params it found before for the
    same layout inputs (about a sixth of a redraw saved when a change leaves them alike)."""
    layouts = getattr(fig, "b12_layouts", None)
    if layouts is None:
        fig.tight_layout()
        return
    key = _layout_inputs(fig)
    if key in layouts:
        fig.subplots_adjust(**layouts[key])
        return
    fig.tight_layout()
    if len(layouts) >= LAYOUTS_KEPT:
        layouts.pop(next(iter(layouts)))
    layouts[key] = fig.subplotpars.to_dict()


def to_png(fig) -> bytes:
    """PNG bytes of a figure (for Image widgets that tests can compare), then close it.

    ``tight_layout`` fits titles, labels, legends and texts inside the canvas (tests check every
    course figure with ``overflow``), so the PNG is drawn once; ``bbox_inches="tight"`` would
    draw it a second time only to trim the margin, a quarter of the cost of each figure.
    ``tight_layout`` leaves a placeholder layout engine behind, and ``savefig`` lays out the
    whole figure once more for any engine: dropping it saves ~15-20% of each explorer redraw
    (same PNG bytes; benchmarks/bench_browser.py). zlib level 1 instead of PIL's 6 encodes in
    ~9 ms instead of ~14 ms for a PNG ~10% larger (the same pixels). A ``kept_figure`` is
    left open for its explorer's next redraw (pyplot never held it).
    """
    import io

    import matplotlib.pyplot as plt

    _fit(fig)
    fig.set_layout_engine(None)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
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
