"""Quiz questions as data: load a bank from data/quizzes/*.json and validate it strictly."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from b12course.sources.paths import REPO_ROOT, data_dir

TYPES = ("multiple_choice", "many_choice", "numeric", "order", "case")
COMMON_FIELDS = ("id", "type", "question", "source", "explanation")
TYPE_FIELDS = {
    "multiple_choice": ("answers",),
    "many_choice": ("answers",),
    "numeric": ("answers",),
    "order": ("steps",),
    "case": ("stem", "parts"),
}
CHOICE_FIELDS = ("id", "answer", "correct", "feedback", "misconception", "last")
NUMERIC_FIELDS = ("value", "unit", "tolerance", "correct", "feedback")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_OPTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
#: Options that only make sense after the others ("None of the above") must be marked "last".
_PINNED_WORDS = re.compile(r"\b(?:none|all|both|neither) of the (?:above|options|others)\b",
                           re.IGNORECASE)


class BankError(ValueError):
    """A malformed question bank; the message names the file and, when known, the question id."""

    def __init__(self, path: Path | str, problem: str, question_id: str | None = None):
        self.path = Path(path)
        self.question_id = question_id
        self.problem = problem
        where = _display(self.path)
        if question_id is not None:
            where += f", question {question_id!r}"
        super().__init__(f"{where}: {problem}")


def _display(path: Path) -> str:
    """A repository-relative path when possible (data/quizzes/x.json), else the full path."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Choice:
    """One option of a multiple_choice or many_choice question.

    ``id`` is stable (grading and saved progress use it, never the position on screen);
    ``misconception`` names the mistaken idea a wrong option stands for; ``last`` keeps an
    option such as "None of the above" at the end when the options are shuffled.
    """

    answer: str
    correct: bool
    feedback: str
    id: str = ""
    misconception: str = ""
    last: bool = False


@dataclass(frozen=True)
class NumericAnswer:
    """One expected value of a numeric question (correct, or a common wrong value)."""

    value: float
    unit: str | None
    tolerance: float
    correct: bool
    feedback: str

    def matches(self, value: float) -> bool:
        """True when ``value`` (already in this answer's unit) is within the tolerance."""
        slack = 1e-9 * max(1.0, abs(self.value))  # float noise from unit conversion only
        return abs(value - self.value) <= self.tolerance + slack


@dataclass(frozen=True)
class Question:
    """One question of any type; only the fields of its own type are filled."""

    id: str
    type: str
    question: str
    source: str
    explanation: str
    bank: str = ""
    choices: tuple[Choice, ...] = ()
    numeric: tuple[NumericAnswer, ...] = ()
    steps: tuple[str, ...] = ()
    stem: str = ""
    parts: tuple[Question, ...] = ()

    @property
    def source_keys(self) -> list[str]:
        """The source keys as a list ('A; B' -> ['A', 'B'])."""
        from b12course.sources.references import split_keys

        return split_keys(self.source)

    @property
    def unit(self) -> str | None:
        """The unit of the correct numeric answer (None for a plain number or non-numeric)."""
        correct = [a for a in self.numeric if a.correct]
        return correct[0].unit if correct else None

    def leaves(self) -> list[Question]:
        """The gradable questions: a case's parts, or the question itself."""
        return list(self.parts) if self.type == "case" else [self]

    def choice(self, option_id: str) -> Choice:
        """An option by its stable id; KeyError names the question and the known ids."""
        for c in self.choices:
            if c.id == option_id:
                return c
        raise KeyError(f"Question {self.id!r} has no option {option_id!r}; "
                       f"options: {', '.join(c.id for c in self.choices)}")


@dataclass(frozen=True)
class Bank:
    """A validated question bank for one notebook."""

    notebook: str
    title: str
    questions: tuple[Question, ...]
    path: Path = field(compare=False)

    def question_ids(self) -> list[str]:
        """Every id in the bank, case parts included."""
        ids = []
        for q in self.questions:
            ids.append(q.id)
            ids.extend(p.id for p in q.parts)
        return ids

    def get(self, question_id: str) -> Question:
        """A question (or case part) by id; KeyError names the bank and the id."""
        for q in self.questions:
            if q.id == question_id:
                return q
            for p in q.parts:
                if p.id == question_id:
                    return p
        raise KeyError(f"No question {question_id!r} in bank {self.notebook!r}; "
                       f"ids: {', '.join(self.question_ids())}")

    def select(self, ids=None) -> list[Question]:
        """The listed questions in the order given (all top-level questions when ids is None)."""
        if ids is None:
            return list(self.questions)
        if isinstance(ids, str):
            ids = [ids]
        return [self.get(i) for i in ids]


def quizzes_dir() -> Path:
    """The folder of question banks: data/quizzes/."""
    return data_dir() / "quizzes"


def bank_names(folder: Path | None = None) -> list[str]:
    """Names of all banks (file stems), sorted."""
    folder = Path(folder) if folder else quizzes_dir()
    return sorted(p.stem for p in folder.glob("*.json"))


def _bank_path(name, folder: Path | None) -> Path:
    if isinstance(name, Path) or str(name).endswith(".json"):
        return Path(name)
    folder = Path(folder) if folder else quizzes_dir()
    path = folder / f"{name}.json"
    if not path.is_file():
        known = ", ".join(bank_names(folder)) or "none"
        raise BankError(path, f"no question bank named {name!r}. Banks available: {known}.")
    return path


def _read_json(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BankError(path, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankError(path, f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                              f"column {exc.colno}") from None


class _Checker:
    """Validates one bank file, raising BankError with file and question id."""

    def __init__(self, path: Path, notebook: str):
        self.path = path
        self.notebook = notebook
        self.prefix = notebook.split("_", 1)[0] + "-"
        self.seen: set[str] = set()

    def fail(self, problem: str, qid: str | None = None):
        raise BankError(self.path, problem, qid)

    def text(self, item: dict, key: str, qid: str | None, where: str = "") -> str:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}field {key!r} must be non-empty text (got {value!r})", qid)
        return value.strip()

    def fields(self, item: dict, allowed, qid: str | None, where: str = "") -> None:
        unknown = [k for k in item if k not in allowed and not str(k).startswith("_")]
        if unknown:
            self.fail(f"{where}unknown field(s) {', '.join(map(repr, unknown))}; allowed: "
                      f"{', '.join(allowed)} (fields starting with '_' are comments)", qid)

    def question(self, item, index: int, in_case: bool = False) -> Question:
        label = f"#{index + 1}"
        if not isinstance(item, dict):
            self.fail(f"question {label} must be a JSON object, got {type(item).__name__}")
        qid = item.get("id")
        if not isinstance(qid, str) or not _ID.match(qid):
            self.fail(f"question {label} has a missing or malformed 'id' ({qid!r}); use letters, "
                      f"digits and hyphens, e.g. '{self.prefix}dose-in-mcg'")
        if not qid.startswith(self.prefix):
            self.fail(f"id must start with the notebook number, e.g. '{self.prefix}...'", qid)
        if qid in self.seen:
            self.fail("duplicate id within this bank", qid)
        self.seen.add(qid)
        qtype = item.get("type")
        if qtype not in TYPES:
            self.fail(f"unknown type {qtype!r}; known types: {', '.join(TYPES)}", qid)
        if in_case and qtype == "case":
            self.fail("a case part cannot itself be a case", qid)
        self.fields(item, COMMON_FIELDS + TYPE_FIELDS[qtype], qid)
        if qtype == "case" and "question" not in item:
            item = {**item, "question": "Case study"}  # a case's stem carries its text
        common = {k: self.text(item, k, qid) for k in ("question", "source", "explanation")}
        self.sources(common["source"], qid)
        built = getattr(self, qtype)(item, qid)
        return Question(id=qid, type=qtype, bank=self.notebook, **common, **built)

    def sources(self, source: str, qid: str) -> None:
        from b12course.sources import references

        missing = references.unresolved(source)
        if missing:
            self.fail(f"source key(s) {', '.join(missing)} not found in data/references.csv", qid)

    def _answers(self, item: dict, qid: str, minimum: int) -> list:
        answers = item.get("answers")
        if not isinstance(answers, list) or len(answers) < minimum:
            self.fail(f"'answers' must be a list of at least {minimum} answer object(s) "
                      f"(got {answers!r})", qid)
        for n, answer in enumerate(answers, start=1):
            if not isinstance(answer, dict):
                self.fail(f"answer #{n} must be a JSON object", qid)
            if not isinstance(answer.get("correct"), bool):
                self.fail(f"answer #{n}: 'correct' must be true or false "
                          f"(got {answer.get('correct')!r})", qid)
        return answers

    def _choices(self, item: dict, qid: str) -> tuple[Choice, ...]:
        choices = []
        for n, answer in enumerate(self._answers(item, qid, 2), start=1):
            where = f"answer #{n}: "
            self.fields(answer, CHOICE_FIELDS, qid, where)
            option_id = answer.get("id")
            if not isinstance(option_id, str) or not _OPTION_ID.match(option_id):
                self.fail(f"{where}'id' must be a short stable slug of lower-case letters, digits "
                          f"and hyphens, e.g. \"1000-mcg\" (got {option_id!r}); grading and "
                          "saved progress refer to the option by it", qid)
            text = self.text(answer, "answer", qid, where)
            if answer["correct"]:
                if "misconception" in answer:
                    self.fail(f"{where}a correct option has no 'misconception'", qid)
                misconception = ""
            else:
                misconception = self.text(answer, "misconception", qid, where)
            last = answer.get("last", False)
            if not isinstance(last, bool):
                self.fail(f"{where}'last' must be true or false (got {last!r})", qid)
            if _PINNED_WORDS.search(text) and not last:
                self.fail(f"{where}{text!r} refers to the other options: add \"last\": true so "
                          "shuffling keeps it at the end", qid)
            choices.append(Choice(text, answer["correct"],
                                  self.text(answer, "feedback", qid, where), option_id,
                                  misconception, last))
        for what, values in (("answer text", [c.answer for c in choices]),
                             ("option id", [c.id for c in choices])):
            dupes = sorted({t for t in values if values.count(t) > 1})
            if dupes:
                self.fail(f"{what} repeated: {', '.join(map(repr, dupes))}", qid)
        return tuple(choices)

    def multiple_choice(self, item: dict, qid: str) -> dict:
        choices = self._choices(item, qid)
        n_correct = sum(c.correct for c in choices)
        if n_correct != 1:
            self.fail(f"multiple_choice needs exactly one correct answer, found {n_correct} "
                      "(use many_choice for select-all-that-apply)", qid)
        return {"choices": choices}

    def many_choice(self, item: dict, qid: str) -> dict:
        choices = self._choices(item, qid)
        if not any(c.correct for c in choices):
            self.fail("many_choice needs at least one correct answer, found none", qid)
        return {"choices": choices}

    def numeric(self, item: dict, qid: str) -> dict:
        from b12course.sources import units

        answers = []
        for n, answer in enumerate(self._answers(item, qid, 1), start=1):
            where = f"answer #{n}: "
            self.fields(answer, NUMERIC_FIELDS, qid, where)
            for key in NUMERIC_FIELDS:
                if key not in answer:
                    self.fail(f"{where}missing field {key!r}", qid)
            value, tolerance, unit = answer["value"], answer["tolerance"], answer["unit"]
            for key, number in (("value", value), ("tolerance", tolerance)):
                if (isinstance(number, bool) or not isinstance(number, int | float)
                        or not math.isfinite(number)):
                    self.fail(f"{where}{key!r} must be a finite number (got {number!r})", qid)
            if tolerance < 0:
                self.fail(f"{where}'tolerance' cannot be negative (got {tolerance!r})", qid)
            if unit is not None:
                try:
                    unit = units.canonical_unit(unit)
                except ValueError as exc:
                    self.fail(f"{where}{exc}", qid)
            answers.append(NumericAnswer(float(value), unit, float(tolerance), answer["correct"],
                                         self.text(answer, "feedback", qid, where)))
        correct = [a for a in answers if a.correct]
        if not correct:
            self.fail("numeric needs at least one answer with \"correct\": true, found none", qid)
        kinds = {None if a.unit is None else units.dimension(a.unit) for a in answers}
        if len(kinds) > 1:
            self.fail("all answers must share one kind of unit (or all have \"unit\": null); "
                      f"found {', '.join(sorted(str(k) for k in kinds))}", qid)
        return {"numeric": tuple(answers)}

    def order(self, item: dict, qid: str) -> dict:
        steps = item.get("steps")
        if (not isinstance(steps, list) or len(steps) < 2
                or not all(isinstance(s, str) and s.strip() for s in steps)):
            self.fail(f"'steps' must list at least 2 non-empty steps in the correct order "
                      f"(got {steps!r})", qid)
        if len(set(steps)) != len(steps):
            self.fail("'steps' must not repeat a step", qid)
        return {"steps": tuple(s.strip() for s in steps)}

    def case(self, item: dict, qid: str) -> dict:
        stem = self.text(item, "stem", qid)
        parts = item.get("parts")
        if not isinstance(parts, list) or not parts:
            self.fail("'parts' must be a non-empty list of questions", qid)
        built = tuple(self.question(p, n, in_case=True) for n, p in enumerate(parts))
        return {"stem": stem, "parts": built}

    def bank(self, raw) -> Bank:
        if not isinstance(raw, dict):
            self.fail("the file must hold one JSON object with 'notebook', 'title', 'questions'")
        self.fields(raw, ("notebook", "title", "questions"), None)
        notebook = raw.get("notebook")
        if notebook != self.notebook:
            self.fail(f"'notebook' is {notebook!r} but the file is named {self.notebook}.json; "
                      "they must match")
        title = self.text(raw, "title", None)
        items = raw.get("questions")
        if not isinstance(items, list) or not items:
            self.fail("'questions' must be a non-empty list")
        questions = tuple(self.question(item, n) for n, item in enumerate(items))
        return Bank(notebook, title, questions, self.path)


def _raw_ids(raw) -> list[str]:
    """Ids in a raw bank, tolerant of malformed structure (for cross-bank duplicate checks)."""
    ids: list[str] = []
    items = raw.get("questions") if isinstance(raw, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            if isinstance(item.get("id"), str):
                ids.append(item["id"])
            parts = item.get("parts")
            for part in parts if isinstance(parts, list) else []:
                if isinstance(part, dict) and isinstance(part.get("id"), str):
                    ids.append(part["id"])
    return ids


def _check_cross_bank(bank: Bank, folder: Path) -> None:
    """Raise if an id of ``bank`` also appears in another bank file in ``folder``."""
    mine = set(bank.question_ids())
    for other in sorted(folder.glob("*.json")):
        if other.resolve() == bank.path.resolve():
            continue
        try:
            raw = json.loads(other.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # that file's own validation reports it
        for qid in _raw_ids(raw):
            if qid in mine:
                raise BankError(bank.path, f"id also used in {_display(other)}; ids must be "
                                           "unique across all banks", qid)


def load_bank(name, folder: Path | str | None = None) -> Bank:
    """Load and validate a bank by notebook name ('03_regimens_by_cause') or path."""
    path = _bank_path(name, Path(folder) if folder else None)
    bank = _Checker(path, path.stem).bank(_read_json(path))
    _check_cross_bank(bank, path.parent)
    return bank


def load_all(folder: Path | str | None = None) -> dict[str, Bank]:
    """Every bank in the folder, validated, by name."""
    folder = Path(folder) if folder else quizzes_dir()
    return {name: load_bank(name, folder) for name in bank_names(folder)}


def find_question(question_id: str, folder: Path | str | None = None) -> Question:
    """A question by its id, searched across all banks (the id prefix names the notebook)."""
    folder = Path(folder) if folder else quizzes_dir()
    prefix = question_id.split("-", 1)[0]
    names = bank_names(folder)
    ordered = [n for n in names if n.startswith(prefix + "_")] + names
    for name in dict.fromkeys(ordered):
        try:
            bank = load_bank(name, folder)
        except BankError:
            if name.startswith(prefix + "_"):
                raise
            continue  # another notebook's broken bank; its own validation reports it
        if question_id in bank.question_ids():
            return bank.get(question_id)
    raise KeyError(f"No question with id {question_id!r} in any bank in {_display(folder)}")
