"""``b12course start``: the working copy, the server command lines, the pre-save hook, dev.py.

The real servers in a real browser are checked in tests/browser/test_student_mode.py; here
everything runs without a server.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from b12course import cli, launch
from b12course.sources.paths import REPO_ROOT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _notebook(path: Path, text: str) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    nbformat.write(notebook, path)


@pytest.fixture
def course(tmp_path) -> Path:
    """A small course folder: two notebooks and the authoring template."""
    folder = tmp_path / "course"
    folder.mkdir()
    for name in ("00_start_here", "01_second", "_template"):
        _notebook(folder / f"{name}.ipynb", f"# {name}")
    return folder


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- the working copy ------------------------------------------------------------------------

def test_copies_every_course_notebook_but_the_template(course, tmp_path):
    work = tmp_path / "work"
    report = launch.prepare_work_copy(work, course)
    assert report.copied == ["00_start_here.ipynb", "01_second.ipynb"]
    assert sorted(p.name for p in work.glob("*.ipynb")) == report.copied
    assert _read(work / "01_second.ipynb") == _read(course / "01_second.ipynb")
    text = "\n".join(report.lines())
    assert f"Your notebooks: {work}" in text
    assert "Copied 2 notebooks from the course: 00, 01." in text


def test_never_overwrites_a_copy_the_student_changed(course, tmp_path):
    work = tmp_path / "work"
    launch.prepare_work_copy(work, course)
    _notebook(work / "01_second.ipynb", "# my notes")  # the student's work
    (work / "00_start_here.ipynb").unlink()  # a copy the student deleted comes back

    report = launch.prepare_work_copy(work, course)
    assert report.copied == ["00_start_here.ipynb"] and report.kept == ["01_second.ipynb"]
    assert "my notes" in _read(work / "01_second.ipynb")

    _notebook(course / "01_second.ipynb", "# the course, corrected")  # git pull brings a change
    report = launch.prepare_work_copy(work, course)
    assert "my notes" in _read(work / "01_second.ipynb"), "the student's copy was overwritten"
    assert report.newer_in_course == ["01_second.ipynb"]
    hint = "\n".join(report.lines("python3 dev.py start"))
    assert "python3 dev.py start --fresh 01" in hint and "not deleted" in hint


def test_a_copy_never_changed_follows_the_course(course, tmp_path):
    work = tmp_path / "work"
    launch.prepare_work_copy(work, course)
    _notebook(course / "00_start_here.ipynb", "# the course, corrected")
    report = launch.prepare_work_copy(work, course)
    assert report.updated == ["00_start_here.ipynb"] and report.newer_in_course == []
    assert "corrected" in _read(work / "00_start_here.ipynb")
    assert "Updated 1 notebook you had not changed" in "\n".join(report.lines())


def test_fresh_moves_the_old_copy_aside_and_copies_the_course_again(course, tmp_path):
    work = tmp_path / "work"
    launch.prepare_work_copy(work, course)
    _notebook(work / "01_second.ipynb", "# my notes")

    report = launch.prepare_work_copy(work, course, fresh=["01"])
    assert _read(work / "01_second.ipynb") == _read(course / "01_second.ipynb")
    [(name, moved)] = report.reset
    assert name == "01_second.ipynb" and moved.parent == work / launch.REPLACED_FOLDER
    assert "my notes" in _read(moved), "--fresh must keep the student's old copy"
    assert f"your old copy is in {moved}" in "\n".join(report.lines())

    report = launch.prepare_work_copy(work, course, fresh=["all"])
    assert [name for name, _ in report.reset] == ["00_start_here.ipynb", "01_second.ipynb"]


@pytest.mark.parametrize("name", ["01", "01_second", "01_second.ipynb"])
def test_fresh_accepts_a_number_or_a_name(name):
    assert launch.resolve_name(name, ["00_start_here.ipynb", "01_second.ipynb"]) == \
        "01_second.ipynb"


def test_fresh_with_an_unknown_name_changes_nothing_and_says_the_choices(course, tmp_path):
    work = tmp_path / "work"
    with pytest.raises(ValueError, match="choose one of: 00, 01"):
        launch.prepare_work_copy(work, course, fresh=["09"])
    assert not work.exists()


# --- exercise notebooks: my-work/exercises/, the same rules -----------------------------------

@pytest.fixture
def exercises(course) -> Path:
    """The course's exercises/, next to its notebooks (as in the clone): one and a template."""
    folder = course.parent / "exercises"
    folder.mkdir()
    for name in ("01_second_exercises", "_template"):
        _notebook(folder / f"{name}.ipynb", f"# {name}")
    return folder


EXERCISE = "01_second_exercises.ipynb"


def test_exercises_are_copied_to_an_exercises_folder_of_the_working_copy(course, exercises,
                                                                         tmp_path):
    work = tmp_path / "work"
    report = launch.prepare_work_copy(work, course)
    assert report.copied == ["00_start_here.ipynb", "01_second.ipynb"]  # the teaching notebooks
    assert report.exercises.copied == [EXERCISE]
    assert sorted(p.name for p in (work / "exercises").iterdir()) == [EXERCISE]
    assert _read(work / "exercises" / EXERCISE) == _read(exercises / EXERCISE)
    assert "Copied 1 exercise notebook (in exercises/) from the course: 01." in \
        "\n".join(report.lines())
    (work / "exercises" / EXERCISE).unlink()  # a deleted copy comes back
    assert launch.prepare_work_copy(work, course).exercises.copied == [EXERCISE]


def test_a_course_without_exercises_makes_no_exercises_folder(course, tmp_path):
    report = launch.prepare_work_copy(tmp_path / "work", course)
    assert report.exercises is None and not (tmp_path / "work" / "exercises").exists()


def test_never_overwrites_an_exercise_the_student_changed(course, exercises, tmp_path):
    work = tmp_path / "work"
    launch.prepare_work_copy(work, course)
    _notebook(work / "exercises" / EXERCISE, "answer = 42")  # the student's answers
    _notebook(exercises / EXERCISE, "# the course, corrected")
    report = launch.prepare_work_copy(work, course)
    assert "answer = 42" in _read(work / "exercises" / EXERCISE), "the student's copy was lost"
    assert report.exercises.kept == report.exercises.newer_in_course == [EXERCISE]
    assert report.newer_in_course == []
    hint = "\n".join(report.lines("python3 dev.py start"))
    assert "newer version of exercise notebook 01" in hint
    assert "python3 dev.py start --fresh 01_second_exercises (your copy is moved" in hint


def test_an_exercise_never_changed_follows_the_course(course, exercises, tmp_path):
    work = tmp_path / "work"
    launch.prepare_work_copy(work, course)
    _notebook(exercises / EXERCISE, "# the course, corrected")
    report = launch.prepare_work_copy(work, course)
    assert report.exercises.updated == [EXERCISE] and report.updated == []
    assert "corrected" in _read(work / "exercises" / EXERCISE)


def test_fresh_by_exercise_name_moves_only_that_copy_aside(course, exercises, tmp_path):
    work = tmp_path / "work"
    launch.prepare_work_copy(work, course)
    _notebook(work / "exercises" / EXERCISE, "answer = 42")
    _notebook(work / "01_second.ipynb", "# my notes")

    report = launch.prepare_work_copy(work, course, fresh=["01_second_exercises"])
    assert _read(work / "exercises" / EXERCISE) == _read(exercises / EXERCISE)
    [(name, moved)] = report.exercises.reset
    assert name == EXERCISE and moved.parent == work / launch.REPLACED_FOLDER / "exercises"
    assert "answer = 42" in _read(moved), "--fresh must keep the student's old copy"
    assert report.reset == [] and "my notes" in _read(work / "01_second.ipynb")

    report = launch.prepare_work_copy(work, course, fresh=["01"])  # 01 is the teaching notebook
    assert [n for n, _ in report.reset] == ["01_second.ipynb"] and report.exercises.reset == []

    report = launch.prepare_work_copy(work, course, fresh=["all"])
    assert [n for n, _ in report.exercises.reset] == [EXERCISE]


@pytest.mark.parametrize(("name", "expected"), [
    ("03", "03_regimens_by_cause.ipynb"),
    ("03_regimens_by_cause", "03_regimens_by_cause.ipynb"),
    ("03_regimens_by_cause_exercises", "exercises/03_regimens_by_cause_exercises.ipynb"),
    ("03_regimens_by_cause_exercises.ipynb", "exercises/03_regimens_by_cause_exercises.ipynb"),
    ("exercises/03_regimens_by_cause_exercises", "exercises/03_regimens_by_cause_exercises.ipynb"),
    ("exercises\\03_regimens_by_cause_exercises.ipynb",
     "exercises/03_regimens_by_cause_exercises.ipynb"),
])
def test_fresh_names_stay_unambiguous_with_exercises(name, expected):
    available = ["00_start_here.ipynb", "03_regimens_by_cause.ipynb",
                 "exercises/03_regimens_by_cause_exercises.ipynb"]
    assert launch.resolve_name(name, available) == expected


def test_an_unknown_name_lists_the_numbers_and_how_to_name_an_exercise():
    available = ["00_start_here.ipynb", "exercises/03_x_exercises.ipynb"]
    with pytest.raises(ValueError, match=r"choose one of: 00 \(.*such as 03_x_exercises\)"):
        launch.resolve_name("03", available)


_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:href|src)\s*=\s*[\"']([^\"']+)")


def _relative_links(notebook: Path) -> list[str]:
    """Links in a notebook's markdown to other files (not web addresses, not #anchors)."""
    links = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            for match in _LINK.finditer(cell.source):
                target = urllib.parse.unquote(
                    (match.group(1) or match.group(2)).split("#", 1)[0].split("?", 1)[0])
                if target and ":" not in target and not target.startswith("/"):
                    links.append(target)
    return links


def _broken_links(work: Path) -> list[str]:
    broken = []
    for notebook in sorted(work.rglob("*.ipynb")):
        for target in _relative_links(notebook):
            resolved = (notebook.parent / target).resolve()
            if not resolved.exists() or work.resolve() not in resolved.parents:  # Voilà's root
                broken.append(f"{notebook.relative_to(work)} -> {target}")
    return broken


def test_links_from_teaching_notebooks_to_exercises_work_in_the_working_copy(course, exercises,
                                                                             tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        f"[Exercises](exercises/{EXERCISE}), [next](01_second.ipynb#top), "
        "[web](https://example.org)")])
    nbformat.write(notebook, course / "00_start_here.ipynb")
    work = tmp_path / "work"
    launch.prepare_work_copy(work, course)
    assert _relative_links(work / "00_start_here.ipynb") == [f"exercises/{EXERCISE}",
                                                             "01_second.ipynb"]
    assert _broken_links(work) == []
    (work / "exercises" / EXERCISE).unlink()
    assert _broken_links(work) == [f"00_start_here.ipynb -> exercises/{EXERCISE}"]


def test_the_real_course_links_stay_inside_the_working_copy(tmp_path):
    """Every link between the course's notebooks and exercises works in my-work/ (Voilà's root)."""
    work = tmp_path / "work"
    report = launch.prepare_work_copy(work)
    exercise_names = [p.name for p in launch.course_notebooks(REPO_ROOT / "exercises")]
    assert report.exercises.copied == exercise_names
    assert sorted(p.name for p in (work / "exercises").glob("*.ipynb")) == exercise_names
    assert _broken_links(work) == []


def test_the_working_copy_is_in_the_clone_and_git_ignored(monkeypatch, tmp_path):
    monkeypatch.delenv(launch.WORK_VARIABLE, raising=False)
    assert launch.default_work_dir() == REPO_ROOT / "my-work"
    ignored = _read(REPO_ROOT / ".gitignore").splitlines()
    assert "my-work/" in ignored or "/my-work/" in ignored, ".gitignore must list my-work/"
    monkeypatch.setenv(launch.WORK_VARIABLE, str(tmp_path / "elsewhere"))
    assert launch.default_work_dir() == tmp_path / "elsewhere"


def test_the_course_notebooks_are_the_ones_the_browser_check_opens():
    names = [p.name for p in launch.course_notebooks(REPO_ROOT / "notebooks")]
    assert launch.START_NOTEBOOK in names and not [n for n in names if n.startswith("_")]


# --- the command lines -----------------------------------------------------------------------

def _option(command: list[str], name: str) -> str:
    [value] = [a.split("=", 1)[1] for a in command if a.startswith(f"{name}=")]
    return value


def test_voila_command_serves_the_folder_on_localhost_with_code_hidden(tmp_path):
    command = launch.voila_command(tmp_path, 8866, "secret", python="py")
    assert command[:4] == ["py", "-m", "voila", str(tmp_path)]  # a folder: tree mode, links work
    assert "--no-browser" in command
    assert _option(command, "--Voila.ip") == "127.0.0.1"
    assert _option(command, "--port") == "8866"
    assert _option(command, "--Voila.port_retries") == "0"  # the launcher picked a free port
    assert _option(command, "--Voila.token") == "secret"
    assert _option(command, "--strip_sources") == "True"
    assert launch.start_url(8866, "secret", lab=False) == \
        "http://127.0.0.1:8866/voila/render/00_start_here.ipynb?token=secret"


def test_lab_command_uses_the_course_settings_and_the_pre_save_hook(tmp_path, monkeypatch):
    from traitlets.utils.importstring import import_item

    monkeypatch.setattr(launch, "running_as_root", lambda: False)
    command = launch.lab_command(tmp_path, 8888, "secret", python="py", extra=["--debug"])
    assert command[:3] == ["py", "-m", "jupyterlab"] and command[-1] == "--debug"
    assert _option(command, "--ServerApp.ip") == "127.0.0.1"
    assert _option(command, "--ServerApp.root_dir") == str(tmp_path)
    assert _option(command, "--IdentityProvider.token") == "secret"
    assert _option(command, "--LabApp.default_url") == "/lab/tree/00_start_here.ipynb"
    settings = Path(_option(command, "--LabApp.user_settings_dir"))
    assert settings == launch.lab_settings_dir(tmp_path) and tmp_path in settings.parents
    assert tmp_path in Path(_option(command, "--LabApp.workspaces_dir")).parents
    assert _option(command, "--LabApp.news_url") == ""  # no news feed
    assert _option(command, "--LabApp.extension_manager") == "readonly"  # no PyPI queries
    hook = _option(command, "--ContentsManager.pre_save_hook")
    assert import_item(hook) is launch.widget_outputs_to_note
    assert "--allow-root" not in command
    monkeypatch.setattr(launch, "running_as_root", lambda: True)
    assert "--allow-root" in launch.lab_command(tmp_path, 8888, "secret")
    assert launch.start_url(8888, "t", lab=True) == \
        "http://127.0.0.1:8888/lab/tree/00_start_here.ipynb?token=t"


def test_lab_settings_turn_news_and_update_checks_off_and_keep_other_choices(tmp_path):
    [path] = launch.write_lab_settings(tmp_path)
    assert path == tmp_path / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert json.loads(_read(path)) == {"fetchNews": "false", "checkForUpdates": False}
    path.write_text(json.dumps({"fetchNews": "true", "doNotDisturbMode": True}))
    launch.write_lab_settings(tmp_path)
    assert json.loads(_read(path)) == {"fetchNews": "false", "checkForUpdates": False,
                                        "doNotDisturbMode": True}
    path.write_text("{not json")
    launch.write_lab_settings(tmp_path)
    assert json.loads(_read(path))["fetchNews"] == "false"


def test_pick_port_prefers_the_fixed_port_and_falls_back_when_taken():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        port = launch.pick_port(taken, tries=3)
        assert port != taken
    assert launch.pick_port(port) == port


# --- the pre-save hook -----------------------------------------------------------------------

def _widget(model_id: str, output_type: str = "display_data") -> dict:
    output = {"output_type": output_type, "metadata": {},
              "data": {WIDGET_VIEW: {"model_id": model_id, "version_major": 2,
                                     "version_minor": 0}, "text/plain": "VBox(...)"}}
    if output_type == "execute_result":
        output["execution_count"] = 3
    return output


def _notebook_with_widgets() -> dict:
    stream = {"output_type": "stream", "name": "stdout", "text": "hello\n"}
    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Quiz"),
        nbformat.v4.new_code_cell("quiz.show()"),
        nbformat.v4.new_code_cell("explorer()"),
        nbformat.v4.new_code_cell("plot()"),
    ])
    notebook.cells[1].outputs = [stream, _widget("a"), _widget("b")]
    notebook.cells[2].outputs = [_widget("c", "execute_result")]
    notebook.cells[3].outputs = [image]
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return json.loads(json.dumps(notebook))  # a plain dict, as the server hands it over


def test_pre_save_hook_replaces_widget_views_with_one_note_per_cell():
    notebook = _notebook_with_widgets()
    untouched = copy.deepcopy(notebook)
    launch.widget_outputs_to_note(model={"type": "notebook", "content": notebook}, path="x")
    quiz, explorer, plot = (cell["outputs"] for cell in notebook["cells"][1:])
    assert quiz[0] == untouched["cells"][1]["outputs"][0]  # stdout kept
    assert len(quiz) == 2 and quiz[1]["data"] == {"text/plain": launch.WIDGET_NOTE,
                                                  "text/html": launch.WIDGET_NOTE_HTML}
    assert explorer[0]["output_type"] == "execute_result" and explorer[0]["execution_count"] == 3
    assert explorer[0]["data"]["text/plain"] == launch.WIDGET_NOTE
    assert plot == untouched["cells"][3]["outputs"]  # other outputs untouched
    assert "widgets" not in notebook["metadata"]
    assert launch.WIDGET_NOTE == ("This quiz or explorer starts when you run the cell "
                                  "(or Run All).")
    nbformat.validate(nbformat.from_dict(notebook))


def test_pre_save_hook_leaves_other_files_alone():
    model = {"type": "file", "format": "text", "content": "print('hi')"}
    launch.widget_outputs_to_note(model=copy.deepcopy(model), path="a.py")
    launch.widget_outputs_to_note(model=model, path="a.py")
    assert model == {"type": "file", "format": "text", "content": "print('hi')"}


def test_the_jupyter_server_runs_the_hook_named_on_the_command_line(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(root_dir=str(tmp_path), pre_save_hook=launch.PRE_SAVE_HOOK)
    manager.save({"type": "notebook", "content": _notebook_with_widgets()}, "quiz.ipynb")
    saved = nbformat.read(tmp_path / "quiz.ipynb", as_version=4)
    outputs = [o for cell in saved.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert sum(o.get("data", {}).get("text/plain") == launch.WIDGET_NOTE for o in outputs) == 2


# --- run() and the command line ---------------------------------------------------------------

class _FakeServer:
    """Stands in for the server process: answers at once; Ctrl+C while waiting on it."""

    def __init__(self, command, **kwargs):
        self.command, self.kwargs, self.signals = command, kwargs, []
        self.returncode = None
        _FakeServer.started.append(self)

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):
        if timeout is None:  # the launcher waiting for the student to press Ctrl+C
            raise KeyboardInterrupt
        self.returncode = 0  # the server stops within the grace time
        return 0

    def terminate(self):
        self.signals.append("TERM")

    def kill(self):
        self.signals.append("KILL")


@pytest.fixture
def fake_server(monkeypatch, course):
    _FakeServer.started = []
    monkeypatch.setattr(launch.subprocess, "Popen", _FakeServer)
    monkeypatch.setattr(launch, "wait_until_answering", lambda url, process: True)
    monkeypatch.setattr(launch, "course_notebook_dir", lambda: course)
    monkeypatch.setattr(launch, "_stop_on_termination", lambda: None)
    monkeypatch.setattr(launch, "missing_voila", lambda: False)
    return _FakeServer.started


def test_run_says_what_opened_where_and_how_to_stop(fake_server, tmp_path, capsys):
    work = tmp_path / "work"
    assert launch.run(work_dir=work, open_browser=False, port=8866) == 0
    out = capsys.readouterr().out
    [server] = fake_server
    assert server.command[1:3] == ["-m", "voila"] and server.kwargs["cwd"] == work
    assert server.kwargs["stdin"] is subprocess.DEVNULL  # Jupyter then stops on Ctrl+C at once
    assert "Ready: the course (code hidden) in your web browser" in out
    assert "Address: http://127.0.0.1:" in out and "/voila/render/00_start_here.ipynb?token=" in out
    assert "Press Ctrl+C in this window to stop the course" in out
    assert f"Stopped. Your notebooks stay in {work}." in out
    assert server.signals == [], "a server that stops on Ctrl+C is not terminated"


def test_run_lab_writes_the_course_settings(fake_server, tmp_path, capsys):
    work = tmp_path / "work"
    assert launch.run(lab=True, work_dir=work, open_browser=False) == 0
    assert fake_server[0].command[1:3] == ["-m", "jupyterlab"]
    settings = launch.lab_settings_dir(work) / "@jupyterlab/apputils-extension"
    assert json.loads(_read(settings / "notification.jupyterlab-settings"))["fetchNews"] == "false"
    assert "Ready: JupyterLab (the code view)" in capsys.readouterr().out


def test_run_without_voila_says_what_to_do(fake_server, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(launch, "missing_voila", lambda: True)
    assert launch.run(work_dir=tmp_path / "work", open_browser=False) == 2
    assert not fake_server
    assert "--lab" in capsys.readouterr().err


def test_cli_start_passes_its_options_on(monkeypatch):
    seen = {}
    monkeypatch.setattr(launch, "run", lambda **kwargs: seen.update(kwargs) or 0)
    assert cli.main(["start", "--lab", "--port", "9000", "--no-browser", "--work-dir", "w",
                     "--fresh", "03", "--fresh", "05", "--", "--ServerApp.x=1"]) == 0
    assert seen == {"lab": True, "port": 9000, "open_browser": False, "work_dir": "w",
                    "fresh": ["03", "05"], "extra": ["--ServerApp.x=1"]}


def test_cli_start_with_an_unknown_notebook_exits_2(fake_server, tmp_path, capsys):
    assert cli.main(["start", "--work-dir", str(tmp_path / "w"), "--fresh", "42"]) == 2
    assert "no course notebook called '42'" in capsys.readouterr().err


# --- dev.py: lean student install, test tools only for test and bench ---------------------------

def _load_dev():
    spec = importlib.util.spec_from_file_location("dev", REPO_ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dev(tmp_path, monkeypatch):
    dev = _load_dev()
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    monkeypatch.setattr(dev, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".venv" / "stamp")
    monkeypatch.setattr(dev, "venv_python", lambda: python)
    monkeypatch.setattr(dev, "_install_fingerprint", lambda: "abc")
    dev.installs = []
    monkeypatch.setattr(dev, "run", lambda command, **kw: dev.installs.append(command[-1]))
    return dev


@pytest.mark.parametrize(("stamp", "test_tools", "installs", "after"), [
    (None, False, "course", "abc\ncourse\n"),  # a student's first run: the course alone
    ("abc\ncourse\n", False, None, "abc\ncourse\n"),
    ("abc\ncourse\n", True, "test", "abc\ntest\n"),  # first `dev.py test` adds the tools
    ("abc\ntest\n", False, None, "abc\ntest\n"),  # test tools already there: nothing to do
    ("abc\n", True, None, "abc\n"),  # a stamp from before lean installs: it had the test tools
    ("old\ntest\n", False, "course", "abc\ncourse\n"),  # pyproject changed
])
def test_ensure_venv_installs_test_tools_only_when_asked(dev, stamp, test_tools, installs, after):
    if stamp is not None:
        dev.STAMP.write_text(stamp)
    dev.ensure_venv(test_tools=test_tools)
    wanted = {None: [], "course": [str(dev.ROOT)], "test": [f"{dev.ROOT}[test]"]}[installs]
    assert [i for i in dev.installs if i != "pip"] == wanted
    assert dev.STAMP.read_text() == after


class _FakeLauncher:
    def __init__(self, command, cwd=None, env=None):
        self.command, self.env = command, env
        _FakeLauncher.last = self

    def wait(self):
        return 0


@pytest.mark.parametrize(("argv", "expected"), [
    (["start"], ["start"]),
    (["start", "--lab"], ["start", "--lab"]),
    (["lab", "--port", "8899"], ["start", "--lab", "--port", "8899"]),
])
def test_dev_start_and_lab_run_the_launcher_without_test_tools(dev, monkeypatch, argv, expected):
    asked = []
    monkeypatch.setattr(dev, "ensure_venv", lambda test_tools=True: asked.append(test_tools)
                        or Path(sys.executable))
    monkeypatch.setattr(dev.subprocess, "Popen", _FakeLauncher)
    with pytest.raises(SystemExit) as stop:
        dev.main(argv)
    assert stop.value.code == 0 and asked == [False]
    assert _FakeLauncher.last.command[1:] == ["-m", "b12course.cli", *expected]
    assert _FakeLauncher.last.env["B12COURSE_START_COMMAND"].endswith("dev.py start")
