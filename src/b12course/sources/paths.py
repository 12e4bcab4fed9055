"""Where the course's files live, resolved from the package, never from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

# src/b12course/sources/paths.py -> the repository root is three folders above this one.
REPO_ROOT = Path(__file__).resolve().parents[3]


def data_dir() -> Path:
    """The folder of cited tables: $B12COURSE_DATA if set, else the repository's ``data/``."""
    override = os.environ.get("B12COURSE_DATA")
    folder = Path(override) if override else REPO_ROOT / "data"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"Course data folder not found at {folder}. Install the course from a clone with "
            "'pip install -e .' (see README), or set B12COURSE_DATA to the data folder."
        )
    return folder


def repo_path(*parts: str) -> Path:
    """A path inside the course repository (notebooks/, solutions/, exercises/ ...)."""
    return REPO_ROOT.joinpath(*parts)
