"""Written answers marked and returned (issue 16, problem 4): a marking sheet by task with the
rubric, marks folded into the gradebook (bad rows named, nothing lost, idempotent), and one
escaped, accessible feedback page per student."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import nbformat
import pytest

from b12course import cli
from b12course.exercises import build
from b12course.grading import marking, report, runner
from b12course.grading.worker import Row
from grading_fixtures import ALPHA, answer_cell, solution_notebook, variant

RUBRIC = [{"points": 0.5, "criterion": "Names the mechanism"},
          {"points": 0.5, "criterion": "Cites a source key"}]
HOSTILE = "=HYPERLINK(\"http://x\") <script>alert(1)</script> & café"


def _solutions(root):
    sol = solution_notebook("a")
    answer_cell(sol, "a-why").metadata["b12course"] = {"rubric": RUBRIC}
    (root / "solutions").mkdir(parents=True)
    nbformat.write(sol, root / "solutions" / f"{ALPHA}.ipynb")
    return root / "solutions", sol


def _rows():
    """A gradebook as `b12course grade` writes it (no kernel needed for these tests)."""
    rows = []
    for student, why in [("ann", "answered (9 words; cites KEY-1); grade by hand"),
                         ("ben", "answered (3 words; cites no source key); grade by hand"),
                         ("cy", "not answered")]:
        rows += [Row(student, ALPHA, "a-one", 1, 1, "pass", "", 3),
                 Row(student, ALPHA, "a-two", 0, 2, "fail", "Not quite: two items", 5),
                 Row(student, ALPHA, "a-why", 0, 1, "manual", why, 6, True)]
    return rows


@pytest.fixture()
def course(tmp_path):
    solutions, sol = _solutions(tmp_path)
    answers = {"ann": "The intrinsic factor is missing [KEY-1].", "ben": HOSTILE,
               "cy": build.MARKDOWN_PLACEHOLDER}
    for student, text in answers.items():
        nb = variant(sol)
        answer_cell(nb, "a-why").source = text
        (tmp_path / "class" / student).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "class" / student / f"{ALPHA}.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text(report.gradebook_csv(_rows()), encoding="utf-8")
    return tmp_path, solutions, gradebook


def _marks(*argv) -> int:
    return cli.main(["grade", "marks", *map(str, argv)])


def _sheet(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _fill(path, marks: dict[str, tuple[str, str]], **changes):
    rows = _sheet(path)
    for row in rows:
        row["points"], row["comment"] = marks.get(row["student"], ("", ""))
    for index, (key, value) in changes.items():
        rows[int(index.lstrip("r"))][key] = value
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_the_sheet_lists_each_written_answer_with_rubric_and_safe_text(course, capsys):
    root, solutions, gradebook = course
    assert _marks("--gradebook", gradebook, "--submissions", root / "class",
                  "--solutions", solutions) == 0
    assert "3 written answer(s), 3 not marked yet" in capsys.readouterr().out
    sheet = root / "marking.csv"
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = _sheet(sheet)
    assert [(r["student"], r["grade_id"], r["max_points"]) for r in rows] == [
        ("ann", "a-why", "1"), ("ben", "a-why", "1"), ("cy", "a-why", "1")]
    assert rows[0]["answer"] == "The intrinsic factor is missing [KEY-1]."
    assert rows[1]["answer"] == "'" + HOSTILE  # a spreadsheet shows it; it never runs it
    assert rows[2]["answer"] == marking.NOT_ANSWERED
    assert rows[0]["rubric"] == "0.5 points: Names the mechanism\n0.5 points: Cites a source key"
    assert rows[1]["grader_note"].startswith("answered (3 words")
    page = (root / "marking.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<title>" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Names the mechanism" in page and "Explain [KEY-1]." in page  # rubric, model answer


def test_marks_fold_into_the_gradebook_and_applying_twice_changes_nothing(course, capsys):
    root, solutions, gradebook = course
    _marks("--gradebook", gradebook, "--submissions", root / "class", "--solutions", solutions)
    sheet = root / "marking.csv"
    _fill(sheet, {"ann": ("1", "Clear and cited"), "ben": ("0,5", "-no source key")})
    assert _marks("--apply", sheet, "--gradebook", gradebook) == 0
    assert "2 mark(s) written" in capsys.readouterr().out
    rows = {(r["student"], r["grade_id"]): r for r in csv.DictReader(gradebook.open())}
    assert (rows[("ann", "a-why")]["points"], rows[("ann", "a-why")]["status"],
            rows[("ann", "a-why")]["message"]) == ("1", "marked", "Clear and cited")
    assert rows[("ben", "a-why")]["points"] == "0.5"  # a decimal comma is understood
    assert rows[("ben", "a-why")]["message"] == "-no source key"
    assert rows[("cy", "a-why")]["status"] == "manual"  # left blank: still to mark
    assert rows[("ann", "a-two")]["points"] == "0"  # auto-graded rows untouched
    once = gradebook.read_bytes()
    assert _marks("--apply", sheet, "--gradebook", gradebook) == 0
    assert gradebook.read_bytes() == once
    assert "0 mark(s) written to" in capsys.readouterr().out
    # a new sheet (e.g. after more submissions) starts from the marks already given
    sheet.unlink()
    _marks("--gradebook", gradebook, "--submissions", root / "class", "--solutions", solutions)
    assert [(r["points"], r["comment"]) for r in _sheet(sheet)] == [
        ("1", "Clear and cited"), ("0.5", "'-no source key"), ("", "")]
    assert _marks("--apply", sheet, "--gradebook", gradebook) == 0
    assert gradebook.read_bytes() == once


def test_bad_rows_are_named_by_row_number_and_nothing_is_written(course, capsys):
    root, solutions, gradebook = course
    _marks("--gradebook", gradebook, "--submissions", root / "class", "--solutions", solutions)
    sheet = root / "marking.csv"
    _fill(sheet, {"ann": ("one", ""), "ben": ("3", ""), "cy": ("1", "ok")})
    rows = _sheet(sheet)
    rows.append(dict(rows[2], student="zed"))
    rows.append(dict(rows[2], grade_id="a-two"))
    rows.append(dict(rows[2], grade_id="a-nope"))
    with open(sheet, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = gradebook.read_bytes()
    assert _marks("--apply", sheet, "--gradebook", gradebook) == 1
    err = capsys.readouterr().err
    assert "row 2 (ann, a-why): points 'one' is not a number" in err
    assert "row 3 (ben, a-why): points 3 is outside 0 to 1" in err
    assert "row 5 (zed, a-why): unknown student 'zed'" in err
    assert "row 6 (cy, a-two): unknown written task 'a-two'" in err
    assert "row 7 (cy, a-nope): unknown written task 'a-nope'" in err
    assert "5 problem(s); nothing was written" in err and "Traceback" not in err
    assert gradebook.read_bytes() == before
    assert _sheet(sheet)[2]["comment"] == "ok"  # the sheet itself is never touched


def test_a_sheet_resaved_by_a_spreadsheet_still_applies(course):
    """Excel in many European locales saves with ';', a decimal comma and Windows-1252."""
    root, solutions, gradebook = course
    sheet = root / "excel.csv"
    sheet.write_bytes("notebook;grade_id;student;points;max_points;comment\r\n"
                      f"{ALPHA};a-why;ann;0,5;1;très bien\r\n".encode("cp1252"))
    assert _marks("--apply", sheet, "--gradebook", gradebook) == 0
    ann = next(r for r in csv.DictReader(gradebook.open(encoding="utf-8"))
               if r["student"] == "ann" and r["grade_id"] == "a-why")
    assert (ann["points"], ann["message"]) == ("0.5", "très bien")


def test_rebuilding_the_sheet_keeps_marks_typed_but_not_yet_applied(course):
    root, solutions, gradebook = course
    args = ("--gradebook", gradebook, "--submissions", root / "class", "--solutions", solutions)
    _marks(*args)
    _fill(root / "marking.csv", {"ben": ("1", "good")})
    assert _marks(*args) == 0
    assert [(r["student"], r["points"], r["comment"]) for r in _sheet(root / "marking.csv")] \
        == [("ann", "", ""), ("ben", "1", "good"), ("cy", "", "")]


def test_feedback_pages_are_escaped_accessible_and_one_per_student(tmp_path):
    rows = _rows() + [Row("a/b <i>", ALPHA, "a-one", 0, 1, "error",
                          "your answer cell raised NameError: name '<x>' is not defined", 3),
                      Row("a b <i>", ALPHA, "a-one", 1, 1, "pass", "", 3)]
    gradebook = tmp_path / "gb.csv"
    gradebook.write_text(report.gradebook_csv(rows), encoding="utf-8")
    sheet = tmp_path / "m.csv"
    sheet.write_text(f"notebook,grade_id,student,points,comment\n{ALPHA},a-why,ann,1,"
                     "\"Good <b>work</b> & well cited\"\n", encoding="utf-8")
    assert _marks("--apply", sheet, "--gradebook", gradebook) == 0
    assert cli.main(["grade", "feedback", "--gradebook", str(gradebook),
                     "--out", str(tmp_path / "fb")]) == 0
    names = sorted(p.name for p in (tmp_path / "fb").iterdir())
    assert names == ["a_b_i-2.html", "a_b_i.html", "ann.html", "ben.html", "cy.html"]
    ann = (tmp_path / "fb" / "ann.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in ann and "<title>Feedback for ann</title>" in ann
    assert '<th scope="col">Task</th>' in ann and '<th scope="row">a-why</th>' in ann
    assert "Good &lt;b&gt;work&lt;/b&gt; &amp; well cited" in ann and "<b>" not in ann
    assert "Not quite: two items" in ann  # the self-check message of a missed task
    assert "Total: 2 of 4 points." in ann
    cy = (tmp_path / "fb" / "cy.html").read_text(encoding="utf-8")
    assert "written answer: not marked yet" in cy and "grade by hand" not in cy
    odd = [p.read_text(encoding="utf-8") for p in (tmp_path / "fb").iterdir()
           if p.name.startswith("a_b")]
    assert len(odd) == 2 and all("<i>" not in text for text in odd)
    assert any("name &#x27;&lt;x&gt;&#x27; is not defined" in text for text in odd)


def test_missing_gradebook_is_a_friendly_message(tmp_path, capsys):
    assert cli.main(["grade", "feedback", "--gradebook", str(tmp_path / "none.csv"),
                     "--out", str(tmp_path / "fb")]) == 1
    err = capsys.readouterr().err
    assert "cannot read the gradebook" in err and "Traceback" not in err
    assert _marks("--gradebook", tmp_path / "none.csv") == 2
    assert "give --submissions" in capsys.readouterr().err


def test_every_course_written_task_has_a_rubric_students_never_see():
    for path in build.solution_paths():
        solution = nbformat.read(path, as_version=4)
        exercise = nbformat.read(build.exercises_dir() / path.name, as_version=4)
        for task in build.tasks(solution):
            if not task.manual:
                continue
            rubric = marking.rubric_of(solution.cells[task.index])
            assert rubric and sum(p for p, _ in rubric) == task.points, task.grade_id
            assert "b12course" not in exercise.cells[task.index].metadata, task.grade_id


def test_grade_then_mark_then_feedback_end_to_end(tmp_path):
    """One small real class: graded (real kernels), marked through the command line, returned."""
    solutions, sol = _solutions(tmp_path)
    for student, text in [("ann", "Because of intrinsic factor [KEY-1]."), ("ben", HOSTILE)]:
        nb = variant(sol, a_one_answer="a_one = 7" if student == "ben" else "a_one = base * 3")
        answer_cell(nb, "a-why").source = text
        (tmp_path / "class" / student).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "class" / student / f"{ALPHA}.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    runner.grade([tmp_path / "class"], gradebook, timeout=20, solutions=solutions)
    command = [sys.executable, "-m", "b12course.cli", "grade", "marks", "--gradebook",
               str(gradebook), "--submissions", str(tmp_path / "class"),
               "--solutions", str(solutions)]
    made = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "2 written answer(s), 2 not marked yet" in made.stdout, \
        made.stdout + gradebook.read_text(encoding="utf-8")
    sheet = tmp_path / "marking.csv"
    _fill(sheet, {"ann": ("1", "Well argued"), "ben": ("0", "Answer the question, please")})
    applied = subprocess.run([sys.executable, "-m", "b12course.cli", "grade", "marks",
                              "--apply", str(sheet), "--gradebook", str(gradebook)],
                             capture_output=True, text=True, timeout=120)
    assert applied.returncode == 0 and "2 mark(s) written" in applied.stdout, applied.stderr
    returned = subprocess.run([sys.executable, "-m", "b12course.cli", "grade", "feedback",
                               "--gradebook", str(gradebook), "--out", str(tmp_path / "fb")],
                              capture_output=True, text=True, timeout=120)
    assert returned.returncode == 0, returned.stderr
    ann = (tmp_path / "fb" / "ann.html").read_text(encoding="utf-8")
    ben = (tmp_path / "fb" / "ben.html").read_text(encoding="utf-8")
    assert "Total: 4 of 4 points." in ann and "Well argued" in ann
    assert "Total: 2 of 4 points." in ben and "not quite" in ben
    assert "Not quite: multiply base by 3" in ben  # the hidden test's hint reaches the student


def test_apply_can_write_the_lms_files_again_with_the_written_marks(course, capsys):
    """Exports written at grading time count unmarked written answers as 0; the apply step
    rewrites them from the marked gradebook so the LMS gets the final totals."""
    root, solutions, gradebook = course
    _marks("--gradebook", gradebook, "--submissions", root / "class", "--solutions", solutions)
    sheet = root / "marking.csv"
    _fill(sheet, {"ann": ("1", "Clear and cited")})
    canvas = root / "canvas.csv"
    assert _marks("--apply", sheet, "--gradebook", gradebook, "--canvas-csv", canvas) == 0
    assert f"Written (marks included): {canvas}" in capsys.readouterr().out
    table = {r["Student"]: r for r in csv.DictReader(canvas.open(encoding="utf-8-sig"))}
    column = [name for name in next(iter(table.values())) if ALPHA in name]
    assert len(column) == 1
    # ann: 1 auto-graded point + 1 written mark; ben: the auto-graded point only
    assert float(table["ann"][column[0]]) == 2 and float(table["ben"][column[0]]) == 1


def test_lms_files_are_written_again_from_a_gradebook_a_spreadsheet_re_saved(course):
    """``export.from_gradebook`` reads a gradebook the way marking does: one re-saved by a
    spreadsheet (BOM, semicolons) still gives the Canvas file; a missing one a plain message."""
    from b12course.grading import export

    root, _solutions, gradebook = course
    rows = list(csv.reader(io.StringIO(gradebook.read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    gradebook.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    canvas = root / "canvas.csv"
    written, _warnings = export.from_gradebook(gradebook, canvas=canvas)
    assert written == [canvas]
    table = {r["Student"]: r for r in csv.DictReader(canvas.open(encoding="utf-8-sig"))}
    column = next(name for name in table["ann"] if ALPHA in name)
    assert float(table["ann"][column]) == 1  # the auto-graded point; nothing marked yet
    with pytest.raises(marking.SheetError, match="cannot read the gradebook"):
        export.from_gradebook(root / "missing.csv", canvas=canvas)
