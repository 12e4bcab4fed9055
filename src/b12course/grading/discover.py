"""Which submitted file belongs to which student (and to which exercise).

The rules (also in instructors/README.md):

* a ``.zip`` is unpacked safely into a temporary folder and read like a folder (a single top
  folder is entered); unsafe entries (absolute paths, ``..``) are refused and named;
* a FOLDER whose entries carry Canvas or Moodle download names is an LMS download: each file
  (Canvas, Moodle flat) or folder (Moodle) names its student and the LMS's id for them;
* a FOLDER that holds student sub-folders (with notebooks, or nothing but sub-folders) is a
  class: each sub-folder is one student; any other FOLDER is one student (its name);
* a FILE named ``STUDENT__NN_slug_exercises.ipynb`` belongs to STUDENT (double underscore);
* beside students (class or LMS folder), an exercise notebook with no student in its name is
  the handout when its answer cells are untouched (skipped, with the reason); otherwise it
  belongs to the folder it sits in, with a warning;
* the exercise is read from the file name (``NN_slug_exercises`` anywhere in it); failing that,
  from the notebook's grade_ids (by the worker);
* one file per student and exercise is graded, the latest: the LMS's resubmission number
  (``-2``, `` (2)``), then Canvas's upload order, then the file time; the others are listed;
* an empty student folder and a file that is not ``.ipynb`` each get a gradebook row.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from b12course.exercises import build
from b12course.grading import archive, lms

SEPARATOR = "__"
_HIDDEN = (".", "~", "__pycache__")
_EXERCISE = re.compile(r"(\d\d_[a-z0-9_]+?_exercises)")


@dataclass(frozen=True)
class Submission:
    """One thing to grade: a student's file, or a problem found before grading."""

    student: str
    path: Path | None
    exercise: str | None  # exercise named by the file name, if any
    problem: str | None = None  # "empty-folder" / "not-a-notebook" / "not-found"
    display: str = ""  # the file as the instructor knows it (the gradebook's file column)
    lms: str = ""  # "canvas" / "moodle" when the name came from an LMS download
    lms_id: str = ""  # Canvas user id / Moodle participant id
    late: bool = False
    order: int = 0  # Canvas attachment id
    uploaded: str = ""  # the file name as the student uploaded it

    @property
    def label(self) -> str:
        return self.exercise or (self.path.name if self.path else "")


@dataclass(frozen=True)
class Note:
    """Something the instructor should know about the mapping (a summary row and a line)."""

    section: str  # "warning" / "skipped" / "resubmission" / "late"
    name: str
    notebook: str
    detail: str


@dataclass
class Discovery:
    """Submissions to grade, notes about the mapping, and the temporary unzip folders."""

    submissions: list[Submission]
    notes: list[Note]
    keep: list = field(default_factory=list)  # TemporaryDirectory objects: alive while used

    def identities(self) -> dict[str, tuple[str, str]]:
        """Student -> (lms, lms id), for students whose files came from an LMS download."""
        return {s.student: (s.lms, s.lms_id) for s in self.submissions if s.lms_id}

    def summary_rows(self) -> list[list[str]]:
        """Rows for the summary CSV (section, name, notebook, value, max_value, detail)."""
        return [[n.section, n.name, n.notebook, "", "", n.detail] for n in self.notes]

    def summary_csv(self, width: int = 6) -> str:
        """The same rows as CSV text, padded to ``width`` columns, without a header (appended
        to the summary file)."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            row + [""] * (width - len(row)) for row in self.summary_rows())
        return buffer.getvalue()

    def text(self) -> str:
        """What to print: warnings first and loudly, then resubmissions, late and skipped."""
        lines = []
        warnings = [n for n in self.notes if n.section == "warning"]
        if warnings:
            lines.append(f"WARNING: {len(warnings)} problem(s) mapping files to students; "
                         "check these by hand:")
            lines.extend(f"  ! {n.detail}" for n in warnings)
        for section, title in (("resubmission", "Resubmissions"), ("late", "Late"),
                               ("skipped", "Skipped, not graded")):
            mine = [n for n in self.notes if n.section == section]
            if mine:
                lines.append(f"{title}:")
                lines.extend(f"  {n.detail}" for n in mine)
        return "\n".join(lines)


def _visible(path: Path) -> bool:
    return not path.name.startswith(_HIDDEN) and path.name not in (".ipynb_checkpoints",
                                                                   "__MACOSX")


def exercise_from_name(name: str, known: set[str]) -> str | None:
    """The exercise a file name refers to, if it names a known one."""
    for match in _EXERCISE.finditer(name.lower()):
        candidate = match.group(1)
        for exercise in sorted(known):
            if candidate.endswith(exercise):
                return exercise
    return None


def handout_stubs(specs: dict) -> dict[str, dict[str, str]]:
    """Exercise -> {answer grade_id: the handout's stub text}, to recognise an untouched copy."""
    stubs = {}
    for name, solution in specs.items():
        exercise = build.make_exercise(solution, name)
        stubs[name] = {build.nbgrader_meta(c)["grade_id"]: c.source.strip()
                       for c in exercise.cells
                       if build.nbgrader_meta(c).get("solution")
                       and build.nbgrader_meta(c).get("grade_id")}
    return stubs


def is_untouched(path: Path, stubs: dict[str, str]) -> bool:
    """True if every answer cell of the notebook still holds the handout's stub."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8-sig")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return False
    seen = 0
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if gid in stubs:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            if source.strip() != stubs[gid]:
                return False
            seen += 1
    return seen > 0


class _Walker:
    """Collects submissions and notes while reading the given paths."""

    def __init__(self, known: set[str], stubs: dict[str, dict[str, str]]):
        self.known, self.stubs = known, stubs
        self.found: list[Submission] = []
        self.notes: list[Note] = []
        self.keep: list = []

    def warn(self, name: str, detail: str, notebook: str = "") -> None:
        self.notes.append(Note("warning", name, notebook, detail))

    def argument(self, path: Path) -> None:
        if path.is_file() and path.suffix.lower() == ".zip":
            self.unzip(path)
        elif path.is_file():
            named = lms.parse(path.name)
            if named and named.rest:
                self.file(named.student, path, path.name, named)
            else:
                self.file(path.resolve().parent.name, path, path.name)
        elif path.is_dir():
            named = lms.parse(path.name)
            if named and not named.rest:  # one Moodle student folder given on its own
                self.student_folder(named.student, path, path.name, named)
            else:
                self.folder(path, path.name)
        else:
            self.found.append(Submission(path.name, None, None, "not-found", str(path)))

    def unzip(self, path: Path) -> None:
        holder = tempfile.TemporaryDirectory(prefix="b12unzip-")
        self.keep.append(holder)
        dest = Path(holder.name)
        top, problems = archive.extract(path, dest)
        for problem in problems:
            self.warn(path.name, problem)
        if top is None:
            self.notes.append(Note("skipped", path.name, "", f"{path.name}: {problems[0]}"))
            return
        inside = top.relative_to(dest).as_posix()
        self.folder(top, path.name + ("/" + inside if inside != "." else ""))

    def folder(self, folder: Path, shown: str) -> None:
        entries = sorted(p for p in folder.iterdir() if _visible(p))
        named = {p: lms.parse(p.name) for p in entries}
        if any(named.values()):
            self.lms_folder(folder, shown, entries, named)
            return
        folders = [p for p in entries if p.is_dir()]
        files = [p for p in entries if p.is_file()]
        notebooks = [p for p in files if p.suffix.lower() == ".ipynb"]
        if folders and (not notebooks or any(_holds_notebook(p) for p in folders)):
            for sub in folders:  # a class: one sub-folder per student
                self.student_folder(sub.name, sub, f"{shown}/{sub.name}")
            for stray in files:
                self.loose(folder.name, stray, f"{shown}/{stray.name}", "class folder")
        else:
            self.student_folder(folder.name, folder, shown)

    def lms_folder(self, folder: Path, shown: str, entries, named) -> None:
        kinds = sorted({n.lms for n in named.values() if n})
        where = f"{'/'.join(k.capitalize() for k in kinds)} download"
        for entry in entries:
            name, display = named[entry], f"{shown}/{entry.name}"
            if name and entry.is_dir() and not name.rest:
                self.student_folder(name.student, entry, display, name)
            elif name and entry.is_file() and name.rest:
                self.file(name.student, entry, display, name)
            elif entry.is_dir():
                self.warn(entry.name, f"{display}: a folder in a {where} whose name is not "
                          f"an LMS name; graded as student '{entry.name}'")
                self.student_folder(entry.name, entry, display)
            else:
                self.loose(folder.name, entry, display, where)

    def loose(self, owner: str, path: Path, display: str, where: str) -> None:
        """A file beside student folders or files: a student's, the handout, or a stray."""
        if SEPARATOR in path.name:
            self.file(owner, path, display)
            return
        exercise = exercise_from_name(path.name, self.known)
        notebook = path.suffix.lower() == ".ipynb"
        if notebook and exercise and path.name.lower().startswith(exercise) and \
                exercise in self.stubs and is_untouched(path, self.stubs[exercise]):
            self.notes.append(Note("skipped", display, exercise,
                                   f"{display}: the handout (an untouched copy of "
                                   f"{exercise}), not a student's work"))
            return
        if notebook:
            self.warn(owner, f"{display}: a notebook in a {where} with no student in its "
                      f"name; graded as student '{owner}' (rename it STUDENT__{path.name} "
                      "if it is a student's)", exercise or "")
        self.file(owner, path, display)

    def student_folder(self, student: str, folder: Path, shown: str,
                       named: lms.LmsName | None = None) -> None:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and
                       all(_visible(Path(x)) for x in p.relative_to(folder).parts))
        if not files:
            self.found.append(_with_lms(Submission(student, None, None, "empty-folder",
                                                   shown + "/"), named))
            return
        for path in files:
            self.file(student, path, f"{shown}/{path.relative_to(folder).as_posix()}",
                      named, own_folder=True)

    def file(self, student: str, path: Path, display: str, named: lms.LmsName | None = None,
             own_folder: bool = False) -> None:
        uploaded = named.rest if named and named.rest and not own_folder else path.name
        if named is None and SEPARATOR in path.name:
            student = path.name.split(SEPARATOR, 1)[0] or student
        exercise = exercise_from_name(uploaded, self.known)
        problem = None if path.suffix.lower() == ".ipynb" else "not-a-notebook"
        sub = Submission(student, path, exercise, problem, display, uploaded=uploaded)
        self.found.append(_with_lms(sub, named))


def _with_lms(sub: Submission, named: lms.LmsName | None) -> Submission:
    if named is None:
        return sub
    return replace(sub, lms=named.lms, lms_id=named.lms_id, late=named.late, order=named.order)


def _holds_notebook(folder: Path) -> bool:
    return any(p.suffix.lower() == ".ipynb" for p in folder.rglob("*") if p.is_file())


def _distinct_students(found: list[Submission], notes: list[Note]) -> list[Submission]:
    """Two LMS ids under one name become two students ('name (id)'), with a warning."""
    ids_by_name: dict[str, set[tuple[str, str]]] = defaultdict(set)
    names_by_id: dict[tuple[str, str], set[str]] = defaultdict(set)
    for sub in found:
        if sub.lms_id:
            ids_by_name[sub.student].add((sub.lms, sub.lms_id))
            names_by_id[(sub.lms, sub.lms_id)].add(sub.student)
    out = []
    for sub in found:
        if sub.lms_id and len(ids_by_name[sub.student]) > 1:
            sub = replace(sub, student=f"{sub.student} ({sub.lms_id})")
        elif sub.lms_id and len(names_by_id[(sub.lms, sub.lms_id)]) > 1:
            sub = replace(sub, student=sorted(names_by_id[(sub.lms, sub.lms_id)])[0])
        out.append(sub)
    for name, ids in sorted(ids_by_name.items()):
        if len(ids) > 1:
            shown = ", ".join(f"{kind} id {i}" for kind, i in sorted(ids))
            notes.append(Note("warning", name, "", f"two different students could be meant by "
                              f"'{name}' ({shown}): graded apart as "
                              + ", ".join(f"'{name} ({i})'" for _, i in sorted(ids))))
    for (kind, i), names in sorted(names_by_id.items()):
        if len(names) > 1:
            notes.append(Note("warning", sorted(names)[0], "",
                              f"{kind} id {i} appears under {len(names)} names ("
                              f"{', '.join(sorted(names))}): graded as one student"))
    return out


def _newest_first(subs: list[Submission]) -> list[Submission]:
    def key(s: Submission):
        mtime = s.path.stat().st_mtime_ns if s.path else 0
        return (lms.attempt(s.uploaded), s.order, mtime, s.display)
    return sorted(subs, key=key, reverse=True)


def _why(chosen: Submission, other: Submission) -> str | None:
    """What ordered chosen after other, or None when only the name did."""
    if lms.attempt(chosen.uploaded) != lms.attempt(other.uploaded):
        return "resubmission number in the file name"
    if chosen.order != other.order:
        return "Canvas upload order"
    if chosen.path.stat().st_mtime_ns != other.path.stat().st_mtime_ns:
        return "newer file time"
    return None


def _latest_only(found: list[Submission], notes: list[Note]) -> list[Submission]:
    """One file per student and exercise: the latest; the others noted (or warned)."""
    groups: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    rest = []
    for sub in found:
        if sub.exercise and not sub.problem and sub.path is not None:
            groups[(sub.student, sub.exercise)].append(sub)
        else:
            rest.append(sub)
    for (student, exercise), subs in sorted(groups.items()):
        ranked = _newest_first(subs)
        chosen, ignored = ranked[0], ranked[1:]
        rest.append(chosen)
        if not ignored:
            continue
        why = _why(chosen, ignored[0])
        others = "; ".join(s.display for s in ignored)
        if why is None:
            notes.append(Note("warning", student, exercise,
                              f"{student}: {len(subs)} files for {exercise} with nothing to "
                              f"order them by; graded {chosen.display} (last by name), "
                              f"ignored {others}"))
        else:
            notes.append(Note("resubmission", student, exercise,
                              f"used {student}'s resubmission {chosen.display}; ignored "
                              f"{others} (by {why})"))
    for sub in rest:
        if sub.late:
            notes.append(Note("late", sub.student, sub.exercise or "",
                              f"{sub.student}: {sub.display} is marked LATE by Canvas"))
    return rest


def discover_all(paths: list[Path], specs: dict | None = None,
                 known: set[str] | None = None) -> Discovery:
    """Everything under the given paths: submissions (sorted) and notes on the mapping.

    ``specs`` (exercise -> solution notebook) lets an untouched handout be recognised;
    ``known`` (exercise names) is enough for everything else.
    """
    known = set(specs) if specs else set(known or ())
    walker = _Walker(known, handout_stubs(specs) if specs else {})
    for path in map(Path, paths):
        walker.argument(path)
    notes = walker.notes
    found = _latest_only(_distinct_students(walker.found, notes), notes)
    found.sort(key=lambda s: (s.student, s.display, str(s.path.name if s.path else "")))
    order = {"warning": 0, "resubmission": 1, "late": 2, "skipped": 3}
    notes.sort(key=lambda n: (order.get(n.section, 9), n.name, n.notebook, n.detail))
    return Discovery(found, notes, walker.keep)


def discover(paths: list[Path], known: set[str]) -> list[Submission]:
    """All submissions under the given paths, sorted by student then file name."""
    return discover_all(paths, known=known).submissions
