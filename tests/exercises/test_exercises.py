"""exercises/ is generated from solutions/: runnable stubs, no hidden tests, identical rebuilds."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from b12course.exercises import build, locking
from grading_fixtures import solution_notebook

SOLUTIONS = build.solution_paths()


def test_exercises_folder_matches_a_fresh_build():
    assert SOLUTIONS, "no solution notebooks in solutions/"
    assert build.stale_exercises() == []


def test_build_twice_gives_byte_identical_files(tmp_path):
    first = {p.name: p.read_bytes() for p in build.build(out=tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in build.build(out=tmp_path / "b")}
    assert first == second and set(first) == {p.name for p in SOLUTIONS}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_is_well_formed_with_at_least_four_graded_tasks(path):
    nb = nbformat.read(path, as_version=4)
    assert build.problems(nb, path.name) == []
    assert len(build.tasks(nb)) >= 4


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_keeps_no_answer_and_no_hidden_test(path):
    solution = nbformat.read(path, as_version=4)
    exercise = nbformat.reads(build.render(path), as_version=4)
    assert len(exercise.cells) == len(solution.cells)
    for sol, ex in zip(solution.cells, exercise.cells, strict=True):
        added = {"checksum": locking.checksum(ex), "cell_type": ex.cell_type}
        assert build.nbgrader_meta(ex) == {**build.nbgrader_meta(sol), **added}
        assert build.BEGIN_SOLUTION not in ex.source
        assert build.BEGIN_HIDDEN not in ex.source
        if build.BEGIN_SOLUTION in sol.source:
            assert build.ANSWER_STUB in ex.source
        if ex.cell_type == "code":
            assert ex.outputs == [] and ex.execution_count is None


def test_region_becomes_its_explicit_stub_lines_and_code_around_it_is_kept():
    source = ("x = 1\n### BEGIN SOLUTION\n### STUB dose_mcg = ...\ndose_mcg = 1000\n"
              "volume_ml, n = 1, 2\n### STUB volume_ml = ...  # in mL\n### END SOLUTION\nvolume_ml")
    assert build.strip_regions(source) == (
        "x = 1\n# YOUR ANSWER HERE\ndose_mcg = ...\nvolume_ml = ...  # in mL\nvolume_ml")


def test_stub_keeps_indentation_and_can_be_pass():
    source = ("def f():\n    ### BEGIN SOLUTION\n    ### STUB pass\n    return 3\n"
              "    ### END SOLUTION")
    assert build.strip_regions(source) == "def f():\n    # YOUR ANSWER HERE\n    pass"
    compile(build.strip_regions(source), "stub", "exec")


def test_a_region_without_a_stub_is_refused_naming_notebook_and_cell():
    nb = solution_notebook("a")
    nb.cells[2].source = "### BEGIN SOLUTION\na_one = base * 3\n### END SOLUTION"
    [message] = [m for m in build.problems(nb, "s.ipynb") if "cell 3" in m]
    assert message.startswith("s.ipynb, cell 3: answer region has no '### STUB' line")
    with pytest.raises(build.ExerciseError, match=r"s\.ipynb, cell 3: .*### STUB"):
        build.make_exercise(nb, "s.ipynb")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_solution_region_has_an_explicit_stub(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.source.count(build.BEGIN_SOLUTION) <= cell.source.count(build.STUB)


def test_hidden_tests_are_removed_and_visible_checks_kept():
    source = ("checks.check_answer('t', x)\n### BEGIN HIDDEN TESTS\nassert x == 2\n"
              "### END HIDDEN TESTS")
    assert build.strip_regions(source) == "checks.check_answer('t', x)"


def test_markdown_answer_gets_a_placeholder_and_metadata_is_kept():
    exercise = build.make_exercise(solution_notebook("a"))
    written = exercise.cells[-1]
    assert written.source == build.MARKDOWN_PLACEHOLDER
    assert written.metadata["nbgrader"]["grade_id"] == "a-why"
    assert written.metadata["nbgrader"]["points"] == 1


def test_unbalanced_markers_are_reported_with_file_and_cell():
    nb = solution_notebook("a")
    nb.cells[2].source = "### BEGIN SOLUTION\nx = 1"
    [message] = [m for m in build.problems(nb, "s.ipynb") if "cell 3" in m]
    assert "s.ipynb, cell 3" in message and "no matching" in message
    with pytest.raises(build.ExerciseError):
        build.make_exercise(nb, "s.ipynb")


def test_duplicate_grade_ids_and_missing_points_are_reported():
    nb = solution_notebook("a")
    nb.cells[4].metadata["nbgrader"]["grade_id"] = "a-one-answer"
    del nb.cells[5].metadata["nbgrader"]["points"]
    messages = build.problems(nb, "s.ipynb")
    assert any("duplicate grade_id 'a-one-answer'" in m for m in messages)
    assert any("has no points" in m for m in messages)


def test_check_reports_hand_edits_missing_and_stray_files(tmp_path):
    src, out = tmp_path / "solutions", tmp_path / "exercises"
    src.mkdir()
    nbformat.write(solution_notebook("a"), src / "01_a_exercises.ipynb")
    assert any("missing" in m for m in build.stale_exercises(src, out))
    build.build(src, out)
    assert build.stale_exercises(src, out) == []
    edited = out / "01_a_exercises.ipynb"
    edited.write_text(edited.read_text().replace("a_one = ...", "a_one = 6"))
    nbformat.write(solution_notebook("b"), out / "09_b_exercises.ipynb")
    messages = build.stale_exercises(src, out)
    assert any("out of date" in m for m in messages)
    assert any("09_b_exercises.ipynb: has no solution" in m for m in messages)


def test_cli_check_exit_codes(tmp_path):
    src, out = tmp_path / "solutions", tmp_path / "exercises"
    src.mkdir()
    nbformat.write(solution_notebook("a"), src / "01_a_exercises.ipynb")
    command = [sys.executable, "-m", "b12course.cli", "exercises", "build",
               "--solutions", str(src), "--out", str(out)]
    stale = subprocess.run([*command, "--check"], capture_output=True, text=True)
    assert stale.returncode == 1 and "missing" in stale.stdout
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0 and "1 exercise notebook(s) built" in built.stdout
    fresh = subprocess.run([*command, "--check"], capture_output=True, text=True)
    assert fresh.returncode == 0 and "up to date" in fresh.stdout


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_cited_key_in_a_solution_resolves(path):
    import re

    from b12course.sources import references

    keys = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for group in re.findall(r"\[([A-Z0-9][A-Za-z0-9-]*(?:;\s*[A-Z0-9][A-Za-z0-9-]*)*)\]",
                                    cell.source):
                keys.update(k.strip() for k in group.split(";"))
    assert keys, "a solution should cite its sources"
    assert references.unresolved(keys) == []


# ------------------------------------------------------------------ locked the way nbgrader locks
def _cell(make, source, **meta):
    cell = make(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, "task": False, **meta}
    return cell


def test_checksum_is_nbgraders_own():
    # reference values printed by nbgrader 0.9.6's nbgrader.utils.compute_checksum
    test_cell = _cell(nbformat.v4.new_code_cell, 'checks.check_answer("t-1", x)', grade=True,
                      grade_id="t-1", locked=True, points=2, solution=False)
    read_only = _cell(nbformat.v4.new_markdown_cell, "Read me.", grade=False,
                      grade_id="t-read-only-1", locked=True, solution=False)
    assert locking.checksum(test_cell) == "151a2431558108796d90fd93993d2610"
    assert locking.checksum(read_only) == "b4ef75be59da2d78b4f651e12c6cf8ba"
    test_cell.source += " "
    assert locking.checksum(test_cell) != "151a2431558108796d90fd93993d2610"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_solution_cell_is_an_answer_a_test_or_read_only(path):
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
        meta = build.nbgrader_meta(cell)
        assert meta.get("solution") or meta.get("grade") or meta.get("locked"), \
            f"{path.name}, cell {number}: run 'b12course exercises build' to mark it read-only"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_tests_and_text_cannot_be_edited_or_deleted_and_answers_cannot_be_deleted(path):
    exercise = nbformat.reads(build.render(path), as_version=4)
    for cell in exercise.cells:
        meta, flags = build.nbgrader_meta(cell), cell.metadata
        assert flags["deletable"] is False, meta["grade_id"]
        if meta.get("solution"):
            assert "editable" not in flags, meta["grade_id"]
        else:
            assert flags["editable"] is False, meta["grade_id"]
        assert meta["checksum"] == locking.checksum(cell) and meta["cell_type"] == cell.cell_type


def test_build_marks_new_plain_solution_cells_read_only_and_check_reports_them(tmp_path):
    src, out = tmp_path / "solutions", tmp_path / "exercises"
    src.mkdir()
    nbformat.write(solution_notebook("a"), src / "01_a_exercises.ipynb")
    build.build(src, out)
    marked = nbformat.read(src / "01_a_exercises.ipynb", as_version=4)
    assert build.nbgrader_meta(marked.cells[0]) == locking.read_only_meta(
        f"01-read-only-{marked.cells[0].id}")
    assert build.nbgrader_meta(marked.cells[2])["solution"]  # answers keep their metadata
    marked.cells.append(nbformat.v4.new_markdown_cell("A new note."))
    nbformat.write(marked, src / "01_a_exercises.ipynb")
    assert any("cell(s) 8 have no nbgrader metadata" in m for m in build.stale_exercises(src, out))
    assert build.mark_solutions_read_only(src) == ["01_a_exercises.ipynb: 1 cell(s) marked "
                                                   "read-only"]
    assert build.mark_solutions_read_only(src) == []
