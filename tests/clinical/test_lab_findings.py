"""Issue 12, clinical review of the lab and monitoring notebooks (02, 05, 06): one test per finding.

Each test would have failed on the files the review read:
1. notebook 02 listed folate deficiency as a cause of a falsely *normal* B12 (digest 2.8);
2. the BSH/CKS scheme reported >= 200 ng/L as "deficiency unlikely", a band BSH never gave, and
   was not marked as superseded by NICE NG239;
3. RUH 2023 (and other) bands carried categories the laboratory never gave;
4. quiz 02-who-to-test did not say that NICE's advice is about the *initial* test (MHRA 2022);
5. quiz 05-case-severe never prompted urgent assessment of a breathless, severely anaemic patient;
6. synthetic haemoglobin started to rise before the reticulocytes (digest 5.1);
7. notebook 06 / bank 06 must not say SC hydroxocobalamin "has not been studied".
"""

import json
import re

import nbformat
import pytest

from b12course.clinical import labs, trajectories
from b12course.show import lab_figures
from b12course.show.widgets import lab_interpreter as li
from b12course.sources import data, references
from b12course.sources.paths import data_dir, repo_path

NOTEBOOKS = {n: repo_path("notebooks", f"{n}.ipynb") for n in (
    "02_diagnosis_and_labs", "05_monitoring_and_response", "06_safety_and_pitfalls")}


def _markdown(name: str) -> str:
    notebook = nbformat.read(NOTEBOOKS[name], as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def _bank(name: str) -> dict:
    return json.loads((data_dir() / "quizzes" / f"{name}.json").read_text(encoding="utf-8"))


def _question(bank: str, qid: str) -> dict:
    for question in _bank(bank)["questions"]:
        if question["id"] == qid:
            return question
    raise AssertionError(f"{qid} not in {bank}")


def _texts(node) -> list[str]:
    """Every string in a quiz item (question, answers, feedback, explanation, parts)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+|\n", text)


# 1 ----------------------------------------------------------------------------------------------
def test_folate_deficiency_is_never_taught_as_a_cause_of_a_falsely_normal_b12():
    """Digest 2.8 (corrected Dec 2026): the direction was wrong; not a falsely normal cause."""
    texts = [_markdown("02_diagnosis_and_labs"), _markdown("06_safety_and_pitfalls")]
    texts += _texts(_bank("02_diagnosis_and_labs")) + _texts(_bank("06_safety_and_pitfalls"))
    texts += [" ".join(map(str, row)) for row in data.load("pitfalls").itertuples(index=False)]
    claims = [s for t in texts for s in _sentences(t)
              if re.search(r"folate", s, re.I) and re.search(r"falsely normal", s, re.I)
              and not re.search(r"\bnot\b|n't", s, re.I)]
    assert not claims, claims


# 2 ----------------------------------------------------------------------------------------------
BSH = "BSH-CKS (historical)"


def test_bsh_scheme_is_labelled_historical_and_cites_its_supersession():
    total = labs.schemes("total_b12")
    assert BSH in total and "BSH-CKS" not in total
    assert labs.is_historical(BSH) and not labs.is_historical("NICE-NG239")
    for _, row in labs.bands("total_b12", BSH).iterrows():
        assert "BSH-SUPERSEDED" in references.split_keys(row["source"])
        assert "superseded" in row["band"] and "NG239" in row["band"]


@pytest.mark.parametrize("value", [200, 250, 349, 500, 2000])
def test_bsh_gives_no_band_above_its_cut_off_so_none_is_invented(value):
    result = labs.interpret_total_b12(value, scheme=BSH)
    assert result.category == "not stated"
    assert "no further band defined" in result.band
    assert "unlikely" not in result.band and labs._EXPLAIN["unlikely"] not in result.explanation
    html = li.interpret_html("total_b12", str(value), "ng/L", BSH)
    assert li.CATEGORY_WORDS["unlikely"] not in html
    assert li.CATEGORY_WORDS["not stated"] in html and li.HISTORICAL_WORDS in html


def test_below_the_bsh_cut_off_is_a_sensitivity_cut_off_not_a_confirmation():
    """Re-read R11: BSH 2014 gave about 97% sensitivity at 200 ng/L, not a confirmation."""
    result = labs.interpret_total_b12(199, scheme=BSH)
    assert result.category == "not stated", result.category
    assert "picks up about 97% of true deficiency; not a confirmation" in result.band
    html = li.interpret_html("total_b12", "199", "ng/L", BSH)
    assert li.CATEGORY_WORDS["deficient"] not in html and li.HISTORICAL_WORDS in html


# 3 ----------------------------------------------------------------------------------------------
# Bands whose source gave a band, cut-off or range but no interpretation of it: the course assigns
# none. RUH 2023: only the cut-offs were recorded. BSH >= 200: a single cut-off. UCSF > 816: only
# a normal range. (NBT and RUH 2024 above 914: the laboratories' own words "high"/"raised" give the
# category raised, re-read T01; they are not "unlikely".)
# BSH < 200: a cut-off with ~97% sensitivity, not a confirmation (re-read R11).
NOT_STATED = {"bsh-total-below", "bsh-total-above", "ruh23-total-below-100", "ruh23-total-100-145",
              "ruh23-total-145-200", "ruh23-total-above-200"}


def test_bands_without_a_sourced_meaning_carry_no_category():
    table = data.load("lab_thresholds").set_index("band_id")
    # the old notes admitted the RUH 2023 categories were inferred ("follow the order of ...")
    for band_id, row in table.iterrows():
        assert not re.search(r"categor\w* follow|inferred", row["notes"], re.I), band_id
    assert set(table.index) >= NOT_STATED
    assert set(table.index[table["category"] == "not stated"]) == NOT_STATED


def test_ruh_2023_is_historical_and_never_shown_with_the_laboratorys_authority():
    scheme = "RUH-2023 (historical)"
    assert scheme in labs.schemes("total_b12") and labs.is_historical(scheme)
    for _, row in labs.bands("total_b12", scheme).iterrows():
        assert row["category"] == "not stated"
        value = row["upper"] - 1 if row["upper"] == row["upper"] else row["lower"] + 1
        html = li.interpret_html("total_b12", f"{value:g}", "ng/L", scheme)
        for category in ("deficient", "indeterminate", "unlikely", "normal"):
            assert li.CATEGORY_WORDS[category] not in html
        assert li.CATEGORY_WORDS["not stated"] in html and li.HISTORICAL_WORDS in html


def test_ucsf_normal_band_uses_the_laboratorys_own_word():  # and above it: raised (re-read U03)
    assert labs.interpret_total_b12(500, scheme="UCSF").category == "normal"


def test_the_band_chart_gives_not_stated_bands_their_own_look():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    fig = lab_figures.bands_figure("total_b12")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert lab_figures._WORDS["not stated"] in labels
    assert "(historical)" in lab_figures.bands_alt("total_b12")
    plt.close(fig)


# 4 ----------------------------------------------------------------------------------------------
def test_who_to_test_says_nice_is_about_the_initial_test_and_gives_the_mhra_advice():
    item = _question("02_diagnosis_and_labs", "02-who-to-test")
    assert "MHRA-2022" in references.split_keys(item["source"])
    assert "initial" in item["explanation"] and "MHRA" in item["explanation"]
    no_symptoms = next(a for a in item["answers"] if "without symptoms" in a["answer"])
    assert "initial" in no_symptoms["feedback"] and "MHRA" in no_symptoms["feedback"]
    assert "periodic" in no_symptoms["feedback"].lower()


# 5 ----------------------------------------------------------------------------------------------
def test_severe_case_prompts_urgent_assessment_with_a_citation():
    case = _question("05_monitoring_and_response", "05-case-severe")
    assert "breathless" in case["stem"]
    keyed = [(part, answer) for part in case["parts"] for answer in part.get("answers", [])
             if answer["correct"] and "urgent" in answer["answer"].lower()]
    assert keyed, "no keyed answer asks for urgent assessment"
    part, _answer = keyed[0]
    assert "IATROX-CKS" in references.split_keys(part["source"])
    assert case["parts"].index(part) == 0, "urgent assessment comes before the routine plan"
    assert "urgent" in case["explanation"].lower()
    # the key is not given away by being the longest option
    lengths = [len(a["answer"]) for a in part["answers"]]
    assert len(_answer["answer"]) < max(lengths)


# 6 ----------------------------------------------------------------------------------------------
RETIC_BASELINE = 0.05  # the generator's resting reticulocyte value (relative)


def test_committed_synthetic_hb_does_not_rise_before_the_reticulocytes():
    """In every responder, Hb on the days before the reticulocyte rise stays at its day-0 level
    (0.5 g/dL allows for the synthetic noise, sd 0.15 g/dL per value)."""
    frame = trajectories.load()
    hb, retic = trajectories.wide("hb"), trajectories.wide("reticulocytes")
    responders = sorted(set(frame.loc[frame["pattern"] != "no_response", "patient_id"]))
    assert responders
    for pid in responders:
        risen = retic.index[retic[pid] >= 0.15]  # 0.15: well above noise at the 0.05 baseline
        before = [d for d in hb.index if d < risen[0]]
        assert before, pid
        assert max(hb.loc[before, pid]) - hb.loc[0, pid] <= 0.5, (pid, hb.loc[before, pid])


@pytest.mark.parametrize("seed", [trajectories.SEED, *range(1, 16)])
def test_generator_never_starts_hb_before_the_reticulocyte_onset(seed):
    """Without noise, Hb is exactly its day-0 value on every day before reticulocytes rise."""
    frame = trajectories.generate(seed=seed, noise=False)
    for pid, rows in frame.groupby("patient_id"):
        hb = rows[rows["measure"] == "hb"].set_index("day")["value"]
        retic = rows[rows["measure"] == "reticulocytes"].set_index("day")["value"]
        rising = retic.index[retic > RETIC_BASELINE]
        first = rising[0] if len(rising) else max(retic.index) + 1
        assert (hb[hb.index < first] == hb.loc[0]).all(), (seed, pid, hb.to_dict())


def test_hb_timing_cites_the_reticulocyte_onset_row():
    params = trajectories.timeline_parameters()
    assert trajectories.EVENT_IDS["retic_rise_begins_day"] == "retic-onset-stg"
    assert (params.retic_rise_begins_day.low, params.retic_rise_begins_day.high) == (3, 5)
    hb_sources = set(trajectories.load().query("measure == 'hb'")["source"])
    assert all("DRGALEN-STG" in references.split_keys(s) for s in hb_sources)


# 7 ----------------------------------------------------------------------------------------------
def test_notebook_06_does_not_say_sc_hydroxocobalamin_has_not_been_studied():
    texts = [_markdown("06_safety_and_pitfalls")] + _texts(_bank("06_safety_and_pitfalls"))
    texts += [" ".join(map(str, row)) for row in data.load("pitfalls").itertuples(index=False)]
    assert not [t for t in texts if re.search(r"not been studied", t, re.I)]
    assert "no evidence" in _markdown("06_safety_and_pitfalls")


# ================================== third independent re-read (T01, Dec 2026)


def test_above_range_bands_carry_the_laboratorys_own_word_as_raised():
    table = data.load("lab_thresholds").set_index("band_id")
    for band_id, word in (("nbt-total-high", "high"), ("ruh24-total-raised", "raised")):
        assert table.loc[band_id, "band"] == word
        assert table.loc[band_id, "category"] == "raised", band_id
    assert li.CATEGORY_WORDS["raised"].count("Above the range") == 1


@pytest.mark.parametrize("scheme", labs.schemes("total_b12"))
def test_a_lab_line_gives_the_schemes_own_words_once(scheme):
    for value in (100, 150, 250, 400, 1200):
        result = labs.interpret_total_b12(value, "ng/L", scheme)
        line = str(result)
        assert line.startswith(f"{value} ng/L: {result.band} ["), line
        assert "read by this scheme" not in line and "gives no interpretation" not in line
        assert line.count("(") == line.count(")") and ") (" not in line


# ================================== fourth independent re-read (U01-U03, Dec 2026)


@pytest.mark.parametrize("band_id", ["nbt-total-high", "ruh24-total-raised"])
def test_a_high_total_b12_is_never_read_as_pointing_to_deficiency(band_id):
    row = data.row("lab_thresholds", "band_id", band_id)
    result = labs.interpret_total_b12(float(row["lower"]) + 50, row["unit"], row["scheme"])
    assert result.category == "raised"
    assert "supports" not in result.explanation, result.explanation
    shown = li.interpret_html("total_b12", f"{float(row['lower']) + 50:g}", row["unit"],
                              row["scheme"])
    assert "does not say what a result here means for deficiency" in shown
    assert shown.count("does not say what") == 1, shown


def test_a_raised_mma_still_reads_as_supporting_deficiency():
    row = data.row("lab_thresholds", "band_id", "stabler-mma-raised")
    result = labs.interpret("mma", float(row["lower"]) * 2, row["unit"], row["scheme"])
    assert result.category == "raised"
    assert "supports (but does not by itself prove) B12 deficiency" in result.explanation


def test_the_band_figure_never_draws_above_range_like_deficiency():
    assert lab_figures._LOOK["raised"] != lab_figures._LOOK["deficient"]
    assert "above the range the scheme calls normal" in lab_figures.bands_caption("total_b12")


# ================================== fifth independent re-read (V01-V04, Dec 2026)


def test_notebook_02_says_a_high_total_b12_neither_shows_nor_rules_out_deficiency():
    nb = nbformat.read(repo_path("notebooks", "02_diagnosis_and_labs.ipynb"), as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "never points to deficiency" not in text
    assert "does not rule it out" in text and "even high" in text
    assert "high levels of intrinsic factor antibodies" in text
    assert "UCSF names no band above its normal range" in text
    assert "MCV are also raised by other causes" not in text and "each is also raised" not in text


def test_the_ucsf_falsely_normal_warning_sits_on_the_bands_a_low_value_could_hide_in():
    for band_id in ("ucsf-total-borderline", "ucsf-total-normal"):
        assert "UCSF notes that its assay may read falsely normal" in data.row(
            "lab_thresholds", "band_id", band_id)["notes"]
    assert "falsely normal" not in data.row("lab_thresholds", "band_id", "ucsf-total-low")["notes"]


def test_ucsf_names_no_band_above_816_so_the_course_invents_none():
    result = labs.interpret_total_b12(1200, "ng/L", "UCSF")
    assert result.category == "unclassified"
    shown = li.interpret_html("total_b12", "1200", "ng/L", "UCSF")
    assert "No band" in shown and "unclassified" not in shown


@pytest.mark.parametrize("scheme", labs.schemes("total_b12"))
@pytest.mark.parametrize("value", ["400", "1200"])
def test_a_reassuring_or_high_total_b12_carries_the_antibody_caution(scheme, value):
    shown = li.interpret_html("total_b12", value, "ng/L", scheme)
    assert "does not rule deficiency out" in shown and "WAINWRIGHT-2015" in shown


@pytest.mark.parametrize("scheme", labs.schemes("total_b12"))
def test_a_low_total_b12_does_not_carry_the_antibody_caution(scheme):
    shown = li.interpret_html("total_b12", "100", "ng/L", scheme)
    assert "does not rule deficiency out" not in shown


def test_the_caution_shows_the_titles_of_its_sources():
    shown = li.interpret_html("total_b12", "400", "ng/L", "NICE-NG239")
    assert references.resolve("WAINWRIGHT-2015").citation[:40] in shown.replace("&#x27;", "'")


def test_above_the_last_band_says_so_in_plain_words():
    result = labs.interpret_total_b12(1200, "ng/L", "UCSF")
    assert "is above the highest band of UCSF (up to 816 ng/L)" in result.explanation


def test_the_caution_under_a_historical_band_does_not_call_it_normal():
    shown = li.interpret_html("total_b12", "250", "ng/L", "RUH-2023 (historical)")
    assert "A result at or above this cut-off does not rule deficiency out" in shown
    assert "A normal or high total B12" not in shown
