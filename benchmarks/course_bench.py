"""Course benchmark: notebook run time against its floor, suite time, widget latency, grading.

Run with ``python3 dev.py bench`` (or ``.venv/bin/python benchmarks/course_bench.py``). Prints a
table and writes ``artifacts/benchmarks/latest.csv``. Figures are medians of repeated runs; the
targets come from issue 8 and are printed beside each figure. This is a measurement script, not a
test: nothing here fails the test suite.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("notebooks", "exercises", "solutions")
OUT = ROOT / "artifacts" / "benchmarks"


def _notebooks() -> list[Path]:
    from b12course.sources.hygiene import find_notebooks

    return find_notebooks([ROOT / f for f in FOLDERS])


def _code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def course_imports() -> str:
    """Every import statement the course's notebooks use: what the floor notebook imports."""
    lines: set[str] = set()
    for path in _notebooks():
        for cell in _code_cells(path):
            for line in cell.splitlines():
                if re.match(r"^(import|from) \S+", line) and not line.rstrip().endswith("("):
                    lines.add(line.strip())
    return "\n".join(sorted(lines))


class _PeakRss(threading.Thread):
    """Poll a process's resident memory (with children) until stopped; keep the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.process, self.peak, self._stop_event = psutil.Process(pid), 0, threading.Event()

    def run(self):
        import psutil

        while not self._stop_event.is_set():
            try:
                rss = self.process.memory_info().rss + sum(
                    c.memory_info().rss for c in self.process.children(recursive=True))
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            self._stop_event.wait(0.02)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def run_like_nbval(cells: list[str], cwd: Path) -> tuple[float, int]:
    """Start a kernel the way nbval does, run the cells, stop it: (seconds, peak kernel RSS)."""
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel

    start = time.perf_counter()
    kernel = RunningKernel(CURRENT_ENV_KERNEL_NAME, cwd=str(cwd))
    monitor = _PeakRss(kernel.km.provisioner.process.pid)
    monitor.start()
    try:
        for index, cell in enumerate(cells, start=1):
            msg_id = kernel.execute_cell_input(cell, allow_stdin=False)
            kernel.await_idle(msg_id, timeout=300)
            reply = kernel.get_message(stream="shell", timeout=300)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kernel.get_message(stream="shell", timeout=300)
            if reply["content"]["status"] == "error":
                raise RuntimeError(f"code cell {index} raised {reply['content'].get('ename')}")
    finally:
        peak = monitor.stop()
        kernel.stop()
    return time.perf_counter() - start, peak


def median_run(cells: list[str], cwd: Path, repeats: int) -> tuple[float, int]:
    runs = [run_like_nbval(cells, cwd) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def import_time(repeats: int) -> float:
    code = "import time; t = time.perf_counter(); import b12course; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(repeats)]
    return statistics.median(times)


def suite_time(workers: int | None) -> float:
    """Wall time of the notebook part of ``python3 dev.py test``: the same command, timed."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import dev

    command, env = dev.notebook_session(Path(sys.executable), str(workers or 0), [])
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"the notebook suite failed (exit {result.returncode})")
    return seconds


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def explorer_latency(factory_path: str, rounds: int) -> tuple[float, float, int] | None:
    """p50/p95 ms from changing any dropdown/toggle of an explorer to its redraw finishing."""
    import ipywidgets as widgets

    module_name, func = factory_path.rsplit(".", 1)
    try:
        factory = getattr(importlib.import_module(module_name), func)
    except (ImportError, AttributeError):
        return None
    root = factory()
    selectors = [w for w in _walk(root)
                 if isinstance(w, widgets.Dropdown | widgets.ToggleButtons | widgets.RadioButtons)
                 and len(getattr(w, "options", ())) > 1]
    samples: list[float] = []
    for _ in range(rounds):
        for selector in selectors:
            for option in selector.options:
                value = option[1] if isinstance(option, tuple) else option
                if value == selector.value:
                    continue
                start = time.perf_counter()
                selector.value = value  # observers run synchronously: this includes the redraw
                samples.append((time.perf_counter() - start) * 1000)
    if not samples:
        return None
    p50, p95 = _percentiles(samples)
    return p50, p95, len(samples)


EXPLORERS = {
    "regimen explorer": "b12course.show.widgets.regimen_explorer.regimen_explorer",
    "store simulator": "b12course.show.widgets.store_simulator.store_simulator",
    "lab interpreter": "b12course.show.widgets.lab_interpreter.lab_interpreter",
    "needle selector": "b12course.show.widgets.needle_selector.needle_selector",
    "trajectory explorer": "b12course.show.widgets.trajectory_explorer.trajectory_explorer",
}


def _run_script(name: str, args: list[str]) -> str:
    script = ROOT / "benchmarks" / name
    if not script.exists():
        return f"({name} not present)"
    result = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    return (result.stdout + result.stderr).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per notebook (median)")
    parser.add_argument("--suite-repeats", type=int, default=2, help="runs of the whole suite")
    parser.add_argument("--skip-suite", action="store_true", help="skip the slow suite timing")
    parser.add_argument("--skip-grading", action="store_true", help="skip the grading benchmark")
    parser.add_argument("--skip-browser", action="store_true",
                        help="skip the student-mode speed in Chromium (bench_browser.py)")
    parser.add_argument("--skip-hub-sizing", action="store_true",
                        help="skip the class-size benchmark (simulated students on JupyterHub)")
    parser.add_argument("--hub-students", default="1,4,16",
                        help="class sizes for the hub sizing benchmark (default 1,4,16)")
    args = parser.parse_args(argv)
    import matplotlib

    # Only this process draws headless; kernels and the suite keep the test command's backend.
    matplotlib.use("Agg")
    rows: list[dict] = []

    def record(measure, value, unit, target="", note=""):
        rows.append({"measure": measure, "value": value, "unit": unit, "target": target,
                     "note": note})
        print(f"{measure:<58} {value:>10} {unit:<4} {target:<14} {note}", flush=True)

    print(f"{'measure':<58} {'value':>10} unit target         note")
    record("import b12course (median of 7)", f"{import_time(7):.3f}", "s", "< 0.5 s")
    floor_cells = [course_imports()]
    floor, floor_mem = median_run(floor_cells, ROOT, max(5, args.repeats))
    record("floor: kernel start + course imports + stop", f"{floor:.2f}", "s", "",
           f"peak kernel RSS {floor_mem / 2**20:.0f} MiB")
    notebooks = _notebooks()
    for path in notebooks:
        try:
            seconds, peak = median_run(_code_cells(path), path.parent, args.repeats)
        except RuntimeError as exc:
            record(f"{path.relative_to(ROOT)}", "error", "", "", str(exc))
            continue
        record(f"{path.relative_to(ROOT)}", f"{seconds:.2f}", "s", "<= 2x floor",
               f"{seconds / floor:.2f}x floor; peak RSS {peak / 2**20:.0f} MiB")
    if not args.skip_suite:
        serial = statistics.median(suite_time(None) for _ in range(args.suite_repeats))
        parallel = statistics.median(suite_time(2) for _ in range(args.suite_repeats))
        ideal = floor * len(notebooks) / 2
        record("nbval suite, serial", f"{serial:.1f}", "s", "", f"{len(notebooks)} notebooks")
        record("nbval suite, -n 2 --dist loadscope", f"{parallel:.1f}", "s", "<= 1.3x ideal",
               f"{parallel / ideal:.2f}x ideal ({ideal:.1f} s = floor x N / 2)")
    for name, factory in EXPLORERS.items():
        result = explorer_latency(factory, rounds=5)
        if result is None:
            record(f"{name}: change -> redraw", "n/a", "ms", "p95 < 200 ms", "not present")
        else:
            p50, p95, n = result
            record(f"{name}: change -> redraw p50", f"{p50:.1f}", "ms", "", f"n={n}")
            record(f"{name}: change -> redraw p95", f"{p95:.1f}", "ms", "p95 < 200 ms")
    print("\n-- quiz Check -> feedback (benchmarks/bench_quiz.py) --")
    print(_run_script("bench_quiz.py", []))
    if not args.skip_grading:
        print("\n-- grading throughput (benchmarks/bench_grading.py) --")
        print(_run_script("bench_grading.py", []))
    if not args.skip_hub_sizing:
        print("\n-- students per machine (benchmarks/bench_hub_sizing.py) --")
        print(_run_script("bench_hub_sizing.py", ["--students", args.hub_students,
                                                  "--minutes", "1"]))
    print("\n-- student mode in Chromium: click -> painted, notebook rendered "
          "(benchmarks/bench_browser.py) --", flush=True)
    if args.skip_browser:
        print("skipped (--skip-browser)")
    else:  # streamed: it takes a few minutes and says which widget it is on
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_browser.py")],
                       cwd=ROOT, check=False)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "latest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["measure", "value", "unit", "target", "note"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"\nSaved {OUT / 'latest.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
