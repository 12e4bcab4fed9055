"""The pitfall catalogue of notebook 06: complete, cited, and loud about broken rows."""


import pytest

from b12course.clinical import pitfalls
from b12course.show import pages
from b12course.sources import references


def test_catalogue_covers_the_pitfalls_the_course_teaches():
    ids = set(pitfalls.load()["id"])
    for expected in ("folic_acid_alone", "stopping_maintenance", "mg_mcg_confusion",
                     "serum_b12_monitoring", "missed_nitrous_oxide", "wrong_route",
                     "cyanocobalamin_lebers", "potassium_forgotten", "no_neuro_escalation"):
        assert expected in ids


def test_every_row_is_cited_with_resolving_keys():
    for source in pitfalls.load()["source"]:
        assert references.split_keys(source)
        assert references.unresolved(source) == []


def test_table_html_has_a_header_and_one_row_per_pitfall():
    html = pages.pitfalls_html()
    assert html.count("<tr>") == len(pitfalls.load()) + 1
    assert "<th scope='col'>Sources</th>" in html
    assert "Folic acid alone" in html


def test_unresolved_source_is_reported_with_row_and_column(data_copy):
    path = data_copy / "pitfalls.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",NOT-A-KEY"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 2, column 'source'.*NOT-A-KEY"):
        pitfalls.load()


def test_missing_column_is_reported(data_copy):
    path = data_copy / "pitfalls.csv"
    text = path.read_text(encoding="utf-8").replace("safer_practice", "advice", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="missing column.*safer_practice"):
        pitfalls.load()
