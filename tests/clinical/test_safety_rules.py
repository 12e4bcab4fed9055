"""Clinical safety rules, machine-checked over EVERY plan recommend() can give.

The plans are enumerated from the data (main causes from causes.csv, regions from regimens.csv),
crossed with neurological involvement yes/no, so a new cause, region or row is checked without
editing this file. Each rule is one parametrized test whose id and failure message name the
combination. The rules come from the independent clinical review (issue 12) and the digest's
Dec 2026 corrections:

1. with neurological involvement, oral or nasal B12 is never offered unless a stated condition
   limits it to maintenance (e.g. when IM cannot be given);
2. every nitrous-oxide plan includes stopping nitrous oxide and drug/alcohol support or referral,
   and never teaches the superseded NICE draft as an option;
3. a plan for a cause that can resolve never says "for life" or "lifelong";
4. with neurological involvement, the loading shown first is given by IM injection.
"""

import csv
import itertools
import re

import pytest

from b12course.clinical import regimens
from b12course.show.widgets import regimen_explorer as rx
from b12course.sources import data, references
from b12course.sources.paths import data_dir
from data_fixtures import set_cells


def _table(name: str) -> list[dict]:
    with open(data_dir() / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


CAUSE_ROWS = {r["cause_id"]: r for r in _table("causes") if r["cause_id"] == r["group"]}
REGIONS = sorted({r["region"] for r in _table("regimens")} - {"any"})
COMBOS = list(itertools.product(sorted(CAUSE_ROWS), (False, True), REGIONS))
NEURO_COMBOS = [c for c in COMBOS if c[1]]
# a cause "can resolve" unless causes.csv says it cannot be reversed
RESOLVABLE_COMBOS = [c for c in COMBOS if CAUSE_ROWS[c[0]]["reversible"] != "no"]
N2O_COMBOS = [c for c in COMBOS if c[0] == "nitrous_oxide"]
NOT_INJECTED = ("oral", "intranasal")
FOR_LIFE = re.compile(r"for life|life-?long", re.IGNORECASE)


def _ids(combo) -> str:
    cause, neuro, region = combo
    return f"{cause}-{'neuro' if neuro else 'no_neuro'}-{region}"


def _name(combo) -> str:
    cause, neuro, region = combo
    return f"{cause}, {'with' if neuro else 'without'} neurological involvement, {region}"


def _offered(plan):
    """Every dosing row the plan shows: first-shown, prevention and alternatives."""
    return (*plan.phases, *plan.prophylaxis, *plan.alternatives)


def test_the_enumeration_covers_every_cause_region_and_neurological_status():
    # guards the parametrized rules below against silently checking nothing
    assert set(CAUSE_ROWS) == set(regimens.CAUSES)
    assert set(REGIONS) == set(regimens.REGIONS)
    assert len(COMBOS) == len(regimens.CAUSES) * 2 * len(regimens.REGIONS) == 32
    assert N2O_COMBOS and RESOLVABLE_COMBOS
    assert {"dietary", "nitrous_oxide", "metformin"} <= {c[0] for c in RESOLVABLE_COMBOS}


# ------------------------------------------------- 1. no oral or nasal B12 with neurology


@pytest.mark.parametrize("combo", NEURO_COMBOS, ids=_ids)
def test_no_oral_or_nasal_option_with_neurology_unless_limited_to_maintenance(combo):
    plan = regimens.recommend(*combo)
    for p in _offered(plan):
        if p.route in NOT_INJECTED:
            assert p.phase == "maintenance" and p.when.startswith("maintenance only"), (
                f"{_name(combo)}: {p.regimen_id} offers {p.route} B12 ({p.describe()}) with no "
                "stated condition limiting it to maintenance when IM is not possible")
    assert not plan.treatment, (
        f"{_name(combo)}: a continuous course is shown first instead of IM loading: "
        f"{[p.regimen_id for p in plan.treatment]}")


# ------------------------------------------------- 2. nitrous oxide: stop it, offer support


@pytest.mark.parametrize("combo", N2O_COMBOS, ids=_ids)
def test_every_nitrous_oxide_plan_includes_stopping_it_and_support(combo):
    plan = regimens.recommend(*combo)
    actions = " ".join(f"{p.notes} [{p.source}]" for p in plan.actions)
    assert re.search(r"stop(ping)? (using )?nitrous oxide", actions, re.IGNORECASE), (
        f"{_name(combo)}: the plan does not include stopping nitrous oxide")
    assert re.search(r"referral|support", actions, re.IGNORECASE), (
        f"{_name(combo)}: the plan does not offer drug and alcohol support or referral")
    assert "RCEM-N2O-2024" in actions, f"{_name(combo)}: the actions do not cite RCEM-N2O-2024"
    # surfaced where students read the plan, not only in the object
    summary = plan.summary()
    for p in plan.actions:
        assert p.notes in summary, f"{_name(combo)}: {p.regimen_id} missing from summary()"
    shown = rx.regimen_html(plan).split("<details>", 1)[0]
    assert re.search(r"nitrous oxide", shown) and "referral" in shown, (
        f"{_name(combo)}: the explorer hides the nitrous-oxide actions in a collapsed list")


@pytest.mark.parametrize("combo", N2O_COMBOS, ids=_ids)
def test_nitrous_oxide_plans_never_offer_the_superseded_draft(combo):
    plan = regimens.recommend(*combo)
    cited = {k for p in (*_offered(plan), *plan.statements, *plan.actions) for k in p.sources}
    assert "NICE-DRAFT-2023" not in cited, (
        f"{_name(combo)}: the superseded NICE July 2023 draft is taught as an option")
    assert "NICE-DRAFT-2023" not in " ".join(plan.notes), _name(combo)


@pytest.mark.parametrize("combo", N2O_COMBOS, ids=_ids)
def test_nitrous_oxide_usual_route_is_not_the_draft_preference(combo):
    row = CAUSE_ROWS["nitrous_oxide"]
    assert "preference" not in row["usual_route"] and "draft" not in row["usual_route"].lower(), (
        f"{_name(combo)}: causes.csv still teaches the draft's 'IM or oral by preference'")
    assert "RCEM-N2O-2024" in references.split_keys(row["source"])


# ------------------------------------------------- 3. no "for life" for causes that resolve


@pytest.mark.parametrize("combo", RESOLVABLE_COMBOS, ids=_ids)
def test_plans_for_causes_that_resolve_never_say_for_life(combo):
    plan = regimens.recommend(*combo)
    assert plan.lifelong != "yes", f"{_name(combo)}: plan.lifelong is 'yes'"
    for p in _offered(plan):
        assert p.lifelong != "yes" and not FOR_LIFE.search(p.describe()), (
            f"{_name(combo)}: {p.regimen_id} says '{p.describe()}'")
    for label, text in (("summary", plan.summary()), ("how long", plan.lifelong_note),
                        ("uncertainty", plan.uncertainty)):
        found = FOR_LIFE.search(text)
        assert not found, f"{_name(combo)}: the {label} says {found.group(0)!r}: {text}"


# ------------------------------------------------- 4. neurological loading is IM


def _im_loading_problems(plan) -> list[str]:
    if not plan.loading:
        return ["no loading is shown first"]
    problems = [f"first-shown loading {p.regimen_id} is {p.route!r}, not IM"
                for p in plan.loading if "IM" not in p.route.split(" or ")]
    if plan.phases[0] is not plan.loading[0]:
        problems.append(f"{plan.phases[0].regimen_id} is shown before the IM loading")
    return problems


@pytest.mark.parametrize("combo", NEURO_COMBOS, ids=_ids)
def test_first_shown_loading_with_neurology_is_im(combo):
    problems = _im_loading_problems(regimens.recommend(*combo))
    assert not problems, f"{_name(combo)}: {'; '.join(problems)}"


# ------------------------------------------------- superseded and unverified never shown


@pytest.mark.parametrize("combo", COMBOS, ids=_ids)
def test_superseded_and_unverified_rows_are_never_shown_first_or_offered(combo):
    plan = regimens.recommend(*combo)
    for p in _offered(plan):
        assert p.status not in ("superseded", "unverified"), (
            f"{_name(combo)}: {p.status} row {p.regimen_id} is offered")
    for p in plan.superseded:
        assert "superseded" in p.guideline.lower(), (
            f"{_name(combo)}: superseded row {p.regimen_id} is not labelled as such")


# ------------------------------------------------- the data layer refuses unsafe rows


def _edit_row(folder, regimen_id, **changes) -> int:
    return set_cells(folder, "regimens", lambda row: row["regimen_id"] == regimen_id, **changes)


@pytest.mark.parametrize("regimen_id,changes", [
    ("oral-cochrane-1000", {"neurological": "any"}),  # the review's finding, as it was
    ("oral-cochrane-1000", {"neurological": "yes"}),
    ("us-nascobal", {"neurological": "any"}),
    ("uk-oral-high-dose-neuro", {"when": "if IM injections cannot be given"}),
    ("uk-oral-high-dose-neuro", {"phase": "loading"}),
])
def test_an_oral_or_nasal_row_for_neurology_without_the_condition_is_refused(
        data_copy, regimen_id, changes):
    line = _edit_row(data_copy, regimen_id, **changes)
    with pytest.raises(data.DataError, match=rf"regimens\.csv, row {line}, column "
                                             r"'neurological'.*maintenance only"):
        data.load("regimens")


@pytest.mark.parametrize("status", ["superseded", "unverified"])
def test_a_superseded_or_unverified_row_can_never_be_shown_first(data_copy, status):
    line = _edit_row(data_copy, "uk-bnf-load", status=status)
    with pytest.raises(data.DataError, match=rf"regimens\.csv, row {line}, column 'reference'.*"
                                             rf"{status} row is never shown first"):
        data.load("regimens")


@pytest.mark.parametrize("changes,problem", [
    ({"route": "deep SC"}, "is 'deep SC', not IM"),
    ({"reference": "no"}, "no loading is shown first"),
])
def test_the_im_loading_rule_catches_a_bad_neurological_loading_row(data_copy, changes, problem):
    # rule 4 held on the old data too, so prove here that it can fail: a deliberately bad row
    _edit_row(data_copy, "uk-bnf-load-neuro", **changes)
    for combo in NEURO_COMBOS:
        if combo[2] == "UK":
            problems = _im_loading_problems(regimens.recommend(*combo))
            assert any(problem in text for text in problems), (_name(combo), problems)
