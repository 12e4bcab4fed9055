"""Layout and style models shared by the widgets of one quiz or explorer.

ipywidgets gives every widget its own Layout and Style model unless one is passed in: two of
every three models in a quiz were such copies, and each model is one more message to the browser
(and under nbval). A ``Look`` is made per quiz or explorer and holds models that are never changed
after creation; any layout that does change (a case part hidden and shown) stays the widget's own.
"""

from __future__ import annotations

import re
from functools import cached_property

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

#: Descriptions as wide as their text, so long labels are not cut off.
LABEL_WIDTH = {"description_width": "initial"}

#: Status marks from basic fonts (DejaVu Sans on Linux, Segoe UI Symbol on Windows). Emoji such
#: as ✅ ❌ ⚠️ ℹ️ need an emoji font that many Linux lab PCs lack: there they showed as empty boxes.
#: The words after a mark carry the meaning (tests and screen readers rely on them).
OK = "✓"  # U+2713 CHECK MARK
NO = "✗"  # U+2717 BALLOT X
CAUTION = "⚠"  # U+26A0 WARNING SIGN without U+FE0F: drawn from a text font, not an emoji font
NOTE = "Note:"
#: Characters drawn only from an emoji font: those Unicode shows as emoji by default (U+2705 ✅,
#: U+274C ❌, ...) and any character followed by U+FE0F (ℹ️, ⚠️). Tests check that no course output
#: contains one.
EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\uFE0F\u231A\u231B\u23E9-\u23EC\u23F0\u23F3\u25FD\u25FE"
    "\u2614\u2615\u2648-\u2653\u267F\u2693\u26A1\u26AA\u26AB\u26BD\u26BE\u26C4\u26C5"
    "\u26CE\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD\u2705\u270A\u270B\u2728\u274C"
    "\u274E\u2753-\u2755\u2757\u2795-\u2797\u27B0\u27BF\u2B1B\u2B1C\u2B50\u2B55]")

#: Tables in widget HTML: visible cell borders and padding, scoped to one class (an HTML widget
#: has no stylesheet of its own). The grey #767676 has 4.5:1 contrast on white.
TABLE_CLASS = "b12-table"
TABLE_CSS = (f"<style>table.{TABLE_CLASS}{{border-collapse:collapse;margin:2px}}"
             f"table.{TABLE_CLASS} th,table.{TABLE_CLASS} td{{border:1px solid #767676;"
             "padding:3px 8px;text-align:left;vertical-align:top}"
             f"table.{TABLE_CLASS} th{{background:#f0f0f0}}</style>")


def option_labels(options) -> list[str]:
    """The labels a selection widget shows: the first of each (label, value) pair, or the
    option itself."""
    return [str(o[0]) if isinstance(o, tuple) else str(o) for o in options]


def fitted_layout(description: str, options) -> widgets.Layout:
    """A layout wide enough for ``description`` and the longest of ``options`` side by side.

    ipywidgets draws every dropdown 300 px wide whatever it holds: a long description then left
    the list 37 px ("lo") and long options were cut off. One ``ch`` is about one character;
    3 em covers the list's arrow and the gap after the description. Never wider than the page.
    """
    longest = max((len(label) for label in option_labels(options)), default=0)
    return widgets.Layout(width=f"calc({len(description) + longest}ch + 3em)", max_width="100%")


def fitted_dropdown(look: Look, description: str, options, value) -> widgets.Dropdown:
    """A dropdown sized to its description and options, with the shared description style."""
    return widgets.Dropdown(options=options, value=value, description=description,
                            style=look.label, layout=fitted_layout(description, options))


class Look:
    """Shared, read-only layout and style models; each is created on first use."""

    @cached_property
    def plain(self) -> widgets.Layout:
        return widgets.Layout()

    @cached_property
    def auto_width(self) -> widgets.Layout:
        return widgets.Layout(width="auto")

    @cached_property
    def row(self) -> widgets.Layout:
        """A row whose controls wrap onto the next line rather than squeeze each other."""
        return widgets.Layout(flex_flow="row wrap", align_items="flex-start")

    @cached_property
    def html(self) -> HTMLStyle:
        return HTMLStyle()

    @cached_property
    def button(self) -> widgets.ButtonStyle:
        return widgets.ButtonStyle()

    @cached_property
    def label(self) -> DescriptionStyle:
        return DescriptionStyle(**LABEL_WIDTH)

    @cached_property
    def checkbox(self) -> CheckboxStyle:
        return CheckboxStyle()

    @cached_property
    def text(self) -> TextStyle:
        return TextStyle(**LABEL_WIDTH)

    def html_widget(self, value: str = "") -> widgets.HTML:
        """An HTML widget using the shared plain layout and style."""
        return widgets.HTML(value, layout=self.plain, style=self.html)

    def box(self, children, vertical: bool = True) -> widgets.Box:
        """A VBox (or HBox) using the shared plain layout."""
        if vertical:
            return widgets.VBox(list(children), layout=self.plain)
        return widgets.HBox(list(children), layout=self.row)
