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

from b12course.sources.cells import split_keys
from b12course.sources.paths import data_dir


class DataError(ValueError):
    """A data table is malformed; the message names file, row and column."""


@dataclass(frozen=True)
class Col:
    """How one column is checked and documented.

    ``kind`` is text, number, int, choice, choices, source, unit or date (an ISO date,
    YYYY-MM-DD, not in the future). ``doc`` (what the column means), ``unit`` (of its numbers,
    or "see `other_column`"), ``glosses`` (plain words for some choices) and ``allowed`` (the
    allowed values in words, where kind and choices do not say it all; after the choices, a
    note on them) make the data dictionary in data/README.md (``b12course data-dictionary``).
    """

    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    positive: bool = False  # numbers: must be > 0 (otherwise >= 0)
    doc: str = ""
    unit: str = "-"
    allowed: str = ""
    glosses: tuple[tuple[str, str], ...] = ()

    def allowed_values(self, unique: bool = False) -> str:
        """The 'allowed values' cell of the data dictionary, from the checks and ``allowed``."""
        if self.choices:
            glosses = dict(self.glosses)
            text = "; ".join(f"{c} ({glosses[c]})" if c in glosses else c for c in self.choices)
            text += f"; {self.allowed}" if self.allowed else ""
        elif self.allowed:
            text = self.allowed
        elif self.kind in ("number", "int"):
            text = {"number": "number above zero" if self.positive else "number",
                    "int": "whole number"}[self.kind] + ("" if self.required else ", or blank")
        elif self.kind == "source":
            text = "keys in `references.csv`" + ("" if self.required else ", or blank")
        elif self.kind == "date":
            text = "ISO date `YYYY-MM-DD`, not in the future"
        else:
            text = "free text" if self.required else "free text or blank"
        return f"unique; {text}" if unique else text


@dataclass(frozen=True)
class Schema:
    """The columns of a table and the column(s) whose values must be unique together."""

    columns: dict[str, Col]
    key: tuple[str, ...]
    checks: tuple = field(default=())

    def dictionary(self) -> str:
        """The table's columns as the Markdown table of the data dictionary (data/README.md)."""
        lines = ["| column | meaning | unit | allowed values |", "|---|---|---|---|"]
        for name, col in self.columns.items():
            cells = (name, col.doc, col.unit, col.allowed_values(self.key == (name,)))
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines)


def _c(kind="text", *choices, required=False, positive=False, doc="", unit="-", allowed="",
       glosses=None) -> Col:
    return Col(kind, required, tuple(choices), positive, doc, unit, allowed,
               tuple((glosses or {}).items()))


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
        for cause in split_keys(row["causes"]):
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
        for route in split_keys(row["routes"]):
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
        "key": _c(required=True,
                  doc="short source key cited by data rows, quiz items and notebooks",
                  allowed="capitals, digits and hyphens"),
        "citation": _c(required=True,
                       doc="full citation as retrieved (authors, title, publisher, edition)"),
        "year": _c(unit="year",
                   doc="year of publication or revision, blank when the retrieved copy does not"
                       " show it",
                   allowed="four digits or blank"),
        "url": _c(doc="where the copy used was found",
                  allowed="URL or blank"),
        "kind": _c("choice", "guideline", "product information", "review", "primary study",
                   "practice guide", "reference work", required=True,
                   doc="type of source"),
        "status": _c("choice", *SOURCE_STATUSES, required=True,
                     doc="what the source itself is, as judged against the facts digest (see "
                         "below)"),
        "checked": _c("date", required=True, unit="date",
                      doc="the date the source's status and citation were last checked against "
                          "the facts digest"),
    }, ("key",)),
    "course_map": Schema({
        "number": _c(required=True,
                     doc="notebook number, two digits",
                     allowed="00-99"),
        "slug": _c(required=True,
                   doc="notebook name after the number; the file is "
                       "`notebooks/<number>_<slug>.ipynb`",
                   allowed="lower-case words joined by `_`"),
        "title": _c(required=True,
                    doc="title shown in the course map"),
        "minutes": _c("int", required=True, positive=True, unit="minutes",
                      doc="estimated teaching time of the session"),
        "objectives": _c(required=True,
                         doc="what a student will be able to do, separated by `;`"),
    }, ("number",)),
    "products": Schema({
        "product_id": _c(required=True,
                         doc="short id used by `regimens.csv` and `retention.csv`",
                         allowed="lower-case words and hyphens"),
        "name": _c(required=True,
                   doc="product as students will meet it"),
        "substance": _c("choice", "hydroxocobalamin", "cyanocobalamin", "not stated",
                        required=True,
                        doc="which cobalamin it contains"),
        "region": _c("choice", *REGION, required=True,
                     doc="where the product information comes from"),
        "form": _c("choice", "injection", "nasal spray", "tablet", required=True,
                   doc="dosage form"),
        "strength": _c("number", positive=True, unit="see `strength_unit`",
                       doc="amount of B12 in `per_amount` of the product; blank when the "
                           "sources give none"),
        "strength_unit": _c("unit", *MASS,
                            doc="unit of `strength`"),
        "per_amount": _c("number", positive=True, unit="see `per_unit`",
                         doc="how much product holds `strength`"),
        "per_unit": _c("choice", "mL", "spray",
                       doc="unit of `per_amount`"),
        "routes": _c(required=True,
                     doc="licensed routes, `; `-separated",
                     allowed="IM; deep SC; intranasal; oral"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
    }, ("product_id",), (_check_products,)),
    "regimens": Schema({
        "regimen_id": _c(required=True,
                         doc="short id of the row",
                         allowed="lower-case words and hyphens"),
        "region": _c("choice", *REGION, required=True,
                     doc="where the statement applies",
                     glosses={"any": "evidence not tied to a country"}),
        "guideline": _c(required=True,
                        doc="who says it, in plain words"),
        "causes": _c(required=True,
                     doc="causes the row applies to, `; `-separated",
                     allowed="`all`, or cause ids from `causes.csv`"),
        "neurological": _c("choice", "yes", "no", "any", required=True,
                           doc="whether the row is for people with neurological involvement. An"
                               " oral or intranasal row applies with neurological involvement "
                               "(`yes` or `any`) only as `maintenance` whose `when` starts "
                               "\"maintenance only\": every source in the course that gives a "
                               "regimen for neurological involvement starts with injections "
                               "(checked on loading)"),
        "phase": _c("choice", *PHASES, required=True,
                    doc="part of treatment the row describes",
                    glosses={
                        "prophylaxis": "prevention",
                        "treatment": "one continuous course, e.g. oral; a `reference = yes` "
                                     "treatment row is shown first in place of loading and "
                                     "maintenance, which then become alternatives",
                        "statement": "a sourced rule with no dose; a statement row naming the "
                                     "cause among a few is shown as part of that cause's plan",
                    }),
        "step": _c("int", required=True, positive=True,
                   doc="order of the row within its phase (graded loading courses have several "
                       "steps)",
                   allowed="1, 2, 3 ..."),
        "reference": _c("choice", *YES_NO, required=True,
                        doc="`yes` marks the rows `recommend()` shows first for its region, "
                            "cause and neurological status: a teaching default, not a clinical "
                            "ranking; the other rows are shown as alternatives. Never `yes` on "
                            "an unverified or superseded row (checked on loading)"),
        "product_id": _c(doc="the product",
                         allowed="id from `products.csv`, or blank for statements"),
        "route": _c("choice", *ROUTES,
                    doc="route of administration",
                    allowed="blank for statements"),
        "dose": _c("number", positive=True, unit="see `dose_unit`",
                   doc="dose per administration (lower end when a range)",
                   allowed="number above zero, or blank when the source gives none"),
        "dose_max": _c("number", positive=True, unit="see `dose_unit`",
                       doc="upper end of a dose range",
                       allowed="number, or blank"),
        "dose_unit": _c("unit", *MASS,
                        doc="unit of `dose` and `dose_max`, as written by the source"),
        "pattern": _c("choice", *PATTERNS,
                      doc="how often",
                      glosses={"every": "then see `interval`"}),
        "interval": _c("number", positive=True, unit="see `interval_unit`",
                       doc="time between doses when `pattern` is `every` (lower end of a range)"),
        "interval_max": _c("number", positive=True, unit="see `interval_unit`",
                           doc="upper end of an interval range (e.g. every 2-3 months)",
                           allowed="number, or blank"),
        "interval_unit": _c("unit", *TIME,
                            doc="unit of `interval`"),
        "n_doses": _c("int", positive=True, unit="doses",
                      doc="fixed number of doses in the phase"),
        "duration": _c("number", positive=True, unit="see `duration_unit`",
                       doc="how long the phase lasts (lower end of a range)",
                       allowed="number, or blank"),
        "duration_max": _c("number", positive=True, unit="see `duration_unit`",
                           doc="upper end of a duration range",
                           allowed="number, or blank"),
        "duration_unit": _c("unit", *TIME,
                            doc="unit of `duration`"),
        "until": _c("choice", "no further improvement", "blood count normal",
                    doc="end point of an open-ended phase",
                    allowed="blank"),
        "lifelong": _c("choice", "yes", "no", "not stated", required=True,
                       doc="whether the source says the phase is for life"),
        "when": _c(doc="condition for using the row, in plain words"),
        "status": _c("choice", "sourced", "secondary", "unverified", "superseded", required=True,
                     doc="how firmly the row is sourced",
                     glosses={
                         "secondary": "the digest marks it as a secondary reproduction",
                         "unverified": "could not be confirmed: never taught as fact, and "
                                       "carries no numbers",
                         "superseded": "wording the source has replaced, e.g. a consultation "
                                       "draft: kept as history only, never shown first or "
                                       "offered as an option",
                     }),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students; for statement rows, what the source"
                        " states"),
    }, ("regimen_id",), (_check_regimens,)),
    "lab_thresholds": Schema({
        "band_id": _c(required=True,
                      doc="short id of the band",
                      allowed="lower-case words and hyphens"),
        "scheme": _c(required=True,
                     doc="whose bands these are (guideline, society or laboratory); a scheme "
                         "whose source has been superseded ends in ` (historical)`",
                     allowed="e.g. NICE-NG239; BSH-CKS (historical); NBT-B12; RUH-2024; "
                             "RUH-2023 (historical); UCSF; PRACTNEUROL-N2O; STABLER-2013; "
                             "VEGANHEALTH-LAB; WIKI-B12DEF-2016; MCV"),
        "analyte": _c("choice", "total_b12", "active_b12", "mma", "homocysteine", "mcv",
                      required=True,
                      doc="what the test measures"),
        "region": _c("choice", *REGION, required=True,
                     doc="where the scheme comes from"),
        "band": _c(required=True,
                   doc="the scheme's wording for the band (paraphrased)"),
        "category": _c("choice", *CATEGORIES, required=True,
                       doc="the course's common category for comparing schemes; `not stated` "
                           "when the source gives the band (or a cut-off or range) but no "
                           "interpretation of it, so the course assigns none",
                       glosses={"unlikely": "deficiency unlikely"}),
        "lower_op": _c(doc="how the lower bound is applied",
                       allowed="`>`; `>=`; blank (no lower bound)"),
        "lower": _c("number", unit="see `unit`",
                    doc="lower bound"),
        "upper_op": _c(doc="how the upper bound is applied",
                       allowed="`<`; `<=`; blank (no upper bound)"),
        "upper": _c("number", unit="see `unit`",
                    doc="upper bound"),
        "unit": _c("unit", *LAB_UNITS, required=True,
                   doc="unit the scheme uses (other units are converted in code)"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English caveats for students"),
    }, ("band_id",), (_check_labs,)),
    "causes": Schema({
        "cause_id": _c(required=True,
                       doc="short id",
                       allowed="lower-case words joined by `_`"),
        "group": _c(required=True,
                    doc="the main cause this row belongs to (equal to `cause_id` for the eight "
                        "main causes)",
                    allowed="autoimmune_gastritis; dietary; gastrectomy; bariatric_surgery; "
                            "ileal_resection; nitrous_oxide; metformin; other_malabsorption"),
        "name": _c(required=True,
                   doc="plain-English name"),
        "failing_step": _c("choice", "intake", "release from food", "intrinsic factor",
                           "transfer to intrinsic factor", "ileal uptake", "use in cells",
                           "several steps", required=True,
                           doc="step of the absorption chain that fails (matches "
                               "`absorption_chain.csv` `step`)"),
        "mechanism": _c(required=True,
                        doc="how the step fails, in plain words"),
        "reversible": _c("choice", "yes", "no", "depends", required=True,
                         doc="whether the cause can usually be reversed"),
        "usual_route": _c(required=True,
                          doc="the usual route of replacement according to the sources"),
        "examples": _c(doc="examples and context"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
        "duration_basis": _c(doc="why treatment is lifelong or not for this cause, as "
                                 "`recommend()` prints it under \"How long\": the course's "
                                 "reasoning, labelled as the course's, then what the sources in"
                                 " `duration_source` say",
                             allowed="free text, or blank for the grouped causes"),
        "duration_source": _c("source",
                              doc="source key(s) for `duration_basis`: sources that speak about"
                                  " how long treatment lasts",
                              allowed="keys in `references.csv`, separated by `; `, or blank"),
    }, ("cause_id",)),
    "needle_lengths": Schema({
        "row_id": _c(required=True,
                     doc="short id of the row",
                     allowed="lower-case words and hyphens"),
        "guide": _c(required=True,
                    doc="which table the row comes from",
                    allowed="e.g. CDC/Immunize.org adult IM table; UK GP self-injection guide "
                            "(hydroxocobalamin)"),
        "site": _c("choice", "deltoid", "vastus lateralis", "ventrogluteal", "any", required=True,
                   doc="injection site",
                   glosses={"any": "site not stated"}),
        "sex": _c("choice", "female", "male", "any", required=True,
                  doc="who the row is for"),
        "weight_min_kg": _c("number", unit="kg",
                            doc="lower weight bound"),
        "weight_max_kg": _c("number", unit="kg",
                            doc="upper weight bound"),
        "weight_min_lb": _c("number", unit="lb",
                            doc="lower weight bound as the source writes it"),
        "weight_max_lb": _c("number", unit="lb",
                            doc="upper weight bound as the source writes it"),
        "length_min_inch": _c("number", positive=True, unit="inch",
                              doc="shortest suitable needle"),
        "length_max_inch": _c("number", required=True, positive=True, unit="inch",
                              doc="longest suitable needle"),
        "gauge_min": _c("int", positive=True, unit="gauge",
                        doc="finest-numbered gauge in the range (larger number = thinner "
                            "needle)"),
        "gauge_max": _c("int", positive=True, unit="gauge",
                        doc="highest gauge number in the range"),
        "angle_degrees": _c("number", positive=True, unit="degrees",
                            doc="angle of insertion to the skin",
                            allowed="number, or blank"),
        "condition": _c(doc="when the row's shorter option applies"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
    }, ("row_id",), (_check_needles,)),
    "injection_sites": Schema({
        "site": _c(required=True,
                   doc="site name",
                   allowed="deltoid; ventrogluteal; vastus lateralis; dorsogluteal"),
        "muscle": _c(required=True,
                     doc="the muscle injected, in plain words"),
        "standing": _c(required=True,
                       doc="how the sources rank the site, and who says so"),
        "landmark": _c(required=True,
                       doc="how to find the site"),
        "advantages": _c(doc="why a source favours it"),
        "cautions": _c(doc="risks and disagreements"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
    }, ("site",)),
    "site_volumes": Schema({
        "volume_id": _c(required=True,
                        doc="short id of the row",
                        allowed="lower-case words and hyphens"),
        "site": _c("choice", "deltoid", "ventrogluteal", "vastus lateralis", "dorsogluteal",
                   "any", required=True,
                   doc="site the figure applies to"),
        "volume_min_ml": _c("number", positive=True, unit="mL",
                            doc="lower end when the source gives a range"),
        "volume_max_ml": _c("number", required=True, positive=True, unit="mL",
                            doc="the suggested largest volume (upper end of a range)"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
    }, ("volume_id",)),
    "response_timeline": Schema({
        "event_id": _c(required=True,
                       doc="short id of the row",
                       allowed="lower-case words and hyphens"),
        "kind": _c("choice", "response", "monitoring", "review", "prognosis", required=True,
                   doc="type of row",
                   glosses={
                       "response": "expected change",
                       "monitoring": "what to check",
                       "review": "planned review",
                       "prognosis": "outlook",
                   }),
        "measure": _c(required=True,
                      doc="what is observed or checked"),
        "event": _c(required=True,
                    doc="what happens or what to do, in plain words"),
        "time_from": _c("number", unit="see `time_unit`",
                        doc="start of the time window (or the single time point)"),
        "time_to": _c("number", unit="see `time_unit`",
                      doc="end of the time window; blank for a single time point"),
        "time_unit": _c("unit", *TIME,
                        doc="unit of `time_from` and `time_to`"),
        "amount": _c("number", unit="see `amount_unit`",
                     doc="size of a change or a share of patients (lower end of a range)"),
        "amount_max": _c("number", unit="see `amount_unit`",
                         doc="upper end of the amount range"),
        "amount_unit": _c(doc="unit of `amount`",
                          allowed="e.g. g/dL; % of patients"),
        "region": _c("choice", *REGION, required=True,
                     doc="where the statement applies"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
    }, ("event_id",), (_check_timeline,)),
    "retention": Schema({
        "row_id": _c(required=True,
                     doc="short id of the row",
                     allowed="lower-case words and hyphens"),
        "substance": _c("choice", "hydroxocobalamin", "cyanocobalamin", "not stated",
                        required=True,
                        doc="which cobalamin was injected"),
        "dose": _c("number", required=True, positive=True, unit="see `dose_unit`",
                   doc="dose injected (lower end when a range)"),
        "dose_max": _c("number", unit="see `dose_unit`",
                       doc="upper end of a dose range"),
        "dose_unit": _c("unit", *MASS, required=True,
                        doc="unit of `dose`"),
        "measure": _c("choice", "urinary loss", "retained", required=True,
                      doc="what `percent` reports"),
        "percent": _c("number", required=True, unit="%",
                      doc="the reported share of the dose (lower end of a range)",
                      allowed="0-100"),
        "percent_max": _c("number", unit="%",
                          doc="upper end of a range",
                          allowed="0-100, or blank"),
        "hours": _c("number", positive=True, unit="hours",
                    doc="observation window after the injection",
                    allowed="number, or blank when not stated"),
        "subjects": _c(doc="who was studied"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
    }, ("row_id",), (_check_retention,)),
    "units": Schema({
        "unit": _c(required=True,
                   doc="canonical unit name",
                   allowed="e.g. mcg; mg; mL; ng/L; pmol/L; mm; inch; kg; lb"),
        "dimension": _c("choice", "mass", "volume", "b12_concentration", "length", "weight",
                        required=True,
                        doc="what the unit measures; only units of the same dimension convert"),
        "to_base": _c("number", required=True, positive=True, unit="see `base_unit`",
                      doc="multiply by this to get `base_unit`",
                      allowed="positive number"),
        "base_unit": _c(required=True,
                        doc="the dimension's base unit",
                        allowed="a `unit` of the same dimension"),
        "aliases": _c(doc="other spellings accepted when parsing, separated by `|`",
                      allowed="free text"),
        "source": _c("source", required=True,
                     doc="source key(s) for the factor, `; `-separated"),
        "notes": _c(doc="plain-English note"),
    }, ("unit",), (_check_units,)),
    "requirements": Schema({
        "body": _c(required=True,
                   doc="who set the figure"),
        "region": _c("choice", "UK", "US", "international", required=True,
                     doc="where it applies"),
        "population": _c(required=True,
                         doc="who the figure is for",
                         allowed="adult men and women; adults; pregnancy; lactation"),
        "mcg_per_day": _c("number", required=True, positive=True, unit="micrograms per day",
                          doc="the figure",
                          allowed="positive number"),
        "measure": _c(required=True,
                      doc="what kind of figure it is",
                      allowed="e.g. Reference Nutrient Intake (RNI); Recommended Dietary "
                              "Allowance (RDA)"),
        "year": _c("int", required=True, unit="year",
                   doc="year the figure was set",
                   allowed="four digits"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="context for the row"),
    }, ("body", "population")),
    "absorption_chain": Schema({
        "order": _c("int", required=True, positive=True,
                    doc="position in the chain",
                    allowed="1, 2, 3 ..."),
        "step": _c(required=True,
                   doc="step name; matches `causes.csv` `failing_step` where a cause can break "
                       "it",
                   allowed="intake; release from food; intrinsic factor; transfer to intrinsic "
                           "factor; ileal uptake; transport; use in cells"),
        "label": _c(required=True,
                    doc="plain-English name of the step"),
        "site": _c(required=True,
                   doc="where it happens"),
        "what_happens": _c(required=True,
                           doc="what happens at this step"),
        "carrier": _c(required=True,
                      doc="the protein B12 travels on at this step",
                      allowed="free text, or `-` for none"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
    }, ("order",)),
    "pitfalls": Schema({
        "id": _c(required=True,
                 doc="short name of the pitfall",
                 allowed="lower-case words joined by `_`"),
        "pitfall": _c(required=True,
                      doc="the error, in a few words"),
        "why_it_matters": _c(required=True,
                             doc="the cited fact that makes it an error"),
        "safer_practice": _c(required=True,
                             doc="what to do instead"),
        "source": _c("source", required=True,
                     doc="source key(s) for the row",
                     allowed="keys in `references.csv`, separated by `; `"),
    }, ("id",)),
    "body_stores": Schema({
        "parameter": _c(required=True,
                        doc="name of the parameter",
                        allowed="lower-case words joined by `_`"),
        "value": _c("number", required=True, unit="see `unit`",
                    doc="the figure (lower end when a range)"),
        "value_max": _c("number", unit="see `unit`",
                        doc="upper end of a range"),
        "unit": _c("unit", "%/day", "mcg", "mg", "mcg/day", "mcg/g", required=True,
                   doc="unit of `value`"),
        "condition": _c(doc="when the figure applies"),
        "source": _c("source", required=True,
                     doc="source key(s), `; `-separated"),
        "notes": _c(doc="plain-English points for students"),
    }, ("parameter",)),
    "synthetic_trajectories": Schema({
        "patient_id": _c(required=True, doc="synthetic patient", allowed="P01-P08"),
        "synthetic": _c("choice", "yes", required=True, doc="marks every row as invented"),
        "cause": _c(required=True, doc="the cause written into the synthetic case",
                    allowed="a cause id, or `not_b12_deficiency`"),
        "pattern": _c("choice", "expected", "iron_deficiency_unmasked", "no_response",
                      required=True, doc="the kind of response the case shows"),
        "day": _c("int", required=True, unit="days", doc="days since the first injection",
                  allowed="0-84"),
        "measure": _c("choice", "hb", "reticulocytes", "wbc", "platelets", "mcv", required=True,
                      doc="what was measured"),
        "value": _c("number", required=True, unit="see `unit`", doc="the synthetic result"),
        "unit": _c("unit", "g/dL", "relative", "% of usual", "fL", required=True,
                   doc="unit of `value`"),
        "source": _c("source", required=True,
                     doc="source key(s) of the timeline rows that shaped this measure",
                     allowed="keys in `references.csv`, separated by `; `"),
    }, ("patient_id", "day", "measure")),
}

TABLES = tuple(SCHEMAS)




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
        missing = [k for k in split_keys(value) if k not in refs]
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


def row(name: str, column: str, key, what: str | None = None) -> dict:
    """The row of table ``name`` whose ``column`` is ``key``, as a dict (like :func:`records`).

    An unknown key raises a ValueError that names the table and lists its keys, e.g.
    "Unknown product 'x' in products.csv. Products: ohcbl-inj-uk, ..." (``what`` names a key).
    """
    rows = records(name)
    for item in rows:
        if item[column] == key:
            return dict(item)
    listed = f"{what[:1].upper()}{what[1:]}s" if what else f"Known {column} values"
    known = ", ".join(str(item[column]) for item in rows)
    raise ValueError(f"Unknown {what or column} {key!r} in {name}.csv. {listed}: {known}.")
