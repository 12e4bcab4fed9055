"""The data layer: every table loads, every source resolves, and a broken CSV fails with the
file, row and column named (the columns' documentation: tests/sources/test_data_dictionary.py)."""

import csv

import pytest

from b12course.sources import data, references
from b12course.sources.paths import data_dir
from data_fixtures import drop_column, set_cells

CSV_FILES = sorted(p.name for p in data_dir().glob("*.csv"))


@pytest.mark.parametrize("name", data.TABLES)
def test_every_schema_table_loads(name):
    frame = data.load(name)
    assert len(frame) > 0
    assert list(frame.columns)[: len(data.SCHEMAS[name].columns)] == list(
        data.SCHEMAS[name].columns)


@pytest.mark.parametrize("filename", CSV_FILES)
def test_every_source_key_resolves(filename):
    with open(data_dir() / filename, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "source" not in rows[0]:
        pytest.skip(f"{filename} has no source column")
    for n, row in enumerate(rows, start=2):  # file lines, as data.DataError numbers rows
        assert row["source"].strip(), f"{filename} row {n}: empty source"
        assert not references.unresolved(row["source"]), (
            f"{filename} row {n}: unresolved {references.unresolved(row['source'])}")


@pytest.mark.parametrize("name", ["products", "regimens", "lab_thresholds", "causes",
                                  "needle_lengths", "injection_sites", "response_timeline",
                                  "retention", "body_stores", "site_volumes"])
def test_clinical_tables_give_every_row_a_source(name):
    frame = data.load(name)
    assert (frame["source"].str.strip() != "").all()


def test_reference_kinds_are_from_the_documented_list():
    kinds = set(data.load("references")["kind"])
    assert kinds <= set(data.SCHEMAS["references"].columns["kind"].choices)


# ---------------------------------------------------------------- malformed tables


def test_data_dir_honours_the_environment_variable(data_copy):
    assert data_dir() == data_copy


def test_missing_column_names_file_and_column(data_copy):
    drop_column(data_copy, "regimens", "dose_unit")
    with pytest.raises(data.DataError, match=r"regimens\.csv.*column 'dose_unit'.*missing"):
        data.load("regimens")


@pytest.mark.parametrize("name,column,value,problem", [
    ("regimens", "dose_unit", "mL", "unknown unit 'mL'"),
    ("lab_thresholds", "unit", "mmol/L", "unknown unit 'mmol/L'"),
    ("regimens", "source", "NOT-A-KEY", "source key(s) NOT-A-KEY not in references.csv"),
    ("regimens", "dose", "-1", "-1 is not allowed"),
    ("regimens", "dose", "0", "0 is not allowed"),
    ("regimens", "dose", "nan", "'nan' is not a finite number"),
    ("regimens", "dose", "one", "'one' is not a number"),
    ("regimens", "pattern", "fortnightly", "unknown value 'fortnightly'"),
    ("regimens", "causes", "scurvy", "unknown cause 'scurvy'"),
    ("regimens", "product_id", "no-such-product", "unknown product"),
    ("products", "strength", "-1000", "-1000 is not allowed"),
    # the tables read by units, references, the course map, physiology and pitfalls too
    ("units", "to_base", "a thousand", "'a thousand' is not a number"),
    ("units", "base_unit", "mL", "base unit 'mL' is not a mass unit"),
    ("requirements", "source", "NOT-A-KEY", "source key(s) NOT-A-KEY not in references.csv"),
    ("requirements", "mcg_per_day", "0", "0 is not allowed"),
    ("absorption_chain", "order", "2.5", "'2.5' is not a whole number"),
    ("pitfalls", "safer_practice", "", "value is empty"),
    ("references", "kind", "blog", "unknown value 'blog'"),
    ("course_map", "minutes", "twenty", "'twenty' is not a number"),
])
def test_bad_cell_names_file_row_and_column(data_copy, name, column, value, problem):
    set_cells(data_copy, name, 2, **{column: value})  # the third data row: line 4 of the file
    with pytest.raises(data.DataError) as info:
        data.load(name)
    message = str(info.value)
    assert f"{name}.csv, row 4, column '{column}': {problem}" in message
    assert "Accepted:" in message


def test_duplicate_key_names_both_rows(data_copy):
    first = data.load("regimens")["regimen_id"].iloc[0]
    set_cells(data_copy, "regimens", 4, regimen_id=first)
    with pytest.raises(data.DataError, match=r"regimens\.csv, row 6, column 'regimen_id'.*"
                                             r"duplicate key.*also row 2"):
        data.load("regimens")


def test_unknown_table_lists_the_tables():
    with pytest.raises(ValueError, match="Tables: .*regimens"):
        data.load("regimes")


def test_row_with_too_many_fields_is_named(data_copy):
    path = data_copy / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ",surplus"  # file line 3
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"products\.csv, row 3: has \d+ fields"):
        data.load("products")


def test_empty_required_value_is_named(data_copy):
    set_cells(data_copy, "causes", 0, reversible="")
    with pytest.raises(data.DataError, match=r"causes\.csv, row 2, column 'reversible': value "
                                             r"is empty\. Accepted: yes, no, depends"):
        data.load("causes")


def test_records_follow_edits_to_the_file(data_copy):
    before = {r["product_id"]: r["name"] for r in data.records("products")}
    set_cells(data_copy, "products", 0, name="Renamed for the test")
    after = {r["product_id"]: r["name"] for r in data.records("products")}
    assert after["ohcbl-inj-uk"] == "Renamed for the test" != before["ohcbl-inj-uk"]


def test_rows_are_file_lines_even_after_blank_lines(data_copy):
    path = data_copy / "pitfalls.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first_id = lines[1].split(",", 1)[0]
    lines[4:4] = ["", ""]  # two blank lines before the fourth data row
    lines.append(lines[1])  # a duplicate of row 2 at the end
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=rf"pitfalls\.csv, row {len(lines)}, column 'id': "
                                             rf"duplicate key '{first_id}' \(also row 2\)"):
        data.load("pitfalls")


def test_module_loaders_raise_the_same_precise_error(data_copy):
    from b12course.sources import coursemap, units

    set_cells(data_copy, "units", 0, dimension="time")
    set_cells(data_copy, "course_map", 0, title="")
    units._table.cache_clear()
    try:
        with pytest.raises(data.DataError, match=r"units\.csv, row 2, column 'dimension'"):
            units.convert(1, "mg", "mcg")
    finally:
        units._table.cache_clear()
    with pytest.raises(data.DataError, match=r"course_map\.csv, row 2, column 'title'"):
        coursemap.sessions()


def test_the_cli_names_a_broken_table_row_without_a_traceback(data_copy, capsys):
    """A maintainer who breaks a CSV row gets the file, row and problem in one line."""
    from b12course import cli

    path = data_copy / "lab_thresholds.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",an extra field"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["data-snapshot"]) == 2
    err = capsys.readouterr().err
    assert "lab_thresholds.csv, row 4" in err and "Traceback" not in err
