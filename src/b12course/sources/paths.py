"""Where the course's files live, resolved from the package, never from the working directory.

Two kinds of files:

- **Shipped data** (the cited tables and quiz banks): the repository's ``data/`` folder, which
  the package ships as ``b12course.course_data`` (pyproject.toml maps that package onto
  ``data/``). :func:`data_dir` finds it through :mod:`importlib.resources`, so it works from a
  clone (``pip install -e .``) and from a plain ``pip install`` of the wheel alike.
  ``$B12COURSE_DATA`` overrides it (tests point it at a private copy).
- **Clone-only files** (``notebooks/``, ``solutions/``, ``exercises/``, ``README.md``...): they
  are not in the wheel. :func:`repo_path` returns them when the package runs from a clone and
  raises :class:`CloneOnlyError`, saying what to do, when it runs from an installed wheel.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve()
# In a clone, src/b12course/sources/paths.py: the repository root is three folders above this
# one. In an installed wheel this is just a folder of site-packages' parents; use repo_path(),
# which checks, rather than REPO_ROOT directly, outside tests and maintainer tools.
REPO_ROOT = _HERE.parents[3]

DATA_PACKAGE = "b12course.course_data"


class CloneOnlyError(FileNotFoundError):
    """A clone-only file (notebooks/, solutions/, exercises/ ...) was asked for by an install
    that is not a clone of the course repository."""


def in_clone() -> bool:
    """True when the package runs from a clone's ``src/`` (editable install or PYTHONPATH)."""
    return (_HERE.parents[2].name == "src" and (REPO_ROOT / "pyproject.toml").is_file()
            and (REPO_ROOT / "data").is_dir())


@lru_cache(maxsize=1)
def _packaged_data() -> Path | None:
    """The shipped data folder on disk, or None if the data package cannot be found."""
    from importlib import resources  # not at import time: `import b12course` stays cheap

    try:
        root = resources.files(DATA_PACKAGE)
    except ModuleNotFoundError:  # e.g. src/ on PYTHONPATH without an install
        return None
    folder = Path(str(root))  # a real folder for a wheel or editable install (not a zip)
    return folder if (folder / "references.csv").is_file() else None


def data_dir() -> Path:
    """The folder of cited tables and quiz banks.

    ``$B12COURSE_DATA`` if set; else the data shipped with the package (``b12course.course_data``,
    which in a clone is the repository's ``data/``); else, in a clone run without an install,
    the repository's ``data/``.
    """
    override = os.environ.get("B12COURSE_DATA")
    folder = Path(override) if override else (_packaged_data() or REPO_ROOT / "data")
    if not folder.is_dir():
        raise FileNotFoundError(
            f"Course data folder not found at {folder}. "
            + ("B12COURSE_DATA points at it: unset it or point it at a copy of data/."
               if override else
               "Reinstall the course ('pip install b12course-*.whl', or 'pip install -e .' "
               "from a clone; see README), or set B12COURSE_DATA to a data folder.")
        )
    return folder


def repo_path(*parts: str) -> Path:
    """A path inside the course repository (notebooks/, solutions/, exercises/ ...).

    Clone-only: these files are not shipped in the wheel. Raises :class:`CloneOnlyError` with
    what to do when the package is installed from a wheel rather than run from a clone.
    """
    if not in_clone():
        where = "/".join(parts) or "the repository"
        raise CloneOnlyError(
            f"{where} is part of the course repository, not of the installed b12course package "
            f"(installed at {_HERE.parents[1]}). Notebooks, solutions and exercises need a "
            "clone: git clone the course, then 'pip install -e .' inside it (see README). "
            "The tables, quizzes, regimens and lab interpretation work from the wheel."
        )
    return REPO_ROOT.joinpath(*parts)
