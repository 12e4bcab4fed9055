"""Read who handed a file in from the names Canvas and Moodle give their downloads.

Canvas "Download Submissions" (one flat folder): ``NAME[_LATE]_USERID_ATTACHMENTID_FILENAME``;
NAME is the sortable name lower-cased with all but word characters (letters in any script,
digits, ``_``) removed; a file uploaded again under a name the student already used gets
``-1``, ``-2`` ... before its extension. Moodle "Download all submissions": one folder
``Full Name_PARTICIPANTID_assignsubmission_file_`` per student (with "Download submissions in
folders" off, flat files ``Full Name_PARTICIPANTID_assignsubmission_file_FILENAME``); ``_`` in
the name becomes a space. Sources: instructors/README.md ("Submissions as Canvas and Moodle
deliver them").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CANVAS, MOODLE = "canvas", "moodle"

_CANVAS = re.compile(r"^(?:(?P<name>\w*?)_)?(?:(?P<late>late)_)?(?P<user>\d+)_"
                     r"(?P<attachment>\d+)_(?P<rest>.+)$", re.IGNORECASE)
_CANVAS_TEXT = re.compile(r"^(?P<name>\w+?)_(?:(?P<late>late)_)?(?P<user>\d+)_"
                          r"(?P<rest>text|link)\.html$", re.IGNORECASE)
_MOODLE = re.compile(r"^(?P<name>[^_/]+)_(?P<participant>\d+)_assignsubmission_"
                     r"(?P<plugin>[a-z]+)_(?P<rest>.*)$")
_ATTEMPT = re.compile(r"^(?P<stem>.*?)(?:-(?P<dash>\d{1,3})| \((?P<paren>\d{1,3})\))$")


@dataclass(frozen=True)
class LmsName:
    """What an LMS download name says: the student, their LMS id, and the original file name."""

    lms: str
    student: str
    lms_id: str
    rest: str  # the file name as the student uploaded it ("" for a Moodle student folder)
    late: bool = False
    order: int = 0  # Canvas attachment id (grows with each upload); 0 where the LMS gives none


def parse_canvas(name: str) -> LmsName | None:
    """A Canvas download file name, or None."""
    match = _CANVAS.match(name)
    if not match or not match.group("name"):
        text = _CANVAS_TEXT.match(name)  # a text entry or URL submission, not a file
        if text:
            return LmsName(CANVAS, text.group("name").lower(), text.group("user"), name,
                           bool(text.group("late")))
        return None
    return LmsName(CANVAS, match.group("name").lower(), match.group("user"),
                   match.group("rest"), bool(match.group("late")),
                   int(match.group("attachment")))


def parse_moodle(name: str) -> LmsName | None:
    """A Moodle download folder or file name, or None. Blind marking gives 'Participant N'."""
    match = _MOODLE.match(name)
    if not match:
        return None
    student = " ".join(match.group("name").split())
    participant = match.group("participant")
    if student.lower() == "participant":
        student = f"Participant {participant}"
    return LmsName(MOODLE, student, participant, match.group("rest"))


def parse(name: str) -> LmsName | None:
    """Whichever LMS named this file or folder, or None."""
    return parse_moodle(name) or parse_canvas(name)


def attempt(file_name: str) -> int:
    """The resubmission number in a file name: ``x-2.ipynb`` (Canvas) or ``x (2).ipynb`` -> 2."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    match = _ATTEMPT.match(stem)
    if not match:
        return 0
    return int(match.group("dash") or match.group("paren"))
