"""The reviewed snapshot of the clinical values (``b12course data-snapshot``).

``tests/snapshots/clinical_values.json`` holds, for each clinical table, the clinically
meaningful columns of every row by row id, exactly as written in the CSV (text; blank is "").
tests/sources/test_clinical_snapshot.py compares the live tables with it, so a changed dose,
band, needle length or timing shows as a snapshot diff that a reviewer reads against the
sources (instructors/clinical_review.md) before running ``b12course data-snapshot --update``.
Prose columns (notes, guideline wording...) are left out: they are reviewed as text.
"""

from __future__ import annotations

import json
from pathlib import Path

from b12course.sources import data
from b12course.sources.paths import repo_path

# table -> the clinically meaningful columns (the key column(s) name the row).
COLUMNS: dict[str, tuple[str, ...]] = {
    "regimens": ("region", "causes", "neurological", "phase", "step", "reference", "product_id",
                 "route", "dose", "dose_max", "dose_unit", "pattern", "interval", "interval_max",
                 "interval_unit", "n_doses", "duration", "duration_max", "duration_unit",
                 "until", "lifelong", "status", "source"),
    "lab_thresholds": ("scheme", "analyte", "region", "category", "lower_op", "lower",
                       "upper_op", "upper", "unit", "source"),
    "products": ("substance", "region", "form", "strength", "strength_unit", "per_amount",
                 "per_unit", "routes", "source"),
    "needle_lengths": ("site", "sex", "weight_min_kg", "weight_max_kg", "weight_min_lb",
                       "weight_max_lb", "length_min_inch", "length_max_inch", "gauge_min",
                       "gauge_max", "angle_degrees", "source"),
    "site_volumes": ("site", "volume_min_ml", "volume_max_ml", "source"),
    "causes": ("group", "failing_step", "reversible", "source", "duration_source"),
    "response_timeline": ("kind", "time_from", "time_to", "time_unit", "amount", "amount_max",
                          "amount_unit", "region", "source"),
    "retention": ("substance", "dose", "dose_max", "dose_unit", "measure", "percent",
                  "percent_max", "hours", "source"),
    "body_stores": ("value", "value_max", "unit", "source"),
    "requirements": ("region", "mcg_per_day", "year", "source"),
    "units": ("dimension", "to_base", "base_unit", "source"),
}
UPDATE_COMMAND = "b12course data-snapshot --update"


def path() -> Path:
    """The committed snapshot (clone-only: it lives in tests/)."""
    return repo_path("tests", "snapshots", "clinical_values.json")


def current() -> dict[str, dict[str, dict[str, str]]]:
    """The live tables' snapshot: {table: {row id: {column: text}}}, rows in file order."""
    out = {}
    for table, columns in COLUMNS.items():
        key = data.SCHEMAS[table].key
        out[table] = {" / ".join(row[k] for k in key): {c: row[c] for c in columns}
                      for row in data.validate(table)}
    return out


def dumps(snap: dict) -> str:
    """JSON with one row per line, so a changed value is a one-line diff in review."""
    lines = ["{"]
    for t, (table, rows) in enumerate(snap.items()):
        lines.append(f"  {json.dumps(table)}: {{")
        for r, (row_id, values) in enumerate(rows.items()):
            comma = "," if r < len(rows) - 1 else ""
            lines.append(f"    {json.dumps(row_id)}: {json.dumps(values, ensure_ascii=False)}"
                         f"{comma}")
        lines.append("  }" + ("," if t < len(snap) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def committed(file: Path | None = None) -> dict:
    """The reviewed snapshot as committed."""
    return json.loads((file or path()).read_text(encoding="utf-8"))


def diff(old: dict, new: dict) -> list[str]:
    """Readable differences, one line each: 'regimens uk-bnf-load dose: 1000 -> 1500'."""
    lines = []
    for table in sorted(set(old) | set(new), key=lambda t: list(COLUMNS).index(t)
                        if t in COLUMNS else len(COLUMNS)):
        if table not in new or table not in old:
            lines.append(f"{table}: table {'removed from' if table not in new else 'added to'} "
                         "the snapshot")
            continue
        before, after = old[table], new[table]
        for row_id in before:
            if row_id not in after:
                lines.append(f"{table} {row_id}: row removed (was {_cells(before[row_id])})")
                continue
            for column in dict.fromkeys([*before[row_id], *after[row_id]]):
                was, now = before[row_id].get(column), after[row_id].get(column)
                if was != now:
                    lines.append(f"{table} {row_id} {column}: {_show(was)} -> {_show(now)}")
        lines += [f"{table} {row_id}: row added ({_cells(after[row_id])})"
                  for row_id in after if row_id not in before]
    return lines


def _show(value) -> str:
    return "(no column)" if value is None else (repr(value) if value else "blank")


def _cells(values: dict) -> str:
    return ", ".join(f"{c}={v}" for c, v in values.items() if v)


def update(file: Path | None = None) -> list[str]:
    """Write the live tables' snapshot; return what changed against the old one."""
    target = file or path()
    old = committed(target) if target.is_file() else {}
    new = current()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(new), encoding="utf-8")
    return diff(old, new)
