"""Grading throughput: N generated submissions graded with --jobs 1 and with --jobs 2.

Run with ``.venv/bin/python benchmarks/bench_grading.py`` (about 5-8 minutes on 2 idle cores).
Prints both wall-clock times and the speed-up; the target (issue 6) is a speed-up of at least
1.8x on 2 cores. The submissions are honest ones (correct, untouched, partly wrong) cycling
through every exercise, so the figure measures grading, not timeouts.

On a shared machine the load changes while the benchmark runs, so the N submissions are graded in
batches and each batch is graded both ways, alternating which goes first; the totals over all
batches are compared. The load average is printed so a figure can be judged. A measurement, not
a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from b12course.grading import runner, samples

TARGET_SPEEDUP = 1.8


def grade_once(folder: Path, out: Path, jobs: int, timeout: float) -> float:
    start = time.perf_counter()
    runner.grade([folder], out, jobs=jobs, timeout=timeout)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="submissions to generate (default 60)")
    parser.add_argument("--batches", type=int, default=4, help="batches (default 4)")
    parser.add_argument("--timeout", type=float, default=60, help="per-cell timeout (s)")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    totals = {1: 0.0, 2: 0.0}
    same = True
    with tempfile.TemporaryDirectory(prefix="b12bench-") as tmp:
        everyone = Path(tmp) / "all"
        students = samples.make_class(everyone, n=args.n, kinds=samples.HONEST)
        print(f"{args.n} generated submissions (correct / untouched / partly wrong, every "
              f"exercise) in {args.batches} batches; {cores} core(s); load average before: "
              f"{_load()}")
        size = -(-len(students) // args.batches)
        for b in range(args.batches):
            batch = Path(tmp) / f"batch{b}"
            batch.mkdir()
            for student in students[b * size:(b + 1) * size]:
                shutil.copytree(student, batch / student.name)
            order = (1, 2) if b % 2 == 0 else (2, 1)
            seconds = {j: grade_once(batch, Path(tmp) / f"b{b}-j{j}.csv", j, args.timeout)
                       for j in order}
            for j in (1, 2):
                totals[j] += seconds[j]
            same = same and ((Path(tmp) / f"b{b}-j1.csv").read_bytes()
                             == (Path(tmp) / f"b{b}-j2.csv").read_bytes())
            print(f"  batch {b + 1}: --jobs 1 {seconds[1]:6.1f} s, --jobs 2 {seconds[2]:6.1f} s "
                  f"({seconds[1] / seconds[2]:.2f}x); load {_load()}")
    speedup = totals[1] / totals[2]
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "below"
    print(f"--jobs 1: {totals[1]:6.1f} s  ({totals[1] / args.n:.2f} s per submission)")
    print(f"--jobs 2: {totals[2]:6.1f} s  ({totals[2] / args.n:.2f} s per submission)")
    print(f"speed-up: {speedup:.2f}x ({verdict} the {TARGET_SPEEDUP}x target); identical "
          f"gradebooks: {'yes' if same else 'NO'}; load average after: {_load()}")
    return 0 if same else 1


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
