"""The real nbgrader 0.9 on the course's exercises: what instructors/README.md promises about it.

nbgrader is not a course dependency: ``python3 dev.py test`` installs it into .venv-nbgrader and
passes its path in B12COURSE_NBGRADER. Without it these tests are skipped with a reason; with
CI=true they fail. Every nbgrader command runs in a temporary course folder with the course's
instructors/nbgrader_config.py.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from b12course.exercises import build, locking
from b12course.grading import samples
from b12course.sources.paths import REPO_ROOT

EXERCISE = "03_regimens_by_cause_exercises"
ASSIGNMENT = "ex03"
CONFIG = REPO_ROOT / "instructors" / "nbgrader_config.py"
TIMEOUT = 900


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_nbgrader() -> Path | None:
    """B12COURSE_NBGRADER, else dev.py's .venv-nbgrader, else ``nbgrader`` on PATH."""
    named = os.environ.get("B12COURSE_NBGRADER")
    if named:
        return Path(named)
    local = REPO_ROOT / ".venv-nbgrader" / ("Scripts" if os.name == "nt" else "bin") / "nbgrader"
    if local.exists():
        return local
    found = shutil.which("nbgrader")
    return Path(found) if found else None


def _unavailable(reason: str):
    if _in_ci():
        pytest.fail(f"CI must run the nbgrader checks, but {reason}. `python3 dev.py test` "
                    "installs nbgrader into .venv-nbgrader.")
    pytest.skip(f"nbgrader check skipped: {reason} (`python3 dev.py test` installs it into "
                ".venv-nbgrader; set CI=true to make this a failure)")


@pytest.fixture(scope="module")
def nbgrader() -> Path:
    command = find_nbgrader()
    if command is None or not command.exists():
        _unavailable("nbgrader is not installed")
    python = command.parent / Path(sys.executable).name
    probe = subprocess.run([str(python), "-c", "import b12course, nbgrader"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        _unavailable(f"the Python next to {command} cannot import both nbgrader and b12course "
                     "(install with `pip install -e .[nbgrader]`)")
    return command


def run(nbgrader: Path, *args: str, cwd: Path) -> str:
    """Run one nbgrader command (its own bin/ first on PATH: it calls ``alembic``)."""
    env = {**os.environ, "PATH": f"{nbgrader.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name in ("NBGRADER_EXECUTION", "B12COURSE_STRICT_CHECKS"):
        env.pop(name, None)
    result = subprocess.run([str(nbgrader), *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=TIMEOUT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def validate(nbgrader: Path, notebook, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{EXERCISE}.ipynb"
    nbformat.write(notebook, path)
    return run(nbgrader, "validate", path.name, cwd=folder)


def solution():
    return nbformat.read(build.solutions_dir() / f"{EXERCISE}.ipynb", as_version=4)


def exercise():
    return nbformat.read(build.exercises_dir() / f"{EXERCISE}.ipynb", as_version=4)


def answered_exercise(**wrong: str):
    """The handed-out exercise with every answer filled in from the solution (some made wrong).

    ``wrong`` maps an answer cell's grade_id ('-' written '_') to the source to use instead.
    """
    filled = exercise()
    model = {build.nbgrader_meta(c)["grade_id"]: c.source for c in solution().cells
             if locking.is_solution(c)}
    for cell in filled.cells:
        gid = build.nbgrader_meta(cell).get("grade_id")
        if gid in model:
            cell.source = wrong.get(gid.replace("-", "_"), model[gid])
    return filled


def test_the_course_config_uses_the_exercises_written_answer_placeholder():
    assert f'c.ClearSolutions.text_stub = "{build.MARKDOWN_PLACEHOLDER}"' in CONFIG.read_text()


def test_untouched_exercise_fails_validation_on_every_task(nbgrader, tmp_path):
    output = validate(nbgrader, exercise(), tmp_path)
    graded = len(build.tasks(solution()))
    assert "Success!" not in output
    assert f"VALIDATION FAILED ON {graded} CELL(S)" in output
    assert "Not answered yet" in output and "You did not provide a response." in output


def test_a_wrong_answer_fails_validation_naming_its_check(nbgrader, tmp_path):
    wrong = answered_exercise(**{"03_uk_volume_answer": 'uk = products.loc["ohcbl-inj-uk"]\n'
                                                         "uk_volume_ml = 0"})
    output = validate(nbgrader, wrong, tmp_path)
    assert "VALIDATION FAILED ON 1 CELL(S)" in output
    assert 'checks.check_answer("03-uk-volume", uk_volume_ml)' in output
    assert "Not quite" in output


def test_a_fully_answered_exercise_and_the_solution_pass_validation(nbgrader, tmp_path):
    assert "Success! Your notebook passes all the tests." in validate(
        nbgrader, answered_exercise(), tmp_path / "answered")
    assert "Success! Your notebook passes all the tests." in validate(
        nbgrader, solution(), tmp_path / "solution")


def test_an_edited_test_cell_is_reported_by_its_checksum(nbgrader, tmp_path):
    edited = answered_exercise()
    test_cell = next(c for c in edited.cells
                     if build.nbgrader_meta(c).get("grade_id") == "03-uk-volume")
    test_cell.source = "True"
    output = validate(nbgrader, edited, tmp_path)
    assert "THE CONTENTS OF 1 TEST CELL(S) HAVE CHANGED" in output


# ------------------------------------------------------------- generate_assignment + autograde
CLASS = ("correct", "untouched", "partly-wrong")


@pytest.fixture(scope="module")
def course(nbgrader, tmp_path_factory) -> Path:
    """A course folder: the solution as nbgrader's source, generated, a small class autograded."""
    root = tmp_path_factory.mktemp("nbgrader-course")
    shutil.copy(CONFIG, root / "nbgrader_config.py")
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(build.solutions_dir() / f"{EXERCISE}.ipynb", root / "source" / ASSIGNMENT)
    run(nbgrader, "generate_assignment", ASSIGNMENT, "--force", cwd=root)
    for kind in CLASS:
        folder = root / "submitted" / kind / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(samples.submission(kind, solution()), folder / f"{EXERCISE}.ipynb")
        (root / "class" / kind).mkdir(parents=True)
        shutil.copy(folder / f"{EXERCISE}.ipynb", root / "class" / kind)
    run(nbgrader, "autograde", ASSIGNMENT, "--create", cwd=root)
    return root


def test_generate_assignment_locks_and_checksums_cells_as_the_exercise_does(course):
    theirs = nbformat.read(course / "release" / ASSIGNMENT / f"{EXERCISE}.ipynb", as_version=4)
    ours = exercise()
    assert len(theirs.cells) == len(ours.cells)
    kept = ("nbgrader", "deletable", "editable")
    for mine, nbg in zip(ours.cells, theirs.cells, strict=True):
        gid = build.nbgrader_meta(mine)["grade_id"]
        if locking.is_solution(mine) and mine.cell_type == "code":
            # the one documented difference: nbgrader's stub is `raise NotImplementedError()`
            assert "raise NotImplementedError()" in nbg.source and "..." in mine.source, gid
            continue
        assert mine.source == nbg.source, gid
        assert {k: mine.metadata.get(k) for k in kept} == \
               {k: nbg.metadata.get(k) for k in kept}, gid


def _nbgrader_scores(nbgrader: Path, course: Path) -> dict:
    """(student, grade_id) -> (score, needs a hand mark) from nbgrader's gradebook."""
    script = (
        "import json\nfrom nbgrader.api import Gradebook\n"
        "with Gradebook('sqlite:///gradebook.db') as gb:\n"
        f"    subs = gb.assignment_submissions({ASSIGNMENT!r})\n"
        "    print(json.dumps([[s.student.id, g.name, g.score, g.needs_manual_grade]\n"
        "                      for s in subs for n in s.notebooks for g in n.grades]))\n")
    python = nbgrader.parent / Path(sys.executable).name
    out = subprocess.run([str(python), "-c", script], cwd=course, capture_output=True,
                         text=True, check=True).stdout
    return {(s, g): (float(score), manual) for s, g, score, manual in json.loads(out)}


def _course_scores(course: Path) -> dict:
    out = course / "b12course.csv"
    subprocess.run([sys.executable, "-m", "b12course.cli", "grade", str(course / "class"),
                    "--out", str(out), "--jobs", "1", "--quiet"], check=True,
                   capture_output=True, text=True, timeout=TIMEOUT)
    with out.open(encoding="utf-8") as f:
        return {(r["student"], r["grade_id"]): (float(r["points"]), r["status"], r["message"])
                for r in csv.DictReader(f)}


def test_autograde_gives_the_same_points_as_b12course_grade(nbgrader, course):
    theirs = _nbgrader_scores(nbgrader, course)
    ours = _course_scores(course)
    assert set(theirs) == set(ours) and len(ours) == len(CLASS) * len(build.tasks(solution()))
    for key, (points, status, message) in sorted(ours.items()):
        score, needs_hand_mark = theirs[key]
        assert score == points, (key, score, points, status, message)
        # written answers: both wait for a hand mark when answered, both give 0 when untouched
        assert needs_hand_mark == (status == "manual" and message.startswith("answered")), key
    assert ours[("correct", "03-uk-volume")][0] == 2
    assert ours[("partly-wrong", "03-uk-volume")][0] == 0
