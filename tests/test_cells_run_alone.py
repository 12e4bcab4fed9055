"""Issue 15, item 2: every notebook code cell works on its own, after a restart, in any order.

Students skip around, re-run one cell after a kernel restart, or open the course as a code-free
app; a cell that silently relies on a name set by an earlier cell then stops with a red
``NameError``. Each code cell of every notebook in ``notebooks/`` (the template included) is run
here ALONE, in a fresh namespace, in this process: matplotlib draws off-screen (Agg),
``IPython.display.display`` collects instead of showing, and quiz progress goes to a temporary
file. The cell's last expression is evaluated too, and its HTML built when it has one (a table's
Styler, a figure), as a notebook front end would show it.

On the notebooks as they were before issue 15, 70 of the 107 code cells failed here, every one
with a NameError (a name imported or set by an earlier cell).
"""

from __future__ import annotations

import ast
import json

import pytest

from b12course.sources.paths import REPO_ROOT

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def _code_cells(path) -> list[tuple[int, str]]:
    """(cell number as JupyterLab counts it, from 1 over all cells, source) of each code cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] == "code":
            source = cell["source"]
            found.append((number, "".join(source) if isinstance(source, list) else source))
    return found


CELLS = [pytest.param(path, number, source, id=f"{path.stem}-cell{number}")
         for path in NOTEBOOKS for number, source in _code_cells(path)]


def test_there_are_cells_to_run():
    assert NOTEBOOKS and len(CELLS) > 50


@pytest.fixture
def quiet_front_end(tmp_path, monkeypatch):
    """Agg figures, a collecting ``display`` and a temporary progress file; the shown objects."""
    import IPython.display
    import matplotlib

    matplotlib.use("Agg")
    shown: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    monkeypatch.setenv("B12COURSE_PROGRESS", str(tmp_path / "progress.json"))
    yield shown
    import matplotlib.pyplot as plt

    plt.close("all")


def run_alone(source: str, where: str) -> list:
    """Run one cell's source in a fresh namespace, as a notebook would: statements, then the last
    expression, whose rich (HTML) form is built. Returns the values the cell would show."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace: dict = {"__name__": "__main__"}
    exec(compile(tree, where, "exec"), namespace)  # noqa: S102
    if last is None:
        return []
    value = eval(compile(ast.Expression(last.value), where, "eval"), namespace)  # noqa: S307
    if hasattr(value, "_repr_html_"):
        value._repr_html_()
    return [value]


@pytest.mark.parametrize("path, number, source", CELLS)
def test_code_cell_runs_alone(path, number, source, quiet_front_end):
    where = f"{path.name} cell {number}"
    try:
        run_alone(source, where)
    except Exception as error:  # noqa: BLE001 - name the notebook and cell, whatever went wrong
        pytest.fail(f"{where} fails when run on its own (after a kernel restart): "
                    f"{type(error).__name__}: {error}\n--- the cell ---\n{source}", pytrace=False)


# Issue 15, item 2.4: code a student need not read is moved into the package or collapsed.
MAX_VISIBLE_LINES = 7


def _hidden(path) -> set[int]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return {number for number, cell in enumerate(nb["cells"], start=1)
            if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")}


def test_long_cells_are_moved_into_the_package_or_collapsed():
    long = [f"{path.name} cell {number} ({len(source.splitlines())} lines)"
            for path in NOTEBOOKS for number, source in _code_cells(path)
            if len(source.splitlines()) > MAX_VISIBLE_LINES and number not in _hidden(path)]
    assert not long, ("move the code into a function under src/b12course/show/ or set the cell's "
                      f"metadata jupyter.source_hidden: {long}")


def test_plotting_cells_end_with_plt_show():
    """A figure cell ends with plt.show() (nbval shows a trailing value even after ';')."""
    found = [f"{path.name} cell {number}" for path in NOTEBOOKS
             for number, source in _code_cells(path)
             if "matplotlib" in source and source.strip().splitlines()[-1] != "plt.show()"]
    assert not found, found


def test_the_check_fails_on_a_cell_that_needs_an_earlier_one(quiet_front_end):
    run_alone("from b12course.sources import units", "first")
    with pytest.raises(NameError):
        run_alone('units.convert(1, "mg", "mcg")', "second")


def test_the_check_shows_the_last_value_and_collects_displays(quiet_front_end):
    assert run_alone("x = 2\nx + 1", "cell") == [3]
    run_alone("from IPython.display import display\ndisplay('shown')", "cell")
    assert quiet_front_end == ["shown"]
