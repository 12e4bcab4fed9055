"""The clinical values match the reviewed snapshot (tests/snapshots/clinical_values.json).

A changed dose, band, needle length, timing or source in a clinical table fails here with a
readable diff. That is on purpose: the change needs a clinical re-read against the sources
(instructors/clinical_review.md, checklist) before a reviewer records it with
``b12course data-snapshot --update`` and commits the snapshot with the change.
"""

import csv
import shutil

import pytest

from b12course.sources import data, snapshot
from b12course.sources.paths import data_dir


def test_clinical_tables_match_the_reviewed_snapshot():
    changes = snapshot.diff(snapshot.committed(), snapshot.current())
    assert not changes, (
        f"{len(changes)} clinical value(s) differ from the reviewed snapshot "
        f"{snapshot.path()}:\n  " + "\n  ".join(changes) + "\nIf intended: have the change "
        "re-read against the sources (instructors/clinical_review.md), then run "
        f"`{snapshot.UPDATE_COMMAND}` and commit the snapshot with the change.")


def test_snapshot_file_is_written_as_the_update_command_writes_it():
    # one row per line, so a review diff shows exactly the rows that changed
    assert snapshot.path().read_text(encoding="utf-8") == snapshot.dumps(snapshot.committed())


@pytest.mark.parametrize("table", sorted(snapshot.COLUMNS))
def test_snapshot_columns_exist_in_the_schema(table):
    missing = set(snapshot.COLUMNS[table]) - set(data.SCHEMAS[table].columns)
    assert not missing


def test_a_changed_value_shows_as_a_readable_diff(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder, ignore=shutil.ignore_patterns("quizzes"))
    path = folder / "regimens.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    first = rows[0]["regimen_id"]
    rows[0]["dose"] = "5"
    rows[0]["notes"] = "prose is not in the snapshot"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[:-1])  # and the last row removed
    monkeypatch.setenv("B12COURSE_DATA", str(folder))
    changes = snapshot.diff(snapshot.committed(), snapshot.current())
    old_dose = snapshot.committed()["regimens"][first]["dose"]
    assert changes[0] == f"regimens {first} dose: {old_dose!r} -> '5'"
    assert len(changes) == 2 and changes[1].startswith("regimens ")
    assert "row removed" in changes[1]


def test_update_writes_the_file_and_reports_the_changes(tmp_path):
    target = tmp_path / "snap.json"
    assert snapshot.update(target)[0] == "regimens: table added to the snapshot"
    assert snapshot.committed(target) == snapshot.committed()
    assert snapshot.update(target) == []
