"""Build student exercise notebooks from the solution notebooks (``solutions/`` is the source).

A solution notebook marks answers and hidden tests with nbgrader's markers. Building an exercise:

* ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` in a code cell becomes ``# YOUR ANSWER HERE``
  followed by the region's ``### STUB`` lines, which the solution author writes inside the
  region: ``### STUB dose_mcg = ...`` becomes ``dose_mcg = ...`` (indented like the marker), so
  the untouched exercise still runs. Nothing is guessed: a region without a ``### STUB`` line is
  an authoring error naming notebook and cell (``### STUB pass`` for a region whose stub is
  ``pass``). nbgrader reads the ``### STUB`` lines as comments of the model answer;
* a markdown answer cell (nbgrader ``solution: true``) gets a placeholder to replace;
* ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` regions are removed;
* outputs and execution counts are cleared; nbgrader cell metadata and cell ids are kept.

Cells are locked the way ``nbgrader generate_assignment`` locks them (``exercises.locking``).
Every cell of a solution that is neither an answer nor a test is an nbgrader read-only cell
(``locked: true``); ``build`` marks new ones in ``solutions/`` (metadata only).

The result is deterministic: rebuilding from the same solutions gives byte-identical files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from b12course.exercises.locking import (
    NBGRADER_SCHEMA,
    lock_like_nbgrader,
    mark_read_only,
    nbgrader_meta,
)
from b12course.sources.paths import repo_path

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
ANSWER_STUB = "# YOUR ANSWER HERE"
STUB = "### STUB"
MARKDOWN_PLACEHOLDER = "_YOUR ANSWER HERE: replace this line with your answer._"
SOLUTION_SUFFIX = "_exercises.ipynb"


class ExerciseError(ValueError):
    """A solution notebook that cannot be turned into an exercise (names file, cell and why)."""


@dataclass(frozen=True)
class Task:
    """One graded item of an exercise notebook, as nbgrader metadata describes it."""

    grade_id: str
    points: float
    manual: bool  # a markdown answer graded by a person, not by tests
    index: int  # position of the graded cell in the solution notebook


def solutions_dir() -> Path:
    """The repository's solution notebooks (the single source of truth)."""
    return repo_path("solutions")


def exercises_dir() -> Path:
    """The repository's generated student notebooks."""
    return repo_path("exercises")


def _prefix(path: Path) -> str:
    """``03`` for ``03_regimens_by_cause_exercises.ipynb`` (the file stem if no number)."""
    match = re.match(r"\d+", Path(path).stem)
    return match.group(0) if match else Path(path).stem


def _lines(source: str) -> list[str]:
    return source.split("\n")


def _find_region(lines: list[str], begin: str, end: str, start: int, where: str):
    """(begin_index, end_index) of the next region from ``start``, or None."""
    for i in range(start, len(lines)):
        if lines[i].strip() == begin:
            for j in range(i + 1, len(lines)):
                if lines[j].strip() == end:
                    return i, j
                if lines[j].strip() == begin:
                    break
            raise ExerciseError(f"{where}: '{begin}' has no matching '{end}'")
        if lines[i].strip() == end:
            raise ExerciseError(f"{where}: '{end}' without '{begin}' before it")
    return None


def stub_for(region: list[str], indent: str, where: str = "cell") -> list[str]:
    """The student's starting code for one solution region: its ``### STUB`` lines, unmarked.

    ``### STUB answer = ...`` gives ``answer = ...`` at the indentation of the ``### STUB``
    marker (a bare ``### STUB`` gives an empty line). A region without one is refused.
    """
    body: list[str] = []
    for line in region:
        stripped = line.lstrip()
        if stripped == STUB or stripped.startswith(STUB + " "):
            text = stripped[len(STUB) + 1:]
            body.append(line[: len(line) - len(stripped)] + text if text else "")
    if not body:
        raise ExerciseError(
            f"{where}: answer region has no '{STUB}' line; write the student's starting code "
            f"inside the region, e.g. '{indent}{STUB} answer = ...' (or '{STUB} pass')")
    return [f"{indent}{ANSWER_STUB}", *body]


def strip_regions(source: str, where: str = "cell") -> str:
    """Replace solution regions by their stubs and drop hidden-test regions in one code cell."""
    lines = _lines(source)
    found = _find_region(lines, BEGIN_HIDDEN, END_HIDDEN, 0, where)
    while found:
        first, last = found
        lines[first:last + 1] = []
        found = _find_region(lines, BEGIN_HIDDEN, END_HIDDEN, first, where)
    found = _find_region(lines, BEGIN_SOLUTION, END_SOLUTION, 0, where)
    while found:
        first, last = found
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        stub = stub_for(lines[first + 1:last], indent, where)
        lines[first:last + 1] = stub
        found = _find_region(lines, BEGIN_SOLUTION, END_SOLUTION, first + len(stub), where)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _markdown_answer(source: str, where: str) -> str:
    lines = _lines(source)
    found = _find_region(lines, BEGIN_SOLUTION, END_SOLUTION, 0, where)
    if not found:
        return MARKDOWN_PLACEHOLDER
    while found:
        first, last = found
        lines[first:last + 1] = [MARKDOWN_PLACEHOLDER]
        found = _find_region(lines, BEGIN_SOLUTION, END_SOLUTION, first + 1, where)
    return "\n".join(lines)


def make_exercise(solution, name: str = "notebook"):
    """A student copy of a solution notebook (a new NotebookNode; the input is not changed)."""
    exercise = nbformat.v4.new_notebook()
    exercise.nbformat, exercise.nbformat_minor = solution.nbformat, solution.nbformat_minor
    exercise.metadata = nbformat.from_dict({key: solution.metadata[key] for key in
                                            ("kernelspec", "language_info")
                                            if key in solution.metadata})
    for number, cell in enumerate(solution.cells, start=1):
        where = f"{name}, cell {number}"
        meta = nbgrader_meta(cell)
        new = nbformat.from_dict({"cell_type": cell.cell_type, "metadata": {},
                                  "source": cell.source})
        if "id" in cell:
            new["id"] = cell["id"]
        if meta:
            new.metadata["nbgrader"] = dict(meta)
        if cell.cell_type == "code":
            new.source = strip_regions(cell.source, where)
            new.outputs = []
            new.execution_count = None
        elif cell.cell_type == "markdown" and meta.get("solution"):
            new.source = _markdown_answer(cell.source, where)
        if meta.get("grade_id"):
            lock_like_nbgrader(new)
        exercise.cells.append(new)
    return exercise


def tasks(notebook) -> list[Task]:
    """The graded items of a solution notebook, in notebook order."""
    found = []
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            manual = cell.cell_type == "markdown" or bool(meta.get("solution"))
            found.append(Task(str(meta.get("grade_id", "")), float(meta.get("points", 0)),
                              manual, index))
    return found


def problems(notebook, name: str = "notebook") -> list[str]:
    """Authoring problems with a solution notebook; an empty list means it builds cleanly."""
    messages: list[str] = []
    seen: set[str] = set()
    for number, cell in enumerate(notebook.cells, start=1):
        meta = nbgrader_meta(cell)
        where = f"{name}, cell {number}"
        source = cell.source
        has_solution = BEGIN_SOLUTION in source
        if not meta:
            if has_solution or BEGIN_HIDDEN in source:
                messages.append(f"{where}: has answer markers but no nbgrader metadata")
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            messages.append(f"{where}: nbgrader metadata without a grade_id")
        elif grade_id in seen:
            messages.append(f"{where}: duplicate grade_id {grade_id!r}")
        seen.add(grade_id)
        if meta.get("schema_version") != NBGRADER_SCHEMA:
            messages.append(f"{where}: nbgrader schema_version must be {NBGRADER_SCHEMA}")
        if meta.get("grade") and not float(meta.get("points", 0)) > 0:
            messages.append(f"{where}: graded cell {grade_id!r} has no points")
        if cell.cell_type == "code" and meta.get("solution") and not has_solution:
            messages.append(f"{where}: answer cell {grade_id!r} has no '{BEGIN_SOLUTION}'")
        if BEGIN_HIDDEN in source and not meta.get("grade"):
            messages.append(f"{where}: hidden tests in a cell that is not graded")
        try:
            if cell.cell_type == "code":
                strip_regions(source, where)
        except ExerciseError as exc:
            messages.append(str(exc))
    if not any(t for t in tasks(notebook)):
        messages.append(f"{name}: no graded cells")
    return messages


def exercise_path_for(solution_path: Path, out_dir: Path) -> Path:
    """Where the exercise built from a solution notebook goes (same file name)."""
    return Path(out_dir) / Path(solution_path).name


def render(solution_path: Path) -> str:
    """The exercise notebook built from one solution file, as the exact text to write."""
    solution = nbformat.read(solution_path, as_version=4)
    exercise = make_exercise(solution, Path(solution_path).name)
    return nbformat.writes(exercise) + "\n"


def solution_paths(src: Path | None = None) -> list[Path]:
    """The solution notebooks, sorted (``NN_slug_exercises.ipynb``)."""
    return sorted(Path(src or solutions_dir()).glob(f"*{SOLUTION_SUFFIX}"))


def load_solutions(src: Path | None = None) -> dict[str, nbformat.NotebookNode]:
    """Every solution notebook, read, by exercise name (file stem), in file order."""
    return {path.stem: nbformat.read(path, as_version=4) for path in solution_paths(src)}


def mark_solutions_read_only(src: Path | None = None) -> list[str]:
    """Mark new plain cells of the solution notebooks read-only, in place; what was changed."""
    changed = []
    for path in solution_paths(src):
        text = path.read_text(encoding="utf-8")
        solution = nbformat.reads(text, as_version=4)
        marked = mark_read_only(solution, _prefix(path))
        if marked:
            path.write_text(nbformat.writes(solution) + "\n", encoding="utf-8")
            changed.append(f"{path.name}: {marked} cell(s) marked read-only")
    return changed


def build(src: Path | None = None, out: Path | None = None) -> list[Path]:
    """Write every exercise from its solution; returns the files written.

    New plain cells in the solutions are first marked read-only there (metadata only).
    """
    src, out = Path(src or solutions_dir()), Path(out or exercises_dir())
    out.mkdir(parents=True, exist_ok=True)
    mark_solutions_read_only(src)
    written = []
    for path in solution_paths(src):
        target = exercise_path_for(path, out)
        text = render(path)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def stale_exercises(src: Path | None = None, out: Path | None = None) -> list[str]:
    """Differences between ``exercises/`` and what ``build`` would write (empty: up to date)."""
    src, out = Path(src or solutions_dir()), Path(out or exercises_dir())
    messages: list[str] = []
    expected: set[str] = set()
    for path in solution_paths(src):
        solution = nbformat.read(path, as_version=4)
        messages.extend(problems(solution, path.name))
        plain = [n for n, c in enumerate(solution.cells, start=1) if not nbgrader_meta(c)]
        if plain:
            messages.append(f"{path.name}: cell(s) {', '.join(map(str, plain))} have no nbgrader "
                            "metadata; 'b12course exercises build' marks them read-only")
        target = exercise_path_for(path, out)
        expected.add(target.name)
        if not target.exists():
            messages.append(f"{target}: missing; run 'b12course exercises build'")
        elif target.read_text(encoding="utf-8") != render(path):
            messages.append(f"{target}: out of date with {path.name}; "
                            "run 'b12course exercises build' (never edit exercises by hand)")
    for stray in sorted(Path(out).glob(f"*{SOLUTION_SUFFIX}")) if Path(out).is_dir() else []:
        if stray.name not in expected:
            messages.append(f"{stray}: has no solution in {src}; remove it")
    return messages


def describe(paths: Iterable[Path]) -> str:
    """A one-line summary of files written, for the command line."""
    paths = list(paths)
    return f"{len(paths)} exercise notebook(s) built: " + ", ".join(p.name for p in paths)
