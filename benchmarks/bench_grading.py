"""Grading throughput: N generated submissions graded with --jobs 1 and with --jobs 2.

Run with ``.venv/bin/python benchmarks/bench_grading.py`` (about 5 minutes on 2 idle cores).
Prints wall-clock times and the speed-up; the target (issue 6/8) is a speed-up of at least 1.8x
on 2 cores. The submissions are honest ones (correct, untouched, partly wrong) cycling through
every exercise, so the figure measures grading, not timeouts.

The whole class is graded both ways in each of several rounds (alternating which goes first, so
a change in machine load hits both alike) and the median of the rounds is reported, with every
round printed and the load average, so a figure can be judged. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
    parser.add_argument("--rounds", type=int, default=3, help="rounds, median reported (3)")
    parser.add_argument("--timeout", type=float, default=60, help="per-cell timeout (s)")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    times: dict[int, list[float]] = {1: [], 2: []}
    speedups: list[float] = []
    same = True
    with tempfile.TemporaryDirectory(prefix="b12bench-") as tmp:
        everyone = Path(tmp) / "all"
        samples.make_class(everyone, n=args.n, kinds=samples.HONEST)
        print(f"{args.n} generated submissions (correct / untouched / partly wrong, every "
              f"exercise), graded both ways in {args.rounds} rounds; {cores} core(s); "
              f"load average before: {_load()}")
        for r in range(args.rounds):
            order = (1, 2) if r % 2 == 0 else (2, 1)
            seconds = {j: grade_once(everyone, Path(tmp) / f"r{r}-j{j}.csv", j, args.timeout)
                       for j in order}
            for j in (1, 2):
                times[j].append(seconds[j])
            speedups.append(seconds[1] / seconds[2])
            same = same and ((Path(tmp) / f"r{r}-j1.csv").read_bytes()
                             == (Path(tmp) / f"r{r}-j2.csv").read_bytes())
            print(f"  round {r + 1}: --jobs 1 {seconds[1]:6.1f} s, --jobs 2 {seconds[2]:6.1f} s "
                  f"({speedups[-1]:.2f}x); load {_load()}")
    one, two = statistics.median(times[1]), statistics.median(times[2])
    speedup = statistics.median(speedups)
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "below"
    print(f"--jobs 1: {one:6.1f} s median  ({one / args.n:.2f} s per submission)")
    print(f"--jobs 2: {two:6.1f} s median  ({two / args.n:.2f} s per submission)")
    print(f"speed-up: {speedup:.2f}x median of rounds ({verdict} the {TARGET_SPEEDUP}x target); "
          f"identical gradebooks: {'yes' if same else 'NO'}; load average after: {_load()}")
    return 0 if same else 1


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
