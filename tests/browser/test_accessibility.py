"""Accessibility in a real browser: axe-core finds nothing to fix in the course's own content.

Each notebook is opened in JupyterLab and run (the fixtures of tests/browser/conftest.py), every
output is laid out, and axe-core (axe-playwright-python) checks the whole page. Each violation is
placed by where it sits: a cell's output (figures, tables, quizzes, explorers) or its rendered
Markdown (the prose) is course content and must have none; everything else is JupyterLab's own
interface, which is not ours to fix: it is printed (run with ``-s`` to see it) and written to
artifacts/axe/, never failed. The same pass checks that no output or prose needs an emoji font
(✅ ❌ ⚠️ ℹ️ showed as empty boxes on lab PCs without one).
"""

from __future__ import annotations

import json
import os
import re

import pytest

from b12course.show.widgets.look import EMOJI
from b12course.sources.paths import REPO_ROOT

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb")
                   if not p.name.startswith("_"))
REPORTS = REPO_ROOT / "artifacts" / "axe"
WIDGETS_RENDERED_TIMEOUT_MS = 60_000

# JupyterLab 4 skips laying out cells off screen (content-visibility: auto); axe would then see
# their outputs as hidden and skip them. Show every cell for the check.
SHOW_ALL_CELLS = (".jp-WindowedPanel-viewport > *, .jp-Cell "
                  "{ content-visibility: visible !important; }")

_WIDGETS_RENDERED_JS = """() => ![...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
  .some(o => o.textContent.trim().startsWith('Loading widget'))"""

# For every node axe reports: where it sits (output, prose or chrome) and its cell's number.
_PLACE_JS = """targets => targets.map(target => {
  const selector = Array.isArray(target) ? target[target.length - 1] : target;
  let el = null;
  if (typeof selector === 'string' && !Array.isArray(target[0])) {
    try { el = document.querySelector(selector); } catch (e) { el = null; }
  }
  if (!el) return ['chrome', null];
  const cells = [...document.querySelectorAll(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')];
  const cell = el.closest('.jp-Cell');
  const number = cell ? cells.indexOf(cell) + 1 : null;
  if (el.closest('.jp-OutputArea-output')) return ['output', number];
  if (el.closest('.jp-RenderedMarkdown')) return ['prose', number];
  return ['chrome', number];
})"""

# Per cell: the text of its outputs and of its rendered Markdown.
_TEXTS_JS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')].map((cell, i) => ({
  number: i + 1,
  output: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent).join(' '),
  prose: [...cell.querySelectorAll('.jp-RenderedMarkdown')].map(o => o.textContent).join(' '),
}))"""


def _running_in_ci() -> bool:
    """As conftest.running_in_ci (a test module cannot import a conftest by name reliably)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _require_axe():
    """axe-playwright-python, or skip (fail in CI) saying how to install it."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        reason = ("axe-playwright-python is not installed (pip install axe-playwright-python; "
                  "it belongs in the course's [test] extra)")
        if _running_in_ci():
            pytest.fail(f"CI must run the accessibility check, but {reason}", pytrace=False)
        pytest.skip(f"accessibility check skipped: {reason}")
    return Axe()


def _lay_out_every_cell(notebook) -> None:
    """Wait for the widgets, scroll the windowed panel through once, then show every cell."""
    page = notebook.page
    page.wait_for_function(_WIDGETS_RENDERED_JS, timeout=WIDGETS_RENDERED_TIMEOUT_MS)
    scroller = page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").first
    top = 0
    while True:
        top, end, step = scroller.evaluate(
            "(s, y) => { s.scrollTop = y; return [s.scrollTop, s.scrollHeight, s.clientHeight]; }",
            top)
        if top + step >= end or step <= 0:
            break
        top += step
        page.wait_for_timeout(50)  # one frame or so: let the cells in view render
    scroller.evaluate("s => { s.scrollTop = 0; }")
    page.add_style_tag(content=SHOW_ALL_CELLS)
    page.wait_for_timeout(300)


def _short(html: str) -> str:
    return re.sub(r"\s+", " ", html)[:160]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_course_content_has_no_accessibility_violation(name, run_notebook):
    axe = _require_axe()
    notebook = run_notebook(name)
    _lay_out_every_cell(notebook)
    response = axe.run(notebook.page).response

    course, chrome = [], []
    for violation in response["violations"]:
        places = notebook.page.evaluate(_PLACE_JS, [n["target"] for n in violation["nodes"]])
        for node, (where, number) in zip(violation["nodes"], places, strict=True):
            line = (f"{name}, cell {number}" if number else name) + (
                f" ({where}): {violation['id']}: {violation['help']}: {_short(node['html'])}")
            (chrome if where == "chrome" else course).append(line)

    for cell in notebook.page.evaluate(_TEXTS_JS):
        for where in ("output", "prose"):
            found = sorted(set(EMOJI.findall(cell[where])))
            if found:
                course.append(f"{name}, cell {cell['number']} ({where}): emoji {found} need an "
                              "emoji font (use ✓, ✗, ⚠ or words: see show/widgets/look.py)")

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name.removesuffix('.ipynb')}.json").write_text(
        json.dumps({"course": course, "jupyterlab": chrome}, indent=1, ensure_ascii=False),
        encoding="utf-8")
    if chrome:
        rules = sorted({line.split(": ")[1] for line in chrome})
        print(f"\n{name}: {len(chrome)} finding(s) in JupyterLab's own interface, not failed "
              f"({', '.join(rules)})")
    assert not course, "accessibility problems in the course's content:\n" + "\n".join(course)
