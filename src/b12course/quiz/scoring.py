"""Pure grading: a question plus what the student chose or typed -> a Result (no widgets)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from b12course.quiz.model import Question

#: Statuses that count as an attempt (saved to progress, explanation shown).
ATTEMPTED = ("correct", "incorrect", "partial", "wrong_unit")
#: Statuses that ask the student to fix their input first (not counted, nothing saved).
NOT_ATTEMPTED = ("unanswered", "invalid", "missing_unit")
STATUSES = ATTEMPTED + NOT_ATTEMPTED

#: A mark from basic fonts (✓ U+2713, ✗ U+2717) and words: emoji such as ✅ showed as empty
#: boxes on lab PCs without an emoji font; the words carry the meaning (tests and screen readers
#: use them).
HEADLINES = {
    "correct": "✓ Correct.",
    "incorrect": "✗ Incorrect.",
    "partial": "✗ Partly correct.",
    "wrong_unit": "✗ Check your units.",
    "missing_unit": "Note: Add a unit.",
    "invalid": "Note: I could not read that answer.",
    "unanswered": "Note: Not answered yet.",
}

_DIMENSION_WORDS = {
    "mass": "an amount of drug (a mass)",
    "volume": "a volume",
    "b12_concentration": "a blood B12 level (a concentration)",
    "length": "a length",
    "weight": "a body weight",
}


@dataclass(frozen=True)
class Result:
    """The outcome of one check. Text fields are HTML fragments (student input is escaped)."""

    question_id: str
    status: str
    score: float
    message: str
    feedback: tuple[str, ...] = ()
    explanation: str = ""
    source: str = ""
    #: What was answered, by stable id (saved with progress for item analysis): an option id,
    #: a list of option ids, the typed text, or step numbers in the bank's (correct) order.
    response: object = None

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    @property
    def attempted(self) -> bool:
        """True when the check counts as an attempt (the answer was readable)."""
        return self.status in ATTEMPTED

    @property
    def headline(self) -> str:
        """The status in a mark and words, e.g. '✓ Correct.'."""
        return HEADLINES[self.status]


_MARKS = "✅❌✓✗"
_STATUS_PREFIX = re.compile(rf"^\s*(?:[{_MARKS}]\ufe0f?\s*)?(?:(?:Correct|Incorrect)\.\s*)?")


def tidy_feedback(text: str) -> str:
    """Drop a leading '✅ Correct.' / '❌' (or ✓ / ✗) from authored feedback: the headline already
    says it, and an emoji would show as an empty box on a PC without an emoji font."""
    return _STATUS_PREFIX.sub("", text, count=1).strip() if text.lstrip()[:1] in _MARKS else text


def _esc(text) -> str:
    return html.escape(str(text), quote=False)


def _result(q: Question, status: str, message: str = "", feedback=(), score: float | None = None,
            response=None) -> Result:
    """Build a Result; explanation, source and response are attached only to real attempts."""
    if score is None:
        score = 1.0 if status == "correct" else 0.0
    attempted = status in ATTEMPTED
    lines = tuple(line for line in feedback if line)
    return Result(q.id, status, float(score), message, lines,
                  q.explanation if attempted else "", q.source if attempted else "",
                  response if attempted else None)


def misconception_note(choice) -> str:
    """'Common misconception: ...' for a wrong option that names one, else ''."""
    if choice.correct or not choice.misconception:
        return ""
    return f"<i>Common misconception:</i> {_esc(choice.misconception)}. "


def grade(question, response) -> Result:
    """Grade a response to a question (a Question or its id). Never raises on student input.

    Responses by type: multiple_choice -> option id or answer text (None: unanswered);
    many_choice -> iterable of option ids or texts; numeric -> the typed text;
    order -> a list of step indices (into the correct order) or step texts, None for a blank;
    case -> {part_id: response}.
    """
    if isinstance(question, str):
        from b12course.quiz.model import find_question

        question = find_question(question)
    grader = _GRADERS[question.type]
    try:
        return grader(question, response)
    except Exception as exc:  # noqa: BLE001 - a student must never see a traceback
        return _result(question, "invalid",
                       f"Something in that answer could not be checked ({_esc(exc)}). "
                       "Please change it and press Check again.")


def key_response(q: Question):
    """A response ``grade`` marks correct, in the form it takes (option ids, step numbers in the
    bank's order, or the key typed with its unit): for simulations, benchmarks and tests."""
    if q.type == "multiple_choice":
        return next(c.id for c in q.choices if c.correct)
    if q.type == "many_choice":
        return [c.id for c in q.choices if c.correct]
    if q.type == "order":
        return list(range(len(q.steps)))
    if q.type == "case":
        return {part.id: key_response(part) for part in q.parts}
    answer = next(a for a in q.numeric if a.correct)
    return f"{answer.value!r} {answer.unit}" if answer.unit else repr(answer.value)


def _index(q: Question, value) -> int | None:
    """The option an id or answer text names; None when it names none (positions are refused:
    the order on screen is shuffled per learner, so a position means nothing)."""
    if not isinstance(value, str):
        return None
    for i, choice in enumerate(q.choices):
        if value in (choice.id, choice.answer):
            return i
    return None


def _grade_multiple(q: Question, response) -> Result:
    if response is None or response == "":
        return _result(q, "unanswered", "Please choose an answer, then press Check.")
    index = _index(q, response)
    if index is None:
        return _result(q, "invalid", f"{_esc(response)} is not one of the options.")
    choice = q.choices[index]
    status = "correct" if choice.correct else "incorrect"
    return _result(q, status, f"You chose: {_esc(choice.answer)}",
                   [misconception_note(choice) + tidy_feedback(choice.feedback)],
                   response=choice.id)


def _grade_many(q: Question, response) -> Result:
    picked = [] if response is None else list(response)
    if not picked:
        return _result(q, "unanswered", "Tick every option that applies, then press Check.")
    indices = []
    for value in picked:
        index = _index(q, value)
        if index is None:
            return _result(q, "invalid", f"{_esc(value)} is not one of the options.")
        if index not in indices:
            indices.append(index)
    indices.sort()
    n_correct = sum(c.correct for c in q.choices)
    hits = [i for i in indices if q.choices[i].correct]
    wrong = [i for i in indices if not q.choices[i].correct]
    missed = n_correct - len(hits)
    lines = [f"{'✓' if q.choices[i].correct else '✗'} {_esc(q.choices[i].answer)}: "
             f"{misconception_note(q.choices[i])}{tidy_feedback(q.choices[i].feedback)}"
             for i in indices]
    ids = [q.choices[i].id for i in indices]
    if missed:
        lines.append(f"Note: {missed} more option(s) also apply.")
    if not wrong and not missed:
        return _result(q, "correct", f"You ticked all {n_correct} options that apply.", lines,
                       response=ids)
    if hits:
        score = max(0.0, (len(hits) - len(wrong)) / n_correct)
        return _result(q, "partial", f"{len(hits)} of {n_correct} right options ticked, "
                                     f"{len(wrong)} wrong option(s) ticked.", lines, score, ids)
    return _result(q, "incorrect", "None of the options you ticked applies.", lines,
                   response=ids)


def _grade_order(q: Question, response) -> Result:
    n = len(q.steps)
    slots = list(response) if response is not None else []
    if len(slots) != n or any(s is None or s == "" for s in slots):
        return _result(q, "unanswered", f"Choose a step for each of the {n} positions.")
    order = []
    for value in slots:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n:
            order.append(value)
        elif value in q.steps:
            order.append(q.steps.index(value))
        else:
            return _result(q, "invalid", f"{_esc(value)} is not one of the steps.")
    repeated = sorted({i for i in order if order.count(i) > 1})
    if repeated:
        names = "; ".join(_esc(q.steps[i]) for i in repeated)
        return _result(q, "invalid", f"Use each step once. Chosen more than once: {names}.")
    in_place = sum(i == pos for pos, i in enumerate(order))
    if in_place == n:
        return _result(q, "correct", f"All {n} steps are in the right order.", response=order)
    first_wrong = next(pos for pos, i in enumerate(order) if i != pos) + 1
    message = (f"{in_place} of {n} steps are in the right place. "
               f"The first one out of place is position {first_wrong}.")
    return _result(q, "partial" if in_place else "incorrect", message, score=in_place / n,
                   response=order)


def _grade_numeric(q: Question, response) -> Result:
    """Grade typed text; the saved response is the amount read, tidied to 'number unit'."""
    from b12course.sources import units

    text = "" if response is None else str(response).strip()
    unit = q.unit
    if not text:
        prompt = "a number with its unit" if unit else "a number"
        return _result(q, "unanswered", f"Please type {prompt}, then press Check.")
    if len(text) > 100:
        return _result(q, "invalid", "That answer is too long. Type just a number"
                                     + (" and a unit." if unit else "."))
    if unit is None:
        try:
            value = units.parse_number(text)
        except ValueError as exc:
            try:
                units.parse_quantity(text)
            except ValueError:
                return _result(q, "invalid", _esc(exc))
            return _result(q, "invalid", "This question asks for a plain number without a unit: "
                                         "type just the number.")
        return _match_numeric(q, value, None)
    try:
        quantity = units.parse_quantity(text)
    except ValueError as exc:
        try:
            units.parse_number(text)
        except ValueError:
            return _result(q, "invalid", _esc(exc))
        kind = units.dimension(unit)
        return _result(q, "missing_unit",
                       f"Your number needs a unit, e.g. {_esc(text)} followed by one of: "
                       f"{', '.join(units.accepted_units(kind))}.")
    expected = units.dimension(unit)
    given = units.dimension(quantity.unit)
    if given != expected:
        return _result(q, "wrong_unit",
                       f"{quantity.unit} measures {_DIMENSION_WORDS.get(given, given)}, but this "
                       f"question asks for {_DIMENSION_WORDS.get(expected, expected)} "
                       f"(units such as {', '.join(units.accepted_units(expected))}).",
                       response=_tidy(quantity.value, quantity.unit))
    return _match_numeric(q, quantity.value, quantity.unit)


def _fmt(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.3g}"


def _tidy(value: float, unit: str | None) -> str:
    """The amount as saved for item analysis: '100 mcg', or '6' for a plain number."""
    return f"{value:g} {unit}" if unit else f"{value:g}"


def _match_numeric(q: Question, value: float, unit: str | None) -> Result:
    from b12course.sources import units

    shown = f"{_fmt(value)} {unit}" if unit else _fmt(value)
    typed = _tidy(value, unit)
    ordered = [a for a in q.numeric if a.correct] + [a for a in q.numeric if not a.correct]
    for answer in ordered:
        mine = units.convert(value, unit, answer.unit) if unit else value
        if answer.matches(mine):
            status = "correct" if answer.correct else "incorrect"
            return _result(q, status, f"You answered {_esc(shown)}.",
                           [tidy_feedback(answer.feedback)], response=typed)
    if unit:
        for other in units.accepted_units(units.dimension(unit)):
            if other == unit:
                continue
            for answer in (a for a in q.numeric if a.correct):
                if answer.matches(units.convert(value, other, answer.unit)):
                    return _result(q, "wrong_unit",
                                   f"You answered {_esc(shown)}. Your number would be right in "
                                   f"{other}, not in {unit}: check which unit the question uses.",
                                   response=typed)
    return _result(q, "incorrect", f"You answered {_esc(shown)}, which is not the expected "
                                   "answer. Read the question again and retry.", response=typed)


def _grade_case(q: Question, response) -> Result:
    answers = response if isinstance(response, dict) else {}
    results = [grade(part, answers.get(part.id)) for part in q.parts]
    if all(r.status == "unanswered" for r in results):
        return _result(q, "unanswered", "Answer the parts of the case in order.")
    score = sum(r.score for r in results) / len(results)
    n_right = sum(r.correct for r in results)
    status = ("correct" if n_right == len(results)
              else "partial" if score > 0 else "incorrect")
    lines = [f"Part {n}: {r.headline} {r.message}" for n, r in enumerate(results, start=1)]
    return _result(q, status, f"{n_right} of {len(results)} parts correct.", lines, score)


_GRADERS = {
    "multiple_choice": _grade_multiple,
    "many_choice": _grade_many,
    "numeric": _grade_numeric,
    "order": _grade_order,
    "case": _grade_case,
}
