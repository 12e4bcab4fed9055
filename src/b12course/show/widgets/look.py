"""Layout and style models shared by the widgets of one quiz or explorer.

ipywidgets gives every widget its own Layout and Style model unless one is passed in: two of
every three models in a quiz were such copies, and each model is one more message to the browser
(and under nbval). A ``Look`` is made per quiz or explorer and holds models that are never changed
after creation; any layout that does change (a case part hidden and shown) stays the widget's own.
"""

from __future__ import annotations

from functools import cached_property

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

#: Descriptions as wide as their text, so long labels are not cut off.
LABEL_WIDTH = {"description_width": "initial"}


class Look:
    """Shared, read-only layout and style models; each is created on first use."""

    @cached_property
    def plain(self) -> widgets.Layout:
        return widgets.Layout()

    @cached_property
    def auto_width(self) -> widgets.Layout:
        return widgets.Layout(width="auto")

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
        cls = widgets.VBox if vertical else widgets.HBox
        return cls(list(children), layout=self.plain)
