"""Grading throughput: N generated submissions graded with --jobs 1 and with --jobs 2.

Run with ``.venv/bin/python benchmarks/bench_grading.py`` (about 5 minutes on 2 idle cores).
Prints wall-clock times and the speed-up; the target (issue 6/8) is a speed-up of at least 1.8x
on 2 cores. The submissions are honest ones (correct, untouched, partly wrong) cycling through
every exercise, so the figure measures grading, not timeouts.

The whole class is graded both ways in each of several rounds (alternating which goes first, so
a change in machine load hits both alike) and the median of the rounds is reported, with every
round printed and the load average, so a figure can be judged. A measurement, not a test.

When nbgrader is installed (``python3 dev.py bench`` puts it in .venv-nbgrader and passes
B12COURSE_NBGRADER), each round also runs ``nbgrader autograde "*"`` on the same class, laid out
as nbgrader wants it (the solutions as its source, after an untimed ``generate_assignment``);
the target (issue 16) is ``--jobs 1`` no slower than nbgrader. Without nbgrader that part is
skipped and the reason printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from b12course.exercises import build
from b12course.grading import runner, samples

TARGET_SPEEDUP = 1.8
ROOT = Path(__file__).resolve().parents[1]
NBGRADER_CONFIG = ROOT / "instructors" / "nbgrader_config.py"


def find_nbgrader(named: str | None) -> tuple[Path | None, str]:
    """(nbgrader command, "") or (None, why it is skipped)."""
    if named == "none":
        return None, "--nbgrader none"
    candidates = [named, os.environ.get("B12COURSE_NBGRADER"),
                  str(ROOT / ".venv-nbgrader" / "bin" / "nbgrader"), shutil.which("nbgrader")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate), ""
    return None, ("nbgrader is not installed (`python3 dev.py bench` installs it into "
                  ".venv-nbgrader; or pass --nbgrader PATH)")


def _nbgrader(command: Path, course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{command.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(command), *args], cwd=course, env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stderr[-2000:]}")


def nbgrader_course(everyone: Path, course: Path, command: Path) -> float:
    """Lay the class out as an nbgrader course and generate the assignments (seconds taken)."""
    shutil.copy(NBGRADER_CONFIG, course / "nbgrader_config.py")
    for path in build.solution_paths():
        (course / "source" / path.stem).mkdir(parents=True)
        shutil.copy(path, course / "source" / path.stem / path.name)
    for student in sorted(everyone.iterdir()):
        for notebook in student.glob("*.ipynb"):
            target = course / "submitted" / student.name / notebook.stem
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(notebook, target / notebook.name)
    start = time.perf_counter()
    _nbgrader(command, course, "generate_assignment", "*", "--force")
    return time.perf_counter() - start


def autograde_once(command: Path, course: Path) -> float:
    start = time.perf_counter()
    _nbgrader(command, course, "autograde", "*", "--create", "--force")
    return time.perf_counter() - start


def grade_once(folder: Path, out: Path, jobs: int, timeout: float) -> float:
    start = time.perf_counter()
    runner.grade([folder], out, jobs=jobs, timeout=timeout)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="submissions to generate (default 60)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, median reported (3)")
    parser.add_argument("--timeout", type=float, default=60, help="per-cell timeout (s)")
    parser.add_argument("--nbgrader", help="nbgrader command to compare with ('none': skip; "
                        "default: B12COURSE_NBGRADER, .venv-nbgrader, then PATH)")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    times: dict[int, list[float]] = {1: [], 2: []}
    speedups: list[float] = []
    nbgrader, skipped = find_nbgrader(args.nbgrader)
    autograde: list[float] = []
    same = True
    with tempfile.TemporaryDirectory(prefix="b12bench-") as tmp:
        everyone = Path(tmp) / "all"
        samples.make_class(everyone, n=args.n, kinds=samples.HONEST)
        print(f"{args.n} generated submissions (correct / untouched / partly wrong, every "
              f"exercise), graded both ways in {args.rounds} rounds; {cores} core(s); "
              f"load average before: {_load()}")
        if nbgrader:
            course = Path(tmp) / "nbgrader-course"
            course.mkdir()
            setup = nbgrader_course(everyone, course, nbgrader)
            print(f"nbgrader: {nbgrader} (generate_assignment for every exercise took "
                  f"{setup:.1f} s, not counted)")
        else:
            print(f"nbgrader comparison skipped: {skipped}")
        for r in range(args.rounds):
            order = (1, 2) if r % 2 == 0 else (2, 1)
            seconds = {j: grade_once(everyone, Path(tmp) / f"r{r}-j{j}.csv", j, args.timeout)
                       for j in order}
            for j in (1, 2):
                times[j].append(seconds[j])
            speedups.append(seconds[1] / seconds[2])
            same = same and ((Path(tmp) / f"r{r}-j1.csv").read_bytes()
                             == (Path(tmp) / f"r{r}-j2.csv").read_bytes())
            extra = ""
            if nbgrader:
                autograde.append(autograde_once(nbgrader, course))
                extra = f", nbgrader autograde {autograde[-1]:6.1f} s"
            print(f"  round {r + 1}: --jobs 1 {seconds[1]:6.1f} s, --jobs 2 {seconds[2]:6.1f} s "
                  f"({speedups[-1]:.2f}x){extra}; load {_load()}")
    one, two = statistics.median(times[1]), statistics.median(times[2])
    speedup = statistics.median(speedups)
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "below"
    print(f"--jobs 1: {one:6.1f} s median  ({one / args.n:.2f} s per submission)")
    print(f"--jobs 2: {two:6.1f} s median  ({two / args.n:.2f} s per submission)")
    print(f"speed-up: {speedup:.2f}x median of rounds ({verdict} the {TARGET_SPEEDUP}x target); "
          f"identical gradebooks: {'yes' if same else 'NO'}; load average after: {_load()}")
    if autograde:
        theirs = statistics.median(autograde)
        ratio = theirs / one
        verdict = "meets" if ratio >= 1.0 else "below"
        print(f"nbgrader autograde: {theirs:6.1f} s median ({theirs / args.n:.2f} s per "
              f"submission); nbgrader / --jobs 1 = {ratio:.2f} ({verdict} the target: --jobs 1 "
              f"no slower than nbgrader); nbgrader / --jobs 2 = {theirs / two:.2f}")
    else:
        print(f"nbgrader autograde: not measured ({skipped})")
    return 0 if same else 1


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
