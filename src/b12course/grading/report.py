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
                     "message", "file"]
SUMMARY_COLUMNS = ["section", "name", "notebook", "value", "max_value", "detail",
                   "right", "wrong", "unanswered", "not_graded", "difficulty", "discrimination"]


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
                         r.status, r.message, r.file])
    return buffer.getvalue()


#: the item-analysis summary columns: how each task's (or student's) results split, and figures
ITEM_COLUMNS = SUMMARY_COLUMNS[6:]
#: fewer students than this answered a task: its figures are unstable (as in quiz item analysis)
FEW_ANSWERED = 10
#: below this r a task barely separates stronger from weaker students (as for quizzes)
WEAK_DISCRIMINATION = 0.2


def result_kind(status: str) -> str:
    """'right', 'wrong' (a failed test, an error in the answer, or an answer that used more
    memory than allowed), 'unanswered', or 'not_graded' (the file or the run broke before this
    task could be judged; a tampered task is listed under "Needs a look" instead)."""
    if status == PASS:
        return "right"
    if status in ("fail", "error", "memory-limit"):  # worker.FAIL, worker.ERROR, worker.MEMORY
        return "wrong"
    if status == UNANSWERED:
        return "unanswered"
    return "not_graded"


_KIND_RANK = {"right": 0, "wrong": 1, "unanswered": 2, "not_graded": 3}


def _task_results(rows: list[Row]) -> dict[tuple[str, str], dict[str, Row]]:
    """(notebook, grade_id) -> student -> the one auto-graded Row that counts for them.

    A student with two files for one exercise counts once per task: their best result."""
    results: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
    for r in sort_rows(rows):
        if not r.grade_id or r.manual:
            continue
        mine = results[(r.notebook, r.grade_id)]
        old = mine.get(r.student)
        if old is None or (_KIND_RANK[result_kind(r.status)], -r.points) < \
                (_KIND_RANK[result_kind(old.status)], -old.points):
            mine[r.student] = r
    return results


def _rest_scores(results, notebook: str, gid: str) -> dict[str, float]:
    """Each student's share of points on the notebook's OTHER auto-graded tasks that could be
    graded (right, wrong or unanswered); students with none are left out."""
    got: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    for (nb, other), by_student in results.items():
        if nb != notebook or other == gid:
            continue
        for student, r in by_student.items():
            if result_kind(r.status) != "not_graded":
                got[student] += r.points
                possible[student] += r.max_points
    return {s: round(got[s] / possible[s], 9) for s in possible if possible[s] > 0}


def _fig(value) -> str:
    return "" if value is None else f"{value:.2f}".replace("-0.00", "0.00")


def task_analysis(rows: list[Row]) -> list[dict]:
    """Item analysis per auto-graded task, hardest first (per student, never per row).

    ``difficulty`` is the share right among the students who ANSWERED (right or wrong), so
    unanswered and broken submissions do not count as misses. ``discrimination`` is the
    corrected item-rest point-biserial r: the correlation between right (1) / wrong (0) on this
    task and the student's share of points on the exercise's other gradable tasks."""
    from b12course.quiz.items import point_biserial

    results = _task_results(rows)
    found = []
    for (notebook, gid), by_student in results.items():
        counts = Counter(result_kind(r.status) for r in by_student.values())
        answered = counts["right"] + counts["wrong"]
        rests = _rest_scores(results, notebook, gid)
        pairs = [(rests[s], float(result_kind(r.status) == "right"))
                 for s, r in sorted(by_student.items())
                 if s in rests and result_kind(r.status) in ("right", "wrong")]
        broken = Counter(r.status for r in by_student.values()
                         if result_kind(r.status) == "not_graded")
        found.append({
            "notebook": notebook, "grade_id": gid, "students": len(by_student),
            "right": counts["right"], "wrong": counts["wrong"],
            "unanswered": counts["unanswered"], "not_graded": counts["not_graded"],
            "answered": answered, "broken": dict(sorted(broken.items())),
            "difficulty": counts["right"] / answered if answered else None,
            "discrimination": point_biserial(pairs),
            "order": min(r.order for r in by_student.values()),
        })
    return sorted(found, key=lambda t: (t["difficulty"] is None,
                                        t["difficulty"] if t["difficulty"] is not None else 0,
                                        -t["wrong"], t["notebook"], t["order"], t["grade_id"]))


def _task_detail(t: dict) -> str:
    parts = [f"{t['wrong']} of {t['answered']} who answered got it wrong"
             if t["answered"] else "nobody answered"]
    if t["difficulty"] is not None:
        parts[0] += f" (difficulty {t['difficulty']:.2f} = share right)"
    parts.append(f"{t['unanswered']} unanswered")
    broken = ", ".join(f"{status} {n}" for status, n in t["broken"].items())
    parts.append(f"{t['not_graded']} not graded" + (f" ({broken})" if broken else ""))
    r = t["discrimination"]
    parts.append("discrimination r " + (_fig(r) if r is not None else
                                         "not computable (answers or rest scores all alike)"))
    if r is not None and r < 0:
        parts.append("negative discrimination: stronger students got it wrong more often; "
                     "check the task and its test")
    elif r is not None and r < WEAK_DISCRIMINATION:
        parts.append("weak discrimination")
    if t["answered"] < FEW_ANSWERED:
        parts.append(f"fewer than {FEW_ANSWERED} answered: figures unstable")
    return "; ".join(parts)


def message_students(rows: list[Row]) -> list[tuple[str, int, int]]:
    """(message, students who got it, task results carrying it), commonest first."""
    students: dict[str, set[str]] = defaultdict(set)
    results: Counter = Counter()
    for r in rows:
        if r.status not in (PASS, MANUAL) and r.message:
            students[r.message].add(r.student)
            results[r.message] += 1
    return sorted(((m, len(s), results[m]) for m, s in students.items()),
                  key=lambda x: (-x[1], -x[2], x[0]))


def summary_rows(rows: list[Row]) -> list[list[str]]:
    """Totals per student, then the item analysis per task (hardest first), then messages
    with the number of STUDENTS who got each; one list per row, in SUMMARY_COLUMNS order."""
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
        kinds = Counter(result_kind(r.status) for r in auto)
        out.append(["student", student, "", _num(sum(r.points for r in mine)),
                    _num(sum(r.max_points for r in mine)), detail,
                    *(str(kinds[k]) for k in ITEM_COLUMNS[:4]), "", ""])
    for t in task_analysis(rows):
        out.append(["task", t["grade_id"], t["notebook"], str(t["wrong"]), str(t["answered"]),
                    _task_detail(t), str(t["right"]), str(t["wrong"]), str(t["unanswered"]),
                    str(t["not_graded"]), _fig(t["difficulty"]), _fig(t["discrimination"])])
    for message, students, results in message_students(rows):
        out.append(["message", message, "", str(students), str(len(by_student)),
                    f"{students} student(s); {results} task result(s)", "", "", "", "", "", ""])
    return out


def summary_csv(rows: list[Row]) -> str:
    """Totals and item analysis as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(summary_rows(rows))
    return buffer.getvalue()


def _students(n: int) -> str:
    return f"{n} student{'s' if n != 1 else ''}"


def summary_text(rows: list[Row], top: int = 3) -> str:
    """A short printed summary for the terminal (counts per student, never per row)."""
    students = sorted({r.student for r in rows})
    auto = [r for r in rows if r.grade_id and not r.manual]
    got = sum(r.points for r in rows)
    possible = sum(r.max_points for r in rows)
    lines = [f"Graded {len(students)} student(s): {sum(r.status == PASS for r in auto)} of "
             f"{len(auto)} auto-graded task results passed; {got:g} of {possible:g} points "
             f"({100 * got / possible if possible else 0:.0f}%)."]
    kinds = Counter(result_kind(r.status) for r in auto)
    if auto:
        lines.append(f"Task results: {kinds['right']} right, {kinds['wrong']} wrong, "
                     f"{kinds['unanswered']} unanswered, {kinds['not_graded']} not graded "
                     "(file or run broken: see 'Needs a look').")
    manual = sum(r.status == MANUAL for r in rows)
    if manual:
        lines.append(f"{manual} written answer(s) to grade by hand (status 'manual').")
    ranked = [t for t in task_analysis(rows) if t["wrong"]][:top]
    if ranked:
        lines.append("Most-failed tasks: " + "; ".join(
            f"{t['grade_id']} ({t['wrong']} of {t['answered']} who answered got it wrong; "
            f"{t['unanswered']} unanswered; {t['not_graded']} not graded)" for t in ranked))
    common = message_students(rows)[:top]
    if common:
        lines.append("Commonest messages (students who got each):")
        lines.extend(f"  {_students(n)}: {message}" for message, n, _ in common)
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
