"""Question banks: every bank in data/quizzes validates; malformed banks name file and question."""

import copy
import json

import pytest

from b12course import quiz
from b12course.quiz.model import find_question, quizzes_dir

BANK_FILES = sorted(quizzes_dir().glob("*.json"))

GOOD = {
    "notebook": "98_test_bank",
    "title": "Test bank",
    "questions": [
        {"id": "98-mc", "type": "multiple_choice", "question": "Route?",
         "source": "SMPC-OHCBL-EPG", "explanation": "IM.",
         "answers": [{"id": "im", "answer": "IM", "correct": True, "feedback": "Yes."},
                     {"id": "iv", "answer": "IV", "correct": False, "feedback": "No.",
                      "misconception": "Any route will do"}]},
        {"id": "98-num", "type": "numeric", "question": "1 mg in mcg?",
         "source": "NIST-SP811", "explanation": "1000.",
         "answers": [{"value": 1000, "unit": "micrograms", "tolerance": 0, "correct": True,
                      "feedback": "Yes."}]},
        {"id": "98-case", "type": "case", "question": "Case", "stem": "A stem.",
         "source": "SMPC-OHCBL-EPG", "explanation": "Why.",
         "parts": [{"id": "98-case-a", "type": "order", "question": "Order?",
                    "source": "NIST-SP811", "explanation": "Small first.",
                    "steps": ["1 mcg", "1 mg"]}]},
    ],
}


def write(folder, data, name="98_test_bank"):
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", BANK_FILES, ids=[p.stem for p in BANK_FILES])
def test_every_bank_validates(path):
    bank = quiz.load_bank(path.stem)
    assert bank.notebook == path.stem and bank.questions
    for question in bank.questions:
        for leaf in question.leaves():
            assert leaf.type != "case" and leaf.source_keys


def test_ids_are_unique_across_all_banks():
    ids = [i for bank in quiz.load_all().values() for i in bank.question_ids()]
    assert ids and len(ids) == len(set(ids))


def test_start_here_bank_has_every_question_type():
    bank = quiz.load_bank("00_start_here")
    types = {q.type for q in bank.questions}
    assert types == set(quiz.model.TYPES)


def test_good_bank_loads_with_canonical_units(tmp_path):
    bank = quiz.load_bank(write(tmp_path, GOOD))
    assert bank.question_ids() == ["98-mc", "98-num", "98-case", "98-case-a"]
    assert bank.get("98-num").unit == "mcg"
    assert [q.id for q in bank.select(["98-case-a", "98-mc"])] == ["98-case-a", "98-mc"]
    with pytest.raises(KeyError, match="98-nope"):
        bank.select(["98-nope"])


def test_find_question_searches_all_banks():
    assert find_question("00-why-units").bank == "00_start_here"
    with pytest.raises(KeyError, match="no-such-id"):
        find_question("00-no-such-id")


def broken(mutate):
    data = copy.deepcopy(GOOD)
    mutate(data)
    return data


def q(data, n):
    return data["questions"][n]


MALFORMED = {
    "missing answers": (lambda d: q(d, 0).pop("answers"), "98-mc", "answers"),
    "missing numeric value": (lambda d: q(d, 1)["answers"][0].pop("value"), "98-num", "value"),
    "missing feedback": (lambda d: q(d, 0)["answers"][1].pop("feedback"), "98-mc", "feedback"),
    "no correct option": (lambda d: q(d, 0)["answers"][0].update(correct=False,
                                                                  misconception="m"),
                          "98-mc", "exactly one correct"),
    "two correct in multiple_choice": (lambda d: q(d, 0)["answers"][1].update(correct=True) or
                                       q(d, 0)["answers"][1].pop("misconception"),
                                       "98-mc", "exactly one correct"),
    "no correct numeric": (lambda d: q(d, 1)["answers"][0].update(correct=False), "98-num",
                           "correct"),
    "no correct many_choice": (lambda d: q(d, 0).update(type="many_choice") or [
        a.update(correct=False, misconception="m") for a in q(d, 0)["answers"]], "98-mc",
        "at least one correct"),
    "unknown type": (lambda d: q(d, 0).update(type="essay"), "98-mc", "unknown type 'essay'"),
    "unresolved source": (lambda d: q(d, 1).update(source="NIST-SP811; NOT-A-KEY"), "98-num",
                          "NOT-A-KEY"),
    "unresolved source in a case part": (
        lambda d: q(d, 2)["parts"][0].update(source="NOPE-1"), "98-case-a", "NOPE-1"),
    "duplicate id in bank": (lambda d: q(d, 1).update(id="98-mc"), "98-mc", "duplicate"),
    "duplicate id of a case part": (lambda d: q(d, 2)["parts"][0].update(id="98-num"), "98-num",
                                    "duplicate"),
    "id without notebook prefix": (lambda d: q(d, 0).update(id="mc-1"), "mc-1", "98-"),
    "unknown field": (lambda d: q(d, 0).update(answer="IM"), "98-mc", "unknown field"),
    "correct not boolean": (lambda d: q(d, 0)["answers"][0].update(correct="yes"), "98-mc",
                            "true or false"),
    "unknown unit": (lambda d: q(d, 1)["answers"][0].update(unit="furlong"), "98-num",
                     "furlong"),
    "non-finite value": (lambda d: q(d, 1)["answers"][0].update(value="1000"), "98-num",
                         "finite number"),
    "negative tolerance": (lambda d: q(d, 1)["answers"][0].update(tolerance=-1), "98-num",
                           "tolerance"),
    "mixed unit kinds": (lambda d: q(d, 1)["answers"].append(
        {"value": 1, "unit": "mL", "tolerance": 0, "correct": False, "feedback": "x"}),
        "98-num", "one kind of unit"),
    "one step only": (lambda d: q(d, 2)["parts"][0].update(steps=["1 mg"]), "98-case-a",
                      "at least 2"),
    "case inside a case": (lambda d: q(d, 2)["parts"].append(copy.deepcopy(
        {**q(d, 2), "id": "98-case-b", "parts": []})), "98-case-b", "cannot itself be a case"),
    "empty explanation": (lambda d: q(d, 0).update(explanation=" "), "98-mc", "explanation"),
    "option without an id": (lambda d: q(d, 0)["answers"][0].pop("id"), "98-mc", "'id'"),
    "option id with spaces": (lambda d: q(d, 0)["answers"][0].update(id="the key"), "98-mc",
                              "slug"),
    "repeated option id": (lambda d: q(d, 0)["answers"][1].update(id="im"), "98-mc",
                           "option id repeated"),
    "wrong option without a misconception": (
        lambda d: q(d, 0)["answers"][1].pop("misconception"), "98-mc", "misconception"),
    "correct option with a misconception": (
        lambda d: q(d, 0)["answers"][0].update(misconception="x"), "98-mc", "correct option"),
    "'none of the above' not kept last": (lambda d: q(d, 0)["answers"].append(
        {"id": "none", "answer": "None of the above", "correct": False, "feedback": "No.",
         "misconception": "m"}), "98-mc", '"last": true'),
    "'last' not boolean": (lambda d: q(d, 0)["answers"][1].update(last="yes"), "98-mc",
                           "true or false"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_bank_names_file_and_question(tmp_path, name):
    mutate, qid, words = MALFORMED[name]
    path = write(tmp_path, broken(mutate))
    with pytest.raises(quiz.BankError) as error:
        quiz.load_bank("98_test_bank", folder=tmp_path)
    message = str(error.value)
    assert "98_test_bank.json" in message
    assert f"question {qid!r}" in message and error.value.question_id == qid
    assert words in message
    assert error.value.path == path


def test_duplicate_id_across_banks_names_both_files(tmp_path):
    write(tmp_path, GOOD)
    other = broken(lambda d: d.update(notebook="99_other"))
    other["questions"] = [dict(q(other, 1), id="98-num")]
    # The other bank reuses 98-num, but with the wrong prefix for its own notebook number, so
    # give it a valid own id and a second question that collides.
    other["questions"] = [dict(q(GOOD, 1), id="99-num"), dict(q(GOOD, 0), id="98-mc")]
    write(tmp_path, other, "99_other")
    with pytest.raises(quiz.BankError) as error:
        quiz.load_bank("98_test_bank", folder=tmp_path)
    message = str(error.value)
    assert "98_test_bank.json" in message and "99_other.json" in message
    assert error.value.question_id == "98-mc"


@pytest.mark.parametrize("text, words", [
    ("{not json", "not valid JSON"),
    ("[]", "one JSON object"),
    ('{"notebook": "98_test_bank", "title": "T", "questions": []}', "non-empty list"),
    ('{"notebook": "03_other", "title": "T", "questions": [1]}', "must match"),
])
def test_broken_file_names_the_file(tmp_path, text, words):
    (tmp_path / "98_test_bank.json").write_text(text, encoding="utf-8")
    with pytest.raises(quiz.BankError, match=words) as error:
        quiz.load_bank("98_test_bank", folder=tmp_path)
    assert "98_test_bank.json" in str(error.value)


def test_unknown_bank_lists_available_banks(tmp_path):
    write(tmp_path, GOOD)
    with pytest.raises(quiz.BankError, match="Banks available: 98_test_bank"):
        quiz.load_bank("03_nope", folder=tmp_path)
