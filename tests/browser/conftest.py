"""Fixtures for the real-browser check: a throwaway JupyterLab server and one headless Chromium.

The server and the browser are started once per test module (``--dist loadscope`` keeps a module
on one xdist worker) and are always shut down afterwards. The server runs in its own session with
a parent-death signal, so a pytest that is killed outright cannot leave it running.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import faulthandler
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from b12course.sources.paths import REPO_ROOT

CHROMIUM = Path(os.environ.get("B12COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_VARIABLE = "B12COURSE_SKIP_BROWSER"
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
# One file per xdist worker: two browser modules can run at once, one on each worker.
WATCHDOG_LOG = REPO_ROOT / "artifacts" / (
    f"browser-watchdog-{os.environ['PYTEST_XDIST_WORKER']}.txt"
    if os.environ.get("PYTEST_XDIST_WORKER") else "browser-watchdog.txt")
WATCHDOG_S = 420  # one test; the slowest seen on a loaded 2-core machine took ~35 s
SERVER_START_TIMEOUT_S = 90
PR_SET_PDEATHSIG = 1
# One fixed window size: resizing a page that holds a long notebook was seen to hang it.
VIEWPORT = {"width": 1280, "height": 1600}
EXPECT_TIMEOUT_MS = 20_000
SCREENSHOT_MAX_HEIGHT = 60_000  # px; a longer notebook's screenshot stops there


def running_in_ci() -> bool:
    """True when the CI variable is set to anything but an explicit false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_browser_reason() -> str | None:
    """Why the browser check cannot run here, or None when Chromium and Playwright are present."""
    if not CHROMIUM.exists():
        return (f"Chromium not found at {CHROMIUM}; install it (Debian: apt-get install -y "
                "chromium) or point B12COURSE_CHROMIUM at a Chromium binary")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (it is in the course's [test] extra)"
    return None


def require_browser() -> None:
    """Skip (explicit opt-out, or no browser outside CI) or fail (no browser in CI).

    A plain skip, not a custom warning: the reason shows in the short summary (``-rs`` is in
    pyproject's addopts), and a warning class defined in a conftest crashes the xdist controller,
    which cannot import it back by module name (tests/test_no_chromium.py guards this).
    """
    if os.environ.get(SKIP_VARIABLE, "").strip() not in ("", "0"):
        value = os.environ[SKIP_VARIABLE]
        pytest.skip(f"browser check skipped on request ({SKIP_VARIABLE}={value})")
    reason = missing_browser_reason()
    if reason is None:
        return
    if running_in_ci():
        pytest.fail(f"CI must run the browser check, but {reason}. .ci/run installs Chromium; "
                    f"set {SKIP_VARIABLE}=1 only to opt out on purpose.", pytrace=False)
    pytest.skip(f"browser check skipped: {reason} (set CI=true to make this a failure)")


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (servers under test bind to it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def die_with_parent(parent_pid: int):
    """preexec_fn: ask Linux to SIGTERM the child when the pytest process (its parent) dies."""

    def preexec() -> None:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _write_settings(settings_dir: Path) -> None:
    """No news toast and no update check: the toast would cover part of every screenshot."""
    target = settings_dir / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True, exist_ok=True)
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")


class LabServer:
    """A JupyterLab server on 127.0.0.1 serving a temporary folder of notebook copies."""

    title = "JupyterLab"

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "served"
        self.root.mkdir()
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.log_path = base / "jupyterlab.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """The server's (and its kernels') environment: every Jupyter folder is temporary."""
        folders = {name: self.base / name for name in
                   ("settings", "workspaces", "runtime", "config", "ipython", "progress")}
        for folder in folders.values():
            folder.mkdir(exist_ok=True)
        _write_settings(folders["settings"])
        env = dict(os.environ)
        env.update({
            "JUPYTERLAB_SETTINGS_DIR": str(folders["settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(folders["workspaces"]),
            "JUPYTER_RUNTIME_DIR": str(folders["runtime"]),
            "JUPYTER_CONFIG_DIR": str(folders["config"]),
            "IPYTHONDIR": str(folders["ipython"]),
            "JUPYTER_PLATFORM_DIRS": "1",
            # quiz progress of the browser run must never touch the real per-user file
            "B12COURSE_PROGRESS": str(folders["progress"] / "progress.json"),
        })
        return env

    def command(self) -> list[str]:
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser",
            "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=", "--ServerApp.open_browser=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # JupyterLab refuses to run as root without it
        return command

    def start(self) -> None:
        env = self.environment()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, cwd=self.root, start_new_session=True,
                preexec_fn=die_with_parent(os.getpid()),
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.title} exited with {self.process.returncode} during "
                                   f"start-up:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if self.answers():
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.title} did not answer within {SERVER_START_TIMEOUT_S} s:\n"
                           f"{self.log_tail()}")

    def answers(self) -> bool:
        """True once the server answers (a subclass serving something else overrides this)."""
        return self.api("GET", "/api/status") is not None

    def api(self, method: str, path: str):
        """Call the server's REST API with the token; returns decoded JSON (or None if empty)."""
        request = urllib.request.Request(
            f"{self.url}{path}", method=method,
            headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", errors="replace")[:500]
            raise RuntimeError(f"{method} {path} -> HTTP {error.code}: {detail}") from None
        return json.loads(body) if body else {}

    def notebook(self, name: str) -> dict:
        """The notebook as the server has it on disk (after a save from the browser)."""
        return self.api("GET", f"/api/contents/{name}?content=1&type=notebook")["content"]

    def last_modified(self, name: str) -> str:
        return self.api("GET", f"/api/contents/{name}?content=0")["last_modified"]

    def saved_notebook(self, name: str, older: str, timeout_s: float = 30) -> dict:
        """The notebook once a save that began after ``older`` has finished writing it.

        jupyter_server's "atomic" save keeps a backup but rewrites the file in place, so a read
        during the save can see an empty file (seen once in CI: "Notebook does not appear to be
        JSON: ''"). Poll until the file is newer than before the save and reads as a notebook.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if self.last_modified(name) != older:
                    return self.notebook(name)
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} was not saved within {timeout_s:g} s")
            time.sleep(0.1)

    def shutdown_kernels(self, name: str | None = None) -> None:
        """Shut down the kernels of one notebook (or all) so finished notebooks free the CPU."""
        with contextlib.suppress(OSError, RuntimeError):
            for session in self.api("GET", "/api/sessions"):
                if name is None or session.get("path") == name:
                    self.api("DELETE", f"/api/sessions/{session['id']}")

    @contextlib.contextmanager
    def extension_disabled(self, extension: str):
        """Pages opened inside the block load without this JupyterLab extension."""
        page_config = self.base / "config" / "labconfig" / "page_config.json"
        page_config.parent.mkdir(parents=True, exist_ok=True)
        page_config.write_text(json.dumps({"disabledExtensions": {extension: True}}),
                               encoding="utf-8")
        try:
            yield
        finally:
            page_config.unlink()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no server log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server's whole process group: politely first, then by force."""
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=wait_s)
                return


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab serving temporary copies of notebooks/*.ipynb (opening a notebook dirties it)."""
    require_browser()
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    for notebook in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, server.root / notebook.name)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium():
    """One headless Debian Chromium driven by Playwright (no browser download needed).

    Yields one browser context: every notebook gets its own page (and JupyterLab workspace),
    while JupyterLab's static files are fetched once and then served from the shared cache.
    """
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    # a busy 2-core machine (nbval on the other worker) can take seconds per widget round trip
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright, launched_context(playwright) as context:
        yield context


def leaves_machine(url: str) -> bool:
    """True for a request that would leave this machine (the course works offline)."""
    return not url.startswith("http://127.0.0.1:")


@contextlib.contextmanager
def launched_context(playwright, offline: bool = False):
    """Debian Chromium with the course's flags and one context at the fixed viewport, closed
    afterwards; ``offline`` aborts every request that would leave this machine."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_FLAGS)
    try:
        context = browser.new_context(viewport=VIEWPORT)
        if offline:
            context.route(leaves_machine, lambda route: route.abort())
        yield context
    finally:
        browser.close()


@pytest.fixture(autouse=True)
def hang_watchdog():
    """A browser call that never returns must not stall the run (CI has a time limit).

    After WATCHDOG_S, every thread's stack goes to artifacts/browser-watchdog*.txt and this
    process exits: pytest-xdist reports the test as crashed (naming it) and carries on, and
    the server dies with its parent.
    """
    WATCHDOG_LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(WATCHDOG_LOG, "w", encoding="utf-8") as log:
        faulthandler.dump_traceback_later(WATCHDOG_S, exit=True, file=log)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()
    if WATCHDOG_LOG.stat().st_size == 0:
        WATCHDOG_LOG.unlink()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# --- driving one notebook in JupyterLab -------------------------------------------------------

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_TIMEOUT_MS = 180_000
WIDGET_RENDER_TIMEOUT_MS = 20_000

# Per cell of the open notebook: prompt, each top-level output (rendered widget root? widget
# error? fallback mime type?), and any "Error displaying widget" text, nested ones included.
_CELLS_JS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')].map(cell => {
  const area = cell.querySelector('.jp-Cell-outputArea');
  const outputs = area ? [...area.querySelectorAll(
      ':scope > .jp-OutputArea-child > .jp-OutputArea-output')] : [];
  const isWidgetRoot = el => el.classList.contains('jupyter-widgets')
      || [...el.classList].some(c => c.startsWith('widget-'));
  return {
    code: cell.classList.contains('jp-CodeCell'),
    prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
    outputs: outputs.map(o => ({
      error: o.textContent.includes('Error displaying widget'),
      widget: !o.textContent.includes('Error displaying widget')
          && [...o.children].some(isWidgetRoot),
      mime: o.getAttribute('data-mime-type'),
      text: o.textContent.trim().slice(0, 120),
    })),
    widgetErrors: [...cell.querySelectorAll('.jp-OutputArea-output')]
        .map(o => o.textContent).filter(t => t.includes('Error displaying widget'))
        .map(t => t.trim().slice(0, 300)),
  };
})"""

_RUN_FINISHED_JS = """() => {
  const prompts = [...document.querySelectorAll(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt')].map(e => e.textContent);
  const status = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
      .map(e => e.textContent).join(' ');
  return prompts.some(p => /\\[\\d+\\]/.test(p)) && !prompts.some(p => p.includes('*'))
      && status.includes('| Idle');
}"""

# True once every widget output (expected: {cell index: [output index, ...]}) has settled:
# rendered, showing a widget error, or shown as plain text (no widget front end at all).
_WIDGETS_SETTLED_JS = """expected => {
  const cells = (""" + _CELLS_JS + """)();
  return Object.entries(expected).every(([i, positions]) => positions.every(k => {
    const out = cells[i] && cells[i].outputs[k];
    return out && (out.widget || out.error || out.mime === 'text/plain');
  }));
}"""


def _text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    return ""


class NotebookPage:
    """One notebook opened in its own JupyterLab workspace, with the checks the tests share."""

    _counter = 0

    def __init__(self, server: LabServer, context, name: str):
        self.server = server
        self.name = name
        if not (server.root / name).exists():
            raise FileNotFoundError(f"{name} is not among the notebooks copied when the "
                                    f"server started ({server.root})")
        NotebookPage._counter += 1
        self.page = context.new_page()
        self.page.set_default_timeout(30_000)
        workspace = f"check{NotebookPage._counter}"
        self.page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{name}"
                       f"?reset&token={server.token}")
        # The toolbar says "idle" before the kernel is ready; the status bar's "| Idle" is
        # reliable (a Run All issued earlier was silently lost in 2 of 10 runs).
        self.page.locator(".jp-StatusBar-TextItem", has_text="| Idle").wait_for(
            timeout=90_000)
        sidebar_tab = self.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if sidebar_tab.count():
            sidebar_tab.first.click()  # fold the file browser away: more room for the notebook

    def close(self) -> None:
        """Close the page; its kernel shuts down in the background (that can take seconds)."""
        with contextlib.suppress(Exception):
            self.page.close()
        threading.Thread(target=self.server.shutdown_kernels, args=(self.name,),
                         daemon=True).start()

    def menu(self, menu: str, item: str) -> None:
        exact = re.compile(rf"^\s*{re.escape(menu)}\s*$")
        self.page.locator(".lm-MenuBar-itemLabel", has_text=exact).first.click()
        exact = re.compile(rf"^\s*{re.escape(item)}\s*$")
        self.page.locator(".lm-Menu-itemLabel", has_text=exact).first.click()

    def run_all(self) -> None:
        """Run → Run All Cells, then wait until a prompt got a number and the kernel is idle."""
        self.menu("Run", "Run All Cells")
        self.page.wait_for_function(_RUN_FINISHED_JS, timeout=RUN_TIMEOUT_MS)

    def save(self) -> dict:
        """File → Save Notebook; returns the saved notebook (outputs included) from the server."""
        before = self.server.last_modified(self.name)
        self.menu("File", "Save Notebook")
        self.page.locator(".lm-TabBar-tab.jp-mod-dirty").first.wait_for(state="detached")
        return self.server.saved_notebook(self.name, before)

    def cells(self) -> list[dict]:
        return self.page.evaluate(_CELLS_JS)

    def cell(self, index: int):
        """Locator of cell `index` (0-based, all cell types) of the open notebook."""
        return self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)

    def log_console_messages(self) -> str:
        """Text the Log Console holds (widget callbacks that raised end up there), or ''."""
        status = self.page.locator(".jp-LogConsoleStatusItem")
        if status.count() == 0 or not status.is_visible():
            return ""
        count = status.inner_text().strip()
        if not count or count == "0":
            return ""
        status.click()
        panel = self.page.locator(".jp-LogConsolePanel").first
        panel.wait_for()
        return panel.inner_text().strip() or f"{count} message(s)"

    def callback_errors(self, index: int) -> list[str]:
        """After interacting with cell `index` (0-based): Log Console errors, naming the cell."""
        log = self.log_console_messages()
        if not log:
            return []
        return [f"{self.name}, cell {index + 1}: a widget callback raised (Log Console): "
                f"{log[-500:]}"]

    def problems(self) -> list[str]:
        """Run-all problems naming notebook and cell: errors, widget errors, unrendered widgets."""
        saved = self.save()
        model_cells = saved["cells"]
        expected = {}  # cell index -> positions of its widget outputs
        for i, cell in enumerate(model_cells):
            positions = [k for k, o in enumerate(cell.get("outputs", []))
                         if o.get("output_type") in ("display_data", "execute_result")
                         and WIDGET_VIEW in o.get("data", {})]
            if positions:
                expected[i] = positions
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        with contextlib.suppress(PlaywrightTimeout):
            self.page.wait_for_function(_WIDGETS_SETTLED_JS, arg=expected,
                                        timeout=WIDGET_RENDER_TIMEOUT_MS)
        dom_cells = self.cells()
        found, not_run = [], []
        if len(dom_cells) != len(model_cells):
            found.append(f"{self.name}: the page shows {len(dom_cells)} cells but the notebook "
                         f"has {len(model_cells)}")
        for i, cell in enumerate(model_cells):
            where = f"{self.name}, cell {i + 1}"
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]).strip()
            if source and cell.get("execution_count") is None:
                not_run.append(str(i + 1))
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    found.append(f"{where}: raised {output.get('ename')}: "
                                 f"{output.get('evalue')}")
                elif output.get("name") == "stderr" and "Traceback" in _text(output):
                    found.append(f"{where}: printed a traceback to stderr: "
                                 f"{_text(output).strip()[-300:]}")
            dom = dom_cells[i] if i < len(dom_cells) else None
            if dom is None:
                continue
            for message in dom["widgetErrors"]:
                found.append(f"{where}: the browser shows {message!r}")
            wanted = expected.get(i, [])
            shown = [dom["outputs"][k] for k in wanted if k < len(dom["outputs"])]
            rendered = sum(out["widget"] for out in shown)
            if rendered < len(wanted) and not dom["widgetErrors"]:
                seen = "; ".join(repr(out["text"]) for out in shown if not out["widget"])
                found.append(f"{where}: {len(wanted)} widget output(s) but {rendered} rendered "
                             "(is the ipywidgets front end installed and matching?)"
                             + (f"; the page shows {seen}" if seen else ""))
        if not_run:
            cells = ", ".join(not_run)
            found.append(f"{self.name}: cell{'s' if len(not_run) > 1 else ''} {cells} did not "
                         "run (Run All stops at the first error)")
        log = self.log_console_messages()
        if log:
            found.append(f"{self.name}: the Log Console reports (a widget callback raised?): "
                         f"{log[-500:]}")
        return found

    def screenshot(self, folder: Path) -> Path:
        """The whole notebook as one PNG: the scrolled panel is captured in slices and stitched."""
        import io

        from PIL import Image, ImageChops

        scroller = self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").first
        box = scroller.bounding_box()
        # skip the toolbar's shadow that falls on the panel's top rows
        box = {**box, "y": box["y"] + 3, "height": box["height"] - 3}
        step = max(int(box["height"]), 100)
        slices, top = [], 0
        while top < SCREENSHOT_MAX_HEIGHT:
            # the panel clamps scrollTop at its end; its height can grow as cells are laid out
            top, height = scroller.evaluate(
                "(s, y) => { s.scrollTop = y; return [s.scrollTop, s.scrollHeight - 3]; }", top)
            slices.append((top, Image.open(io.BytesIO(self.page.screenshot(clip=box)))))
            if top + box["height"] >= height:
                break
            top += step
        total = slices[-1][0] + slices[-1][1].height
        sheet = Image.new("RGB", (slices[0][1].width, total), "white")
        for offset, image in slices:
            sheet.paste(image.convert("RGB"), (0, offset))
        # drop the blank "scroll past the end" space below the last cell
        content = ImageChops.difference(sheet, Image.new("RGB", sheet.size, "white")).getbbox()
        if content:
            sheet = sheet.crop((0, 0, sheet.width, min(sheet.height, content[3] + 40)))
        path = folder / f"{Path(self.name).stem}.png"
        sheet.save(path, compress_level=1)  # fast; these are throwaway artifacts
        scroller.evaluate("s => { s.scrollTop = 0; }")
        return path


@pytest.fixture(scope="module")
def kept_notebooks(lab_server, chromium):
    """Notebooks already opened and run in this module, kept open for later interaction tests."""
    kept: dict[str, NotebookPage] = {}
    yield kept
    for page in kept.values():
        page.close()


@pytest.fixture
def run_notebook(lab_server, chromium, kept_notebooks):
    """Factory: open a served notebook and Run All (or reuse the page a test already ran).

    ``keep=True`` keeps the page (and its kernel) for later tests in the module, so a notebook
    that an interaction test drives is opened and run once, not twice.
    """
    opened: list[NotebookPage] = []

    def run(name: str, keep: bool = False) -> NotebookPage:
        if name in kept_notebooks:
            # a background tab gets throttled timers and no animation frames: widgets lag
            kept_notebooks[name].page.bring_to_front()
            return kept_notebooks[name]
        page = NotebookPage(lab_server, chromium, name)
        if keep:
            kept_notebooks[name] = page
        else:
            opened.append(page)
        page.run_all()
        return page

    yield run
    for page in opened:
        page.close()
