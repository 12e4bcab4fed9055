"""Student self-checks and hidden tests for the exercise notebooks, by task id.

``check_answer(task_id, answer)`` returns a :class:`~b12course.exercises.compare.Report` (never
raises); ``require(task_id, answer)`` is the hidden test's strict version. Both look the task up in
``exercises.tasks.TASKS``: imports point checks -> tasks -> compare, so there is no cycle.

Under ``nbgrader validate`` or ``nbgrader autograde`` (nbgrader sets ``NBGRADER_EXECUTION``, as its
FAQ documents), or with ``B12COURSE_STRICT_CHECKS=1``, the visible self-check is strict too: a
wrong or missing answer raises the same AssertionError as ``require``, so nbgrader's validation
fails where the student's own check shows ✗. A passing check then shows its report and returns
None, because nbgrader reads a test cell's value as partial credit. Students running the
notebook themselves never have either variable set and only ever see ✓/✗ messages.
"""

from __future__ import annotations

import os

from b12course.exercises.compare import _HEADLINE, INCORRECT, Report, _report
from b12course.exercises.tasks import TASKS

STRICT_VARIABLE = "B12COURSE_STRICT_CHECKS"
NBGRADER_VARIABLE = "NBGRADER_EXECUTION"  # "validate" or "autograde" while nbgrader runs


def strict_checks() -> bool:
    """True under nbgrader validate/autograde or with B12COURSE_STRICT_CHECKS=1."""
    return bool(os.environ.get(NBGRADER_VARIABLE)) or os.environ.get(STRICT_VARIABLE) == "1"


def _checked(task_id: str, answer) -> Report:
    """The self-check's report; never raises (problems become a friendly report)."""
    checker = TASKS.get(task_id)
    if checker is None:
        return Report(INCORRECT, f"unknown task {task_id!r}; ask your instructor.", task_id)
    try:
        result = checker(answer)
    except Exception as exc:  # a self-check must never crash a student's notebook
        result = _report(INCORRECT, f"could not check this answer ({type(exc).__name__}: "
                                    f"{exc}).")
    return Report(result.status, result.message, task_id)


def _failure(result: Report) -> AssertionError:
    return AssertionError(f"{_HEADLINE[result.status]}: {result.message}")


def check_answer(task_id: str, answer) -> Report | None:
    """Self-check one answer; never raises for a student (strict under nbgrader, see above)."""
    result = _checked(task_id, answer)
    if not strict_checks():
        return result
    if not result.correct:
        raise _failure(result)
    _show(result)
    return None


def require(task_id: str, answer) -> Report | None:
    """The strict version for hidden tests: raise AssertionError unless the answer is correct."""
    result = _checked(task_id, answer)
    if not result.correct:
        raise _failure(result)
    return None if strict_checks() else result


def _show(result: Report) -> None:
    """Display a report as output (not as the cell's value, which nbgrader reads as points)."""
    from IPython.display import display

    display(result)
