"""Real-browser check of student mode (``b12course start``): what a student sees, code hidden.

Voilà is started exactly as the launcher starts it (``launch.voila_command``) on a temporary
working copy made by ``launch.prepare_work_copy``; headless Chromium then opens every course
notebook, follows a link between notebooks, answers a quiz question and drives an explorer. Every
request that would leave 127.0.0.1 is blocked, so this also shows the course works offline. One
JupyterLab test covers the code view (``launch.lab_command``): a saved notebook reopens with a
note, not "Error displaying widget: model not found", and the news toast is off.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from b12course import launch
from b12course.sources import coursemap
from b12course.sources.paths import REPO_ROOT

pytestmark = pytest.mark.browser


def _browser_conftest():
    """This folder's conftest (its server and page classes), whichever ``conftest`` is loaded."""
    path = Path(__file__).with_name("conftest.py").resolve()
    module = sys.modules.get("conftest")
    if module is not None and Path(getattr(module, "__file__", "")).resolve() == path:
        return module
    spec = importlib.util.spec_from_file_location("b12course_browser_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_conftest = _browser_conftest()
EXPECT_TIMEOUT_MS, LabServer, NotebookPage = (_conftest.EXPECT_TIMEOUT_MS, _conftest.LabServer,
                                              _conftest.NotebookPage)
require_browser, running_in_ci = _conftest.require_browser, _conftest.running_in_ci

NOTEBOOKS = [p.name for p in launch.course_notebooks(REPO_ROOT / "notebooks")]
START, LABS = (next(s.filename for s in coursemap.sessions() if s.number == n)
               for n in ("00", "02"))
RENDER_TIMEOUT_MS = 120_000  # Voilà runs the whole notebook before the page finishes loading
BROKEN = "zz_broken.ipynb"
# Text a student must never see in student mode.
ERROR_TEXTS = ("There was an error when executing cell", "Traceback (most recent call last)",
               "Error displaying widget")


def require_voila() -> None:
    """Skip (outside CI) or fail (in CI) when Chromium or Voilà is missing, saying which."""
    require_browser()
    if not launch.missing_voila():
        return
    reason = "Voilà is not installed (it is a course dependency: pip install -e .)"
    if running_in_ci():
        pytest.fail(f"CI must run the student-mode check, but {reason}.", pytrace=False)
    pytest.skip(f"student-mode check skipped: {reason} (set CI=true to make this a failure)")


class VoilaServer(LabServer):
    """Voilà serving a working copy as the launcher does (tree mode, code hidden, token)."""

    title = "Voilà"

    def command(self) -> list[str]:
        return launch.voila_command(self.root, self.port, self.token, python=sys.executable)

    def answers(self) -> bool:
        request = urllib.request.Request(f"{self.url}/",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200

    def render_url(self, name: str) -> str:
        return f"{self.url}/voila/render/{name}?token={self.token}"


class LauncherLab(LabServer):
    """JupyterLab started with the launcher's command line and settings (the code view)."""

    def command(self) -> list[str]:
        return launch.lab_command(self.root, self.port, self.token, python=sys.executable)

    def environment(self) -> dict[str, str]:
        """As the test server's, but settings and workspaces come from the launcher's folders."""
        env = super().environment()
        for name in ("JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
            env.pop(name)
        return env


def _write_broken_notebook(path) -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A deliberately broken notebook"),
        nbformat.v4.new_code_cell("raise ValueError('a cell that raises')"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory):
    require_voila()
    server = VoilaServer(tmp_path_factory.mktemp("voila"))
    copy = launch.prepare_work_copy(server.root)
    assert sorted(copy.copied) == NOTEBOOKS
    _write_broken_notebook(server.root / BROKEN)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def offline(chromium):
    """Block every request that would leave this machine; yields the URLs that tried."""
    tried: list[str] = []

    def block(route):
        tried.append(route.request.url)
        route.abort()

    chromium.route(_conftest.leaves_machine, block)
    yield tried


class VoilaPage:
    """One notebook rendered by Voilà in its own tab; Voilà runs it while the page loads."""

    def __init__(self, server: VoilaServer, context, name: str):
        self.name = name
        self.page = context.new_page()
        started = time.monotonic()
        response = self.page.goto(server.render_url(name), timeout=RENDER_TIMEOUT_MS)
        self.status = response.status
        # The page carries each output as JSON until the widget front end renders it.
        self.widget_views = response.text().count('"application/vnd.jupyter.widget-view+json"')
        self.settled = True
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(_SETTLED_JS, arg=self.widget_views,
                                        timeout=EXPECT_TIMEOUT_MS)
        except PlaywrightTimeout:
            self.settled = False
        self.seconds = time.monotonic() - started

    def state(self) -> dict:
        return self.page.evaluate(_STATE_JS)

    def problems(self) -> list[str]:
        state, found = self.state(), []
        if self.status != 200:
            found.append(f"{self.name}: HTTP {self.status}")
        for text in ERROR_TEXTS:
            if text in state["text"]:
                line = next(x for x in state["text"].splitlines() if text in x)
                found.append(f"{self.name}: the page shows {line.strip()[:300]!r}")
        for text in state["stderr"]:
            found.append(f"{self.name}: an error/warning box shows {text[:300]!r}")
        if state["widgets"] != self.widget_views:
            found.append(f"{self.name}: {self.widget_views} widget(s) in the notebook but "
                         f"{state['widgets']} rendered" + ("" if self.settled else
                                                           " (gave up waiting)"))
        if state["codeInputs"]:
            found.append(f"{self.name}: {state['codeInputs']} code cell(s) show their code")
        return found

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.page.close()


_WIDGET_ROOTS_JS = """[...document.querySelectorAll('.jp-OutputArea-output')].filter(o =>
    !o.textContent.includes('Error displaying widget') && [...o.children].some(el =>
      el.classList.contains('jupyter-widgets')
      || [...el.classList].some(c => c.startsWith('widget-')))).length"""
# Voilà keeps the cells hidden (display: none) behind a spinner until its front end is ready.
_SETTLED_JS = """expected => {
  const cells = document.getElementById('rendered_cells');
  if (!cells || getComputedStyle(cells).display === 'none') return false;
  const errors = [...document.querySelectorAll('.jp-OutputArea-output')]
      .filter(o => o.textContent.includes('Error displaying widget')).length;
  return """ + _WIDGET_ROOTS_JS + """ + errors >= expected;
}"""
_STATE_JS = """() => ({
  text: document.body.innerText,
  widgets: """ + _WIDGET_ROOTS_JS + """,
  stderr: [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(o => o.textContent.trim()),
  codeInputs: document.querySelectorAll('.jp-CodeCell .jp-InputArea').length,
})"""


@pytest.fixture(scope="module")
def kept_pages(voila_server, chromium, offline):
    """Pages the interaction tests drive after the render test: rendered once, not twice."""
    kept: dict[str, VoilaPage] = {}
    yield kept
    for page in kept.values():
        page.close()


@pytest.fixture
def render(voila_server, chromium, offline, kept_pages):
    """Factory: render one notebook (or reuse a kept page)."""
    opened: list[VoilaPage] = []

    def open_page(name: str, keep: bool = False) -> VoilaPage:
        if name in kept_pages:
            kept_pages[name].page.bring_to_front()
            return kept_pages[name]
        page = VoilaPage(voila_server, chromium, name)
        (kept_pages.__setitem__(name, page) if keep else opened.append(page))
        return page

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_renders_with_code_hidden_and_no_error(name, render, screenshot_dir):
    page = render(name, keep=name in (START, LABS))
    problems = page.problems()
    page.page.screenshot(path=str(screenshot_dir / f"voila-{name.removesuffix('.ipynb')}.png"))
    print(f"{name}: rendered by Voilà in {page.seconds:.1f} s")
    assert not problems, "\n".join(problems)


def test_the_check_reports_a_cell_that_raises(render):
    report = "\n".join(render(BROKEN).problems())
    assert f"{BROKEN}: the page shows 'There was an error when executing cell" in report, report


def test_a_link_from_the_start_page_opens_another_notebook(voila_server, render, chromium):
    page = render(START).page
    target = coursemap.sessions()[1]
    link = page.locator("a", has_text=re.compile(rf"^\s*{re.escape(target.title)}\s*$")).first
    # links in the course map (a Markdown output) open a new tab; links in prose, the same tab
    if link.get_attribute("target") == "_blank":
        with chromium.expect_page(timeout=RENDER_TIMEOUT_MS) as new_tab:
            link.click()
        opened = new_tab.value
        opened.wait_for_load_state(timeout=RENDER_TIMEOUT_MS)
        response_of = {"status": opened.evaluate(
            "() => performance.getEntriesByType('navigation')[0].responseStatus")}
    else:
        with page.expect_navigation(timeout=RENDER_TIMEOUT_MS) as navigation:
            link.click()
        opened, response_of = page, {"status": navigation.value.status}
    try:
        assert response_of["status"] == 200, (
            f"following {target.title!r} gave HTTP {response_of['status']}")
        assert opened.url.split("?")[0].endswith(f"/voila/render/{target.filename}"), opened.url
        assert opened.locator("h1").first.inner_text().startswith(target.number)
        assert not [t for t in ERROR_TEXTS if t in opened.inner_text("body")]
    finally:
        if opened is not page:
            opened.close()
    # the tree lists the course notebooks, and not the launcher's hidden state folder
    request = urllib.request.Request(f"{voila_server.url}/voila/api/contents",
                                     headers={"Authorization": f"token {voila_server.token}"})
    with urllib.request.urlopen(request, timeout=30) as tree:
        listing = {item["name"] for item in json.loads(tree.read())["content"]}
    assert set(NOTEBOOKS) <= listing, f"the tree lists {sorted(listing)}"
    assert launch.STATE_FOLDER not in listing, "the tree shows the launcher's state folder"


def _question_box(page, number: int, total: int):
    label = page.locator(".widget-html", has_text=f"Question {number} of {total}.")
    return page.locator(".widget-vbox").filter(has=label).last


def _option(box, text: str):
    return box.locator(".widget-radio-box label",
                       has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).first


def test_start_quiz_answers_by_option_text(render, voila_server):
    from playwright.sync_api import expect

    from b12course.quiz import load_bank
    from b12course.quiz.scoring import HEADLINES
    from b12course.quiz.widgets import plain

    page = render(START).page
    bank = load_bank(START.removesuffix(".ipynb"))
    total = len(bank.questions)
    # single choice; the options are shuffled per learner, so each is found by its text
    number, question = next((n, q) for n, q in enumerate(bank.questions, start=1)
                            if q.type == "multiple_choice")
    box = _question_box(page, number, total)
    box.scroll_into_view_if_needed()
    feedback = box.locator(":scope > .widget-hbox + .widget-html")
    check = box.locator("button.jupyter-button", has_text="Check")
    where = f"{START} (Voilà), {question.id}"

    _option(box, plain(next(c.answer for c in question.choices if not c.correct))).click()
    check.click()
    expect(feedback, f"{where}: a wrong answer must say so").to_contain_text(
        HEADLINES["incorrect"])
    _option(box, plain(next(c.answer for c in question.choices if c.correct))).click()
    check.click()
    expect(feedback, f"{where}: the right answer must say so").to_contain_text(
        HEADLINES["correct"])
    expect(page.locator(".widget-html", has_text="Score:").last).to_contain_text("Score: 1 of")
    progress = voila_server.base / "progress" / "progress.json"
    assert progress.exists(), "the quiz did not save progress to the test's own file"


def test_lab_interpreter_responds_to_a_new_value(render):
    from playwright.sync_api import expect

    page = render(LABS).page
    interpret = page.locator("button.jupyter-button", has_text="Interpret").first
    cell = page.locator(".jp-Cell").filter(has=interpret).first
    cell.scroll_into_view_if_needed()
    result = cell.locator(".widget-text", has_text="Result:").locator("input").first
    where = f"{LABS} (Voilà), lab interpreter"

    result.fill("250")
    interpret.click()
    expect(cell, f"{where}: a valid result must be interpreted, with its source"
           ).to_contain_text("Source:")
    assert "Cannot interpret that yet" not in cell.inner_text()
    result.fill("-5")
    interpret.click()
    expect(cell, f"{where}: a negative value needs a friendly message").to_contain_text(
        "Cannot interpret that yet")
    assert "Traceback" not in cell.inner_text(), where


# --- the code view (b12course start --lab) -------------------------------------------------

@pytest.fixture(scope="module")
def launcher_lab(tmp_path_factory):
    require_browser()
    server = LauncherLab(tmp_path_factory.mktemp("launcher-lab"))
    launch.prepare_work_copy(server.root)
    launch.write_lab_settings(launch.lab_settings_dir(server.root))
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_lab_saved_notebook_reopens_with_a_note_not_a_widget_error(launcher_lab, chromium,
                                                                    offline):
    settings = launcher_lab.api(
        "GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification")["settings"]
    assert settings["fetchNews"] == "false" and settings["checkForUpdates"] is False, settings

    notebook = NotebookPage(launcher_lab, chromium, START)
    notebook.run_all()
    saved = notebook.save()
    outputs = [o for cell in saved["cells"] for o in cell.get("outputs", [])]
    assert not [o for o in outputs if launch.WIDGET_VIEW in o.get("data", {})], \
        "the pre-save hook left widget views in the saved notebook"
    assert any(o.get("data", {}).get("text/plain") == launch.WIDGET_NOTE for o in outputs)
    assert notebook.page.locator(".widget-radio-box").count(), "the open quiz must stay on the page"
    notebook.close()
    launcher_lab.shutdown_kernels()

    reopened = NotebookPage(launcher_lab, chromium, START)  # a new kernel, as on another day
    try:
        note = reopened.page.locator(".jp-OutputArea-output", has_text="starts when you run")
        note.first.wait_for()
        shown = [o for cell in reopened.cells() for o in cell["outputs"]]
        assert not [o for o in shown if o["error"]], "a widget error shows after reopening"
    finally:
        reopened.close()
