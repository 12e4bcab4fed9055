"""Notebook 00's practice quiz, served by the quiz engine from data/quizzes/00_start_here.json."""

from __future__ import annotations

BANK = "00_start_here"


def practice_quiz(ids=None):
    """The practice quiz widget: the whole start-here bank, or the listed question ids."""
    from b12course import quiz

    return quiz.show(BANK, ids=ids)
