"""Benchmark: how many students one machine serves: memory, CPU and feedback latency as N grows.

Each simulated student is a real Jupyter kernel (jupyter_client), as on a hub's single-user
server. All N start at once and open notebooks 00 and 03 the way Voilà does (every code cell runs
when the page opens), then, until the run ends, each student waits a think time and either picks
an answer and presses Check on a quiz question or changes a control of an explorer (regimen
explorer, store simulator), through the real widgets (``set_response``/``.index``, ``.click()``).
Feedback latency is measured in this process from sending the action to the kernel going idle
(every widget update sent), so it includes the queueing a busy machine adds.

Prints, per N: kernel memory per student (PSS and RSS, median and p95), CPU seconds per student to
open the two notebooks and per active student-minute, p95 latency of Check and of an explorer
change, and the N at which p95 feedback latency first exceeds 200 ms. Not a test. Run:
``.venv/bin/python benchmarks/bench_hub_sizing.py [--students 1,2,4,8,16] [--minutes 1.5]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("00_start_here.ipynb", "03_regimens_by_cause.ipynb")
TARGET_MS = 200.0
MIB = 2**20

# Runs inside each student's kernel after the notebooks: finds the quizzes and explorers the
# notebooks displayed and acts on them as a student's clicks would.
DRIVER = r'''
def _b12sim_make(seed):
    import random as _random
    import time as _time

    import ipywidgets as _widgets
    from ipywidgets.widgets.widget import _instances

    from b12course.quiz.scoring import key_response
    from b12course.quiz.widgets import QuestionView

    def walk(w):
        yield w
        for child in getattr(w, "children", ()) or ():
            yield from walk(child)

    live = list(_instances.values())
    views = [w for w in live if isinstance(w, QuestionView)]
    in_quiz = {id(x) for v in views for x in walk(v)}
    controls = [w for w in live if isinstance(w, _widgets.widgets.widget_selection._Selection)
                and id(w) not in in_quiz and len(w.options) > 1 and not w.disabled]
    rng = _random.Random(seed)

    def wrong(q):
        right = key_response(q)
        if q.type == "multiple_choice":
            return next(c.id for c in q.choices if not c.correct)
        if q.type == "many_choice":
            return [q.choices[0].id]
        if q.type == "order":
            return list(reversed(right))
        return "7 mg"

    def timed(kind):  # the kernel's own CPU per action: what a core must supply, load aside
        def wrap(method):
            def run(self):
                start, wall = _time.process_time(), _time.perf_counter()
                method(self)
                self.cpu_ms[kind].append((_time.process_time() - start) * 1000)
                self.wall_ms[kind].append((_time.perf_counter() - wall) * 1000)
            return run
        return wrap

    class Sim:
        chosen = None
        cpu_ms = {"check": [], "explore": []}
        wall_ms = {"check": [], "explore": []}

        def answer(self):
            view = self.chosen = rng.choice(views)
            q = view.question
            view.set_response(key_response(q) if rng.random() < 0.6 else wrong(q))

        @timed("check")
        def check(self):
            self.chosen.check.click()
            assert self.chosen.result is not None

        @timed("explore")
        def explore(self):
            control = rng.choice(controls)
            control.index = rng.choice([i for i in range(len(control.options))
                                        if i != control.index])

    print(len(views), len(controls))
    return Sim()
'''


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the same rule as the other course benchmarks)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _code_cells(name: str) -> list[str]:
    notebook = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


@dataclass
class Student:
    """One simulated student: a kernel, its client and what was measured."""

    index: int
    home: Path
    manager: object = None
    client: object = None
    open_s: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {
        "answer": [], "check": [], "explore": []})
    error: str = ""

    def run(self, code: str, timeout: float = 600) -> tuple[float, str]:
        """Execute ``code``; (seconds until the kernel is idle again, text printed)."""
        printed: list[str] = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        start = time.perf_counter()
        reply = self.client.execute_interactive(code, store_history=False, timeout=timeout,
                                                output_hook=hook, allow_stdin=False)
        seconds = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        return seconds, "".join(printed)


def _start(student: Student, cells: list[str]) -> None:
    from jupyter_client import KernelManager

    try:
        env = {**os.environ, "B12COURSE_PROGRESS": str(student.home / "progress.json"),
               "HOME": str(student.home)}
        env.pop("MPLBACKEND", None)  # the kernel's inline backend, as in Voilà
        student.manager = KernelManager(kernel_name="python3")
        student.manager.start_kernel(env=env, cwd=str(ROOT / "notebooks"),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        student.client = student.manager.client()
        student.client.start_channels()
        student.client.wait_for_ready(timeout=300)
        start = time.perf_counter()
        for cell in cells:  # what Voilà does when the two pages open
            student.run(cell)
        student.open_s = time.perf_counter() - start
        student.run(DRIVER)
        _s, counts = student.run(f"_b12sim = _b12sim_make({student.index})")
        views, controls = (int(x) for x in counts.split())
        if not views or not controls:
            student.error = f"found {views} quiz questions and {controls} explorer controls"
    except Exception as exc:  # noqa: BLE001 - reported in the table, never hidden
        student.error = f"{type(exc).__name__}: {exc}"


def _act(student: Student, deadline: float, think: tuple[float, float], seed: int) -> None:
    rng = random.Random(seed)
    try:
        while True:
            pause = rng.uniform(*think)
            if time.monotonic() + pause > deadline:
                return
            time.sleep(pause)
            if rng.random() < 0.5:  # a quiz: pick an answer, a moment later press Check
                student.latencies["answer"].append(student.run("_b12sim.answer()")[0])
                time.sleep(min(1.0, pause / 4))
                student.latencies["check"].append(student.run("_b12sim.check()")[0])
            else:
                student.latencies["explore"].append(student.run("_b12sim.explore()")[0])
    except Exception as exc:  # noqa: BLE001
        student.error = f"{type(exc).__name__}: {exc}"


def _cpu_seconds(pids: list[int]) -> list[float]:
    import psutil

    out = []
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        out.append(times.user + times.system)
    return out


def _memory(pids: list[int]) -> tuple[list[float], list[float]]:
    """(PSS, RSS) in MiB of each kernel process."""
    import psutil

    pss, rss = [], []
    for pid in pids:
        info = psutil.Process(pid).memory_full_info()
        pss.append(getattr(info, "pss", info.rss) / MIB)
        rss.append(info.rss / MIB)
    return pss, rss


def _threads(target, items) -> None:
    threads = [threading.Thread(target=target, args=item, daemon=True) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_class(n: int, minutes: float, think: tuple[float, float], seed: int) -> dict:
    """N students at once: open the notebooks, then act for ``minutes``; the figures."""
    cells = [c for name in NOTEBOOKS for c in _code_cells(name)]
    folder = Path(tempfile.mkdtemp(prefix=f"bench-hub-{n}-"))
    students = [Student(i, folder / f"student{i}") for i in range(n)]
    for student in students:
        student.home.mkdir()
    try:
        wall = time.perf_counter()
        _threads(_start, [(s, cells) for s in students])
        open_wall = time.perf_counter() - wall
        failed = [s for s in students if s.error]
        if failed:
            return {"n": n, "error": f"student {failed[0].index}: {failed[0].error}"}
        pids = [s.manager.provisioner.pid for s in students]
        cpu_open = _cpu_seconds(pids)
        deadline = time.monotonic() + minutes * 60
        _threads(_act, [(s, deadline, think, seed * 1000 + s.index) for s in students])
        cpu_active = [b - a for a, b in zip(cpu_open, _cpu_seconds(pids), strict=True)]
        pss, rss = _memory(pids)
        cpu_ms = {"check": [], "explore": []}
        wall_ms = {"check": [], "explore": []}
        for s in students:
            if not s.error:
                code = "import json; print(json.dumps([_b12sim.cpu_ms, _b12sim.wall_ms]))"
                spent, took = json.loads(s.run(code)[1])
                for kind in cpu_ms:
                    cpu_ms[kind].extend(spent[kind])
                    wall_ms[kind].extend(took[kind])
        failed = [s for s in students if s.error]
        if failed:
            return {"n": n, "error": f"student {failed[0].index}: {failed[0].error}"}
    finally:
        _threads(_stop, [(s,) for s in students])
        shutil.rmtree(folder, ignore_errors=True)
    check = [x for s in students for x in s.latencies["check"]]
    explore = [x for s in students for x in s.latencies["explore"]]
    feedback = check + explore
    actions = sum(len(s.latencies["answer"]) + len(s.latencies["explore"]) for s in students)
    return {
        "n": n, "open_wall_s": open_wall,
        "open_p95_s": percentile([s.open_s for s in students], 0.95),
        "cpu_open_s": statistics.median(cpu_open),
        "cpu_per_student_min": sum(cpu_active) / (n * minutes),
        "actions_per_student_min": actions / (n * minutes),
        "pss_median": statistics.median(pss), "pss_p95": percentile(pss, 0.95),
        "rss_median": statistics.median(rss), "rss_p95": percentile(rss, 0.95),
        "check_p50_ms": statistics.median(check) * 1000 if check else float("nan"),
        "check_p95_ms": percentile(check, 0.95) * 1000 if check else float("nan"),
        "explore_p50_ms": statistics.median(explore) * 1000 if explore else float("nan"),
        "explore_p95_ms": percentile(explore, 0.95) * 1000 if explore else float("nan"),
        "feedback_p50_ms": statistics.median(feedback) * 1000 if feedback else float("nan"),
        "feedback_p95_ms": percentile(feedback, 0.95) * 1000 if feedback else float("nan"),
        "samples": len(feedback), "load_after": os.getloadavg()[0],
        "check_cpu_ms": statistics.median(cpu_ms["check"]) if cpu_ms["check"] else float("nan"),
        "explore_cpu_ms": (statistics.median(cpu_ms["explore"]) if cpu_ms["explore"]
                           else float("nan")),
        "explore_kernel_p95_ms": (percentile(wall_ms["explore"], 0.95) if wall_ms["explore"]
                                  else float("nan")),
    }


def _stop(student: Student) -> None:
    if student.client is not None:
        student.client.stop_channels()
    if student.manager is not None and student.manager.has_kernel:
        try:
            student.manager.shutdown_kernel(now=False)
        except Exception:  # noqa: BLE001 - a kernel that will not stop is killed
            student.manager.shutdown_kernel(now=True)


HEADER = (f"{'N':>3} {'open p95':>8} {'CPU open':>8} {'CPU/min':>7} {'act/min':>7} "
          f"{'PSS med':>7} {'PSS p95':>7} {'RSS med':>7} {'RSS p95':>7} {'Check p50/p95':>13} "
          f"{'expl p50/p95':>12} {'fb p50':>7} {'fb p95':>7} {'n fb':>5} {'CPU ms Check/expl':>17} "
          f"{'kernel expl p95':>15} {'load':>5}")


def line(r: dict) -> str:
    if "error" in r:
        return f"{r['n']:>3} error: {r['error']}"
    return (f"{r['n']:>3} {r['open_p95_s']:>7.1f}s {r['cpu_open_s']:>7.1f}s "
            f"{r['cpu_per_student_min']:>6.2f}s {r['actions_per_student_min']:>7.1f} "
            f"{r['pss_median']:>7.0f} {r['pss_p95']:>7.0f} {r['rss_median']:>7.0f} "
            f"{r['rss_p95']:>7.0f} {r['check_p50_ms']:>5.0f}/{r['check_p95_ms']:>5.0f}ms "
            f"{r['explore_p50_ms']:>4.0f}/{r['explore_p95_ms']:>5.0f}ms "
            f"{r['feedback_p50_ms']:>5.0f}ms {r['feedback_p95_ms']:>5.0f}ms {r['samples']:>5} "
            f"{r['check_cpu_ms']:>10.0f}/{r['explore_cpu_ms']:>4.0f}ms "
            f"{r['explore_kernel_p95_ms']:>13.0f}ms {r['load_after']:>5.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", default="1,2,4,8,16",
                        help="class sizes to try, comma-separated (default 1,2,4,8,16)")
    parser.add_argument("--minutes", type=float, default=1.5,
                        help="active minutes per class size after the notebooks open (1.5)")
    parser.add_argument("--think", default="4,12",
                        help="seconds a student thinks between actions, min,max (default 4,12)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    try:
        sizes = [int(x) for x in args.students.split(",") if x.strip()]
        low, high = (float(x) for x in args.think.split(","))
    except ValueError:
        print("bench_hub_sizing: --students takes whole numbers like 1,2,4 and --think two "
              "numbers like 4,12", file=sys.stderr)
        return 2
    import psutil

    print(f"Notebooks {' + '.join(NOTEBOOKS)}; think {low:g}-{high:g} s; "
          f"{args.minutes:g} active min per size; {psutil.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.1f} GiB; load before "
          f"{os.getloadavg()[0]:.2f}")
    print("open = both notebooks run as Voilà opens them; CPU/min = kernel CPU s per active "
          "student-minute; memory in MiB per kernel; fb = feedback (Check + explorer);\nCPU ms = "
          "the kernel's own CPU per action (median); kernel expl = the explorer change timed "
          "inside the kernel; load = 1-min load average at the end")
    print(HEADER, flush=True)
    results = []
    for n in sizes:
        result = run_class(n, args.minutes, (low, high), args.seed)
        results.append(result)
        print(line(result), flush=True)
    for key, what in (("feedback_p95_ms", "feedback (Check and explorer)"),
                      ("check_p95_ms", "quiz Check"), ("explore_p95_ms", "explorer change")):
        over = [r["n"] for r in results if r.get(key, 0) > TARGET_MS]
        print(f"p95 {what} > {TARGET_MS:.0f} ms first at N = {over[0]}" if over else
              f"p95 {what} stayed <= {TARGET_MS:.0f} ms up to N = {max(sizes)}")
    print(f"load average after {os.getloadavg()[0]:.2f} (other work on this machine inflates "
          f"latency and CPU figures)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
