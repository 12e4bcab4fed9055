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
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from b12course.exercises import build
from b12course.grading import discover, export, report, sandbox, worker
from b12course.grading.options import (
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_OUTPUT_LIMIT_MB,
    DEFAULT_TIMEOUT,
)
from b12course.grading.progress import BatchProgress, short_label
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
    exports: tuple = ()  # Canvas / Moodle import files written, if asked for


def _fallback(sub: discover.Submission, solution, status: str, message: str) -> list[Row]:
    if sub.exercise and solution is not None:
        return worker.rows_for_all(sub.student, sub.exercise, solution, status, message)
    return [Row(sub.student, sub.label, "", 0.0, 0.0, status, worker.clean_message(message))]


def _labelled(rows: list[Row], sub: discover.Submission) -> list[Row]:
    """The submitted file's name on each of its rows (the gradebook's file column)."""
    for row in rows:
        row.file = sub.display or (str(sub.path) if sub.path else "")
    return rows


def _hard_limit(solution, timeout: float) -> float:
    """Seconds after which a worker is killed: every cell may hit the limit (plus the interrupt
    grace), and a dead kernel's restarts re-run earlier cells."""
    cells = len(solution.cells) if solution is not None else 60
    return 2 * (timeout + 15) * (cells + 2) + 120


@dataclass
class KernelSettings:
    """The per-kernel limits every worker of a batch gets, and the progress meter."""

    memory_bytes: int
    network: str
    meter: BatchProgress


def _run_one(sub: discover.Submission, index: int, tmp: Path, solutions: Path, solution,
             timeout: float, output_limit: int, kernel: KernelSettings) -> list[Row]:
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
            "memory_limit": kernel.memory_bytes, "network": kernel.network,
            "progress": str(folder / "progress.json"),
        }), encoding="utf-8")
        kernel.meter.started(index, short_label(sub.student, sub.exercise, sub.label),
                             folder / "progress.json")
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
          output_limit_mb: float = DEFAULT_OUTPUT_LIMIT_MB, progress=None,
          canvas_csv: Path | None = None, moodle_csv: Path | None = None,
          canvas_assignment: str | None = None,
          memory_limit_mb: float = DEFAULT_MEMORY_LIMIT_MB,
          network: str | None = None) -> GradeResult:
    """Grade submissions into ``out`` (gradebook) and ``out``'s ``_summary`` CSV.

    Each kernel gets ``memory_limit_mb`` of address space (0 = no cap) and no network
    (``network``: None = the best this machine allows, see ``sandbox.network_mode``)."""
    if jobs < 1:
        raise ValueError(f"--jobs must be 1 or more, not {jobs}")
    if timeout <= 0:
        raise ValueError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    solutions = Path(solutions or build.solutions_dir()).resolve()
    specs = build.load_solutions(solutions)
    if not specs:
        raise ValueError(f"no solution notebooks (*_exercises.ipynb) in {solutions}")
    found = discover.discover_all([Path(p) for p in submissions], specs)  # keeps unzipped files
    subs = found.submissions
    rows: list[Row] = []
    to_grade = []
    for sub in subs:
        if sub.problem:
            rows.extend(_labelled(_fallback(sub, None, sub.problem,
                                            _PROBLEM_MESSAGES[sub.problem]), sub))
        else:
            to_grade.append(sub)
    meter = BatchProgress(len(to_grade), progress, jobs=jobs, timeout=timeout)
    limit = int(output_limit_mb * 1_000_000)
    kernel = KernelSettings(int(memory_limit_mb * 2 ** 20), network or _network(progress),
                            meter)
    with tempfile.TemporaryDirectory(prefix="b12grade-") as tmp, \
            ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_run_one, sub, i, Path(tmp), solutions,
                               specs.get(sub.exercise), timeout, limit, kernel): (i, sub)
                   for i, sub in enumerate(to_grade)}
        pending = set(futures)
        while pending:  # wake twice a second so the progress line can name a stuck cell
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: futures[f][0]):
                result = _labelled(future.result(), futures[future][1])
                rows.extend(result)
                meter.update(result, futures[future][0])
            if not done:
                meter.tick()
    rows = report.sort_rows(rows)
    out = Path(out)
    summary = report.summary_path(out)
    write_atomic(out, report.gradebook_csv(rows))
    write_atomic(summary, report.summary_csv(rows) +
                 found.summary_csv(len(report.SUMMARY_COLUMNS)))
    exports, warnings = export.write(rows, found.identities(), canvas=canvas_csv,
                                     moodle=moodle_csv, canvas_assignment=canvas_assignment)
    text = "\n".join(part for part in (report.summary_text(rows), found.text()) if part)
    text += "".join(f"\nWARNING: {w}" for w in warnings)
    return GradeResult(rows, out, summary, text, tuple(exports))


def _network(progress) -> str:
    """The network isolation to use; says so when only the soft (in-Python) block is possible."""
    mode, reason = sandbox.network_mode()
    if mode == sandbox.SOFT and progress is not None:
        progress.write(f"Note: {reason}, so student code's network is blocked inside Python "
                       "only (a soft block that deliberate code can get round). Where "
                       "'unshare -rn' works, kernels get no network at all.\n")
    return mode


def main(args) -> int:
    """Entry point of ``b12course grade``: grade, write both CSVs, print the summary."""
    try:
        result = grade(args.submissions, Path(args.out), jobs=args.jobs, timeout=args.timeout,
                       solutions=Path(args.solutions) if args.solutions else None,
                       output_limit_mb=args.output_limit,
                       progress=None if args.quiet else sys.stderr,
                       canvas_csv=getattr(args, "canvas_csv", None),
                       moodle_csv=getattr(args, "moodle_csv", None),
                       canvas_assignment=getattr(args, "canvas_assignment", None),
                       memory_limit_mb=getattr(args, "memory_limit", DEFAULT_MEMORY_LIMIT_MB))
    except ValueError as exc:
        print(f"b12course grade: {exc}", file=sys.stderr)
        return 2
    print(result.text)
    print(f"Gradebook: {result.gradebook}\nTotals and item analysis: {result.summary}")
    for path in result.exports:
        print(f"LMS import file: {path}")
    return 0
