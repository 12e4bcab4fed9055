"""Tiny exercise notebooks and student submissions for the grader tests (fast: no imports)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

ALPHA = "01_alpha_exercises"
BETA = "02_beta_exercises"


def _meta(gid, *, grade, solution, points=None):
    meta = {"grade": grade, "grade_id": gid, "locked": not solution, "schema_version": 3,
            "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(source, meta=None):
    cell = nbformat.v4.new_code_cell(source)
    if meta:
        cell.metadata.update(meta)
    return cell


def _md(source, meta=None):
    cell = nbformat.v4.new_markdown_cell(source)
    if meta:
        cell.metadata.update(meta)
    return cell


def solution_notebook(prefix: str = "a"):
    """A solution with two auto-graded tasks (1 and 2 points) and one written answer."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        _md("# Tiny exercise"),
        _code("base = 2"),
        _code(f"### BEGIN SOLUTION\n### STUB {prefix}_one = ...\n{prefix}_one = base * 3\n"
              "### END SOLUTION",
              _meta(f"{prefix}-one-answer", grade=False, solution=True)),
        _code(f"print('self-check', {prefix}_one is not ...)\n### BEGIN HIDDEN TESTS\n"
              f"assert {prefix}_one is not ..., 'Not answered yet: fill in {prefix}_one'\n"
              f"assert {prefix}_one == base * 3, 'Not quite: multiply base by 3'\n"
              "### END HIDDEN TESTS",
              _meta(f"{prefix}-one", grade=True, solution=False, points=1)),
        _code(f"### BEGIN SOLUTION\n### STUB {prefix}_two = ...\n{prefix}_two = [base] * 2\n"
              "### END SOLUTION",
              _meta(f"{prefix}-two-answer", grade=False, solution=True)),
        _code(f"### BEGIN HIDDEN TESTS\nassert {prefix}_two == [2, 2], 'Not quite: two items'"
              "\n### END HIDDEN TESTS",
              _meta(f"{prefix}-two", grade=True, solution=False, points=2)),
        _md("Explain [KEY-1].", _meta(f"{prefix}-why", grade=True, solution=True, points=1)),
    ]
    return nb


def write_solutions(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(solution_notebook("a"), folder / f"{ALPHA}.ipynb")
    nbformat.write(solution_notebook("b"), folder / f"{BETA}.ipynb")
    return folder


def answer_cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def variant(source_nb, **answers):
    """A copy of a notebook with answer cells (by grade_id, '-' for '_') replaced."""
    nb = nbformat.from_dict(json.loads(json.dumps(source_nb)))
    for gid, source in answers.items():
        answer_cell(nb, gid.replace("_", "-")).source = source
    return nb
