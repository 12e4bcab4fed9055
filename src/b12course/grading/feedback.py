"""One feedback page (HTML) per student from the gradebook: scores per task, the self-check
message of each task and the instructor's comments on written answers.

``b12course grade feedback --gradebook gradebook.csv --out feedback/`` writes
``feedback/STUDENT.html``; every piece of student text is escaped, and the page has a language,
a title and table headers for screen readers. Files are sorted and carry no timestamps.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from b12course.grading.marking import MARKED
from b12course.grading.sheets import SheetError, read_gradebook
from b12course.grading.worker import MANUAL

#: what each gradebook status means, in words a student understands
RESULT = {
    "pass": "correct",
    "fail": "not quite",
    "error": "your code stopped with an error",
    "unanswered": "not answered",
    MANUAL: "written answer: not marked yet",
    MARKED: "written answer: marked",
    "timeout": "stopped: ran too long",
    "kernel-died": "stopped: the notebook quit",
    "memory-limit": "stopped: your code used more memory than allowed",
    "tampered": "the checking code was changed: your instructor will check it",
    "missing-cell": "answer cell missing",
    "unreadable": "file could not be read",
    "wrong-notebook": "a different exercise's file",
    "unknown-notebook": "not a course exercise",
    "not-a-notebook": "not a notebook file",
    "empty-folder": "nothing handed in",
    "not-found": "nothing handed in",
    "grader-error": "could not be graded: your instructor will check it",
}


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _num(value: float) -> str:
    return f"{value:g}"


def file_name(student: str, taken: set[str]) -> str:
    """A safe, unique file name for a student's page (letters, digits, . _ - only)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"
    name, n = f"{stem}.html", 2
    while name.lower() in taken:
        name, n = f"{stem}-{n}.html", n + 1
    taken.add(name.lower())
    return name


def _message(row: dict[str, str]) -> str:
    if row["status"] == MANUAL:
        return ""  # the grader's note ("answered (80 words ...); grade by hand") is for staff
    if row["status"] == MARKED:
        return "" if row["message"] == "marked by hand" else row["message"]
    return row["message"]


def page(student: str, rows: list[dict[str, str]]) -> str:
    """The feedback page of one student (rows: that student's gradebook rows, in order)."""
    e = html.escape
    got = sum(_number(r["points"]) for r in rows)
    most = sum(_number(r["max_points"]) for r in rows)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>Feedback for {e(student)}</title>",
           "<style>body{font-family:sans-serif;max-width:60em;margin:auto;line-height:1.5}"
           "table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #767676;"
           "padding:.3em .6em;text-align:left;vertical-align:top}</style>",
           "</head>", "<body>", "<main>", f"<h1>Feedback for {e(student)}</h1>",
           f"<p>Total: {_num(got)} of {_num(most)} points.</p>"]
    notebooks: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        notebooks.setdefault(r["notebook"] or "(no file)", []).append(r)
    for notebook, mine in notebooks.items():
        nb_got = sum(_number(r["points"]) for r in mine)
        nb_most = sum(_number(r["max_points"]) for r in mine)
        out += [f"<h2>{e(notebook)}</h2>", "<table>",
                f"<caption>{e(notebook)}: {_num(nb_got)} of {_num(nb_most)} points</caption>",
                "<thead><tr><th scope=\"col\">Task</th><th scope=\"col\">Points</th>"
                "<th scope=\"col\">Out of</th><th scope=\"col\">Result</th>"
                "<th scope=\"col\">Message or comment</th></tr></thead>", "<tbody>"]
        for r in mine:
            result = RESULT.get(r["status"], r["status"])
            out.append(f"<tr><th scope=\"row\">{e(r['grade_id'] or '-')}</th>"
                       f"<td>{e(r['points'])}</td><td>{e(r['max_points'])}</td>"
                       f"<td>{e(result)}</td><td>{e(_message(r))}</td></tr>")
        out += ["</tbody>", "</table>"]
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_feedback(gradebook: Path, out: Path) -> list[Path]:
    """One page per student in the gradebook, written into ``out``; returns the files."""
    from b12course.sources.fileio import write_atomic

    _, rows = read_gradebook(gradebook)
    by_student: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_student.setdefault(r["student"], []).append(r)
    taken: set[str] = set()
    written = []
    for student in sorted(by_student):
        target = Path(out) / file_name(student, taken)
        write_atomic(target, page(student, by_student[student]))
        written.append(target)
    return written


def add_arguments(parser) -> None:
    """Arguments of ``b12course grade feedback``."""
    parser.add_argument("--gradebook", required=True, help="the gradebook CSV (with your "
                        "marks folded in by 'b12course grade marks --apply')")
    parser.add_argument("--out", required=True, help="folder for the pages (one STUDENT.html "
                        "each)")


def main(args) -> int:
    """Entry point of ``b12course grade feedback``."""
    import sys

    try:
        written = write_feedback(Path(args.gradebook), Path(args.out))
    except SheetError as exc:
        print(f"b12course grade feedback: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"b12course grade feedback: cannot write to {args.out}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    waiting = sum(1 for r in read_gradebook(Path(args.gradebook))[1] if r["status"] == MANUAL)
    print(f"{len(written)} feedback page(s) written to {args.out}")
    if waiting:
        print(f"note: {waiting} written answer(s) are not marked yet; their pages say so. "
              "Mark them with 'b12course grade marks' first if you want them in.")
    return 0
