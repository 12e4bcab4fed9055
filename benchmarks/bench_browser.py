"""Benchmark: the speed a student feels in student mode (Voilà in a real Chromium).

Serves the course exactly as ``b12course start`` does (the browser check's ``VoilaServer`` on a
working copy from ``launch.prepare_work_copy``) and drives Debian's Chromium through Playwright.
It prints, per quiz and explorer, the time from a click or value change to the updated feedback or
figure being painted, and per notebook the time until every widget is shown. The in-page probe
starts ``performance.now()`` just before it dispatches the click/change, watches the feedback or
figure with a MutationObserver, waits for any new ``<img>`` to decode and then for two animation
frames (the frame that paints the change has then been produced). Figures are medians and p95s
against issue 15's targets, each followed by where its median goes (an explorer's callback timed
again in this process without a browser, the messages and widget update, decoding and painting;
for a notebook, Voilà running it and sending the page, then drawing the widgets), and are saved to
``artifacts/benchmarks/browser.csv``. This is a measurement script, not a test.
Run: ``.venv/bin/python benchmarks/bench_browser.py [--repeats N] [--render-repeats N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import math
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDENT_MODE_CHECK = ROOT / "tests" / "browser" / "test_student_mode.py"
QUIZ_TARGET_MS = 150.0
EXPLORER_TARGET_MS = 200.0
RENDER_TARGET_S = 6.0
OUT = ROOT / "artifacts" / "benchmarks" / "browser.csv"
WIDGETS = "b12course.show.widgets"
UPDATE_TIMEOUT_MS = 15_000  # one click that gets no visible answer within this is an error
QUIET_MS = 250  # between clicks: wait until the widget has had no change for this long

# In the page: dispatch the click or change, then time until the watched element changed (dom)
# and until that change is painted (new images decoded, then two animation frames).
_TIMED_ACTION_JS = """async ([control, watch, action, value, timeoutMs]) => {
  const changed = new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => { observer.disconnect(); resolve(); });
    observer.observe(watch, {subtree: true, childList: true, characterData: true,
                             attributes: true});
    setTimeout(() => { observer.disconnect();
                       reject(new Error(`no visible update within ${timeoutMs} ms`)); },
               timeoutMs);
  });
  const before = watch.innerHTML;
  const start = performance.now();
  if (action === 'click') {
    control.click();
  } else if (action === 'select') {
    control.selectedIndex = value;
    control.dispatchEvent(new Event('change', {bubbles: true}));
  } else {
    control.value = value;
    control.dispatchEvent(new Event('change', {bubbles: true}));
  }
  await changed;
  const dom = performance.now() - start;
  await Promise.all([...watch.querySelectorAll('img')].map(img => img.decode().catch(() => {})));
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const painted = performance.now() - start;
  return {dom, painted, changed: watch.innerHTML !== before};
}"""

# Resolves once `root` has had no DOM change for `quietMs` (or after `maxMs`).
_QUIET_JS = """([root, quietMs, maxMs]) => new Promise(done => {
  let timer;
  const finish = () => { observer.disconnect(); clearTimeout(limit); done(); };
  const observer = new MutationObserver(() => { clearTimeout(timer);
                                                timer = setTimeout(finish, quietMs); });
  observer.observe(root, {subtree: true, childList: true, characterData: true,
                          attributes: true});
  timer = setTimeout(finish, quietMs);
  const limit = setTimeout(finish, maxMs);
})"""


# [last byte of the page, now] in ms since navigation start
_NAVIGATION_JS = """() => [performance.getEntriesByType('navigation')[0].responseEnd,
                           performance.now()]"""


def student_mode_check():
    """The browser check's module (VoilaServer, VoilaPage, question helpers), loaded by path."""
    module = sys.modules.get("b12course_student_mode_check")
    if module is None:
        spec = importlib.util.spec_from_file_location("b12course_student_mode_check",
                                                      STUDENT_MODE_CHECK)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def missing_reason() -> str | None:
    """Why the browser bench cannot run here (no Chromium, Playwright or Voilà), or None."""
    try:
        import pytest  # noqa: F401 - the browser check's helpers are test code
    except ImportError:
        return "the test tools are not installed (pip install -e '.[test]')"
    from b12course import launch

    check = student_mode_check()
    reason = check._conftest.missing_browser_reason()
    if reason is None and launch.missing_voila():
        reason = "Voilà is not installed (it is a course dependency: pip install -e .)"
    return reason


@contextlib.contextmanager
def student_mode(base: Path) -> Iterator:
    """Voilà serving a fresh working copy of the course, as the launcher serves it."""
    from b12course import launch

    server = student_mode_check().VoilaServer(base)
    launch.prepare_work_copy(server.root)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium() -> Iterator:
    """One browser context of headless Debian Chromium; requests off this machine are blocked."""
    from playwright.sync_api import sync_playwright

    conftest = student_mode_check()._conftest
    with sync_playwright() as playwright, \
            conftest.launched_context(playwright, offline=True) as context:
        yield context


@dataclass(frozen=True)
class Step:
    """One timed interaction: optional untimed preparation, then the timed action."""

    control: object  # ElementHandle clicked or changed
    watch: object  # ElementHandle whose change is the answer the student waits for
    action: str  # 'click', 'select' (value: option index) or 'text' (value: new text)
    value: object = None
    prepare: Callable[[], None] | None = None


@dataclass(frozen=True)
class Probe:
    """A quiz or explorer on one notebook; ``steps(page, n)`` yields its n timed interactions."""

    name: str
    notebook: str
    kind: str  # 'quiz' or 'explorer'
    steps: Callable
    # explorers: (factory "module.function", control in box.parts, values to cycle or None for
    # the control's own options): the same change timed in this process, without a browser
    kernel: tuple[str, str, tuple | None] | None = None

    @property
    def target_ms(self) -> float:
        return QUIZ_TARGET_MS if self.kind == "quiz" else EXPLORER_TARGET_MS


def _content(html_widget):
    """The element an ipywidgets HTML widget rewrites on each update."""
    return html_widget.locator(".widget-html-content").first.element_handle()


def _explorer(page, title: str):
    """The outermost box of the explorer whose page text contains ``title``."""
    return page.locator(".b12-keys").filter(has_text=title).first


def _select(root, label: str):
    return root.locator(".widget-dropdown").filter(
        has=root.page.locator("label", has_text=label)).locator("select").first


def _cycle_select(title: str, labels: tuple[str, ...], watch: Callable):
    """Steps that move a dropdown to its next option (wrapping round), taking the dropdowns in
    turn: with two, each step shows a combination not seen before (no cached view)."""

    def steps(page, n: int) -> Iterator[Step]:
        root = _explorer(page, title)
        root.scroll_into_view_if_needed()
        selects = [_select(root, label) for label in labels]
        counts = [select.evaluate("s => s.options.length") for select in selects]
        controls, target = [select.element_handle() for select in selects], watch(root)
        for i in range(n):
            control, count = controls[i % len(controls)], counts[i % len(controls)]
            index = (control.evaluate("s => s.selectedIndex") + 1) % count
            yield Step(control, target, "select", index)

    return steps


def _figure(root):
    return _content(root.locator(".widget-html").filter(has=root.page.locator("img")).first)


def _lab_interpreter_steps(page, n: int) -> Iterator[Step]:
    """Type alternating results into Result: (its change re-interprets, as Interpret does)."""
    root = _explorer(page, "Interpret")
    root.scroll_into_view_if_needed()
    field = root.locator(".widget-text").filter(has_text="Result:").locator("input").first
    feedback = _content(root.locator(".widget-html").filter(has_text="Type a result").first)
    control = field.element_handle()
    for i in range(n):
        yield Step(control, feedback, "text", ("250", "150")[i % 2])


def _quiz_steps(question_type: str):
    """Check a wrong then a right answer, alternately, on the start notebook's first question of
    ``question_type`` (the answer is entered untimed; the Check click is timed)."""

    def steps(page, n: int) -> Iterator[Step]:
        from b12course import quiz
        from b12course.quiz.scoring import key_response
        from b12course.quiz.widgets import plain

        check_module = student_mode_check()
        bank = quiz.load_bank("00_start_here")
        number, question = next((i, q) for i, q in enumerate(bank.questions, start=1)
                                if q.type == question_type)
        box = check_module._question_box(page, number, len(bank.questions))
        box.scroll_into_view_if_needed()
        feedback = _content(box.locator(":scope > .widget-hbox + .widget-html"))
        check = box.locator("button.jupyter-button", has_text="Check").element_handle()
        if question_type == "multiple_choice":
            answers = [next(c.answer for c in question.choices if not c.correct),
                       next(c.answer for c in question.choices if c.correct)]

            def enter(answer):
                return lambda: check_module._option(box, plain(answer)).click()
        else:
            right = key_response(question)
            value = next(a for a in question.numeric if a.correct)
            answers = [f"{value.value * 3 + 7:g} {value.unit or ''}".strip(), right]

            def enter(answer):
                return lambda: box.locator(".widget-text input").first.fill(answer)
        for i in range(n):
            yield Step(check, feedback, "click", prepare=enter(answers[i % 2]))

    return steps


PROBES = (
    Probe("quiz, one answer: Check -> feedback", "00_start_here.ipynb", "quiz",
          _quiz_steps("multiple_choice")),
    Probe("quiz, typed number: Check -> feedback", "00_start_here.ipynb", "quiz",
          _quiz_steps("numeric")),
    Probe("lab interpreter: new result -> interpretation", "02_diagnosis_and_labs.ipynb",
          "explorer", _lab_interpreter_steps,
          (f"{WIDGETS}.lab_interpreter.lab_interpreter", ("value",), ("250", "150"))),
    Probe("regimen explorer: cause -> figure", "03_regimens_by_cause.ipynb", "explorer",
          _cycle_select("Regimen explorer", ("Cause:",), _figure),
          (f"{WIDGETS}.regimen_explorer.regimen_explorer", ("cause",), None)),
    Probe("store simulator: period -> figure", "03_regimens_by_cause.ipynb", "explorer",
          _cycle_select("Body-store simulator", ("Period:",), _figure),
          (f"{WIDGETS}.store_simulator.store_simulator", ("years",), None)),
    Probe("needle selector: site -> advice", "04_im_technique.ipynb", "explorer",
          _cycle_select("Needle and site selector", ("Site:",),
                        lambda root: _content(root.locator(".widget-html").filter(
                            has_text="Needle length:").first)),
          (f"{WIDGETS}.needle_selector.needle_selector", ("site",), None)),
    # patient and measure in turn: every view is new (the explorer caches views it has drawn)
    Probe("trajectory explorer: patient/measure -> figure", "05_monitoring_and_response.ipynb",
          "explorer", _cycle_select("Patient:", ("Patient:", "Measure:"), _figure),
          (f"{WIDGETS}.trajectory_explorer.trajectory_explorer", ("patient", "measure"), None)),
)


def kernel_ms(probe: Probe, repeats: int) -> list[float]:
    """The probe's changes made in this process (the callback a kernel runs, figure included,
    no browser and no messages): ms per change. The trajectory explorer's view cache is
    cleared first, as a fresh kernel starts with it empty."""
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    factory, names, values = probe.kernel
    module_name, function = factory.rsplit(".", 1)
    module = importlib.import_module(module_name)
    box = getattr(module, function)()
    with contextlib.suppress(AttributeError):
        module._view.cache_clear()
    samples = []
    for i in range(repeats):
        control = getattr(box.parts, names[i % len(names)])
        if values is not None:
            value = values[i % len(values)]
        else:
            options = [o[1] if isinstance(o, tuple) else o for o in control.options]
            value = options[(options.index(control.value) + 1) % len(options)]
        start = time.perf_counter()
        control.value = value  # observers run synchronously: the whole redraw
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _quiet(page, root) -> None:
    page.evaluate(_QUIET_JS, [root, QUIET_MS, 10_000])


def measure_probe(page, probe: Probe, repeats: int) -> list[dict]:
    """``repeats`` timed interactions with one quiz or explorer: [{'dom': ms, 'painted': ms}]."""
    page.bring_to_front()  # a background tab gets no animation frames
    body = page.locator("body").element_handle()
    samples = []
    for step in probe.steps(page, repeats):
        if step.prepare is not None:
            step.prepare()
        _quiet(page, body)
        sample = page.evaluate(_TIMED_ACTION_JS, [step.control, step.watch, step.action,
                                                  step.value, UPDATE_TIMEOUT_MS])
        if not sample["changed"]:
            raise RuntimeError("the watched feedback or figure did not change (only touched)")
        samples.append(sample)
    _quiet(page, body)
    return samples


@dataclass
class Results:
    """Per probe name: painted, dom and in-process (kernel) ms; per notebook: render seconds."""

    painted: dict[str, list[float]]
    dom: dict[str, list[float]]
    render: dict[str, list[float]]
    problems: list[str]
    kernel: dict[str, list[float]] = field(default_factory=dict)
    # per notebook: seconds from navigation start until the last byte of the page (Voilà has
    # run every cell by then) and until the page had settled (every widget shown)
    served: dict[str, list[float]] = field(default_factory=dict)
    settled: dict[str, list[float]] = field(default_factory=dict)


def measure(server, context, repeats: int, render_repeats: int,
            probes=PROBES, notebooks: list[str] | None = None, report=print) -> Results:
    """Render each notebook ``render_repeats`` times (at least once when it has probes), then
    run its probes on the last render; returns every sample."""
    from b12course import launch

    check = student_mode_check()
    timed = notebooks if notebooks is not None else [
        p.name for p in launch.course_notebooks(server.root)]
    results = Results({}, {}, {}, [])
    for name in sorted(set(timed) | {p.notebook for p in probes}):
        own = [p for p in probes if p.notebook == name]
        renders = max(render_repeats if name in timed else 0, 1 if own else 0)
        page = None
        for _ in range(renders):
            if page is not None:
                close(server, page)
            page = check.VoilaPage(server, context, name)
            problems = page.problems()
            results.problems += problems
            if not problems:
                results.render.setdefault(name, []).append(page.seconds)
                served, settled = page.page.evaluate(_NAVIGATION_JS)
                results.served.setdefault(name, []).append(served / 1000)
                results.settled.setdefault(name, []).append(settled / 1000)
        try:
            for probe in own:
                try:
                    samples = measure_probe(page.page, probe, repeats)
                except Exception as exc:  # noqa: BLE001 - report it and measure the rest
                    results.problems.append(f"{probe.name}: {type(exc).__name__}: "
                                            f"{str(exc).splitlines()[0][:200]}")
                    continue
                results.painted[probe.name] = [s["painted"] for s in samples]
                results.dom[probe.name] = [s["dom"] for s in samples]
                report(f"  measured {probe.name} ({len(samples)} clicks)")
        finally:
            if page is not None:
                close(server, page)
    return results


def close(server, voila_page) -> None:
    """Close the tab and shut its kernel down (Voilà keeps it until the server stops)."""
    with contextlib.suppress(Exception):
        kernel = voila_page.page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
            ".kernelId")
        request = urllib.request.Request(
            f"{server.url}/api/kernels/{kernel}", method="DELETE",
            headers={"Authorization": f"token {server.token}"})
        urllib.request.urlopen(request, timeout=30).close()
    voila_page.close()


def median_p95(samples: list[float]) -> tuple[float, float]:
    """Median and nearest-rank 95th percentile."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def verdict(value: float, target: float) -> str:
    return "PASS" if math.isfinite(value) and value < target else "OVER"


def print_table(results: Results, probes=PROBES) -> bool:
    """Print figures against targets; True when every measured figure is within its target."""
    within = True
    print(f"{'measure':<52} {'median':>8} {'p95':>8}  {'target':<15} verdict")
    for probe in probes:
        samples = results.painted.get(probe.name)
        if not samples:
            print(f"{probe.name:<52} {'n/a':>8} {'n/a':>8}  p95 < {probe.target_ms:.0f} ms")
            within = False
            continue
        median, p95 = median_p95(samples)
        mark = verdict(p95, probe.target_ms)
        within &= mark == "PASS"
        print(f"{probe.name:<52} {median:>6.0f}ms {p95:>6.0f}ms  p95 < "
              f"{probe.target_ms:.0f} ms    {mark}  (n={len(samples)})")
        dom = statistics.median(results.dom[probe.name])
        kernel = results.kernel.get(probe.name)
        alone = (f" (of which the callback alone, timed in this process: "
                 f"{statistics.median(kernel):.0f})" if kernel else "")
        print(f"    where the median goes (ms): click to DOM update {dom:.0f}{alone}, "
              f"decode and paint {median - dom:.0f}")
    for name, seconds in results.render.items():
        median, p95 = median_p95(seconds)
        mark = verdict(p95, RENDER_TARGET_S)
        within &= mark == "PASS"
        print(f"{name + ': fully rendered':<52} {median:>7.2f}s {p95:>7.2f}s  "
              f"p95 < {RENDER_TARGET_S:g} s     {mark}  (n={len(seconds)})")
        served = statistics.median(results.served[name])
        settled = statistics.median(results.settled[name])
        print(f"    where the median goes (s): Voilà runs the notebook and sends the page "
              f"{served:.1f}, widgets drawn {settled - served:.1f}")
    for problem in results.problems:
        print(f"problem: {problem}")
        within = False
    return within


def write_csv(results: Results, path: Path, probes=PROBES) -> None:
    """The printed figures as rows: measure, median, p95, unit, target, verdict, n."""
    import csv

    rows = []
    for probe in probes:
        if results.painted.get(probe.name):
            median, p95 = median_p95(results.painted[probe.name])
            rows.append([probe.name, f"{median:.1f}", f"{p95:.1f}", "ms",
                         f"p95 < {probe.target_ms:g} ms", verdict(p95, probe.target_ms),
                         len(results.painted[probe.name])])
    for name, seconds in results.render.items():
        median, p95 = median_p95(seconds)
        rows.append([f"{name}: fully rendered", f"{median:.2f}", f"{p95:.2f}", "s",
                     f"p95 < {RENDER_TARGET_S:g} s", verdict(p95, RENDER_TARGET_S),
                     len(seconds)])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["measure", "median", "p95", "unit", "target", "verdict", "n"])
        writer.writerows(rows)


def machine_load() -> str:
    """The 1-minute load average against the cores: figures from a busy machine run high."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    busy = "  BUSY: these figures are pessimistic" if load > cores else ""
    return f"load average {load:.1f} on {cores} cores{busy}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10,
                        help="timed clicks per quiz or explorer (default 10)")
    parser.add_argument("--render-repeats", type=int, default=3,
                        help="renders of each notebook (default 3; 0 renders only those with "
                             "a probe, once)")
    args = parser.parse_args(argv)
    reason = missing_reason()
    if reason is not None:
        print(f"browser bench skipped: {reason}")
        return 0
    print(f"before: {machine_load()}", flush=True)
    with (tempfile.TemporaryDirectory(prefix="bench-browser-") as folder,
          student_mode(Path(folder)) as server, chromium() as context):
        results = measure(server, context, args.repeats, args.render_repeats,
                          report=lambda line: print(line, flush=True))
    for probe in PROBES:
        if probe.kernel is not None and probe.name in results.painted:
            results.kernel[probe.name] = kernel_ms(probe, args.repeats)
    print(f"after: {machine_load()}")
    print_table(results)
    write_csv(results, OUT)
    print(f"Saved {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
