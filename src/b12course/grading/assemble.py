"""Build the notebook that is actually run: the instructor's cells, the student's answers.

Every cell comes from the instructor's solution notebook, in its order, except answer cells
(nbgrader ``solution: true``), which are taken from the student's notebook by ``grade_id``. So the
instructor's hidden tests are always the ones that run (the student's copy of a test cell never
counts), deleted test or instruction cells come back, and reordered cells run in the intended
order. Cells the student added (scratch work, helper code) run after the graded cell they followed.
A pasted second copy of an answer cell (same ``grade_id``) is the one that counts: the last copy
is graded, earlier copies are left out, and the Plan says how many there were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nbformat

from b12course.exercises import build


@dataclass
class Plan:
    """The notebook to execute plus what was noticed while assembling it."""

    notebook: object
    #: grade_id of every task -> grade_ids of the answer cells it depends on
    answers_for: dict[str, list[str]]
    #: grade_id -> index of that cell in ``notebook``
    index_of: dict[str, int]
    #: answer grade_ids not found in the student's notebook (deleted or renamed)
    missing: dict[str, str] = field(default_factory=dict)
    #: grade_ids in the student's notebook that the exercise does not have
    unknown_ids: list[str] = field(default_factory=list)
    reordered: bool = False
    #: the student's code seems to change the checking code (monkeypatching): flag for review
    tampering: bool = False
    #: assembled cell index -> grade_id of the answer cell it belongs to (student code)
    owner_of: dict[int, str] = field(default_factory=dict)
    #: indices of every assembled cell that holds student code (answers and added cells)
    student_cells: set[int] = field(default_factory=set)
    #: answer grade_id -> how many copies the student's notebook has (only when more than 1)
    duplicates: dict[str, int] = field(default_factory=dict)


def grade_ids(notebook) -> list[str]:
    """The grade_ids present in a notebook, in order."""
    found = []
    for cell in notebook.get("cells", []):
        meta = build.nbgrader_meta(cell) if isinstance(cell, dict) else {}
        gid = meta.get("grade_id")
        if isinstance(gid, str) and gid:
            found.append(gid)
    return found


_TAMPERING = re.compile(r"\b(checks|exercise_tasks|tasks|compare|TASKS)\s*\.\s*\w+\s*=(?!=)|"
                        r"setattr\(\s*(checks|exercise_tasks|tasks|compare)|\bTASKS\s*\[|sys\.modules")


def tampers(source: str) -> bool:
    """True if code seems to rebind the self-check machinery (read as text, never run)."""
    return bool(_TAMPERING.search(source))


def _source(cell) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    return source if isinstance(source, str) else ""


def assemble(solution, student) -> Plan:
    """Merge a solution notebook (instructor) with a student's notebook into a Plan."""
    exercise = build.make_exercise(solution)
    known = set(grade_ids(solution))
    student_cells: dict[str, dict] = {}
    extras: dict[str | None, list[str]] = {}
    order: list[str] = []
    anchor: str | None = None
    unknown: list[str] = []
    copies: dict[str, int] = {}
    for cell in student.get("cells", []):
        if not isinstance(cell, dict):
            continue
        gid = build.nbgrader_meta(cell).get("grade_id")
        if isinstance(gid, str) and gid in known:
            if gid not in student_cells:
                order.append(gid)
            copies[gid] = copies.get(gid, 0) + 1
            student_cells[gid] = cell  # the last copy wins (a pasted, corrected answer)
            anchor = gid
            continue
        if isinstance(gid, str) and gid and gid not in unknown:
            unknown.append(gid)
        if cell.get("cell_type") == "code" and _source(cell).strip():
            extras.setdefault(anchor, []).append(_source(cell))
    solution_order = [g for g in grade_ids(solution) if g in student_cells]
    plan = Plan(nbformat.v4.new_notebook(), {}, {}, unknown_ids=unknown,
                reordered=order != solution_order,
                duplicates={g: n for g, n in copies.items() if n > 1})
    plan.notebook.metadata = nbformat.from_dict(
        {"kernelspec": dict(solution.metadata.get("kernelspec", {}))})
    pending_answers: list[str] = []
    last_answers: list[str] = []
    first_answer_seen = False

    def emit(cell_type: str, source: str, owner: str | None = None,
             student_code: bool = False) -> int:
        new = (nbformat.v4.new_code_cell(source) if cell_type == "code"
               else nbformat.v4.new_markdown_cell(source))
        new.pop("id", None)
        plan.notebook.cells.append(new)
        index = len(plan.notebook.cells) - 1
        if owner:
            plan.owner_of[index] = owner
        if student_code or owner:
            plan.student_cells.add(index)
        return index

    for sol_cell, ex_cell in zip(solution.cells, exercise.cells, strict=True):
        meta = build.nbgrader_meta(sol_cell)
        gid = meta.get("grade_id")
        is_answer = bool(meta.get("solution"))
        if is_answer and not first_answer_seen:
            first_answer_seen = True
            for source in extras.get(None, []):
                plan.tampering = plan.tampering or tampers(source)
            for source in extras.pop(None, []):
                emit("code", source, owner=None, student_code=True)
        if is_answer:
            theirs = student_cells.get(gid)
            if theirs is None:
                plan.missing[gid] = ("answer cell is missing (deleted, or its grade_id was "
                                     "changed)")
                source = ex_cell.source
            elif theirs.get("cell_type") != sol_cell.cell_type:
                plan.missing[gid] = (f"answer cell was changed to a {theirs.get('cell_type')} "
                                     "cell")
                source = ex_cell.source
            else:
                source = _source(theirs)
            if sol_cell.cell_type == "code" and tampers(source):
                plan.tampering = True
            plan.index_of[gid] = emit(sol_cell.cell_type, source, owner=gid)
            if not meta.get("grade"):
                pending_answers.append(gid)
        else:
            index = emit(sol_cell.cell_type, sol_cell.source)
            if gid:
                plan.index_of[gid] = index
        if meta.get("grade"):
            if is_answer:
                plan.answers_for[gid] = [gid]
            else:  # a second test of the same answer cell depends on that cell too
                plan.answers_for[gid] = pending_answers or last_answers
                last_answers = plan.answers_for[gid]
            pending_answers = []
        if gid:
            for source in extras.get(gid, []):
                plan.tampering = plan.tampering or tampers(source)
            for source in extras.pop(gid, []):
                emit("code", source, owner=gid if is_answer else None, student_code=True)
    for sources in extras.values():  # anchors never reached (should not happen)
        for source in sources:
            emit("code", source, student_code=True)
    return plan
