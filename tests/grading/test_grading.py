"""The grader's contract: who is who, same gradebook twice, CLI, summary and item analysis."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import nbformat
import pytest

from b12course.exercises import build
from b12course.grading import discover, report, runner
from b12course.grading.worker import Row, clean_message
from b12course.sources.fileio import write_atomic
from grading_fixtures import ALPHA, BETA, solution_notebook, variant, write_solutions

KNOWN = {ALPHA, BETA}


def test_student_folders_class_folders_and_named_files(tmp_path):
    (tmp_path / "cls" / "ann").mkdir(parents=True)
    (tmp_path / "cls" / "ann" / f"{ALPHA}.ipynb").write_text("{}")
    (tmp_path / "cls" / "ben").mkdir()
    loose = tmp_path / f"cat__{BETA}.ipynb"
    loose.write_text("{}")
    subs = discover.discover([tmp_path / "cls", loose], KNOWN)
    assert [(s.student, s.exercise, s.problem) for s in subs] == [
        ("ann", ALPHA, None), ("ben", None, "empty-folder"), ("cat", BETA, None)]


def test_a_folder_with_files_is_one_student(tmp_path):
    folder = tmp_path / "dana"
    folder.mkdir()
    (folder / f"{ALPHA} (2).ipynb").write_text("{}")
    (folder / "notes.docx").write_text("x")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / f"{ALPHA}-checkpoint.ipynb").write_text("{}")
    subs = discover.discover([folder], KNOWN)
    assert [(s.student, s.label, s.problem) for s in subs] == [
        ("dana", ALPHA, None), ("dana", "notes.docx", "not-a-notebook")]


def test_messages_are_deterministic_and_short():
    text = ("\x1b[31mValueError\x1b[0m: <object at 0x7f3a2b1c9d00> in /tmp/b12grade-x/s1 "
            + "y" * 400)
    cleaned = clean_message(text)
    assert "0x7f" not in cleaned and "\x1b" not in cleaned and "/tmp/" not in cleaned
    assert len(cleaned) <= 300


def _rows():
    return [
        Row("bo", ALPHA, "a-two", 0, 2, "fail", "Not quite: two items", 5),
        Row("al", ALPHA, "a-one", 1, 1, "pass", "", 3),
        Row("al", ALPHA, "a-two", 0, 2, "fail", "Not quite: two items", 5),
        Row("bo", ALPHA, "a-one", 0, 1, "timeout", "cell ran too long", 3),
        Row("al", ALPHA, "a-why", 0, 1, "manual", "answered", 6, True),
    ]


def test_gradebook_rows_are_sorted_by_student_and_task_order():
    lines = report.gradebook_csv(_rows()).splitlines()
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["al", ALPHA, "a-one"], ["al", ALPHA, "a-two"], ["al", ALPHA, "a-why"],
        ["bo", ALPHA, "a-one"], ["bo", ALPHA, "a-two"]]


def test_summary_has_totals_most_failed_tasks_and_common_messages():
    rows = list(csv.DictReader(io.StringIO(report.summary_csv(_rows()))))
    totals = {r["name"]: (r["value"], r["max_value"]) for r in rows if r["section"] == "student"}
    assert totals == {"al": ("1", "4"), "bo": ("0", "3")}
    tasks = [r["name"] for r in rows if r["section"] == "task"]
    assert tasks == ["a-two", "a-one"]  # most failed first; manual tasks left out
    messages = [(r["name"], r["value"]) for r in rows if r["section"] == "message"]
    assert messages[0] == ("Not quite: two items", "2")
    text = report.summary_text(_rows())
    assert "Most-failed tasks: a-two" in text and "bo (timeout)" in text


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "gb.csv"
    target.write_text("old")
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gb.csv"]


def test_bad_options_are_friendly(tmp_path):
    solutions = write_solutions(tmp_path / "solutions")
    with pytest.raises(ValueError, match="--jobs"):
        runner.grade([tmp_path], tmp_path / "gb.csv", jobs=0, solutions=solutions)
    with pytest.raises(ValueError, match="no solution notebooks"):
        runner.grade([tmp_path], tmp_path / "gb.csv", solutions=tmp_path / "nothing")


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    solutions = write_solutions(root / "solutions")
    sol = solution_notebook("a")
    for name, nb in [("ann", sol), ("ben", build.make_exercise(sol)),
                     ("cy", variant(sol, a_one_answer="a_one = 7"))]:
        (root / "class" / name).mkdir(parents=True)
        nbformat.write(nb, root / "class" / name / f"{ALPHA}.ipynb")
    return root, solutions


def test_grading_twice_gives_the_same_files(small_class):
    root, solutions = small_class
    first = runner.grade([root / "class"], root / "one.csv", jobs=2, timeout=20,
                         solutions=solutions)
    second = runner.grade([root / "class"], root / "two.csv", jobs=1, timeout=20,
                          solutions=solutions)
    assert first.gradebook.read_bytes() == second.gradebook.read_bytes()
    assert first.summary.read_bytes() == second.summary.read_bytes()
    assert first.summary.name == "one_summary.csv"
    statuses = {(r.student, r.grade_id): r.status for r in first.rows}
    assert statuses[("ann", "a-one")] == "pass"
    assert statuses[("ben", "a-one")] == "unanswered"
    assert statuses[("cy", "a-one")] == "fail"


def test_command_line_prints_progress_and_summary(small_class):
    root, solutions = small_class
    out = root / "cli.csv"
    result = subprocess.run(
        [sys.executable, "-m", "b12course.cli", "grade", str(root / "class" / "ann"),
         "--out", str(out), "--jobs", "1", "--timeout", "20", "--solutions", str(solutions)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "graded 1/1" in result.stderr and "left" in result.stderr
    assert "Graded 1 student(s)" in result.stdout
    assert out.exists() and (root / "cli_summary.csv").exists()


def test_command_line_rejects_bad_jobs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "b12course.cli", "grade", str(tmp_path),
                             "--out", str(tmp_path / "g.csv"), "--jobs", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--jobs must be 1 or more" in result.stderr


def test_sample_submissions_cover_honest_and_hostile_kinds(tmp_path):
    result = subprocess.run([sys.executable, "-m", "b12course.cli", "exercises", "samples",
                             "--out", str(tmp_path / "demo"), "-n", "10"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    folders = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert len(folders) == 10 and folders[0] == "student01-correct"
    assert not any((tmp_path / "demo" / "student10-empty").iterdir())
    assert (tmp_path / "demo" / "student09-not-a-notebook" / "my_answers.docx").exists()


def test_course_solutions_get_full_marks_and_exercises_none(tmp_path):
    """The real exercises: every solution passes its hidden tests when graded; a stub does not."""
    import shutil

    folders = []
    for path in build.solution_paths():
        folder = tmp_path / "class" / f"sol-{path.stem[:2]}"
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
        folders.append(folder)
    first = build.solution_paths()[0]
    (tmp_path / "class" / "stub").mkdir()
    shutil.copy(build.exercises_dir() / first.name, tmp_path / "class" / "stub" / first.name)
    result = runner.grade([tmp_path / "class"], tmp_path / "gb.csv", jobs=2, timeout=120)
    auto = [r for r in result.rows if not r.manual]
    solved = [r for r in auto if r.student.startswith("sol-")]
    assert solved and all(r.status == "pass" for r in solved), \
        [(r.grade_id, r.message) for r in solved if r.status != "pass"]
    assert {r.student for r in solved} == {f.name for f in folders}
    stub = [r for r in auto if r.student == "stub"]
    assert stub and {r.status for r in stub} == {"unanswered"}


def test_a_class_folder_with_a_loose_index_file_still_splits_by_student(tmp_path):
    for name in ("ann", "ben"):
        (tmp_path / "cls" / name / "data").mkdir(parents=True)
        (tmp_path / "cls" / name / f"{ALPHA}.ipynb").write_text("{}")
    (tmp_path / "cls" / "index.csv").write_text("student\nann\nben\n")
    subs = discover.discover([tmp_path / "cls"], KNOWN)
    assert [(s.student, s.label, s.problem) for s in subs] == [
        ("ann", ALPHA, None), ("ben", ALPHA, None), ("cls", "index.csv", "not-a-notebook")]
