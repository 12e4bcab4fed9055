"""Gradebooks and marking sheets as CSV files: read tolerantly (as written here, or re-saved by
a spreadsheet) and written back in the gradebook's own column order. Shared by ``marking``,
``feedback`` and ``export`` (the LMS files written again after marking)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

NEEDED_GRADEBOOK = ["student", "notebook", "grade_id", "points", "max_points", "status",
                    "message"]


class SheetError(ValueError):
    """A marking sheet or gradebook that cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows) of a CSV as written by us or re-saved by a spreadsheet (UTF-8 with or
    without BOM, or Windows-1252; comma, semicolon or tab). Row i is spreadsheet row i + 2."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    records = [{h: (values[i] if i < len(values) else "") for i, h in enumerate(header)}
               for values in rows[1:]]
    return header, records


def read_gradebook(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The gradebook's header and rows; SheetError when it is missing or lacks columns."""
    try:
        header, rows = read_table(path)
    except OSError as exc:
        raise SheetError([f"cannot read the gradebook {path}: {exc.strerror or exc}"]) from None
    missing = [c for c in NEEDED_GRADEBOOK if c not in header]
    if missing:
        raise SheetError([f"{path} is not a gradebook written by 'b12course grade' (no "
                          f"column {', '.join(missing)})"])
    return header, rows


def gradebook_text(header: list[str], rows: list[dict[str, str]]) -> str:
    """Rows back to CSV text in the gradebook's own column order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([row.get(h, "") for h in header] for row in rows)
    return buffer.getvalue()
