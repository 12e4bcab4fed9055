"""Editing a copy of a data table in a test (the ``data_copy`` fixture in conftest.py makes one).

One way to rewrite a CSV, so every test that breaks a row on purpose writes it as the course does
(``lineterminator="\\n"``, the header kept in order).
"""

import csv
from pathlib import Path


def edit_rows(folder, table: str, edit) -> object:
    """Rewrite ``table`` after ``edit(rows, fields)`` changed its row dicts or field list in place
    (it may also replace ``rows[:]``); returns what ``edit`` returns."""
    path = Path(folder) / f"{table}.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    result = edit(rows, fields)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return result


def set_cells(folder, table: str, which, **values) -> int:
    """Set ``values`` in the rows of ``table`` that ``which`` picks: a row index (0 = the first
    data row) or a predicate on the row dict. Returns the file line of the first row changed
    (the header is line 1), as data.DataError numbers rows."""
    def edit(rows, _fields):
        picked = [i for i, row in enumerate(rows)
                  if (i == which if isinstance(which, int) else which(row))]
        assert picked, f"no row of {table}.csv matches"
        for i in picked:
            rows[i].update(values)
        return picked[0] + 2

    return edit_rows(folder, table, edit)


def drop_column(folder, table: str, column: str) -> None:
    """Remove one column from ``table``."""
    edit_rows(folder, table, lambda _rows, fields: fields.remove(column))
