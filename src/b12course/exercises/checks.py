"""Student self-checks and hidden tests for the exercise notebooks, by task id.

``check_answer(task_id, answer)`` returns a :class:`~b12course.exercises.compare.Report` (never
raises); ``require(task_id, answer)`` is the hidden test's strict version. Both look the task up in
``exercises.tasks.TASKS``: imports point checks -> tasks -> compare, so there is no cycle.
"""

from __future__ import annotations

from b12course.exercises.compare import _HEADLINE, INCORRECT, Report, _report
from b12course.exercises.tasks import TASKS


def check_answer(task_id: str, answer) -> Report:
    """Self-check one answer; never raises (problems become a friendly report)."""
    checker = TASKS.get(task_id)
    if checker is None:
        return Report(INCORRECT, f"unknown task {task_id!r}; ask your instructor.", task_id)
    try:
        result = checker(answer)
    except Exception as exc:  # a self-check must never crash a student's notebook
        result = _report(INCORRECT, f"could not check this answer ({type(exc).__name__}: "
                                    f"{exc}).")
    return Report(result.status, result.message, task_id)


def require(task_id: str, answer) -> Report:
    """The strict version for hidden tests: raise AssertionError unless the answer is correct."""
    result = check_answer(task_id, answer)
    if not result.correct:
        raise AssertionError(f"{_HEADLINE[result.status]}: {result.message}")
    return result
