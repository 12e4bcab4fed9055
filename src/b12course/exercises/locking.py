"""nbgrader's cell roles, lock flags and checksums, reimplemented so the course needs no nbgrader.

``lock_like_nbgrader`` does to a student cell what ``nbgrader generate_assignment`` does (its
``LockCells`` and ``ComputeChecksums`` steps): test and read-only cells cannot be edited or
deleted, answer cells cannot be deleted, and every nbgrader cell carries nbgrader's checksum of
its student version, so ``nbgrader validate`` notices an edited test cell.
tests/grading/test_nbgrader.py compares the result with the real nbgrader's, cell by cell.
"""

from __future__ import annotations

import hashlib

NBGRADER_SCHEMA = 3


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata ({} for ordinary cells)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_grade(cell) -> bool:
    """An nbgrader test cell or written answer that earns points."""
    return bool(nbgrader_meta(cell).get("grade"))


def is_solution(cell) -> bool:
    """An nbgrader answer cell (the student writes here)."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_locked(cell) -> bool:
    """nbgrader's rule: test cells and read-only cells are locked, answer cells never are."""
    meta = nbgrader_meta(cell)
    if not meta or is_solution(cell):
        return False
    return True if is_grade(cell) else bool(meta.get("locked"))


def checksum(cell) -> str:
    """nbgrader's checksum of a cell (``nbgrader.utils.compute_checksum``, same bytes).

    nbgrader stores it in the student copy; ``nbgrader validate`` reports a locked cell whose
    checksum changed, and an unanswered written answer (checksum unchanged) scores 0.
    """
    meta = nbgrader_meta(cell)
    digest = hashlib.md5(usedforsecurity=False)
    for part in (cell.source, cell.cell_type, str(is_grade(cell)), str(is_solution(cell)),
                 str(is_locked(cell)), meta["grade_id"]):
        digest.update(part.encode("utf-8"))
    if is_grade(cell):
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def lock_like_nbgrader(cell) -> None:
    """Lock one student cell and record its checksum as ``nbgrader generate_assignment`` does.

    Answer cells cannot be deleted; test and read-only cells cannot be edited or deleted
    (JupyterLab honours both flags); each nbgrader cell gets ``checksum`` and ``cell_type``.
    """
    if not nbgrader_meta(cell):
        return
    cell.metadata["deletable"] = False
    if not is_solution(cell) and is_locked(cell):
        cell.metadata["editable"] = False
    cell.metadata["nbgrader"]["checksum"] = checksum(cell)
    cell.metadata["nbgrader"]["cell_type"] = cell.cell_type


def read_only_meta(grade_id: str) -> dict:
    """nbgrader metadata of a read-only cell (instructions, set-up code, data shown)."""
    return {"grade": False, "grade_id": grade_id, "locked": True,
            "schema_version": NBGRADER_SCHEMA, "solution": False, "task": False}


def mark_read_only(notebook, prefix: str) -> int:
    """Mark every cell without nbgrader metadata read-only (ids ``PREFIX-read-only-CELLID``).

    Returns how many cells were marked. Used on ``solutions/`` so that nbgrader's source and
    the course's exercises lock the same cells.
    """
    marked = 0
    for number, cell in enumerate(notebook.cells, start=1):
        if not nbgrader_meta(cell):
            cell.metadata["nbgrader"] = read_only_meta(
                f"{prefix}-read-only-{cell.get('id') or number}")
            marked += 1
    return marked
