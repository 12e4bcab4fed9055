"""Written answers marked by hand: a marking sheet to fill in, and the marks folded back.

``b12course grade marks --gradebook G --submissions DIR`` lists every written answer (gradebook
status ``manual`` or ``marked``) grouped by task, with the student's text, the rubric and the
points, as a CSV to fill in (Excel opens it) and an HTML page to read. ``b12course grade marks
--apply SHEET --gradebook G`` checks every filled-in row and, only when all are valid, writes the
marks into the gradebook (status ``marked``, message = comment). Applying a sheet again changes
nothing; a bad row is reported by its row number and nothing is written.
"""

from __future__ import annotations

import csv
import html
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from b12course.grading import options
from b12course.grading.sheets import (
    SheetError,
    gradebook_text,
    read_gradebook,
    read_table,
)
from b12course.grading.worker import MANUAL

MARKED = "marked"
WRITTEN = (MANUAL, MARKED)
SHEET_COLUMNS = ["notebook", "grade_id", "student", "points", "max_points", "comment",
                 "answer", "rubric", "grader_note"]
NOT_FOUND = "(answer not found in the submissions given with --submissions)"
NOT_ANSWERED = "(not answered)"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")



# ---------------------------------------------------------------- tolerant CSV files


def _safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading ' is shown, nothing executes)."""
    return "'" + text if text.startswith(_FORMULA) else text


def _unsafe_cell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA) else text


def _num(value: float) -> str:
    return f"{value:g}"


# ---------------------------------------------------------------- what is to be marked


@dataclass
class WrittenTask:
    """One written task of an exercise: its question, rubric and model answer."""

    notebook: str
    grade_id: str
    points: float
    question: str = ""
    rubric: list[tuple[float, str]] = field(default_factory=list)
    model_answer: str = ""

    def rubric_text(self) -> str:
        return "\n".join(f"{_num(p)} point{'s' if p != 1 else ''}: {c}" for p, c in self.rubric)


@dataclass
class SheetRow:
    """One written answer on the marking sheet."""

    notebook: str
    grade_id: str
    student: str
    max_points: float
    points: str = ""
    comment: str = ""
    answer: str = ""
    rubric: str = ""
    grader_note: str = ""


def rubric_of(cell) -> list[tuple[float, str]]:
    """The rubric stored in a solution cell's ``metadata.b12course.rubric`` (may be empty)."""
    items = cell.get("metadata", {}).get("b12course", {}).get("rubric", [])
    return [(float(i.get("points", 0)), str(i.get("criterion", ""))) for i in items
            if isinstance(i, dict)]


def _is_graded(cell) -> bool:
    from b12course.exercises import build

    meta = build.nbgrader_meta(cell)
    return bool(meta.get("grade") or meta.get("solution"))


def written_tasks(specs: dict) -> dict[tuple[str, str], WrittenTask]:
    """Every hand-graded task of the solution notebooks by (exercise, grade_id)."""
    from b12course.exercises import build

    found = {}
    for name, solution in specs.items():
        for task in build.tasks(solution):
            if not task.manual:
                continue
            cell = solution.cells[task.index]
            question = next((c.source for c in reversed(solution.cells[:task.index])
                             if c.cell_type == "markdown" and not _is_graded(c)), "")
            model = "\n".join(line for line in cell.source.split("\n")
                              if line.strip() not in (build.BEGIN_SOLUTION, build.END_SOLUTION))
            found[(name, task.grade_id)] = WrittenTask(name, task.grade_id, task.points,
                                                       question, rubric_of(cell), model)
    return found


def _cell_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def student_answers(submissions: list[Path], specs: dict) -> dict[tuple[str, str, str], str]:
    """(student, exercise, grade_id) -> the student's written answer, read from their files.

    Files are matched to students exactly as ``b12course grade`` does; the last copy of an
    answer cell counts. Unreadable files are skipped (the gradebook already says why)."""
    from b12course.exercises import build
    from b12course.grading import discover, worker

    tasks = written_tasks(specs)
    found: dict[tuple[str, str, str], str] = {}
    found_all = discover.discover_all([Path(p) for p in submissions], specs)  # keeps unzipped
    for sub in found_all.submissions:
        if sub.problem or sub.path is None:
            continue
        notebook, problem = worker.read_notebook(sub.path)
        if problem:
            continue
        exercise = sub.exercise or worker.identify(notebook, specs)
        for cell in notebook.get("cells", []):
            gid = build.nbgrader_meta(cell).get("grade_id") if isinstance(cell, dict) else None
            if (exercise, gid) in tasks:
                text = _cell_text(cell).strip()
                found[(sub.student, exercise, gid)] = \
                    "" if text == build.MARKDOWN_PLACEHOLDER else text
    return found


def _previous_marks(sheet: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Points and comments already typed into an existing sheet (kept when it is rebuilt)."""
    if not sheet.exists():
        return {}
    try:
        header, rows = read_table(sheet)
    except OSError as exc:
        raise SheetError([f"{sheet} exists but cannot be read ({exc.strerror or exc}); "
                          "move it away or give another --out"]) from None
    if not {"student", "notebook", "grade_id", "points"} <= set(header):
        raise SheetError([f"{sheet} exists and is not a marking sheet; move it away or give "
                          "another --out (nothing was written)"])
    return {(r["student"], r["notebook"], r["grade_id"]):
            (r["points"].strip(), _unsafe_cell(r.get("comment", "")).strip())
            for r in rows if r["points"].strip() or r.get("comment", "").strip()}


def build_sheet(gradebook: list[dict[str, str]], tasks: dict, answers: dict,
                previous: dict | None = None) -> list[SheetRow]:
    """One SheetRow per written answer in the gradebook, grouped by task, then by student.

    Marks already in the gradebook (status ``marked``) are filled in; marks typed into an
    earlier copy of the sheet (``previous``) take precedence, so rebuilding loses nothing."""
    previous = previous or {}
    rows = []
    for g in gradebook:
        if g["status"] not in WRITTEN:
            continue
        key = (g["student"], g["notebook"], g["grade_id"])
        task = tasks.get((g["notebook"], g["grade_id"]))
        points, comment = "", ""
        if g["status"] == MARKED:
            points = g["points"]
            comment = "" if g["message"] == "marked by hand" else g["message"]
        points, comment = previous.get(key, (points, comment))
        answer = answers.get(key)
        rows.append(SheetRow(g["notebook"], g["grade_id"], g["student"],
                             (_points(g["max_points"]) or 0.0), points, comment,
                             NOT_FOUND if answer is None else answer or NOT_ANSWERED,
                             task.rubric_text() if task else "",
                             "" if g["status"] == MARKED else g["message"]))
    order = {key: i for i, key in enumerate(sorted(tasks))}
    return sorted(rows, key=lambda r: (order.get((r.notebook, r.grade_id), len(order)),
                                       r.notebook, r.grade_id, r.student))


def sheet_csv(rows: list[SheetRow]) -> str:
    """The marking sheet as CSV text (with a BOM so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SHEET_COLUMNS)
    for r in rows:
        writer.writerow([r.notebook, r.grade_id, _safe_cell(r.student), r.points,
                         _num(r.max_points), _safe_cell(r.comment), _safe_cell(r.answer),
                         _safe_cell(r.rubric), _safe_cell(r.grader_note)])
    return "\ufeff" + buffer.getvalue()


def _paragraphs(text: str) -> str:
    return f'<div class="text">{html.escape(text)}</div>'


def sheet_html(rows: list[SheetRow], tasks: dict, sheet_name: str) -> str:
    """The same answers as a page to read: per task the question, rubric and model answer,
    then every student's answer (all student text escaped)."""
    e = html.escape
    groups: dict[tuple[str, str], list[SheetRow]] = {}
    for r in rows:
        groups.setdefault((r.notebook, r.grade_id), []).append(r)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           "<title>Written answers to mark</title>",
           "<style>body{font-family:sans-serif;max-width:60em;margin:auto;line-height:1.5}"
           ".text{white-space:pre-wrap;border-left:4px solid #767676;padding-left:1em}"
           "section.answer{border-top:1px solid #ccc;margin-top:1em}</style>",
           "</head>", "<body>", "<main>", "<h1>Written answers to mark</h1>",
           f"<p>{len(rows)} answer(s) in {len(groups)} task(s). Enter points and a comment in "
           f"<code>{e(sheet_name)}</code>, then run <code>b12course grade marks --apply "
           f"{e(sheet_name)} --gradebook GRADEBOOK</code>.</p>"]
    if groups:
        out.append('<nav aria-label="Tasks"><ul>')
        out.extend(f'<li><a href="#task-{n}">{e(nb)} · {e(gid)} ({len(rs)})</a></li>'
                   for n, ((nb, gid), rs) in enumerate(groups.items(), 1))
        out.append("</ul></nav>")
    for n, ((nb, gid), task_rows) in enumerate(groups.items(), 1):
        task = tasks.get((nb, gid))
        most = _num(task_rows[0].max_points)
        out += [f'<section id="task-{n}">', f"<h2>{e(gid)} ({most} points) · {e(nb)}</h2>"]
        if task and task.question:
            out += ["<h3>Question</h3>", _paragraphs(task.question)]
        if task and task.rubric:
            out += ["<h3>Rubric</h3>", "<ul>"]
            out += [f"<li>{_num(p)} point{'s' if p != 1 else ''}: {e(c)}</li>"
                    for p, c in task.rubric]
            out.append("</ul>")
        if task and task.model_answer:
            out += ["<details><summary>Model answer</summary>",
                    _paragraphs(task.model_answer), "</details>"]
        for r in task_rows:
            out += ['<section class="answer">', f"<h3>{e(r.student)}</h3>",
                    _paragraphs(r.answer)]
            facts = [f"Marked: {e(r.points)} of {most}" if r.points else "Not marked yet"]
            if r.comment:
                facts.append(f"Comment: {e(r.comment)}")
            if r.grader_note:
                facts.append(f"Grader: {e(r.grader_note)}")
            out += [f"<p>{' · '.join(facts)}</p>", "</section>"]
        out.append("</section>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_sheet(gradebook: Path, submissions: list[Path], out: Path,
                solutions: Path | None = None) -> tuple[list[SheetRow], Path]:
    """Write the marking sheet (CSV) and its HTML view; returns the rows and the HTML path."""
    from b12course.exercises import build
    from b12course.sources.fileio import write_atomic

    _, gb_rows = read_gradebook(gradebook)
    specs = build.load_solutions(solutions)
    tasks = written_tasks(specs)
    previous = _previous_marks(out)
    rows = build_sheet(gb_rows, tasks, student_answers(submissions, specs), previous)
    page = out.with_suffix(".html")
    write_atomic(out, sheet_csv(rows))
    write_atomic(page, sheet_html(rows, tasks, out.name))
    return rows, page


# ---------------------------------------------------------------- folding marks back


@dataclass
class Applied:
    """What applying a sheet did."""

    changed: int = 0
    unchanged: int = 0
    not_marked: int = 0
    notes: list[str] = field(default_factory=list)


def _points(text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as European spreadsheets write it
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def check_sheet(sheet_rows: list[dict[str, str]], gradebook: list[dict[str, str]],
                name: str) -> tuple[dict[tuple[str, str, str], tuple[float, str]], Applied,
                                    list[str]]:
    """(marks by key, counts and notes, problems) for a sheet against the gradebook."""
    result, problems = Applied(), []
    students = {g["student"] for g in gradebook}
    tasks = {(g["notebook"], g["grade_id"]) for g in gradebook if g["status"] in WRITTEN}
    rows_by_key: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for g in gradebook:
        rows_by_key.setdefault((g["student"], g["notebook"], g["grade_id"]), []).append(g)
    marks: dict[tuple[str, str, str], tuple[float, str]] = {}
    seen_row: dict[tuple[str, str, str], int] = {}
    for number, r in enumerate(sheet_rows, start=2):
        student = _unsafe_cell(r.get("student", "").strip())
        nb, gid = r.get("notebook", "").strip(), r.get("grade_id", "").strip()
        text, comment = r.get("points", "").strip(), _unsafe_cell(r.get("comment", "")).strip()
        where = f"{name} row {number} ({student or '?'}, {gid or '?'})"
        if not any(v.strip() for v in r.values()):
            continue
        if not text:
            result.not_marked += 1
            if comment:
                result.notes.append(f"{where}: a comment but no points; it is applied once "
                                    "you give points (0 is allowed)")
            continue
        key = (student, nb, gid)
        if student not in students:
            problems.append(f"{where}: unknown student {student!r}; no such student in the "
                            "gradebook (check the spelling)")
            continue
        if (nb, gid) not in tasks:
            problems.append(f"{where}: unknown written task {gid!r} of {nb!r}; the gradebook "
                            "has no written answer with that name")
            continue
        rows = [g for g in rows_by_key.get(key, []) if g["status"] in WRITTEN]
        if not rows:
            problems.append(f"{where}: {student!r} has no written answer for {gid!r} in the "
                            "gradebook (the cell is missing or the file was not gradable)")
            continue
        most = _points(rows[0]["max_points"]) or 0.0
        value = _points(text)
        if value is None:
            problems.append(f"{where}: points {text!r} is not a number; write a number from "
                            f"0 to {_num(most)} (for example 1.5)")
            continue
        if not 0 <= value <= most:
            problems.append(f"{where}: points {text} is outside 0 to {_num(most)}")
            continue
        if key in marks and marks[key] != (value, comment):
            problems.append(f"{where}: the same answer is marked differently in row "
                            f"{seen_row[key]}; keep one of the two rows")
            continue
        marks[key], seen_row[key] = (value, comment), number
    return marks, result, problems


def apply_marks(sheet: Path, gradebook: Path) -> Applied:
    """Fold a filled-in marking sheet into the gradebook; SheetError (nothing written) if any
    row is wrong. Idempotent: the same sheet applied again leaves the file byte-identical."""
    from b12course.sources.fileio import write_atomic

    try:
        header, sheet_rows = read_table(sheet)
    except OSError as exc:
        raise SheetError([f"cannot read the marking sheet {sheet}: "
                          f"{exc.strerror or exc}"]) from None
    missing = [c for c in ("notebook", "grade_id", "student", "points") if c not in header]
    if missing:
        raise SheetError([f"{sheet} is not a marking sheet (no column {', '.join(missing)}); "
                          "make one with 'b12course grade marks --gradebook ... "
                          "--submissions ...'"])
    gb_header, gb_rows = read_gradebook(gradebook)
    marks, result, problems = check_sheet(sheet_rows, gb_rows, Path(sheet).name)
    if problems:
        raise SheetError(problems)
    for g in gb_rows:
        mark = marks.get((g["student"], g["notebook"], g["grade_id"]))
        if mark is None or g["status"] not in WRITTEN:
            continue
        new = {"points": _num(mark[0]), "status": MARKED, "message": mark[1] or "marked by hand"}
        if all(g[k] == v for k, v in new.items()):
            result.unchanged += 1
        else:
            g.update(new)
            result.changed += 1
    text = gradebook_text(gb_header, gb_rows)
    if Path(gradebook).read_text(encoding="utf-8-sig", errors="replace") != text:
        write_atomic(gradebook, text)
    return result


# ---------------------------------------------------------------- command line


def add_arguments(parser) -> None:
    """Arguments of ``b12course grade marks``."""
    parser.add_argument("--gradebook", required=True, help="the gradebook CSV written by "
                        "'b12course grade'")
    parser.add_argument("--submissions", nargs="+", metavar="PATH",
                        help="the submissions you graded (same paths as for 'b12course grade')")
    parser.add_argument("--out", help="marking sheet CSV to write (default: marking.csv next "
                        "to the gradebook); an HTML page to read goes beside it")
    parser.add_argument("--apply", metavar="SHEET",
                        help="fold the points and comments of a filled-in sheet into the "
                             "gradebook instead")
    parser.add_argument("--solutions", help="solution notebooks folder (default: solutions/)")
    options.add_lms_arguments(parser, "with --apply: write again, written marks included, as")


def main(args) -> int:
    """Entry point of ``b12course grade marks``."""
    import sys

    gradebook = Path(args.gradebook)
    try:
        if args.apply:
            done = apply_marks(Path(args.apply), gradebook)
            for note in done.notes:
                print(f"note: {note}")
            print(f"{done.changed} mark(s) written to {gradebook}, {done.unchanged} already "
                  f"there, {done.not_marked} answer(s) not marked yet.")
            return _export_again(args, gradebook)
        if not args.submissions:
            print("b12course grade marks: give --submissions (the folders you graded) to list "
                  "the written answers, or --apply SHEET to fold marks in. (To grade a folder "
                  "named 'marks', write ./marks.)", file=sys.stderr)
            return 2
        out = Path(args.out) if args.out else gradebook.with_name("marking.csv")
        rows, page = write_sheet(gradebook, args.submissions, out,
                                 Path(args.solutions) if args.solutions else None)
    except SheetError as exc:
        for problem in exc.problems:
            print(f"b12course grade marks: {problem}", file=sys.stderr)
        if len(exc.problems) > 1 or "row" in exc.problems[0]:
            print(f"{len(exc.problems)} problem(s); nothing was written. Fix the sheet and run "
                  "the same command again.", file=sys.stderr)
        return 1
    waiting = sum(not r.points for r in rows)
    print(f"{len(rows)} written answer(s), {waiting} not marked yet.\nMarking sheet: {out} "
          f"(fill in points and comment)\nTo read: {page}\nThen: b12course grade marks "
          f"--apply {out} --gradebook {gradebook}")
    return 0



def _export_again(args, gradebook: Path) -> int:
    """After --apply: the Canvas/Moodle files again from the marked gradebook, if asked for
    (written at grading time they counted unmarked written answers as 0)."""
    from b12course.grading import export

    canvas, moodle = args.canvas_csv, args.moodle_csv
    if not (canvas or moodle):
        return 0
    written, warnings = export.from_gradebook(
        gradebook, canvas=Path(canvas) if canvas else None,
        moodle=Path(moodle) if moodle else None, canvas_assignment=args.canvas_assignment)
    for warning in warnings:
        print(f"WARNING: {warning}")
    for path in written:
        print(f"Written (marks included): {path}")
    return 0
