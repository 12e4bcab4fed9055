"""Simulated (invented) students' quiz exports, for trying ``b12course progress analyse``.

Each student has an ability and each question a difficulty and a slope (a two-parameter logistic
model); a wrong answer is one of the question's real wrong options (or, for a number, a listed
common mistake or a slip), some more tempting than others. Every answer goes through the real
code path: ``grade()``, then ``QuizProgress.record()`` into a temporary progress file, then
``export_progress()``. The same seed gives the same answers; only the timestamps differ.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from b12course.quiz.model import BankError, Choice, Question, bank_names, load_bank
from b12course.quiz.progress import FORMAT, VERSION, QuizProgress, export_progress
from b12course.quiz.scoring import grade, key_response
from b12course.sources.fileio import write_atomic

#: Files --with-problems adds (besides an older copy of one student's export).
PROBLEM_FILES = ("broken-download.json", "not-an-export.json", "never-pressed-check.json")
RETIRED_ID = "03-retired-question"
SKIP_BANK, SKIP_QUESTION = 0.15, 0.05
CSV_EVERY = 10  # every tenth student hands in a .csv export


def _banks() -> list:
    """The banks that load now (a bank being edited is left out rather than failing)."""
    banks = []
    for name in bank_names():
        try:
            banks.append(load_bank(name))
        except BankError:
            continue
    return banks


def _typed(value: float, unit) -> str:
    return f"{value:g} {unit}" if unit else f"{value:g}"


def _candidates(question, rng: random.Random) -> list[tuple[object, float]]:
    """Wrong responses with how tempting each is (a few distractors draw most students)."""
    def pull(scale: float = 3.0) -> float:
        return 0.1 + scale * rng.random() ** 2

    if question.type == "multiple_choice":
        return [(c.id, pull()) for c in question.choices if not c.correct]
    if question.type == "many_choice":
        right = [c.id for c in question.choices if c.correct]
        out = [([*right, c.id], pull()) for c in question.choices if not c.correct]
        if len(right) > 1:
            out += [([r for r in right if r != c], pull(1.0)) for c in right]
        return out
    if question.type == "order":
        n = len(question.steps)
        out = []
        for k in range(n - 1):
            order = list(range(n))
            order[k], order[k + 1] = order[k + 1], order[k]
            out.append((order, pull()))
        return out + [(list(range(n))[::-1], 0.2)] if n > 2 else out
    return _numeric_candidates(question, pull)


def _numeric_candidates(question, pull) -> list[tuple[object, float]]:
    """The bank's listed wrong values (tempting), then slips: a factor of 10 or 1000."""
    out = [(_typed(a.value, a.unit), pull(4.0)) for a in question.numeric if not a.correct]
    right = next(a for a in question.numeric if a.correct)
    for factor in (1000, 0.001, 10):
        out.append((_typed(right.value * factor, right.unit), pull(0.5)))
    if right.unit is None:
        out.append((_typed(right.value + 1, None), pull(0.5)))
    return out


def _question_model(question, seed: int) -> dict:
    """Difficulty b, slope a and the graded wrong responses of one question (seeded by id)."""
    rng = random.Random(f"{seed}:{question.id}")
    b, a = rng.gauss(-0.7, 1.0), rng.uniform(0.5, 2.2)
    wrong = []
    for response, weight in _candidates(question, rng):
        result = grade(question, response)
        if result.attempted and not result.correct:
            wrong.append((response, weight))
    return {"b": b, "a": a, "wrong": wrong, "right": key_response(question)}


def _pick(rng: random.Random, wrong: list):
    return rng.choices([r for r, _ in wrong], weights=[w for _, w in wrong])[0]


def _answer(store: QuizProgress, question, model: dict, theta: float, rng) -> None:
    """One student's attempts at one question: a first try, then retries until right or given up."""
    p = 1 / (1 + math.exp(-model["a"] * (theta - model["b"])))
    right = rng.random() < p or not model["wrong"]
    store.record(grade(question, model["right"] if right else _pick(rng, model["wrong"])),
                 bank=question.bank)
    for _retry in range(3):
        if right:
            return
        roll = rng.random()
        if roll < 0.2:
            return  # gave up
        right = roll < 0.75
        store.record(grade(question, model["right"] if right else _pick(rng, model["wrong"])),
                     bank=question.bank)


def _learner(seed: int, i: int) -> str:
    return hashlib.sha256(f"b12course-sample:{seed}:{i}".encode()).hexdigest()[:16]


class _Simulated(QuizProgress):
    """A student's progress kept in memory while they answer (the real ``record`` logic) and
    written once by ``flush``: thousands of flushed saves to a real disk would take a minute."""

    def _read(self) -> dict:
        self.corrupt = False
        return self.__dict__.get("data") or super()._read()

    def _save(self, data: dict) -> None:
        self.data = data

    def flush(self) -> None:
        QuizProgress._save(self, self.data)


def _start(path: Path, learner: str) -> _Simulated:
    """An empty progress file carrying the invented learner's key (as a first save would)."""
    write_atomic(path, json.dumps({"format": FORMAT, "version": VERSION, "learner": learner,
                                   "questions": {}}))
    return _Simulated(path)


def _retired(store: QuizProgress) -> None:
    """A saved answer to a question since removed from its bank (no bank knows its id)."""
    question = Question(RETIRED_ID, "multiple_choice", "A retired question", "", "",
                        bank="03_regimens_by_cause",
                        choices=(Choice("Yes", True, "Right.", "yes"),
                                 Choice("No", False, "Wrong.", "no", "an old idea")))
    store.record(grade(question, "no"), bank=question.bank)


def _forget_answers(path: Path, bank: str) -> None:
    """Drop the saved answers of one bank, as in records saved before answers were kept."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for record in data["questions"].values():
        if record.get("bank") == bank:
            record.pop("first_response", None)
            record.pop("last_response", None)
    write_atomic(path, json.dumps(data))


def _older_copy(dest: Path, source: Path, name: str, bank: str) -> None:
    """An earlier export of the same learner (first bank only, an hour older): a duplicate."""
    export_progress(dest, banks=[bank], source=source, student=name)
    data = json.loads(dest.read_text(encoding="utf-8"))
    data["exported"] = (datetime.fromisoformat(data["exported"])
                        - timedelta(hours=1)).isoformat(timespec="seconds")
    write_atomic(dest, json.dumps(data, indent=1, sort_keys=True))


def _student(i: int, n: int, seed: int, banks, models, out: Path, tmp: Path,
             with_problems: bool) -> list[Path]:
    """Simulate one student and write their export (and, if asked, a problem of theirs)."""
    rng = random.Random(f"{seed}:student:{i}")
    theta = rng.gauss(0, 1)
    name = f"Sample Student {i + 1:02d}"
    store = _start(tmp / f"progress-{i}.json", _learner(seed, i))
    done = [b for b in banks if rng.random() >= SKIP_BANK] or banks[:1]
    for bank in done:
        for question in (leaf for q in bank.questions for leaf in q.leaves()):
            if rng.random() >= SKIP_QUESTION:
                _answer(store, question, models[question.id], theta, rng)
    made = []
    if with_problems and i == min(1, n - 1):
        _retired(store)
    store.flush()
    if with_problems and i == min(2, n - 1):
        _forget_answers(store.path, done[0].notebook)
    if with_problems and i == min(4, n - 1):
        made.append(out / f"student{i + 1:02d}-older-copy.json")
        _older_copy(made[-1], store.path, name, done[0].notebook)
    suffix = ".csv" if (i + 1) % CSV_EVERY == 0 else ".json"
    made.append(export_progress(out / f"student{i + 1:02d}{suffix}", source=store.path,
                                student=name))
    return made


def _problem_files(out: Path, tmp: Path, seed: int) -> list[Path]:
    """A download cut short, a notebook sent by mistake, an export with no answers."""
    paths = [out / name for name in PROBLEM_FILES]
    first = next(iter(sorted(out.glob("student*.json"))), None)
    text = first.read_text(encoding="utf-8") if first else '{"format": "b12course'
    write_atomic(paths[0], "\n".join(text.splitlines()[:40]))  # cut in lines: the same on any OS
    write_atomic(paths[1], json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                       "nbformat_minor": 5}))
    blank = _start(tmp / "progress-blank.json", _learner(seed, -1))
    export_progress(paths[2], source=blank.path, student="Sample Student (no answers)")
    return paths


def make_samples(out, n: int = 30, seed: int = 1, with_problems: bool = False) -> list[Path]:
    """Write ``n`` invented students' exports to ``out`` (plus problem files if asked)."""
    out = Path(out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    banks = _banks()
    if not banks:
        raise BankError(out, "no question bank could be loaded, so no answers can be simulated")
    models = {leaf.id: _question_model(leaf, seed)
              for bank in banks for q in bank.questions for leaf in q.leaves()}
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="b12course-samples-") as tmp:
        for i in range(n):
            made += _student(i, n, seed, banks, models, out, Path(tmp), with_problems)
        if with_problems:
            made += _problem_files(out, Path(tmp), seed)
    return made


def made_line(made: list[Path], shown) -> str:
    """The line the ``samples`` command prints."""
    students = [p for p in made if p.name.startswith("student") and "-older-copy" not in p.name]
    csvs = sum(p.suffix == ".csv" for p in students)
    extra = [p.name for p in made if p not in students]
    line = (f"Wrote {len(students)} invented students' exports to {shown} "
            f"({csvs} of them as .csv)")
    return line + (f", plus problem files: {', '.join(extra)}" if extra else "")
