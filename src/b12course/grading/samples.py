"""Generated (fake) student submissions, for the benchmark, the instructor guide and tests.

Every student is invented. Kinds: ``correct`` (the solution), ``untouched`` (the exercise as
handed out), ``partly-wrong`` (first answer replaced by 0), and hostile ones: ``endless-loop``,
``exception``, ``os-exit``, ``corrupt-json``, ``wrong-notebook``, ``not-a-notebook``, ``empty``.
``TRICKY`` kinds (not in the default class) are the cases where a grade could contradict the
student's own self-check: ``stray-error`` (right answer, then an error in the same cell),
``duplicate-answer`` (a wrong first copy of an answer cell, the right one pasted after it),
``tamper`` (a wrong answer that rebinds ``checks.require``), ``exit-call`` (right answer, then
``exit()``) and ``memory-hog`` (``[0] * 10**10``).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from b12course.exercises import build

HONEST = ("correct", "untouched", "partly-wrong")
HOSTILE = ("endless-loop", "exception", "os-exit", "corrupt-json", "wrong-notebook",
           "not-a-notebook", "empty")
TRICKY = ("stray-error", "duplicate-answer", "tamper", "exit-call", "memory-hog")


def _answer_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and build.nbgrader_meta(c).get(
        "solution")]


def _replace_first_answer(nb, source: str):
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    _answer_cells(copy)[0].source = source
    return copy


def _first_answer_with(solution, extra: str):
    copy = nbformat.from_dict(json.loads(json.dumps(solution)))
    cell = _answer_cells(copy)[0]
    cell.source = cell.source + "\n" + extra
    return copy


def _wrong_first_answer(solution, exercise):
    stub = _answer_cells(exercise)[0].source
    return stub.replace("= ...", "= 0")


def _tricky(kind: str, solution, exercise):
    if kind == "stray-error":
        return _first_answer_with(solution, "1 / 0  # a stray line left in by mistake")
    if kind == "exit-call":
        return _first_answer_with(solution, "exit()")
    if kind == "memory-hog":
        return _replace_first_answer(solution, "hog = [0] * 10**10")
    if kind == "tamper":
        return _replace_first_answer(solution, _wrong_first_answer(solution, exercise)
                                     + "\nchecks.require = lambda *args, **kwargs: None")
    if kind == "duplicate-answer":
        copy = nbformat.from_dict(json.loads(json.dumps(solution)))
        right = _answer_cells(copy)[0]
        wrong = nbformat.from_dict(json.loads(json.dumps(right)))
        wrong.source = _wrong_first_answer(solution, exercise)
        if "id" in right:
            wrong["id"] = f"{right['id']}-pasted"[:64]
        copy.cells.insert(copy.cells.index(right), wrong)
        return copy
    return None


def submission(kind: str, solution, other_solution=None):
    """The notebook (or raw text, or None) a student of this kind hands in."""
    exercise = build.make_exercise(solution)
    if kind == "correct":
        return solution
    if kind == "untouched":
        return exercise
    if kind == "partly-wrong":
        stub = _answer_cells(exercise)[0].source
        return _replace_first_answer(solution, stub.replace("= ...", "= 0"))
    if kind == "endless-loop":
        return _replace_first_answer(solution, "while True:\n    pass")
    if kind == "exception":
        return _replace_first_answer(solution, "answer = 1 / 0")
    if kind == "os-exit":
        return _replace_first_answer(solution, "import os\nos._exit(1)")
    if kind == "corrupt-json":
        return '{"cells": [{"cell_type": "code", "source": "x = 1"'
    if kind == "wrong-notebook":
        return other_solution if other_solution is not None else solution
    if kind in ("not-a-notebook", "empty"):
        return None
    if kind in TRICKY:
        return _tricky(kind, solution, exercise)
    raise ValueError(f"unknown sample kind {kind!r}; kinds: "
                     f"{', '.join(HONEST + HOSTILE + TRICKY)}")


def make_class(folder: Path, solutions_dir: Path | None = None, *, n: int = 12,
               kinds: tuple[str, ...] = HONEST + HOSTILE) -> list[Path]:
    """Write n student folders (student01, ...) cycling through the kinds and build."""
    folder = Path(folder)
    specs = build.load_solutions(solutions_dir)
    if not specs:
        raise ValueError("no solution notebooks to make submissions from")
    names, solutions = [f"{stem}.ipynb" for stem in specs], list(specs.values())
    made = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        which = (i // len(kinds)) % len(names)
        student = folder / f"student{i + 1:02d}-{kind}"
        student.mkdir(parents=True, exist_ok=True)
        target = student / names[which]
        content = submission(kind, solutions[which], solutions[(which + 1) % len(names)])
        if kind == "not-a-notebook":
            target = student / "my_answers.docx"
            target.write_bytes(b"PK\x03\x04 not a notebook")
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        elif content is not None:
            nbformat.write(content, target)
        made.append(student)
    return made
