"""Answer cues: the banks cannot be passed by picking the longest option; the audit counts right."""

import pytest

from b12course import cli
from b12course.quiz.audit import LONGEST_KEY_LIMIT, cue_report, key_is_longest
from b12course.quiz.model import Bank, Choice, Question, load_all


def mc(qid, key, *others, question="Which one?"):
    choices = [Choice(key, True, "f", "key")]
    choices += [Choice(text, False, "f", f"o{n}", "m") for n, text in enumerate(others)]
    return Question(qid, "multiple_choice", question, "NIST-SP811", "why", choices=tuple(choices))


def bank(*questions):
    return {"98_test": Bank("98_test", "T", tuple(questions), path=None)}


def test_the_banks_keep_length_cues_under_the_limit():
    report = cue_report(load_all())
    assert report.questions > 50
    assert report.passed, "\n".join(report.lines())
    # no test-wise strategy does much better than blind guessing, overall or in a bank
    assert not report.problems, "\n".join(report.lines())


def test_every_wrong_option_names_a_misconception_and_each_is_different():
    for name, loaded in load_all().items():
        for q in loaded.questions:
            for leaf in q.leaves():
                wrong = [c.misconception for c in leaf.choices if not c.correct]
                assert all(m.strip() for m in wrong), (name, leaf.id)
                assert len(set(wrong)) == len(wrong), f"{leaf.id}: a misconception repeats"


def test_a_longest_key_and_a_tie_both_count_as_a_cue_and_html_is_ignored():
    assert key_is_longest(mc("98-a", "the longest option here", "short", "tiny"))
    assert key_is_longest(mc("98-b", "abcd", "wxyz", "abc"))  # a tie
    assert not key_is_longest(mc("98-c", "<b>short</b>", "a longer option"))


def test_the_audit_figures_on_a_small_bank():
    cued = mc("98-a", "a long and detailed key", "short", "tiny", "wee")
    fair = mc("98-b", "one", "two", "three", "four")
    report = cue_report(bank(cued, fair))
    assert (report.questions, report.key_longest, report.flagged) == (2, 1, ["98-a"])
    assert report.share_key_longest == 0.5 and not report.passed
    assert any("longest option in 50%" in p for p in report.problems)
    assert report.chance == pytest.approx(0.25)
    assert report.longest_guesser == pytest.approx(0.5)  # right on 98-a, wrong on 98-b
    worded = mc("98-c", "insulin dose", "folate", "iron", "zinc", question="What insulin dose?")
    assert cue_report(bank(worded)).overlap_guesser == 1.0
    assert cue_report(bank(worded)).shortest_guesser == 0.0  # "iron" and "zinc" tie, both wrong
    middling = mc("98-e", "a middling one", "the longest option of them all", "short", "a mid one")
    assert cue_report(bank(middling)).middle_guesser == 0.5  # key and "a mid one" are middling
    converging = mc("98-d", "warm syringe, slow push", "warm syringe, fast push",
                    "cold syringe, slow push", "hot needle, quick jab")
    assert cue_report(bank(converging)).convergence_guesser == 1.0


def test_the_audit_command_prints_the_figure_and_passes(capsys):
    assert cli.main(["quizzes", "audit"]) == 0
    out = capsys.readouterr().out
    assert "Key is the longest option:" in out and f"limit {LONGEST_KEY_LIMIT:.0%}" in out


def test_a_cue_confined_to_one_bank_fails_the_audit_even_when_the_total_passes():
    fair = [mc(f"98-f{n}", "aa", "bbbb", "cccccc", "dddddddd") for n in range(8)]  # key shortest
    shortest_everywhere = cue_report(bank(*fair))
    assert any("always picking the shortest scores 100%" in p
               for p in shortest_everywhere.problems)
    small = cue_report(bank(*fair[:3]))  # a bank of three cannot show a pattern
    assert not any(p.startswith("98_test:") for p in small.problems)
