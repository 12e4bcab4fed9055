"""How a student's answer is compared with the expected one: they REPORT, they never raise.

Each comparator (``quantity``, ``number``, ``date``, ``label`` ...) returns a :class:`Report`
that a notebook shows as the last expression of a cell: "not answered yet", "check your units",
"correct" or "not quite" with a hint. ``exercises.tasks`` uses them for each task's expected answer.

Nothing here evaluates student text; answers are compared as numbers, dates, labels or tables.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import dataclass

UNANSWERED = "unanswered"
UNITS = "units"
CORRECT = "correct"
INCORRECT = "incorrect"

#: Marks every basic font has (no emoji font needed on lab PCs), as the quizzes use.
_SYMBOL = {UNANSWERED: "Note:", UNITS: "⚠", CORRECT: "✓", INCORRECT: "✗"}
_HEADLINE = {UNANSWERED: "Not answered yet", UNITS: "Check your units",
             CORRECT: "Correct", INCORRECT: "Not quite"}


@dataclass(frozen=True)
class Report:
    """The outcome of one self-check: a status and a message in plain words."""

    status: str
    message: str
    task: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def text(self) -> str:
        prefix = f"[{self.task}] " if self.task else ""
        return f"{_SYMBOL[self.status]} {prefix}{_HEADLINE[self.status]}: {self.message}"

    __str__ = text

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        prefix = f"<code>{html.escape(self.task)}</code> " if self.task else ""
        return (f"<p>{_SYMBOL[self.status]} {prefix}<b>{_HEADLINE[self.status]}:</b> "
                f"{html.escape(self.message)}</p>")


def _report(status: str, message: str) -> Report:
    return Report(status, message)


def is_unanswered(answer) -> bool:
    """True for the exercise stub (``...``), None, or an empty string/list."""
    if answer is Ellipsis or answer is None:
        return True
    return isinstance(answer, str | list | tuple | dict | set) and len(answer) == 0


_NOT_YET = "replace the ... after the = sign with your answer, then run the cell again."


# ---------------------------------------------------------------- generic comparisons
def quantity(answer, expected: float, unit: str, *, tolerance: float | None = None,
             hint: str = "") -> Report:
    """Compare a number (taken to be in ``unit``) or a text/Quantity with a unit to ``expected``."""
    from b12course.sources import units

    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    value = None
    if isinstance(answer, units.Quantity | str):
        try:
            given = answer if isinstance(answer, units.Quantity) else \
                units.parse_quantity(answer, allow_negative=True)
        except ValueError:
            try:
                value = units.parse_number(answer, allow_negative=True)
            except (ValueError, TypeError):
                return _report(INCORRECT, f"{answer!r} is not a number; write e.g. 1.5 or "
                                          f"'1.5 {unit}'.")
        else:
            if units.dimension(given.unit) != units.dimension(unit):
                return _report(UNITS, f"{given.value:g} {given.unit} is a "
                                      f"{units.dimension(given.unit).replace('_', ' ')}; this "
                                      f"answer is a {units.dimension(unit).replace('_', ' ')} "
                                      f"in {unit}.")
            value = units.convert(given.value, given.unit, unit)
    elif isinstance(answer, bool):
        return _report(INCORRECT, f"the answer should be a number in {unit}, not True/False.")
    else:
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return _report(INCORRECT, f"the answer should be a number in {unit}; got a "
                                      f"{type(answer).__name__}.")
    if not math.isfinite(value):
        return _report(INCORRECT, "the answer is not a finite number.")
    tol = tolerance if tolerance is not None else max(1e-6, abs(expected) * 1e-6)
    if abs(value - expected) <= tol:
        return _report(CORRECT, f"{_fmt(value)} {unit}.")
    for factor, slip in ((1000, "1000 times too big"), (0.001, "1000 times too small")):
        if expected and abs(value / factor - expected) <= tol:
            return _report(UNITS, f"{_fmt(value)} is {slip}: mg and micrograms differ by 1000. "
                                  f"Give the answer in {unit}.")
    return _report(INCORRECT, f"{_fmt(value)} {unit} is not right. {hint}".strip())


def _fmt(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def number(answer, expected: float, *, tolerance: float = 1e-6, what: str = "",
           hint: str = "") -> Report:
    """Compare a plain number with no unit (a ratio, a count of days)."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    if isinstance(answer, bool):
        return _report(INCORRECT, "the answer should be a number, not True/False.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _report(INCORRECT, f"the answer should be a number; got {answer!r}.")
    if not math.isfinite(value):
        return _report(INCORRECT, "the answer is not a finite number.")
    if abs(value - expected) <= tolerance:
        return _report(CORRECT, f"{_fmt(value)} {what}".strip() + ".")
    return _report(INCORRECT, f"{_fmt(value)} {what} is not right. {hint}".strip())


def truth(answer, expected: bool, *, hint: str = "") -> Report:
    """Compare a True/False answer."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    if not isinstance(answer, bool):
        return _report(INCORRECT, "the answer should be True or False (no quotes).")
    if answer == expected:
        return _report(CORRECT, f"{answer}.")
    return _report(INCORRECT, f"{answer} is not right. {hint}".strip())


def choices(answer, expected, *, hint: str = "") -> Report:
    """Compare a list/set of labels, order ignored (e.g. the irreversible causes)."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return _report(INCORRECT, "the answer should be a list of labels, e.g. ['a', 'b'].")
    given = {str(a).strip().lower() for a in answer}
    want = {str(e).strip().lower() for e in expected}
    if given == want:
        return _report(CORRECT, f"all {len(want)} item(s) found.")
    extra, missing = sorted(given - want), sorted(want - given)
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing")
    if extra:
        parts.append("should not be there: " + ", ".join(extra))
    return _report(INCORRECT, f"{'; '.join(parts)}. {hint}".strip())


def count(answer, expected: int, *, what: str = "", hint: str = "") -> Report:
    """Compare a whole number (doses, ampoules, patients)."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    import numbers

    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or \
            not float(answer).is_integer():
        of_what = f" of {what}" if what else ""
        return _report(INCORRECT, f"the answer should be a whole number{of_what}; got {answer!r}.")
    answer = int(answer)
    if int(answer) == int(expected):
        return _report(CORRECT, f"{int(answer)} {what}".strip() + ".")
    return _report(INCORRECT, f"{int(answer)} {what} is not right. {hint}".strip())


def _as_date(value) -> dt.date:
    """A student's date as ``datetime.date``, read by the dose-date engine (one parser)."""
    from b12course.clinical import schedule

    return schedule.as_date(value, "date")


def date(answer, expected: dt.date, *, hint: str = "") -> Report:
    """Compare a date (``datetime.date``, pandas Timestamp or 'YYYY-MM-DD')."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    try:
        given = _as_date(answer)
    except (TypeError, ValueError):
        return _report(INCORRECT, f"{answer!r} is not a date; use datetime.date(2025, 1, 31) or "
                                  "'2025-01-31'.")
    if given == expected:
        return _report(CORRECT, f"{given.isoformat()} ({given:%A}).")
    days = (given - expected).days
    direction = "late" if days > 0 else "early"
    return _report(INCORRECT, f"{given.isoformat()} is {abs(days)} day(s) {direction}. "
                              f"{hint}".strip())


def dates(answer, expected: list[dt.date], *, hint: str = "") -> Report:
    """Compare a list of dates (a schedule) in order."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    try:
        given = [_as_date(d) for d in list(answer)]
    except (TypeError, ValueError):
        return _report(INCORRECT, "the answer should be a list of dates.")
    if given == list(expected):
        return _report(CORRECT, f"all {len(given)} dates match.")
    if len(given) != len(expected):
        return _report(INCORRECT, f"you listed {len(given)} date(s); the schedule has "
                                  f"{len(expected)}. {hint}".strip())
    first = next(i for i, (a, b) in enumerate(zip(given, expected, strict=True)) if a != b)
    return _report(INCORRECT, f"date number {first + 1} ({given[first].isoformat()}) is not "
                              f"right. {hint}".strip())


def label(answer, expected: str, *, options: list[str] | None = None, hint: str = "") -> Report:
    """Compare a label/choice such as 'deficient' or 'ventrogluteal' (case and spaces ignored)."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    if not isinstance(answer, str):
        return _report(INCORRECT, f"the answer should be text in quotes, e.g. '{expected}'"
                       if not options else "the answer should be one of: " + ", ".join(options))
    norm = answer.strip().lower().replace(" ", "_").replace("-", "_")
    want = expected.strip().lower().replace(" ", "_").replace("-", "_")
    if options:
        known = [o.strip().lower().replace(" ", "_").replace("-", "_") for o in options]
        if norm not in known:
            return _report(INCORRECT, f"{answer!r} is not one of the options: "
                                      f"{', '.join(options)}.")
    if norm == want:
        return _report(CORRECT, f"{answer!r}.")
    return _report(INCORRECT, f"{answer!r} is not the best answer. {hint}".strip())


def mapping(answer, expected: dict, *, tolerance: float = 1e-6, hint: str = "") -> Report:
    """Compare a dict or pandas Series of name -> number (e.g. counts per category)."""
    if is_unanswered(answer):
        return _report(UNANSWERED, _NOT_YET)
    try:
        given = {str(k): float(v) for k, v in dict(answer).items()}
    except (TypeError, ValueError):
        return _report(INCORRECT, "the answer should be a dict or pandas Series of numbers.")
    want = {str(k): float(v) for k, v in expected.items()}
    missing = sorted(set(want) - set(given))
    if missing:
        return _report(INCORRECT, f"missing: {', '.join(missing)}. {hint}".strip())
    wrong = sorted(k for k in want if abs(given[k] - want[k]) > tolerance)
    if wrong:
        return _report(INCORRECT, f"not right for: {', '.join(wrong)}. {hint}".strip())
    return _report(CORRECT, "every value matches.")


def plot(ax, *, min_points: int = 2, x=None, y=None, tolerance: float = 1e-6,
         hint: str = "") -> Report:
    """Check a matplotlib Axes: a line with data, both axes labelled (with units), optional data."""
    if is_unanswered(ax):
        return _report(UNANSWERED, _NOT_YET)
    if not hasattr(ax, "get_lines"):
        return _report(INCORRECT, "pass the Axes you drew on (the 'ax' from plots.figure).")
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) >= min_points]
    if not lines:
        return _report(UNANSWERED, "the chart has no line yet: draw one with ax.plot(x, y).")
    if not ax.get_xlabel().strip() or not ax.get_ylabel().strip():
        return _report(INCORRECT, "label both axes, with units (ax.set_xlabel / ax.set_ylabel).")
    if x is not None and y is not None:
        want = list(zip((float(v) for v in x), (float(v) for v in y), strict=True))
        for line in lines:
            try:
                got = list(zip((float(v) for v in line.get_xdata()),
                               (float(v) for v in line.get_ydata()), strict=True))
            except (TypeError, ValueError):
                continue
            if len(got) == len(want) and all(abs(a - c) <= tolerance and abs(b - d) <= tolerance
                                              for (a, b), (c, d) in zip(got, want, strict=True)):
                return _report(CORRECT, "the line shows the right data and both axes are "
                                        "labelled.")
        return _report(INCORRECT, f"the line does not show the expected data. {hint}".strip())
    return _report(CORRECT, "a labelled line chart.")
