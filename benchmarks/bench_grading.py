"""Grading throughput: N generated submissions graded with --jobs 1 and with --jobs 2.

Run with ``.venv/bin/python benchmarks/bench_grading.py`` (about 3-6 minutes on 2 cores). Prints
both wall-clock times and the speed-up; the target (issue 6) is a speed-up of at least 1.8x on 2
cores. The submissions are honest ones (correct, untouched, partly wrong) cycling through every
exercise, so the figure measures grading, not timeouts. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--timeout", type=float, default=60, help="per-cell timeout (s)")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="b12bench-") as tmp:
        folder = Path(tmp) / "submissions"
        samples.make_class(folder, n=args.n, kinds=samples.HONEST)
        print(f"{args.n} generated submissions (correct / untouched / partly wrong, every "
              f"exercise); {cores} core(s); load average before: {_load()}")
        serial = grade_once(folder, Path(tmp) / "one.csv", 1, args.timeout)
        print(f"--jobs 1: {serial:6.1f} s  ({serial / args.n:.2f} s per submission)")
        parallel = grade_once(folder, Path(tmp) / "two.csv", 2, args.timeout)
        print(f"--jobs 2: {parallel:6.1f} s  ({parallel / args.n:.2f} s per submission)")
        same = (Path(tmp) / "one.csv").read_bytes() == (Path(tmp) / "two.csv").read_bytes()
        speedup = serial / parallel
        verdict = "meets" if speedup >= TARGET_SPEEDUP else "below"
        print(f"speed-up: {speedup:.2f}x ({verdict} the {TARGET_SPEEDUP}x target); "
              f"identical gradebooks: {'yes' if same else 'NO'}; load average after: {_load()}")
        if not same:
            one = (Path(tmp) / "one.csv").read_text(encoding="utf-8").splitlines()
            two = (Path(tmp) / "two.csv").read_text(encoding="utf-8").splitlines()
            for a, b in [(a, b) for a, b in zip(one, two, strict=False) if a != b][:5]:
                print(f"  jobs 1: {a}\n  jobs 2: {b}")
    return 0 if same else 1


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
