"""The clinical review record is one people can trust: every finding resolved and guarded.

instructors/clinical_review.md lists each finding of each review with its resolution and the
tests that would catch it coming back; these tests keep that list honest as the code moves on.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RECORD = REPO / "instructors" / "clinical_review.md"
TEMPLATE = REPO / ".github" / "ISSUE_TEMPLATE" / "clinical-error.md"


def _rows(prefix: str) -> list[list[str]]:
    """Table rows of the record whose first cell is an id such as F01 or R03."""
    rows = []
    for line in RECORD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(rf"{prefix}\d\d", cells[0]):
            rows.append(cells)
    return rows


def _test_names() -> set[str]:
    names = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        names.update(re.findall(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M))
    return names


def test_review_1_lists_all_sixteen_findings_in_order():
    assert [row[0] for row in _rows("F")] == [f"F{i:02d}" for i in range(1, 17)]


@pytest.mark.parametrize("row", _rows("F"), ids=lambda row: row[0])
def test_every_finding_has_a_resolution_and_tests_that_exist(row):
    finding_id, severity, *_middle, resolution, guarded_by = row
    assert severity in ("high", "medium", "low"), finding_id
    assert len(resolution) > 20, f"{finding_id}: no resolution written"
    named = re.findall(r"`(test_\w+)`", guarded_by)
    assert named, f"{finding_id}: names no guarding test"
    missing = sorted(set(named) - _test_names())
    assert not missing, f"{finding_id}: guarding tests not found under tests/: {missing}"


@pytest.mark.parametrize("prefix", ["R", "S", "T", "AA", "AB", "AC", "AD", "AE", "AF", "AG",
                                    "AH", "AI", "AJ", "AK", "AL"])
def test_every_re_read_finding_has_a_resolution(prefix):
    rows = _rows(prefix)
    assert rows, f"the independent re-read's {prefix} findings are not recorded"
    for row in rows:
        assert len(row[-1]) > 10, f"{row[0]}: no resolution written"


def test_next_review_date_is_after_the_latest_review():
    text = RECORD.read_text(encoding="utf-8")
    due = re.search(r"Next review due: (\d{4}-\d\d-\d\d)", text)
    assert due, "no 'Next review due: YYYY-MM-DD' line"
    reviewed = [dt.date.fromisoformat(d) for d in re.findall(r"\*\*Date:\*\* (\d{4}-\d\d-\d\d)",
                                                             text)]
    assert reviewed, "no dated review"
    assert dt.date.fromisoformat(due.group(1)) > max(reviewed)


def test_the_re_read_was_done_by_someone_who_did_not_write_the_change():
    text = RECORD.read_text(encoding="utf-8")
    section = text.split("## Re-read of the changes", 1)
    assert len(section) == 2, "no re-read section"
    assert "did not write" in section[1] and "**Reviewer role:**" in section[1]


def test_readers_have_a_route_to_report_a_clinical_error():
    template = TEMPLATE.read_text(encoding="utf-8")
    for part in ("**Where**", "**The claim as the course states it**", "**What the source says**"):
        assert part in template
    assert "clinical-error.md" in RECORD.read_text(encoding="utf-8")
