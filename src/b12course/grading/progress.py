"""The grader's progress line: done / total, failures, time left, and who is stuck where.

Each worker writes ``{"task": grade_id, "since": time}`` to its progress file when a cell starts;
the runner calls :meth:`BatchProgress.tick` about twice a second. A submission whose current cell
has run past the *slow mark* (half the per-cell limit, at most 10 s) is named on the line —
``still running: smithj 03 (task 03-us-volume, 61 s)`` — and the time left counts what such a
cell may still take before it is stopped, so a loop never hides behind "about 3 s left".
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: statuses that do not count as a failure on the progress line
_FINE = ("pass", "manual")


@dataclass
class _Running:
    label: str
    progress_file: Path
    started: float


def short_label(student: str, exercise: str | None, fallback: str) -> str:
    """'smithj 03' for exercise 03_..._exercises, else the student and the file name."""
    number = re.match(r"(\d\d)_", exercise or "")
    return f"{student} {number.group(1) if number else fallback}".strip()


class BatchProgress:
    """A one-line progress display, safe to update from the worker threads."""

    def __init__(self, total: int, stream=None, *, jobs: int = 1, timeout: float = 60.0,
                 slow_after: float | None = None):
        self.total, self.done, self.failures = total, 0, 0
        self.stream, self.jobs, self.timeout = stream, max(1, jobs), timeout
        self.slow_after = min(timeout / 2, 10.0) if slow_after is None else slow_after
        self.start = time.monotonic()
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.running: dict[object, _Running] = {}
        self.durations: list[float] = []
        self.announced: set[tuple[str, str]] = set()
        self.lock = threading.Lock()

    def started(self, key, label: str, progress_file: Path) -> None:
        """A worker began grading one submission (called from its thread)."""
        with self.lock:
            self.running[key] = _Running(label, Path(progress_file), time.monotonic())

    def update(self, rows, key=None) -> None:
        """One submission is done: count it and redraw."""
        with self.lock:
            job = self.running.pop(key, None)
            if job is not None:
                self.durations.append(time.monotonic() - job.started)
            self.done += 1
            if any(r.status not in _FINE for r in rows):
                self.failures += 1
        self._show(final=self.done == self.total, finished=True)

    def tick(self) -> None:
        """Redraw (the stuck list and the estimate change while nothing finishes)."""
        self._show(final=False, finished=False)

    def stuck(self, now: float | None = None) -> list[tuple[str, str, float]]:
        """(label, task, seconds in the current cell) for submissions past the slow mark."""
        now = time.time() if now is None else now
        found = []
        with self.lock:
            jobs = list(self.running.values())
        for job in jobs:
            where = _read(job.progress_file)
            if where and now - where["since"] >= self.slow_after:
                found.append((job.label, str(where["task"]), now - where["since"]))
        return sorted(found)

    def seconds_left(self, stuck=None) -> float | None:
        """Time left: finished submissions' mean for the rest, plus what stuck cells may take."""
        with self.lock:
            if not self.durations:
                return None
            mean = sum(self.durations) / len(self.durations)
            now = time.monotonic()
            running = [now - job.started for job in self.running.values()]
            queued = self.total - self.done - len(running)
        stuck = self.stuck() if stuck is None else stuck
        waits = [max(mean - spent, 0.0) for spent in running]
        waits += [max(self.timeout - seconds, 0.0) for _, _, seconds in stuck]
        work = queued * mean + sum(waits)
        return max(work / self.jobs, max(waits, default=0.0))

    def line(self, stuck=None) -> str:
        stuck = self.stuck() if stuck is None else stuck
        left = self.seconds_left(stuck)
        text = (f"graded {self.done}/{self.total} · {self.failures} with failures so far · "
                + (f"about {left:.0f} s left" if left is not None else "estimating time left"))
        if stuck:
            text += " · still running: " + ", ".join(
                f"{label} (task {task}, {seconds:.0f} s)" for label, task, seconds in stuck)
        return text

    def _show(self, final: bool, finished: bool) -> None:
        if self.stream is None:
            return
        stuck = [] if final else self.stuck()
        if self.tty:
            end = "\n" if final else ""
            self.stream.write(f"\r{self.line(stuck):<79}{end}")
        else:  # a log: a line every tenth of the batch, and each newly stuck cell once
            new = [s for s in stuck if (s[0], s[1]) not in self.announced]
            self.announced.update((s[0], s[1]) for s in new)
            every = max(1, self.total // 10)
            if new or (finished and (final or self.done % every == 0)):
                self.stream.write(self.line(stuck) + "\n")
        self.stream.flush()


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {"task": data["task"], "since": float(data["since"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None
