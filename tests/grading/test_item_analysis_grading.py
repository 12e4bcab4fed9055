"""Item analysis that tells the truth (issue 16, problem 5): wrong, unanswered and broken apart;
difficulty among those who answered; discrimination; messages counted per student."""

from __future__ import annotations

import csv
import io
import random
import statistics

from b12course.grading import report
from b12course.grading.worker import Row

EX = "01_alpha_exercises"
TASKS = [f"t{i}" for i in range(1, 10)]  # nine auto-graded tasks, 1 point each
CORRUPT = "corrupt notebook JSON (line 1, column 51): re-download or re-save it from Jupyter"


def _student(name: str, statuses: dict[str, str], message: str = "") -> list[Row]:
    rows = []
    for order, gid in enumerate(TASKS):
        status = statuses.get(gid, "pass")
        text = {"pass": "", "fail": "Not quite: check the units",
                "unanswered": "Not answered yet: replace the ..."}.get(status, message)
        rows.append(Row(name, EX, gid, 1.0 if status == "pass" else 0.0, 1.0, status, text,
                        order))
    rows.append(Row(name, EX, "why", 0.0, 2.0, "manual", "answered (40 words)", 9, True))
    return rows


def _class() -> list[Row]:
    """20 students: on task t1, 8 right, 3 wrong, 5 unanswered and 4 that could not be graded
    (one corrupt file, one wrong notebook, one endless loop, one grader error)."""
    rows: list[Row] = []
    for i in range(8):
        rows += _student(f"right{i}", {})
    for i in range(3):
        rows += _student(f"wrong{i}", {"t1": "fail"})
    for i in range(5):
        rows += _student(f"blank{i}", {gid: "unanswered" for gid in TASKS})
    rows += _student("corrupt", {gid: "unreadable" for gid in TASKS}, CORRUPT)
    rows += _student("other", {gid: "wrong-notebook" for gid in TASKS},
                     "this file holds the tasks of 02_beta_exercises, not 01_alpha_exercises")
    rows += _student("looper", {gid: "timeout" for gid in TASKS}, "ran longer than 20 s")
    rows += _student("crash", {gid: "grader-error" for gid in TASKS}, "grading stopped")
    return rows


def _summary(rows):
    return list(csv.DictReader(io.StringIO(report.summary_csv(rows))))


def test_broken_and_unanswered_notebooks_are_not_counted_as_wrong_answers():
    """Old code: 'not passed by 12 of 20' for t1, though only 3 students answered it wrongly."""
    task = next(r for r in _summary(_class()) if r["section"] == "task" and r["name"] == "t1")
    assert (task["right"], task["wrong"], task["unanswered"], task["not_graded"]) == \
        ("8", "3", "5", "4")
    assert task["difficulty"] == "0.73"  # 8 right of the 11 who answered, not 8 of 20
    assert "3 of 11 who answered got it wrong" in task["detail"]
    text = report.summary_text(_class())
    assert "t1 (3 of 11 who answered got it wrong; 5 unanswered; 4 not graded)" in text
    assert "12 of 20" not in text and "12 of 20" not in report.summary_csv(_class())


def test_messages_are_counted_per_student_not_per_row():
    """Old code: one corrupt file (nine task rows) read as '9 x corrupt notebook JSON'."""
    messages = {r["name"]: r for r in _summary(_class()) if r["section"] == "message"}
    assert messages[CORRUPT]["value"] == "1" and messages[CORRUPT]["max_value"] == "20"
    assert messages[CORRUPT]["detail"] == "1 student(s); 9 task result(s)"
    assert messages["Not answered yet: replace the ..."]["value"] == "5"
    text = report.summary_text(_class())
    assert "9 x" not in text and f"1 student: {CORRUPT}" in text
    assert text.index("5 students: Not answered yet") < text.index("3 students: Not quite")


def test_discrimination_is_the_item_rest_point_biserial():
    """t1 is right for the students who do well on the other tasks: r matches Pearson's r of
    right/wrong against the share of points on the OTHER tasks; a reversed task is negative."""
    plan = {  # student: statuses that are not 'pass'
        "s1": {}, "s2": {"t9": "fail"},
        "s3": {gid: "fail" for gid in ("t1", "t6", "t7", "t8", "t9")},
        "s4": {gid: "fail" for gid in ("t1", "t5", "t6", "t7", "t8", "t9")},
        "s5": {"t2": "fail", "t3": "fail"},
    }
    rows = [r for name, st in plan.items() for r in _student(name, st)]
    tasks = {r["name"]: r for r in _summary(rows) if r["section"] == "task"}
    right = [0.0 if "t1" in st else 1.0 for st in plan.values()]
    rest = [sum(1 for gid in TASKS[1:] if gid not in st) / 8 for st in plan.values()]
    assert tasks["t1"]["discrimination"] == f"{statistics.correlation(right, rest):.2f}"
    assert float(tasks["t1"]["discrimination"]) > 0.3
    assert float(tasks["t2"]["discrimination"]) < 0  # only the weakest-elsewhere student missed
    assert "discrimination r" in tasks["t1"]["detail"]
    assert "negative discrimination" in tasks["t2"]["detail"]
    assert "negative discrimination" not in tasks["t1"]["detail"]


def test_a_student_with_two_files_counts_once_per_task():
    rows = _student("ann", {"t1": "fail"}) + _student("ann", {}) + _student("ben", {"t1": "fail"})
    task = next(r for r in _summary(rows) if r["section"] == "task" and r["name"] == "t1")
    assert (task["right"], task["wrong"]) == ("1", "1")


def test_the_summary_is_the_same_whatever_the_row_order():
    rows = _class()
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    assert report.summary_csv(shuffled) == report.summary_csv(rows)
    assert report.summary_text(shuffled) == report.summary_text(rows)
