"""Issue 14, item 3: no answer above its question.

A case shows the data a student needs (the patient, the results), never the interpretation or
plan it then asks for; a computed plan appears only after the student has answered (through
``quiz.show(..., reveal=...)``) or not at all.

(a) In every notebook, no code cell between the last heading and a quiz (nor the quiz cell itself,
    outside its ``reveal=``) computes a reading or a plan and shows it.
(b) In every notebook, the markdown between a case quiz and the heading above it states none of
    the case's keyed answers; in notebook 07 that markdown is the whole case, from "## Case N".
(c) In notebook 07, the discussion under each case quiz (which does state the answers) is folded
    away while the student answers: one collapsed HTML ``<details>`` block whose summary names the
    Discussion, with blank lines around its markdown so that JupyterLab renders the markdown.
(d) In every notebook, the code of a quiz cell, which the student reads before answering, names no
    cause (an id of ``b12course.clinical.regimens.CAUSES``) and no ``neurological=``: a case's
    worked answer is looked up by its question id (``worked.for_case(...)``). A cell may name them
    only where the student has just been shown that plan and no question asks for the cause or the
    neurology (``ALREADY_TOLD``, each with its reason).

Checks (a) and (b) failed on notebook 07 as it was before the change: (a) on the nine cells that
printed a band, a plan, dated doses or a volume above the six case quizzes; (b) on "potassium in
the first 48 hours", "nitrous oxide inactivates B12 inside cells" and "1 mg every 2 months in the
BNF wording" in the case prose. The self-tests below keep a copy of that shape so the detectors stay
able to fail. Check (d) failed on notebook 07's five case cells that called
``worked.plan("autoimmune_gastritis", neurological=True, ...)`` and the like, and on notebook 03's
case cell (``neurological=False`` above "which regimen fits?").
"""

from __future__ import annotations

import ast
import html
import json
import re

import pytest

from b12course.clinical.regimens import CAUSES
from b12course.sources.paths import REPO_ROOT, data_dir

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
N07 = REPO_ROOT / "notebooks" / "07_case_studies.ipynb"
# The helpers that compute a reading or a plan (a band, a regimen, dated doses, a volume).
ANSWER_HELPERS = {"interpret", "interpret_total_b12", "interpret_active_b12", "recommend",
                  "schedule", "volume_ml"}
SHOWING_CALLS = {"print", "display"}
HEADING = re.compile(r"^#{1,3} ", flags=re.M)
CASE_HEADING = re.compile(r"^## Case \d", flags=re.M)
PHRASE_WORDS = 5  # a run of this many words of a keyed answer counts as stating it


# ----------------------------------------------------------------------------- reading cells

def cells(path) -> list[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list)
             else c["source"]) for c in nb["cells"]]


def _name(func) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_quiz_show(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "show" and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "quiz")


class _DropQuizShow(ast.NodeTransformer):
    """Replace each ``quiz.show(...)`` (its ``reveal=`` included) by a constant."""

    def visit_Call(self, node):
        if _is_quiz_show(node):
            return ast.copy_location(ast.Constant(value=None), node)
        return self.generic_visit(node)


def _calls(tree) -> set[str]:
    return {_name(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}


def shows_an_answer(source: str, quiz_cell: bool = False) -> bool:
    """True when the cell calls an answer helper and shows something: a print or display, or a
    last expression (whose value the notebook displays). In a quiz cell, ``quiz.show(...)`` and
    everything inside it (the reveal) do not count, and its last expression is the quiz."""
    tree = ast.parse(source)
    if quiz_cell:
        tree = _DropQuizShow().visit(tree)
    calls = _calls(tree)
    if not calls & ANSWER_HELPERS:
        return False
    last_shows = (bool(tree.body) and isinstance(tree.body[-1], ast.Expr) and not quiz_cell)
    return bool(calls & SHOWING_CALLS) or last_shows


def quiz_cells(path):
    """(index, source, previous heading index) for each code cell that calls ``quiz.show(``."""
    heading = -1
    for index, (kind, source) in enumerate(cells(path)):
        if kind == "markdown" and HEADING.search(source):
            heading = index
        elif kind == "code" and "quiz.show(" in source:
            yield index, source, heading


def answers_shown_above_quizzes(path) -> list[str]:
    all_cells = cells(path)
    found = []
    for index, source, heading in quiz_cells(path):
        for earlier in range(heading + 1, index):
            kind, text = all_cells[earlier]
            if kind == "code" and shows_an_answer(text):
                found.append(f"{path.name} cell {earlier + 1} (above the quiz in cell "
                             f"{index + 1}):\n{text}")
        if shows_an_answer(source, quiz_cell=True):
            found.append(f"{path.name} cell {index + 1} shows an answer beside its quiz:\n"
                         f"{source}")
    return found


# ----------------------------------------------------------------------------- keyed answers

def _words(text: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).lower()
    text = text.replace("–", "-").replace("—", " ").replace("’", "'")
    text = re.sub(r"\[[A-Z0-9][A-Za-z0-9 ;\-]*\]", " ", text)  # citation keys are not text
    text = re.sub(r"[^a-z0-9.\-/']+", " ", text)
    words = [w for w in (t.strip(".-'") for t in text.split()) if w]
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words]  # makes ~ make


def _bank(name: str) -> dict[str, dict]:
    """The bank's questions by id, read as written (the JSON), so this check does not depend
    on the quiz model's validation of fields it does not use."""
    raw = json.loads((data_dir() / "quizzes" / f"{name}.json").read_text(encoding="utf-8"))
    return {q["id"]: q for q in raw["questions"]}


def keyed_texts(question: dict) -> list[str]:
    """The keyed (correct) option texts of a question or a case's parts; a numeric key with a
    unit as 'value unit' (a bare number is never distinctive)."""
    texts = []
    for leaf in question.get("parts") or [question]:
        for answer in leaf.get("answers", []):
            if not answer.get("correct"):
                continue
            if "answer" in answer:
                texts.append(answer["answer"])
            elif answer.get("unit"):
                texts.append(f"{answer['value']:g} {answer['unit']}")
    return texts


def _phrases(key: str) -> list[tuple[str, ...]]:
    words = _words(key)
    if len(words) < 2:
        return []
    if len(words) <= PHRASE_WORDS:
        return [tuple(words)]
    return [tuple(words[i:i + PHRASE_WORDS]) for i in range(len(words) - PHRASE_WORDS + 1)]


def stated_keys(markdown: str, keys: list[str]) -> list[str]:
    """Each key of which a distinctive phrase (the whole key, or any run of PHRASE_WORDS of its
    words) appears in the markdown, case-insensitively, as 'phrase' <- key."""
    text = " " + " ".join(_words(markdown)) + " "
    found = []
    for key in keys:
        hits = [p for p in _phrases(key) if f" {' '.join(p)} " in text]
        if hits:
            found.append(f"{' '.join(hits[0])!r} <- {key!r}")
    return found


def _quiz_ids(source: str) -> tuple[str, list[str]]:
    call = next(n for n in ast.walk(ast.parse(source)) if _is_quiz_show(n))
    name = ast.literal_eval(call.args[0])
    ids = next((ast.literal_eval(k.value) for k in call.keywords if k.arg == "ids"), None)
    if ids is None and len(call.args) > 1:
        ids = ast.literal_eval(call.args[1])
    return name, ids


def case_markdown_stating_keys(path) -> list[str]:
    all_cells = cells(path)
    found = []
    for index, source, heading in quiz_cells(path):
        name, ids = _quiz_ids(source)
        bank = _bank(name)
        questions = [bank[i] for i in ids] if ids is not None else list(bank.values())
        keys = [k for q in questions if q.get("type") == "case" for k in keyed_texts(q)]
        if not keys:
            continue
        markdown = "\n".join(text for kind, text in all_cells[max(heading, 0):index]
                             if kind == "markdown")
        found += [f"{path.name} cell {index + 1}: {hit}" for hit in stated_keys(markdown, keys)]
    return found


# ----------------------------------------------------------------------------- discussions

# Optionally a heading line, then <details> (no "open" attribute), a one-line summary, a blank
# line, the markdown, a blank line and </details>: markdown inside an HTML block renders only
# when blank lines separate it from the tags (CommonMark HTML blocks, as JupyterLab parses them).
COLLAPSED = re.compile(r"(?:#{3,6} [^\n]*\n\n)?<details>\n<summary>(?P<summary>[^\n]*)</summary>"
                       r"\n\n(?P<body>.*\S.*)\n\n</details>", flags=re.S)
NEXT_SECTION = re.compile(r"^#{1,2} ", flags=re.M)


def is_collapsed_discussion(markdown: str) -> bool:
    match = COLLAPSED.fullmatch(markdown.strip())
    return bool(match) and "Discussion" in match["summary"] and "details>" not in match["body"]


def discussions_not_collapsed(path) -> list[str]:
    """Each case quiz needs markdown after it (its discussion) before the next section, and all
    of that markdown must be a collapsed discussion."""
    all_cells = cells(path)
    found = []
    for index, _source, _heading in quiz_cells(path):
        after = []
        for kind, text in all_cells[index + 1:]:
            if (kind == "markdown" and NEXT_SECTION.search(text)) or "quiz.show(" in text:
                break
            if kind == "markdown":
                after.append(text)
        if not after:
            found.append(f"{path.name} cell {index + 1}: no discussion after the quiz")
        found += [f"{path.name} after cell {index + 1}, shown open:\n{text[:200]}"
                  for text in after if not is_collapsed_discussion(text)]
    return found


# ----------------------------------------------------------------------------- quiz cell code

# A cause id standing alone (not part of a question id such as "07-case-metformin"), or a
# neurology argument: either tells the student what a case asks them to work out.
NAMES_AN_ANSWER = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, CAUSES)) + r")(?![\w-])"
                             r"|\bneurological\s*=")
# (notebook, question ids) -> why its quiz cell may name a cause or the neurology. Never a case
# of notebook 07, where the cause and the neurology are what the student works out.
ALREADY_TOLD = {
    ("03_regimens_by_cause.ipynb", ("03-loading-purpose", "03-loading-count")):
        "the cell above prints this very plan (autoimmune gastritis without neurological "
        "involvement), and the questions ask what loading is for and how many doses it has",
}


def quiz_cells_naming_an_answer(path, told=ALREADY_TOLD) -> list[str]:
    found = []
    for index, source, _heading in quiz_cells(path):
        names = sorted({m.group(0).replace(" ", "") for m in NAMES_AN_ANSWER.finditer(source)})
        if names and (path.name, tuple(_quiz_ids(source)[1] or ())) not in told:
            found.append(f"{path.name} cell {index + 1} names {', '.join(names)}:\n{source}")
    return found


# ----------------------------------------------------------------------------- the checks

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_reading_or_plan_is_shown_between_a_heading_and_its_quiz(path):
    found = answers_shown_above_quizzes(path)
    assert not found, ("compute the reading or plan inside quiz.show(..., reveal=...) instead:\n"
                       + "\n\n".join(found))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_case_markdown_above_a_case_quiz_states_no_keyed_answer(path):
    found = case_markdown_stating_keys(path)
    assert not found, ("move these to the discussion after the quiz:\n" + "\n".join(found))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_quiz_cell_code_names_no_cause_and_no_neurology(path):
    found = quiz_cells_naming_an_answer(path)
    assert not found, ("look the reveal up by its question id, e.g. "
                       'reveal=worked.for_case("07-case-n2o"):\n' + "\n\n".join(found))


def test_every_already_told_quiz_cell_still_exists_and_none_is_a_case_of_07():
    shown = {(path.name, tuple(_quiz_ids(source)[1] or ()))
             for path in NOTEBOOKS for _i, source, _h in quiz_cells(path)}
    assert set(ALREADY_TOLD) <= shown
    assert not [key for key in ALREADY_TOLD if key[0] == N07.name]


def test_every_case_of_notebook_07_is_checked_from_its_heading():
    """Each '## Case N' heading is the last heading above its quiz, so check (b) reads the whole
    case; each quiz holds a case question and reveals a worked answer."""
    all_cells = cells(N07)
    seen = []
    for index, source, heading in quiz_cells(N07):
        kind, text = all_cells[heading]
        assert CASE_HEADING.search(text), f"cell {index + 1}: the heading above it is {text!r}"
        name, ids = _quiz_ids(source)
        assert [_bank(name)[i]["type"] for i in ids] == ["case"]
        assert "reveal=" in source, f"cell {index + 1}: no worked answer revealed"
        seen.append(ids[0])
    assert len(seen) == 6 == len(set(seen))


def test_every_discussion_of_notebook_07_is_collapsed_until_opened():
    found = discussions_not_collapsed(N07)
    assert not found, ("wrap each discussion in <details><summary><b>Discussion</b> ..."
                       "</summary>, blank lines, the text, blank lines, </details>:\n"
                       + "\n\n".join(found))
    assert len(list(quiz_cells(N07))) == 6


# ----------------------------------------------------------------------------- self-tests

# Notebook 07's case 1 before the change, in short: it printed the band and the plan, and its
# prose stated the follow-up key.
OLD_CASE_1 = [
    ("markdown", "## Case 1 · Autoimmune gastritis with neurological symptoms\n\n"
                 "Her total serum B12 is **150 ng/L**."),
    ("code", 'result = labs.interpret_total_b12(150, unit="ng/L", scheme="NICE-NG239")\n'
             'print(result.category, "|", result.band)'),
    ("code", 'plan = regimens.recommend("autoimmune_gastritis", neurological=True, region="UK")\n'
             "print(plan.summary())"),
    ("code", 'plan.schedule("2025-01-06", days=21)[["date", "dose_mcg"]]'),
    ("markdown", "**Monitoring and follow-up.** If her anaemia is severe: potassium in the first "
                 "48 hours [FDA-CNCBL-LABEL]."),
    ("code", 'quiz.show("07_case_studies", ids=["07-case-aig-neuro"])'),
]
NEW_CASE_1 = [
    OLD_CASE_1[0],
    ("code", 'quiz.show("07_case_studies", ids=["07-case-aig-neuro"],\n'
             '          reveal=[worked.lab_reading(150, "ng/L"),\n'
             '                  worked.plan("autoimmune_gastritis", neurological=True, '
             'region="UK")])'),
    ("markdown", "<details>\n<summary><b>Discussion</b> (open it after you answer)</summary>"
                 "\n\nPotassium in the first 48 hours.\n\n</details>"),
]
# The discussion as it was before it was folded away: readable beside the quiz.
OPEN_DISCUSSION = [*NEW_CASE_1[:2],
                   ("markdown", "### Discussion (after you answer)\n\nPotassium in the first 48 "
                                "hours.")]


def _write(tmp_path, case):
    nb = {"cells": [{"cell_type": k, "source": s, "metadata": {}} for k, s in case],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "07_case_studies.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_the_checks_fail_on_the_old_shape_of_case_1(tmp_path):
    path = _write(tmp_path, OLD_CASE_1)
    shown = answers_shown_above_quizzes(path)
    assert [s.split(" (")[0] for s in shown] == [f"07_case_studies.ipynb cell {n}"
                                                 for n in (2, 3, 4)]
    stated = case_markdown_stating_keys(path)
    assert stated and "potassium in the first 48" in stated[0]
    assert discussions_not_collapsed(path) == ["07_case_studies.ipynb cell 6: no discussion "
                                               "after the quiz"]


def test_the_cause_check_fails_on_the_old_case_cells(tmp_path):
    old = [OLD_CASE_1[0], NEW_CASE_1[1],
           ("code", 'quiz.show("07_case_studies", ids=["07-case-metformin"],\n'
                    '          reveal=worked.plan("metformin", neurological=False, '
                    'region="UK"))'),
           ("code", 'quiz.show("07_case_studies", ids=["07-case-us-label"],\n'
                    '          reveal=worked.for_case("07-case-us-label"))')]
    found = quiz_cells_naming_an_answer(_write(tmp_path, old))
    assert [f.split(":")[0] for f in found] == [
        "07_case_studies.ipynb cell 2 names autoimmune_gastritis, neurological=",
        "07_case_studies.ipynb cell 3 names metformin, neurological="]


def test_the_discussion_check_fails_on_an_open_discussion(tmp_path):
    assert len(discussions_not_collapsed(_write(tmp_path, OPEN_DISCUSSION))) == 1


@pytest.mark.parametrize("markdown, expected", [
    (NEW_CASE_1[2][1], True),
    ("### Discussion (after you answer)\n\n" + NEW_CASE_1[2][1], True),
    (NEW_CASE_1[2][1].replace("<details>", "<details open>"), False),  # shown expanded
    (NEW_CASE_1[2][1].replace("\n\nPotassium", "\nPotassium"), False),  # markdown not rendered
    (NEW_CASE_1[2][1].replace("Discussion", "More"), False),
    (NEW_CASE_1[2][1] + "\n\nA sentence after the block.", False),
])
def test_is_collapsed_discussion(markdown, expected):
    assert is_collapsed_discussion(markdown) is expected


def test_the_checks_pass_the_new_shape_of_case_1(tmp_path):
    path = _write(tmp_path, NEW_CASE_1)
    assert answers_shown_above_quizzes(path) == []
    assert case_markdown_stating_keys(path) == []
    assert discussions_not_collapsed(path) == []


@pytest.mark.parametrize("source, quiz_cell, expected", [
    ("print(regimens.recommend('dietary', neurological=False).summary())", False, True),
    ("plan = regimens.recommend('dietary', neurological=False)", False, False),  # not shown
    ("products.volume_ml(100, 'cncbl-inj-us')", False, True),  # a last expression is shown
    ("from b12course import units\nunits.convert(1, 'mg', 'mcg')", False, False),
    ("quiz.show('x', ids=['a'], reveal=worked.volume(100, 'cncbl-inj-us'))", True, False),
    ("print(products.volume_ml(100, 'p'))\nquiz.show('x', ids=['a'])", True, True),
])
def test_shows_an_answer(source, quiz_cell, expected):
    assert shows_an_answer(source, quiz_cell=quiz_cell) is expected


def test_a_short_key_must_appear_whole_and_citations_are_not_words():
    assert stated_keys("It is indeterminate (180–350 ng/L) here.", ["Indeterminate (180-350 ng/L)"])
    assert not stated_keys("Indeterminate results need care.", ["Indeterminate (180-350 ng/L)"])
    assert not stated_keys("He takes metformin.", ["Metformin"])  # one word is not distinctive
    assert stated_keys("Draw up 0.1 mL.", ["0.1 mL"])
