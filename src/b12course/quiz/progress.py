"""Saved quiz progress: attempts and scores per question id in a small per-user JSON file.

Location: $B12COURSE_PROGRESS if set; otherwise progress.json in the per-user data folder
(Linux: $XDG_DATA_HOME/b12course or ~/.local/share/b12course; macOS: ~/Library/Application
Support/b12course; Windows: %APPDATA%\\b12course). Nothing is written until a student presses
Check, so executing a notebook never touches the file. Writes are atomic (temp file + os.replace).
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import html
import io
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from b12course.sources.fileio import write_atomic

ENV_VAR = "B12COURSE_PROGRESS"
#: Who the learner is, for the per-learner option order: this, else the hub's user name, else the
#: login name on this computer. Only a hash of it is kept.
LEARNER_ENV_VARS = ("B12COURSE_LEARNER", "JUPYTERHUB_USER")
FORMAT = "b12course-quiz-progress"
VERSION = 1


def progress_path() -> Path:
    """Where progress is saved: $B12COURSE_PROGRESS, else the per-user data folder."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / "b12course" / "progress.json"


def learner_key() -> str:
    """A short, stable, anonymous key for this learner (the same after a restart or tomorrow)."""
    who = next((os.environ[v].strip() for v in LEARNER_ENV_VARS if os.environ.get(v, "").strip()),
               "")
    if not who:
        try:
            who = f"{getpass.getuser()}@{platform.node()}"
        except (KeyError, OSError):  # no login name (some containers): fall back to the home
            who = str(Path.home())
    return hashlib.sha256(who.encode("utf-8")).hexdigest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _empty() -> dict:
    return {"format": FORMAT, "version": VERSION, "questions": {}}


def _valid(data) -> bool:
    """True when ``data`` has the shape this module writes."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), dict):
        return False
    for record in data["questions"].values():
        if not isinstance(record, dict) or not isinstance(record.get("attempts"), int):
            return False
        if not all(isinstance(record.get(k), int | float)
                   for k in ("first_score", "best_score", "last_score")):
            return False
    return True


class QuizProgress:
    """One student's saved attempts; reading never writes, ``record`` saves atomically."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else progress_path()
        self.notice = ""
        self.corrupt = False
        self.data = self._read()

    def _read(self) -> dict:
        self.corrupt = False
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return _empty()
        except OSError as exc:
            self.notice = (f"Note: Saved quiz progress could not be read ({exc.strerror or exc}); "
                           "answers will still be checked.")
            return _empty()
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not _valid(data):
            self.corrupt = True
            where = html.escape(str(self.path))
            self.notice = (f"Note: The saved quiz progress file {where} is damaged and could not "
                           "be read. It will be kept aside (renamed to "
                           f"{html.escape(self.path.name)}.corrupt-&lt;time&gt;) and a fresh "
                           "record started when you next press Check.")
            return _empty()
        return data

    @property
    def learner(self) -> str:
        """The key that seeds this learner's option order: kept in the file once saved."""
        return self.data.get("learner") or learner_key()

    def get(self, question_id: str) -> dict | None:
        """The saved record for a question: attempts, first/best/last score, last status."""
        return self.data["questions"].get(question_id)

    def _set_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        os.replace(self.path, target)
        return target

    def record(self, result, bank: str = "") -> dict:
        """Save one attempt (a grading Result); re-reads first so other quizzes' saves are kept."""
        pending = self.corrupt  # this store saw a damaged file when it was opened
        fresh = self._read()
        if self.corrupt:
            kept = self._set_aside()
            self.notice = (f"Note: The damaged progress file was kept as {html.escape(str(kept))} "
                           f"and a fresh one started at {html.escape(str(self.path))}.")
            self.corrupt = False
            fresh = _empty()
        elif pending:  # another quiz already set the damaged file aside
            self.notice = (f"Note: The damaged progress file was set aside; progress is saved to "
                           f"{html.escape(str(self.path))} again.")
        now = _now()
        fresh.setdefault("learner", self.learner)
        old = fresh["questions"].get(result.question_id)
        score = float(result.score)
        response = getattr(result, "response", None)
        if old is None:
            record = {"bank": bank, "attempts": 1, "first_score": score, "best_score": score,
                      "last_score": score, "last_status": result.status,
                      "first_attempt": now, "last_attempt": now,
                      "first_response": response, "last_response": response}
        else:
            record = {**old, "attempts": old["attempts"] + 1,
                      "best_score": max(float(old["best_score"]), score), "last_score": score,
                      "last_status": result.status, "last_attempt": now,
                      "last_response": response}
            record["bank"] = record.get("bank") or bank
        fresh["questions"][result.question_id] = record
        self._save(fresh)
        self.data = fresh
        return record

    def _save(self, data: dict) -> None:
        """Write the whole record atomically (a crash leaves the old file or the new one)."""
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True))


_COUNTS = ("questions", "attempted", "correct", "first_try_correct")


def question_summary(records: dict, bank: str) -> list[dict]:
    """Per question of a bank, in order: its id and, counting each part of a case as a question,
    questions, attempted, correct (best score) and right first time."""
    from b12course.quiz.model import load_bank

    rows = []
    for question in load_bank(bank).questions:
        ids = [leaf.id for leaf in question.leaves()]
        mine = [records[i] for i in ids if i in records]
        rows.append({"id": question.id, "questions": len(ids), "attempted": len(mine),
                     "correct": sum(r["best_score"] >= 1 for r in mine),
                     "first_try_correct": sum(r["first_score"] >= 1 for r in mine)})
    return rows


def summary(records: dict, banks=None) -> dict:
    """Per bank: questions in the bank, attempted, correct (best), right first time."""
    from b12course.quiz.model import BankError, bank_names

    out = {}
    for name in banks or bank_names():
        try:
            rows = question_summary(records, name)
        except BankError:
            continue
        out[name] = {count: sum(row[count] for row in rows) for count in _COUNTS}
    return out


def response_text(response) -> str:
    """A saved response as one cell of text: option ids (or step numbers) joined by '; '."""
    if response is None:
        return ""
    if isinstance(response, list):
        return "; ".join(str(item) for item in response)
    return str(response)


def export_progress(dest, banks=None, source: Path | str | None = None, student: str = "") -> Path:
    """Write progress for an instructor: CSV if ``dest`` ends in .csv, else JSON. Returns dest."""
    dest = Path(dest).expanduser()
    store = QuizProgress(source)
    records = store.data["questions"]
    if banks:
        records = {k: v for k, v in records.items() if v.get("bank") in banks}
    if dest.suffix.lower() == ".csv":
        buffer = io.StringIO()
        columns = ["question_id", "bank", "attempts", "first_score", "best_score", "last_score",
                   "last_status", "first_attempt", "last_attempt", "first_response",
                   "last_response"]
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for qid in sorted(records):
            row = {"question_id": qid, **records[qid]}
            for key in ("first_response", "last_response"):
                row[key] = response_text(row.get(key))
            writer.writerow(row)
        text = buffer.getvalue()
    else:
        from b12course import __version__

        text = json.dumps({"format": FORMAT + "-export", "version": VERSION,
                           "exported": _now(), "course_version": __version__,
                           "student": student, "learner": store.learner,
                           "progress_file": str(store.path),
                           "summary": summary(records, banks), "questions": records},
                          indent=1, sort_keys=True)
    write_atomic(dest, text)
    return dest
