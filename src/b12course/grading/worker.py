"""Grade ONE submitted notebook in its own fresh kernel and temporary folder.

Run as ``python -m b12course.grading.worker JOB.json RESULT.json`` by the runner (a separate
process per submission, so a crash or a runaway notebook never takes the batch down). Student
code is executed by the Jupyter kernel only; nothing here evaluates student text.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from b12course.fast_imports import skip_iri_grammar

skip_iri_grammar()  # one fresh process per submission: skip 0.85 s of unused imports first

import nbformat  # noqa: E402

from b12course.exercises import build  # noqa: E402
from b12course.grading import assemble  # noqa: E402
from b12course.sources import references  # noqa: E402

PASS, FAIL, ERROR, TIMEOUT, DIED = "pass", "fail", "error", "timeout", "kernel-died"
OUTPUT_LIMIT, MISSING, MANUAL = "output-limit", "missing-cell", "manual"
UNANSWERED = "unanswered"
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


class OutputLimitExceeded(Exception):
    """A notebook printed more output than the grader keeps."""


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


def execute(plan: assemble.Plan, workdir: Path, timeout: float, output_limit: int):
    """Run the assembled notebook; returns (stopped_at_index or None, reason or None)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    class LimitedClient(NotebookClient):
        """A NotebookClient that stops when a notebook's outputs exceed a size limit."""

        produced = 0

        def output(self, outs, msg, display_id, cell_index):
            self.produced += len(json.dumps(msg.get("content", {}), default=str))
            if self.produced > output_limit:
                raise OutputLimitExceeded(cell_index)
            return super().output(outs, msg, display_id, cell_index)

    current = {"index": None}

    def note_cell(cell, cell_index):  # nbclient's public hook: where a stop happened
        current["index"] = cell_index

    client = LimitedClient(plan.notebook, timeout=timeout, startup_timeout=120,
                           kernel_name="python3", allow_errors=True,
                           interrupt_on_timeout=False, record_timing=False,
                           shutdown_kernel="immediate", on_cell_start=note_cell,
                           resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute(cwd=str(workdir))
    except CellTimeoutError:
        return current["index"], TIMEOUT
    except DeadKernelError:
        return current["index"], DIED
    except OutputLimitExceeded:
        return current["index"], OUTPUT_LIMIT
    except RuntimeError as exc:  # nbclient reports a vanished kernel this way too
        if "kernel" in str(exc).lower():
            return current["index"], DIED
        raise
    return None, None


def _error_of(cell) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), output.get("evalue", "")
    return None


def _stop_message(reason: str, where: str, timeout: float, limit: int) -> str:
    return {
        TIMEOUT: f"{where} ran longer than {timeout:g} s (an endless loop?); "
                 "grading stopped there",
        DIED: f"the kernel stopped during {where} (sys.exit(), exit(), os._exit() or a "
              "crash); grading stopped there",
        OUTPUT_LIMIT: f"{where} produced more than {limit / 1e6:g} MB of output; "
                      "grading stopped there",
    }[reason]


def analyse(student: str, exercise: str, solution, plan: assemble.Plan, stopped, reason,
            timeout: float, limit: int) -> list[Row]:
    """One Row per task from the executed notebook."""
    rows = []
    cells = plan.notebook.cells
    notes = []
    if plan.reordered:
        notes.append("cells were reordered; graded in the exercise's order")
    if plan.tampering:
        notes.append("the answer code seems to change the checking code: check by hand")
    if plan.unknown_ids:
        notes.append("unknown grade_id(s): " + ", ".join(sorted(plan.unknown_ids)))
    note = f" ({'; '.join(notes)})" if notes else ""
    for task in build.tasks(solution):
        gid, index = task.grade_id, plan.index_of[task.grade_id]
        answers = plan.answers_for.get(gid, [])
        missing = [a for a in answers if a in plan.missing]
        if task.manual:
            status, points, message = _manual(cells[index], missing and plan.missing[gid])
        elif missing:
            status, points = MISSING, 0.0
            message = f"'{missing[0]}': {plan.missing[missing[0]]}"
        elif stopped is not None and stopped <= index:
            status, points = reason, 0.0
            owner = plan.owner_of.get(stopped)
            where = f"your answer cell '{owner}'" if owner else f"cell {stopped + 1}"
            message = _stop_message(reason, where, timeout, limit)
            if stopped < min([plan.index_of[a] for a in answers] or [index]):
                message = "not run: " + message
        else:
            status, points, message = _auto(cells, index, plan, answers)
            if status == PASS:
                points = task.points
        rows.append(Row(student, exercise, gid, points, task.points, status,
                        clean_message(message + note), task.index, task.manual))
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


def _auto(cells, index, plan, answers) -> tuple[str, float, str]:
    for owner_index, owner in sorted(plan.owner_of.items()):
        if owner in answers and owner_index < index:
            error = _error_of(cells[owner_index])
            if error:
                return ERROR, 0.0, f"your answer cell raised {error[0]}: {error[1]}"
    error = _error_of(cells[index])
    if error is None:
        return PASS, 0.0, ""
    name, value = error
    if name == "AssertionError":
        if value.startswith("Not answered yet"):
            return UNANSWERED, 0.0, value
        return FAIL, 0.0, value or "a hidden test failed"
    return ERROR, 0.0, f"{name}: {value}"


def grade_file(student: str, path: Path, exercise: str | None, solutions: Path,
               timeout: float, output_limit: int) -> list[Row]:
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
    with tempfile.TemporaryDirectory(prefix="b12grade-run-") as workdir:
        stopped, reason = execute(plan, Path(workdir), timeout, output_limit)
    return analyse(student, exercise, solution, plan, stopped, reason, timeout, output_limit)


def main(argv: list[str]) -> int:
    """Worker entry point: read the job JSON, write the rows JSON."""
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    rows = grade_file(job["student"], Path(job["path"]), job.get("exercise"),
                      Path(job["solutions"]), float(job["timeout"]), int(job["output_limit"]))
    Path(argv[1]).write_text(json.dumps([asdict(r) for r in rows]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
