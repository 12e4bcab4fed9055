"""Which submitted file belongs to which student (and to which exercise).

The rules (also in instructors/README.md):

* a FOLDER that holds a notebook (or nothing but files) is one student; its name is the student;
* a FOLDER that holds sub-folders and no notebook is a class: each sub-folder is one student
  (loose files beside them, such as a platform's index, get a row of their own);
* a FILE named ``STUDENT__NN_slug_exercises.ipynb`` belongs to STUDENT (double underscore);
  any other file belongs to the folder it sits in;
* the exercise is read from the file name (``NN_slug_exercises`` anywhere in it, so
  ``03_regimens_by_cause_exercises (1).ipynb`` works); failing that, from the notebook's grade_ids;
* an empty student folder and a file that is not ``.ipynb`` each get a gradebook row with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEPARATOR = "__"
_HIDDEN = (".", "~", "__pycache__")
_EXERCISE = re.compile(r"(\d\d_[a-z0-9_]+?_exercises)")


@dataclass(frozen=True)
class Submission:
    """One thing to grade: a student's file, or a problem found before grading."""

    student: str
    path: Path | None
    exercise: str | None  # exercise named by the file name, if any
    problem: str | None = None  # "empty-folder" / "not-a-notebook"

    @property
    def label(self) -> str:
        return self.exercise or (self.path.name if self.path else "")


def _visible(path: Path) -> bool:
    return not path.name.startswith(_HIDDEN) and path.name != ".ipynb_checkpoints"


def exercise_from_name(name: str, known: set[str]) -> str | None:
    """The exercise a file name refers to, if it names a known one."""
    for match in _EXERCISE.finditer(name.lower()):
        candidate = match.group(1)
        for exercise in sorted(known):
            if candidate.endswith(exercise):
                return exercise
    return None


def _file(student: str, path: Path, known: set[str]) -> Submission:
    if SEPARATOR in path.name:
        student = path.name.split(SEPARATOR, 1)[0] or student
    exercise = exercise_from_name(path.name, known)
    if path.suffix.lower() != ".ipynb":
        return Submission(student, path, exercise, "not-a-notebook")
    return Submission(student, path, exercise)


def _student_folder(folder: Path, known: set[str]) -> list[Submission]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and
                   all(_visible(part) for part in
                       (Path(x) for x in p.relative_to(folder).parts)))
    if not files:
        return [Submission(folder.name, None, None, "empty-folder")]
    return [_file(folder.name, path, known) for path in files]


def discover(paths: list[Path], known: set[str]) -> list[Submission]:
    """All submissions under the given paths, sorted by student then file name."""
    found: list[Submission] = []
    for path in map(Path, paths):
        if path.is_file():
            found.append(_file(path.resolve().parent.name, path, known))
        elif path.is_dir():
            entries = [p for p in path.iterdir() if _visible(p)]
            folders = sorted(p for p in entries if p.is_dir())
            notebooks = [p for p in entries if p.is_file() and p.suffix.lower() == ".ipynb"]
            if folders and not notebooks:  # a class: one sub-folder per student
                for sub in folders:
                    found.extend(_student_folder(sub, known))
                for stray in sorted(p for p in entries if p.is_file()):
                    found.append(_file(path.name, stray, known))
            else:
                found.extend(_student_folder(path, known))
        else:
            found.append(Submission(path.name, None, None, "not-found"))
    return sorted(found, key=lambda s: (s.student, str(s.path.name if s.path else "")))
