"""Regimens by cause: what the cited sources say, side by side, and a dated schedule for teaching.

``recommend(cause, neurological, region)`` reads ``data/regimens.csv`` and returns a
:class:`Regimen`: the loading and maintenance phases the course shows first for that region (a
teaching default marked ``reference = yes`` in the table, not a clinical ranking), every other
sourced option as ``alternatives``, and an ``uncertainty`` text wherever the sources give no single
answer. Education only: never use it to dose a patient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from b12course.sources.cells import is_blank
from b12course.sources.references import join_keys, split_keys

CAUSES = ("autoimmune_gastritis", "dietary", "gastrectomy", "bariatric_surgery",
          "ileal_resection", "nitrous_oxide", "metformin", "other_malabsorption")
REGIONS = ("UK", "US")
RANGES = ("lower", "upper")
_NEURO_WORDS = {True: "with neurological involvement", False: "without neurological involvement"}


def _num(value):
    return None if is_blank(value) else float(value)


def _g(value) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Phase:
    """One row of regimens.csv: a dose, route and pattern for one phase, with its sources."""

    regimen_id: str
    guideline: str
    region: str
    phase: str
    step: int
    product_id: str
    product: str
    route: str
    dose_mcg: float | None
    dose_max_mcg: float | None
    dose_as_written: str
    pattern: str
    interval: float | None
    interval_max: float | None
    interval_unit: str
    n_doses: int | None
    duration: float | None
    duration_max: float | None
    duration_unit: str
    until: str
    lifelong: str
    when: str
    status: str
    sources: tuple[str, ...]
    notes: str

    @property
    def source(self) -> str:
        """The source keys as written in the table ('A; B')."""
        return "; ".join(self.sources)

    @property
    def open_ended(self) -> bool:
        """True when the phase has no fixed number of doses or duration."""
        return self.n_doses is None and self.duration is None

    @property
    def review_point(self) -> str:
        """When an open-ended phase is reviewed or ends, in the source's words."""
        if self.until:
            return f"until {self.until}"
        if self.phase in ("maintenance", "prophylaxis"):
            return "for life" if self.lifelong == "yes" else "ongoing, with no end stated"
        return ""

    @property
    def pattern_text(self) -> str:
        """'three times a week', 'every 2-3 months', 'every month' ..."""
        if self.pattern != "every":
            return self.pattern
        unit = self.interval_unit
        if self.interval_max is None:
            if self.interval == 1:
                return f"every {unit}"
            return f"every {_g(self.interval)} {unit}s"
        return f"every {_g(self.interval)}-{_g(self.interval_max)} {unit}s"

    @property
    def dose_text(self) -> str:
        """The dose as written by the source, with micrograms alongside when it is in mg."""
        if self.dose_mcg is None:
            return "dose not stated"
        mcg = _g(self.dose_mcg) + ("" if self.dose_max_mcg is None
                                   else f"-{_g(self.dose_max_mcg)}")
        if self.dose_as_written.endswith(" mcg"):
            return f"{mcg} micrograms"
        return f"{self.dose_as_written} ({mcg} micrograms)"

    @property
    def length_text(self) -> str:
        """'for 2 weeks', 'for 7 doses', 'until no further improvement' or ''."""
        if self.n_doses is not None:
            return f"for {self.n_doses} doses"
        if self.duration is not None:
            span = _g(self.duration) + ("" if self.duration_max is None
                                        else f"-{_g(self.duration_max)}")
            plural = "" if self.duration == 1 and self.duration_max is None else "s"
            return f"for {span} {self.duration_unit}{plural}"
        return self.review_point

    def describe(self, open_end: bool = True) -> str:
        """One plain-English line, e.g. '1 mg (1000 micrograms) IM every 2 months [KEY]'.

        A row whose source gives no dose reads e.g. 'Oral B12, dose not given by the source'; the
        situation the row is for follows after a semicolon, never in a second bracket.
        ``open_end=False`` leaves out 'ongoing, with no end stated' where a 'How long' line
        follows, so a plan never says 'no end stated' just above 'for life'.
        """
        return f"{self._wording(open_end)} [{self.source}]"

    def attributed(self, open_end: bool = True) -> str:
        """The line with who says it, e.g. '1 mg ... every 3 months (NHS Scotland East formulary)
        [KEY]'.

        The guideline's own brackets become commas, so no bracket sits inside another.
        """
        return f"{self._wording(open_end)} ({who(self.guideline)}) [{self.source}]"

    def _wording(self, open_end: bool = True) -> str:
        length = self.length_text if open_end or not self.open_ended else ""
        if self.dose_mcg is None:
            route = self.route[:1].upper() + self.route[1:] if self.route.islower() \
                else self.route
            parts = [f"{route} B12", self.pattern_text if self.pattern else "", length]
        else:
            parts = [self.dose_text, self.route, self.pattern_text if self.pattern else "",
                     length]
        text = " ".join(p for p in parts if p)
        if self.dose_mcg is None:
            text += ", dose not given by the source"
        if self.when:
            text += f"; {self.when}"
        return text

    def doses_in_phase(self, ranges: str = "lower") -> int | None:
        """How many doses a fixed-length phase gives (DERIVED by ``clinical.schedule``)."""
        from b12course.clinical import schedule

        if self.n_doses is not None or self.duration is None or not self.pattern:
            return self.n_doses
        return schedule.course(self, ranges).count()


@dataclass(frozen=True)
class Regimen:
    """What the sources say for one cause, neurological status and region."""

    cause: str
    neurological: bool
    region: str
    loading: tuple[Phase, ...]
    maintenance: Phase | None
    prophylaxis: tuple[Phase, ...] = ()
    alternatives: tuple[Phase, ...] = ()
    statements: tuple[Phase, ...] = ()
    unverified: tuple[Phase, ...] = ()
    uncertainty: str = ""
    lifelong: str = "depends"
    lifelong_note: str = ""
    review: str = ""
    notes: tuple[str, ...] = field(default=())
    # A continuous course shown first in place of loading and maintenance (e.g. the US label's
    # oral B12 for people who absorb normally); empty for injection plans.
    treatment: tuple[Phase, ...] = ()
    # Statement rows written for this cause (e.g. stop nitrous oxide, offer support): part of
    # the plan, shown with it, not tucked away among the alternatives.
    actions: tuple[Phase, ...] = ()
    # Wording a source has replaced (e.g. a consultation draft): history only, never offered.
    superseded: tuple[Phase, ...] = ()

    @property
    def phases(self) -> tuple[Phase, ...]:
        """The phases shown first: a continuous course, or loading steps then maintenance."""
        return self.treatment + self.loading + ((self.maintenance,) if self.maintenance else ())

    @property
    def sources(self) -> list[str]:
        """Every source key behind this answer, without repeats."""
        keys = [k for p in (*self.phases, *self.prophylaxis, *self.alternatives,
                            *self.statements, *self.unverified, *self.superseded)
                for k in p.sources]
        return list(dict.fromkeys(keys))

    @property
    def prevention(self) -> str:
        """The one prevention line shown, with who says it and any source giving the same; the
        sources whose dose or interval differ are under "where sources differ"."""
        if not self.prophylaxis:
            return ""
        shown, *others = self.prophylaxis
        same = [f"{p.guideline} [{p.source}]" for p in others if _same_dose(p, shown)]
        return (shown.attributed(open_end=not self.lifelong_note)
                + ("; the same in " + "; ".join(same) if same else ""))

    def summary(self) -> str:
        """A short plain-English account, with sources, for notebooks."""
        lines = [f"{cause_name(self.cause)}, {_NEURO_WORDS[self.neurological]}, "
                 f"{self.region} (for education only):"]
        open_end = not self.lifelong_note  # a 'How long' line says how long: no 'no end stated'
        lines += [f"- Shown first: {p.describe(open_end)}" for p in self.treatment]
        lines += [f"- Loading, step {p.step}: {p.describe()}" if len(self.loading) > 1
                  else f"- Loading: {p.describe()}" for p in self.loading]
        if self.maintenance:
            lines.append(f"- Maintenance: {self.maintenance.describe(open_end)}")
        if self.prophylaxis:  # one line; sources with a different dose or interval: "differ"
            lines.append(f"- Prevention: {self.prevention}")
        lines += [f"- Also part of the plan ({who(p.guideline)}): {p.notes} [{p.source}]"
                  for p in self.actions]
        if self.lifelong_note:
            lines.append(f"- How long: {self.lifelong_note}")
        if self.review:
            lines.append(f"- Review: {self.review}")
        if self.uncertainty:
            lines.append(f"- Where sources differ: {self.uncertainty}")
        return "\n".join(lines)

    def table(self):
        """Every phase and alternative as a DataFrame (role, guideline, dose, pattern, source)."""
        import pandas as pd

        rows = []
        for role, items in (("shown first", self.phases), ("prevention", self.prophylaxis),
                            ("alternative", self.alternatives)):
            for p in items:
                rows.append({"role": role, "guideline": p.guideline, "phase": p.phase,
                             "step": p.step, "dose": p.dose_text, "route": p.route,
                             "pattern": p.pattern_text, "length": p.length_text,
                             "when": p.when, "source": p.source})
        return pd.DataFrame(rows)

    def schedule(self, start, days: int, ranges: str = "lower",
                 open_phase_days: int | None = None):
        """Dated doses from ``start`` for ``days`` days (columns date, dose_mcg, product, ...).

        Each phase's first dose falls one of its own intervals after the previous phase's last
        dose. A range in the sources (250-1000 micrograms, every 2-3 months, for 6-7 days) is
        taken at its ``ranges`` end ("lower" or "upper"): the sources leave that choice to the
        prescriber. An open-ended phase ("until no further improvement") runs for
        ``open_phase_days`` days, or to the end of the window when that is None.
        """
        return build_schedule(self.phases, start, days, ranges, open_phase_days)


# ------------------------------------------------------------------------------ schedules


def _course(phase: Phase, ranges: str, open_phase_days: int | None):
    """The phase as a ``clinical.schedule`` Course; an open loading phase may get a length."""
    import dataclasses

    from b12course.clinical import schedule

    item = schedule.course(phase, ranges)
    if item.open_ended and open_phase_days and phase.phase in ("loading", "treatment"):
        item = dataclasses.replace(item, duration=open_phase_days, duration_unit="day")
    return item


def build_schedule(phases, start, days: int, ranges: str = "lower",
                   open_phase_days: int | None = None):
    """Dated doses for a sequence of phases (see :meth:`Regimen.schedule`).

    The dates come from :mod:`b12course.clinical.schedule`, the course's one dose-date engine
    (its docstring states the DERIVED conventions: first dose on the start day, calendar months,
    end-exclusive windows, the next phase one of its own intervals after the last dose).
    """
    import pandas as pd

    from b12course.clinical import schedule

    schedule.pick(None, None, ranges)  # validates ranges
    days = schedule.positive_days(days, "days")
    if open_phase_days is not None:
        open_phase_days = schedule.positive_days(open_phase_days, "open_phase_days")
    start = schedule.as_date(start)
    usable = []
    for phase in phases:  # a phase without a dose or pattern ends the dated part of the plan
        if phase.dose_mcg is None or not phase.pattern:
            break
        usable.append(phase)
    dated = schedule.chain(start, [_course(p, ranges, open_phase_days) for p in usable],
                           days=days)
    rows = []
    for phase, dates in zip(usable, dated, strict=True):
        dose = schedule.pick(phase.dose_mcg, phase.dose_max_mcg, ranges)
        for when in dates:
            rows.append({"date": pd.Timestamp(when), "dose_mcg": dose, "product": phase.product,
                         "route": phase.route, "phase": phase.phase,
                         "product_id": phase.product_id, "regimen_id": phase.regimen_id,
                         "source": phase.source})
    columns = ["date", "dose_mcg", "product", "route", "phase", "product_id", "regimen_id",
               "source"]
    return pd.DataFrame(rows, columns=columns)


# ------------------------------------------------------------------------------ recommend


def _frames():
    """(regimen rows, products by id, causes by id) as plain dicts (cached by data.records)."""
    from b12course.sources import data

    return (data.records("regimens"),
            {p["product_id"]: p for p in data.records("products")},
            {c["cause_id"]: c for c in data.records("causes")})


def cause_name(cause: str) -> str:
    """The plain-English name of a cause from causes.csv."""
    row = _frames()[2].get(cause)
    return row["name"] if row else cause


def causes():
    """The eight causes recommend() accepts, with mechanism and usual route (from causes.csv)."""
    from b12course.sources import data

    frame = data.load("causes")
    return frame[frame["cause_id"].isin(CAUSES)].reset_index(drop=True)


def _phase_from_row(row, products) -> Phase:
    from b12course.sources import units

    product = products.get(row["product_id"])
    dose = _num(row["dose"])
    dose_max = _num(row["dose_max"])
    unit = row["dose_unit"]
    as_written = ""
    if dose is not None:
        as_written = _g(dose) + ("" if dose_max is None else f"-{_g(dose_max)}") + f" {unit}"
        dose = units.convert(dose, unit, "mcg")
        dose_max = None if dose_max is None else units.convert(dose_max, unit, "mcg")
    return Phase(
        regimen_id=row["regimen_id"], guideline=row["guideline"], region=row["region"],
        phase=row["phase"], step=int(row["step"]), product_id=row["product_id"],
        product=product["name"] if product else "",
        route=row["route"], dose_mcg=dose, dose_max_mcg=dose_max, dose_as_written=as_written,
        pattern=row["pattern"], interval=_num(row["interval"]),
        interval_max=_num(row["interval_max"]), interval_unit=row["interval_unit"],
        n_doses=None if is_blank(row["n_doses"]) else int(row["n_doses"]),
        duration=_num(row["duration"]), duration_max=_num(row["duration_max"]),
        duration_unit=row["duration_unit"], until=row["until"], lifelong=row["lifelong"],
        when=row["when"], status=row["status"],
        sources=tuple(split_keys(row["source"])),
        notes=row["notes"],
    )


def phase(regimen_id: str) -> Phase:
    """One row of regimens.csv as a Phase (for notebooks that show a specific source)."""
    from b12course.sources import data

    return _phase_from_row(data.row("regimens", "regimen_id", regimen_id, what="regimen_id"),
                           _frames()[1])


def _check(cause, neurological, region) -> tuple[str, bool, str]:
    if cause not in CAUSES:
        raise ValueError(f"Unknown cause {cause!r}. Accepted causes: {', '.join(CAUSES)}.")
    if type(neurological).__module__ == "numpy" and hasattr(neurological, "dtype") \
            and neurological.dtype.kind == "b":  # numpy booleans from pandas
        neurological = bool(neurological)
    if isinstance(neurological, str):
        words = {"yes": True, "true": True, "no": False, "false": False}
        if neurological.strip().lower() not in words:
            raise ValueError(f"neurological must be True or False (yes/no), not {neurological!r}.")
        neurological = words[neurological.strip().lower()]
    if not isinstance(neurological, bool):
        raise ValueError(f"neurological must be True or False, not {neurological!r}.")
    if not isinstance(region, str) or region.strip().upper() not in REGIONS:
        raise ValueError(f"Unknown region {region!r}. Accepted regions: {', '.join(REGIONS)}.")
    return cause, neurological, region.strip().upper()


def _applies(row, cause: str, neurological: bool, region: str) -> bool:
    causes = split_keys(row["causes"])
    neuro = "yes" if neurological else "no"
    return (row["region"] in (region, "any") and ("all" in causes or cause in causes)
            and row["neurological"] in ("any", neuro))


def _is_specific(row, cause: str) -> bool:
    """True when a row names this cause among a few (not 'all', not 'all but one')."""
    causes = split_keys(row["causes"])
    return cause in causes and len(causes) <= len(CAUSES) // 2


def _specificity(row, cause: str) -> int:
    return 2 * _is_specific(row, cause) + (row["neurological"] != "any")


def _pick_reference(rows, phase_name: str, cause: str):
    candidates = [r for r in rows if r["phase"] == phase_name and r["reference"] == "yes"]
    if not candidates:
        return []
    best = max(_specificity(r, cause) for r in candidates)
    chosen = [r for r in candidates if _specificity(r, cause) == best]
    return sorted(chosen, key=lambda r: int(r["step"]))


def recommend(cause: str, neurological: bool, region: str = "UK") -> Regimen:
    """What the sources say for a cause (see CAUSES), neurological status and region (UK/US)."""
    cause, neurological, region = _check(cause, neurological, region)
    all_rows, products, causes_by_id = _frames()
    rows = [r for r in all_rows if _applies(r, cause, neurological, region)]
    # unverified rows are never taught; superseded wording (e.g. a consultation draft) is kept
    # only as history: neither is ever shown first or offered as an option.
    usable = [r for r in rows if r["status"] not in ("unverified", "superseded")]
    # A reference continuous course (phase 'treatment') is shown first on its own, in place of
    # the injection loading and maintenance, which then become alternatives.
    treatment_rows = _pick_reference(usable, "treatment", cause)
    loading_rows = [] if treatment_rows else _pick_reference(usable, "loading", cause)
    maint_rows = [] if treatment_rows else _pick_reference(usable, "maintenance", cause)
    chosen_ids = {r["regimen_id"] for r in treatment_rows + loading_rows + maint_rows}

    def phases(selected):
        return tuple(_phase_from_row(r, products) for r in selected)

    treatment = phases(treatment_rows)
    loading = phases(loading_rows)
    maintenance = phases(maint_rows)[0] if maint_rows else None
    prophylaxis = phases(sorted((r for r in usable if r["phase"] == "prophylaxis"),
                                key=lambda r: r["reference"] != "yes"))
    alternatives = phases([r for r in usable if r["regimen_id"] not in chosen_ids
                           and r["phase"] in ("loading", "maintenance", "treatment")])
    statement_rows = [r for r in usable if r["phase"] == "statement"]
    statements = phases(statement_rows)
    actions = phases([r for r in statement_rows if _is_specific(r, cause)])
    unverified = phases([r for r in rows if r["status"] == "unverified"])
    superseded = phases([r for r in rows if r["status"] == "superseded"])
    cause_row = causes_by_id[cause]
    lifelong, lifelong_note = _lifelong(cause_row, maintenance, statements, region)
    uncertainty = _uncertainty(cause, neurological, region, rows, loading, maintenance,
                               alternatives, unverified, treatment, prophylaxis,
                               open_end=not lifelong_note)
    return Regimen(
        cause=cause, neurological=neurological, region=region, loading=loading,
        maintenance=maintenance, prophylaxis=prophylaxis, alternatives=alternatives,
        statements=statements, unverified=unverified, uncertainty=uncertainty,
        lifelong=lifelong, lifelong_note=lifelong_note, review=_review(region),
        notes=tuple(f"{p.notes} [{p.source}]" for p in statements),
        treatment=treatment, actions=actions, superseded=superseded,
    )


def _lifelong(cause_row, maintenance, statements, region) -> tuple[str, str]:
    """(lifelong, note): the note gives the course's reasoning, labelled as such, then what the
    sources in causes.csv ``duration_source`` say (plus a first-shown maintenance row that itself
    says 'for life'), so no source is cited for a duration it does not state."""
    basis = cause_row.get("duration_basis") or ""
    keys = join_keys(cause_row.get("duration_source") or "",
                     maintenance.sources if maintenance and maintenance.lifelong == "yes" else [])
    cite = f" [{keys}]" if keys else ""
    if cause_row["reversible"] == "no":
        return "yes", f"for life: {basis}{cite}"
    if cause_row["reversible"] == "yes":
        return "depends", f"while the cause persists: {basis}{cite}"
    return "depends", f"depends on whether the cause persists: {basis}{cite}"


def _review(region: str) -> str:
    from b12course.sources import data

    rows = [r for r in data.records("response_timeline")
            if r["kind"] == "review" and r["region"] in (region, "any")]
    texts = []
    for row in rows:
        span = _g(row["time_from"]) + ("" if is_blank(row["time_to"]) or
                                       row["time_to"] == row["time_from"]
                                       else f"-{_g(row['time_to'])}")
        plural = "" if span == "1" else "s"
        texts.append(f"{row['event']} about {span} {row['time_unit']}{plural} after starting "
                     f"({row['measure']}) [{row['source']}]")
    return "; ".join(texts)


def _key(p: Phase) -> tuple:
    return (p.dose_mcg, p.dose_max_mcg, p.route, p.pattern_text, p.length_text)


def _same_dose(p: Phase, shown: Phase) -> bool:
    """Same dose, route and interval: another source giving the line shown, not a difference."""
    return _key(p)[:4] == _key(shown)[:4]


def who(guideline: str) -> str:
    """A guideline label fit to sit inside brackets: its own brackets become commas."""
    return re.sub(r"\s*\(([^()]*)\)", r", \1", guideline)


def _differing(chosen: Phase | None, others) -> list[str]:
    """Alternative rows of the same phase that say something different, merged by wording."""
    texts: dict[str, list[str]] = {}
    for p in others:
        if chosen is not None and _key(p) == _key(chosen):
            continue
        texts.setdefault(f"{p._wording()} ({who(p.guideline)})", []).extend(p.sources)
    return [f"{t} [{join_keys(k)}]" for t, k in texts.items()]


def _uncertainty(cause, neurological, region, rows, loading, maintenance, alternatives,
                 unverified, treatment=(), prophylaxis=(), open_end: bool = True) -> str:
    parts = []
    name = cause_name(cause)
    for p in treatment:
        parts.append(f"Shown first is a continuous course rather than injections, because "
                     f"that is what the source says here ({p.guideline}): {p.notes} "
                     f"[{p.source}]. Injection regimens are not shown first here; they are "
                     "listed among the other options and statements in the sources, each with "
                     "its own source and conditions.")
    injectable = [p for p in alternatives if p.route != "oral" and p.route != "intranasal"]
    if loading:
        diff = _differing(loading[0] if len(loading) == 1 else None,
                          [p for p in injectable if p.phase == "loading"])
        if diff:
            parts.append("Loading differs between sources. Shown first: "
                         + "; then ".join(p.describe() for p in loading)
                         + ". Also stated: " + "; ".join(diff) + ".")
    if maintenance is not None:
        diff = _differing(maintenance, [p for p in alternatives if p.phase == "maintenance"])
        if diff:
            parts.append(f"Maintenance differs between sources. Shown first: "
                         f"{maintenance.describe(open_end)}. Also stated: " + "; ".join(diff)
                         + ".")
        if maintenance.interval_max is not None:
            parts.append(f"'{maintenance.pattern_text}' is a range and the sources do not pick "
                         "a point in it: the choice within it is the prescriber's.")
        if maintenance.dose_mcg is None:
            parts.append(f"The source for maintenance gives no dose: {maintenance.notes} "
                         f"[{maintenance.source}].")
    elif not treatment:
        parts.append(f"The sources give no maintenance regimen for {name} in the {region}.")
    others = [p.attributed(open_end) for p in prophylaxis[1:]
              if not _same_dose(p, prophylaxis[0])]
    if others:
        parts.append(f"Prevention (before any deficiency, e.g. after surgery) differs between "
                     f"sources. Shown: {prophylaxis[0].attributed(open_end)}. Also stated: "
                     + "; ".join(others) + ".")
    if any(p.open_ended for p in loading):
        parts.append("The loading phase has no fixed length: it continues until no further "
                     "improvement, so no source gives a date when maintenance begins.")
    specific = [r for r in rows if r["status"] not in ("unverified", "superseded")
                and r["phase"] != "statement" and _is_specific(r, cause)]
    if not specific:
        parts.append(f"No source in the course gives a regimen specific to {name.lower()}; the "
                     f"general {region} regimen for people {_NEURO_WORDS[neurological]} is "
                     "shown.")
    if neurological and not any(r["neurological"] == "yes" for r in rows
                                if r["status"] != "unverified" and r["phase"] != "statement"):
        parts.append(f"The {region} sources in the course give no separate regimen for "
                     "neurological involvement; the same course is shown (see each source's "
                     "notes, e.g. higher doses are mentioned without a number).")
    for p in unverified:
        parts.append(f"Not confirmed, so not taught as fact (UNVERIFIED): {p.notes} "
                     f"[{p.source}].")
    return " ".join(parts)
