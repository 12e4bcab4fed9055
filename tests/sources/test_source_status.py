"""Source status (issue 12 §2): every reference has a status and a checked date; a superseded or
draft source never backs a keyed answer or a first-shown regimen on its own; text citing one says
so; reference lists and `b12course sources` show the status."""

import csv
import json
import re
from datetime import date, timedelta

import pytest

from b12course import cli
from b12course.clinical import regimens
from b12course.quiz import model
from b12course.show import citations
from b12course.sources import data, references
from b12course.sources.paths import data_dir, repo_path
from data_fixtures import set_cells

WEAK = ("superseded", "draft")


def _status(key: str) -> str:
    return references.resolve(key).status


# ------------------------------------------------------------------ (c) every row has a status


def test_every_reference_has_a_valid_status_and_a_past_checked_date():
    with open(data_dir() / "references.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {"status", "checked"} <= set(rows[0])
    today = date.today()
    for n, row in enumerate(rows, start=2):
        assert row["status"] in references.STATUSES, f"references.csv row {n}: {row['status']!r}"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["checked"]), f"row {n}: {row['checked']!r}"
        assert date.fromisoformat(row["checked"]) <= today, f"row {n}: checked in the future"
    assert set(references.STATUSES) == {"current", "secondary", "superseded", "draft"}


@pytest.mark.parametrize("key,status", [
    ("NICE-DRAFT-2023", "draft"),
    ("BSH-2014", "superseded"),          # BSH-SUPERSEDED: replaced by NICE NG239
    ("NASGP-BSH-2014", "superseded"),    # a summary of a superseded guideline
    ("CKS-2020", "secondary"),           # as reproduced by a society (regimens.csv: secondary)
    ("NTRO-NICE", "secondary"),
    ("QUIZ-VL", "secondary"),            # low quality
    ("NICE-NG239", "current"),
    ("RCEM-N2O-2024", "current"),
])
def test_statuses_follow_the_digest(key, status):
    assert _status(key) == status


def test_sources_named_in_the_corrections_were_checked_then():
    for key in ("RCEM-N2O-2024", "PAS-2018", "NICE-DRAFT-2023", "BNF-via-PAS", "BSH-2014"):
        assert references.resolve(key).checked == "2026-12-01", key
    assert references.resolve("NICE-NG239").checked == "2026-11-24"


def test_reference_rows_marked_reproduced_in_regimens_are_not_current():
    for row in data.records("regimens"):
        if "reproduced" in row["guideline"] or row["status"] == "secondary":
            assert any(_status(k) != "current" for k in references.split_keys(row["source"])), (
                f"{row['regimen_id']}: a reproduced row cites only 'current' sources")


def _edit_reference(folder, key, **values):
    set_cells(folder, "references", lambda row: row["key"] == key, **values)


@pytest.mark.parametrize("column,value,problem", [
    ("status", "old", "unknown value 'old'"),
    ("status", "", "value is empty"),
    ("checked", "01/12/2026", "'01/12/2026' is not a date written YYYY-MM-DD"),
    ("checked", "2026-02-30", "'2026-02-30' is not a date written YYYY-MM-DD"),
    ("checked", "", "value is empty"),
    ("checked", (date.today() + timedelta(days=1)).isoformat(),
     f"{(date.today() + timedelta(days=1)).isoformat()} is in the future"),
])
def test_bad_status_or_checked_names_file_row_and_column(data_copy, column, value, problem):
    _edit_reference(data_copy, "NICE-RATIONALE", **{column: value})  # the third data row
    with pytest.raises(data.DataError) as info:
        data.validate("references")
    message = str(info.value)
    assert f"references.csv, row 4, column '{column}': {problem}" in message
    assert "Accepted:" in message


def test_references_follow_the_data_folder(data_copy):
    _edit_reference(data_copy, "NICE-NG239", status="superseded", checked="2020-01-02")
    ref = references.resolve("NICE-NG239")
    assert (ref.status, ref.checked) == ("superseded", "2020-01-02")


# ------------------------------------------------------------------ the rule's helpers


def test_only_superseded_or_draft():
    assert references.only_superseded_or_draft("BSH-2014; NASGP-BSH-2014")
    assert references.only_superseded_or_draft(["NICE-DRAFT-2023"])
    assert not references.only_superseded_or_draft("NICE-DRAFT-2023; RCEM-N2O-2024")
    assert not references.only_superseded_or_draft("CKS-2020")  # secondary may back alone
    assert not references.only_superseded_or_draft("")
    with pytest.raises(ValueError, match="NOT-A-KEY"):
        references.only_superseded_or_draft("NOT-A-KEY")


@pytest.mark.parametrize("text,flagged", [
    ("NICE advises homocysteine first [NICE-DRAFT-2023].", ["NICE-DRAFT-2023"]),
    ("NICE's 2023 draft advised homocysteine first [NICE-DRAFT-2023].", []),
    ("BSH 2014 (since superseded) set 200 ng/L [BSH-2014; CKS-2020].", []),
    ("BSH set 200 ng/L [BSH-2014]. That guideline is now superseded.", ["BSH-2014"]),
    ("| Homocysteine | yes | renal failure | [BSH-2014] |", ["BSH-2014"]),
    ("| Homocysteine | historical BSH view | [BSH-2014] |", []),
    ("Oral or IM by preference [CKS-2020].", []),                    # secondary: no label needed
    ("- A bullet [NASGP-BSH-2014]\n- a superseded one [BSH-2014]", ["NASGP-BSH-2014"]),
])
def test_cited_without_label(text, flagged):
    assert [key for key, _ in references.cited_without_label(text)] == flagged


# ------------------------------------------------------------------ (a) quiz keyed answers


def _leaves():
    for name in model.bank_names():
        for question in model.load_bank(name).questions:
            for leaf in question.leaves():
                yield name, leaf


def test_quiz_banks_are_all_checked():
    names = {p.stem for p in (data_dir() / "quizzes").glob("*.json")}
    assert names and set(model.bank_names()) == names
    assert sum(1 for _ in _leaves()) > 50


def test_no_keyed_answer_rests_only_on_superseded_or_draft_sources():
    offenders = [f"{name} {leaf.id}: {leaf.source}" for name, leaf in _leaves()
                 if references.only_superseded_or_draft(leaf.source_keys)]
    assert not offenders, "keyed answers backed only by superseded/draft sources:\n" + \
        "\n".join(offenders)


# ------------------------------------------------------------------ (b) first-shown regimens


def _plans():
    for cause in regimens.CAUSES:
        for neurological in (True, False):
            for region in ("UK", "US"):
                yield cause, neurological, region, regimens.recommend(cause, neurological,
                                                                      region)


def test_every_recommend_cause_is_a_cause_in_causes_csv():
    ids = {row["cause_id"] for row in data.records("causes")}
    assert set(regimens.CAUSES) <= ids
    for other in sorted(ids - set(regimens.CAUSES)):  # causes with no regimen of their own
        with pytest.raises(ValueError, match="Unknown cause"):
            regimens.recommend(other, False, "UK")


def test_no_first_shown_regimen_rests_only_on_superseded_or_draft_sources():
    offenders, shown = [], 0
    for cause, neurological, region, plan in _plans():
        for phase in plan.phases:
            shown += 1
            if references.only_superseded_or_draft(phase.sources):
                offenders.append(f"{cause} neuro={neurological} {region}: {phase.regimen_id} "
                                 f"[{'; '.join(phase.sources)}]")
    assert shown >= len(regimens.CAUSES) * 4  # every plan shows at least one phase
    assert not offenders, "first-shown phases backed only by superseded/draft sources:\n" + \
        "\n".join(offenders)


# ------------------------------------------------------------------ (d) citing text says so


def _notebook_markdown():
    for path in sorted(repo_path("notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                source = cell["source"]
                yield path.name, "".join(source) if isinstance(source, list) else source


def _bank_strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "source":
                yield from _bank_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _bank_strings(item)
    elif isinstance(node, str):
        yield node


def _labelled(text: str) -> bool:
    return bool(references.STATUS_WORDS.search(references._CITATION.sub("", text)))


def _unlabelled_citations() -> set[tuple[str, str, str]]:
    """(file, where, key): notebook sentences/table rows, quiz text, and quiz questions whose
    `source` cites a superseded or draft key without their question or explanation saying so."""
    found = set()
    for name, text in _notebook_markdown():
        for key, context in references.cited_without_label(text):
            found.add((name, " ".join(context.split())[:48], key))
    for name in model.bank_names():
        raw = json.loads((data_dir() / "quizzes" / f"{name}.json").read_text(encoding="utf-8"))
        for text in _bank_strings(raw):
            for key, context in references.cited_without_label(text):
                found.add((f"{name}.json", " ".join(context.split())[:48], key))
        for question in model.load_bank(name).questions:
            for leaf in question.leaves():
                if _labelled(f"{leaf.question} {leaf.explanation}"):
                    continue
                for key in leaf.source_keys:
                    if _status(key) in WEAK:
                        found.add((f"{name}.json", leaf.id, key))
    return found


def _unlabelled_data_rows() -> set[tuple[str, str, str]]:
    """(file, row id, key): rows of the course tables students see rendered (pitfalls, causes,
    lab bands, regimens ...) whose ``source`` cites a superseded or draft key while nothing else
    in the row says "superseded", "draft" or "historical"."""
    found = set()
    for path in sorted(data_dir().glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        if not rows or "source" not in rows[0]:
            continue
        for row in rows:
            text = " ".join(v or "" for k, v in row.items() if k != "source")
            if references.STATUS_WORDS.search(text):
                continue
            for key in references.split_keys(row["source"]):
                if _status(key) in WEAK:
                    found.add((path.name, next(iter(row.values())), key))
    return found


def test_every_data_row_citing_a_superseded_or_draft_source_is_labelled():
    """Re-read R04: the pitfalls table (notebook 06) cited the NICE draft with no label."""
    unlabelled = sorted(_unlabelled_data_rows())
    assert not unlabelled, ("say 'draft', 'superseded' or 'historical' in the row itself:\n" +
                            "\n".join(" | ".join(item) for item in unlabelled))


def test_every_citation_of_a_superseded_or_draft_source_is_labelled():
    unlabelled = sorted(_unlabelled_citations())
    assert not unlabelled, ("say 'draft', 'superseded' or 'historical' in the same sentence or "
                            "table row (quiz: in the question or explanation):\n" +
                            "\n".join(" | ".join(item) for item in unlabelled))


# ------------------------------------------------------------------ reference lists


def test_reference_list_labels_status_after_the_citation():
    lines = references.markdown("NICE-NG239; BSH-2014; NICE-DRAFT-2023; CKS-2020").splitlines()
    assert lines[0].startswith("1. **NICE-NG239**")
    assert not any(label in lines[0] for label in ("(draft)", "(superseded)",
                                                   "(secondary source)"))
    assert re.search(r"Br J Haematol 2014;166\(4\):496–513\. \(superseded\) <http", lines[1])
    assert lines[2].split(" <")[0].endswith("(draft)")
    assert lines[3].split(" <")[0].endswith("(secondary source)")


def test_show_for_notebook_labels_every_non_current_source(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    citations.show_for_notebook("02_diagnosis_and_labs")
    lines = shown[0].splitlines()
    keys = references.cited_in_notebook("02_diagnosis_and_labs")
    assert len(lines) == len(keys)
    labelled = 0
    for key, line in zip(keys, lines, strict=True):
        ref = references.resolve(key)
        assert f"**{key}**" in line
        if ref.status == "current":
            assert not re.search(r"\((draft|superseded|secondary source)\)( <|$)", line)
        else:
            assert f"{ref.citation} {ref.label}" in line
            labelled += 1
    assert labelled > 0


# ------------------------------------------------------------------ b12course sources


def _listing(out: str) -> dict[str, list[tuple[str, int]]]:
    groups, current = {}, None
    for line in out.splitlines():
        heading = re.match(r"^(\w+) \(\d+ sources?\)$", line)
        if heading:
            current = groups.setdefault(heading.group(1), [])
            continue
        row = re.match(r"^  (\S+)\s+checked (\d{4}-\d{2}-\d{2}), (\d+) days? ago", line)
        assert row and current is not None, f"unexpected line {line!r}"
        current.append((row.group(1), int(row.group(3))))
    return groups


def test_sources_lists_every_source_by_status_oldest_first(capsys):
    assert cli.main(["sources"]) == 0
    groups = _listing(capsys.readouterr().out)
    assert list(groups) == ["draft", "superseded", "secondary", "current"]
    assert sum(len(g) for g in groups.values()) == len(references.load())
    today = date.today()
    for status, rows in groups.items():
        for key, age in rows:
            ref = references.resolve(key)
            assert ref.status == status
            assert age == (today - date.fromisoformat(ref.checked)).days
        ages = [age for _, age in rows]
        assert ages == sorted(ages, reverse=True), f"{status}: not oldest first"
    assert ("BSH-2014", (today - date(2026, 12, 1)).days) in groups["superseded"]


def test_sources_filters_by_status_and_age(data_copy, capsys):
    old = (date.today() - timedelta(days=400)).isoformat()
    _edit_reference(data_copy, "BSH-2014", checked=old)
    _edit_reference(data_copy, "CKS-2020", checked=old)
    assert cli.main(["sources", "--status", "superseded"]) == 0
    groups = _listing(capsys.readouterr().out)
    assert list(groups) == ["superseded"] and groups["superseded"][0] == ("BSH-2014", 400)
    assert cli.main(["sources", "--older-than", "399"]) == 0
    assert _listing(capsys.readouterr().out) == {"superseded": [("BSH-2014", 400)],
                                                 "secondary": [("CKS-2020", 400)]}
    assert cli.main(["sources", "--older-than", "400"]) == 0
    assert capsys.readouterr().out.startswith("No sources match (checked more than 400 days")


@pytest.mark.parametrize("argv,message", [
    (["--status", "old"], "unknown status 'old'; choose one of current, secondary"),
    (["--older-than", "a year"], "--older-than takes a whole number of days"),
    (["--older-than", "-3"], "--older-than takes a whole number of days"),
])
def test_sources_explains_a_bad_option(capsys, argv, message):
    assert cli.main(["sources", *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert captured.out == ""
