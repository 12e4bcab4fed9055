"""Grade a batch: one worker process (and one fresh kernel) per submitted notebook, N at a time.

Submissions are only read: each is copied into a temporary folder (read-only) and graded there.
A worker that crashes or hangs past its hard limit is killed and its submission gets a row that
says so; the batch always finishes and always writes both CSV files (atomically).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from b12course.exercises import build
from b12course.grading import discover, report, worker
from b12course.grading.options import DEFAULT_OUTPUT_LIMIT_MB, DEFAULT_TIMEOUT
from b12course.grading.worker import Row
from b12course.sources.fileio import write_atomic

MAX_FILE_MB = 20
_PROBLEM_MESSAGES = {
    "empty-folder": "the folder is empty: nothing was handed in",
    "not-a-notebook": "not a Jupyter notebook (.ipynb); hand in the .ipynb file itself",
    "not-found": "no such file or folder",
}


@dataclass
class GradeResult:
    """What a grading run produced."""

    rows: list[Row]
    gradebook: Path
    summary: Path
    text: str


class BatchProgress:
    """A one-line progress display: done / total, failures so far, time left."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.failures = total, 0, 0
        self.stream = stream
        self.start = time.monotonic()
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    def update(self, rows: list[Row]) -> None:
        self.done += 1
        if any(r.status not in (worker.PASS, worker.MANUAL) for r in rows):
            self.failures += 1
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        line = (f"graded {self.done}/{self.total} · {self.failures} with failures so far · "
                f"about {left:.0f} s left")
        if self.tty:
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r{line:<79}{end}")
        elif self.done == self.total or self.done % max(1, self.total // 10) == 0:
            self.stream.write(line + "\n")
        self.stream.flush()


def _fallback(sub: discover.Submission, solution, status: str, message: str) -> list[Row]:
    if sub.exercise and solution is not None:
        return worker.rows_for_all(sub.student, sub.exercise, solution, status, message)
    return [Row(sub.student, sub.label, "", 0.0, 0.0, status, worker.clean_message(message))]


def _hard_limit(solution, timeout: float) -> float:
    cells = len(solution.cells) if solution is not None else 60
    return timeout * (cells + 2) + 120


def _run_one(sub: discover.Submission, index: int, tmp: Path, solutions: Path, solution,
             timeout: float, output_limit: int) -> list[Row]:
    """Grade one submission in a worker process; never raises."""
    try:
        size = sub.path.stat().st_size
        if size > MAX_FILE_MB * 1_000_000:
            return _fallback(sub, solution, worker.UNREADABLE,
                             f"file is larger than {MAX_FILE_MB} MB; clear outputs and save")
        folder = tmp / f"s{index:05d}"
        folder.mkdir()
        copy = folder / "submission.ipynb"
        shutil.copyfile(sub.path, copy)
        copy.chmod(0o444)
        job, result = folder / "job.json", folder / "result.json"
        job.write_text(json.dumps({
            "student": sub.student, "path": str(copy), "exercise": sub.exercise,
            "solutions": str(solutions), "timeout": timeout, "output_limit": output_limit,
        }), encoding="utf-8")
        command = [sys.executable, "-m", "b12course.grading.worker", str(job), str(result)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, cwd=folder,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=_hard_limit(solution, timeout))
        except subprocess.TimeoutExpired:
            _kill(process)
            return _fallback(sub, solution, worker.TIMEOUT,
                             "grading took too long and was stopped")
        if code != 0 or not result.exists():
            return _fallback(sub, solution, worker.CRASHED,
                             f"the grading process stopped unexpectedly (exit code {code})")
        return [Row(**row) for row in json.loads(result.read_text(encoding="utf-8"))]
    except Exception as exc:  # the batch must go on whatever one submission does
        return _fallback(sub, solution, worker.CRASHED, f"{type(exc).__name__}: {exc}")


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()
    process.wait()


def grade(submissions: list[Path], out: Path, *, jobs: int = 1,
          timeout: float = DEFAULT_TIMEOUT, solutions: Path | None = None,
          output_limit_mb: float = DEFAULT_OUTPUT_LIMIT_MB, progress=None) -> GradeResult:
    """Grade submissions into ``out`` (gradebook) and ``out``'s ``_summary`` CSV."""
    if jobs < 1:
        raise ValueError(f"--jobs must be 1 or more, not {jobs}")
    if timeout <= 0:
        raise ValueError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    solutions = Path(solutions or build.solutions_dir()).resolve()
    specs = build.load_solutions(solutions)
    if not specs:
        raise ValueError(f"no solution notebooks (*_exercises.ipynb) in {solutions}")
    subs = discover.discover([Path(p) for p in submissions], set(specs))
    rows: list[Row] = []
    to_grade = []
    for sub in subs:
        if sub.problem:
            rows.extend(_fallback(sub, None, sub.problem, _PROBLEM_MESSAGES[sub.problem]))
        else:
            to_grade.append(sub)
    meter = BatchProgress(len(to_grade), progress)
    limit = int(output_limit_mb * 1_000_000)
    with tempfile.TemporaryDirectory(prefix="b12grade-") as tmp, \
            ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_one, sub, i, Path(tmp), solutions,
                               specs.get(sub.exercise), timeout, limit)
                   for i, sub in enumerate(to_grade)]
        for future in as_completed(futures):
            result = future.result()
            rows.extend(result)
            meter.update(result)
    rows = report.sort_rows(rows)
    out = Path(out)
    summary = report.summary_path(out)
    write_atomic(out, report.gradebook_csv(rows))
    write_atomic(summary, report.summary_csv(rows))
    return GradeResult(rows, out, summary, report.summary_text(rows))


def main(args) -> int:
    """Entry point of ``b12course grade``: grade, write both CSVs, print the summary."""
    try:
        result = grade(args.submissions, Path(args.out), jobs=args.jobs, timeout=args.timeout,
                       solutions=Path(args.solutions) if args.solutions else None,
                       output_limit_mb=args.output_limit,
                       progress=None if args.quiet else sys.stderr)
    except ValueError as exc:
        print(f"b12course grade: {exc}", file=sys.stderr)
        return 2
    print(result.text)
    print(f"Gradebook: {result.gradebook}\nTotals and item analysis: {result.summary}")
    return 0
