"""Findings of the independent clinical review (issue 12), one or more tests per finding.

Each test reads the course's own files (notebook markdown, quiz banks, exercise notebooks) or the
output its cells print, and would have failed on the files the review read.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from functools import cache

import pytest

from b12course.clinical import products, regimens
from b12course.sources.paths import REPO_ROOT, data_dir

NB = REPO_ROOT / "notebooks"
N03, N04, N07 = (NB / f"{n}.ipynb" for n in
                 ("03_regimens_by_cause", "04_im_technique", "07_case_studies"))
SOLUTION_07 = REPO_ROOT / "solutions" / "07_case_studies_exercises.ipynb"
EXERCISE_07 = REPO_ROOT / "exercises" / "07_case_studies_exercises.ipynb"
DEVELOPER_WORDS = ("open_phase_days", "schedule()", "ranges=", "build_schedule")


def cells(path, kind="markdown") -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == kind]


def section(path, heading: str) -> str:
    """The markdown from ``heading`` to the next heading of its level, whitespace collapsed."""
    level = heading.split(" ", 1)[0]
    text = "\n".join(cells(path))
    start = text.index(heading)
    nxt = re.search(rf"^{re.escape(level)} ", text[start + len(heading):], flags=re.M)
    found = text[start:start + len(heading) + (nxt.start() if nxt else len(text))]
    return " ".join(found.split())  # line breaks inside a sentence do not matter


def bank(name: str) -> dict:
    return json.loads((data_dir() / "quizzes" / f"{name}.json").read_text(encoding="utf-8"))


def leaves(name: str) -> dict[str, dict]:
    found = {}
    for q in bank(name)["questions"]:
        found[q["id"]] = q
        for part in q.get("parts", []):
            found[part["id"]] = part
    return found


def keyed(question: dict) -> str:
    return " ".join(a["answer"] for a in question["answers"] if a["correct"])


def source_keys(question: dict) -> list[str]:
    return [k.strip() for k in question["source"].split(";")]


def bank_texts(name: str) -> list[str]:
    texts = []

    def walk(obj):
        if isinstance(obj, dict):
            for key, value in obj.items():
                if key in ("question", "stem", "explanation", "answer", "feedback", "title"):
                    texts.append(value)
                else:
                    walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)

    walk(bank(name))
    return texts


def _shown(value) -> str:
    import pandas as pd

    frame = getattr(value, "data", value)  # a Styler shows its DataFrame
    if isinstance(frame, pd.DataFrame):
        with pd.option_context("display.max_colwidth", None, "display.width", 100000,
                               "display.max_rows", None, "display.max_columns", None):
            return frame.to_string() + "\n"
    return value + "\n" if isinstance(value, str) else ""


@cache
def printed(path) -> str:
    """What a student sees from the notebook's code: printed text and displayed tables."""
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for number, source in enumerate(cells(path, "code"), start=1):
            tree = ast.parse(source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, f"{path.name} cell {number}", "exec"), namespace)  # noqa: S102
            if last is not None:
                value = eval(compile(ast.Expression(last.value), path.name, "eval"), namespace)  # noqa: S307
                out.write(_shown(value))
    import matplotlib.pyplot as plt

    plt.close("all")
    return out.getvalue()


# --------------------------------------------- 1. HIGH: "a standard dose is 1 mL" (US label)


def test_04_never_calls_a_b12_dose_one_ml():
    text = "\n".join(cells(N04))
    assert not re.search(r"(standard|B12|a) dose is \**1 mL", text), \
        "a B12 dose is 1 mL only for some doses and products: work it out as dose ÷ strength"


def test_04_computes_dose_volumes_from_product_strength():
    code = "\n".join(cells(N04, "code"))
    assert "products.volume_ml(" in code
    shown = printed(N04)
    label = regimens.phase("us-label-cncbl-maint")
    label_ml = products.volume_ml(label.dose_mcg, label.product_id)
    uk = regimens.phase("uk-bnf-load")
    uk_ml = products.volume_ml(uk.dose_mcg, uk.product_id)
    assert f"{label.dose_text} from the {label.product}: {label_ml:g} mL" in shown
    assert f"{uk.dose_text} from the {uk.product}: {uk_ml:g} mL" in shown
    assert "dose ÷ strength" in section(N04, "## 4. Volume per site")


def test_04_volume_quiz_keys_the_us_label_volume():
    question = leaves("04_im_technique")["04-volume"]
    label = regimens.phase("us-label-cncbl-maint")
    assert f"{products.volume_ml(label.dose_mcg, label.product_id):g} mL" in keyed(question)
    assert "FDA-CNCBL-LABEL" in source_keys(question)


# --------------------------------------------- 2. HIGH: nitrous oxide taught from a draft

N2O_TREATMENT = [("03_regimens_by_cause", "03-n2o"), ("07_case_studies", "07-n2o-treat")]


@pytest.mark.parametrize("name, qid", N2O_TREATMENT, ids=[q for _, q in N2O_TREATMENT])
def test_n2o_keyed_answer_is_prompt_im_and_stopping_n2o(name, qid):
    question = leaves(name)[qid]
    key = keyed(question).lower()
    assert re.search(r"\bim\b", key), key
    assert "alternate-day" in key and "stop nitrous oxide" in key and "drug and alcohol" in key
    assert "preference" not in key and "oral" not in key
    keys = source_keys(question)
    assert "RCEM-N2O-2024" in keys and "NICE-DRAFT-2023" not in keys


@pytest.mark.parametrize("name, qid", N2O_TREATMENT, ids=[q for _, q in N2O_TREATMENT])
def test_n2o_draft_is_a_named_distractor_not_the_key(name, qid):
    question = leaves(name)[qid]
    draft = [a for a in question["answers"] if "preference" in a["answer"].lower()]
    assert draft and not any(a["correct"] for a in draft)
    assert all("superseded" in a["feedback"] for a in draft)


def test_no_quiz_item_rests_on_the_superseded_draft_alone():
    for path in sorted((data_dir() / "quizzes").glob("*.json")):
        for qid, question in leaves(path.stem).items():
            assert source_keys(question) != ["NICE-DRAFT-2023"], qid
            if "answers" in question and "nitrous" in json.dumps(question).lower():
                assert "preference" not in keyed(question).lower(), qid


N2O_ITEMS = [("03_regimens_by_cause", q) for q in ("03-n2o",)] + [
    ("07_case_studies", q) for q in ("07-n2o-why-normal", "07-n2o-test", "07-n2o-treat",
                                     "07-n2o-follow", "07-n2o-stop")]


@pytest.mark.parametrize("name, qid", N2O_ITEMS, ids=[q for _, q in N2O_ITEMS])
def test_n2o_options_are_parallel_and_the_key_is_not_the_longest(name, qid):
    question = leaves(name)[qid]
    lengths = [len(a["answer"]) for a in question["answers"]]
    key_length = max(len(a["answer"]) for a in question["answers"] if a["correct"])
    assert key_length < max(lengths), f"{qid}: the keyed option is the longest {lengths}"
    assert max(lengths) <= 1.5 * min(lengths), f"{qid}: options differ a lot in length {lengths}"


@pytest.mark.parametrize("name, qid", N2O_ITEMS, ids=[q for _, q in N2O_ITEMS])
def test_n2o_wrong_options_get_feedback_that_names_the_error(name, qid):
    for answer in leaves(name)[qid]["answers"]:
        if not answer["correct"]:
            words = re.sub(r"^\W*(No|❌)\W*", "", answer["feedback"]).split()
            assert len(words) >= 8, f"{qid}: feedback {answer['feedback']!r} names no misconception"


@pytest.mark.parametrize("path", [N03, N07], ids=lambda p: p.name)
def test_notebook_prose_teaches_the_current_n2o_plan(path):
    text = "\n".join(cells(path))
    assert "RCEM-N2O-2024" in text and "drug and alcohol" in text
    assert re.search(r"stop(ping)? (the )?nitrous oxide", text, flags=re.I)
    for paragraph in text.split("\n\n"):
        if "NICE-DRAFT-2023" in paragraph or "preference" in paragraph:
            assert "superseded" in paragraph.lower(), paragraph
    assert "NICE-DRAFT-2023" not in section(path, "## Key points")


@pytest.mark.parametrize("path", [N03, N07], ids=lambda p: p.name)
def test_printed_plans_never_offer_the_draft(path):
    for line in printed(path).splitlines():
        if "NICE-DRAFT-2023" in line or "preference" in line.lower():
            assert "superseded" in line.lower(), line


# --------------------------------------------- 3. LOW: the date of the BNF change


def test_03_dates_the_bnf_change_to_september_2018():
    text = "\n".join(cells(N03))
    assert "September 2018" in text and "PAS-2018" in text
    for item in [*cells(N03), *bank_texts("03_regimens_by_cause")]:
        assert "not shown" not in item, item
    assert "PAS-2018" in source_keys(leaves("03_regimens_by_cause")["03-uk-maint-who-says"])


# --------------------------------------------- 4. LOW: CKS "for life" mapped onto N2O and metformin


@pytest.mark.parametrize("heading", ["### Nitrous oxide", "### Metformin"])
def test_03_duration_of_n2o_and_metformin_follows_the_cause(heading):
    text = section(N03, heading)
    assert "SPS-NG239" in text and re.search(r"consider stopping or reducing", text)
    assert "non-dietary causes in general" in text


@pytest.mark.parametrize("heading", ["## Case 4 · Nitrous oxide", "## Case 5 · Metformin"])
def test_07_duration_of_n2o_and_metformin_follows_the_cause(heading):
    text = section(N07, heading)
    assert "SPS-NG239" in text and "non-dietary causes in general" in text


@pytest.mark.parametrize("cause", ["nitrous_oxide", "metformin"])
@pytest.mark.parametrize("neurological", [False, True])
def test_plans_for_reversible_causes_attach_for_life_to_no_option(cause, neurological):
    plan = regimens.recommend(cause, neurological=neurological, region="UK")
    for phase in (*plan.phases, *plan.alternatives):
        assert phase.lifelong != "yes", f"{phase.regimen_id} says 'for life' for {cause}"


# --------------------------------------------- 5. LOW: "SC hydroxocobalamin has not been studied"


def test_sc_hydroxocobalamin_is_no_evidence_and_off_label_not_never_studied():
    names = [p.stem for p in sorted((data_dir() / "quizzes").glob("*.json"))]
    texts = [t for p in sorted(NB.glob("*.ipynb")) for t in cells(p)]
    texts += [t for name in names for t in bank_texts(name)]
    assert not [t for t in texts if "not been studied" in t]
    row = next(line for line in "\n".join(cells(N04)).splitlines()
               if line.startswith("| hydroxocobalamin"))
    assert "off-label" in row and "no evidence" in row


# --------------------------------------------- 6. LOW: end of loading merged with stopping


def test_07_n2o_follow_up_separates_end_of_loading_from_stopping():
    parts = leaves("07_case_studies")
    follow = keyed(parts["07-n2o-follow"]).lower()
    assert "maintenance" in follow and "stop" not in follow and "reduc" not in follow
    stop = parts["07-n2o-stop"]
    assert "stopping or reducing" in keyed(stop) and "SPS-NG239" in source_keys(stop)
    case = next(q for q in bank("07_case_studies")["questions"] if q["id"] == "07-case-n2o")
    order = [p["id"] for p in case["parts"]]
    assert order.index("07-n2o-follow") < order.index("07-n2o-stop")


# --------------------------------------------- 7. LOW: developer text printed to students


@pytest.mark.parametrize("cause", regimens.CAUSES)
@pytest.mark.parametrize("region", regimens.REGIONS)
@pytest.mark.parametrize("neurological", [False, True])
def test_plan_summary_uses_no_programming_words(cause, region, neurological):
    summary = regimens.recommend(cause, neurological=neurological, region=region).summary()
    assert not [w for w in DEVELOPER_WORDS if w in summary]


@pytest.mark.parametrize("path", [N03, N07], ids=lambda p: p.name)
def test_notebook_output_uses_no_programming_words(path):
    shown = printed(path)
    assert "Where sources differ" in shown  # the plans were printed
    assert not [w for w in DEVELOPER_WORDS if w in shown]


# --------------------------------------------- 8. LOW: exercise 07's 3-monthly wording


@pytest.mark.parametrize("path", [SOLUTION_07, EXERCISE_07], ids=lambda p: p.parent.name)
def test_exercise_07_labels_the_three_month_wording_as_older(path):
    task = next(t for t in cells(path) if t.startswith("## Task 2"))
    assert "every 3 months" in task and "older" in task
    assert "September 2018" in task and "PAS-2018" in task and "every 2–3 months" in task
