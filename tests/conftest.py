"""Shared test fixtures."""

import pytest


@pytest.fixture(autouse=True)
def isolated_quiz_progress(tmp_path, monkeypatch):
    """Quiz progress goes to a temporary file: no test ever writes to the real home folder."""
    path = tmp_path / "quiz-progress" / "progress.json"
    monkeypatch.setenv("B12COURSE_PROGRESS", str(path))
    return path
