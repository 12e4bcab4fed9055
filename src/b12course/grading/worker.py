"""Grade ONE submitted notebook in its own fresh kernel and temporary folder.

Run as ``python -m b12course.grading.worker JOB.json RESULT.json`` by the runner (a separate
process per submission, so a crash or a runaway notebook never takes the batch down). Student
code is executed by the Jupyter kernel only (``kernel_run``: limits per cell, restarts); nothing
here evaluates student text. Each task is graded on what its own cells did: the instructor's test
decides (a stray error after a right answer still passes, with a note); a loop, a dead kernel or
a ``MemoryError`` in the task's answer cells is the task's status when the test did not pass, and
later tasks are graded all the same; helpers changed by student code make it ``tampered``.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from b12course.fast_imports import skip_iri_grammar

skip_iri_grammar()  # one fresh process per submission: skip 0.85 s of unused imports first

import nbformat  # noqa: E402

from b12course.exercises import build  # noqa: E402
from b12course.grading import assemble  # noqa: E402
from b12course.sources import references  # noqa: E402

PASS, FAIL, ERROR, TIMEOUT, DIED = "pass", "fail", "error", "timeout", "kernel-died"
MISSING, MANUAL = "missing-cell", "manual"
UNANSWERED = "unanswered"
#: new in per-task isolation: a MemoryError in student code; checking helpers changed by it
MEMORY, TAMPERED = "memory-limit", "tampered"
DEFAULT_MEMORY_BYTES = 2 * 2 ** 30
NOT_RUN = "not-run"  # kernel_run.NOT_RUN: a cell that never ran (the kernel kept dying)
WRONG_NOTEBOOK, UNREADABLE, NOT_NOTEBOOK = "wrong-notebook", "unreadable", "not-a-notebook"
NOT_EXERCISE, EMPTY, CRASHED = "unknown-notebook", "empty-folder", "grader-error"
MESSAGE_LIMIT = 300


@dataclass
class Row:
    """One gradebook line: one student x one task (or one problem with a submission)."""

    student: str
    notebook: str
    grade_id: str
    points: float
    max_points: float
    status: str
    message: str
    order: int = 0  # the task's position in the exercise (for sorting; not written)
    manual: bool = False  # a written answer graded by hand (kept out of item analysis)
    file: str = ""  # the submitted file as the instructor knows it (set by the runner)


def clean_message(text: str) -> str:
    """One short, deterministic line: no ANSI colours, memory addresses or temp paths."""
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", str(text))
    text = re.sub(r"0x[0-9a-fA-F]{6,}", "0x…", text)
    text = re.sub(r"\(\d+\.py, line (\d+)\)", r"(line \1)", text)  # IPython's cell file names
    text = re.sub(r"/tmp/[\w./-]*|[A-Z]:\\[\w.\\-]*", "<tmp>", text)
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def solution_specs(solutions: Path) -> dict[str, object]:
    """Every solution notebook by exercise name (file stem)."""
    return build.load_solutions(solutions)


def rows_for_all(student: str, exercise: str, solution, status: str, message: str) -> list[Row]:
    """The same outcome for every task of an exercise (e.g. corrupt JSON)."""
    return [Row(student, exercise, t.grade_id, 0.0, t.points, status, clean_message(message),
                t.index, t.manual) for t in build.tasks(solution)]


def read_notebook(path: Path):
    """(notebook dict, None) or (None, reason) for a submitted file; never raises."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"could not read the file ({type(exc).__name__})"
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, "not a text file; save the notebook as .ipynb from Jupyter"
    except json.JSONDecodeError as exc:
        return None, f"corrupt notebook JSON (line {exc.lineno}, column {exc.colno}): " \
                     "re-download or re-save it from Jupyter"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "JSON but not a Jupyter notebook (no list of cells)"
    try:
        notebook = nbformat.from_dict(data)
        if notebook.get("nbformat", 4) < 4:
            notebook = nbformat.convert(notebook, 4)
    except Exception as exc:  # nbformat raises several kinds on odd input
        return None, f"not a readable notebook ({type(exc).__name__})"
    return notebook, None


def identify(notebook, specs: dict[str, object]) -> str | None:
    """The exercise whose grade_ids the notebook carries most of (None if none)."""
    have = set(assemble.grade_ids(notebook))
    best, best_n = None, 0
    for name, solution in sorted(specs.items()):
        n = len(have & set(assemble.grade_ids(solution)))
        if n > best_n:
            best, best_n = name, n
    return best


def _test_names(plan: assemble.Plan, tests: set[int]) -> list[str]:
    """Identifiers the instructor's test cells use (which helpers to watch for tampering)."""
    names: set[str] = set()
    for index in tests:
        names.update(re.findall(r"[A-Za-z_]\w*", plan.notebook.cells[index].source))
    return sorted(names)


def _task_of_cell(plan: assemble.Plan, solution) -> list[str]:
    """For each assembled cell, the grade_id of the task it leads to (for the progress line)."""
    ends = sorted((plan.index_of[t.grade_id], t.grade_id) for t in build.tasks(solution))
    labels, position = [], 0
    for index in range(len(plan.notebook.cells)):
        while position < len(ends) and ends[position][0] < index:
            position += 1
        labels.append(ends[position][1] if position < len(ends) else "the last cells")
    return labels


def execute(plan: assemble.Plan, solution, workdir: Path, limits, progress_file=None):
    """Run the assembled notebook with per-cell limits; {cell index: CellOutcome}."""
    from b12course.grading import kernel_run

    tests = {plan.index_of[t.grade_id] for t in build.tasks(solution) if not t.manual}
    cells = kernel_run.Cells(student=set(plan.student_cells), tests=tests,
                             test_names=_test_names(plan, tests))
    progress = None
    if progress_file:
        labels = _task_of_cell(plan, solution)

        def progress(index: int) -> None:  # read by the runner's progress line
            text = json.dumps({"task": labels[index], "since": time.time()})
            with contextlib.suppress(OSError):
                Path(progress_file).write_text(text, encoding="utf-8")
    return kernel_run.run(plan.notebook, cells, workdir, limits, progress)


def _limit_text(limits) -> dict[str, str]:
    return {"timeout": f"{limits.timeout:g} s", "output": f"{limits.output_limit / 1e6:g} MB",
            "memory": f"{limits.memory_bytes / 2 ** 30:g} GiB" if limits.memory_bytes else
            "the machine's free memory"}


def _student_trouble(outcomes, indices, plan, limits) -> tuple[str, str] | None:
    """(status, message) for the first thing that went wrong in the task's student cells."""
    text = _limit_text(limits)
    for index in indices:
        outcome = outcomes[index]
        name = f"your answer cell '{plan.owner_of[index]}'"
        if outcome.event == DIED:
            return DIED, (f"{name} stopped the Python kernel (os._exit(), a crash, or more "
                          f"memory than the {text['memory']} allowed)")
        if outcome.event == TIMEOUT:
            return TIMEOUT, f"{name} ran longer than {text['timeout']} (an endless loop?) " \
                            "and was stopped"
        if outcome.error:
            ename, evalue = outcome.error
            if ename == "MemoryError":
                return MEMORY, f"{name} needed more memory than the {text['memory']} the " \
                               "grader allows (MemoryError)"
            return ERROR, f"your answer cell raised {ename}: {evalue}"
    return None


def _test_result(outcome, text) -> tuple[str, str]:
    if outcome.event == DIED:
        return DIED, "the Python kernel stopped while this task's test ran (a crash?)"
    if outcome.event == TIMEOUT:
        return TIMEOUT, f"this task's test ran longer than {text['timeout']} with your answer " \
                        "and was stopped"
    if outcome.event == NOT_RUN or not outcome.ran:
        return DIED, "not run: the kernel stopped too many times; the rest was not graded"
    if outcome.error is None:
        return PASS, ""
    name, value = outcome.error
    if name == "AssertionError":
        if value.startswith("Not answered yet"):
            return UNANSWERED, value
        return FAIL, value or "a hidden test failed"
    return ERROR, f"{name}: {value}"


def _grade_task(task, plan, outcomes, limits) -> tuple[str, float, str, list[str]]:
    """(status, points, message, notes) for one auto-graded task."""
    index = plan.index_of[task.grade_id]
    answers = plan.answers_for.get(task.grade_id, [])
    mine = [i for i, owner in sorted(plan.owner_of.items()) if owner in answers and i < index]
    text = _limit_text(limits)
    notes = []
    for gid in answers:
        if gid in plan.duplicates:
            notes.append(f"answer cell '{gid}' appears {plan.duplicates[gid]} times; the last "
                         "copy was graded")
    if any(outcomes[i].truncated for i in [*mine, index]):
        notes.append(f"output over {text['output']} was cut off")
    trouble = _student_trouble(outcomes, mine, plan, limits)
    if outcomes[index].ran and outcomes[index].restarts and not trouble:
        notes.append("graded in a restarted kernel (the cells before it were run again)")
    status, message = _test_result(outcomes[index], text)
    if trouble and trouble[0] == DIED:
        killer = next(i for i in mine if outcomes[i].event == DIED)
        later = [o for i, o in outcomes.items() if i > killer and (o.ran or o.event)]
        if any(o.restarts > outcomes[killer].restarts for o in later):
            trouble = (DIED, trouble[1] + "; the kernel was restarted for the next tasks")
        elif any(o.event == NOT_RUN for o in later):
            trouble = (DIED, trouble[1] + "; it could not be restarted, so the rest was "
                                          "not graded")
        return DIED, 0.0, trouble[1], notes
    points = task.points if status == PASS else 0.0
    if outcomes[index].tampered:
        verdict = "passed" if status == PASS else f"did not pass ({message or status})"
        return TAMPERED, points, (
            f"student code changed the checking code before this test "
            f"({outcomes[index].tampered}); the instructor's code was put back and the test "
            f"then {verdict}: check by hand"), notes
    if status == PASS and trouble:
        notes.insert(0, f"{trouble[1]}, but the answer it had stored passed the test")
        return PASS, points, "", notes
    if trouble and status != PASS:
        return trouble[0], 0.0, trouble[1], notes
    return status, points, message, notes


def analyse(student: str, exercise: str, solution, plan: assemble.Plan, outcomes,
            limits) -> list[Row]:
    """One Row per task from what happened to each cell."""
    rows = []
    cells = plan.notebook.cells
    shared = []
    if plan.reordered:
        shared.append("cells were reordered; graded in the exercise's order")
    if plan.tampering:
        shared.append("the answer code seems to change the checking code: check by hand")
    if plan.unknown_ids:
        shared.append("unknown grade_id(s): " + ", ".join(sorted(plan.unknown_ids)))
    for task in build.tasks(solution):
        gid, index = task.grade_id, plan.index_of[task.grade_id]
        answers = plan.answers_for.get(gid, [])
        missing = [a for a in answers if a in plan.missing]
        notes: list[str] = []
        if task.manual:
            status, points, message = _manual(cells[index], missing and plan.missing[gid])
        elif missing:
            status, points = MISSING, 0.0
            message = f"'{missing[0]}': {plan.missing[missing[0]]}"
        else:
            status, points, message, notes = _grade_task(task, plan, outcomes, limits)
        notes += shared
        note = f" ({'; '.join(notes)})" if notes else ""
        message = (message + note).strip() if message else "; ".join(notes)
        rows.append(Row(student, exercise, gid, points, task.points, status,
                        clean_message(message), task.index, task.manual))
    return rows


def _manual(cell, missing_reason) -> tuple[str, float, str]:
    if missing_reason:
        return MISSING, 0.0, missing_reason
    text = cell.source.strip()
    if not text or text == build.MARKDOWN_PLACEHOLDER:
        return MANUAL, 0.0, "not answered"
    cited = sorted(references.cited_in_text(text))
    words = len(text.split())
    cites = f"; cites {', '.join(cited)}" if cited else "; cites no source key"
    return MANUAL, 0.0, f"answered ({words} words{cites}); grade by hand"


def grade_file(student: str, path: Path, exercise: str | None, solutions: Path,
               limits, progress_file: str | None = None) -> list[Row]:
    """Grade one submitted file; every outcome, however broken the file, is a list of Rows."""
    specs = solution_specs(solutions)
    label = exercise or path.name
    notebook, problem = read_notebook(path)
    if problem:
        if exercise in specs:
            return rows_for_all(student, exercise, specs[exercise], UNREADABLE, problem)
        return [Row(student, label, "", 0.0, 0.0, UNREADABLE, clean_message(problem))]
    found = identify(notebook, specs)
    if exercise is None:
        if found is None:
            return [Row(student, label, "", 0.0, 0.0, NOT_EXERCISE,
                        "not one of the course's exercise notebooks (no known grade_ids)")]
        exercise = found
    elif found is not None and found != exercise and \
            not set(assemble.grade_ids(notebook)) & set(assemble.grade_ids(specs[exercise])):
        return rows_for_all(student, exercise, specs[exercise], WRONG_NOTEBOOK,
                            f"this file holds the tasks of {found}, not {exercise}")
    solution = specs[exercise]
    plan = assemble.assemble(solution, notebook)
    with tempfile.TemporaryDirectory(prefix="b12grade-run-") as tmp:
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        outcomes = execute(plan, solution, workdir, limits, progress_file)
    return analyse(student, exercise, solution, plan, outcomes, limits)


def limits_from(job: dict):
    """The kernel limits a job asks for."""
    from b12course.grading.kernel_run import Limits

    return Limits(timeout=float(job["timeout"]), output_limit=int(job["output_limit"]),
                  memory_bytes=int(job.get("memory_limit", DEFAULT_MEMORY_BYTES)),
                  network=job.get("network", "soft"))


def main(argv: list[str]) -> int:
    """Worker entry point: read the job JSON, write the rows JSON."""
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    rows = grade_file(job["student"], Path(job["path"]), job.get("exercise"),
                      Path(job["solutions"]), limits_from(job), job.get("progress"))
    Path(argv[1]).write_text(json.dumps([asdict(r) for r in rows]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
