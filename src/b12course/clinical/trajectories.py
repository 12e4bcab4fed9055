"""Synthetic patient trajectories after starting B12: a teaching dataset, never real patients.

The shape of every curve comes from the cited response timeline (``data/response_timeline.csv``):
when reticulocytes begin to rise and peak, when haemoglobin starts to rise (never before the
reticulocytes, which are the first laboratory sign of response) and how fast it rises per
fortnight, when white cells and platelets normalise, when the red-cell indices are back to
normal. Each synthetic patient draws its own values *inside* those cited windows from a seeded
random generator, so regenerating gives the committed ``data/synthetic_trajectories.csv`` byte
for byte (``python -m b12course.clinical.trajectories``).
Baseline blood values are invented for the teaching cases and are not reference ranges.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from b12course.clinical import schedule
from b12course.sources.cells import is_blank
from b12course.sources.paths import data_dir
from b12course.sources.references import join_keys

SEED = 20240306
FILENAME = "synthetic_trajectories.csv"
OBSERVATION_DAYS = (0, 2, 3, 4, 5, 6, 7, 8, 10, 14, 21, 28, 42, 56, 70, 84)
COLUMNS = ("patient_id", "synthetic", "cause", "pattern", "day", "measure", "value", "unit",
           "source")
PATTERNS = ("expected", "iron_deficiency_unmasked", "no_response")

MEASURES = {
    "hb": ("Haemoglobin", "g/dL"),
    "reticulocytes": ("Reticulocyte response (relative; expected peak = 1)", "relative"),
    "wbc": ("White cell count (% of the patient's own usual value)", "% of usual"),
    "platelets": ("Platelets (% of the patient's own usual value)", "% of usual"),
    "mcv": ("Mean cell volume (MCV)", "fL"),
}


@dataclass(frozen=True)
class Window:
    """A cited range (low-high) in its unit, with the source keys that give it."""

    low: float
    high: float
    unit: str
    source: str
    label: str = ""  # the window as the source states it, e.g. "2 months"

    def text(self) -> str:
        """The window in the source's own unit ('3-10 days'), else in this window's unit."""
        if self.label:
            return self.label
        span = f"{self.low:g}" if self.low == self.high else f"{self.low:g}-{self.high:g}"
        return f"{span} {self.unit}"


@dataclass(frozen=True)
class TimelineParameters:
    """The cited numbers that shape the synthetic curves (read from the data tables)."""

    retic_onset_day: Window  # the window in which reticulocytosis is usually seen
    retic_rise_begins_day: Window  # when the reticulocyte rise begins
    retic_peak_day: Window
    hb_rise_start_day: Window
    hb_rise_per_fortnight: Window
    wbc_platelets_normal_day: Window
    indices_normal_day: Window
    mcv_normal: Window
    mcv_macrocytic_above: Window


_TIME_UNITS = ("hour", "day", "week", "month", "year")


def timeline_table(kind: str | None = None) -> pd.DataFrame:
    """The cited timeline (what should happen or be checked when, and who says so).

    ``kind`` keeps one kind of row: response, monitoring, review or prognosis.
    """
    from b12course.sources import data

    frame = data.load("response_timeline")
    kinds = sorted(set(frame["kind"]))
    if kind is not None:
        if kind not in kinds:
            raise ValueError(f"Unknown kind {kind!r}. Choose one of: {', '.join(kinds)}")
        frame = frame[frame["kind"] == kind]
    columns = ["kind", "measure", "event", "time_from", "time_to", "time_unit", "amount",
               "amount_max", "amount_unit", "region", "source"]
    return frame[columns].astype(object).where(frame[columns].notna(), "").reset_index(drop=True)


def _row(event_id: str) -> dict:
    from b12course.sources import data

    return data.row("response_timeline", "event_id", event_id, what="event")


def _days(event_id: str) -> Window:
    """A cited time window converted to days."""
    row = _row(event_id)
    unit = row["time_unit"]
    if unit not in _TIME_UNITS:
        raise ValueError(f"response_timeline.csv, row {event_id!r}: time unit {unit!r} is not "
                         f"one of {', '.join(_TIME_UNITS)}")
    low = row["time_to"] if is_blank(row["time_from"]) else row["time_from"]
    high = row["time_from"] if is_blank(row["time_to"]) else row["time_to"]
    if is_blank(low):
        raise ValueError(f"response_timeline.csv, row {event_id!r}: no time_from or time_to")
    # "0 to 2 months" is how the table writes "within 2 months"
    span = (f"{float(high):g}" if float(low) == 0 or low == high
            else f"{float(low):g}-{float(high):g}")
    plural = "" if span == "1" else "s"
    return Window(schedule.span_days(low, unit), schedule.span_days(high, unit), "day",
                  row["source"], f"{span} {unit}{plural}")


def _per_fortnight(event_id: str) -> Window:
    """A cited amount per period (e.g. g/dL every 2 weeks), converted to per fortnight."""
    row = _row(event_id)
    if is_blank(row["amount"]) or is_blank(row["time_from"]) \
            or row["time_unit"] not in _TIME_UNITS:
        raise ValueError(f"response_timeline.csv, row {event_id!r}: needs an amount and the "
                         "period it applies to (time_from with time_unit)")
    high = row["amount"] if is_blank(row["amount_max"]) else row["amount_max"]
    scale = 14 / schedule.span_days(row["time_from"], row["time_unit"])  # DERIVED
    return Window(float(row["amount"]) * scale, float(high) * scale,
                  f"{row['amount_unit']} per fortnight", row["source"])


def _lab(band_id: str) -> Window:
    from b12course.clinical import labs

    row = labs.band_row(band_id)
    low = row["upper"] if is_blank(row["lower"]) else row["lower"]
    high = row["lower"] if is_blank(row["upper"]) else row["upper"]
    return Window(float(low), float(high), row["unit"], row["source"])


EVENT_IDS = {
    "retic_onset_day": "retic-window-label",
    "retic_rise_begins_day": "retic-onset-stg",
    "retic_peak_day": "retic-peak-pharm",
    "hb_rise_start_day": "hb-rise-start",
    "hb_rise_per_fortnight": "hb-rise-rate",
    "wbc_platelets_normal_day": "wbc-platelets-normal",
    "indices_normal_day": "indices-normal",
}


@cache
def timeline_parameters() -> TimelineParameters:
    """The cited windows that shape the synthetic curves, read from the data tables."""
    return TimelineParameters(
        retic_onset_day=_days(EVENT_IDS["retic_onset_day"]),
        retic_rise_begins_day=_days(EVENT_IDS["retic_rise_begins_day"]),
        retic_peak_day=_days(EVENT_IDS["retic_peak_day"]),
        hb_rise_start_day=_days(EVENT_IDS["hb_rise_start_day"]),
        hb_rise_per_fortnight=_per_fortnight(EVENT_IDS["hb_rise_per_fortnight"]),
        wbc_platelets_normal_day=_days(EVENT_IDS["wbc_platelets_normal_day"]),
        indices_normal_day=_days(EVENT_IDS["indices_normal_day"]),
        mcv_normal=_lab("mcv-normal"),
        mcv_macrocytic_above=_lab("mcv-macrocytosis"),
    )


# --- synthetic cohort -------------------------------------------------------------------------
# Each patient: id, cause, pattern, sex, baseline Hb (g/dL), baseline MCV (fL), usual Hb (g/dL),
# baseline WBC and platelets as % of the patient's own usual value. Invented teaching values.
COHORT = (
    ("P01", "autoimmune_gastritis", "expected", 6.8, 118, 13.6, 55, 45),
    ("P02", "autoimmune_gastritis", "expected", 9.4, 109, 14.4, 80, 70),
    ("P03", "dietary", "expected", 11.2, 104, 14.2, 90, 85),
    ("P04", "bariatric_surgery", "iron_deficiency_unmasked", 8.1, 103, 13.2, 75, 70),
    ("P05", "metformin", "expected", 10.6, 106, 14.8, 85, 80),
    ("P06", "autoimmune_gastritis", "iron_deficiency_unmasked", 7.5, 112, 13.4, 60, 55),
    ("P07", "nitrous_oxide", "expected", 12.4, 101, 15.0, 95, 95),
    ("P08", "not_b12_deficiency", "no_response", 8.6, 110, 13.8, 70, 65),
)


def _noise(rng: np.random.Generator, sd: float) -> float:
    return float(rng.normal(0.0, sd))


def _reticulocytes(day, onset, peak, responds):
    """Relative reticulocyte response: rises from onset to 1 at the peak, then decays."""
    if not responds or day < onset:
        return 0.05
    if day <= peak:
        return 0.05 + 0.95 * (day - onset) / max(peak - onset, 1)
    half_life = max(peak - onset, 2)
    return 0.05 + 0.95 * 0.5 ** ((day - peak) / half_life)


def _patient_rows(rng, spec, p: TimelineParameters, noise: bool = True) -> list[dict]:
    pid, cause, pattern, hb0, mcv0, hb_usual, wbc0, plt0 = spec
    responds = pattern != "no_response"
    sd = 1.0 if noise else 0.0  # noise=False keeps every random draw but adds no noise
    # the reticulocyte rise begins on day 3-5 [DRGALEN-STG] ...
    onset = int(rng.integers(p.retic_rise_begins_day.low, p.retic_rise_begins_day.high + 1))
    peak = int(rng.integers(max(p.retic_peak_day.low, onset + 1), p.retic_peak_day.high + 1))
    # ... and haemoglobin follows: it starts rising once the reticulocytes have started, and by
    # the end of week 1 [PHARM-TEXT], never before the reticulocyte onset
    hb_from = max(float(onset), p.hb_rise_start_day.low)
    hb_start = float(rng.uniform(hb_from, max(hb_from, p.hb_rise_start_day.high)))
    rate = float(rng.uniform(p.hb_rise_per_fortnight.low, p.hb_rise_per_fortnight.high)) / 14
    wbc_day = int(rng.integers(p.wbc_platelets_normal_day.low,
                               p.wbc_platelets_normal_day.high + 1))
    plt_day = int(rng.integers(p.wbc_platelets_normal_day.low,
                               p.wbc_platelets_normal_day.high + 1))
    mcv_day = p.indices_normal_day.high  # "within about 2 months": normal by then
    mcv_usual = float(rng.uniform(p.mcv_normal.low + 4, p.mcv_normal.high - 4))
    plateau_day = float(rng.uniform(10, 18))  # iron runs out: synthetic scenario choice
    sources = _sources_by_measure(p)
    rows = []
    for day in OBSERVATION_DAYS:
        if not responds:
            hb, mcv, wbc, plt = hb0, mcv0, wbc0, plt0
        else:
            rising = max(0.0, min(day, plateau_day if pattern != "expected" else day) - hb_start)
            hb = min(hb_usual, hb0 + rate * rising)
            frac = min(1.0, day / mcv_day)
            target_mcv = mcv_usual if pattern == "expected" else p.mcv_normal.low + 1
            mcv = mcv0 + (target_mcv - mcv0) * frac
            wbc = wbc0 + (100 - wbc0) * min(1.0, day / wbc_day)
            plt = plt0 + (100 - plt0) * min(1.0, day / plt_day)
        values = {
            "hb": (round(hb + _noise(rng, 0.15 * sd), 1), "hb"),
            "reticulocytes": (round(max(0.0, _reticulocytes(day, onset, peak, responds)
                                        + _noise(rng, 0.03 * sd)), 2), "reticulocytes"),
            "wbc": (round(wbc + _noise(rng, 2.0 * sd)), "wbc"),
            "platelets": (round(plt + _noise(rng, 2.5 * sd)), "platelets"),
            "mcv": (round(mcv + _noise(rng, 0.8 * sd)), "mcv"),
        }
        for measure, (value, _) in values.items():
            rows.append({
                "patient_id": pid, "synthetic": "yes", "cause": cause, "pattern": pattern,
                "day": day, "measure": measure, "value": value, "unit": MEASURES[measure][1],
                "source": sources[measure],
            })
    return rows


def _sources_by_measure(p: TimelineParameters) -> dict[str, str]:
    def keys(*windows):
        return join_keys(*(w.source for w in windows))

    return {
        "hb": keys(p.retic_rise_begins_day, p.hb_rise_start_day, p.hb_rise_per_fortnight),
        "reticulocytes": keys(p.retic_onset_day, p.retic_rise_begins_day, p.retic_peak_day),
        "wbc": keys(p.wbc_platelets_normal_day),
        "platelets": keys(p.wbc_platelets_normal_day),
        "mcv": keys(p.indices_normal_day, p.mcv_normal),
    }


def generate(seed: int = SEED, params: TimelineParameters | None = None,
             noise: bool = True) -> pd.DataFrame:
    """The synthetic cohort as a long table (one row per patient, day and measure).

    ``noise=False`` gives the same patients without the synthetic measurement noise (for tests).
    """
    params = params or timeline_parameters()
    rng = np.random.default_rng(seed)
    rows = [row for spec in COHORT for row in _patient_rows(rng, spec, params, noise)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def to_csv_text(frame: pd.DataFrame) -> str:
    """The exact text written to data/synthetic_trajectories.csv."""
    return frame.to_csv(index=False, lineterminator="\n")


def write(path=None) -> None:
    """Regenerate the committed dataset file."""
    target = path or data_dir() / FILENAME
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.write(to_csv_text(generate()))


@cache
def load() -> pd.DataFrame:
    """The committed synthetic dataset (every row says synthetic = yes)."""
    path = data_dir() / FILENAME
    frame = pd.read_csv(path)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
    if set(frame["synthetic"]) != {"yes"}:
        raise ValueError(f"{path.name}: every row must be marked synthetic = yes")
    return frame


def patients() -> list[str]:
    """The synthetic patient ids, in order."""
    return list(dict.fromkeys(load()["patient_id"]))


def series(patient_id: str, measure: str) -> pd.DataFrame:
    """One patient's values of one measure by day (columns day, value)."""
    frame = load()
    if patient_id not in set(frame["patient_id"]):
        raise ValueError(f"Unknown synthetic patient {patient_id!r}. Choose one of: "
                         f"{', '.join(patients())}")
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}. Choose one of: {', '.join(MEASURES)}")
    rows = frame[(frame["patient_id"] == patient_id) & (frame["measure"] == measure)]
    return rows[["day", "value"]].reset_index(drop=True)


def wide(measure: str) -> pd.DataFrame:
    """One measure for every patient: rows are days, columns are patient ids."""
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}. Choose one of: {', '.join(MEASURES)}")
    frame = load()
    return frame[frame["measure"] == measure].pivot(index="day", columns="patient_id",
                                                    values="value")


if __name__ == "__main__":  # pragma: no cover
    write(sys.argv[1] if len(sys.argv) > 1 else None)
