"""The pieces notebook 00 uses: practice quiz, course map, reference rendering, dev.py gate."""

import importlib.util
import json
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from b12course import quiz
from b12course.sources import coursemap, references
from b12course.sources.paths import REPO_ROOT


def practice_quiz():
    """The start notebook's quiz, built the way notebook 00 builds it."""
    return quiz.show("00_start_here")


def _start_quiz_cells():
    notebook = json.loads((REPO_ROOT / "notebooks" / "00_start_here.ipynb").read_text("utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def test_notebook_00_shows_the_practice_bank_with_the_quiz_engine():
    assert any('quiz.show("00_start_here")' in cell for cell in _start_quiz_cells())
    bank = quiz.load_bank("00_start_here")
    assert {q.type for q in bank.questions} == {"multiple_choice", "many_choice", "numeric",
                                                 "order", "case"}


def test_practice_quiz_asks_for_an_answer_first():
    widget = practice_quiz()
    for view in widget.views:
        view.check.click()
        assert "Note:" in view.feedback.value and view.attempts == 0


def _mcg_question(widget):
    return next(v for v in widget.views if v.question.id == "00-mcg-in-1mg-ampoule")


@pytest.mark.parametrize("typed, verdict", [("1000 mcg", "✓ Correct"), ("1 mg", "✓ Correct"),
                                            ("1,000 micrograms", "✓ Correct"),
                                            ("100 mcg", "✗ Incorrect"),
                                            ("1 mcg", "✗ Check your units"),
                                            ("1 mL", "✗ Check your units"),
                                            ("1000", "Note: Add a unit")])
def test_practice_quiz_mg_mcg_feedback(typed, verdict):
    view = _mcg_question(practice_quiz())
    view.input.value = typed
    view.check.click()
    assert verdict in view.feedback.value
    if not verdict.startswith("Note:"):
        assert "1 mg = 1000 micrograms" in view.feedback.value
        assert "[SMPC-OHCBL-EPG]" in view.feedback.value


def test_two_quizzes_do_not_share_state():
    first, second = practice_quiz(), practice_quiz()
    view = _mcg_question(first)
    view.input.value = "1 mg"
    view.check.click()
    other = _mcg_question(second)
    assert other.input.value == "" and "Type a number" in other.feedback.value
    assert "0 of" in second.score.value and "1 of" in first.score.value


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


class _FakeRun:
    """Stands in for subprocess.run in dev.test: records each pytest session, returns codes."""

    def __init__(self, codes):
        self.codes, self.sessions = dict(codes), []

    def __call__(self, command, cwd=None, env=None, **_kwargs):
        part = "notebooks" if "notebooks" in command else "unit"
        self.sessions.append((part, command, env))
        return subprocess.CompletedProcess(command, self.codes.get(part, 0))


def _dev_with_fake_pytest(monkeypatch, codes=()):
    dev = _load_dev()
    fake = _FakeRun(codes)
    monkeypatch.setattr(dev, "ensure_venv", lambda: Path(sys.executable))
    monkeypatch.setattr(dev, "run", lambda command, **kwargs: None)  # ruff
    monkeypatch.setattr(dev, "count_notebooks", lambda python: {"notebooks": 9})
    monkeypatch.setattr(dev.subprocess, "run", fake)
    return dev, fake


def _pytest_ini() -> dict:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["tool"]["pytest"]["ini_options"]


def _addopts() -> list[str]:
    addopts = _pytest_ini()["addopts"]
    return shlex.split(addopts) if isinstance(addopts, str) else list(addopts)


def test_plain_pytest_runs_what_ci_runs_from_pyproject():
    """`pytest` from the root: every notebook under nbval and tests/, in parallel, with -rs."""
    ini, addopts = _pytest_ini(), _addopts()
    dev = _load_dev()
    assert ini["testpaths"] == [*dev.NOTEBOOK_FOLDERS, "tests"]
    assert ini["pythonpath"] == ["tests/plugins"]
    for option in ("--nbval-lax", "--nbval-current-env", "-rs"):
        assert option in addopts
    assert any(o.startswith("--nbval-cell-timeout=") for o in addopts)
    assert addopts[addopts.index("-n") + 1] == "auto"
    assert addopts[addopts.index("--dist") + 1] == "loadscope"
    assert addopts[addopts.index("-p") + 1] == "skip_slow_imports"  # the first plugin loaded
    assert (REPO_ROOT / "tests" / "plugins" / "skip_slow_imports.py").is_file()


def test_no_notebook_hides_in_tests_where_nbval_would_run_it():
    assert list((REPO_ROOT / "tests").rglob("*.ipynb")) == []


def test_dev_test_runs_the_notebook_suite_then_the_unit_tests(monkeypatch):
    monkeypatch.delenv("B12COURSE_WORKERS", raising=False)
    dev, fake = _dev_with_fake_pytest(monkeypatch)
    dev.test([])
    assert [part for part, _, _ in fake.sessions] == ["notebooks", "unit"]
    (_, notebooks, nb_env), (_, unit, unit_env) = fake.sessions
    # Only paths and plugin choice: every other option comes from pyproject.toml, like plain pytest.
    assert notebooks[3:] == [*dev.NOTEBOOK_FOLDERS, "-p", "nbval.plugin", "-p", "xdist.plugin"]
    assert nb_env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] == "1"  # the speed-up: same results
    assert unit[3:] == ["tests"]
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in unit_env  # hypothesis's plugin stays on


def test_dev_test_workers_override_pyproject(monkeypatch):
    monkeypatch.setenv("B12COURSE_WORKERS", "1")
    dev, fake = _dev_with_fake_pytest(monkeypatch)
    dev.test([])
    for _, command, _ in fake.sessions:
        assert command[-2:] == ["-n", "1"]


def test_dev_lints_the_notebooks_too():
    dev = _load_dev()
    assert set(dev.NOTEBOOK_FOLDERS) <= set(dev.LINT_TARGETS)


def test_dev_test_stops_at_a_failing_part_with_its_exit_code(monkeypatch):
    dev, fake = _dev_with_fake_pytest(monkeypatch, {"notebooks": 1})
    with pytest.raises(SystemExit) as stop:
        dev.test([])
    assert stop.value.code == 1 and [p for p, _, _ in fake.sessions] == ["notebooks"]


def test_dev_test_only_and_arguments_that_select_nothing_in_one_part(monkeypatch):
    dev, fake = _dev_with_fake_pytest(monkeypatch)
    dev.test(["--only", "unit", "-k", "labs"])
    assert [p for p, _, _ in fake.sessions] == ["unit"] and fake.sessions[0][1][-2:] == [
        "-k", "labs"]
    dev, fake = _dev_with_fake_pytest(monkeypatch, {"notebooks": 5})
    dev.test(["-m", "browser"])  # no notebook is a browser test: that part selects nothing
    assert [p for p, _, _ in fake.sessions] == ["notebooks", "unit"]
    dev, fake = _dev_with_fake_pytest(monkeypatch, {"notebooks": 5, "unit": 5})
    with pytest.raises(SystemExit) as stop:
        dev.test(["-k", "no_such_test"])
    assert stop.value.code == 5


PLUGINS = REPO_ROOT / "tests" / "plugins"


@pytest.mark.parametrize("entry", ["skip_slow_imports", "b12course.cli",
                                   "b12course.grading.worker"])
def test_tool_processes_skip_the_slow_import_and_notebooks_still_validate(entry):
    """pytest, the CLI and each grading worker skip rfc3987_syntax (b12course.fast_imports)."""
    code = (f"import sys; sys.path.insert(0, {str(PLUGINS)!r})\n"
            f"import {entry}, nbformat\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])\n"
            "nbformat.validate(nb)\n"
            "bad = nbformat.v4.new_notebook(); bad['cells'] = [{'cell_type': 'code'}]\n"
            "try:\n    nbformat.validate(bad)\nexcept nbformat.ValidationError:\n"
            "    print('invalid notebook refused')\n"
            "print(sys.modules['rfc3987_syntax'] is None)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["invalid", "notebook", "refused", "True"]


def test_this_pytest_process_loaded_the_plugin_before_nbval():
    """pyproject's `-p skip_slow_imports` ran here before anything imported jsonschema."""
    assert "skip_slow_imports" in sys.modules
    assert "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None


UPSTREAM_FIXED = ("upstream fixed (python-jsonschema#1428): delete b12course.fast_imports and the "
                  "test plugin (tests/plugins/skip_slow_imports.py, '-p skip_slow_imports' in "
                  "pyproject.toml, and the calls in b12course.cli and b12course.grading.worker)")


def test_jsonschema_still_imports_the_slow_grammar_eagerly():
    """The shim exists only while `import jsonschema` imports rfc3987_syntax; no timing involved.

    When this fails, the shim has become dead weight: delete it as the message says.
    """
    code = ("import importlib.util, sys\n"
            "print(importlib.util.find_spec('rfc3987_syntax') is not None)\n"
            "import jsonschema\n"
            "print(sys.modules.get('rfc3987_syntax') is not None)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    installed, imported = result.stdout.split()
    assert installed == "True", "rfc3987_syntax is no longer installed: " + UPSTREAM_FIXED
    assert imported == "True", UPSTREAM_FIXED
