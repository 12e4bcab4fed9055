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
from b12course.sources import data, references
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
    return references.split_keys(question["source"])


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

    reveal = getattr(getattr(value, "reveal", None), "content", None)
    if reveal is not None:  # a quiz's worked answer: shown to the student once they answer
        parts = reveal if isinstance(reveal, list | tuple) else [reveal]
        return "".join(_shown(part) for part in parts)
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


@pytest.mark.parametrize("heading", ["## Case 4 · Nitrous oxide", "## Case 5 ·"])
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
    assert "Where the sources differ" in shown  # the plans were printed
    assert not [w for w in DEVELOPER_WORDS if w in shown]


# --------------------------------------------- 8. LOW: exercise 07's 3-monthly wording


@pytest.mark.parametrize("path", [SOLUTION_07, EXERCISE_07], ids=lambda p: p.parent.name)
def test_exercise_07_labels_the_three_month_wording_as_older(path):
    task = next(t for t in cells(path) if t.startswith("## Task 2"))
    assert "every 3 months" in task and "older" in task
    assert "September 2018" in task and "PAS-2018" in task and "every 2–3 months" in task


# =============================================== independent re-read (R01-R14, Dec 2026)
# Each test below failed on the text the re-read found (checked before the fix).

NOTEBOOKS = sorted(NB.glob("[0-9]*.ipynb"))
# a clause mentions oral B12 (not oral contraceptives, anticoagulants or potassium) ...
ORAL = re.compile(r"\boral\b(?! (?:contraceptive|anticoagulant|potassium))|by mouth|\btablets?\b",
                  re.I)
# ... and offers it: a dose, or words that present it as an option or as enough
OFFERED = re.compile(r"\d\s*(?:–|-|to)?\s*\d*\s*(?:mg|micrograms?)\b|alternative|option|enough|"
                     r"\bfits?\b|can (?:fix|work|replace)|offer|preference|high-dose|high oral|"
                     r"treatment means|for dietary|judged", re.I)
NEURO_LIMIT = re.compile(r"neurolog|\bnerv", re.I)
# a worked case whose presentation rules out nerve involvement
NO_NEURO_CASE = re.compile(r"no neurological symptoms", re.I)


def _clauses(unit: str) -> list[str]:
    """A table row whole; otherwise its sentences, split again at semicolons."""
    text = references._CITATION.sub("", unit)  # keys such as CROHN-ORAL are not text
    if unit.lstrip().startswith("|"):
        return [text]
    return [c for s in references._SENTENCE_END.split(text) for c in s.split(";")]


def _sections(markdown: str) -> list[str]:
    """The markdown cut at every heading (##, ###, ...), each piece with its heading."""
    return re.split(r"(?m)^(?=#{1,4} )", markdown)


# a section that opens (first paragraph under its heading) with the limit as one bold line:
# "**With neurological involvement: IM loading first; ... only as later maintenance ...**"
SECTION_RULE = re.compile(r"\*\*With neurological involvement: IM loading first\b[^*]*"
                          r"only as (?:later )?maintenance[^*]*\*\*")


def _opens_with_the_rule(piece: str) -> bool:
    units = [u for u in references._text_units(piece) if not u.lstrip().startswith("#")]
    return bool(units) and SECTION_RULE.fullmatch(units[0].strip()) is not None


def oral_offers_without_the_neurology_limit(markdown: str) -> list[str]:
    found = []
    for piece in _sections(markdown):
        if NO_NEURO_CASE.search(piece) or _opens_with_the_rule(piece):
            continue
        for unit in references._text_units(piece):
            if unit.lstrip().startswith("#"):
                continue  # a heading names a topic; the text under it carries the limit
            for clause in _clauses(unit):
                flat = " ".join(clause.replace("*", "").split())
                if ORAL.search(flat) and OFFERED.search(flat) and not NEURO_LIMIT.search(flat):
                    found.append(flat)
    return found


def test_r01_detector_catches_the_lines_the_re_read_quoted():
    assert oral_offers_without_the_neurology_limit(
        "- High-dose oral B12 (1–2 mg a day) is an alternative backed by low-quality evidence "
        "[COCHRANE-2018]; the nasal spray is for maintenance only, without nervous-system "
        "involvement [NASCOBAL-EMPR].")
    assert oral_offers_without_the_neurology_limit(
        "| oral high-dose | 1–2 mg a day when IM cannot be given [FORM-SCOT-EAST] | x |")
    assert not oral_offers_without_the_neurology_limit(
        "Oral 1–2 mg a day, never at the start of treatment with neurological involvement.")
    assert not oral_offers_without_the_neurology_limit(
        "Low B12 with combined oral contraceptives [BNSSG-REMEDY].")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_r01_every_oral_offer_in_a_notebook_states_the_neurology_limit(path):
    """Correction 5: oral B12 is never an option at the start of treatment with neurological
    involvement; any sentence, bullet or table row offering it says so (or sits in a worked case
    whose presentation has no neurological symptoms)."""
    found = oral_offers_without_the_neurology_limit("\n\n".join(cells(path)))
    assert not found, "oral B12 offered with no neurology limit:\n" + "\n".join(found)


def test_r01_causes_table_usual_route_states_the_neurology_limit():
    rows = [r for r in data.records("causes") if r["cause_id"] in regimens.CAUSES]
    found = [f"{r['cause_id']}: {text}" for r in rows for text in (r["usual_route"], r["notes"])
             for clause in _clauses(text)
             if ORAL.search(clause) and (OFFERED.search(clause) or clause.strip() == "oral")
             and not NEURO_LIMIT.search(clause)]
    assert not found, found


def test_r01_dietary_paragraph_sends_neurological_involvement_to_im_loading():
    text = section(N03, "### Dietary deficiency")
    assert re.search(r"neurological involvement[^.]*IM loading", text), text


# R02: RCEM 2024 is cited only for what it says -----------------------------------------------

RCEM_SAYS_NOT = re.compile(r"\bstop|alternate|regimen|\boral\b|every 2|maintenance", re.I)


def _claims_citing(text: str, key: str) -> list[str]:
    """For each citation of ``key``: the words it backs (since the previous citation or the start
    of the sentence)."""
    claims = []
    for unit in references._text_units(text):
        for sentence in references._SENTENCE_END.split(unit):
            start = 0
            for match in references._CITATION.finditer(sentence):
                if key in references.split_keys(match.group(1)):
                    claims.append(" ".join(sentence[start:match.start()].split()))
                start = match.end()
    return claims


def _all_student_text() -> list[tuple[str, str]]:
    texts = [(p.name, "\n\n".join(cells(p))) for p in NOTEBOOKS]
    for name in ("03_regimens_by_cause", "07_case_studies"):
        texts += [(f"{name}.json", t) for t in bank_texts(name)]
    return texts


def test_r02_no_regimen_or_stop_rule_is_put_in_rcems_mouth():
    found = [f"{where}: {claim}" for where, text in _all_student_text()
             for claim in _claims_citing(text, "RCEM-N2O-2024") if RCEM_SAYS_NOT.search(claim)]
    found += [f"{where}: {s}" for where, text in _all_student_text()
              for s in references._SENTENCE_END.split(text)
              if re.search(r"RCEM[^.]*\badds\b[^.]*stop|give one plan", s)]
    assert not found, "\n".join(found)


def test_r02_nitrous_oxide_data_rows_credit_each_part_to_its_own_source():
    rows = {r["regimen_id"]: r for r in data.records("regimens")}
    neuro = rows["rcem-n2o-neuro-im"]
    assert "RCEM-N2O-2024" not in references.split_keys(neuro["source"])
    assert "FORM-NI" in references.split_keys(neuro["source"]) and "RCEM" not in neuro["guideline"]
    stop = rows["rcem-n2o-stop"]
    assert "RCEM-N2O-2024" not in references.split_keys(stop["source"])
    assert "course" in stop["guideline"].lower()
    assert "JCI-1981" in references.split_keys(stop["source"])
    for row in rows.values():
        if "RCEM-N2O-2024" in references.split_keys(row["source"]) and row["phase"] == "statement":
            assert not RCEM_SAYS_NOT.search(row["notes"]), (row["regimen_id"], row["notes"])


def test_r02_notebooks_say_the_course_combines_the_sources():
    for text in (section(N03, "### Nitrous oxide"), section(N07, "## Case 4")):
        assert re.search(r"course combines", text), text[:200]
        # stopping N2O: its own source, and the course's step to adults labelled as such (S01)
        assert "RCH-N2O-CPG" in text and re.search(r"course applies[^.]*adults", text), text[:200]


# R03 -------------------------------------------------------------------------------------------


def test_r03_no_feedback_claims_every_source_gives_alternate_day_loading():
    texts = bank_texts("03_regimens_by_cause") + bank_texts("07_case_studies")
    found = [t for t in texts if re.search(r"every cited source gives alternate", t, re.I)]
    assert not found, found
    for name, qid in (("03_regimens_by_cause", "03-n2o"), ("07_case_studies", "07-n2o-treat")):
        feedback = " ".join(a["feedback"] for a in leaves(name)[qid]["answers"])
        assert "starts with injections" in feedback, (qid, feedback)


# R04 -------------------------------------------------------------------------------------------


def test_r04_nitrous_oxide_pitfall_treats_without_waiting_and_cites_current_sources():
    row = next(r for r in data.records("pitfalls") if r["id"] == "missed_nitrous_oxide")
    assert references.split_keys(row["source"]) == [
        "PRACTNEUROL-N2O", "NWLP-ACTIVE", "RCEM-N2O-2024", "RCH-N2O-CPG"]
    assert "without waiting" in row["safer_practice"]
    assert re.search(r"stop (using )?nitrous oxide", row["safer_practice"], re.I)


# R05 -------------------------------------------------------------------------------------------


def test_r05_whole_millilitre_at_the_label_dose_is_called_a_ten_fold_error():
    text = " ".join(" ".join(cells(N04)).split())
    assert "would give the practice dose instead" not in text
    assert re.search(r"ten times the (prescribed|label's)[^.]*medication error", text), \
        "the whole-millilitre sentence does not call the result a 10-fold medication error"


# R06 -------------------------------------------------------------------------------------------
# sources that do not speak about how long treatment lasts (a causes table, a physiology page,
# a rat study)
NOT_ABOUT_DURATION = {"CCJM-CAUSES", "STATPEARLS-IF", "JCI-1981", "CMDT"}


@pytest.mark.parametrize("cause", regimens.CAUSES)
@pytest.mark.parametrize("region", regimens.REGIONS)
def test_r06_how_long_cites_sources_that_speak_about_duration(cause, region):
    for neurological in (False, True):
        plan = regimens.recommend(cause, neurological, region)
        keys = set(references.cited_in_text(plan.lifelong_note))
        assert keys and not keys & NOT_ABOUT_DURATION, (cause, region, plan.lifelong_note)
        if plan.lifelong == "yes":
            assert "course's reasoning" in plan.lifelong_note, plan.lifelong_note


def test_r06_only_a_resection_is_called_irreversible():
    note = regimens.recommend("ileal_resection", False, "UK").lifelong_note
    assert "disease or resection cannot be reversed" not in note
    assert "resection long enough to cause deficiency cannot be reversed" in note


# R07 -------------------------------------------------------------------------------------------


def test_r07_us_dietary_summary_reads_plainly_and_points_to_the_table():
    summary = regimens.recommend("dietary", False, "US").summary()
    assert "dose not stated oral" not in summary
    assert "- Shown first: Oral B12, dose not given by the source" in summary
    assert "listed second" not in summary and "other options and statements" in summary


# R08 -------------------------------------------------------------------------------------------


def test_r08_hb_after_retics_is_labelled_the_courses_inference():
    n05 = " ".join(" ".join(cells(NB / "05_monitoring_and_response.ipynb")).split())
    readme = " ".join((REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8").split())
    for text in (n05, readme):
        assert "as the sources describe" not in text
        assert "consistent with the cited timings (the course's inference)" in text


# R09 -------------------------------------------------------------------------------------------


def test_r09_severe_anaemia_feedback_names_the_summary_of_nice_cks():
    item = leaves("05_monitoring_and_response")["05-case-severe-urgent"]
    right = next(a for a in item["answers"] if a["correct"])
    assert "summary of NICE CKS" in right["feedback"]


# R10 -------------------------------------------------------------------------------------------


def test_r10_the_draft_is_never_said_to_be_replaced_in_content():
    texts = [t for _, t in _all_student_text()]
    texts += [" ".join(map(str, r.values())) for r in data.records("regimens")]
    found = [t for t in texts
             if re.search(r"not current advice|replaced by the final guideline", t, re.I)]
    assert not found, found
    row = next(r for r in data.records("regimens") if r["regimen_id"] == "nice-n2o-choice")
    assert "could not be confirmed" in row["notes"] and "superseded" in row["guideline"]
    assert "could not be confirmed" in section(N03, "### Nitrous oxide")


# R12 -------------------------------------------------------------------------------------------


def test_r12_do_not_delay_treatment_has_a_current_or_secondary_source():
    n02 = "\n\n".join(cells(NB / "02_diagnosis_and_labs.ipynb"))
    para = next(p for p in n02.split("\n\n") if p.startswith("**Falsely normal.**"))
    delay = [s for s in references._SENTENCE_END.split(para) if "delay" in s]
    assert delay and all(not references.only_superseded_or_draft(references.cited_in_text(s))
                         for s in delay), delay


# R13 -------------------------------------------------------------------------------------------


def test_r13_two_or_three_months_is_credited_to_its_smpc():
    item = leaves("07_case_studies")["07-n2o-follow"]
    assert "SMPC-OHCBL-EPG" in source_keys(item)
    assert "SMPC-OHCBL-EPG" in item["explanation"]


# R14 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cause", ["gastrectomy", "ileal_resection", "other_malabsorption"])
@pytest.mark.parametrize("neurological", [False, True])
def test_r14_one_prevention_line_others_under_where_sources_differ(cause, neurological):
    plan = regimens.recommend(cause, neurological, "UK")
    summary = plan.summary()
    assert len(plan.prophylaxis) > 1
    assert summary.count("- Prevention") == 1, summary
    for p in plan.prophylaxis[1:]:  # under "differ", or credited as giving the same (S11)
        assert p.source in summary, (p.regimen_id, summary)


# note j ----------------------------------------------------------------------------------------


def test_note_j_dose_dates_are_called_the_courses_convention():
    text = " ".join(" ".join(cells(N03)).split())
    assert re.search(r"exact days are the course's convention[^.]*clinics choose their own", text)


# =============================================== second re-read (S01-S12, Dec 2026)
# Each test below failed on the text the second re-read found (checked before the fix).

def _data_texts() -> list[tuple[str, str]]:
    texts = []
    for table in ("regimens", "causes", "pitfalls"):
        texts += [(f"{table}.csv", " ".join(map(str, r.values()))) for r in data.records(table)]
    return texts


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


ALL_PLANS = [(c, n, r) for c in regimens.CAUSES for n in (False, True) for r in regimens.REGIONS]


def test_s01_stopping_n2o_has_a_source_that_says_stop():
    ref = next(r for r in data.records("references") if r["key"] == "RCH-N2O-CPG")
    assert ref["status"] == "current" and ref["kind"] == "guideline"
    assert "paediatric" in ref["citation"] and "only for stopping nitrous oxide" in ref["citation"]
    row = next(r for r in data.records("regimens") if r["regimen_id"] == "rcem-n2o-stop")
    assert references.split_keys(row["source"]) == ["RCH-N2O-CPG", "JCI-1981"]
    assert "Melbourne" in row["guideline"] and "paediatric" in row["guideline"]
    for neurological in (False, True):
        for region in regimens.REGIONS:
            summary = regimens.recommend("nitrous_oxide", neurological, region).summary()
            assert re.search(r"Stop nitrous oxide[^\n]*\[RCH-N2O-CPG; JCI-1981\]", summary)


def test_s01_no_text_says_no_source_says_stop():
    texts = _all_student_text() + _data_texts()
    found = [f"{where}: {t[:80]}" for where, t in texts
             if re.search(r"no cited source says|in so many words", t, re.I)]
    assert not found, found


def test_s02_injections_first_is_claimed_only_for_sources_that_give_a_regimen():
    found = [f"{where}: {t[:80]}" for where, t in _all_student_text()
             if re.search(r"every cited source starts with injections", t, re.I)]
    assert not found, found
    for name, qid in N2O_TREATMENT:
        feedback = " ".join(a["feedback"] for a in leaves(name)[qid]["answers"])
        assert "gives a regimen for neurological involvement starts with injections" in feedback


def test_s03_the_ileal_cause_is_resection_and_its_duration_line_is_one_claim():
    row = next(r for r in data.records("causes") if r["cause_id"] == "ileal_resection")
    assert row["name"] == "Terminal ileal resection"
    assert "BATTAT-IBD" not in references.split_keys(row["duration_source"])
    assert "Crohn's disease without resection" in row["notes"]
    note = regimens.recommend("ileal_resection", False, "UK").lifelong_note
    assert note.startswith("for life") and "may resolve" not in note


def test_s04_detector_catches_b12_by_mouth_for_diet():
    assert oral_offers_without_the_neurology_limit(
        "- **Intake.** Absorption still works, so B12 by mouth can replace what the diet lacks "
        "[FORM-SCOT-EAST].")


def test_s05_oral_maintenance_limit_is_called_the_courses_rule():
    row = next(u for u in references._text_units("\n\n".join(cells(N04)))
               if u.startswith("| oral high-dose"))
    key_point = next(u for u in references._text_units(section(N03, "## Key points"))
                     if "High-dose oral B12 (1–2 mg" in u)
    for text in (row, key_point):
        assert re.search(r"maintenance after IM loading[^|]*\(the course's rule", text), text


def test_s06_usual_route_puts_the_neurology_limit_in_the_courses_mouth():
    for row in data.records("causes"):
        assert "(people without neurological involvement)" not in row["usual_route"], row
    row = next(r for r in data.records("causes") if r["cause_id"] == "ileal_resection")
    assert "offered by the course only without neurological involvement" in row["usual_route"]


def test_s07_n2o_items_credit_stopping_to_its_source():
    for name, qid in N2O_TREATMENT:
        question = leaves(name)[qid]
        assert "RCH-N2O-CPG" in source_keys(question)
        assert "RCH-N2O-CPG" in question["explanation"]
        assert "course's rule" not in question["explanation"]


def test_s08_duration_inferences_are_labelled_the_courses():
    rows = {r["cause_id"]: r for r in data.records("causes")}
    assert re.search(r"course's reasoning is that while it is, the cause persists",
                     rows["metformin"]["duration_basis"])
    assert "for partial gastrectomy this is the course's reasoning" in \
        rows["gastrectomy"]["duration_basis"]


@pytest.mark.parametrize("cause, neurological, region", ALL_PLANS)
def test_s09_plan_lines_have_no_chained_or_nested_brackets(cause, neurological, region):
    plan = regimens.recommend(cause, neurological, region)
    lines = plan.summary().splitlines() + [p.attributed() for p in plan.alternatives]
    for line in lines:
        assert ") (" not in line and _nesting(line) <= 1, line
    assert "the source gives no dose" not in plan.summary()


def test_s09_lab_result_shows_no_category_name():
    from b12course.clinical import labs

    for scheme in labs.schemes("total_b12"):
        for value in (50, 150, 250, 400, 1500):
            shown = str(labs.interpret_total_b12(value, "ng/L", scheme))
            assert "(not stated)" not in shown and "unclassified" not in shown, shown
            assert ") (" not in shown and _nesting(shown) <= 1, shown


def test_s10_the_oral_neurology_rule_is_stated_once_in_section_5():
    text = "\n\n".join(cells(N03))
    start = text.index("## 5. Alternatives to injections")
    oral = text[start:text.index("**Intranasal", start)]
    assert _opens_with_the_rule(oral), oral[:300]
    assert len(NEURO_LIMIT.findall(oral)) == 1, oral


def test_s10_detector_still_catches_an_oral_offer_with_the_rule_elsewhere():
    assert oral_offers_without_the_neurology_limit(
        "## 5. Oral\n\n**High-dose oral B12.** Oral 1000 micrograms a day works [COCHRANE-2018]."
        "\n\n**With neurological involvement: IM loading first; high-dose oral B12 only as "
        "later maintenance.**")


@pytest.mark.parametrize("cause", ["gastrectomy", "ileal_resection", "other_malabsorption"])
def test_s11_where_sources_differ_lists_only_a_different_prevention_dose(cause):
    plan = regimens.recommend(cause, False, "UK")
    shown = plan.prophylaxis[0]
    listed = re.search(r"Prevention \(before.*?Also stated: (.*?\])\.(?: |$)", plan.uncertainty)
    differing = listed.group(1) if listed else ""
    for p in plan.prophylaxis[1:]:
        same = (p.dose_mcg, p.route, p.pattern_text) == (shown.dose_mcg, shown.route,
                                                         shown.pattern_text)
        assert (p.source in differing) != same, (p.regimen_id, differing)
    assert "worded differently" not in plan.uncertainty


def test_s11_bariatric_prevention_names_one_trust_and_sleeve_only():
    line = next(s for s in regimens.recommend("bariatric_surgery", False, "UK").summary()
                .splitlines() if s.startswith("- Prevention"))
    assert "(one NHS trust; sleeve gastrectomy only)" in line, line


def test_s12_cks_is_nice_read_via_a_reproduction_and_the_pitfall_is_plain():
    n02 = " ".join("\n\n".join(cells(NB / "02_diagnosis_and_labs.ipynb")).split())
    assert "NICE CKS (2020; read via a reproduction)" in n02
    assert "CKS summary (a secondary source)" not in n02
    row = next(r for r in data.records("pitfalls") if r["id"] == "falsely_normal_b12")
    assert "with nerve involvement, CKS 2020 also says not to delay" in row["safer_practice"]
    assert _nesting(row["safer_practice"]) <= 1 and "historical" not in row["safer_practice"]


# ================================== third independent re-read (T02-T07, Dec 2026)


def test_t02_stopping_n2o_is_named_by_the_guideline_not_said_to_come_from_it():
    for path in (NB / "03_regimens_by_cause.ipynb", NB / "07_case_studies.ipynb"):
        text = "\n".join(cells(path))
        assert not re.search(r"comes from[^.]{0,40}(children's hospital|Royal Children's)",
                             text), path.name
        assert "from a children's hospital guideline" not in text, path.name
        assert "mainstay of management" in text and "RCH-N2O-CPG" in text, path.name


def test_t04_notebook_03_says_the_methionine_advice_is_not_taught():
    text = "\n".join(cells(NB / "03_regimens_by_cause.ipynb"))
    assert re.search(r"methionine, which this course does not teach", text)


def test_t05_crohns_note_says_the_deficiency_is_still_treated():
    row = data.row("causes", "cause_id", "ileal_resection")
    assert "another cause" in row["notes"] and "deficiency itself is treated" in row["notes"]


def test_t06_maintainer_text_uses_the_narrowed_claim():
    readme = (REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    source = (REPO_ROOT / "src" / "b12course" / "sources" / "data.py").read_text(encoding="utf-8")
    for text in (readme, source):
        assert "every cited source starts with IM loading" not in text


def test_t07_the_sleeve_prevention_line_names_sleeve_gastrectomy_once():
    line = regimens.recommend("bariatric_surgery", False, "UK").summary()
    prevention = next(x for x in line.splitlines() if x.startswith("- Prevention:"))
    assert prevention.lower().count("sleeve gastrectomy") == 1, prevention


@pytest.mark.parametrize("cause", ["autoimmune_gastritis", "gastrectomy", "ileal_resection",
                                   "bariatric_surgery"])
@pytest.mark.parametrize("region", ["UK", "US"])
@pytest.mark.parametrize("neurological", [False, True])
def test_no_end_stated_never_sits_above_a_how_long_line(cause, region, neurological):
    """Maintenance, prevention, shown-first and 'where sources differ' lines (re-read U05)."""
    plan = regimens.recommend(cause, neurological, region)
    if not plan.lifelong_note:
        return
    lines = plan.summary().splitlines()
    shown = [x for x in lines
             if x.startswith(("- Shown first:", "- Maintenance:", "- Prevention:"))]
    # in "where sources differ", what the plan shows; other sources' own wording stays as stated
    shown += re.findall(r"Shown(?: first)?: (.*?)\. Also stated", plan.uncertainty)
    assert not [x for x in shown if "no end stated" in x], shown
