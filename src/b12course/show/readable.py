"""Narrow, worded versions of course tables that are too wide to read on one screen.

Each builder takes its facts from ``b12course.clinical`` unchanged and only words them: a pair of
columns (lowest, highest) becomes one range such as '60-70 kg (130-152 lb)'. Show the result
with ``tables.readable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from b12course.sources.cells import is_blank

NEEDLE_COLUMNS = ["guide", "site", "sex", "weight", "needle length", "source"]


def needle_length_text(row) -> str:
    """'5/8-1 inch (15.875-25.4 mm)', '1 inch (25.4 mm)' or 'up to 3 inch (76.2 mm)'."""
    from b12course.clinical import technique

    high_inch, high_mm = technique.inch_text(row.length_max_inch), f"{row.length_max_mm:g}"
    if is_blank(row.length_min_inch):
        return f"up to {high_inch} inch ({high_mm} mm)"
    if row.length_min_inch == row.length_max_inch:
        return f"{high_inch} inch ({high_mm} mm)"
    return (f"{technique.inch_text(row.length_min_inch)}-{high_inch} inch "
            f"({row.length_min_mm:g}-{high_mm} mm)")


def needle_lengths():
    """The course's needle-length table in six columns: guide, site, sex, weight (kg and lb),
    needle length (inch and mm) and source, one row per row of ``technique.needle_table()``."""
    from b12course.clinical import technique
    from b12course.show.needle_figures import band_text

    table = technique.needle_table()
    table["weight"] = [band_text(row) for row in table.itertuples()]
    table["needle length"] = [needle_length_text(row) for row in table.itertuples()]
    return table[NEEDLE_COLUMNS].reset_index(drop=True)


# ----------------------------------------------------------------------------- doses in words


def dose_text(mcg) -> str:
    """A dose as a student reads it: 1000.0 -> '1000 micrograms' (never '1000.0' or 'mcg')."""
    return f"{float(mcg):g} micrograms"


def dose_with_mg(mcg) -> str:
    """'1000 micrograms (1 mg)': the same dose in the unit UK regimens are written in too."""
    return f"{dose_text(mcg)} ({float(mcg) / 1000:g} mg)"


# ------------------------------------------------------------- long source text as short points

_OPENERS = "([{"
_CLOSERS = ")]}"
#: Sentences that continue the point above them ('Loading differs...' -> 'Shown first: ...').
_FOLLOW_ON = ("Shown first:", "Shown:", "Also stated:")


def _split_outside_brackets(text: str, at) -> list[str]:
    """Split ``text`` where ``at(text, i)`` gives the length of a separator at ``i`` (0: none),
    never inside (...) or [...], so a citation such as [KEY-A; KEY-B] stays whole."""
    pieces, depth, begin, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        if depth == 0 and char not in _OPENERS and (width := at(text, i)):
            pieces.append(text[begin:i + 1].strip())
            begin = i + width
            i = begin
            continue
        i += 1
    pieces.append(text[begin:].strip())
    return [p for p in pieces if p]


def _sentence_end(text: str, i: int) -> int:
    """A full stop (or a closing citation), a space, then a capital letter or a quote."""
    nxt = text[i + 2:i + 3]
    ends = text[i] in ".]" and text[i + 1:i + 2] == " " and (nxt.isupper() or nxt == "'")
    return 2 if ends else 0


def _semicolon(text: str, i: int) -> int:
    """'a [KEY]; b': one item of a list ends, only after its closing citation, so a '; '
    inside one option never cuts it from its conditions and source (review AK01)."""
    return 2 if text[i] == ";" and text[i - 1:i] == "]" and text[i + 1:i + 2] == " " else 0


def _then(text: str, i: int) -> int:
    """'a; then b': one step of a sequence ends ('then' stays with the next step)."""
    return 2 if text.startswith("; then ", i) else 0


def sentences(text: str) -> list[str]:
    """The sentences of a source text, each with its own [citation] kept whole."""
    return _split_outside_brackets(str(text or "").strip(), _sentence_end)


@dataclass
class Point:
    """One short point of a long text, with the points that continue it nested below."""

    text: str
    under: list[Point] = field(default_factory=list)

    def words(self) -> list[str]:
        """Every word of the point and of those under it, in reading order."""
        return self.text.split() + [w for p in self.under for w in p.words()]


def points(text: str) -> list[Point]:
    """A long 'where the sources differ' text as short points.

    'Shown first: ...' and 'Also stated: ...' sentences sit under the point they continue, and
    'Also stated: a; b; c.' lists a, b and c one per line. Only the layout changes: every word
    of the text is kept, in order."""
    result: list[Point] = []
    for sentence in sentences(text):
        if not (result and sentence.startswith(_FOLLOW_ON)):
            result.append(Point(sentence))
            continue
        label, _, rest = sentence.partition(": ")
        items = _split_outside_brackets(rest, _then if label.startswith("Shown") else _semicolon)
        if len(items) > 1:
            result[-1].under.append(Point(f"{label}:", [Point(i) for i in items]))
        else:
            result[-1].under.append(Point(sentence))
    return result


def _point_html(point: Point) -> str:
    import html

    under = "".join(_point_html(p) for p in point.under)
    return f"<li>{html.escape(point.text)}{f'<ul>{under}</ul>' if under else ''}</li>"


#: A point that only compares sources ends so; it can be folded away. Any other point (no
#: source gives a regimen for this cause or for nerve involvement, a fact not confirmed) is a
#: warning the reader must see, so it stays visible (review AK02).
_COMPARISON = "differs between sources."


def points_html(text: str, title: str) -> str:
    """``points(text)`` as bullets: warnings visible, the comparisons of sources folded in a
    <details> whose summary is ``title`` and their number (empty string when there is no text)."""
    import html

    found = points(text)
    shown = [p for p in found if not p.text.endswith(_COMPARISON)]
    folded = [p for p in found if p.text.endswith(_COMPARISON)]
    parts = []
    if shown:
        parts.append(f"<ul>{''.join(_point_html(p) for p in shown)}</ul>")
    if folded:
        count = f"{len(folded)} point{'' if len(folded) == 1 else 's'}"
        parts.append(f"<details><summary>{html.escape(title)} ({count})</summary>"
                     f"<ul>{''.join(_point_html(p) for p in folded)}</ul></details>")
    return "".join(parts)


# ------------------------------------------------------------------ laboratory schemes by name

#: What each scheme code in ``data/lab_thresholds.csv`` stands for, in words a student reads in
#: a dropdown. The data has no display-name column, so each name is the organisation and year of
#: the scheme's own source as ``data/references.csv`` cites it (``SCHEME_SOURCE`` below: a test
#: checks that each name's organisation and year appear in that citation). The value a widget
#: passes on stays the code.
SCHEME_NAMES = {
    "NICE-NG239": "NICE guideline NG239, 2024",
    "BSH-CKS (historical)": "British Society for Haematology 2014 and NICE CKS 2020 (historical)",
    "NBT-B12": "North Bristol NHS Trust (Severn Pathology) laboratory",
    "RUH-2024": "Royal United Hospitals Bath laboratory, 2024",
    "RUH-2023 (historical)": "Royal United Hospitals Bath laboratory, 2023 (historical)",
    "UCSF": "UCSF clinical laboratory (US; ranges after its 2017 method change)",
}
#: The references.csv keys whose citations the names above are read from.
SCHEME_SOURCE = {
    "NICE-NG239": ("NICE-NG239",),
    "BSH-CKS (historical)": ("BSH-SUPERSEDED", "BSH-2014", "CKS-2020"),
    "NBT-B12": ("NBT-B12",),
    "RUH-2024": ("RUH-B12-2024",),
    "RUH-2023 (historical)": ("RUH-B12-2023", "RUH-B12-2024"),
    "UCSF": ("UCSF-LAB",),
}


def scheme_name(code: str) -> str:
    """A scheme's name in words ('North Bristol NHS Trust (Severn Pathology) laboratory' for
    'NBT-B12'); a scheme the course has not named yet keeps its code rather than get an
    invented name."""
    return SCHEME_NAMES.get(code, code)


def scheme_options(codes) -> list[tuple[str, str]]:
    """(name, code) pairs for a dropdown: students read the name, the widget passes the code."""
    return [(scheme_name(code), code) for code in codes]
