"""Quiz widgets: show questions from a bank with Check, feedback, explanation, source and score.

Each view closes over its own widgets and state (no notebook globals). Feedback goes into an
``ipywidgets.HTML`` value, so every view is testable without a browser. Progress is saved only
when Check is pressed.
"""

from __future__ import annotations

import hashlib
import html
import random
import re

import ipywidgets as widgets

from b12course.quiz.model import Question, load_bank
from b12course.quiz.progress import QuizProgress
from b12course.quiz.scoring import Result, grade
from b12course.show.widgets import keys
from b12course.show.widgets.look import NO, NOTE, OK, Look

PLACEHOLDER = "(choose a step)"
#: Let long option labels wrap instead of overlapping (ipywidgets gives each a fixed height);
#: the title is bold text, not a heading: an <h4> after a notebook's <h2> skips a level.
STYLE = """<style>
.b12-quiz .b12-quiz-title { font-size: 1.15em; font-weight: bold; margin: 0.4em 0 0.2em; }
.b12-quiz .widget-radio-box label, .b12-quiz .widget-checkbox label {
  height: auto; min-height: var(--jp-widgets-inline-height); line-height: 1.4;
  white-space: normal; overflow: visible; display: flex; align-items: baseline; gap: 0.4em;
  padding: 0.15em 0; }
.b12-quiz .widget-radio-box label input, .b12-quiz .widget-checkbox input {
  flex: none; order: -1; }
.b12-quiz .widget-checkbox { height: auto; }
.b12-quiz .widget-checkbox span { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def plain(text: str) -> str:
    """Inline HTML -> plain text, for widget labels that cannot render HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _rng(*parts: str) -> random.Random:
    """A random generator seeded by text (same text, same sequence, on every machine)."""
    seed = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def shuffled_order(question: Question, learner: str = "") -> list[int]:
    """Step indices in a shuffled order, the same every run for a learner and question."""
    n = len(question.steps)
    order = _rng(learner, question.id, "steps").sample(range(n), n)
    if order == list(range(n)) and n > 1:
        order = order[1:] + order[:1]  # never show the answer as the starting order
    return order


def option_order(question: Question, learner: str = "") -> list[int]:
    """Option indices shuffled per learner and question (stable across restarts); options
    marked ``last`` ("None of the above") stay at the end in the bank's order."""
    free = [i for i, c in enumerate(question.choices) if not c.last]
    pinned = [i for i, c in enumerate(question.choices) if c.last]
    return _rng(learner, question.id, "options").sample(free, len(free)) + pinned


def citation_html(source: str) -> str:
    """'KEY1; KEY2' -> the full citations as HTML; unknown keys are shown, never raised."""
    from b12course.show.citations import citation_items

    return "<br>".join(citation_items(source))


def render(result: Result) -> str:
    """The feedback HTML for one check: status in symbol and words, why, and the source."""
    parts = [f"<b>{result.headline}</b> {result.message}"]
    if result.feedback:
        if len(result.feedback) == 1:
            parts.append(result.feedback[0])
        else:
            parts.append("<ul>" + "".join(f"<li>{f}</li>" for f in result.feedback) + "</ul>")
    if result.explanation:
        parts.append(f"<b>Why:</b> {result.explanation}")
    if result.source:
        parts.append(f"<b>Source:</b> {citation_html(result.source)}")
    if result.attempted and not result.correct:
        parts.append("<i>Change your answer and press Check again, or press Try again.</i>")
    body = "".join(f"<div>{p}</div>" for p in parts)
    return f'<div role="status" aria-live="polite">{body}</div>'


def _saved_text(record: dict | None) -> str:
    if not record:
        return ""
    n = record["attempts"]
    best = (f"{OK} answered correctly" if record["best_score"] >= 1
            else f"{NO} not yet fully correct (best {record['best_score']:.0%})")
    return f"<small>Saved progress: {n} attempt{'s' if n != 1 else ''}; {best}.</small>"


class QuestionView(widgets.VBox):
    """One question: its input control(s), Check, Try again, feedback and saved progress."""

    def __init__(self, question: Question, store: QuizProgress, label: str = "",
                 on_result=None, on_notice=None, look: Look | None = None):
        self.question = question
        self.store = store
        self.look = look = look or Look()
        self.result: Result | None = None
        record = store.get(question.id) or {}
        self.attempts = int(record.get("attempts", 0))
        self.best_score = float(record.get("best_score", 0.0))
        self.first_score = float(record.get("first_score", 0.0)) if record else None
        prefix = f"<b>{label}</b> " if label else ""
        self.prompt = look.html_widget(f"{prefix}{question.question}")
        self.prompt.add_class(keys.PROMPT_CLASS)  # names the radio group (keys.py)
        self.input, controls, hint = self._build_input()
        self.check = widgets.Button(description="Check", icon="check",
                                    tooltip="Check your answer and see feedback",
                                    layout=look.plain, style=look.button)
        self.retry = widgets.Button(description="Try again", icon="undo", disabled=True,
                                    tooltip="Clear your answer and the feedback",
                                    layout=look.plain, style=look.button)
        self.feedback = look.html_widget(f"<i>{hint}</i>")
        self.saved = look.html_widget(_saved_text(record))
        on_result = on_result or (lambda view, result: None)
        on_notice = on_notice or (lambda text: None)

        def on_check(_button) -> None:
            try:
                result = grade(question, self.response())
            except Exception as exc:  # noqa: BLE001 - never a traceback in a widget
                reason = html.escape(str(exc))
                self.feedback.value = f"{NOTE} That answer could not be checked ({reason})."
                return
            self.result = result
            self.feedback.value = render(result)
            if not result.attempted:
                return
            self.retry.disabled = False
            self.attempts += 1
            self.best_score = max(self.best_score, result.score)
            if self.first_score is None:
                self.first_score = result.score
            try:
                saved = store.record(result, bank=question.bank)
                self.saved.value = _saved_text(saved)
                on_notice(store.notice)
            except OSError as exc:
                reason = html.escape(exc.strerror or str(exc))
                on_notice(f"{NOTE} Your answers are checked but progress could not be saved to "
                          f"{html.escape(str(store.path))} ({reason}).")
            on_result(self, result)

        def on_retry(_button) -> None:
            self.clear()
            self.feedback.value = f"<i>{hint}</i>"
            self.retry.disabled = True

        self.check.on_click(on_check)
        self.retry.on_click(on_retry)
        buttons = widgets.HBox([self.check, self.retry], layout=look.plain)
        super().__init__([self.prompt, *controls, buttons, self.feedback, self.saved],
                         layout=widgets.Layout(margin="0 0 1em 0"))
        self.add_class(keys.QUESTION_CLASS)

    def _build_input(self):
        q, look = self.question, self.look
        if q.type == "multiple_choice":
            shown = [q.choices[i] for i in option_order(q, self.store.learner)]
            radio = widgets.RadioButtons(options=[(plain(c.answer), c.id) for c in shown],
                                         value=None, description="Answer:",
                                         layout=look.auto_width, style=look.label)
            return radio, [radio], "Choose one answer, then press Check."
        if q.type == "many_choice":
            self.box_ids = [q.choices[i].id for i in option_order(q, self.store.learner)]
            boxes = [widgets.Checkbox(value=False, description=plain(q.choice(i).answer),
                                      indent=False, layout=look.auto_width, style=look.checkbox)
                     for i in self.box_ids]
            label = look.html_widget("<i>Tick every option that applies:</i>")
            return boxes, [label, *boxes], "Tick all that apply, then press Check."
        if q.type == "numeric":
            unit = q.unit
            text = widgets.Text(value="", description="Answer:", style=look.text,
                                layout=look.plain,
                                placeholder="a number and a unit" if unit else "a number",
                                continuous_update=True)  # Check must see the latest text
            hint = ("Type a number and a unit (e.g. mcg, mg, mL), then press Check." if unit
                    else "Type a number, then press Check.")
            return text, [text], hint
        if q.type == "order":
            order = shuffled_order(q, self.store.learner)
            options = [(PLACEHOLDER, "")] + [(plain(q.steps[i]), i) for i in order]
            drops = [widgets.Dropdown(options=options, value="", description=f"Position {n}:",
                                      layout=look.auto_width, style=look.label)
                     for n in range(1, len(q.steps) + 1)]
            listing = "".join(f"<li>{q.steps[i]}</li>" for i in order)
            steps = look.html_widget(f"<i>The steps, shuffled:</i><ul>{listing}</ul>")
            return drops, [steps, *drops], "Choose a step for each position, then press Check."
        raise ValueError(f"QuestionView cannot show a {q.type!r} question; use CaseView")

    def response(self):
        """What the student has entered, in the form grading expects."""
        q = self.question
        if q.type == "multiple_choice":
            return self.input.value
        if q.type == "many_choice":
            return [i for i, box in zip(self.box_ids, self.input, strict=True) if box.value]
        if q.type == "numeric":
            return self.input.value
        return [None if d.value == "" else d.value for d in self.input]

    def set_response(self, response) -> None:
        """Fill the controls the way a student would (the inverse of ``response``)."""
        q = self.question
        if q.type == "many_choice":
            for i, box in zip(self.box_ids, self.input, strict=True):
                box.value = i in response
        elif q.type == "order":
            for drop, value in zip(self.input, response, strict=True):
                drop.value = value
        else:
            self.input.value = response

    def clear(self) -> None:
        """Reset the input controls to blank."""
        q = self.question
        if q.type in ("multiple_choice", "numeric"):
            self.input.value = None if q.type == "multiple_choice" else ""
        elif q.type == "many_choice":
            for box in self.input:
                box.value = False
        else:
            for drop in self.input:
                drop.value = ""  # the "(choose a step)" placeholder

    @property
    def attempted(self) -> bool:
        return self.attempts > 0


class CaseView(widgets.VBox):
    """A case: the stem, then its parts one after another (the next opens after an attempt)."""

    def __init__(self, question: Question, store: QuizProgress, label: str = "",
                 on_result=None, on_notice=None, look: Look | None = None):
        self.question = question
        look = look or Look()
        on_result = on_result or (lambda view, result: None)
        prefix = f"{label} " if label else ""
        self.stem = look.html_widget(f"<b>{prefix}{question.question}</b><br>{question.stem}")
        self.summary = look.html_widget("")
        n = len(question.parts)

        def part_done(view, result) -> None:
            self._reveal()
            on_result(view, result)

        self.parts = [QuestionView(p, store, f"Part {k} of {n}.", part_done, on_notice, look)
                      for k, p in enumerate(question.parts, start=1)]
        super().__init__([self.stem, *self.parts, self.summary],
                         layout=widgets.Layout(border="1px solid #999", padding="0.5em",
                                               margin="0 0 1em 0"))
        self._reveal()

    def _reveal(self) -> None:
        """Show parts up to the first one not yet attempted; summarise when all are attempted."""
        open_next = True
        for view in self.parts:
            view.layout.display = None if open_next else "none"
            open_next = open_next and view.attempted
        if all(v.attempted for v in self.parts):
            right = sum(v.best_score >= 1 for v in self.parts)
            q = self.question
            self.summary.value = (f"<b>Case summary:</b> {right} of {len(self.parts)} parts "
                                  f"answered correctly.<br><b>Why:</b> {q.explanation}"
                                  f"<br><b>Source:</b> {citation_html(q.source)}")

    @property
    def views(self) -> list[QuestionView]:
        return self.parts


class Reveal(widgets.VBox):
    """Content held back (a worked plan, a lab reading) until every question above it has been
    attempted, so a case never shows its answer before the student has given theirs."""

    WAITING = f"{NOTE} The worked answer appears here once you have checked every question above."

    def __init__(self, content, look: Look):
        self.content = content
        self.look = look
        self.shown = False
        super().__init__([look.html_widget(f"<i>{self.WAITING}</i>")])

    def _widgets(self, content) -> list[widgets.Widget]:
        if callable(content):
            content = content()
        if isinstance(content, list | tuple):
            return [w for item in content for w in self._widgets(item)]
        if isinstance(content, widgets.Widget):
            return [content]
        if hasattr(content, "_repr_html_"):
            return [self.look.html_widget(content._repr_html_())]
        return [self.look.html_widget(str(content))]

    def uncover(self) -> None:
        """Show the content (once); a failure becomes a plain message, never a traceback."""
        if self.shown:
            return
        heading = self.look.html_widget("<b>Worked answer</b> (now that you have answered):")
        try:
            body = self._widgets(self.content)
        except Exception as exc:  # noqa: BLE001 - never a traceback in a widget
            body = [self.look.html_widget(f"{NOTE} The worked answer could not be shown "
                                          f"({html.escape(str(exc))}).")]
        self.children = [heading, *body]
        self.shown = True


class QuizView(widgets.VBox):
    """Several questions with a running score summary and any progress notice; ``reveal``
    (HTML, a widget, a table, or a function returning one) opens when all are attempted."""

    def __init__(self, title: str, questions: list[Question], store: QuizProgress,
                 reveal=None):
        self.store = store
        look = Look()
        self.notice = look.html_widget(store.notice)
        self.score = look.html_widget("")
        self.items: list[QuestionView | CaseView] = []

        def on_notice(text: str) -> None:
            self.notice.value = text

        def on_result(_view, _result) -> None:
            self.update_score()

        several = len(questions) > 1
        for n, q in enumerate(questions, start=1):
            label = f"Question {n} of {len(questions)}." if several else ""
            view_class = CaseView if q.type == "case" else QuestionView
            self.items.append(view_class(q, store, label, on_result, on_notice, look))
        heading = look.html_widget(
            f'{STYLE}<p class="b12-quiz-title">{html.escape(title)}</p>')
        self.reveal = Reveal(reveal, look) if reveal is not None else None
        extra = [self.reveal] if self.reveal is not None else []
        super().__init__([heading, self.notice, *self.items, self.score, *extra])
        self.add_class("b12-quiz")
        keys.finish(self, "quiz")  # restart note and key guard, last
        self.update_score()

    @property
    def views(self) -> list[QuestionView]:
        """Every gradable question view, case parts included, in display order."""
        out = []
        for item in self.items:
            out.extend(item.parts if isinstance(item, CaseView) else [item])
        return out

    def update_score(self) -> None:
        views = self.views
        attempted = [v for v in views if v.attempted]
        right = sum(v.best_score >= 1 for v in attempted)
        first = sum((v.first_score or 0) >= 1 for v in attempted)
        self.score.value = (f"<b>Score:</b> {right} of {len(views)} correct · "
                            f"{len(attempted)} attempted · {first} right first time")
        if self.reveal is not None and len(attempted) == len(views):
            self.reveal.uncover()


def quiz(name: str, ids=None, progress: QuizProgress | None = None, reveal=None) -> QuizView:
    """Build the widget for a bank (all questions) or for the listed ids, in the order given;
    ``reveal`` is shown only once every question has been attempted."""
    bank = load_bank(name)
    questions = bank.select(ids)
    title = bank.title if ids is None else "Check your understanding"
    return QuizView(title, questions, progress or QuizProgress(), reveal=reveal)
