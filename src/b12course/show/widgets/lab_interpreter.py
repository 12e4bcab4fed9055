"""Lab-interpreter explorer for notebook 02: a B12 result + unit + scheme -> band and why.

The bands come from ``clinical.labs`` (cited rows of ``data/lab_thresholds.csv``); this module
only reads what the student typed, asks ``labs`` and shows the answer, or a friendly message.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import ipywidgets as widgets

from b12course.clinical import labs
from b12course.show import readable
from b12course.show.citations import citation_items
from b12course.show.widgets import keys
from b12course.show.widgets.look import CAUTION, NO, NOTE, OK, Look, fitted_layout

# The tests this explorer reads; their labels come from clinical.labs (one home).
TESTS = {test: labs.ANALYTES[test][:1].upper() + labs.ANALYTES[test][1:]
         for test in ("total_b12", "active_b12")}
# Units a laboratory reports each test in (total B12: ng/L in the UK, pg/mL in the US, or
# pmol/L; active B12 is reported in pmol/L).
TEST_UNITS = {
    "total_b12": ("ng/L", "pg/mL", "pmol/L"),
    "active_b12": ("pmol/L",),
}
SHORT_NAMES = {test: labs.SHORT_NAMES[test] for test in TESTS}
_STARTS_WITH_NUMBER = re.compile(r"^\s*[+-]?(\d|\.\d)")
CATEGORY_WORDS = {
    "deficient": f"{CAUTION} <b>Deficiency confirmed or likely</b> by this scheme",
    "indeterminate": "<b>Indeterminate</b> (grey zone) by this scheme",
    "unlikely": f"{OK} <b>Deficiency unlikely</b> by this scheme",
    "normal": "<b>Inside the range this scheme calls normal</b>",
    "raised": "<b>Above the range this scheme calls normal</b>",
    "unclassified": "<b>No band</b>: this scheme names no band for this value, so the course "
                    "gives no interpretation",
    "not stated": "<b>No interpretation given</b>: the source names this band (or only a "
                  "cut-off) but does not say what a result here means, so the course does not "
                  "guess",
}
HISTORICAL_WORDS = (
    f"{CAUTION} <b>Historical scheme</b>: its source has been superseded. It is shown only to "
    "compare with current bands; do not use it to read a new result."
)
# Digest §2.8: high-titre intrinsic factor antibodies can make some total-B12 assays read falsely
# normal or even high, so a reassuring or high number never rules deficiency out on its own.
REASSURING = ("unlikely", "normal", "raised", "unclassified")
ANTIBODY_CAUTION = (
    "{subject} does not rule deficiency out: some assays read falsely normal or "
    "even high when high levels of intrinsic factor antibodies are present [WAINWRIGHT-2015; "
    "BSH-2014, now superseded], so the clinical picture and further tests decide (notebook 02, "
    "Falsely normal)."
)
CAUTION_KEYS = ("WAINWRIGHT-2015", "BSH-2014")
REMINDER = (
    "Education only. A band is not a diagnosis: symptoms, risk factors and the measuring "
    "laboratory's own ranges decide what happens next."
)


def _esc(text) -> str:
    return html.escape(str(text))


def _message(symbol: str, text: str) -> str:
    return f"<p>{symbol} {text}</p>"


def schemes(test: str) -> list[str]:
    """The interpretation schemes available for a test, as listed by b12course.clinical.labs."""
    return list(labs.schemes(test))


def read_value(text: str, unit: str, test: str) -> tuple[float, str, str]:
    """(value, unit, note) from what the student typed; ValueError with a friendly message.

    Accepts a plain number ("250", "1,000") using the chosen unit, or a number with a B12
    concentration unit ("180 ng/L") which then overrides the dropdown (the note says so).
    """
    from b12course.sources import units

    raw = "" if text is None else str(text).strip()
    allowed = ", ".join(TEST_UNITS[test])
    name = SHORT_NAMES[test]
    if not raw:
        raise ValueError("Type a result first, for example 250, then press Interpret.")
    if len(raw) > 40:
        raise ValueError("That is too long for a lab result. Type just the number, e.g. 250.")
    try:
        number = units.parse_number(raw, allow_negative=True)
    except ValueError as plain_error:
        number, problem = None, plain_error
    if number is not None:
        return _checked(number, raw), unit, ""
    if not _STARTS_WITH_NUMBER.match(raw):
        raise ValueError(f"{_esc(problem)} Then choose the unit ({allowed}) from the Unit list.")
    try:
        quantity = units.parse_quantity(raw, allow_negative=True)
    except ValueError as unit_error:
        if str(unit_error).startswith("Unknown unit"):
            raise ValueError(f"{_esc(raw)} has a unit this explorer does not know. A {name} "
                             f"result is reported in {allowed}: type just the number and pick "
                             "the unit from the Unit list.") from None
        raise ValueError(f"{_esc(unit_error)}") from None
    if quantity.unit not in TEST_UNITS[test]:
        kind = units.dimension(quantity.unit)
        if kind != "b12_concentration":
            raise ValueError(f"{_esc(quantity.unit)} is a unit of {kind}, not a blood "
                             f"concentration. A {name} result is reported in {allowed}: type "
                             "the number and pick the unit from the Unit list.")
        raise ValueError(f"{TESTS[test]} is reported in {allowed}, not "
                         f"{_esc(quantity.unit)}.")
    quantity = quantity._replace(value=_checked(quantity.value, raw))
    note = "" if quantity.unit == unit else (
        f"You typed the unit {_esc(quantity.unit)}, so it was used instead of the "
        f"{_esc(unit)} chosen in the Unit list.")
    return quantity.value, quantity.unit, note


def _checked(value: float, raw: str) -> float:
    """Reject results no laboratory could report (negative or zero)."""
    if value < 0:
        raise ValueError(f"{_esc(raw)} is negative; a laboratory result cannot be below zero.")
    if value == 0:
        raise ValueError("A result of 0 is not a measurable value. Check the report and type "
                         "the number shown, e.g. 250.")
    return value


def _top_band_without_reading(test: str, scheme: str, result) -> bool:
    """A 'not stated' band open at the top (e.g. at or above a historical cut-off): the
    reassuring side of the scheme, where the antibody caution applies too."""
    from b12course.sources.cells import is_blank

    if result.category != "not stated":
        return False
    rows = labs.bands(test, scheme)
    row = rows[rows["band"] == result.band]
    return not row.empty and is_blank(row["upper"].iloc[0]) and not is_blank(row["lower"].iloc[0])


def interpret_html(test: str, text: str, unit: str, scheme: str) -> str:
    """The feedback HTML for one set of inputs; never raises (bad input -> friendly message)."""
    from b12course.sources import references

    try:
        if test not in TESTS:
            raise ValueError(f"Unknown test {test!r}; choose one of: {', '.join(TESTS.values())}.")
        value, used_unit, note = read_value(text, unit, test)
        interpret = labs.interpret_total_b12 if test == "total_b12" else labs.interpret_active_b12
        result = interpret(value, unit=used_unit, scheme=scheme)
    except ValueError as exc:
        return _message(NO, f"<b>Cannot interpret that yet.</b> {exc}")
    except Exception:  # noqa: BLE001 - a student must never see a traceback
        return _message(NO, "<b>Something went wrong reading that result.</b> Check the "
                            "number and the unit, then try again.")
    cautious = test == "total_b12" and (result.category in REASSURING
                                        or _top_band_without_reading(test, scheme, result))
    keys = references.split_keys(result.source)
    keys += [k for k in CAUTION_KEYS if cautious and k not in keys]
    titles = "<br>".join(citation_items(keys))
    parts = [
        _message("", f"{_esc(TESTS[test])}: <b>{value:g} {_esc(used_unit)}</b>, read with the "
                     f"bands of <b>{_esc(readable.scheme_name(scheme))}</b>."),
        _message(NOTE, note) if note else "",
        _message("", HISTORICAL_WORDS) if labs.is_historical(scheme) else "",
        _message("", CATEGORY_WORDS.get(result.category, _esc(result.category)) + "."),
        _message("", f"<b>The scheme's band:</b> {_esc(result.band)}"),
        _message("", f"<b>Why:</b> {_esc(result.explanation)}"),
        # a band the scheme gives no reading for is not called "normal or high"
        _message(CAUTION, _esc(ANTIBODY_CAUTION.format(
            subject="A result at or above this cut-off" if result.category == "not stated"
            else "A normal or high total B12"))) if cautious else "",
        _message("", f"<b>Source:</b><br><small>{titles}</small>"),
        _message("", f"<small>{_esc(REMINDER)}</small>"),
    ]
    return "".join(p for p in parts if p)


def lab_interpreter() -> widgets.VBox:
    """Build the explorer; every callback closes over its own widgets (no notebook globals)."""
    look = Look()
    every_scheme = [s for t in TESTS for s in schemes(t)]
    test = widgets.Dropdown(options=[(label, key) for key, label in TESTS.items()],
                            value="total_b12", description="Test:", style=look.label,
                            layout=fitted_layout("Test:", TESTS.values()))
    value = widgets.Text(value="", placeholder="e.g. 250", description="Result:",
                         continuous_update=False, style=look.text)
    unit = widgets.Dropdown(options=TEST_UNITS["total_b12"], value="ng/L",
                            description="Unit:", style=look.label,
                            layout=fitted_layout("Unit:", TEST_UNITS["total_b12"]))
    # students read each scheme's name; the value passed on stays the scheme's code
    scheme = widgets.Dropdown(options=readable.scheme_options(schemes("total_b12")),
                              value=labs.DEFAULT_SCHEME, description="Scheme:",
                              style=look.label,
                              layout=fitted_layout("Scheme:",
                                                   readable.scheme_options(every_scheme)))
    button = widgets.Button(description="Interpret", tooltip="Interpret this result",
                            icon="check")
    feedback = widgets.HTML(value=_message(NOTE, "Type a result, choose its unit and a scheme, "
                                                 "then press <b>Interpret</b>."))

    def refresh(_change=None) -> None:
        feedback.value = interpret_html(test.value, value.value, unit.value, scheme.value)

    def on_test(_change) -> None:
        try:
            unit.options = TEST_UNITS[test.value]
            unit.value = TEST_UNITS[test.value][0]
            scheme.options = readable.scheme_options(schemes(test.value))
        except Exception:  # noqa: BLE001 - keep the widget alive whatever happens
            feedback.value = _message(NO, "Could not load the schemes for that test.")
            return
        if value.value.strip():
            refresh()

    def on_setting(_change) -> None:
        if value.value.strip():
            refresh()

    test.observe(on_test, names="value")
    unit.observe(on_setting, names="value")
    scheme.observe(on_setting, names="value")
    value.observe(on_setting, names="value")
    button.on_click(refresh)
    controls = widgets.VBox([test, widgets.HBox([value, unit]), scheme, button])
    box = keys.finish(widgets.VBox([controls, feedback]), "explorer")
    box.parts = SimpleNamespace(test=test, value=value, unit=unit, scheme=scheme, button=button,
                                feedback=feedback)
    return box
