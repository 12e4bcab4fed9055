"""environment.yml (conda, Binder) and pyproject.toml (pip) ask for the same runtime packages."""

import re
import tomllib

import yaml

from b12course.sources.paths import REPO_ROOT

NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    name, spec = NAME.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _conda() -> dict:
    return yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))


def test_runtime_packages_agree():
    pip_side = dict(_split(r) for r in _pyproject()["project"]["dependencies"])
    conda_entries = [d for d in _conda()["dependencies"] if isinstance(d, str)]
    conda_side = dict(_split(d) for d in conda_entries)
    conda_side.pop("python"), conda_side.pop("pip")
    assert conda_side == pip_side, (
        "environment.yml and pyproject.toml disagree: "
        f"only in environment.yml {sorted(set(conda_side.items()) - set(pip_side.items()))}, "
        f"only in pyproject.toml {sorted(set(pip_side.items()) - set(conda_side.items()))}"
    )


def test_conda_env_installs_the_course_itself():
    pip_section = next(d["pip"] for d in _conda()["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_python_floors_agree():
    assert _pyproject()["project"]["requires-python"] == ">=3.11"
    assert "python>=3.11" in _conda()["dependencies"]


def test_key_dependencies_are_bounded():
    pip_side = dict(_split(r) for r in _pyproject()["project"]["dependencies"])
    assert pip_side["ipywidgets"] == ">=8,<9"
    assert pip_side["jupyterlab"] == ">=4,<5"
    for name, spec in pip_side.items():
        assert "<" in spec, f"{name} has no upper bound"
    test_extra = {_split(r)[0] for r in _pyproject()["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "nbval", "pytest-xdist", "nbstripout", "ruff", "hypothesis"} <= test_extra
