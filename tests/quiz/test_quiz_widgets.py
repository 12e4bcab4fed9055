"""Quiz widgets without a browser: every option of every question of every bank, via .click()."""

import json

import ipywidgets as widgets
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12course import quiz
from b12course.quiz.model import Choice, Question, load_all
from b12course.quiz.progress import QuizProgress
from b12course.quiz.scoring import key_response as correct_response
from b12course.quiz.scoring import tidy_feedback
from b12course.quiz.widgets import (
    CaseView,
    QuestionView,
    QuizView,
    Reveal,
    option_order,
    plain,
    shuffled_order,
)
from b12course.show.widgets.look import EMOJI, Look
from b12course.sources import units

BANKS = load_all()
LEAVES = [(name, leaf) for name, bank in BANKS.items() for q in bank.questions
          for leaf in q.leaves()]
CASES = [(name, q) for name, bank in BANKS.items() for q in bank.questions if q.type == "case"]

CORRECT = "✓ Correct."


def headline(view):
    """The first line of the feedback: the status in a symbol and words."""
    value = view.feedback.value
    return value.split("</b>", 1)[0]


def view_for(question, tmp_path):
    return QuestionView(question, QuizProgress(tmp_path / "progress.json"))


def check(view, response):
    view.set_response(response)
    view.check.click()
    return view.feedback.value


def assert_attempt_shows_why_and_source(view):
    value = view.feedback.value
    assert "<b>Why:</b>" in value and "<b>Source:</b>" in value
    for key in view.question.source_keys:
        assert f"[{key}]" in value
    assert "not found in data/references.csv" not in value
    # emoji (✅ ❌ ℹ️) show as empty boxes on PCs without an emoji font; marks are ✓ / ✗ / Note:
    assert not EMOJI.findall(value), (view.question.id, EMOJI.findall(value))


@pytest.mark.parametrize("bank, q", LEAVES, ids=[q.id for _, q in LEAVES])
def test_every_option_gets_the_right_verdict(bank, q, tmp_path):
    if q.type == "multiple_choice":
        for choice in q.choices:
            view = view_for(q, tmp_path)
            check(view, choice.id)
            if choice.correct:
                assert CORRECT in headline(view) and "misconception" not in view.feedback.value
            else:
                assert "✗ Incorrect." in headline(view) and CORRECT not in view.feedback.value
                assert f"Common misconception:</i> {choice.misconception}" in view.feedback.value
            assert tidy_feedback(choice.feedback) in view.feedback.value
            assert_attempt_shows_why_and_source(view)
    elif q.type == "many_choice":
        n_correct = sum(c.correct for c in q.choices)
        for choice in q.choices:
            view = view_for(q, tmp_path)
            check(view, [choice.id])
            if choice.correct and n_correct == 1:
                assert CORRECT in headline(view)
            else:
                assert "✗" in headline(view) and CORRECT not in headline(view)
            if not choice.correct:
                assert choice.misconception in view.feedback.value
            assert tidy_feedback(choice.feedback) in view.feedback.value
            assert_attempt_shows_why_and_source(view)
        view = view_for(q, tmp_path)
        check(view, correct_response(q))
        assert CORRECT in headline(view)
    elif q.type == "numeric":
        for answer in q.numeric:
            view = view_for(q, tmp_path)
            text = f"{answer.value!r} {answer.unit}" if answer.unit else repr(answer.value)
            check(view, text)
            assert (CORRECT in headline(view)) == answer.correct
            if not answer.correct:
                assert "✗" in headline(view)
            assert tidy_feedback(answer.feedback) in view.feedback.value
            assert_attempt_shows_why_and_source(view)
        right = next(a for a in q.numeric if a.correct)
        if right.unit:  # the same amount written in every other unit of its kind is accepted
            for other in units.accepted_units(units.dimension(right.unit)):
                amount = units.convert(right.value, right.unit, other)
                view = view_for(q, tmp_path)
                check(view, f"{amount:.12g} {other}")
                assert CORRECT in headline(view), (other, view.feedback.value)
        wrong = right.value * 7 + 13
        if not any(a.matches(wrong) for a in q.numeric):
            view = view_for(q, tmp_path)
            check(view, f"{wrong!r} {right.unit or ''}")
            assert "✗" in headline(view)
    elif q.type == "order":
        view = view_for(q, tmp_path)
        check(view, correct_response(q))
        assert CORRECT in headline(view)
        assert_attempt_shows_why_and_source(view)
        view = view_for(q, tmp_path)
        check(view, shuffled_order(q))
        assert "✗" in headline(view)
    else:
        pytest.fail(f"unexpected leaf type {q.type}")


@pytest.mark.parametrize("bank, q", LEAVES, ids=[q.id for _, q in LEAVES])
def test_blank_and_bad_input_get_a_friendly_message(bank, q, tmp_path):
    view = view_for(q, tmp_path)
    view.check.click()
    assert headline(view).startswith("<div") and "Note:" in headline(view)
    assert "Traceback" not in view.feedback.value and view.attempts == 0
    if q.type == "numeric":
        bad = ["", "abc", "NaN", "1e999", "-5", "1,0,0", "<script>x</script>"]
        if q.unit:
            bad.append("1000")  # a number with no unit
        for text in bad:
            check(view, text)
            assert "Note:" in headline(view), text
            assert "<script>" not in view.feedback.value
        assert view.attempts == 0


def test_order_shows_a_shuffled_start_that_is_stable(tmp_path):
    for _, q in LEAVES:
        if q.type == "order":
            order = shuffled_order(q)
            assert sorted(order) == list(range(len(q.steps))) and order != sorted(order)
            assert order == shuffled_order(q)
            view = view_for(q, tmp_path)
            labels = [label for label, _ in view.input[0].options[1:]]
            assert len(labels) == len(q.steps)


def test_order_with_a_repeated_step_asks_to_use_each_once(tmp_path):
    q = quiz.load_bank("00_start_here").get("00-smallest-to-largest")
    view = view_for(q, tmp_path)
    check(view, [0, 0, 1, 2])
    assert "Note:" in headline(view) and "once" in view.feedback.value


@pytest.mark.parametrize("bank, case", CASES, ids=[c.id for _, c in CASES])
def test_case_parts_open_in_sequence(bank, case, tmp_path):
    view = CaseView(case, QuizProgress(tmp_path / "progress.json"))
    assert case.stem in view.stem.value
    parts = view.parts
    assert parts[0].layout.display is None
    assert all(p.layout.display == "none" for p in parts[1:])
    for n, part in enumerate(parts):
        part.check.click()  # blank: not an attempt, the next part stays closed
        if n + 1 < len(parts):
            assert parts[n + 1].layout.display == "none"
        check(part, correct_response(part.question))
        assert CORRECT in headline(part)
        if n + 1 < len(parts):
            assert parts[n + 1].layout.display is None
    assert f"{len(parts)} of {len(parts)} parts" in view.summary.value
    assert "<b>Source:</b>" in view.summary.value


@pytest.mark.parametrize("name", sorted(BANKS))
def test_whole_bank_score_summary(name, tmp_path):
    widget = quiz.show(name)
    assert isinstance(widget, QuizView)
    views = widget.views
    total = len(views)
    assert f"0 of {total} correct" in widget.score.value
    first = views[0]
    first.set_response(correct_response(first.question))
    first.check.click()
    assert f"1 of {total} correct · 1 attempted · 1 right first time" in widget.score.value
    for view in views[1:]:
        check(view, correct_response(view.question))
    assert f"{total} of {total} correct · {total} attempted" in widget.score.value


def test_show_with_ids_keeps_the_order_given():
    widget = quiz.show("00_start_here", ids=["00-why-units", "00-mcg-in-1mg-ampoule"])
    assert [v.question.id for v in widget.views] == ["00-why-units", "00-mcg-in-1mg-ampoule"]


def test_retry_clears_answer_and_feedback(tmp_path):
    q = quiz.load_bank("00_start_here").get("00-same-as-1mg")
    view = view_for(q, tmp_path)
    assert view.retry.disabled
    check(view, [next(c.id for c in q.choices if not c.correct)])
    assert "✗" in headline(view) and not view.retry.disabled
    view.retry.click()
    assert view.response() == [] and "✗" not in view.feedback.value and view.retry.disabled
    check(view, correct_response(q))
    assert CORRECT in headline(view) and view.attempts == 2


def test_order_retry_shows_the_placeholder_again(tmp_path):
    q = quiz.load_bank("00_start_here").get("00-smallest-to-largest")
    view = view_for(q, tmp_path)
    assert all(d.label == "(choose a step)" for d in view.input)
    check(view, [1, 0, 2, 3])
    assert "✗" in headline(view)
    view.retry.click()
    assert all(d.label == "(choose a step)" for d in view.input)
    assert view.response() == [None] * 4
    check(view, [0, 1, 2, 3])
    assert CORRECT in headline(view)


def test_two_widgets_do_not_share_state(tmp_path):
    first, second = quiz.show("00_start_here"), quiz.show("00_start_here")
    check(first.views[3], correct_response(first.views[3].question))
    assert "✓" in headline(first.views[3])
    assert "Choose one answer" in second.views[3].feedback.value
    assert second.views[3].input.value is None


def _models(widget):
    """Every widget model a view sends to the browser: itself, children, layout and style."""
    seen, stack = {}, [widget]
    while stack:
        w = stack.pop()
        if w is None or id(w) in seen:
            continue
        seen[id(w)] = w
        stack.extend(getattr(w, "children", ()))
        stack.extend(getattr(w, name, None) for name in ("layout", "style"))
        if isinstance(getattr(w, "input", None), list):
            stack.extend(w.input)
    return list(seen.values())


def test_a_quiz_shares_layout_and_style_models_but_not_state():
    """A quiz sends one model per control, not three (Layout and Style are shared)."""
    import ipywidgets as widgets

    quiz_view = quiz.show("03_regimens_by_cause")
    models = _models(quiz_view)
    controls = [m for m in models if not isinstance(m, widgets.Layout | widgets.Style)]
    layouts = [m for m in models if isinstance(m, widgets.Layout)]
    # Own layouts: the quiz, each question (hidden and shown in cases) and each case box.
    assert len(layouts) <= len(quiz_view.views) + len(quiz_view.items) + 4
    assert len(models) < 1.3 * len(controls)
    own = {id(v.layout) for v in quiz_view.views}
    assert len(own) == len(quiz_view.views)
    assert not own & {id(v.feedback.layout) for v in quiz_view.views}


def test_every_control_has_a_text_label(tmp_path):
    for name in BANKS:
        for view in quiz.show(name).views:
            controls = view.input if isinstance(view.input, list) else [view.input]
            for control in controls:
                assert control.description.strip()
            assert view.check.description == "Check" and view.retry.description



NUMERIC = [q for _, q in LEAVES if q.type == "numeric"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30), index=st.integers(min_value=0, max_value=len(NUMERIC) - 1))
def test_typed_answers_never_raise_in_the_widget(tmp_path, text, index):
    view = view_for(NUMERIC[index], tmp_path)
    check(view, text)
    value = view.feedback.value
    assert any(symbol in headline(view) for symbol in ("✓", "✗", "Note:"))
    assert "Traceback" not in value and "<script" not in value.lower()


def test_quiz_citations_say_when_a_source_is_superseded_draft_or_secondary():
    """A student reading a quiz's sources can tell a withdrawn or second-hand source apart."""
    from b12course.quiz.widgets import citation_html

    shown = citation_html("NICE-NG239; BSH-2014; NICE-DRAFT-2023; CKS-2020")
    parts = shown.split("[")
    by_key = {part.split("]")[0]: part for part in parts if "]" in part}
    assert "(superseded)" in by_key["BSH-2014"]
    assert "(draft)" in by_key["NICE-DRAFT-2023"]
    assert "(secondary source)" in by_key["CKS-2020"]
    assert "<em>" not in by_key["NICE-NG239"]


# ---------------------------------------------------------------- shuffled options, per learner

CHOICE_LEAVES = [q for _, q in LEAVES if q.type in ("multiple_choice", "many_choice")]


def shown_ids(view):
    """Option ids in the order the student sees them."""
    if view.question.type == "multiple_choice":
        return [value for _label, value in view.input.options]
    return list(view.box_ids)


def shown_labels(view):
    if view.question.type == "multiple_choice":
        return [label for label, _value in view.input.options]
    return [box.description for box in view.input]


def store_for(tmp_path, monkeypatch, learner, name="progress.json"):
    monkeypatch.setenv("B12COURSE_LEARNER", learner)
    return QuizProgress(tmp_path / name)


def test_a_learner_sees_the_same_option_order_after_a_restart(tmp_path, monkeypatch):
    first = [shown_ids(QuestionView(q, store_for(tmp_path, monkeypatch, "ana")))
             for q in CHOICE_LEAVES]
    again = [shown_ids(QuestionView(q, store_for(tmp_path, monkeypatch, "ana")))
             for q in CHOICE_LEAVES]
    assert first == again
    for q, ids in zip(CHOICE_LEAVES, first, strict=True):
        assert sorted(ids) == sorted(c.id for c in q.choices)


def test_labels_match_the_ids_they_grade_as(tmp_path, monkeypatch):
    store = store_for(tmp_path, monkeypatch, "ana")
    for q in CHOICE_LEAVES:
        view = QuestionView(q, store)
        assert shown_labels(view) == [plain(q.choice(i).answer) for i in shown_ids(view)]


def test_two_learners_see_different_orders(tmp_path, monkeypatch):
    ana = [shown_ids(QuestionView(q, store_for(tmp_path, monkeypatch, "ana")))
           for q in CHOICE_LEAVES]
    ben = [shown_ids(QuestionView(q, store_for(tmp_path, monkeypatch, "ben")))
           for q in CHOICE_LEAVES]
    differ = sum(a != b for a, b in zip(ana, ben, strict=True))
    assert differ >= 0.6 * len(CHOICE_LEAVES), f"only {differ} of {len(CHOICE_LEAVES)} differ"


def test_the_key_lands_in_every_position_about_equally_often():
    """Over many learners the key's position is uniform: position gives nothing away."""
    q = next(q for q in CHOICE_LEAVES if q.type == "multiple_choice" and len(q.choices) == 4)
    key = next(i for i, c in enumerate(q.choices) if c.correct)
    counts = [0, 0, 0, 0]
    for n in range(2000):
        counts[option_order(q, f"learner-{n}").index(key)] += 1
    assert all(400 <= c <= 600 for c in counts), counts


def test_an_option_marked_last_stays_last():
    q = Question("98-pin", "multiple_choice", "Q", "NIST-SP811", "why",
                 choices=(Choice("None of the above", False, "f", "none", "m", last=True),
                          Choice("A", True, "f", "a"), Choice("B", False, "f", "b", "m"),
                          Choice("C", False, "f", "c", "m")))
    for n in range(50):
        order = option_order(q, f"l{n}")
        assert order[-1] == 0 and sorted(order) == [0, 1, 2, 3]


def test_the_learner_key_is_saved_with_progress_and_wins_later(tmp_path, monkeypatch):
    store = store_for(tmp_path, monkeypatch, "ana")
    q = next(q for q in CHOICE_LEAVES if q.type == "multiple_choice")
    before = shown_ids(QuestionView(q, store))
    view = QuestionView(q, store)
    check(view, correct_response(q))
    saved = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    assert saved["learner"] == store.learner and "ana" not in saved["learner"]  # a hash only
    assert saved["questions"][q.id]["first_response"] == correct_response(q)
    # the hub renames the user: the saved key keeps this learner's order
    assert shown_ids(QuestionView(q, store_for(tmp_path, monkeypatch, "someone-else"))) == before


def test_grading_follows_the_option_not_its_place_on_screen(tmp_path, monkeypatch):
    for learner in ("ana", "ben", "chloe"):
        store = store_for(tmp_path, monkeypatch, learner, f"{learner}.json")
        for q in CHOICE_LEAVES:
            if q.type != "multiple_choice":
                continue
            view = QuestionView(q, store)
            label = next(lbl for lbl, value in view.input.options
                         if q.choice(value).correct)
            view.input.label = label  # what a click on the key's text does
            view.check.click()
            assert CORRECT in headline(view), (learner, q.id)


# ---------------------------------------------------------------- a worked answer held back

def test_reveal_stays_hidden_until_every_question_is_attempted(tmp_path):
    store = QuizProgress(tmp_path / "progress.json")
    bank = quiz.load_bank("00_start_here")
    questions = bank.select(["00-why-units", "00-mcg-in-1mg-ampoule"])
    widget = QuizView("Case", questions, store, reveal="<p>THE PLAN 1000 micrograms</p>")
    text = lambda: " ".join(w.value for w in widget.reveal.children)  # noqa: E731
    assert "THE PLAN" not in text() and Reveal.WAITING in text()
    check(widget.views[0], correct_response(widget.views[0].question))
    assert "THE PLAN" not in text()
    widget.views[1].check.click()  # blank: not an attempt
    assert "THE PLAN" not in text()
    check(widget.views[1], "7 mcg")  # a wrong answer is still an answer
    assert "THE PLAN" in text()
    reopened = QuizView("Case", questions, QuizProgress(tmp_path / "progress.json"),
                        reveal="<p>THE PLAN</p>")
    assert reopened.reveal.shown  # after a restart, saved progress opens it again


def test_reveal_accepts_tables_and_widgets_and_never_shows_a_traceback(tmp_path):
    table = Reveal([pd.DataFrame({"dose": [1000]}), widgets.Label("after")], Look())
    table.uncover()
    assert "<table" in table.children[1].value and table.children[2].value == "after"

    def broken():
        raise ValueError("no such cause")
    failing = Reveal(broken, Look())
    failing.uncover()
    assert "could not be shown (no such cause)" in failing.children[1].value
