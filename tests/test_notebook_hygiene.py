"""Every course notebook is valid, saved without outputs, on one kernelspec; bad ones are named."""

import subprocess
import sys

import nbformat
import pytest

from b12course.sources import hygiene
from b12course.sources.paths import REPO_ROOT

FOLDERS = [REPO_ROOT / f for f in ("notebooks", "exercises", "solutions")]
NOTEBOOKS = hygiene.find_notebooks(FOLDERS)


def test_there_are_notebooks_in_every_course_folder():
    for folder in FOLDERS:
        assert hygiene.find_notebooks([folder]), f"no notebooks found in {folder}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_notebook_is_clean(path):
    assert hygiene.problems(path) == []


def _write(path, cells, kernel="python3"):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_outputs_are_reported_with_file_and_cell(tmp_path):
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    output = nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)
    cell.outputs = [output]
    path = _write(tmp_path / "saved.ipynb", [cell])
    messages = hygiene.problems(path)
    assert any("saved.ipynb: cell 1 was saved with outputs" in m for m in messages)
    assert any("execution count" in m for m in messages)


def test_malformed_json_is_reported(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    [message] = hygiene.problems(path)
    assert "broken.ipynb" in message and "not readable" in message


def test_invalid_nbformat_is_reported(tmp_path):
    path = tmp_path / "invalid.ipynb"
    path.write_text('{"cells": 5, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    [message] = hygiene.problems(path)
    assert "invalid.ipynb" in message and "not a valid nbformat" in message


def test_other_kernel_is_reported(tmp_path):
    path = _write(tmp_path / "r.ipynb", [nbformat.v4.new_code_cell("1")], kernel="ir")
    assert any("kernelspec is 'ir'" in m for m in hygiene.problems(path))


def test_checkpoints_are_skipped(tmp_path):
    (tmp_path / ".ipynb_checkpoints").mkdir()
    _write(tmp_path / ".ipynb_checkpoints" / "x.ipynb", [])
    _write(tmp_path / "y.ipynb", [])
    assert [p.name for p in hygiene.find_notebooks([tmp_path])] == ["y.ipynb"]


def test_cli_exit_code_names_the_file(tmp_path):
    path = tmp_path / "bad.ipynb"
    path.write_text("not json", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "b12course.cli", "check-notebooks",
                             str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "bad.ipynb" in result.stdout


def test_a_raising_notebook_fails_nbval_and_is_named(tmp_path):
    _write(tmp_path / "raises.ipynb", [nbformat.v4.new_code_cell("raise RuntimeError('boom')")])
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", str(tmp_path / "raises.ipynb")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "raises.ipynb" in result.stdout and "boom" in result.stdout
