"""Worked answers (``show.worked``): the figures come from the cited tables, and a quiz reveals
them only once every question has been attempted (issue 14, item 3).

Every expected value is read from the package (``clinical.labs``, ``clinical.regimens``,
``clinical.products``), never typed here.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from b12course import quiz
from b12course.clinical import labs, products, regimens, schedule
from b12course.quiz.widgets import Reveal
from b12course.show import readable, worked
from b12course.sources import references, units
from b12course.sources.cells import is_blank
from b12course.sources.paths import REPO_ROOT

START, DAYS = "2025-01-06", 21


def esc(text) -> str:
    return html.escape(str(text))


def band_values(scheme: str) -> list[float]:
    """One value inside each band of a total-B12 scheme, from the band's own bounds."""
    values = []
    for _, row in labs.bands("total_b12", scheme).iterrows():
        low, high = row["lower"], row["upper"]
        if not is_blank(low) and not is_blank(high):
            values.append((low + high) / 2)
        elif not is_blank(high):
            values.append(high / 2)
        else:
            values.append(low * 1.5)
    return values


def body_rows(text: str) -> list[str]:
    return re.findall(r"<tr><td>.*?</tr>", text.split("<tbody>", 1)[1])


SOURCES_LIST = re.compile(r"<details><summary>Sources \((\d+)\)</summary><ul>(.*?)</ul></details>")


def listed_and_cited(shown: str) -> tuple[list[str], list[str]]:
    """(the keys of the "Sources (n)" list, every bracketed key in the text shown above it)."""
    (count, items), = SOURCES_LIST.findall(shown)
    listed = re.findall(r"<li>\[([^\]]+)\]", items)
    assert int(count) == len(listed)
    text = html.unescape(SOURCES_LIST.sub("", shown))
    return listed, re.findall(r"[A-Z][A-Za-z0-9-]+", " ".join(re.findall(r"\[([^\]]+)\]", text)))


# ------------------------------------------------------------------------------- lab reading

@pytest.mark.parametrize("scheme", [labs.DEFAULT_SCHEME, *labs.schemes("total_b12")[1:2]])
def test_lab_reading_shows_the_band_why_and_source_of_each_band(scheme):
    for value in band_values(scheme):
        result = labs.interpret_total_b12(value, unit="ng/L", scheme=scheme)
        shown = worked.lab_reading(value, "ng/L", scheme=scheme)
        assert f"{value:g} ng/L" in shown and esc(scheme) in shown
        assert esc(result.band) in shown and esc(result.explanation) in shown
        for key in result.source.split("; "):
            assert f"[{esc(key)}]" in shown


def test_lab_reading_defaults_to_nice_and_can_add_another_unit():
    value = band_values(labs.DEFAULT_SCHEME)[1]
    shown = worked.lab_reading(value, "ng/L", also_in="pmol/L")
    assert esc(labs.interpret_total_b12(value).band) in shown
    assert f"about {units.convert(value, 'ng/L', 'pmol/L'):.0f} pmol/L" in shown
    assert f"[{esc(units.source('pmol/L'))}]" in shown


@pytest.mark.parametrize("value, unit", [(150, "mg"), (-3, "ng/L"), ("abc", "ng/L")])
def test_lab_reading_raises_on_a_value_no_lab_reports(value, unit):
    with pytest.raises(ValueError):
        worked.lab_reading(value, unit)


# ------------------------------------------------------------------------------- plans

PLANS = [(c, n, r) for c in regimens.CAUSES for n in (False, True) for r in regimens.REGIONS]


@pytest.mark.parametrize("cause, neurological, region", PLANS,
                         ids=[f"{c}-{'neuro' if n else 'no-neuro'}-{r}" for c, n, r in PLANS])
def test_plan_shows_every_phase_how_long_and_every_source(cause, neurological, region):
    regimen = regimens.recommend(cause, neurological=neurological, region=region)
    shown = worked.plan(cause, neurological=neurological, region=region)
    open_end = not regimen.lifelong_note
    for phase in regimen.loading:
        assert esc(phase.describe()) in shown
    if regimen.maintenance is not None:
        assert esc(regimen.maintenance.describe(open_end)) in shown
    for phase in regimen.treatment:
        assert esc(phase.describe(open_end)) in shown
    assert esc(regimen.lifelong_note) in shown
    # where the sources differ: every point, folded away as short bullets
    assert readable.points_html(regimen.uncertainty,
                                "Where the sources differ or are silent") in shown
    assert "<tbody>" not in shown  # no dated doses unless asked for


@pytest.mark.parametrize("cause, neurological, region", PLANS,
                         ids=[f"{c}-{'neuro' if n else 'no-neuro'}-{r}" for c, n, r in PLANS])
def test_plan_lists_exactly_the_sources_its_text_cites(cause, neurological, region):
    """The "Sources (n)" list is the plan text's own citations (those on the How long and Review
    lines included), not ``regimen.sources`` (which also holds rows the plan never shows)."""
    for shown in (worked.plan(cause, neurological=neurological, region=region),
                  worked.plan(cause, neurological=neurological, region=region, start=START,
                              days=DAYS)):
        listed, cited = listed_and_cited(shown)
        assert listed == list(dict.fromkeys(cited))  # every list key is cited, and vice versa
        assert all(f"[{esc(k)}]" in shown for k in listed) and len(set(listed)) == len(listed)


@pytest.mark.parametrize("cause, neurological", [("autoimmune_gastritis", True),
                                                 ("autoimmune_gastritis", False),
                                                 ("nitrous_oxide", True)])
def test_plan_with_dates_lists_every_dose_of_the_period(cause, neurological):
    frame = regimens.recommend(cause, neurological=neurological, region="UK").schedule(
        START, days=DAYS)
    shown = worked.plan(cause, neurological=neurological, region="UK", start=START, days=DAYS)
    rows = body_rows(shown)
    assert len(rows) == len(frame) > 0
    for row, dose in zip(rows, frame.itertuples(), strict=True):
        assert f"{dose.date:%d %b %Y}" in row and f"{dose.dose_mcg:g} micrograms" in row
        assert f"<td>{esc(dose.phase)}</td>" in row and f"<td>{esc(dose.route)}</td>" in row
    assert "dose_mcg" not in shown and "regimen_id" not in shown  # human column names only


def test_doses_can_show_only_the_first_rows():
    frame = regimens.recommend("autoimmune_gastritis", neurological=False,
                               region="UK").schedule(START, days=200)
    shown = worked.doses("autoimmune_gastritis", neurological=False, region="UK", start=START,
                         days=200, rows=8)
    assert len(frame) > 8 and len(body_rows(shown)) == 8
    assert f"first 8 of {len(frame)} doses" in shown
    assert list(frame["phase"].head(8)).count("loading") == sum(
        "<td>loading</td>" in row for row in body_rows(shown))


def caption(text: str) -> str:
    return html.unescape(text.split("</i></p>", 1)[0])


def test_doses_caption_states_the_range_the_engine_actually_takes():
    """The caption's example range ("every 2–3 months": lower end "every 2 months") is the BNF
    maintenance row, and the dose-date engine does take that row's lower end."""
    phase = regimens.phase("uk-bnf-maint-2to3m")
    low, high, unit = phase.interval, phase.interval_max, phase.interval_unit
    taken = schedule.course(phase).rhythm.every
    assert (low, taken) == (taken, low) and high > low  # the engine takes the lower end
    frame = regimens.recommend("autoimmune_gastritis", neurological=False,
                               region="UK").schedule(START, days=200)
    kept = [schedule.as_date(d) for d in frame.loc[frame["regimen_id"] == phase.regimen_id,
                                                     "date"]]
    assert len(kept) >= 2 and all(schedule.add(a, taken, unit) == b
                                  for a, b in zip(kept, kept[1:], strict=False))
    shown = caption(worked.doses("autoimmune_gastritis", neurological=False, region="UK",
                                 start=START, days=DAYS))
    assert f"range (such as every {low:g}–{high:g} {unit}s)" in shown
    assert f"uses the lower end (every {taken:g} {unit}s)" in shown
    assert "the choice within a range is the prescriber's" in shown


@pytest.mark.parametrize("neurological", [True, False])
def test_doses_caption_says_how_an_open_loading_phase_is_drawn(neurological):
    regimen = regimens.recommend("autoimmune_gastritis", neurological=neurological, region="UK")
    open_phases = [p for p in regimen.loading if p.open_ended]
    shown = caption(worked.doses("autoimmune_gastritis", neurological=neurological,
                                 region="UK", start=START, days=DAYS))
    assert bool(open_phases) is neurological  # the neurological loading has no fixed end
    for phase in open_phases:
        assert f"Loading has no fixed end ({phase.length_text})" in shown
        assert "keeps it going to the end of the days shown" in shown
        assert "in practice it ends when improvement stops" in shown
    if not open_phases:
        assert "no fixed end" not in shown


def test_plan_needs_both_start_and_days():
    with pytest.raises(ValueError, match="both start and days"):
        worked.plan("dietary", neurological=False, region="UK", start=START)


@pytest.mark.parametrize("cause", regimens.CAUSES)
def test_plans_side_by_side_shows_each_regions_plan_and_the_sources_it_cites(cause):
    shown = worked.plans_side_by_side(cause, neurological=False)
    for region in ("UK", "US"):
        regimen = regimens.recommend(cause, neurological=False, region=region)
        assert f"<b>{region}</b>" in shown
        assert worked.summary_html(regimen) in shown
    listed, cited = listed_and_cited(shown)
    assert listed == list(dict.fromkeys(cited))


def test_the_sources_list_of_a_plan_no_longer_lists_rows_the_plan_never_shows():
    """The re-read's examples: keys on the How long / Review lines were missing from the list,
    and a draft or a review the plan text never cites was listed."""
    n2o, _ = listed_and_cited(worked.plan("nitrous_oxide", neurological=True, region="UK"))
    assert "NASGP-2024" in n2o and "NICE-DRAFT-2023" not in n2o
    metformin, _ = listed_and_cited(worked.plan("metformin", neurological=False, region="UK"))
    assert "MHRA-2022" in metformin and "COCHRANE-2018" not in metformin
    aig, _ = listed_and_cited(worked.plan("autoimmune_gastritis", neurological=True,
                                          region="UK"))
    assert {"NICE-RATIONALE", "FDA-CNCBL-LABEL"} <= set(aig)


# ------------------------------------------------------------------------------- volume

@pytest.mark.parametrize("regimen_id", ["uk-bnf-load", "us-label-cncbl-maint",
                                        "us-practice-a-maint"])
def test_volume_is_dose_over_strength_from_the_product_table(regimen_id):
    phase = regimens.phase(regimen_id)
    shown = worked.volume(phase.dose_mcg, phase.product_id)
    assert f"<b>{products.volume_ml(phase.dose_mcg, phase.product_id):g} mL</b>" in shown
    assert f"{phase.dose_mcg:g} micrograms ÷ {products.strength_mcg(phase.product_id):g}" in shown
    row = products.product(phase.product_id)
    stated = html.unescape(shown).split(": strength ", 1)[1].split("</p>", 1)[0]
    assert stated.startswith(f"{row['strength']:g} ") and f"[{row['source']}]" in stated
    assert f"{products.strength_mcg(phase.product_id):g} micrograms" in stated  # in full
    assert "per mL" in stated and "mcg" not in shown  # units written out for students
    assert "a DERIVED number: worked out from the product table" in shown
    assert "typed in" not in shown


# ------------------------------------------------------------------------------- reveal

def reveal_text(widget) -> str:
    return " ".join(getattr(child, "value", "") for child in widget.reveal.children)


def attempt(view) -> None:
    """Answer one question the way a student would (any answer counts), then press Check."""
    q = view.question
    if q.type == "multiple_choice":
        view.input.value = view.input.options[0][1]
    elif q.type == "many_choice":
        view.input[0].value = True
    elif q.type == "numeric":
        answer = next(a for a in q.numeric if a.correct)
        view.input.value = f"{answer.value:g} {answer.unit or ''}".strip()
    else:
        for drop, (_label, value) in zip(view.input, view.input[0].options[1:], strict=False):
            drop.value = value
    view.check.click()


@pytest.mark.parametrize("case, content, secret", [
    ("07-case-us-label", lambda: worked.volume(100, "cncbl-inj-us"),
     lambda: f"{products.volume_ml(100, 'cncbl-inj-us'):g} mL"),
    ("07-case-aig-neuro",
     lambda: worked.plan("autoimmune_gastritis", neurological=True, region="UK", start=START,
                         days=DAYS),
     lambda: esc(regimens.recommend("autoimmune_gastritis", neurological=True,
                                    region="UK").loading[0].describe())),
], ids=["volume", "plan"])
def test_a_case_reveals_its_worked_answer_only_after_every_step(case, content, secret,
                                                                tmp_path, monkeypatch):
    monkeypatch.setenv("B12COURSE_PROGRESS", str(tmp_path / "progress.json"))
    answer, hidden = content(), secret()
    assert hidden in answer
    widget = quiz.show("07_case_studies", ids=[case], reveal=answer)
    assert hidden not in reveal_text(widget) and Reveal.WAITING in reveal_text(widget)
    *first, last = widget.views
    for view in first:
        attempt(view)
        assert hidden not in reveal_text(widget), f"shown after only {view.question.id}"
    last.check.click()  # Check with nothing entered is not an attempt
    assert hidden not in reveal_text(widget)
    attempt(last)
    assert hidden in reveal_text(widget) and Reveal.WAITING not in reveal_text(widget)
    again = quiz.show("07_case_studies", ids=[case], reveal=answer)  # after a restart
    assert hidden in reveal_text(again)
    assert (tmp_path / "progress.json").exists()


# ------------------------------------------------------------------------------- cases by id

NOTEBOOK_07 = REPO_ROOT / "notebooks" / "07_case_studies.ipynb"


def code_cells(path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]


# What each case cell of notebooks 07 and 03 passed to ``reveal=`` before the table: the table
# must reveal the same content.
BEFORE = {
    "07-case-aig-neuro": lambda: [worked.lab_reading(150, "ng/L", scheme="NICE-NG239"),
                                  worked.plan("autoimmune_gastritis", neurological=True,
                                              region="UK", start="2025-01-06", days=21)],
    "07-case-vegan": lambda: [worked.lab_reading(250, "ng/L", also_in="pmol/L"),
                              worked.plan("dietary", neurological=False, region="UK")],
    "07-case-bariatric": lambda: [worked.plans_side_by_side(
        "bariatric_surgery", neurological=False, regions=("UK", "US"))],
    "07-case-n2o": lambda: [worked.plan("nitrous_oxide", neurological=True, region="UK")],
    "07-case-metformin": lambda: [worked.plan("metformin", neurological=False, region="UK")],
    "07-case-us-label": lambda: [worked.volume(100, "cncbl-inj-us")],
    "03-case-aig": lambda: [worked.plans_side_by_side(
        "autoimmune_gastritis", neurological=False, regions=("UK", "US"))],
}


@pytest.mark.parametrize("case_id", sorted(BEFORE))
def test_for_case_reveals_what_the_case_cell_passed_before(case_id):
    assert worked.for_case(case_id) == BEFORE[case_id]()


def test_every_case_cell_of_07_and_03_reveals_its_case_by_id():
    assert sorted(c for table in worked.CASES.values() for c in table) == sorted(BEFORE)
    for name, table in worked.CASES.items():
        cells = code_cells(REPO_ROOT / "notebooks" / f"{name}.ipynb")
        for case_id in table:
            call = (f'quiz.show("{name}", ids=["{case_id}"],\n'
                    f'          reveal=worked.for_case("{case_id}"))')
            assert sum(call in cell.replace("'", '"') for cell in cells) == 1, case_id


def test_for_case_names_the_cases_it_knows_when_asked_for_another():
    with pytest.raises(ValueError, match="07-case-n2o"):
        worked.for_case("07-case-unknown")


def rendered_references(monkeypatch, path) -> str:
    """The Markdown the notebook's last cell (its References) displays."""
    import IPython.display

    shown: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    exec(code_cells(path)[-1], {})
    return "\n".join(shown)


@pytest.mark.parametrize("name", sorted(worked.CASES))
def test_references_list_every_key_the_notebook_cites_worked_answers_included(monkeypatch, name):
    listed = re.findall(r"^\d+\. \*\*([^*]+)\*\*",
                        rendered_references(monkeypatch, REPO_ROOT / "notebooks" / f"{name}.ipynb"),
                        flags=re.M)
    assert len(listed) == len(set(listed))  # no source listed twice
    revealed = "".join(part for case_id in worked.CASES[name]
                       for part in worked.for_case(case_id))
    cited = (references.cited_in_notebook(name)
             + references.cited_in_text(html.unescape(revealed)))
    assert set(cited) <= set(listed), sorted(set(cited) - set(listed))
    assert set(worked.cited_in_cases(name)) <= set(listed)
    if name == "07_case_studies":
        assert {"NASGP-2024", "NICE-NG239", "LABTESTS-CONV"} <= set(listed)  # only in reveals
