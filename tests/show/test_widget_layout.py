"""Every dropdown of every explorer shows its label and its longest option whole, opens on a
real choice (never a blank box), and lists no source code such as 'NBT-B12' as a choice."""

import re

import ipywidgets as widgets
import pytest

from b12course.show.widgets.lab_interpreter import lab_interpreter
from b12course.show.widgets.needle_selector import needle_selector
from b12course.show.widgets.regimen_explorer import regimen_explorer
from b12course.show.widgets.store_simulator import store_simulator
from b12course.show.widgets.trajectory_explorer import trajectory_explorer

EXPLORERS = [lab_interpreter, needle_selector, regimen_explorer, store_simulator,
             trajectory_explorer]
CODE = re.compile(r"\b[A-Z]{2,}-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


def _dropdowns(node):
    if isinstance(node, widgets.Dropdown):
        yield node
    for child in getattr(node, "children", ()):
        yield from _dropdowns(child)


@pytest.fixture(scope="module", params=EXPLORERS, ids=lambda f: f.__name__)
def dropdowns(request):
    found = list(_dropdowns(request.param()))
    assert found
    return found


def test_no_dropdown_opens_blank(dropdowns):
    for control in dropdowns:
        assert control.index is not None and control.value is not None, control.description


def test_every_dropdown_is_as_wide_as_its_label_and_longest_option(dropdowns):
    for control in dropdowns:
        assert control.style.description_width == "initial", control.description
        found = re.fullmatch(r"calc\((\d+)ch \+ 3em\)", control.layout.width or "")
        assert found, (control.description, control.layout.width)
        longest = max(len(label) for label in control._options_labels)
        assert int(found.group(1)) >= len(control.description) + longest, control.description


def test_choices_name_things_in_words_not_scheme_codes(dropdowns):
    """A cited source key in [brackets] is a citation, not the name of the choice."""
    for control in dropdowns:
        for label in control._options_labels:
            assert not CODE.search(re.sub(r"\[[^\]]*\]", "", label)), label
