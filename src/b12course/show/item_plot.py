"""The quiz item-analysis plot: difficulty against discrimination, with the review zones shaded.

It takes plain (label, difficulty, discrimination) points, so it knows nothing of quizzes. It
draws on the Agg canvas directly (no pyplot, no global backend switch), so a notebook's own
backend is left alone. Colours are the course's Okabe-Ito palette; zones differ by hatching too.
"""

from __future__ import annotations

from pathlib import Path

from b12course.show.plots import PALETTE

#: Label positions tried around a point (offset in points, alignment), nearest first; the
#: first free one wins, and a label set apart from its point gets a thin leader line.
_OFFSETS = [(4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"),
            (-4, -3, "right", "top"), (0, 8, "center", "bottom"), (0, -8, "center", "top"),
            *[(round(r * dx), round(r * dy), "left" if dx > 0 else "right" if dx < 0 else
               "center", "bottom" if dy > 0 else "top" if dy < 0 else "center")
              for r in (14, 24, 34)
              for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1),
                             (0, -1))]]
_FONT = 6.5


def _overlap(box, others) -> float:
    """Total area (pixels) where ``box`` overlaps the boxes in ``others``."""
    total = 0.0
    for other in others:
        width = min(box.x1, other.x1) - max(box.x0, other.x0)
        height = min(box.y1, other.y1) - max(box.y0, other.y0)
        if width > 0 and height > 0:
            total += width * height
    return total


def _box(px: float, py: float, size: tuple[float, float], offset, scale: float):
    """The pixel box of a label of ``size`` placed at ``offset`` from the point (px, py)."""
    from matplotlib.transforms import Bbox

    dx, dy, ha, va = offset
    width, height = size
    x0 = px + dx * scale - {"left": 0, "center": width / 2, "right": width}[ha]
    y0 = py + dy * scale - {"bottom": 0, "center": height / 2, "top": height}[va]
    return Bbox([[x0, y0], [x0 + width, y0 + height]])


def _label(ax, renderer, label: str, x: float, y: float, taken: list, frame) -> None:
    """Write a label at the free spot nearest its point (least overlap if none is free)."""
    from matplotlib.font_manager import FontProperties

    width, height, _descent = renderer.get_text_width_height_descent(
        label, FontProperties(size=_FONT), ismath=False)
    px, py = ax.transData.transform((x, y))
    scale = ax.figure.dpi / 72
    best = None
    for offset in _OFFSETS:
        box = _box(px, py, (width, height), offset, scale)
        outside = (box.x0 < frame.x0) + (box.x1 > frame.x1) + (box.y0 < frame.y0) + (
            box.y1 > frame.y1)
        cost = _overlap(box, taken) + outside * 1e6
        if best is None or cost < best[0]:
            best = (cost, offset, box)
        if cost == 0:
            break
    _cost, (dx, dy, ha, va), box = best
    far = abs(dx) > 10 or abs(dy) > 10
    ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                fontsize=_FONT, color=PALETTE["black"],
                arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 0.5} if far else None)
    taken.append(box)


def _zones(ax, easy: float, hard: float, weak: float, bottom: float, top: float) -> None:
    """Shade where a question deserves a look: too hard, too easy, weak or negative."""
    review = {"facecolor": PALETTE["orange"], "alpha": 0.15, "edgecolor": PALETTE["orange"],
              "linewidth": 0}
    ax.axvspan(0, hard, hatch="//", label=f"review: very hard (< {hard:g} right first time)",
               **review)
    ax.axvspan(easy, 1.02, hatch="\\\\", label=f"review: very easy (> {easy:g})", **review)
    ax.axhspan(0, weak, facecolor=PALETTE["sky"], alpha=0.2, hatch="..", linewidth=0,
               edgecolor=PALETTE["sky"], label=f"review: weak discrimination (< {weak:g})")
    ax.axhspan(bottom, 0, facecolor=PALETTE["vermillion"], alpha=0.15, hatch="xx", linewidth=0,
               edgecolor=PALETTE["vermillion"], label="negative discrimination: check the key")
    ax.axhline(0, color=PALETTE["black"], linewidth=0.8)
    ax.set_ylim(bottom, top)
    ax.set_xlim(0, 1.02)


def difficulty_discrimination(points, path, title: str, *, easy: float = 0.9, hard: float = 0.3,
                              weak: float = 0.2) -> Path:
    """Save the plot of (label, difficulty, discrimination) points as a PNG at ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    points = sorted(points, key=lambda p: (p[1], p[2], p[0]))
    ys = [p[2] for p in points]
    bottom = min([-0.4, *(y - 0.08 for y in ys)])
    top = max([1.0, *(y + 0.08 for y in ys)])
    fig = Figure(figsize=(11, 7.5), dpi=120)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _zones(ax, easy, hard, weak, bottom, top)
    good = [p for p in points if p[2] >= 0]
    bad = [p for p in points if p[2] < 0]
    ax.scatter([p[1] for p in good], [p[2] for p in good], s=22, marker="o",
               color=PALETTE["blue"], zorder=3, label="a question")
    if bad:
        ax.scatter([p[1] for p in bad], [p[2] for p in bad], s=34, marker="v",
                   color=PALETTE["vermillion"], edgecolor=PALETTE["black"], linewidth=0.5,
                   zorder=3, label="a question with negative discrimination")
    ax.set_title(title, fontsize=13)
    ax.set_xlabel("Difficulty: share of students right first time (further right = easier)")
    ax.set_ylabel("Discrimination: item-rest correlation r\n(higher = separates stronger "
                  "and weaker students)")
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3, fontsize=8,
              frameon=False)
    fig.tight_layout()
    renderer = canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [_dot(ax, x, y) for _label_text, x, y in points]
    for label, x, y in points:
        _label(ax, renderer, label, x, y, taken, frame)
    return _save(canvas, Path(path))


def _save(canvas, path: Path) -> Path:
    """Write the PNG with a 64-colour palette: a quarter of the size, the same to the eye."""
    from PIL import Image

    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(
        path, format="PNG", optimize=True)
    return path


def _dot(ax, x: float, y: float):
    """The pixel box a marker covers, so labels keep off the points."""
    from matplotlib.transforms import Bbox

    px, py = ax.transData.transform((x, y))
    return Bbox([[px - 4, py - 4], [px + 4, py + 4]])
