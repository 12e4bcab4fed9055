"""`b12course hub-link`: the one link a class gets, and nbgitpuller's promise behind it.

The link must reach nbgitpuller intact (every parameter encoded) and open the start page in
student mode. A later click must update the course without losing the student's own work: the
merge-rule tests run nbgitpuller's own ``GitPuller`` (the code behind ``/git-pull``) against a
local "course repository" made from real course notebooks, with a student editing one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest

from b12course import cli
from b12course.hub import HubLinkError, hub_link, start_page
from b12course.sources.paths import REPO_ROOT

# --- the link ----------------------------------------------------------------------------------


def _query(link: str) -> dict[str, str]:
    values = parse_qs(urlsplit(link).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in values.values()), values
    return {k: v[0] for k, v in values.items()}


def test_link_goes_through_the_hub_to_nbgitpuller_and_opens_the_start_page_code_hidden():
    link = hub_link("https://hub.example.edu", "https://git.example.edu/b12/course.git")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.edu")
    assert parts.path == "/hub/user-redirect/git-pull"
    assert _query(link) == {
        "repo": "https://git.example.edu/b12/course.git", "branch": "main",
        "targetpath": "b12course",
        "urlpath": "voila/render/b12course/notebooks/00_start_here.ipynb",
    }


def test_awkward_characters_survive_the_round_trip():
    repo = "https://git.example.edu/b12 course.git?ref=x&y=1#frag"
    link = hub_link("https://hub.example.edu/", repo, branch="spring/2027 cohort",
                    targetpath="B12 course", urlpath="lab/tree/a b/c&d.ipynb")
    assert " " not in link and "#" not in link and link.count("?") == 1
    assert "//hub/" not in link  # the hub's trailing slash is not doubled
    assert _query(link) == {"repo": repo, "branch": "spring/2027 cohort",
                            "targetpath": "B12 course", "urlpath": "lab/tree/a b/c&d.ipynb"}


def test_a_hub_under_a_path_keeps_its_prefix():
    link = hub_link("http://uni.example.edu/jupyter", "/srv/course")
    assert link.startswith("http://uni.example.edu/jupyter/hub/user-redirect/git-pull?")
    assert _query(link)["repo"] == "/srv/course"  # a local path is a valid nbgitpuller repo


def test_target_folder_decides_the_start_page_and_lab_opens_the_code_view():
    assert _query(hub_link("https://h.example", "r", targetpath="/b12-2027/"))["urlpath"] == (
        "voila/render/b12-2027/notebooks/00_start_here.ipynb")
    assert start_page("b12course", lab=True) == "lab/tree/b12course/notebooks/00_start_here.ipynb"
    assert (REPO_ROOT / "notebooks" / "00_start_here.ipynb").is_file()  # the page exists


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://", " "])
def test_a_hub_address_without_http_is_refused_with_an_example(hub):
    with pytest.raises(HubLinkError, match="http:// or https://"):
        hub_link(hub, "https://git.example.edu/course.git")


def test_cli_prints_the_link_and_refuses_bad_input_without_a_traceback(capsys):
    assert cli.main(["hub-link", "--hub", "https://hub.example.edu", "--repo", "https://g/c.git",
                     "--branch", "dev", "--lab"]) == 0
    out = capsys.readouterr().out.strip()
    assert _query(out)["branch"] == "dev"
    assert _query(out)["urlpath"] == "lab/tree/b12course/notebooks/00_start_here.ipynb"
    assert cli.main(["hub-link", "--hub", "hub.example.edu", "--repo", "https://g/c.git"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert "b12course hub-link: the hub address must start with http:// or https://" in (
        captured.err)


def test_cli_uses_the_clones_git_origin_when_no_repo_is_given(monkeypatch, capsys):
    from b12course import hub

    monkeypatch.setattr(hub, "clone_origin", lambda _folder: "https://git.example.edu/c.git")
    assert cli.main(["hub-link", "--hub", "https://hub.example.edu"]) == 0
    assert _query(capsys.readouterr().out.strip())["repo"] == "https://git.example.edu/c.git"
    monkeypatch.setattr(hub, "clone_origin", lambda _folder: None)
    assert cli.main(["hub-link", "--hub", "https://hub.example.edu"]) == 2
    assert "give the course repository's address with --repo URL" in capsys.readouterr().err


def test_clone_origin_reads_the_remote_of_a_git_folder(tmp_path):
    from b12course.hub import clone_origin

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    assert clone_origin(tmp_path) is None  # not a clone
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "remote", "add", "origin", "https://git.example.edu/b12.git")
    assert clone_origin(tmp_path) == "https://git.example.edu/b12.git"


# --- nbgitpuller's merge rules on real course notebooks -----------------------------------------

EXERCISE_A = "exercises/03_regimens_by_cause_exercises.ipynb"
EXERCISE_B = "exercises/04_im_technique_exercises.ipynb"
STUDENT_ANSWER = "dose_mg = 1  # my answer"


@pytest.fixture(autouse=True)
def quiet_git(monkeypatch, tmp_path):
    """Commits need a name; no user or system git configuration leaks in."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Course maintainer")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "maintainer@example.edu")


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                          text=True).stdout


def _commit(upstream: Path, message: str) -> None:
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-q", "-m", message)


@pytest.fixture
def upstream(tmp_path) -> Path:
    """A course repository with two real exercise notebooks on branch main."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: nbgitpuller needs it")
    repo = tmp_path / "course-repo"
    for name in (EXERCISE_A, EXERCISE_B):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / name, repo / name)
    _git(repo, "init", "-q", "-b", "main")
    _commit(repo, "course v1")
    return repo


def _pull(upstream: Path, home: Path) -> Path:
    """What one click on the link does in the student's home: clone, or update keeping edits."""
    gitpuller = pytest.importorskip("nbgitpuller.pull", reason="nbgitpuller is not installed "
                                    "(pip install -e '.[test]')")
    target = home / "b12course"
    for _line in gitpuller.GitPuller(str(upstream), str(target), branch="main").pull():
        pass  # the event stream a browser would show
    return target


def _first_code_cell(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    return next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")


def _set_cell(path: Path, index: int, source: str) -> None:
    """Save a cell the way JupyterLab does (nbformat, indent 1)."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[index].source = source
    nbformat.write(notebook, path)


def _cell(path: Path, index: int) -> str:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)  # still a notebook JupyterLab opens
    return notebook.cells[index].source


def test_first_click_clones_the_course_into_the_target_folder(upstream, tmp_path):
    course = _pull(upstream, tmp_path / "home")
    assert (course / EXERCISE_A).read_bytes() == (upstream / EXERCISE_A).read_bytes()


def test_student_edit_and_course_update_in_other_notebooks_both_survive(upstream, tmp_path):
    course = _pull(upstream, tmp_path / "home")
    answer_cell = _first_code_cell(course / EXERCISE_A)
    _set_cell(course / EXERCISE_A, answer_cell, STUDENT_ANSWER)
    _set_cell(upstream / EXERCISE_B, 0, "# Updated introduction from the course team")
    _commit(upstream, "course v2: notebook B")

    _pull(upstream, tmp_path / "home")

    assert _cell(course / EXERCISE_A, answer_cell) == STUDENT_ANSWER
    assert _cell(course / EXERCISE_B, 0) == "# Updated introduction from the course team"


def test_same_cell_edited_on_both_sides_keeps_the_students_version(upstream, tmp_path):
    course = _pull(upstream, tmp_path / "home")
    answer_cell = _first_code_cell(course / EXERCISE_A)
    _set_cell(course / EXERCISE_A, answer_cell, STUDENT_ANSWER)
    _set_cell(upstream / EXERCISE_A, answer_cell, "dose_mg = None  # course's new starter")
    _set_cell(upstream / EXERCISE_A, 0, "# Exercises 03 (revised title)")  # another cell
    _commit(upstream, "course v2: same cell and another")

    _pull(upstream, tmp_path / "home")

    assert _cell(course / EXERCISE_A, answer_cell) == STUDENT_ANSWER  # silently theirs
    assert _cell(course / EXERCISE_A, 0) == "# Exercises 03 (revised title)"  # ours arrives too


def test_course_deleting_files_deletes_nothing_of_the_students(upstream, tmp_path):
    course = _pull(upstream, tmp_path / "home")
    answer_cell = _first_code_cell(course / EXERCISE_A)
    _set_cell(course / EXERCISE_A, answer_cell, STUDENT_ANSWER)
    notes = course / "exercises" / "my_notes.md"
    notes.write_text("ask about cyanocobalamin vs hydroxocobalamin\n", encoding="utf-8")
    (upstream / EXERCISE_A).unlink()  # the course retires the notebook the student worked in
    (upstream / EXERCISE_B).unlink()  # and one the student never touched
    _commit(upstream, "course v2: notebooks retired")

    _pull(upstream, tmp_path / "home")

    assert _cell(course / EXERCISE_A, answer_cell) == STUDENT_ANSWER
    assert notes.read_text(encoding="utf-8").startswith("ask about")
    assert not (course / EXERCISE_B).exists()  # untouched: it simply goes, as upstream


def test_a_notebook_the_student_deleted_comes_back_on_the_next_click(upstream, tmp_path):
    course = _pull(upstream, tmp_path / "home")
    (course / EXERCISE_B).unlink()
    _pull(upstream, tmp_path / "home")
    assert (course / EXERCISE_B).read_bytes() == (upstream / EXERCISE_B).read_bytes()


def test_students_own_file_clashing_with_a_new_course_file_is_renamed_not_lost(upstream,
                                                                             tmp_path):
    course = _pull(upstream, tmp_path / "home")
    clash = course / "exercises" / "08_extra_exercises.ipynb"
    shutil.copyfile(course / EXERCISE_B, clash)
    _set_cell(clash, 0, "# my own practice notebook")
    shutil.copyfile(REPO_ROOT / "exercises" / "05_monitoring_and_response_exercises.ipynb",
                    upstream / "exercises" / "08_extra_exercises.ipynb")
    _commit(upstream, "course v2: new exercise notebook")

    _pull(upstream, tmp_path / "home")

    assert clash.read_bytes() == (upstream / "exercises" / clash.name).read_bytes()
    renamed = sorted(clash.parent.glob("08_extra_exercises__*.ipynb"))
    assert len(renamed) == 1, sorted(p.name for p in clash.parent.iterdir())
    assert _cell(renamed[0], 0) == "# my own practice notebook"
