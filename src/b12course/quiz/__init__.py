"""Quizzes: question banks in data/quizzes/*.json, pure grading, widgets, saved progress.

A notebook shows a bank with ``quiz.show("03_regimens_by_cause")`` (or ``ids=[...]`` for a short
check); instructors add questions by editing the JSON bank, not code (see data/README.md).
"""

from __future__ import annotations

from b12course.quiz.model import Bank, BankError, Question, bank_names, load_all, load_bank
from b12course.quiz.scoring import Result, grade


def show(name: str, ids=None, reveal=None):
    """A widget for a whole bank, or for the listed question ids in that order; ``reveal``
    (e.g. a case's worked plan) appears only after every question has been attempted."""
    from b12course.quiz.widgets import quiz

    return quiz(name, ids=ids, reveal=reveal)


def export_progress(path, banks=None, student: str = ""):
    """Write saved quiz progress (attempts, scores per question) to a file for an instructor."""
    from b12course.quiz.progress import export_progress as _export

    return _export(path, banks=banks, student=student)


__all__ = ["Bank", "BankError", "Question", "Result", "bank_names", "export_progress", "grade",
           "load_all", "load_bank", "show"]
