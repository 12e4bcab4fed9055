"""Every quiz and explorer: a restart note in plain words, a key guard, no emoji, no heading.

The key guard's behaviour (keys stay in the widget, arrow keys move between options) needs a
browser: tests/browser/test_notebooks_in_browser.py checks it in JupyterLab.
"""

import sys

import ipywidgets as widgets
import pytest

from b12course import quiz
from b12course.quiz.model import load_all
from b12course.show.widgets import keys
from b12course.show.widgets.lab_interpreter import lab_interpreter
from b12course.show.widgets.look import EMOJI
from b12course.show.widgets.needle_selector import needle_selector
from b12course.show.widgets.regimen_explorer import regimen_explorer
from b12course.show.widgets.store_simulator import store_simulator
from b12course.show.widgets.trajectory_explorer import trajectory_explorer

EXPLORERS = {
    "lab interpreter": lab_interpreter,
    "needle selector": needle_selector,
    "regimen explorer": regimen_explorer,
    "store simulator": store_simulator,
    "trajectory explorer": trajectory_explorer,
}


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _html(widget) -> str:
    return "\n".join(w.value for w in _walk(widget) if isinstance(w, widgets.HTML))


@pytest.fixture(scope="module")
def explorers():
    return {name: build() for name, build in EXPLORERS.items()}


@pytest.fixture
def quiz_view(isolated_quiz_progress):
    return quiz.show("00_start_here")


def test_every_explorer_says_what_to_do_after_a_restart(explorers):
    for name, box in explorers.items():
        assert keys.RESTART["explorer"] in _html(box), name
        assert box.restart_note.value.endswith(f"{keys.RESTART['explorer']}</small>"), name
        assert "the notebook has restarted" in keys.RESTART["explorer"]


def test_every_quiz_says_what_to_do_after_a_restart(quiz_view):
    assert "If Check does nothing, the notebook has restarted" in keys.RESTART["quiz"]
    assert keys.RESTART["quiz"] in quiz_view.restart_note.value
    assert "<small" in quiz_view.restart_note.value  # small and unobtrusive


def test_quizzes_and_explorers_carry_one_hidden_key_guard(explorers, quiz_view):
    for name, box in {**explorers, "quiz": quiz_view}.items():
        assert keys.KEYS_CLASS in box._dom_classes, name
        guards = [w for w in _walk(box) if type(w).__name__ == "KeyGuard"]
        assert guards == [box.key_guard] and box.children[-1] is box.key_guard, name
        assert box.key_guard.layout.display == "none", name


def test_the_guard_script_keeps_plain_keys_and_labels_radio_groups():
    script = keys._ESM
    assert "stopPropagation" in script and 'closest(ROOT)' in script
    for named in ("e.ctrlKey", "e.metaKey", "e.altKey", '"Tab"', '"Escape"', '"Enter"',
                  '"Backspace"', '"Arrow"', '"m"'):
        assert named in script, named
    assert '"radiogroup"' in script and "aria-labelledby" in script and "radio.name" in script
    assert f'ROOT = ".{keys.KEYS_CLASS}"' in script
    assert f'".{keys.PROMPT_CLASS}"' in script and f'".{keys.QUESTION_CLASS}"' in script


def test_each_question_marks_its_prompt_for_the_radio_group_label(quiz_view):
    for view in quiz_view.views:
        assert keys.QUESTION_CLASS in view._dom_classes
        assert keys.PROMPT_CLASS in view.prompt._dom_classes


def test_without_anywidget_quizzes_and_explorers_still_work(monkeypatch, isolated_quiz_progress):
    monkeypatch.setitem(sys.modules, "anywidget", None)  # import anywidget -> ImportError
    keys._guard_class.cache_clear()
    try:
        box = lab_interpreter()
        view = quiz.show("00_start_here")
        assert box.key_guard is None and view.key_guard is None
        assert keys.RESTART["quiz"] in view.restart_note.value
        assert box.children[-1] is box.restart_note
    finally:
        keys._guard_class.cache_clear()


def test_the_quiz_title_is_not_a_heading(quiz_view):
    """An <h4> after a notebook's <h2> skips heading levels (axe: heading-order)."""
    html = _html(quiz_view)
    assert "b12-quiz-title" in html
    for level in range(1, 7):
        assert f"<h{level}" not in html


def test_no_explorer_output_needs_an_emoji_font(explorers):
    for name, box in explorers.items():
        found = EMOJI.findall(_html(box))
        assert not found, f"{name}: {found}"


def test_no_quiz_needs_an_emoji_font(isolated_quiz_progress):
    """Every bank, as first shown (titles, prompts, notices, hints, the restart note)."""
    for name in load_all():
        found = EMOJI.findall(_html(quiz.show(name)))
        assert not found, f"{name}: {found}"


def test_a_scrolling_table_can_be_reached_by_keyboard(explorers):
    """axe: scrollable-region-focusable (the dated doses scroll inside a fixed height)."""
    table = explorers["regimen explorer"].parts.table.value
    assert "overflow:auto" in table and 'tabindex="0"' in table and 'role="region"' in table


def test_the_trajectory_figure_has_alt_text(explorers):
    """axe: image-alt (an ipywidgets.Image has no alt attribute)."""
    image = explorers["trajectory explorer"].parts.image
    assert isinstance(image, widgets.HTML) and '<img src="data:image/png;base64,' in image.value
    assert 'alt="Line chart of' in image.value
