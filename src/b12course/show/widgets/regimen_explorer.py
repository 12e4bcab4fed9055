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

from b12course.show import plots
from b12course.show.citations import citation_items
from b12course.show.dose_timeline import (
    DEFAULT_DAYS,
    DEFAULT_START,
    _as_frame,
    timeline_alt,
    timeline_figure,
)
from b12course.show.widgets import keys
from b12course.show.widgets.look import NO, NOTE, OK, Look


def cause_label(cause: str) -> str:
    """A readable label for a cause id: its name in causes.csv (``regimens.cause_name``)."""
    from b12course.clinical import regimens

    return regimens.cause_name(cause)


def schedule_html(schedule, max_rows: int = 60) -> str:
    """The dated schedule as an HTML table (dose in micrograms and mg), scrollable."""
    frame = _as_frame(schedule)
    if frame.empty:
        return f"<p>{NOTE} No doses fall in this period.</p>"
    start = frame["date"].iloc[0]
    shown = frame.head(max_rows)
    rows = "".join(
        "<tr>"
        f"<td>{row.date:%d %b %Y}</td><td>{(row.date - start).days}</td>"
        f"<td>{row.dose_mcg:g} micrograms ({row.dose_mcg / 1000:g} mg)</td>"
        f"<td>{html.escape(str(row.product))}</td><td>{html.escape(str(row.route))}</td>"
        f"<td>{html.escape(str(row.phase))}</td></tr>"
        for row in shown.itertuples()
    )
    more = ""
    if len(frame) > max_rows:
        more = f"<p>{NOTE} Showing the first {max_rows} of {len(frame)} doses.</p>"
    return (
        # a scrolling box must be reachable by keyboard (tabindex) and say what it holds
        '<div style="max-height:260px;overflow:auto" tabindex="0" role="region" '
        'aria-label="Dated doses (scrolls)"><table>'
        "<thead><tr><th>date</th><th>day</th><th>dose</th><th>product</th><th>route</th>"
        f"<th>phase</th></tr></thead><tbody>{rows}</tbody></table></div>{more}"
    )


def regimen_sources(regimen) -> list[str]:
    """Every source key behind the regimen (phases, alternatives, statements), no repeats."""
    return list(regimen.sources)


def _li(label: str, text: str) -> str:
    return f"<li><b>{html.escape(label)}:</b> {html.escape(text)}</li>"


def _control_hints(regimen) -> str:
    """Which of the explorer's own controls decide what the sources leave open."""
    hints = []
    if any(p.interval_max is not None or p.dose_max_mcg is not None
           or p.duration_max is not None for p in regimen.phases):
        hints.append("where a source gives a range, the timeline uses the end you choose under "
                     "'Where a source gives a range'.")
    if any(p.open_ended for p in regimen.loading):
        hints.append("loading with no fixed end is drawn as you choose under 'Loading with no "
                     "fixed end' (any stopping point there is your assumption, not a source).")
    return " ".join(h[0].upper() + h[1:] for h in hints)


def regimen_html(regimen) -> str:
    """Phases, how long, review, uncertainty, alternatives and sources of a regimen, in words."""
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
        parts.append(f"<p>{NOTE} <b>Where the sources differ or are silent:</b> "
                     f"{html.escape(regimen.uncertainty)}</p>")
    hints = _control_hints(regimen)
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


OPEN_PHASE_CHOICES = (
    ("as written: no fixed end", None),
    ("drawing assumption: stop after 2 weeks", 14),
    ("drawing assumption: stop after 4 weeks", 28),
    ("drawing assumption: stop after 8 weeks", 56),
)
RANGE_CHOICES = (("lower end (e.g. every 2 of 2-3 months)", "lower"),
                 ("upper end (e.g. every 3 of 2-3 months)", "upper"))


def regimen_explorer(start: dt.date = DEFAULT_START, days: int = DEFAULT_DAYS) -> widgets.VBox:
    """Build the explorer; redraws on every change and shows a message instead of a traceback."""
    from b12course.clinical import regimens

    look = Look()
    wide = {"style": look.label, "layout": look.plain}
    cause = widgets.Dropdown(options=[(cause_label(c), c) for c in regimens.CAUSES],
                             value=regimens.CAUSES[0], description="Cause:", **wide)
    neurological = widgets.Dropdown(options=[("No", False), ("Yes", True)], value=False,
                                    description="Neurological involvement:", **wide)
    region = widgets.Dropdown(options=list(regimens.REGIONS), value=regimens.REGIONS[0],
                              description="Region:", **wide)
    ranges = widgets.Dropdown(options=RANGE_CHOICES, value="lower",
                              description="Where a source gives a range, use the:", **wide)
    open_phase = widgets.Dropdown(options=OPEN_PHASE_CHOICES, value=None,
                                  description="Loading with no fixed end:", **wide)
    status, figure, table, details = (look.html_widget() for _ in range(4))

    def redraw(_change=None) -> None:
        label = (f"{cause_label(cause.value)}, {'with' if neurological.value else 'no'} "
                 f"neurological involvement, {region.value}")
        try:
            regimen = regimens.recommend(cause.value, neurological.value, region=region.value)
            schedule = regimen.schedule(start, days=days, ranges=ranges.value,
                                        open_phase_days=open_phase.value)
            fig = timeline_figure(schedule, title=label, start=start)
            assumption = ""
            if open_phase.value and any(p.open_ended for p in regimen.loading):
                assumption = (f" Open-ended loading drawn as stopping after {open_phase.value} "
                              "days: your drawing assumption, not a source.")
            figure.value = plots.figure_html(
                fig, caption=f"Doses in the first {days} days: {label}.{assumption} "
                             "For education only.",
                alt=timeline_alt(schedule))
            table.value = schedule_html(schedule)
            details.value = regimen_html(regimen)
            status.value = f"{OK} Showing: {html.escape(label)}."
        except ValueError as exc:
            figure.value = table.value = details.value = ""
            status.value = f"{NOTE} {html.escape(str(exc))}"
        except Exception as exc:  # noqa: BLE001 - a student must never see a traceback
            figure.value = table.value = details.value = ""
            status.value = (f"{NO} Sorry, this combination could not be drawn "
                            f"({html.escape(type(exc).__name__)}). Try another choice.")

    for control in (cause, neurological, region, ranges, open_phase):
        control.observe(redraw, names="value")
    redraw()
    box = keys.finish(widgets.VBox([
        look.html_widget("<b>Regimen explorer</b> (education only: never use it to dose a "
                         "patient)"),
        look.box([cause, neurological, region], vertical=False),
        look.box([ranges, open_phase], vertical=False),
        status, figure, details,
        look.html_widget("<b>Dated doses</b> (start date chosen only for illustration)"), table,
    ]), "explorer")
    box.parts = SimpleNamespace(cause=cause, neurological=neurological, region=region,
                                ranges=ranges, open_phase=open_phase, status=status,
                                figure=figure, table=table, details=details)
    return box
