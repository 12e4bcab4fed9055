"""Submissions as Canvas and Moodle deliver them: names, zips, handout, resubmissions, exports.

The downloads below follow the LMSs' own naming (see instructors/README.md for the sources):
Canvas ``name[_late]_USERID_ATTACHMENTID_file`` (a re-upload gets ``-1``), Moodle
``Full Name_PARTICIPANTID_assignsubmission_file_/file`` (or the same prefix on a flat file).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

from b12course.exercises import build
from b12course.grading import discover
from grading_fixtures import ALPHA, BETA, solution_notebook, variant, write_solutions

KNOWN = {ALPHA, BETA}
SOL = solution_notebook("a")
RIGHT = SOL  # 3 of 3 auto-graded points (+1 written, graded by hand)
WRONG = variant(SOL, a_one_answer="a_one = 7")  # 2 of 3
HANDOUT = build.make_exercise(SOL)


def _text(nb) -> str:
    return nbformat.writes(nb)


def _save(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_text(nb), encoding="utf-8")
    return path


def _canvas_flat(folder, handout=True):
    """A Canvas download unzipped: flat files, a resubmission, a late one, the handout."""
    _save(folder / f"smithjohn_101_5001_{ALPHA}.ipynb", WRONG)
    _save(folder / f"smithjohn_101_5009_{ALPHA}-1.ipynb", RIGHT)  # the resubmission
    _save(folder / f"doejane_late_102_5003_{ALPHA}.ipynb", RIGHT)
    if handout:
        _save(folder / f"{ALPHA}.ipynb", HANDOUT)
    return folder


def _moodle(folder):
    """A Moodle download: one folder per student, a flat file, the handout, an unordered pair."""
    _save(folder / "John Smith_900001_assignsubmission_file_" / f"{ALPHA}.ipynb", WRONG)
    _save(folder / "John Smith_900001_assignsubmission_file_" / f"{ALPHA} (1).ipynb", RIGHT)
    _save(folder / "Jane Doe_900002_assignsubmission_file_" / f"{ALPHA}.ipynb", RIGHT)
    _save(folder / f"Ann Lee_900003_assignsubmission_file_{ALPHA}.ipynb", RIGHT)
    first = _save(folder / "Bo Chen_900004_assignsubmission_file_" / f"{ALPHA}.ipynb", RIGHT)
    second = _save(folder / "Bo Chen_900004_assignsubmission_file_" / f"copy of {ALPHA}.ipynb",
                   WRONG)
    for path in (first, second):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    _save(folder / f"{ALPHA}.ipynb", HANDOUT)
    return folder


# --- names ------------------------------------------------------------------------------------

def test_canvas_and_moodle_names_are_read():
    from b12course.grading import lms

    name = lms.parse(f"smithjohn_101_5001_{ALPHA}.ipynb")
    assert (name.lms, name.student, name.lms_id, name.rest, name.late, name.order) == \
        ("canvas", "smithjohn", "101", f"{ALPHA}.ipynb", False, 5001)
    late = lms.parse(f"smithj_LATE_12345_67890_{ALPHA}-2.ipynb")
    assert (late.student, late.late, late.lms_id) == ("smithj", True, "12345")
    assert lms.attempt(late.rest) == 2 and lms.attempt(f"{ALPHA} (1).ipynb") == 1
    assert lms.attempt(f"{ALPHA}.ipynb") == 0
    folder = lms.parse("John Smith_900001_assignsubmission_file_")
    assert (folder.lms, folder.student, folder.lms_id, folder.rest) == \
        ("moodle", "John Smith", "900001", "")
    assert lms.parse("Participant_77_assignsubmission_file_x.ipynb").student == "Participant 77"
    assert lms.parse("smithj_12345_text.html").student == "smithj"
    assert lms.parse(f"garcíajosé_105_7001_{ALPHA}.ipynb").student == "garcíajosé"
    for plain in (f"{ALPHA}.ipynb", f"ann__{ALPHA}.ipynb", f"{ALPHA} (2).ipynb", "notes.docx"):
        assert lms.parse(plain) is None, plain


# --- who is who (no kernels) ------------------------------------------------------------------

def test_a_canvas_flat_folder_is_one_student_per_name_not_one_student(tmp_path):
    subs = discover.discover([_canvas_flat(tmp_path / "canvas", handout=False)], KNOWN)
    assert [(s.student, s.path.name) for s in subs] == [
        ("doejane", f"doejane_late_102_5003_{ALPHA}.ipynb"),
        ("smithjohn", f"smithjohn_101_5009_{ALPHA}-1.ipynb")]  # the resubmission only


def test_moodle_folders_and_flat_files_map_to_students(tmp_path):
    found = discover.discover_all([_moodle(tmp_path / "moodle")], {ALPHA: SOL})
    got = {(s.student, s.lms_id, s.uploaded) for s in found.submissions}
    assert got == {("John Smith", "900001", f"{ALPHA} (1).ipynb"),
                   ("Jane Doe", "900002", f"{ALPHA}.ipynb"),
                   ("Ann Lee", "900003", f"{ALPHA}.ipynb"),
                   ("Bo Chen", "900004", f"copy of {ALPHA}.ipynb")}  # last by name
    [unordered] = [n for n in found.notes if n.section == "warning"]
    assert "Bo Chen: 2 files" in unordered.detail and "nothing to order them by" in unordered.detail
    assert [n.name for n in found.notes if n.section == "skipped"] == [f"moodle/{ALPHA}.ipynb"]


def test_one_moodle_student_folder_given_alone_is_that_student(tmp_path):
    folder = _moodle(tmp_path / "moodle") / "Jane Doe_900002_assignsubmission_file_"
    [sub] = discover.discover_all([folder], {ALPHA: SOL}).submissions
    assert (sub.student, sub.lms_id) == ("Jane Doe", "900002")


def test_the_handout_beside_student_folders_is_skipped_not_a_student(tmp_path):
    cls = tmp_path / "class"
    _save(cls / "ann" / f"{ALPHA}.ipynb", RIGHT)
    _save(cls / "ben" / f"{ALPHA}.ipynb", WRONG)
    _save(cls / f"{ALPHA}.ipynb", HANDOUT)
    found = discover.discover_all([cls], {ALPHA: SOL})
    assert [s.student for s in found.submissions] == ["ann", "ben"]
    [skipped] = found.notes
    assert skipped.section == "skipped" and "the handout" in skipped.detail


def test_an_edited_notebook_with_no_student_name_is_graded_and_warned(tmp_path):
    cls = _canvas_flat(tmp_path / "canvas")
    _save(cls / f"{ALPHA}.ipynb", RIGHT)  # not the handout: someone's answers, but whose?
    found = discover.discover_all([cls], {ALPHA: SOL})
    assert "canvas" in {s.student for s in found.submissions}
    assert any("no student in its name" in n.detail for n in found.notes
               if n.section == "warning")


def test_two_students_with_one_name_are_kept_apart_and_warned(tmp_path):
    folder = tmp_path / "canvas"
    _save(folder / f"leeann_103_6001_{ALPHA}.ipynb", RIGHT)
    _save(folder / f"leeann_104_6002_{ALPHA}.ipynb", WRONG)
    found = discover.discover_all([folder], {ALPHA: SOL})
    assert [s.student for s in found.submissions] == ["leeann (103)", "leeann (104)"]
    [warning] = found.notes
    assert "two different students could be meant by 'leeann'" in warning.detail


def test_a_folder_in_an_lms_download_with_an_unknown_name_is_warned(tmp_path):
    folder = _moodle(tmp_path / "moodle")
    _save(folder / "extra" / f"{ALPHA}.ipynb", RIGHT)
    found = discover.discover_all([folder], {ALPHA: SOL})
    assert "extra" in {s.student for s in found.submissions}
    assert any("not an LMS name" in n.detail for n in found.notes)


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries:
            zf.writestr(name, text)
    return path


def test_zip_slip_and_absolute_entries_are_refused_and_named(tmp_path):
    archive = _zip(tmp_path / "download.zip", [
        (f"submissions/smithjohn_101_5001_{ALPHA}.ipynb", _text(RIGHT)),
        ("../../evil.ipynb", "{}"), ("/tmp/abs-b12-evil.ipynb", "{}")])
    found = discover.discover_all([archive], {ALPHA: SOL})
    assert [(s.student, s.display) for s in found.submissions] == [
        ("smithjohn", f"download.zip/submissions/smithjohn_101_5001_{ALPHA}.ipynb")]
    details = " ".join(n.detail for n in found.notes if n.section == "warning")
    assert "'../../evil.ipynb'" in details and "zip-slip" in details
    assert "'/tmp/abs-b12-evil.ipynb'" in details and "absolute path" in details
    assert not list(tmp_path.parent.rglob("evil.ipynb"))
    assert not os.path.exists("/tmp/abs-b12-evil.ipynb")


def test_a_broken_zip_is_skipped_with_a_reason(tmp_path):
    (tmp_path / "class.zip").write_bytes(b"PK\x03\x04 not really")
    found = discover.discover_all([tmp_path / "class.zip"], {ALPHA: SOL})
    assert found.submissions == []
    assert any("not a readable .zip" in n.detail for n in found.notes)


# --- end to end through `b12course grade` (real kernels) ----------------------------------

def _grade(root, *args):
    result = subprocess.run(
        [sys.executable, "-m", "b12course.cli", "grade", *map(str, args), "--jobs", "2",
         "--timeout", "20", "--solutions", str(root / "solutions"), "--quiet"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _totals(rows):
    got = {}
    for r in rows:
        points, possible = got.get(r["student"], (0.0, 0.0))
        got[r["student"]] = (points + float(r["points"]), possible + float(r["max_points"]))
    return got


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    """A Canvas download re-zipped with a top folder, a zip-slip entry and a name clash."""
    root = tmp_path_factory.mktemp("canvas")
    write_solutions(root / "solutions")
    flat = _canvas_flat(root / "unzipped")
    _save(flat / f"leeann_103_6001_{ALPHA}.ipynb", RIGHT)
    _save(flat / f"leeann_104_6002_{ALPHA}.ipynb", WRONG)
    entries = [(f"submissions/{p.name}", p.read_text(encoding="utf-8"))
               for p in sorted(flat.iterdir())]
    archive = _zip(root / "submissions.zip", entries + [("../escape.ipynb", _text(RIGHT))])
    stdout = _grade(root, archive, "--out", root / "gb.csv", "--canvas-csv", root / "canvas.csv")
    return root, stdout


def test_canvas_zip_grades_each_student_once_with_the_resubmission(canvas):
    root, stdout = canvas
    rows = _csv(root / "gb.csv")
    assert _totals(rows) == {"smithjohn": (3, 4), "doejane": (3, 4),
                             "leeann (103)": (3, 4), "leeann (104)": (2, 4)}
    smith = {r["grade_id"]: r for r in rows if r["student"] == "smithjohn"}
    assert smith["a-one"]["status"] == "pass"
    assert smith["a-one"]["file"] == \
        f"submissions.zip/submissions/smithjohn_101_5009_{ALPHA}-1.ipynb"
    assert f"used smithjohn's resubmission submissions.zip/submissions/smithjohn_101_5009_" \
           f"{ALPHA}-1.ipynb; ignored submissions.zip/submissions/smithjohn_101_5001_" in stdout
    assert "marked LATE by Canvas" in stdout


def test_canvas_handout_zip_slip_and_name_clash_are_reported(canvas):
    root, stdout = canvas
    assert "WARNING:" in stdout and "'../escape.ipynb'" in stdout and "zip-slip" in stdout
    assert "two different students could be meant by 'leeann'" in stdout
    assert f"submissions.zip/submissions/{ALPHA}.ipynb: the handout" in stdout
    assert not (root / "escape.ipynb").exists()
    summary = _csv(root / "gb_summary.csv")
    sections = {r["section"] for r in summary}
    assert {"warning", "resubmission", "late", "skipped"} <= sections
    assert ALPHA not in {r["student"] for r in _csv(root / "gb.csv")}


def test_canvas_import_file_has_canvas_columns_and_user_ids(canvas):
    root, _ = canvas
    lines = (root / "canvas.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"Student,ID,SIS User ID,SIS Login ID,Section,{ALPHA}"
    assert "smithjohn,101,,,,3" in lines and "leeann (104),104,,,,2" in lines
    assert len(lines) == 5


def test_the_canvas_file_can_be_written_again_from_the_gradebook(canvas):
    """After written answers are marked, the same export comes from the gradebook alone."""
    from b12course.grading import export

    root, _ = canvas
    export.from_gradebook(root / "gb.csv", canvas=root / "again.csv")
    assert (root / "again.csv").read_bytes() == (root / "canvas.csv").read_bytes()


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    root = tmp_path_factory.mktemp("moodle")
    write_solutions(root / "solutions")
    folder = _moodle(root / "download")
    stdout = _grade(root, folder, "--out", root / "gb.csv", "--moodle-csv", root / "moodle.csv")
    return root, stdout


def test_moodle_download_grades_each_student_once(moodle):
    root, stdout = moodle
    rows = _csv(root / "gb.csv")
    assert _totals(rows) == {"John Smith": (3, 4), "Jane Doe": (3, 4), "Ann Lee": (3, 4),
                             "Bo Chen": (2, 4)}  # no order: the last by name, and a warning
    john = {r["file"] for r in rows if r["student"] == "John Smith"}
    assert john == {f"download/John Smith_900001_assignsubmission_file_/{ALPHA} (1).ipynb"}
    assert "used John Smith's resubmission" in stdout
    assert "Bo Chen: 2 files for 01_alpha_exercises with nothing to order them by" in stdout


def test_moodle_worksheet_has_participant_identifiers(moodle):
    root, _ = moodle
    rows = _csv(root / "moodle.csv")
    assert list(rows[0]) == ["Identifier", "Full name", "Grade", "Maximum Grade",
                             "Last modified (grade)"]
    from b12course.grading import export

    export.from_gradebook(root / "gb.csv", moodle=root / "again.csv")
    assert (root / "again.csv").read_bytes() == (root / "moodle.csv").read_bytes()
    assert {(r["Identifier"], r["Full name"], r["Grade"], r["Maximum Grade"]) for r in rows} == {
        ("Participant 900001", "John Smith", "3", "4"),
        ("Participant 900002", "Jane Doe", "3", "4"),
        ("Participant 900003", "Ann Lee", "3", "4"),
        ("Participant 900004", "Bo Chen", "2", "4")}


# --- export shapes (no kernels) ---------------------------------------------------------------

def test_exports_name_an_existing_canvas_assignment_and_split_moodle_by_exercise(tmp_path):
    from b12course.grading import export
    from b12course.grading.worker import Row

    rows = [Row("smithjohn", ALPHA, "a-one", 1, 1, "pass", ""),
            Row("smithjohn", ALPHA, "a-why", 0, 1, "manual", ""),
            Row("John Smith", BETA, "b-one", 0, 1, "fail", ""),
            Row("ann", "notes.docx", "", 0, 0, "not-a-notebook", "")]
    ids = {"smithjohn": ("canvas", "101"), "John Smith": ("moodle", "900001")}
    text, warnings = export.canvas_csv(rows[:2], ids, "Exercise 1 (4567)")
    assert text.splitlines() == ["Student,ID,SIS User ID,SIS Login ID,Section,Exercise 1 (4567)",
                                 "smithjohn,101,,,,1"]
    assert warnings == []
    written, warnings = export.write(rows, ids, moodle=tmp_path / "moodle.csv")
    assert [p.name for p in written] == [f"moodle_{ALPHA}.csv", f"moodle_{BETA}.csv"]
    beta = (tmp_path / f"moodle_{BETA}.csv").read_text(encoding="utf-8").splitlines()
    assert beta[1] == "Participant 900001,John Smith,0,1,"
    assert any("smithjohn" in w and "no Moodle participant id" in w for w in warnings)
