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

from b12course.sources import coursemap
from b12course.sources.paths import REPO_ROOT

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


def _session_file(number: str) -> str:
    """The notebook file of a course-map session (a renamed notebook is followed, not skipped)."""
    return next(s.filename for s in coursemap.sessions() if s.number == number)


START, LABS, REGIMENS = (_session_file(n) for n in ("00", "02", "03"))


def _require_notebook(lab_server, name: str) -> None:
    """Skip, naming the notebook, only while it does not exist; once it exists the test runs."""
    if not (lab_server.root / name).exists():
        pytest.skip(f"notebooks/{name} does not exist yet; this check runs once it does")


# Notebooks the interaction tests below drive: their run pages are kept, not run twice.
INTERACTIVE = {START, LABS, REGIMENS}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_every_widget_renders(name, run_notebook, screenshot_dir):
    notebook = run_notebook(name, keep=name in INTERACTIVE)
    problems = notebook.problems()
    notebook.screenshot(screenshot_dir)
    assert not problems, "\n".join(problems)


def _write_notebook(path, sources: list[str]) -> None:
    cells = [nbformat.v4.new_markdown_cell("# A deliberately broken notebook")]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    nbformat.write(notebook, path)


def test_the_check_names_notebook_and_cell_of_broken_widgets(lab_server, run_notebook):
    """Deliberately broken widgets and cells: the same check must fail, naming notebook and cell."""
    _write_notebook(lab_server.root / "zz_broken.ipynb", [
        # cell 2: renders fine, but its callback raises when clicked
        "import ipywidgets as widgets\n"
        "button = widgets.Button(description='Explode')\n"
        "def explode(_):\n"
        "    raise RuntimeError('callback exploded')\n"
        "button.on_click(explode)\n"
        "button",
        # cell 3: what a front end that cannot load the kernel's widget model shows
        "from IPython.display import display\n"
        "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'no-such-model',"
        " 'version_major': 2, 'version_minor': 0}, 'text/plain': 'VBox()'}, raw=True)",
        "raise ValueError('a cell that raises')",  # cell 4
        "1 + 1",  # cell 5: never runs, Run All stops at cell 4
    ])
    notebook = run_notebook("zz_broken.ipynb")
    report = "\n".join(notebook.problems())

    assert "zz_broken.ipynb, cell 2" not in report, report  # the working widget passes
    assert "zz_broken.ipynb, cell 3: the browser shows 'Error displaying widget" in report, report
    assert "zz_broken.ipynb, cell 4: raised ValueError: a cell that raises" in report, report
    assert "zz_broken.ipynb: cell 5 did not run" in report, report

    # A raising callback shows nothing in its cell; the Log Console must catch it.
    notebook.cell(1).locator("button.jupyter-button", has_text="Explode").click()
    notebook.page.locator(".jp-LogConsoleStatusItem:not(.lm-mod-hidden)").wait_for()
    report = "\n".join(notebook.callback_errors(1))
    assert "zz_broken.ipynb, cell 2: a widget callback raised" in report, report
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


def _open_and_find(run_notebook, name: str, needle: str):
    """The run notebook; (page, 0-based index, cell locator, 'name, cell N') of `needle`."""
    notebook = run_notebook(name)
    index = _source_index(notebook.save(), needle)
    assert index is not None, f"{name}: no code cell contains {needle!r}"
    cell = notebook.cell(index)
    # JupyterLab skips laying out cells far off screen (content-visibility), and Playwright
    # only acts on laid-out elements: bring the cell into view first.
    cell.scroll_into_view_if_needed()
    return notebook, index, cell, f"{name}, cell {index + 1}"


def test_start_quiz_marks_wrong_then_right_and_the_score_moves(lab_server, run_notebook):
    from b12course.quiz import load_bank
    from b12course.quiz.scoring import HEADLINES
    from b12course.quiz.widgets import plain

    slug = START.removesuffix(".ipynb")
    bank = load_bank(slug)
    total = len(bank.questions)
    notebook, index, cell, where = _open_and_find(run_notebook, START, f'quiz.show("{slug}"')

    # single choice: wrong, then right; the running score moves only for the right one
    number, question = next((n, q) for n, q in enumerate(bank.questions, start=1)
                            if q.type == "multiple_choice")
    box = _question_box(notebook, cell, number, total)
    feedback = _feedback(box)
    check = box.locator("button.jupyter-button", has_text="Check")
    score_line = cell.locator(".widget-html", has_text="Score:").last
    before = _score(cell)

    box.locator(".widget-radio-box label", has_text=plain(
        next(c.answer for c in question.choices if not c.correct))).click()
    check.click()
    expect(feedback, f"{where}, {question.id}: a wrong answer must say so").to_contain_text(
        HEADLINES["incorrect"])
    expect(score_line).to_contain_text(f"{before[1] + 1} attempted")
    assert _score(cell)[0] == before[0], f"{where}: a wrong answer raised the score"

    box.locator(".widget-radio-box label", has_text=plain(
        next(c.answer for c in question.choices if c.correct))).click()
    check.click()
    expect(feedback, f"{where}, {question.id}: the right answer must say so").to_contain_text(
        HEADLINES["correct"])
    expect(score_line, f"{where}: the score must count the right answer").to_contain_text(
        f"Score: {before[0] + 1} of")

    # numeric with a unit: typed text reaches the kernel when Check is pressed (the box only
    # syncs when it loses focus), and a wrong unit is told apart from a wrong number
    number, question = next((n, q) for n, q in enumerate(bank.questions, start=1)
                            if q.type == "numeric" and q.unit)
    right = next(a for a in question.numeric if a.correct)
    box = _question_box(notebook, cell, number, total)
    answer = box.locator("input[type=text]").first
    answer.fill(f"{right.value:g} {'mL' if right.unit != 'mL' else 'mg'}")
    box.locator("button.jupyter-button", has_text="Check").click()
    expect(_feedback(box), f"{where}, {question.id}: a wrong unit must be told apart"
           ).to_contain_text(HEADLINES["wrong_unit"])
    answer.fill(f"{right.value:g} {right.unit}")
    box.locator("button.jupyter-button", has_text="Check").click()
    expect(_feedback(box), f"{where}, {question.id}: the right amount must say so"
           ).to_contain_text(HEADLINES["correct"])

    assert notebook.callback_errors(index) == []


CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"


def _guarded(cell) -> None:
    """Wait until the quiz's or explorer's key guard (b12course.show.widgets.keys) is active."""
    expect(cell.locator(".b12-keys").first, "the key guard never attached: is anywidget "
           "installed and its JupyterLab extension enabled?").to_have_attribute(
        "data-b12-keys", "on")


def test_keys_typed_in_the_start_quiz_stay_in_the_quiz(lab_server, run_notebook):
    """On a focused radio, JupyterLab's command mode would take `d d` (delete the cell), `m`
    (make it Markdown), Ctrl+Backspace (merge it with the cell above), Ctrl+Shift+ArrowUp (move
    it up) and ArrowDown (go to the next cell). In a course quiz they stay in the quiz: the cell
    is still there, in place, still code, still active, and ArrowDown chose the next option
    (Check grades that option, so the kernel got it)."""
    from b12course.quiz import load_bank
    from b12course.quiz.scoring import HEADLINES
    from b12course.quiz.widgets import plain
    from b12course.show.widgets.keys import RESTART

    slug = START.removesuffix(".ipynb")
    bank = load_bank(slug)
    total = len(bank.questions)
    notebook, index, cell, where = _open_and_find(run_notebook, START, f'quiz.show("{slug}"')
    _guarded(cell)
    expect(cell.locator(".b12-restart"), f"{where}: the restart note").to_contain_text(
        RESTART["quiz"])
    number, question = next((n, q) for n, q in enumerate(bank.questions, start=1)
                            if q.type == "multiple_choice")
    box = _question_box(notebook, cell, number, total)
    group = box.get_by_role("radiogroup")
    expect(group, f"{where}: the radio group is named after its question").to_have_accessible_name(
        re.compile(re.escape(plain(question.question)[:40])))
    radios = group.locator("input[type=radio]")
    labels = [plain(radios.nth(k).locator("xpath=..").inner_text()) for k in range(2)]
    cells_before = notebook.page.locator(CELLS).count()

    radios.first.click()
    expect(radios.first).to_be_focused()
    for key in ("d", "d", "m", "Control+Backspace", "Control+Shift+ArrowUp", "ArrowDown"):
        notebook.page.keyboard.press(key)
    expect(radios.nth(1), f"{where}: ArrowDown must choose the next option").to_be_checked()
    expect(radios.nth(1)).to_be_focused()
    assert notebook.page.locator(CELLS).count() == cells_before, f"{where}: a cell was deleted"
    expect(cell.locator(".b12-quiz"), f"{where}: the quiz cell moved").to_have_count(1)
    expect(cell, f"{where}: `m` turned the quiz cell into Markdown").to_have_class(
        re.compile(r"\bjp-CodeCell\b"))
    expect(cell, f"{where}: ArrowDown moved to another cell").to_have_class(
        re.compile(r"\bjp-mod-active\b"))

    chosen = next(c for c in question.choices if plain(c.answer) == labels[1].strip())
    box.locator("button.jupyter-button", has_text="Check").click()
    expect(_feedback(box), f"{where}: Check must grade the option chosen with ArrowDown"
           ).to_contain_text(HEADLINES["correct" if chosen.correct else "incorrect"])
    assert notebook.callback_errors(index) == []


def test_the_key_check_can_fail_keys_on_a_bare_radio_reach_jupyterlab(lab_server, run_notebook):
    """The check above is not vacuous: `m` on a plain ipywidgets radio makes its cell Markdown,
    while the same radio inside a guarded box keeps the key (and ArrowDown moves the choice)."""
    _write_notebook(lab_server.root / "zz_keys.ipynb", [
        "import ipywidgets as widgets\n"
        "widgets.RadioButtons(options=['first', 'second'], value=None)",  # cell 2: bare
        "import ipywidgets as widgets\n"
        "from b12course.show.widgets import keys\n"
        "keys.finish(widgets.VBox([widgets.RadioButtons(options=['one', 'two'], value=None)]),"
        " 'explorer')",  # cell 3: guarded like every course widget
    ])
    notebook = run_notebook("zz_keys.ipynb")
    bare, guarded = notebook.cell(1), notebook.cell(2)
    _guarded(guarded)

    radios = guarded.locator(".widget-radio-box input[type=radio]")
    radios.first.click()
    for key in ("m", "ArrowDown"):
        notebook.page.keyboard.press(key)
    expect(radios.nth(1)).to_be_checked()
    expect(guarded).to_have_class(re.compile(r"\bjp-CodeCell\b"))

    bare.locator(".widget-radio-box input[type=radio]").first.click()
    notebook.page.keyboard.press("m")
    expect(bare, "JupyterLab no longer turns a cell into Markdown on `m` typed on a radio: the "
           "key guard may be unnecessary now (see b12course/show/widgets/keys.py)"
           ).to_have_class(re.compile(r"\bjp-MarkdownCell\b"))


def test_lab_interpreter_gives_a_friendly_message_for_a_bad_value(lab_server, run_notebook):
    name = LABS
    _require_notebook(lab_server, name)
    notebook, index, cell, where = _open_and_find(run_notebook, name, "lab_interpreter()")
    result = cell.locator(".widget-text", has_text="Result:").locator("input")
    interpret = cell.locator("button.jupyter-button", has_text="Interpret")
    # the explorer's own feedback, not the restart note below it
    feedback = cell.locator(".b12-keys > .widget-html").filter(
        has_not=notebook.page.locator(".b12-restart")).last

    result.fill("-5")
    interpret.click()
    expect(feedback, f"{where}: a negative result needs a friendly message").to_contain_text(
        "Cannot interpret that yet")
    expect(feedback).to_contain_text("negative")

    result.fill("1 mg")
    interpret.click()
    expect(feedback, f"{where}: a mass unit needs a friendly message").to_contain_text(
        "not a blood concentration")

    result.fill("250")
    interpret.click()
    expect(feedback, f"{where}: a valid result must be interpreted, with its source"
           ).to_contain_text("Source:")
    assert "Traceback" not in feedback.inner_text(), where
    assert notebook.callback_errors(index) == []


def test_regimen_explorer_redraws_figure_and_table_for_another_cause(lab_server, run_notebook):
    name = REGIMENS
    _require_notebook(lab_server, name)
    from b12course.clinical import regimens
    from b12course.show.widgets.regimen_explorer import cause_label

    notebook, index, cell, where = _open_and_find(run_notebook, name, "regimen_explorer(")
    cause = cell.locator(".widget-dropdown", has_text="Cause:").locator("select")
    image = cell.locator("figure img").first
    table = cell.locator(".widget-html table").last
    expect(image, f"{where}: the explorer draws a figure at start").to_be_visible()
    before = (image.get_attribute("src"), table.inner_text())
    # the <select> holds the causes' labels as values
    other = next(c for c in regimens.CAUSES if cause_label(c) != cause.input_value())

    cause.select_option(value=cause_label(other))
    expect(cell.locator(".widget-html", has_text="Showing:").first,
           f"{where}: choosing another cause must redraw").to_contain_text(cause_label(other))
    after = (image.get_attribute("src"), table.inner_text())
    assert after[0] != before[0], f"{where}: the figure did not change with the cause"
    assert after[1] != before[1], f"{where}: the table did not change with the cause"
    assert notebook.callback_errors(index) == []


def test_the_check_fails_when_the_widget_front_end_is_missing(lab_server, run_notebook):
    """No ipywidgets front end in the page (as with a mismatched or missing labextension)."""
    _write_notebook(lab_server.root / "zz_no_front_end.ipynb", [
        "import ipywidgets as widgets\nwidgets.Button(description='OK')"])
    with lab_server.extension_disabled("@jupyter-widgets/jupyterlab-manager"):
        notebook = run_notebook("zz_no_front_end.ipynb")
    report = "\n".join(notebook.problems())
    assert "zz_no_front_end.ipynb, cell 2: 1 widget output(s) but 0 rendered" in report, report
