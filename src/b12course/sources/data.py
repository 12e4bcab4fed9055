"""Load the course's cited data tables, checked, so a broken row fails loudly and precisely.

``load("regimens")`` returns a pandas DataFrame after checking every row against the table's
schema: required columns present, keys unique, numbers finite and not negative, choices and
units from the allowed lists, and every ``source`` key resolving in ``references.csv``. A problem
raises :class:`DataError` naming the file, the row and the column. Rows are numbered as an editor
or a spreadsheet shows the file: the header is row 1, so the first data row is row 2.

Every CSV in ``data/`` has a schema here, and the modules that use a table read it through
:func:`load`, :func:`records` or (where pandas is not wanted, e.g. units and references, which
the quiz needs) :func:`validate`, so each check is written once.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from b12course.sources.paths import data_dir


class DataError(ValueError):
    """A data table is malformed; the message names file, row and column."""


@dataclass(frozen=True)
class Col:
    """How one column is checked: kind is text, number, int, choice, choices, source, unit or
    date (an ISO date, YYYY-MM-DD, not in the future)."""

    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    positive: bool = False  # numbers: must be > 0 (otherwise >= 0)


@dataclass(frozen=True)
class Schema:
    """The columns of a table and the column(s) whose values must be unique together."""

    columns: dict[str, Col]
    key: tuple[str, ...]
    checks: tuple = field(default=())


def _c(kind="text", *choices, required=False, positive=False) -> Col:
    return Col(kind, required, tuple(choices), positive)


REGION = ("UK", "US", "any")
YES_NO = ("yes", "no")
MASS = ("mcg", "mg")
TIME = ("hour", "day", "week", "month", "year")
ROUTES = ("IM", "deep SC", "IM or deep SC", "intranasal", "oral")
NON_INJECTED = ("intranasal", "oral")  # never the start of treatment with neurology
PATTERNS = ("daily", "alternate days", "three times a week", "weekly", "every", "twice a year")
PHASES = ("loading", "maintenance", "prophylaxis", "treatment", "statement")
CATEGORIES = ("deficient", "indeterminate", "unlikely", "normal", "raised", "not stated")
LAB_UNITS = ("ng/L", "pg/mL", "pmol/L", "umol/L", "nmol/L", "fL")
# references.csv ``status``: what the source itself is (see data/README.md). A superseded or
# draft source never backs a keyed answer or a first-shown regimen on its own.
SOURCE_STATUSES = ("current", "secondary", "superseded", "draft")


def _check_regimens(rows, ctx):
    products = ctx.keys("products", "product_id")
    causes = ctx.keys("causes", "cause_id")
    for n, row in rows:
        if row["product_id"] and row["product_id"] not in products:
            ctx.fail(n, "product_id", f"unknown product {row['product_id']!r}",
                     sorted(products))
        for cause in _split(row["causes"]):
            if cause != "all" and cause not in causes:
                ctx.fail(n, "causes", f"unknown cause {cause!r}", ["all", *sorted(causes)])
        if row["phase"] != "statement" and not row["pattern"] and row["dose"]:
            ctx.fail(n, "pattern", "a row with a dose needs a pattern", PATTERNS)
        if row["pattern"] == "every" and not row["interval"]:
            ctx.fail(n, "interval", "pattern 'every' needs an interval", ["a number"])
        if row["interval"] and not row["interval_unit"]:
            ctx.fail(n, "interval_unit", "an interval needs a unit", TIME)
        if row["duration"] and not row["duration_unit"]:
            ctx.fail(n, "duration_unit", "a duration needs a unit", TIME)
        if row["dose"] and not row["dose_unit"]:
            ctx.fail(n, "dose_unit", "a dose needs a unit", MASS)
        if row["phase"] == "statement" and not row["notes"]:
            ctx.fail(n, "notes", "a statement row must say what the source states", ["text"])
        if row["reference"] == "yes" and row["status"] in ("unverified", "superseded"):
            ctx.fail(n, "reference", f"a {row['status']} row is never shown first", ["no"])
        if row["route"] in NON_INJECTED and row["neurological"] != "no" and not (
                row["phase"] == "maintenance" and row["when"].startswith("maintenance only")):
            ctx.fail(n, "neurological", f"a {row['route']} row may apply with neurological "
                     "involvement only as maintenance whose 'when' starts 'maintenance only'",
                     ["no", "phase maintenance with when 'maintenance only, ...'"])
        _check_range(ctx, n, row, "dose", "dose_max", "dose_unit")
        _check_range(ctx, n, row, "interval", "interval_max")
        _check_range(ctx, n, row, "duration", "duration_max")


def _check_range(ctx, n, row, low, high, unit_col=None):
    if row[high] and not row[low]:
        ctx.fail(n, low, f"{high} is given without {low}", ["a number"])
    if row[low] and row[high] and float(row[high]) < float(row[low]):
        ctx.fail(n, high, f"{high} {row[high]} is below {low} {row[low]}", [f">= {row[low]}"])


def _check_products(rows, ctx):
    for n, row in rows:
        if bool(row["strength"]) != bool(row["strength_unit"]):
            ctx.fail(n, "strength_unit", "strength and strength_unit go together", MASS)
        if row["strength"] and not (row["per_amount"] and row["per_unit"]):
            ctx.fail(n, "per_unit", "a strength needs per_amount and per_unit", ("mL", "spray"))
        for route in _split(row["routes"]):
            if route not in ROUTES:
                ctx.fail(n, "routes", f"unknown route {route!r}", ROUTES)


def _check_labs(rows, ctx):
    for n, row in rows:
        for op_col, val_col, ops in (("lower_op", "lower", (">", ">=")),
                                     ("upper_op", "upper", ("<", "<="))):
            if bool(row[op_col]) != bool(row[val_col]):
                ctx.fail(n, op_col, f"{op_col} and {val_col} go together", ops)
            if row[op_col] and row[op_col] not in ops:
                ctx.fail(n, op_col, f"unknown operator {row[op_col]!r}", ops)
        if not row["lower"] and not row["upper"]:
            ctx.fail(n, "lower", "a band needs a lower or an upper bound", ["a number"])
        if row["lower"] and row["upper"] and float(row["upper"]) < float(row["lower"]):
            ctx.fail(n, "upper", "upper bound is below lower bound", [f">= {row['lower']}"])


def _check_needles(rows, ctx):
    for n, row in rows:
        for low, high in (("weight_min_kg", "weight_max_kg"), ("weight_min_lb", "weight_max_lb"),
                          ("length_min_inch", "length_max_inch"), ("gauge_min", "gauge_max")):
            if row[low] and row[high] and float(row[high]) < float(row[low]):
                ctx.fail(n, high, f"{high} is below {low}", [f">= {row[low]}"])
        if bool(row["weight_min_kg"]) != bool(row["weight_min_lb"]) or \
                bool(row["weight_max_kg"]) != bool(row["weight_max_lb"]):
            ctx.fail(n, "weight_min_kg", "kg and lb bounds must be given together",
                     ["both or neither"])


def _check_retention(rows, ctx):
    for n, row in rows:
        _check_range(ctx, n, row, "dose", "dose_max")
        _check_range(ctx, n, row, "percent", "percent_max")
        for col in ("percent", "percent_max"):
            if row[col] and float(row[col]) > 100:
                ctx.fail(n, col, f"{row[col]} is above 100%", ["0-100"])


def _check_units(rows, ctx):
    dimensions = {row["unit"]: row["dimension"] for _, row in rows}
    for n, row in rows:
        if dimensions.get(row["base_unit"]) != row["dimension"]:
            ctx.fail(n, "base_unit", f"base unit {row['base_unit']!r} is not a "
                     f"{row['dimension']} unit in this table",
                     sorted(u for u, d in dimensions.items() if d == row["dimension"]))


def _check_timeline(rows, ctx):
    for n, row in rows:
        _check_range(ctx, n, row, "time_from", "time_to")
        _check_range(ctx, n, row, "amount", "amount_max")
        if row["amount"] and not row["amount_unit"]:
            ctx.fail(n, "amount_unit", "an amount needs a unit", ["a unit"])


SCHEMAS: dict[str, Schema] = {
    "references": Schema({
        "key": _c(required=True), "citation": _c(required=True), "year": _c(), "url": _c(),
        "kind": _c("choice", "guideline", "product information", "review", "primary study",
                   "practice guide", "reference work", required=True),
        "status": _c("choice", *SOURCE_STATUSES, required=True),
        "checked": _c("date", required=True),
    }, ("key",)),
    "course_map": Schema({
        "number": _c(required=True), "slug": _c(required=True), "title": _c(required=True),
        "minutes": _c("int", required=True, positive=True), "objectives": _c(required=True),
    }, ("number",)),
    "products": Schema({
        "product_id": _c(required=True), "name": _c(required=True),
        "substance": _c("choice", "hydroxocobalamin", "cyanocobalamin", "not stated",
                        required=True),
        "region": _c("choice", *REGION, required=True),
        "form": _c("choice", "injection", "nasal spray", "tablet", required=True),
        "strength": _c("number", positive=True), "strength_unit": _c("unit", *MASS),
        "per_amount": _c("number", positive=True), "per_unit": _c("choice", "mL", "spray"),
        "routes": _c(required=True), "source": _c("source", required=True), "notes": _c(),
    }, ("product_id",), (_check_products,)),
    "regimens": Schema({
        "regimen_id": _c(required=True), "region": _c("choice", *REGION, required=True),
        "guideline": _c(required=True), "causes": _c(required=True),
        "neurological": _c("choice", "yes", "no", "any", required=True),
        "phase": _c("choice", *PHASES, required=True),
        "step": _c("int", required=True, positive=True),
        "reference": _c("choice", *YES_NO, required=True),
        "product_id": _c(), "route": _c("choice", *ROUTES),
        "dose": _c("number", positive=True), "dose_max": _c("number", positive=True),
        "dose_unit": _c("unit", *MASS), "pattern": _c("choice", *PATTERNS),
        "interval": _c("number", positive=True), "interval_max": _c("number", positive=True),
        "interval_unit": _c("unit", *TIME), "n_doses": _c("int", positive=True),
        "duration": _c("number", positive=True), "duration_max": _c("number", positive=True),
        "duration_unit": _c("unit", *TIME),
        "until": _c("choice", "no further improvement", "blood count normal"),
        "lifelong": _c("choice", "yes", "no", "not stated", required=True),
        "when": _c(),
        "status": _c("choice", "sourced", "secondary", "unverified", "superseded",
                     required=True),
        "source": _c("source", required=True), "notes": _c(),
    }, ("regimen_id",), (_check_regimens,)),
    "lab_thresholds": Schema({
        "band_id": _c(required=True), "scheme": _c(required=True),
        "analyte": _c("choice", "total_b12", "active_b12", "mma", "homocysteine", "mcv",
                      required=True),
        "region": _c("choice", *REGION, required=True), "band": _c(required=True),
        "category": _c("choice", *CATEGORIES, required=True),
        "lower_op": _c(), "lower": _c("number"), "upper_op": _c(), "upper": _c("number"),
        "unit": _c("unit", *LAB_UNITS, required=True), "source": _c("source", required=True),
        "notes": _c(),
    }, ("band_id",), (_check_labs,)),
    "causes": Schema({
        "cause_id": _c(required=True), "group": _c(required=True), "name": _c(required=True),
        "failing_step": _c("choice", "intake", "release from food", "intrinsic factor",
                           "transfer to intrinsic factor", "ileal uptake", "use in cells",
                           "several steps", required=True),
        "mechanism": _c(required=True),
        "reversible": _c("choice", "yes", "no", "depends", required=True),
        "usual_route": _c(required=True), "examples": _c(),
        "source": _c("source", required=True), "notes": _c(),
        "duration_basis": _c(), "duration_source": _c("source"),
    }, ("cause_id",)),
    "needle_lengths": Schema({
        "row_id": _c(required=True), "guide": _c(required=True),
        "site": _c("choice", "deltoid", "vastus lateralis", "ventrogluteal", "any",
                   required=True),
        "sex": _c("choice", "female", "male", "any", required=True),
        "weight_min_kg": _c("number"), "weight_max_kg": _c("number"),
        "weight_min_lb": _c("number"), "weight_max_lb": _c("number"),
        "length_min_inch": _c("number", positive=True),
        "length_max_inch": _c("number", required=True, positive=True),
        "gauge_min": _c("int", positive=True), "gauge_max": _c("int", positive=True),
        "angle_degrees": _c("number", positive=True), "condition": _c(),
        "source": _c("source", required=True), "notes": _c(),
    }, ("row_id",), (_check_needles,)),
    "injection_sites": Schema({
        "site": _c(required=True), "muscle": _c(required=True), "standing": _c(required=True),
        "landmark": _c(required=True), "advantages": _c(), "cautions": _c(),
        "source": _c("source", required=True), "notes": _c(),
    }, ("site",)),
    "site_volumes": Schema({
        "volume_id": _c(required=True),
        "site": _c("choice", "deltoid", "ventrogluteal", "vastus lateralis", "dorsogluteal",
                   "any", required=True),
        "volume_min_ml": _c("number", positive=True),
        "volume_max_ml": _c("number", required=True, positive=True),
        "source": _c("source", required=True), "notes": _c(),
    }, ("volume_id",)),
    "response_timeline": Schema({
        "event_id": _c(required=True),
        "kind": _c("choice", "response", "monitoring", "review", "prognosis", required=True),
        "measure": _c(required=True), "event": _c(required=True),
        "time_from": _c("number"), "time_to": _c("number"), "time_unit": _c("unit", *TIME),
        "amount": _c("number"), "amount_max": _c("number"), "amount_unit": _c(),
        "region": _c("choice", *REGION, required=True), "source": _c("source", required=True),
        "notes": _c(),
    }, ("event_id",), (_check_timeline,)),
    "retention": Schema({
        "row_id": _c(required=True),
        "substance": _c("choice", "hydroxocobalamin", "cyanocobalamin", "not stated",
                        required=True),
        "dose": _c("number", required=True, positive=True), "dose_max": _c("number"),
        "dose_unit": _c("unit", *MASS, required=True),
        "measure": _c("choice", "urinary loss", "retained", required=True),
        "percent": _c("number", required=True), "percent_max": _c("number"),
        "hours": _c("number", positive=True), "subjects": _c(),
        "source": _c("source", required=True), "notes": _c(),
    }, ("row_id",), (_check_retention,)),
    "units": Schema({
        "unit": _c(required=True),
        "dimension": _c("choice", "mass", "volume", "b12_concentration", "length", "weight",
                        required=True),
        "to_base": _c("number", required=True, positive=True), "base_unit": _c(required=True),
        "aliases": _c(), "source": _c("source", required=True), "notes": _c(),
    }, ("unit",), (_check_units,)),
    "requirements": Schema({
        "body": _c(required=True), "region": _c("choice", "UK", "US", "international",
                                                required=True),
        "population": _c(required=True), "mcg_per_day": _c("number", required=True,
                                                            positive=True),
        "measure": _c(required=True), "year": _c("int", required=True),
        "source": _c("source", required=True), "notes": _c(),
    }, ("body", "population")),
    "absorption_chain": Schema({
        "order": _c("int", required=True, positive=True), "step": _c(required=True),
        "label": _c(required=True), "site": _c(required=True),
        "what_happens": _c(required=True), "carrier": _c(required=True),
        "source": _c("source", required=True),
    }, ("order",)),
    "pitfalls": Schema({
        "id": _c(required=True), "pitfall": _c(required=True),
        "why_it_matters": _c(required=True), "safer_practice": _c(required=True),
        "source": _c("source", required=True),
    }, ("id",)),
    "body_stores": Schema({
        "parameter": _c(required=True), "value": _c("number", required=True),
        "value_max": _c("number"), "unit": _c("unit", "%/day", "mcg", "mg", "mcg/day", "mcg/g",
                                                required=True),
        "condition": _c(), "source": _c("source", required=True), "notes": _c(),
    }, ("parameter",)),
}

TABLES = tuple(SCHEMAS)


def _split(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(";") if part.strip()]


class _Context:
    """Per-load helpers: failing with a precise message and reading other tables' keys."""

    def __init__(self, path: Path, folder: Path):
        self.path, self.folder = path, folder

    def fail(self, row: int, column: str, problem: str, accepted) -> None:
        accepted = ", ".join(str(a) for a in accepted)
        raise DataError(f"{self.path.name}, row {row}, column '{column}': {problem}. "
                        f"Accepted: {accepted}.")

    def keys(self, table: str, column: str) -> set[str]:
        return {row[column] for _, row in _read_rows(self.folder / f"{table}.csv")[1]}


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if not path.is_file():
        raise DataError(f"{path.name}: file not found in {path.parent}.")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise DataError(f"{path.name}: the file is empty (no header row).") from None
        rows, end = [], reader.line_num
        for values in reader:
            n, end = end + 1, reader.line_num  # the file line the record starts on
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise DataError(f"{path.name}, row {n}: has {len(values)} fields but the header "
                                f"has {len(header)} (check quoting of commas).")
            rows.append((n, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    return header, rows


def _reference_keys(folder: Path) -> set[str]:
    return {row["key"] for _, row in _read_rows(folder / "references.csv")[1]}


def validate(name: str, folder: Path | None = None, *, path: Path | None = None
             ) -> list[dict[str, str]]:
    """Check a table against its schema; return its rows as text dicts or raise DataError.

    ``path`` checks another file against the named table's schema (source keys are then looked
    up in the ``references.csv`` beside it).
    """
    if name not in SCHEMAS:
        raise ValueError(f"Unknown table {name!r}. Tables: {', '.join(TABLES)}.")
    if path is not None:
        path = Path(path)
        folder = path.parent
    else:
        folder = Path(folder) if folder else data_dir()
        path = folder / f"{name}.csv"
    schema = SCHEMAS[name]
    header, rows = _read_rows(path)
    ctx = _Context(path, folder)
    missing = [c for c in schema.columns if c not in header]
    if missing:
        raise DataError(f"{path.name}, header row, column '{missing[0]}': missing column(s) "
                        f"{', '.join(missing)}. Expected columns: {', '.join(schema.columns)}.")
    refs = _reference_keys(folder) if any(c.kind == "source" for c in schema.columns.values()) \
        else set()
    seen: dict[tuple, int] = {}
    for n, row in rows:
        for column, col in schema.columns.items():
            _check_cell(ctx, n, column, col, row[column], refs)
        key = tuple(row[k] for k in schema.key)
        if key in seen:
            ctx.fail(n, schema.key[0], f"duplicate key {'/'.join(key)!r} (also row {seen[key]})",
                     ["a unique value"])
        seen[key] = n
    for check in schema.checks:
        check(rows, ctx)
    return [row for _, row in rows]


def _check_cell(ctx, n, column, col: Col, value: str, refs: set[str]) -> None:
    if not value:
        if col.required:
            ctx.fail(n, column, "value is empty", ["a value"] if not col.choices else col.choices)
        return
    if col.kind in ("number", "int"):
        try:
            number = float(value)
        except ValueError:
            ctx.fail(n, column, f"{value!r} is not a number", ["a plain number such as 1000"])
        if not math.isfinite(number):
            ctx.fail(n, column, f"{value!r} is not a finite number", ["a finite number"])
        if col.kind == "int" and number != int(number):
            ctx.fail(n, column, f"{value!r} is not a whole number", ["a whole number"])
        if number < 0 or (col.positive and number == 0):
            ctx.fail(n, column, f"{value} is not allowed here",
                     ["a number above zero" if col.positive else "zero or more"])
    elif col.kind in ("choice", "unit") and col.choices and value not in col.choices:
        what = "unit" if col.kind == "unit" else "value"
        ctx.fail(n, column, f"unknown {what} {value!r}", col.choices)
    elif col.kind == "date":
        try:
            day = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        except ValueError:  # e.g. 2026-02-30
            day = None
        if day is None:
            ctx.fail(n, column, f"{value!r} is not a date written YYYY-MM-DD",
                     ["an ISO date such as 2026-12-01"])
        if day > date.today():
            ctx.fail(n, column, f"{value} is in the future", ["today or an earlier date"])
    elif col.kind == "source":
        missing = [k for k in _split(value) if k not in refs]
        if missing:
            ctx.fail(n, column, f"source key(s) {', '.join(missing)} not in references.csv",
                     ["keys listed in references.csv, separated by '; '"])


_CACHE: dict[tuple[str, str], tuple[int, object]] = {}


def load(name: str):
    """The named table as a pandas DataFrame (validated; numbers as floats, blanks as NaN)."""
    import pandas as pd

    folder = data_dir()
    path = folder / f"{name}.csv"
    stamp = path.stat().st_mtime_ns if path.is_file() else -1
    cached = _CACHE.get((str(folder), name))
    if cached and cached[0] == stamp:
        return cached[1].copy()
    if name in SCHEMAS:
        rows = validate(name, folder)
        schema = SCHEMAS[name]
        frame = pd.DataFrame(rows, columns=list(schema.columns) + [
            c for c in (rows[0] if rows else {}) if c not in schema.columns])
        for column, col in schema.columns.items():
            if col.kind in ("number", "int"):
                frame[column] = pd.to_numeric(frame[column].replace("", None), errors="coerce")
    else:
        if not path.is_file():
            raise ValueError(f"Unknown table {name!r}. Tables: {', '.join(TABLES)}.")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    _CACHE[(str(folder), name)] = (stamp, frame)
    return frame.copy()


_RECORDS: dict[tuple[str, str], tuple[int, list]] = {}


def records(name: str) -> list[dict]:
    """The named table as a list of row dicts (cached like load(); treat them as read-only)."""
    frame = load(name)
    key = (str(data_dir()), name)
    stamp = _CACHE[key][0]
    cached = _RECORDS.get(key)
    if cached is None or cached[0] != stamp:
        cached = (stamp, frame.to_dict("records"))
        _RECORDS[key] = cached
    return cached[1]


def sources(value) -> list[str]:
    """'A; B' -> ['A', 'B']: the source keys of a row."""
    return _split(value)
