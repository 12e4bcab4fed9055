"""Gradebook files and the printed summary: sorted, timestamp-free, written atomically."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

from b12course.grading.worker import MANUAL, PASS, UNANSWERED, Row

#: statuses that are ordinary results, not problems with a submission
_ORDINARY = (PASS, MANUAL, UNANSWERED, "fail")

GRADEBOOK_COLUMNS = ["student", "notebook", "grade_id", "points", "max_points", "status",
                     "message"]
SUMMARY_COLUMNS = ["section", "name", "notebook", "value", "max_value", "detail"]


def sort_rows(rows: list[Row]) -> list[Row]:
    """Deterministic order: student, notebook, task position, grade_id, message."""
    return sorted(rows, key=lambda r: (r.student, r.notebook, r.order, r.grade_id, r.status,
                                       r.message))


def _num(value: float) -> str:
    return f"{value:g}"


def gradebook_csv(rows: list[Row]) -> str:
    """The gradebook as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(GRADEBOOK_COLUMNS)
    for r in sort_rows(rows):
        writer.writerow([r.student, r.notebook, r.grade_id, _num(r.points), _num(r.max_points),
                         r.status, r.message])
    return buffer.getvalue()


def summary_rows(rows: list[Row]) -> list[list[str]]:
    """Totals per student, then tasks by failures, then the commonest messages."""
    out: list[list[str]] = []
    by_student: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_student[r.student].append(r)
    for student in sorted(by_student):
        mine = by_student[student]
        auto = [r for r in mine if r.grade_id and not r.manual]
        passed = sum(r.status == PASS for r in auto)
        manual = sum(r.manual for r in mine)
        problems = sorted({r.status for r in mine if r.status not in _ORDINARY})
        detail = f"{passed}/{len(auto)} auto-graded tasks passed; {manual} to grade by hand"
        if problems:
            detail += "; problems: " + ", ".join(problems)
        out.append(["student", student, "", _num(sum(r.points for r in mine)),
                    _num(sum(r.max_points for r in mine)), detail])
    tasks: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        if r.grade_id and not r.manual:
            tasks[(r.notebook, r.grade_id)].append(r)
    ranked = sorted(tasks.items(), key=lambda kv: (-sum(r.status != PASS for r in kv[1]), kv[0]))
    for (notebook, gid), task_rows in ranked:
        failed = sum(r.status != PASS for r in task_rows)
        out.append(["task", gid, notebook, str(failed), str(len(task_rows)),
                    f"not passed by {failed} of {len(task_rows)} "
                    f"({100 * failed / len(task_rows):.0f}%)"])
    messages = Counter(r.message for r in rows if r.status not in (PASS, MANUAL) and r.message)
    for message, n in sorted(messages.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(["message", message, "", str(n), str(len(rows)), ""])
    return out


def summary_csv(rows: list[Row]) -> str:
    """Totals and item analysis as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(summary_rows(rows))
    return buffer.getvalue()


def summary_text(rows: list[Row], top: int = 3) -> str:
    """A short printed summary for the terminal."""
    students = sorted({r.student for r in rows})
    auto = [r for r in rows if r.grade_id and not r.manual]
    got = sum(r.points for r in rows)
    possible = sum(r.max_points for r in rows)
    lines = [f"Graded {len(students)} student(s): {sum(r.status == PASS for r in auto)} of "
             f"{len(auto)} auto-graded task results passed; {got:g} of {possible:g} points "
             f"({100 * got / possible if possible else 0:.0f}%)."]
    manual = sum(r.status == MANUAL for r in rows)
    if manual:
        lines.append(f"{manual} written answer(s) to grade by hand (status 'manual').")
    ranked = [row for row in summary_rows(rows) if row[0] == "task" and row[3] != "0"][:top]
    if ranked:
        lines.append("Most-failed tasks: " + "; ".join(
            f"{r[1]} ({r[3]} of {r[4]} not passed)" for r in ranked))
    common = [row for row in summary_rows(rows) if row[0] == "message"][:top]
    if common:
        lines.append("Commonest messages:")
        lines.extend(f"  {r[3]} x {r[1]}" for r in common)
    broken = sorted({(r.student, r.status) for r in rows if r.status not in _ORDINARY})
    if broken:
        shown = ", ".join(f"{s} ({st})" for s, st in broken[:12])
        more = f" and {len(broken) - 12} more" if len(broken) > 12 else ""
        lines.append(f"Needs a look: {shown}{more}")
    return "\n".join(lines)


def summary_path(out: Path) -> Path:
    """Where the totals / item analysis CSV goes: next to the gradebook, ``_summary`` added."""
    out = Path(out)
    return out.with_name(f"{out.stem}_summary{out.suffix or '.csv'}")
