"""Real-browser check: every course notebook runs in JupyterLab and its widgets render and respond.

Unit tests of widget callbacks cannot see what a student sees (e.g. "Error displaying widget"
from a front end that does not match the kernel's ipywidgets), so this module opens each notebook
in headless Chromium, runs it, and reads the page. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re

import nbformat
import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures then skip (or, in CI, fail) with the reason
    expect = None

from b12course.paths import REPO_ROOT

pytestmark = pytest.mark.browser

# Notebooks whose names start with "_" (the authoring template) are scaffolds, not course
# sessions: they are not in the course map and nbval already executes them, so they are left out.
NOTEBOOKS = sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb")
                   if not p.name.startswith("_"))


def _source_index(notebook: dict, needle: str) -> int | None:
    """0-based index of the first code cell whose source contains `needle`."""
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code" and needle in "".join(cell["source"]):
            return i
    return None


def _require_notebook(name: str) -> None:
    """Skip, naming the notebook, only while it does not exist; once it exists the test runs."""
    if not (REPO_ROOT / "notebooks" / name).exists():
        pytest.skip(f"notebooks/{name} does not exist yet; this check runs once it does")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_every_widget_renders(name, open_notebook, screenshot_dir):
    notebook = open_notebook(name)
    notebook.run_all()
    problems = notebook.problems()
    notebook.screenshot(screenshot_dir)
    assert not problems, "\n".join(problems)


def test_the_checker_names_notebook_and_cell_of_a_broken_widget(lab_server, open_notebook):
    """Deliberately broken notebook: the same check must fail, naming notebook and cell."""
    cells = [
        nbformat.v4.new_markdown_cell("# A deliberately broken notebook"),
        nbformat.v4.new_code_cell("import ipywidgets as widgets\nwidgets.Button(description='OK')"),
        # what a front end that cannot load the kernel's widget model shows
        nbformat.v4.new_code_cell(
            "from IPython.display import display\n"
            "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'no-such-model',"
            " 'version_major': 2, 'version_minor': 0}, 'text/plain': 'VBox()'}, raw=True)"),
        nbformat.v4.new_code_cell("raise ValueError('a cell that raises')"),
        nbformat.v4.new_code_cell("1 + 1"),
    ]
    broken = nbformat.v4.new_notebook(cells=cells)
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
    nbformat.write(broken, lab_server.root / "zz_broken_widget.ipynb")

    notebook = open_notebook("zz_broken_widget.ipynb")
    notebook.run_all()
    report = "\n".join(notebook.problems())

    assert "zz_broken_widget.ipynb, cell 2" not in report, report  # the working widget passes
    assert "zz_broken_widget.ipynb, cell 3: the browser shows 'Error displaying widget" in report
    assert "zz_broken_widget.ipynb, cell 4: raised ValueError: a cell that raises" in report
    assert "zz_broken_widget.ipynb, cell 5: did not run" in report


def test_a_widget_callback_that_raises_is_reported(lab_server, open_notebook):
    """A click whose callback raises shows nothing in the cell; the Log Console must catch it."""
    cells = [nbformat.v4.new_code_cell(
        "import ipywidgets as widgets\n"
        "button = widgets.Button(description='Explode')\n"
        "def explode(_):\n"
        "    raise RuntimeError('callback exploded')\n"
        "button.on_click(explode)\n"
        "button")]
    broken = nbformat.v4.new_notebook(cells=cells)
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
    nbformat.write(broken, lab_server.root / "zz_raising_callback.ipynb")

    notebook = open_notebook("zz_raising_callback.ipynb")
    notebook.run_all()
    assert notebook.problems() == []
    notebook.cell(0).locator("button.jupyter-button", has_text="Explode").click()
    notebook.page.locator(".jp-LogConsoleStatusItem:not(.lm-mod-hidden)").wait_for()
    report = "\n".join(notebook.callback_errors(0))
    assert "zz_raising_callback.ipynb, cell 1: a widget callback raised" in report, report
    assert "callback exploded" in report, report


def _score(cell) -> tuple[int, int]:
    """(correct, attempted) read from the quiz's running score line."""
    text = cell.locator(".widget-html", has_text="Score:").last.inner_text()
    match = re.search(r"Score:\s*(\d+) of \d+ correct\D+(\d+) attempted", text)
    assert match, f"unexpected score line: {text!r}"
    return int(match[1]), int(match[2])


def _question_box(notebook, cell, number: int, total: int):
    """The box of top-level question `number` ("Question n of N." labels it)."""
    label = notebook.page.locator(".widget-html", has_text=f"Question {number} of {total}.")
    return cell.locator(".widget-vbox").filter(has=label).last


def _feedback(box):
    """The feedback line of a question box: the HTML right after its row of buttons."""
    return box.locator(":scope > .widget-hbox + .widget-html")


def test_start_quiz_marks_wrong_then_right_and_the_score_moves(lab_server, open_notebook):
    from b12course.quiz import load_bank
    from b12course.quiz.grading import HEADLINES
    from b12course.quiz.widgets import plain

    bank = load_bank("00_start_here")
    total = len(bank.questions)
    number, question = next((n, q) for n, q in enumerate(bank.questions, start=1)
                            if q.type == "multiple_choice")
    wrong = plain(next(c.answer for c in question.choices if not c.correct))
    right = plain(next(c.answer for c in question.choices if c.correct))

    notebook = open_notebook("00_start_here.ipynb")
    notebook.run_all()
    index = _source_index(notebook.save(), 'quiz.show("00_start_here"')
    assert index is not None, "00_start_here.ipynb: no cell calls quiz.show(\"00_start_here\")"
    where = f"00_start_here.ipynb, cell {index + 1}, question {question.id}"
    cell = notebook.cell(index)
    box = _question_box(notebook, cell, number, total)
    feedback = _feedback(box)
    before = _score(cell)

    box.locator(".widget-radio-box label", has_text=wrong).click()
    box.locator("button.jupyter-button", has_text="Check").click()
    expect(feedback, f"{where}: a wrong answer must say so").to_contain_text(
        HEADLINES["incorrect"])
    expect(cell.locator(".widget-html", has_text="Score:").last).to_contain_text(
        f"{before[1] + 1} attempted")
    after_wrong = _score(cell)
    assert after_wrong[0] == before[0], f"{where}: a wrong answer raised the score"

    box.locator(".widget-radio-box label", has_text=right).click()
    box.locator("button.jupyter-button", has_text="Check").click()
    expect(feedback, f"{where}: the right answer must say so").to_contain_text(
        HEADLINES["correct"])
    expect(cell.locator(".widget-html", has_text="Score:").last).to_contain_text(
        f"Score: {before[0] + 1} of")
    assert notebook.callback_errors(index) == []


def test_start_quiz_numeric_answer_typed_in_the_browser(lab_server, open_notebook):
    """Typed text reaches the kernel on Check (the box only syncs when it loses focus)."""
    from b12course.quiz import load_bank
    from b12course.quiz.grading import HEADLINES

    bank = load_bank("00_start_here")
    total = len(bank.questions)
    number, question = next((n, q) for n, q in enumerate(bank.questions, start=1)
                            if q.type == "numeric" and q.unit)
    right = next(a for a in question.numeric if a.correct)
    wrong_unit = "mL" if right.unit != "mL" else "mg"

    notebook = open_notebook("00_start_here.ipynb")
    notebook.run_all()
    index = _source_index(notebook.save(), 'quiz.show("00_start_here"')
    assert index is not None, "00_start_here.ipynb: no cell calls quiz.show(\"00_start_here\")"
    where = f"00_start_here.ipynb, cell {index + 1}, question {question.id}"
    cell = notebook.cell(index)
    box = _question_box(notebook, cell, number, total)
    answer = box.locator("input[type=text]").first
    feedback = _feedback(box)

    answer.fill(f"{right.value:g} {wrong_unit}")
    box.locator("button.jupyter-button", has_text="Check").click()
    expect(feedback, f"{where}: a wrong unit must be told apart").to_contain_text(
        HEADLINES["wrong_unit"])

    answer.fill(f"{right.value:g} {right.unit}")
    box.locator("button.jupyter-button", has_text="Check").click()
    expect(feedback, f"{where}: the right amount must say so").to_contain_text(
        HEADLINES["correct"])
    assert notebook.callback_errors(index) == []
