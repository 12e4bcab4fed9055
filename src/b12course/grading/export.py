"""Grades in the CSV shapes Canvas and Moodle import (one total per student and exercise).

Canvas gradebook import: ``Student, ID, SIS User ID, SIS Login ID, Section`` then one column
per assignment; Canvas matches a row by ``ID`` (its user id, taken from the download's file
names), then SIS ids, then the name. Moodle assignment "Upload grading worksheet": the
``Identifier`` column (``Participant N``, N from the download's folder names), ``Grade`` and
``Last modified (grade)`` are required. Column rules and sources: instructors/README.md.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from b12course.grading import lms
from b12course.grading.lms import CANVAS, MOODLE
from b12course.grading.sheets import read_gradebook
from b12course.grading.worker import Row

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"]


def _num(value: float) -> str:
    return f"{value:g}"


def totals(rows: list[Row]) -> dict[tuple[str, str], tuple[float, float]]:
    """(student, exercise) -> (points, max points), over rows that belong to an exercise."""
    got: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r.grade_id:
            got[(r.student, r.notebook)][0] += r.points
            got[(r.student, r.notebook)][1] += r.max_points
    return {key: (p, m) for key, (p, m) in got.items()}


def canvas_csv(rows: list[Row], identities: dict[str, tuple[str, str]],
               assignment: str | None = None) -> tuple[str, list[str]]:
    """(CSV text, warnings): one row per student, one column per exercise graded."""
    scores = totals(rows)
    exercises = sorted({e for _, e in scores})
    warnings = []
    if assignment and len(exercises) > 1:
        warnings.append(f"--canvas-assignment names one Canvas column, but {len(exercises)} "
                        "exercises were graded: the columns are named after the exercises")
        assignment = None
    headers = [assignment] if assignment else exercises
    students = sorted({s for s, _ in scores})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CANVAS_COLUMNS + headers)
    missing = []
    for student in students:
        kind, lms_id = identities.get(student, ("", ""))
        canvas_id = lms_id if kind == CANVAS else ""
        if not canvas_id:
            missing.append(student)
        cells = [_num(scores[(student, e)][0]) if (student, e) in scores else ""
                 for e in exercises]
        writer.writerow([student, canvas_id, "", "", ""] + cells)
    if missing:
        warnings.append(f"{len(missing)} student(s) in the Canvas file have no Canvas id (their "
                        f"files did not come from a Canvas download): {', '.join(missing)}; "
                        "Canvas will ask you to match them by hand")
    return buffer.getvalue(), warnings


def moodle_csv(rows: list[Row], identities: dict[str, tuple[str, str]],
               exercise: str) -> tuple[str, list[str]]:
    """(CSV text, warnings): Moodle's grading worksheet shape for one exercise."""
    scores = totals(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MOODLE_COLUMNS)
    missing = []
    for (student, name), (points, possible) in sorted(scores.items()):
        if name != exercise:
            continue
        kind, lms_id = identities.get(student, ("", ""))
        identifier = f"Participant {lms_id}" if kind == MOODLE else ""
        if not identifier:
            missing.append(student)
        writer.writerow([identifier, student, _num(points), _num(possible), ""])
    warnings = []
    if missing:
        warnings.append(f"{exercise}: {len(missing)} student(s) have no Moodle participant id "
                        f"(their files did not come from a Moodle download): "
                        f"{', '.join(missing)}; Moodle skips rows without one")
    return buffer.getvalue(), warnings


def moodle_paths(path: Path, exercises: list[str]) -> dict[str, Path]:
    """One worksheet per exercise: PATH itself for one, PATH_STEM_<exercise>.csv for several."""
    path = Path(path)
    if len(exercises) <= 1:
        return {e: path for e in exercises} or {"": path}
    return {e: path.with_name(f"{path.stem}_{e}{path.suffix or '.csv'}") for e in exercises}


def write(rows: list[Row], identities: dict[str, tuple[str, str]], *,
          canvas: Path | None = None, moodle: Path | None = None,
          canvas_assignment: str | None = None) -> tuple[list[Path], list[str]]:
    """Write the requested LMS files; (paths written, warnings)."""
    from b12course.sources.fileio import write_atomic

    written, warnings = [], []
    if canvas:
        text, more = canvas_csv(rows, identities, canvas_assignment)
        write_atomic(Path(canvas), text)
        written.append(Path(canvas))
        warnings.extend(more)
    if moodle:
        exercises = sorted({e for _, e in totals(rows)})
        for exercise, target in moodle_paths(Path(moodle), exercises).items():
            text, more = moodle_csv(rows, identities, exercise)
            write_atomic(target, text)
            written.append(target)
            warnings.extend(more)
    return written, warnings


def identity_from_file(file: str) -> tuple[str, str] | None:
    """(lms, id) read back from a gradebook ``file`` entry, e.g. ``x.zip/smithj_101_5_a.ipynb``."""
    for part in reversed(file.replace("\\", "/").split("/")):
        named = lms.parse(part)
        if named:
            return named.lms, named.lms_id
    return None


def from_gradebook(gradebook: Path, *, canvas: Path | None = None, moodle: Path | None = None,
                   canvas_assignment: str | None = None) -> tuple[list[Path], list[str]]:
    """The LMS files again from a gradebook CSV (e.g. after written answers were marked), read
    as ``grade marks`` reads it (a sheet re-saved by a spreadsheet works; a missing file or
    column is a SheetError with a plain message)."""
    _, table = read_gradebook(gradebook)
    rows = [Row(r["student"], r["notebook"], r["grade_id"], float(r["points"] or 0),
                float(r["max_points"] or 0), r["status"], r.get("message", ""),
                file=r.get("file") or "") for r in table]
    identities = {r.student: found for r in rows
                  if r.file and (found := identity_from_file(r.file))}
    return write(rows, identities, canvas=canvas, moodle=moodle,
                 canvas_assignment=canvas_assignment)
