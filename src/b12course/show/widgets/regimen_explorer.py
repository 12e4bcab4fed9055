"""Regimen explorer: cause, neurology and region -> a dose timeline, a dated table and its sources.

Every dose shown comes from ``clinical.regimens`` (read from the cited ``data/regimens.csv``);
this module only draws and tabulates. Figures travel as PNG inside an ``HTML`` widget (with alt
text and a caption) so tests can check that they change without a browser.
"""

from __future__ import annotations

import datetime as dt
import html
from types import SimpleNamespace

import ipywidgets as widgets

from b12course.show import plots, readable
from b12course.show.citations import citation_items
from b12course.show.dose_timeline import (
    DEFAULT_DAYS,
    DEFAULT_START,
    _as_frame,
    timeline_alt,
    timeline_figure,
)
from b12course.show.widgets import keys
from b12course.show.widgets.look import (
    NO,
    NOTE,
    OK,
    TABLE_CLASS,
    TABLE_CSS,
    Look,
    fitted_dropdown,
)


def cause_label(cause: str) -> str:
    """A readable label for a cause id: its name in causes.csv (``regimens.cause_name``)."""
    from b12course.clinical import regimens

    return regimens.cause_name(cause)


#: Column headings of the dated-doses table, in the order of its cells.
SCHEDULE_HEADERS = ("Date", "Day", "Dose", "Product", "Route", "Phase")


def schedule_html(schedule, max_rows: int = 60) -> str:
    """The dated schedule as a bordered HTML table (dose in micrograms and mg), scrollable."""
    frame = _as_frame(schedule)
    if frame.empty:
        return f"<p>{NOTE} No doses fall in this period.</p>"
    start = frame["date"].iloc[0]
    shown = frame.head(max_rows)

    def cells(row) -> str:
        values = (f"{row.date:%d %b %Y}", str((row.date - start).days),
                  readable.dose_with_mg(row.dose_mcg), str(row.product), str(row.route),
                  str(row.phase))
        return "".join(f"<td>{html.escape(v)}</td>" for v in values)

    rows = "".join(f"<tr>{cells(row)}</tr>" for row in shown.itertuples())
    head = "".join(f'<th scope="col">{h}</th>' for h in SCHEDULE_HEADERS)
    more = ""
    if len(frame) > max_rows:
        more = f"<p>{NOTE} Showing the first {max_rows} of {len(frame)} doses.</p>"
    return (
        # a scrolling box must be reachable by keyboard (tabindex) and say what it holds
        f'{TABLE_CSS}<div style="max-height:260px;overflow:auto" tabindex="0" role="region" '
        f'aria-label="Dated doses (scrolls)"><table class="{TABLE_CLASS}">'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>{more}"
    )


def regimen_sources(regimen) -> list[str]:
    """Every source key behind the regimen (phases, alternatives, statements), no repeats."""
    return list(regimen.sources)


def _li(label: str, text: str) -> str:
    return f"<li><b>{html.escape(label)}:</b> {html.escape(text)}</li>"


def has_range(regimen) -> bool:
    """True when a phase shown first gives a range (dose, interval or length), so the choice
    under 'Where a source gives a range' changes the drawing."""
    return any(p.interval_max is not None or p.dose_max_mcg is not None
               or p.duration_max is not None for p in regimen.phases)


def has_open_loading(regimen) -> bool:
    """True when loading (or a continuous course) has no fixed end, so the choice under
    'Loading with no fixed end' changes the drawing."""
    # an open-ended oral course with no dose (US dietary) draws nothing (review AK03)
    return any(p.open_ended and p.dose_mcg is not None
               for p in (*regimen.treatment, *regimen.loading))


def undosed_open_course(regimen) -> bool:
    """True when the course shown first has no fixed end but its source gives no dose, so the
    explorer draws nothing for it (review AL02)."""
    return any(p.open_ended and p.dose_mcg is None
               for p in (*regimen.treatment, *regimen.loading))


#: Shown under a control that cannot change the drawing of the chosen regimen.
NO_RANGE = (f"{NOTE} Nothing changes for this regimen: the plan shown first gives no range; "
            "ranges from other sources are listed below, each with its source.")
NO_OPEN_LOADING = (f"{NOTE} Nothing changes for this regimen: it has no loading phase without "
                   "a fixed end.")
NOT_IN_PERIOD = f"{NOTE} Nothing changes for this regimen in the days shown."
#: An open-ended course whose source gives no dose (US label's oral advice): nothing to draw.
NO_DOSE_DRAWN = (f"{NOTE} Nothing changes for this regimen: the course shown first has no dose "
                 "in its source, so nothing is drawn.")


def _note(shown, other_choices, why: str) -> str:
    """'' when another choice of a control would change the dated doses ``shown``; otherwise
    the plain note ``why`` to show under the control."""
    if any(not schedule().equals(shown) for schedule in other_choices):
        return ""
    return why


def _control_hints(regimen) -> str:
    """Which of the explorer's own controls decide what the sources leave open."""
    hints = []
    if has_range(regimen):
        hints.append("where a source gives a range, the timeline uses the end you choose under "
                     "'Where a source gives a range'.")
    if has_open_loading(regimen):
        hints.append("loading with no fixed end is drawn as you choose under 'Loading with no "
                     "fixed end' (any stopping point there is your assumption, not a source).")
    return " ".join(h[0].upper() + h[1:] for h in hints)


def regimen_html(regimen, explorer: bool = True) -> str:
    """Phases, how long, review, uncertainty, alternatives and sources of a regimen, in words;
    ``explorer`` adds which of the explorer's controls decide what the sources leave open."""
    from b12course.clinical.regimens import who

    steps = len(regimen.loading) > 1
    open_end = not regimen.lifelong_note  # as in summary(): no 'no end stated' above 'How long'
    lines = [_li("Shown first", p.describe(open_end)) for p in regimen.treatment]
    lines += [_li(f"Loading, step {p.step}" if steps else "Loading", p.describe())
              for p in regimen.loading]
    if regimen.maintenance is not None:
        lines.append(_li("Maintenance", regimen.maintenance.describe(open_end)))
    # one prevention line, as in summary(); the other sources' wording is in the uncertainty
    if regimen.prophylaxis:
        lines.append(_li("Prevention", regimen.prevention))
    lines += [_li(f"Also part of the plan ({who(p.guideline)})", f"{p.notes} [{p.source}]")
              for p in regimen.actions]
    if regimen.lifelong_note:
        lines.append(_li("How long", regimen.lifelong_note))
    if regimen.review:
        lines.append(_li("Review", regimen.review))
    if not lines:
        lines.append(f"<li>{NOTE} The course's sources give no injection schedule here.</li>")
    parts = [f"<ul>{''.join(lines)}</ul>"]
    if regimen.uncertainty:
        parts.append(readable.points_html(regimen.uncertainty,
                                          "Where the sources differ or are silent"))
    hints = _control_hints(regimen) if explorer else ""
    if hints:
        parts.append(f"<p>{NOTE} <b>How the explorer draws this:</b> {html.escape(hints)}</p>")
    others = [p.attributed() for p in regimen.alternatives]
    others += [f"{p.notes} ({who(p.guideline)}) [{p.source}]" for p in regimen.statements
               if p not in regimen.actions]
    if others:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in others)
        parts.append(f"<details><summary>Other options and statements in the sources "
                     f"({len(others)})</summary><ul>{items}</ul></details>")
    old = [f"{p.guideline}: {p.notes} [{p.source}]" for p in regimen.superseded]
    if old:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in old)
        parts.append(f"<details><summary>Superseded wording: history only, never the course's "
                     f"answer ({len(old)})</summary><ul>{items}</ul></details>")
    cited = [f"<li>{item}</li>" for item in citation_items(regimen_sources(regimen))]
    if cited:
        parts.append(f"<details><summary>Sources ({len(cited)})</summary>"
                     f"<ul>{''.join(cited)}</ul></details>")
    return "".join(parts)


def plan_card(regimen):
    """A regimen for a notebook page: a heading, then ``regimen_html`` without the explorer's
    notes (its phases as bullets, the points where sources differ folded away)."""
    from IPython.display import HTML

    title = html.escape(regimen.summary().splitlines()[0].rstrip(":"))
    return HTML(f"<p><b>{title}</b></p>{regimen_html(regimen, explorer=False)}")


#: 0 stands for "no drawing assumption": a dropdown whose value is None shows a blank box.
AS_WRITTEN = 0
OPEN_PHASE_CHOICES = (
    ("as written: no fixed end", AS_WRITTEN),
    ("drawing assumption: stop after 2 weeks", 14),
    ("drawing assumption: stop after 4 weeks", 28),
    ("drawing assumption: stop after 8 weeks", 56),
)
RANGE_CHOICES = (("lower end (e.g. every 2 of 2-3 months)", "lower"),
                 ("upper end (e.g. every 3 of 2-3 months)", "upper"))


def _controls(look: Look) -> SimpleNamespace:
    """The explorer's five dropdowns, each sized to its label and options, with defaults."""
    from b12course.clinical import regimens

    def dropdown(description, options, value):
        return fitted_dropdown(look, description, options, value)

    return SimpleNamespace(
        cause=dropdown("Cause:", [(cause_label(c), c) for c in regimens.CAUSES],
                       regimens.CAUSES[0]),
        neurological=dropdown("Neurological involvement:", [("No", False), ("Yes", True)],
                              False),
        region=dropdown("Region:", list(regimens.REGIONS), regimens.REGIONS[0]),
        ranges=dropdown("Where a source gives a range, use the:", RANGE_CHOICES, "lower"),
        open_phase=dropdown("Loading with no fixed end:", OPEN_PHASE_CHOICES, AS_WRITTEN),
    )


def regimen_explorer(start: dt.date = DEFAULT_START, days: int = DEFAULT_DAYS) -> widgets.VBox:
    """Build the explorer; redraws on every change and shows a message instead of a traceback."""
    from b12course.clinical import regimens

    look = Look()
    controls = _controls(look)
    cause, neurological, region = controls.cause, controls.neurological, controls.region
    ranges, open_phase = controls.ranges, controls.open_phase
    status, figure, table, details, ranges_note, open_note = (look.html_widget()
                                                              for _ in range(6))
    drawing = plots.kept_figure()  # one figure per explorer, drawn on again at each change

    def redraw(_change=None) -> None:
        label = (f"{cause_label(cause.value)}, {'with' if neurological.value else 'no'} "
                 f"neurological involvement, {region.value}")
        try:
            regimen = regimens.recommend(cause.value, neurological.value, region=region.value)
            assume = open_phase.value or None
            schedule = regimen.schedule(start, days=days, ranges=ranges.value,
                                        open_phase_days=assume)
            fig = timeline_figure(schedule, title=label, start=start, into=drawing)
            assumption = ""
            if assume and has_open_loading(regimen):
                assumption = (f" Open-ended loading drawn as stopping after {assume} "
                              "days: your drawing assumption, not a source.")
            figure.value = plots.figure_html(
                fig, caption=f"Doses in the first {days} days: {label}.{assumption} "
                             "For education only.",
                alt=timeline_alt(schedule))
            table.value = schedule_html(schedule)
            details.value = regimen_html(regimen)
            def again(**choice):
                settings = {"ranges": ranges.value, "open_phase_days": assume, **choice}
                return lambda: regimen.schedule(start, days=days, **settings)

            ranges_note.value = _note(schedule, [
                again(ranges=r) for _label, r in RANGE_CHOICES if r != ranges.value],
                NOT_IN_PERIOD if has_range(regimen) else NO_RANGE)
            open_note.value = _note(schedule, [
                again(open_phase_days=d or None) for _label, d in OPEN_PHASE_CHOICES
                if d != open_phase.value],
                NOT_IN_PERIOD if has_open_loading(regimen) else
                NO_DOSE_DRAWN if undosed_open_course(regimen) else NO_OPEN_LOADING)
            status.value = f"{OK} Showing: {html.escape(label)}."
        except ValueError as exc:
            figure.value = table.value = details.value = ""
            ranges_note.value = open_note.value = ""
            status.value = f"{NOTE} {html.escape(str(exc))}"
        except Exception as exc:  # noqa: BLE001 - a student must never see a traceback
            figure.value = table.value = details.value = ""
            ranges_note.value = open_note.value = ""
            status.value = (f"{NO} Sorry, this combination could not be drawn "
                            f"({html.escape(type(exc).__name__)}). Try another choice.")

    for control in (cause, neurological, region, ranges, open_phase):
        control.observe(redraw, names="value")
    redraw()
    box = keys.finish(widgets.VBox([
        look.html_widget("<b>Regimen explorer</b> (education only: never use it to dose a "
                         "patient)"),
        look.box([cause, neurological, region], vertical=False),
        look.box([look.box([ranges, ranges_note]), look.box([open_phase, open_note])],
                 vertical=False),
        status, figure, details,
        look.html_widget("<b>Dated doses</b> (start date chosen only for illustration)"), table,
    ]), "explorer")
    box.parts = SimpleNamespace(cause=cause, neurological=neurological, region=region,
                                ranges=ranges, open_phase=open_phase, status=status,
                                figure=figure, table=table, details=details,
                                ranges_note=ranges_note, open_note=open_note)
    return box
