"""data/README.md's column tables are generated from the schemas in b12course.sources.data.

Like the README's course map: edit a column's doc, unit, allowed or glosses in SCHEMAS, then
run ``b12course data-dictionary --write``.
"""

import csv

import pytest

from b12course.sources import data, datadict
from b12course.sources.paths import REPO_ROOT

README = REPO_ROOT / "data" / "README.md"
CSV_FILES = sorted(p.stem for p in (REPO_ROOT / "data").glob("*.csv"))


def test_data_readme_dictionary_is_current():
    problems = datadict.problems(README.read_text(encoding="utf-8"))
    assert not problems, ("data/README.md is stale (" + "; ".join(problems) + "): run "
                          "`b12course data-dictionary --write`")


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_csv_has_a_schema_with_its_columns(name):
    assert name in data.SCHEMAS, f"data/{name}.csv has no schema in SCHEMAS"
    with open(REPO_ROOT / "data" / f"{name}.csv", newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == list(data.SCHEMAS[name].columns)


@pytest.mark.parametrize("name", sorted(data.SCHEMAS))
def test_every_column_says_what_it_means(name):
    undocumented = [c for c, col in data.SCHEMAS[name].columns.items() if not col.doc.strip()]
    assert not undocumented, f"{name}: give these columns a doc= in SCHEMAS: {undocumented}"


def test_render_fixes_a_stale_table_and_keeps_the_prose():
    text = README.read_text(encoding="utf-8")
    stale = text.replace("| dose_unit | unit of `dose` and `dose_max`", "| dose_unit | edited")
    assert stale != text
    assert datadict.problems(stale) == ["the table of regimens.csv is stale"]
    assert datadict.render(stale) == text


def test_a_missing_table_is_reported():
    text = README.read_text(encoding="utf-8")
    without = text.replace(datadict.table("pitfalls"), "")
    assert datadict.problems(without) == ["no generated table for pitfalls.csv"]


def test_allowed_values_come_from_the_checks():
    regimens = data.SCHEMAS["regimens"].columns
    assert regimens["dose_unit"].allowed_values() == "mcg; mg"
    assert regimens["phase"].allowed_values().startswith("loading; maintenance; prophylaxis "
                                                         "(prevention); treatment (")
    assert regimens["regimen_id"].allowed_values(unique=True).startswith("unique; ")
    assert data.Col("number", positive=True).allowed_values() == "number above zero, or blank"
    assert data.Col("text", required=True).allowed_values() == "free text"
