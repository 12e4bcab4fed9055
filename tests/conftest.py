"""Shared test fixtures."""

import shutil

import pytest


@pytest.fixture(autouse=True)
def isolated_quiz_progress(tmp_path, monkeypatch):
    """Quiz progress goes to a temporary file: no test ever writes to the real home folder."""
    path = tmp_path / "quiz-progress" / "progress.json"
    monkeypatch.setenv("B12COURSE_PROGRESS", str(path))
    return path


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ (without the quiz banks) that B12COURSE_DATA points at, for a test
    that breaks a table on purpose (data.load caches per folder and file, so nothing leaks).
    Edit it with ``data_fixtures.set_cells`` / ``drop_column``."""
    from b12course.sources.paths import data_dir

    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder, ignore=shutil.ignore_patterns("quizzes"))
    monkeypatch.setenv("B12COURSE_DATA", str(folder))
    return folder
