"""Quiz item analysis: figures checked by hand on a made-up class, bad files, CLI, plot, samples.

The class (12 students, a 5-question bank written here) answers through the real code path:
``grade()`` -> ``QuizProgress.record()`` -> ``export_progress()``. Right (1) or wrong (0) first
time, per student, for mc, many, num, order and neg (a question whose key looks wrong):
"""

import csv
import json
import shutil

import pytest

from b12course import cli
from b12course.quiz import items, samples
from b12course.quiz.model import load_bank
from b12course.quiz.progress import QuizProgress, export_progress
from b12course.quiz.scoring import grade
from b12course.sources.paths import data_dir

FIRST_TRY = {  # mc many num order neg
    "s01": (1, 1, 1, 1, 0),
    "s02": (1, 0, 1, 1, 0),
    "s03": (1, 1, 1, 1, 0),
    "s04": (1, 1, 1, 1, 0),
    "s05": (1, 1, 0, 1, 0),
    "s06": (0, 1, 1, 0, 0),
    "s07": (0, 0, 0, 0, 1),
    "s08": (1, 0, 1, 0, 0),
    "s09": (0, 0, 1, 1, 0),
    "s10": (0, 0, 0, 0, 0),
    "s11": (0, 0, 0, 0, 1),
    "s12": (0, 1, 0, 0, 1),
}
QIDS = ("98-mc", "98-many", "98-num", "98-order", "98-neg")
#: Wrong first answers (each scores 0: no right option ticked, no step in place).
WRONG = {
    "98-mc": {"s06": "iv", "s07": "iv", "s10": "iv", "s12": "iv", "s09": "sc", "s11": "oral"},
    "98-many": {"s02": ["c"], "s07": ["c", "d"], "s08": ["d"], "s09": ["c"], "s10": ["c", "d"],
                "s11": ["c"]},
    "98-num": {"s05": "1 mcg", "s07": "1 mcg", "s10": "1 mcg", "s11": "10 mcg", "s12": "10 mcg"},
    "98-order": {"s06": [1, 2, 0], "s07": [1, 2, 0], "s08": [1, 2, 0], "s10": [1, 2, 0],
                 "s11": [2, 0, 1], "s12": [2, 0, 1]},
    "98-neg": {s: "no" for s in FIRST_TRY if s not in ("s07", "s11", "s12")},
}
RIGHT = {"98-mc": "im", "98-many": ["a", "b"], "98-num": "1000 micrograms",
         "98-order": [0, 1, 2], "98-neg": "yes"}

BANK = {
    "notebook": "98_item_test",
    "title": "Item analysis test bank",
    "questions": [
        {"id": "98-mc", "type": "multiple_choice", "question": "Route?",
         "source": "SMPC-OHCBL-EPG", "explanation": "IM.",
         "answers": [
             {"id": "im", "answer": "Into the muscle", "correct": True, "feedback": "Yes."},
             {"id": "iv", "answer": "Into a vein", "correct": False, "feedback": "No.",
              "misconception": "Any route will do"},
             {"id": "sc", "answer": "Under the skin", "correct": False, "feedback": "No.",
              "misconception": "SC is the same as IM"},
             {"id": "oral", "answer": "By mouth", "correct": False, "feedback": "No.",
              "misconception": "Tablets work without intrinsic factor"}]},
        {"id": "98-many", "type": "many_choice", "question": "Which apply?",
         "source": "SMPC-OHCBL-EPG", "explanation": "A and B.",
         "answers": [
             {"id": "a", "answer": "A", "correct": True, "feedback": "Yes."},
             {"id": "b", "answer": "B", "correct": True, "feedback": "Yes."},
             {"id": "c", "answer": "C", "correct": False, "feedback": "No.",
              "misconception": "C applies too"},
             {"id": "d", "answer": "D", "correct": False, "feedback": "No.",
              "misconception": "D applies too"}]},
        {"id": "98-num", "type": "numeric", "question": "1 mg in micrograms?",
         "source": "NIST-SP811", "explanation": "1000.",
         "answers": [
             {"value": 1000, "unit": "micrograms", "tolerance": 0, "correct": True,
              "feedback": "Yes."},
             {"value": 1, "unit": "micrograms", "tolerance": 0, "correct": False,
              "feedback": "Confused <b>mg</b> and mcg."}]},
        {"id": "98-order", "type": "order", "question": "Smallest first",
         "source": "NIST-SP811", "explanation": "Small first.",
         "steps": ["1 mcg", "1 mg", "1 g"]},
        {"id": "98-neg", "type": "multiple_choice", "question": "Keyed wrong?",
         "source": "SMPC-OHCBL-EPG", "explanation": "Says yes.",
         "answers": [
             {"id": "yes", "answer": "Yes", "correct": True, "feedback": "Yes."},
             {"id": "no", "answer": "No", "correct": False, "feedback": "No.",
              "misconception": "It is no"}]},
    ],
}


class World:
    """The data copy with the test bank, the class's export folder and its progress files."""

    def __init__(self, root):
        self.data = root / "data"
        shutil.copytree(data_dir(), self.data, ignore=shutil.ignore_patterns("quizzes"))
        (self.data / "quizzes").mkdir()
        (self.data / "quizzes" / "98_item_test.json").write_text(json.dumps(BANK), "utf-8")
        self.exports = root / "class"
        self.progress = root / "progress"


def _attempts(student: str, qid: str, right: int) -> list:
    """The responses one student gives: right first time, else wrong then right (s10 twice
    wrong on mc)."""
    if right:
        return [RIGHT[qid]]
    wrong = WRONG[qid][student]
    return [wrong, wrong, RIGHT[qid]] if (student, qid) == ("s10", "98-mc") else [wrong,
                                                                                RIGHT[qid]]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The 12 students, built once: s12 hands in a .csv export, the others JSON."""
    made = World(tmp_path_factory.mktemp("items"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("B12COURSE_DATA", str(made.data))
        bank = load_bank("98_item_test")
        for student, row in FIRST_TRY.items():
            mp.setenv("B12COURSE_LEARNER", student)
            store = QuizProgress(made.progress / f"{student}.json")
            for qid, right in zip(QIDS, row, strict=True):
                for response in _attempts(student, qid, right):
                    store.record(grade(bank.get(qid), response), bank=bank.notebook)
            suffix = ".csv" if student == "s12" else ".json"
            export_progress(made.exports / f"{student}{suffix}", source=store.path,
                            student=student.upper())
    return made


@pytest.fixture
def env(world, monkeypatch):
    monkeypatch.setenv("B12COURSE_DATA", str(world.data))
    return world


@pytest.fixture
def messy(env, tmp_path):
    """The class plus problem files: one of each reason to skip, a duplicate, an unknown id."""
    folder = tmp_path / "messy"
    shutil.copytree(env.exports, folder / "class")
    good = (folder / "class" / "s01.json").read_text(encoding="utf-8")
    (folder / "broken.json").write_text(good[:200], encoding="utf-8")
    (folder / "nothing.json").write_text("", encoding="utf-8")
    (folder / "notebook.json").write_text(json.dumps({"cells": [], "nbformat": 4}), "utf-8")
    (folder / "sheet.csv").write_text("name,score\nx,1\n", encoding="utf-8")
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    (folder / ".DS_Store").write_text("x", encoding="utf-8")
    empty = export_progress(folder / "empty.json", source=tmp_path / "none.json", student="E")
    assert json.loads(empty.read_text(encoding="utf-8"))["questions"] == {}
    older = json.loads((folder / "class" / "s03.json").read_text(encoding="utf-8"))
    older["exported"] = "2000-01-01T00:00:00+00:00"
    for record in older["questions"].values():  # an early copy: everything wrong at first
        record["first_score"] = 0.0
    (folder / "s03-old.json").write_text(json.dumps(older), encoding="utf-8")
    mine = json.loads(good)
    mine["questions"]["97-gone"] = {**mine["questions"]["98-mc"], "bank": "97_gone"}
    (folder / "class" / "s01.json").write_text(json.dumps(mine), encoding="utf-8")
    return folder


def by_id(analysis) -> dict:
    return {item.question_id: item for item in analysis.items}


def report(analysis) -> str:
    """The printed report with its line wrapping undone."""
    return " ".join(items.report_text(analysis).split())


def test_difficulty_and_attempts_by_hand(env):
    got = by_id(items.analyse([env.exports]))
    assert list(got) == list(QIDS)  # bank order
    # share right first time: 6, 6, 7, 6 and 3 of 12 students
    assert [got[q].difficulty for q in QIDS] == pytest.approx([6 / 12, 6 / 12, 7 / 12, 6 / 12,
                                                              3 / 12])
    assert all(got[q].students == 12 for q in QIDS)
    # mc: 6 right at once, 5 wrong then right (2 tries), s10 three tries -> 19 / 12
    assert got["98-mc"].mean_attempts == pytest.approx(19 / 12)


def test_commonest_wrong_answer_by_hand(env):
    bank = load_bank("98_item_test")
    got = by_id(items.analyse([env.exports]))
    mc, many, num, order = (got[q] for q in QIDS[:4])
    iv = bank.get("98-mc").choice("iv")
    assert (mc.wrong_first, mc.wrong_answer, mc.wrong_answer_count) == (6, "iv", 4)
    assert (mc.wrong_answer_text, mc.wrong_answer_misconception) == (iv.answer, iv.misconception)
    assert mc.wrong_answer_share == pytest.approx(4 / 6)
    # many_choice: the wrong option most often ticked (c: 5 of 6 wrong answers; d: 3); s12's
    # answers come from a .csv export
    assert (many.wrong_answer, many.wrong_answer_count, many.wrong_first_recorded) == ("c", 5, 6)
    assert many.wrong_answer_text == bank.get("98-many").choice("c").answer
    typed = grade(bank.get("98-num"), "1 mcg").response  # the tidied text progress saves
    assert (num.wrong_answer, num.wrong_answer_count, num.wrong_first) == (typed, 3, 5)
    assert num.wrong_answer_misconception == "Confused mg and mcg."  # the bank's feedback
    # order [1, 2, 0] 4 times: steps numbered from 1 in the correct order
    assert (order.wrong_answer, order.wrong_answer_count) == ("2-3-1", 4)
    assert "position 1 holds step 2 (1 mg)" in order.wrong_answer_text


def test_discrimination_by_hand(env):
    got = by_id(items.analyse([env.exports]))
    mc = got["98-mc"]
    # Rest score for mc = share right on the 4 other questions: s01 s03 s04 0.75 (all right on
    # mc) | s02 s05 s06 s09 s12 0.5 | s07 s08 s11 0.25 (mc: 0, 1, 0) | s10 0 (mc 0).
    # 27 % of 12 -> 3 per group. Upper: the three 0.75s, all right -> 1. Lower: s10 (0), then
    # 2 seats shared by the three tied at 0.25 (one right) -> (0 + 2/3 * 1) / 3 = 2/9.
    assert mc.discrimination_d == pytest.approx(1 - 2 / 9)
    # r: mean x 0.5, mean rest 5.5/12; sum(x*rest) 3.5 -> Sxy 0.75; Sxx 3; Srr 3.125 - 2.5208
    assert mc.point_biserial == pytest.approx(0.75 / (3 * (3.125 - 12 * (5.5 / 12) ** 2)) ** 0.5)
    assert mc.point_biserial == pytest.approx(0.5571, abs=1e-4)
    assert mc.flags == []
    neg = got["98-neg"]
    # Upper (rest 1.0: s01 s03 s04) all wrong -> 0; lower (rest 0: s07 s10 s11) 2 right -> 2/3
    assert neg.discrimination_d == pytest.approx(-2 / 3)
    assert neg.point_biserial < -0.5
    assert neg.flags == [items.FLAG_HARD, items.FLAG_NEGATIVE]
    assert (neg.wrong_answer, neg.wrong_answer_count, neg.wrong_answer_share) == ("no", 9, 1.0)


def test_group_ties_are_shared_and_undefined_figures_are_none():
    pairs = [(0.9, 1), (0.5, 1), (0.5, 0), (0.5, 1), (0.5, 0), (0.1, 0)]
    # 6 students -> 2 per group: upper 0.9 (1) + half of the four 0.5s (2 right of 4 -> 1/2)
    assert items.upper_lower_index(pairs) == pytest.approx((1 + 0.5) / 2 - (0 + 0.5) / 2)
    assert items.upper_lower_index(list(reversed(pairs))) == items.upper_lower_index(pairs)
    assert items.point_biserial([(0.5, 1), (0.2, 1), (0.9, 1)]) is None  # everyone right
    assert items.upper_lower_index([(0.5, 1)]) is None


def test_flags_in_plain_words():
    item = items.Item("b", "q", "numeric", students=8, difficulty=0.95, point_biserial=0.1)
    assert items.flags_for(item) == [items.FLAG_EASY, items.FLAG_WEAK, items.FLAG_FEW]
    item = items.Item("b", "q", "numeric", students=40, difficulty=0.2, discrimination_d=-0.1)
    assert items.flags_for(item) == [items.FLAG_HARD, items.FLAG_NEGATIVE]


def test_problem_files_are_reported_and_not_counted(messy):
    analysis = items.analyse([messy])
    assert len(analysis.exports) == 12  # per student: the older copy of s03 is left out
    skipped = dict(analysis.skipped)
    assert skipped["broken.json"].startswith("unreadable: damaged JSON")
    assert skipped["nothing.json"].startswith("empty file")
    assert skipped["empty.json"].startswith("empty: no quiz answers")
    assert skipped["notebook.json"] == "not a progress export (it is a Jupyter notebook)"
    assert skipped["sheet.csv"].startswith("not a progress export")
    assert skipped["notes.txt"] == "not a .json or .csv file"
    assert ".DS_Store" not in skipped and len(skipped) == 6
    assert analysis.duplicates == ["s03-old.json and class/s03.json are the same learner: kept "
                                   "class/s03.json (the later export)"]
    assert analysis.unknown == {"97-gone": 1}
    clean = by_id(items.analyse([messy / "class"]))
    assert [i.difficulty for i in analysis.items] == [clean[q].difficulty for q in QIDS]
    text = report(analysis)
    assert ("Files: 19 looked at: 12 analysed (one student each), 6 skipped, 1 duplicate left "
            "out.") in text
    assert "Question ids no bank knows (ignored; removed or renamed?): 97-gone (1 student)" in text
    assert "broken.json: unreadable" in text and "Traceback" not in text


def test_same_time_duplicate_keeps_the_fuller_export(env, tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    full = json.loads((env.exports / "s01.json").read_text(encoding="utf-8"))
    part = {**full, "questions": {"98-mc": full["questions"]["98-mc"]}, "student": "Other"}
    (folder / "a.json").write_text(json.dumps(full), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps(part), encoding="utf-8")
    kept, notes = items.drop_duplicates([items.read_export(p, p.name)
                                         for p in sorted(folder.iterdir())])
    assert [e.name for e in kept] == ["a.json"]
    assert notes == ["b.json and a.json are the same learner: kept a.json (more answers, same "
                     "export time); the names differ (Other / S01): check they are one person"]


def test_records_without_first_response_count_for_difficulty_only(env, tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(env.exports, folder)
    data = json.loads((folder / "s07.json").read_text(encoding="utf-8"))
    for record in data["questions"].values():  # as saved before answers were kept
        del record["first_response"], record["last_response"]
    (folder / "s07.json").write_text(json.dumps(data), encoding="utf-8")
    analysis = items.analyse([folder])
    mc = by_id(analysis)["98-mc"]
    assert mc.difficulty == pytest.approx(6 / 12) and mc.wrong_first == 6
    assert (mc.wrong_first_recorded, mc.wrong_answer_count) == (5, 3)  # s07's iv is unknown
    assert (analysis.no_first_response, analysis.no_first_response_students) == (5, 1)
    assert ("5 answers from 1 student were saved before answers were kept: they count for "
            "difficulty, not for the commonest wrong answer.") in report(analysis)


def test_cli_writes_csv_and_png_and_exit_codes(env, tmp_path, capsys):
    out, plot = tmp_path / "report.csv", tmp_path / "plot.png"
    assert cli.main(["progress", "analyse", str(env.exports), "--out", str(out), "--plot",
                     str(plot)]) == 0
    printed = capsys.readouterr().out
    assert "98-neg" in printed and items.FLAG_NEGATIVE in printed
    assert "Check the key first: 98-neg" in printed
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == items.COLUMNS
    assert [r["question_id"] for r in rows] == list(QIDS)
    mc = rows[0]
    assert (mc["bank"], mc["type"], mc["students"], mc["difficulty"]) == (
        "98_item_test", "multiple_choice", "12", "0.500")
    assert (mc["discrimination_d"], mc["point_biserial"], mc["flags"]) == ("0.778", "0.557", "")
    assert (mc["wrong_answer"], mc["wrong_answer_count"], mc["wrong_answer_share"]) == (
        "iv", "4", "0.667")
    assert rows[-1]["flags"] == f"{items.FLAG_HARD}; {items.FLAG_NEGATIVE}"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_exit_2_when_nothing_can_be_analysed(env, tmp_path, capsys):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert cli.main(["progress", "analyse", str(tmp_path / "bad.json"),
                     str(tmp_path / "missing")]) == 2
    printed = " ".join(capsys.readouterr().out.split())
    assert "bad.json: unreadable" in printed and "missing: no such file or folder" in printed
    assert cli.main(["progress", "analyse", str(env.exports), "--bank", "99_nope"]) == 2
    assert "no question bank named '99_nope'" in capsys.readouterr().err


def test_samples_are_deterministic_for_a_seed(env, tmp_path):
    def content(folder):
        out = {}
        for path in sorted(folder.iterdir()):
            if path.suffix == ".csv":
                text = path.read_text(encoding="utf-8").splitlines()
                out[path.name] = [",".join(c for i, c in enumerate(line.split(","))
                                           if i not in (7, 8)) for line in text]  # times
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            for key in ("exported", "progress_file"):
                data.pop(key)
            for record in data["questions"].values():
                record.pop("first_attempt"), record.pop("last_attempt")
            out[path.name] = data
        return out

    one = samples.make_samples(tmp_path / "a", n=10, seed=3)
    samples.make_samples(tmp_path / "b", n=10, seed=3)
    samples.make_samples(tmp_path / "c", n=10, seed=4)
    assert [p.name for p in one][-1] == "student10.csv" and len(one) == 10
    assert content(tmp_path / "a") == content(tmp_path / "b")
    assert content(tmp_path / "a") != content(tmp_path / "c")
    analysis = items.analyse([tmp_path / "a"])
    assert len(analysis.exports) == 10 and not analysis.skipped
    assert {i.question_id for i in analysis.items} == set(QIDS)


def test_samples_with_problems_show_every_message(env, tmp_path):
    made = samples.make_samples(tmp_path / "p", n=6, seed=1, with_problems=True)
    assert {p.name for p in made} >= {*samples.PROBLEM_FILES, "student05-older-copy.json"}
    analysis = items.analyse([tmp_path / "p"])
    reasons = dict(analysis.skipped)
    assert sorted(reasons) == sorted(samples.PROBLEM_FILES)
    assert analysis.duplicates and "kept student05.json" in analysis.duplicates[0]
    assert analysis.unknown == {samples.RETIRED_ID: 1}
    assert analysis.no_first_response > 0 and len(analysis.exports) == 6


@pytest.mark.slow
def test_instructor_guide_sample_is_current():
    """The sample run in instructors/README.md is regenerated, never typed by hand."""
    assert items.guide_is_current(), (
        "The item-analysis sample in instructors/README.md (between "
        f"{items.GUIDE_BEGIN} and {items.GUIDE_END}) is stale: the banks or the report "
        f"changed. Regenerate it and the plot with `{items.GUIDE_COMMAND}`, then commit both.")
