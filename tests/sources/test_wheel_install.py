"""The course installs from its wheel, outside a clone, with its data (issue 13).

The slow test builds the wheel from a copy of the sources (offline: ``--no-build-isolation``
with the venv's setuptools, which the ``test`` extra pins), installs it with ``--no-deps`` into
a fresh venv that has no access to the editable install, and from a folder outside the clone
runs a regimen, a lab interpretation and a quiz. Dependencies (pandas ...) come from this
venv's site-packages through a ``.pth`` line in the new venv: a ``.pth`` line only adds the
folder to ``sys.path`` and does not run that folder's own ``.pth`` files, so the editable
finder of ``b12course`` in this venv stays inactive there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from b12course.sources import paths
from b12course.sources.paths import REPO_ROOT, data_dir

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# Run in the fresh venv, from a folder outside the clone; prints one JSON object.
PROBE = """
import json
import b12course
from b12course.clinical import labs
from b12course.clinical.regimens import recommend
from b12course.quiz.model import load_bank
from b12course.quiz.scoring import grade
from b12course.sources import paths

bank = load_bank("03_regimens_by_cause")
q = next(q for q in bank.questions if q.type == "multiple_choice")
right = next(c.id for c in q.choices if c.correct)
wrong = next(c.id for c in q.choices if not c.correct)
try:
    paths.repo_path("notebooks")
    clone_only = "no error"
except paths.CloneOnlyError as exc:
    clone_only = str(exc)
print(json.dumps({
    "module": b12course.__file__,
    "data_dir": str(paths.data_dir()),
    "in_clone": paths.in_clone(),
    "summary": recommend("autoimmune_gastritis", True, "UK").summary(),
    "lab": str(labs.interpret_total_b12(150, "ng/L")),
    "grades": [grade(q, right).status, grade(q, wrong).status],
    "clone_only": clone_only,
}))
"""


def _run(command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                            timeout=180, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(str(c) for c in command)} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of what the sdist would hold (no build/ in the shared tree)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, tree / name)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(REPO_ROOT / "src", tree / "src", ignore=junk)
    shutil.copytree(REPO_ROOT / "data", tree / "data", ignore=junk)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--no-index", "--wheel-dir", dist, tree])
    (wheel,) = dist.glob("b12course-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
          "--no-index", wheel])
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.stdout.strip(), "_b12course_test_deps.pth").write_text(
        "\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return python


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_a_clone(tmp_path):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    shipped = {f"b12course/course_data/{p.relative_to(REPO_ROOT / 'data').as_posix()}"
               for p in (REPO_ROOT / "data").rglob("*") if p.suffix in (".csv", ".json", ".md")}
    assert shipped <= names, f"missing from the wheel: {sorted(shipped - names)}"
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "data/"))]

    python = _fresh_venv(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("B12COURSE_DATA", "PYTHONPATH", "PYTHONHOME")}
    probe = json.loads(_run([python, "-c", PROBE], cwd=elsewhere, env=env).stdout)

    venv = (tmp_path / "venv").resolve()
    module = Path(probe["module"]).resolve()
    assert module.is_relative_to(venv), f"b12course imported from {module}, not the new venv"
    assert not module.is_relative_to(REPO_ROOT)
    assert Path(probe["data_dir"]).resolve().is_relative_to(venv)
    assert probe["in_clone"] is False
    from b12course.clinical import labs
    from b12course.clinical.regimens import recommend

    # the same data gives the same answers as the clone
    assert probe["summary"] == recommend("autoimmune_gastritis", True, "UK").summary()
    assert probe["lab"] == str(labs.interpret_total_b12(150, "ng/L"))
    assert probe["grades"] == ["correct", "incorrect"]
    assert "notebooks is part of the course repository" in probe["clone_only"]
    assert "git clone" in probe["clone_only"]

    script = python.parent / ("b12course.exe" if os.name == "nt" else "b12course")
    listed = _run([script, "sources", "--status", "draft"], cwd=elsewhere, env=env)
    assert "draft" in listed.stdout
    # a clone-only command says so in one line, without a traceback
    build = subprocess.run([script, "exercises", "build", "--check"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 2, build.stdout + build.stderr
    assert "part of the course repository" in build.stderr
    assert "Traceback" not in build.stderr


def test_every_package_under_src_is_listed_in_pyproject():
    """[tool.setuptools] packages is a list (data/ is mapped in): a new sub-package must be
    added there, or the wheel silently leaves it out."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO_ROOT / "src").parts)
             for p in (REPO_ROOT / "src" / "b12course").rglob("__init__.py")}
    missing = sorted(found - listed)
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"
    mapped = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert mapped["b12course.course_data"] == "data"


def test_data_dir_is_the_shipped_data_package():
    # in a clone the shipped package is the repository's data/ (editable install)
    assert paths.in_clone()
    if "B12COURSE_DATA" not in os.environ:
        assert data_dir() == REPO_ROOT / "data"


def test_data_dir_override_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("B12COURSE_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.setenv("B12COURSE_DATA", str(tmp_path / "absent"))
    with pytest.raises(FileNotFoundError, match="B12COURSE_DATA points at it"):
        data_dir()


def test_clone_only_paths_need_a_clone(monkeypatch):
    assert paths.repo_path("notebooks") == REPO_ROOT / "notebooks"
    monkeypatch.setattr(paths, "in_clone", lambda: False)
    with pytest.raises(paths.CloneOnlyError, match="solutions is part of the course repository"):
        paths.repo_path("solutions")
