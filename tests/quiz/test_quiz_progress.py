"""Saved quiz progress: location, atomic save, restore after a restart, corruption, export."""

import csv
import json
import os
import sys

import pytest

from b12course import cli, quiz
from b12course.quiz import progress
from b12course.quiz.progress import QuizProgress, progress_path


def key_of(question_id):
    """The id of the keyed option of a single-choice question."""
    return next(c.id for c in quiz.load_bank("00_start_here").get(question_id).choices
                if c.correct)


def answer_first_question(widget, text="1 mg"):
    view = widget.views[0]
    view.input.value = text
    view.check.click()
    return view


def test_tests_never_use_the_real_home(isolated_quiz_progress):
    assert progress_path() == isolated_quiz_progress
    assert str(isolated_quiz_progress).startswith(os.path.realpath(os.sep))


def test_default_location_per_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("B12COURSE_PROGRESS")
    monkeypatch.setattr(progress.Path, "home", lambda: tmp_path / "home")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert progress_path() == tmp_path / "xdg" / "b12course" / "progress.json"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert progress_path() == tmp_path / "home" / ".local" / "share" / "b12course" / "progress.json"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    assert progress_path() == tmp_path / "appdata" / "b12course" / "progress.json"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert progress_path() == (tmp_path / "home" / "Library" / "Application Support"
                               / "b12course" / "progress.json")


def test_building_and_blank_checks_write_nothing(isolated_quiz_progress):
    widget = quiz.show("00_start_here")
    for view in widget.views:
        view.check.click()  # unanswered: not an attempt
    answer_first_question(widget, "abc")  # unreadable: not an attempt
    assert not isolated_quiz_progress.exists()
    assert not isolated_quiz_progress.parent.exists()


def test_progress_survives_a_kernel_restart(isolated_quiz_progress):
    widget = quiz.show("00_start_here")
    answer_first_question(widget, "1 mcg")  # wrong unit: an attempt, not correct
    answer_first_question(widget, "1 mg")
    saved = json.loads(isolated_quiz_progress.read_text(encoding="utf-8"))
    record = saved["questions"]["00-mcg-in-1mg-ampoule"]
    assert record["attempts"] == 2 and record["first_score"] == 0 and record["best_score"] == 1
    assert record["last_status"] == "correct" and record["bank"] == "00_start_here"
    restarted = quiz.show("00_start_here")  # a new widget, as after a kernel restart
    total = len(restarted.views)
    assert f"1 of {total} correct · 1 attempted · 0 right first time" in restarted.score.value
    assert "2 attempts" in restarted.views[0].saved.value
    assert "✓" in restarted.views[0].saved.value


def test_two_quizzes_on_one_page_keep_each_others_saves(isolated_quiz_progress):
    first = quiz.show("00_start_here", ids=["00-mcg-in-1mg-ampoule"])
    second = quiz.show("00_start_here", ids=["00-why-units"])
    answer_first_question(first)
    second.views[0].input.value = key_of("00-why-units")
    second.views[0].check.click()
    saved = json.loads(isolated_quiz_progress.read_text(encoding="utf-8"))["questions"]
    assert set(saved) == {"00-mcg-in-1mg-ampoule", "00-why-units"}


def test_write_is_atomic_and_leaves_no_temp_file(isolated_quiz_progress, monkeypatch):
    widget = quiz.show("00_start_here")
    answer_first_question(widget)
    before = isolated_quiz_progress.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress.os, "replace", broken_replace)
    view = answer_first_question(widget, "1000 mcg")
    assert isolated_quiz_progress.read_bytes() == before  # the old file is intact
    assert [p.name for p in isolated_quiz_progress.parent.iterdir()] == ["progress.json"]
    assert "✓" in view.feedback.value  # the answer is still checked
    assert "could not be saved" in widget.notice.value and "No space left" in widget.notice.value


@pytest.mark.parametrize("content", ["{not json", "[]", '{"questions": {"x": {"attempts": "2"}}}',
                                     "\x00\x01binary"])
def test_corrupt_file_is_kept_aside_and_a_fresh_one_started(isolated_quiz_progress, content):
    isolated_quiz_progress.parent.mkdir(parents=True)
    isolated_quiz_progress.write_text(content, encoding="utf-8")
    widget = quiz.show("00_start_here")
    assert "damaged" in widget.notice.value and "Note:" in widget.notice.value
    assert isolated_quiz_progress.read_text(encoding="utf-8") == content  # untouched until Check
    answer_first_question(widget)
    kept = list(isolated_quiz_progress.parent.glob("progress.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == content
    fresh = json.loads(isolated_quiz_progress.read_text(encoding="utf-8"))
    assert list(fresh["questions"]) == ["00-mcg-in-1mg-ampoule"]
    assert "kept as" in widget.notice.value and kept[0].name in widget.notice.value


def test_two_quizzes_opened_on_a_damaged_file_set_it_aside_once(isolated_quiz_progress):
    isolated_quiz_progress.parent.mkdir(parents=True)
    isolated_quiz_progress.write_text("{broken", encoding="utf-8")
    first = quiz.show("00_start_here", ids=["00-mcg-in-1mg-ampoule"])
    second = quiz.show("00_start_here", ids=["00-why-units"])
    answer_first_question(first)
    second.views[0].input.value = key_of("00-why-units")
    second.views[0].check.click()
    assert len(list(isolated_quiz_progress.parent.glob("progress.json.corrupt-*"))) == 1
    saved = json.loads(isolated_quiz_progress.read_text(encoding="utf-8"))["questions"]
    assert set(saved) == {"00-mcg-in-1mg-ampoule", "00-why-units"}
    assert "saved to" in second.notice.value and "damaged" in second.notice.value


def test_unwritable_location_still_checks_answers(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("B12COURSE_PROGRESS", str(blocker / "progress.json"))
    widget = quiz.show("00_start_here")
    view = answer_first_question(widget)
    assert "✓ Correct." in view.feedback.value
    assert "could not be saved" in widget.notice.value


def _two_attempts():
    widget = quiz.show("00_start_here")
    answer_first_question(widget, "100 mcg")
    answer_first_question(widget, "1 mg")
    widget.views[3].input.value = key_of(widget.views[3].question.id)
    widget.views[3].check.click()
    return len(widget.views)


def test_export_json_for_an_instructor(tmp_path):
    total = _two_attempts()
    out = quiz.export_progress(tmp_path / "out" / "me.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["00_start_here"] == {"questions": total, "attempted": 2,
                                                "correct": 2, "first_try_correct": 1}
    assert data["questions"]["00-mcg-in-1mg-ampoule"]["attempts"] == 2
    assert data["questions"]["00-mcg-in-1mg-ampoule"]["first_response"] == "100 mcg"
    assert data["learner"] and data["learner"] == QuizProgress().learner


def test_export_csv_and_cli(tmp_path, capsys):
    _two_attempts()
    out = tmp_path / "progress.csv"
    assert cli.main(["progress", "export", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["question_id"] for r in rows] == ["00-mcg-in-1mg-ampoule", "00-why-units"]
    assert rows[0]["attempts"] == "2" and rows[0]["last_status"] == "correct"
    assert (rows[0]["first_response"], rows[0]["last_response"]) == ("100 mcg", "1 mg")
    assert rows[1]["first_response"] == key_of("00-why-units")


def test_export_with_no_progress_yet(tmp_path):
    data = json.loads(quiz.export_progress(tmp_path / "x.json").read_text(encoding="utf-8"))
    assert data["questions"] == {} and data["summary"]["00_start_here"]["attempted"] == 0


def test_progress_reads_a_file_written_elsewhere(tmp_path):
    path = tmp_path / "p.json"
    store = QuizProgress(path)
    assert store.get("00-why-units") is None and store.notice == ""
    result = quiz.grade("00-why-units", key_of("00-why-units"))
    store.record(result, bank="00_start_here")
    assert QuizProgress(path).get("00-why-units")["attempts"] == 1
