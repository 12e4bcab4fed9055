"""Pure grading, apart from widgets: every type, unit-aware numbers, input that must not raise."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12course import quiz
from b12course.quiz.model import Choice, NumericAnswer, Question
from b12course.quiz.scoring import ATTEMPTED, STATUSES

START = quiz.load_bank("00_start_here")


def numeric(unit="mcg", value=1000.0, tolerance=0.0, wrong=()):
    answers = [NumericAnswer(value, unit, tolerance, True, "right because")]
    answers += [NumericAnswer(v, unit, 0.0, False, f"targeted {v}") for v in wrong]
    return Question("98-n", "numeric", "How much?", "NIST-SP811", "the why",
                    numeric=tuple(answers))


MC = Question("98-mc", "multiple_choice", "Q", "NIST-SP811", "why",
              choices=(Choice("A", False, "fa"), Choice("B", True, "fb"), Choice("C", False, "fc")))
MANY = Question("98-many", "many_choice", "Q", "NIST-SP811", "why",  # A and B apply
                choices=(Choice("A", True, "fa"), Choice("B", True, "fb"),
                         Choice("C", False, "fc")))
ORDER = Question("98-o", "order", "Q", "NIST-SP811", "why", steps=("one", "two", "three"))


@pytest.mark.parametrize("response, status", [(1, "correct"), ("B", "correct"), (0, "incorrect"),
                                              ("C", "incorrect"), (None, "unanswered"),
                                              (7, "invalid"), ("Z", "invalid")])
def test_multiple_choice(response, status):
    result = quiz.grade(MC, response)
    assert result.status == status
    if status in ATTEMPTED:
        chosen = MC.choices[response if isinstance(response, int) else "ABC".index(response)]
        assert result.feedback == (chosen.feedback,)
        assert result.explanation == "why" and result.source == "NIST-SP811"
    else:
        assert result.explanation == "" and result.source == ""


@pytest.mark.parametrize("response, status, score", [
    ([0, 1], "correct", 1.0), (["B", "A"], "correct", 1.0), ([0], "partial", 0.5),
    ([0, 1, 2], "partial", 0.5), ([0, 2], "partial", 0.0), ([2], "incorrect", 0.0),
    ([], "unanswered", 0.0), (None, "unanswered", 0.0), ([5], "invalid", 0.0)])
def test_many_choice(response, status, score):
    result = quiz.grade(MANY, response)
    assert (result.status, result.score) == (status, score)


def test_many_choice_gives_feedback_for_each_ticked_option_and_counts_missed():
    result = quiz.grade(MANY, [0, 2])
    assert any("fa" in line and "✅" in line for line in result.feedback)
    assert any("fc" in line and "❌" in line for line in result.feedback)
    assert any("1 more option" in line for line in result.feedback)


@pytest.mark.parametrize("response, status", [
    ([0, 1, 2], "correct"), (["one", "two", "three"], "correct"), ([0, 2, 1], "partial"),
    ([2, 0, 1], "incorrect"), ([0, None, 1], "unanswered"), ([0, 0, 1], "invalid"),
    ([0, 1], "unanswered"), (None, "unanswered"), ([0, 1, "four"], "invalid")])
def test_order(response, status):
    assert quiz.grade(ORDER, response).status == status


def test_order_says_where_the_first_mistake_is():
    result = quiz.grade(ORDER, [0, 2, 1])
    assert "position 2" in result.message and result.score == pytest.approx(1 / 3)


@pytest.mark.parametrize("text", ["1 mg", "1000 mcg", "1,000 µg", "1mg", "1000 micrograms",
                                  " 1000  MCG ", "0.001 g"])
def test_numeric_accepts_any_way_of_writing_the_right_amount(text):
    assert quiz.grade(numeric(), text).status == "correct"


def test_numeric_tells_a_wrong_unit_from_a_wrong_number():
    q = numeric()
    assert quiz.grade(q, "1 mcg").status == "wrong_unit"  # right number in mg, wrong unit
    assert "mg" in quiz.grade(q, "1 mcg").message
    assert quiz.grade(q, "1 mL").status == "wrong_unit"  # a volume, not a mass
    assert "volume" in quiz.grade(q, "1 mL").message
    assert quiz.grade(q, "7 mcg").status == "incorrect"


def test_numeric_targeted_feedback_for_a_common_wrong_value():
    result = quiz.grade(numeric(wrong=(100.0,)), "0.1 mg")
    assert result.status == "incorrect" and result.feedback == ("targeted 100.0",)


def test_numeric_tolerance_is_absolute_in_the_answer_unit():
    q = numeric(unit="mL", value=0.5, tolerance=0.05)
    assert quiz.grade(q, "0.54 mL").status == "correct"
    assert quiz.grade(q, "0.56 mL").status == "incorrect"


@pytest.mark.parametrize("text, status, words", [
    ("", "unanswered", "number with its unit"), ("   ", "unanswered", "number with its unit"),
    ("abc", "invalid", "number"), ("NaN", "invalid", "number"), ("1e999 mcg", "invalid", "finite"),
    ("1e999", "invalid", "finite"), ("-5 mcg", "invalid", "negative"),
    ("1000", "missing_unit", "mcg, mg, g"), ("1000 furlongs", "invalid", "Accepted units"),
    ("1.2.3 mg", "invalid", "number"), ("<b>5</b> mg", "invalid", "&lt;b&gt;")])
def test_numeric_bad_input_gets_a_friendly_message(text, status, words):
    result = quiz.grade(numeric(), text)
    assert result.status == status and words in result.message
    assert not result.attempted and result.explanation == ""


@pytest.mark.parametrize("text, status", [("6", "correct"), ("6.0", "correct"), ("7", "incorrect"),
                                          ("6 mg", "invalid"), ("six", "invalid"),
                                          ("-6", "invalid"), ("", "unanswered")])
def test_unitless_numeric(text, status):
    assert quiz.grade(numeric(unit=None, value=6.0), text).status == status


def test_case_is_graded_part_by_part():
    case = START.get("00-case-reading-a-label")
    volume, route = case.parts
    right = {volume.id: "1 mL", route.id: 0}
    assert quiz.grade(case, right).status == "correct"
    half = quiz.grade(case, {volume.id: "1000 mL", route.id: 0})
    assert half.status == "partial" and half.score == 0.5
    assert quiz.grade(case, {}).status == "unanswered"


def test_authored_status_prefix_is_not_repeated():
    q = Question("98-x", "multiple_choice", "Q", "NIST-SP811", "why",
                 choices=(Choice("A", True, "✅ Correct. Because."), Choice("B", False, "❌ No.")))
    assert quiz.grade(q, 0).feedback == ("Because.",)
    assert quiz.grade(q, 1).feedback == ("No.",)


def test_grade_by_id_uses_the_banks():
    assert quiz.grade("00-mcg-in-1mg-ampoule", "1 mg").correct


# Hypothesis: the free-text path never raises and always returns a known status, and any amount
# written in any accepted mass unit is graded by its value, not by its spelling.

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_numeric_free_text_never_raises(text):
    for q in (numeric(), numeric(unit=None, value=6.0)):
        result = quiz.grade(q, text)
        assert result.status in STATUSES and result.headline
        assert "<script" not in result.message


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers()),
       st.sampled_from(["", " mg", " mcg", "mcg", " g", " mL", " kg", " inch", " µg", " %"]))
def test_numbers_with_any_suffix_never_raise(number, suffix):
    result = quiz.grade(numeric(), f"{number}{suffix}")
    assert result.status in STATUSES
    if isinstance(number, float) and not math.isfinite(number):
        assert result.status == "invalid"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["mcg", "mg", "g"]))
def test_mass_answers_are_graded_by_value(micrograms, unit):
    factor = {"mcg": 1, "mg": 1000, "g": 1000000}[unit]
    text = f"{micrograms / factor:.12g} {unit}"
    expected = "correct" if micrograms == 1000 else {"incorrect", "wrong_unit"}
    result = quiz.grade(numeric(), text)
    assert result.status == expected if isinstance(expected, str) else result.status in expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-3, 5), st.text(max_size=5)), max_size=5))
def test_order_and_choice_responses_never_raise(response):
    for q in (ORDER, MANY, MC):
        value = response if q is not MC else (response[0] if response else None)
        assert quiz.grade(q, value).status in STATUSES
