"""One look for a citation wherever a student meets it: quizzes, explorers, the lab interpreter."""

from b12course.clinical import regimens
from b12course.quiz.widgets import citation_html
from b12course.show.citations import citation_items
from b12course.show.widgets import lab_interpreter, regimen_explorer


def test_a_superseded_source_looks_the_same_in_every_widget():
    (item,) = citation_items("BSH-2014")
    assert item.startswith("[BSH-2014] ") and "<em>(superseded)</em>" in item
    assert item in citation_html("BSH-2014")
    lab = lab_interpreter.interpret_html("total_b12", "250", "ng/L", "BSH-CKS (historical)")
    assert item in lab
    plan = regimens.recommend("autoimmune_gastritis", True, "UK")
    assert "BSH-2014" in plan.sources
    assert f"<li>{item}</li>" in regimen_explorer.regimen_html(plan)


def test_an_unknown_key_is_shown_not_raised():
    assert citation_items("NO-SUCH-KEY") == ["[NO-SUCH-KEY] (not found in data/references.csv)"]
    assert citation_items("NICE-NG239; NICE-NG239") == citation_items("NICE-NG239")
