"""The pieces notebook 00 uses: practice quiz, course map, reference rendering, dev.py gate."""

import importlib.util
import subprocess
import sys

import pytest

from b12course import coursemap, references
from b12course.paths import REPO_ROOT
from b12course.practice import CORRECT, OPTIONS, practice_quiz


def _parts(quiz):
    _question, choices, check, feedback = quiz.children
    return choices, check, feedback


def test_practice_quiz_asks_for_an_answer_first():
    choices, check, feedback = _parts(practice_quiz())
    check.click()
    assert "choose an answer first" in feedback.value


@pytest.mark.parametrize("option", OPTIONS)
def test_practice_quiz_feedback_for_every_option(option):
    choices, check, feedback = _parts(practice_quiz())
    choices.value = option
    check.click()
    if option == CORRECT:
        assert "✅" in feedback.value and "Correct" in feedback.value
    else:
        assert "❌" in feedback.value and option in feedback.value
    assert "1 mg = 1000 micrograms" in feedback.value


def test_two_quizzes_do_not_share_state():
    first, second = practice_quiz(), practice_quiz()
    c1, b1, f1 = _parts(first)
    c1.value = CORRECT
    b1.click()
    assert "Choose an answer" in _parts(second)[2].value


def test_course_map_lists_every_planned_notebook_in_order():
    sessions = coursemap.sessions()
    assert [s.number for s in sessions] == [f"{i:02d}" for i in range(8)]
    table = coursemap.markdown()
    for s in sessions:
        assert s.title in table
    assert "[Start here](00_start_here.ipynb)" in table


def test_course_map_rejects_bad_minutes(tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("number,slug,title,minutes,objectives\n00,x,X,twenty,o\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2, column 'minutes'"):
        coursemap.sessions(bad)


def test_readme_course_map_is_current():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert coursemap.markdown(link_prefix="notebooks/") in readme, (
        "README course map is stale: paste the output of `b12course course-map`"
    )


def test_reference_list_resolves_and_rejects_unknown_keys():
    text = references.markdown("SMPC-OHCBL-EPG; FDA-CNCBL-LABEL; SMPC-OHCBL-EPG")
    assert text.count("\n") == 1 and text.startswith("1. **SMPC-OHCBL-EPG**")
    assert references.unresolved(["NOT-A-KEY", "FDA-CNCBL-LABEL"]) == ["NOT-A-KEY"]
    with pytest.raises(ValueError, match="NOT-A-KEY"):
        references.resolve("NOT-A-KEY")


def _load_dev():
    spec = importlib.util.spec_from_file_location("dev", REPO_ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_py_refuses_old_python_with_one_line(monkeypatch, capsys):
    dev = _load_dev()
    monkeypatch.setattr(sys, "version_info", (3, 10, 0))
    with pytest.raises(SystemExit) as stop:
        dev.main(["test"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Python 3.11 or newer" in err


def test_dev_py_usage_for_unknown_command():
    result = subprocess.run([sys.executable, str(REPO_ROOT / "dev.py"), "frobnicate"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "usage: python3 dev.py" in result.stdout
