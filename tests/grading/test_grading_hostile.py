"""The grader survives every kind of broken or hostile submission, with a row and a reason each."""

from __future__ import annotations

import hashlib

import nbformat
import pytest

from b12course.exercises import build
from b12course.grading import runner
from grading_fixtures import ALPHA, BETA, answer_cell, solution_notebook, variant, write_solutions

TIMEOUT = 4


def _save(folder, nb, name=f"{ALPHA}.ipynb"):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)


def _class(root):
    """One folder per student; each student shows one way a submission goes wrong."""
    sol = solution_notebook("a")
    stub = build.make_exercise(sol)
    students = root / "class"
    _save(students / "correct", sol)
    _save(students / "untouched", stub)
    _save(students / "wrong", variant(sol, a_one_answer="a_one = base * 4"))
    _save(students / "exception", variant(sol, a_one_answer="a_one = 1 / 0"))
    _save(students / "syntax", variant(sol, a_two_answer="a_two = [base,, 2"))
    _save(students / "loop", variant(sol, a_two_answer="while True:\n    pass"))
    _save(students / "sysexit", variant(sol, a_one_answer="import sys\nsys.exit(3)"))
    _save(students / "exitcall", variant(sol, a_two_answer="exit()"))
    _save(students / "osexit", variant(sol, a_two_answer="import os\nos._exit(1)"))
    _save(students / "flood", variant(sol, a_one_answer="a_one = 6\nprint('x' * 3_000_000)"))
    deleted = variant(sol)
    deleted.cells = [c for c in deleted.cells
                     if c.metadata.get("nbgrader", {}).get("grade_id") not in
                     ("a-two-answer", "a-one")]
    _save(students / "deleted", deleted)
    reordered = variant(sol)
    reordered.cells = [reordered.cells[0], reordered.cells[1], reordered.cells[4],
                       reordered.cells[5], reordered.cells[2], reordered.cells[3],
                       reordered.cells[6]]
    _save(students / "reordered", reordered)
    renamed = variant(sol)
    answer_cell(renamed, "a-one-answer").metadata["nbgrader"]["grade_id"] = "my-answer"
    _save(students / "renamed", renamed)
    cheat = variant(sol, a_one_answer="a_one = 5")
    answer_cell(cheat, "a-one").source = "pass  # I removed the test"
    _save(students / "cheat", cheat)
    scratch = variant(sol, a_one_answer="a_one = helper(base)")
    scratch.cells.insert(2, nbformat.v4.new_code_cell("def helper(x):\n    return 3 * x"))
    _save(students / "scratch", scratch)
    _save(students / "patcher", variant(sol, a_one_answer=(
        "import types\nchecks = types.SimpleNamespace()\nchecks.require = print\na_one = 6")))
    (students / "corrupt").mkdir()
    (students / "corrupt" / f"{ALPHA}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (students / "pdf").mkdir()
    (students / "pdf" / "answers.pdf").write_bytes(b"%PDF-1.4 not a notebook")
    _save(students / "other", solution_notebook("b"), name=f"{ALPHA}.ipynb")
    _save(students / "renamedfile", sol, name=f"{ALPHA} (1).ipynb")
    _save(students / "unnamed", solution_notebook("b"), name="homework.ipynb")
    (students / "empty").mkdir()
    return students


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    solutions = write_solutions(root / "solutions")
    students = _class(root)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in students.rglob("*") if p.is_file()}
    result = runner.grade([students], root / "out" / "gradebook.csv", jobs=2, timeout=TIMEOUT,
                          solutions=solutions, output_limit_mb=1)
    return root, students, before, result


def rows_of(result, student):
    return {(r.grade_id or r.notebook): r for r in result.rows if r.student == student}


def test_a_correct_submission_gets_full_marks(graded):
    rows = rows_of(graded[3], "correct")
    assert [rows["a-one"].status, rows["a-two"].status] == ["pass", "pass"]
    assert rows["a-one"].points == 1 and rows["a-two"].points == 2
    assert rows["a-why"].status == "manual" and "KEY-1" in rows["a-why"].message


def test_untouched_exercise_is_unanswered_not_an_error(graded):
    rows = rows_of(graded[3], "untouched")
    assert rows["a-one"].status == "unanswered" and rows["a-one"].points == 0
    assert rows["a-why"].message == "not answered"


def test_wrong_answer_fails_with_the_hidden_tests_message(graded):
    rows = rows_of(graded[3], "wrong")
    assert rows["a-one"].status == "fail" and "multiply base by 3" in rows["a-one"].message
    assert rows["a-two"].status == "pass"


def test_exception_in_answer_is_named(graded):
    row = rows_of(graded[3], "exception")["a-one"]
    assert row.status == "error" and "ZeroDivisionError" in row.message
    assert rows_of(graded[3], "exception")["a-two"].status == "pass"


def test_syntax_error_is_named(graded):
    row = rows_of(graded[3], "syntax")["a-two"]
    assert row.status == "error" and "SyntaxError" in row.message


def test_endless_loop_times_out_and_earlier_tasks_still_count(graded):
    rows = rows_of(graded[3], "loop")
    assert rows["a-one"].status == "pass"
    assert rows["a-two"].status == "timeout"
    assert f"longer than {TIMEOUT} s" in rows["a-two"].message


def test_sys_exit_is_reported(graded):
    row = rows_of(graded[3], "sysexit")["a-one"]
    assert row.status in ("error", "kernel-died") and row.points == 0
    assert "SystemExit" in row.message or "sys.exit" in row.message


def test_exit_call_is_reported(graded):
    rows = rows_of(graded[3], "exitcall")
    assert rows["a-one"].status == "pass"
    assert rows["a-two"].status in ("error", "kernel-died") and rows["a-two"].points == 0


def test_os_exit_kills_only_that_kernel(graded):
    rows = rows_of(graded[3], "osexit")
    assert rows["a-one"].status == "pass"
    assert rows["a-two"].status == "kernel-died" and "a-two-answer" in rows["a-two"].message


def test_hostile_class_grades_to_the_same_bytes_with_one_job(graded):
    root, students, _, result = graded  # the fixture graded with --jobs 2
    again = runner.grade([students], root / "jobs1" / "gradebook.csv", jobs=1, timeout=TIMEOUT,
                         solutions=root / "solutions", output_limit_mb=1)
    assert again.gradebook.read_bytes() == result.gradebook.read_bytes()


def test_enormous_output_is_cut_off_and_grading_goes_on(graded):
    rows = rows_of(graded[3], "flood")
    assert rows["a-one"].status == "pass" and "output over 1 MB was cut off" in \
        rows["a-one"].message
    assert rows["a-two"].status == "pass"


def test_deleted_answer_cell_is_missing_and_deleted_test_cell_is_restored(graded):
    rows = rows_of(graded[3], "deleted")
    assert rows["a-one"].status == "pass"  # its test cell was deleted; the instructor's ran
    assert rows["a-two"].status == "missing-cell" and "a-two-answer" in rows["a-two"].message


def test_reordered_cells_are_graded_in_order_and_noted(graded):
    rows = rows_of(graded[3], "reordered")
    assert rows["a-one"].status == rows["a-two"].status == "pass"
    assert "reordered" in rows["a-one"].message


def test_changed_grade_id_is_missing_and_named(graded):
    row = rows_of(graded[3], "renamed")["a-one"]
    assert row.status == "missing-cell" and "my-answer" in row.message


def test_students_copy_of_a_test_cell_never_counts(graded):
    assert rows_of(graded[3], "cheat")["a-one"].status == "fail"


def test_scratch_cells_run_where_the_student_put_them(graded):
    assert rows_of(graded[3], "scratch")["a-one"].status == "pass"


def test_corrupt_json_gets_a_row_per_task(graded):
    rows = rows_of(graded[3], "corrupt")
    assert {r.status for r in rows.values()} == {"unreadable"}
    assert "corrupt notebook JSON" in rows["a-one"].message


def test_non_notebook_file_gets_a_row(graded):
    [row] = rows_of(graded[3], "pdf").values()
    assert row.status == "not-a-notebook" and row.notebook == "answers.pdf"


def test_notebook_for_another_exercise_is_named(graded):
    rows = rows_of(graded[3], "other")
    assert rows["a-one"].status == "wrong-notebook" and BETA in rows["a-one"].message


def test_exercise_is_found_from_a_renamed_file_or_its_contents(graded):
    assert rows_of(graded[3], "renamedfile")["a-two"].status == "pass"
    unnamed = rows_of(graded[3], "unnamed")
    assert unnamed["b-two"].notebook == BETA and unnamed["b-two"].status == "pass"


def test_empty_folder_gets_a_row(graded):
    [row] = rows_of(graded[3], "empty").values()
    assert row.status == "empty-folder"


def test_every_student_has_rows_and_the_batch_finished(graded):
    students = {p.name for p in graded[1].iterdir()}
    assert {r.student for r in graded[3].rows} == students


def test_submissions_are_never_modified(graded):
    root, students, before, _ = graded
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in students.rglob("*") if p.is_file()}
    assert after == before


def test_gradebook_and_summary_are_written(graded):
    result = graded[3]
    lines = result.gradebook.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "student,notebook,grade_id,points,max_points,status,message,file"
    assert len(lines) == len(result.rows) + 1
    summary = result.summary.read_text(encoding="utf-8")
    assert "student,correct,,3,4," in summary
    assert not [p for p in result.gradebook.parent.iterdir() if p.name.endswith(".tmp")]


def test_code_that_rebinds_the_checks_is_flagged_for_review(graded):
    row = rows_of(graded[3], "patcher")["a-one"]
    assert "change the checking code" in row.message
