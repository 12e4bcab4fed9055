"""Answer-cue audit of the question banks: can a student who never read the course beat chance?

A key that is usually the longest option, or that repeats the question's words, lets a student
guess right without learning. This module plays the two classic test-wise strategies against
every bank and reports how often each would be right, next to what blind guessing gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from b12course.quiz.model import Question, load_all

#: The test command fails when more single-choice keys than this are the longest option.
LONGEST_KEY_LIMIT = 0.35
_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = ("a an and are as at be by can for from has have he her his in is it its more most "
               "not of on or she than that the their them they this to was what when which who "
               "why will with you your")
_STOP = frozenset(_STOP_WORDS.split(" "))


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).lower()


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(_plain(text)) if w not in _STOP and len(w) > 2}


def _length(text: str) -> int:
    return len(_plain(text).strip())


def single_choice(banks=None) -> list[Question]:
    """Every single-choice question, case parts included, bank by bank."""
    banks = load_all() if banks is None else banks
    return [leaf for bank in banks.values() for q in bank.questions for leaf in q.leaves()
            if leaf.type == "multiple_choice"]


def key_is_longest(q: Question) -> bool:
    """True when the key is at least as long as every other option (a tie counts as a cue)."""
    key = next(c for c in q.choices if c.correct)
    return all(_length(key.answer) >= _length(c.answer) for c in q.choices if not c.correct)


def _share_right(q: Question, score) -> float:
    """Chance that a guesser who picks at random among its best-scoring options is right."""
    scores = [score(q, c) for c in q.choices]
    best = [c for c, s in zip(q.choices, scores, strict=True) if s == max(scores)]
    return sum(c.correct for c in best) / len(best)


def _longest(q: Question, choice) -> int:
    return _length(choice.answer)


def _shortest(q: Question, choice) -> int:
    return -_length(choice.answer)


def _overlap(q: Question, choice) -> int:
    return len(_words(choice.answer) & _words(q.question + " " + q.stem))


def _convergence(q: Question, choice) -> int:
    """Words this option shares with the other options: a key built from the parts the
    distractors vary is the one that shares most ("convergence" strategy)."""
    mine = _words(choice.answer)
    return sum(len(mine & _words(other.answer)) for other in q.choices if other is not choice)


@dataclass
class CueReport:
    """Figures over all single-choice questions; ``flagged`` lists ids whose key is longest."""

    questions: int = 0
    key_longest: int = 0
    chance: float = 0.0
    longest_guesser: float = 0.0
    shortest_guesser: float = 0.0
    overlap_guesser: float = 0.0
    convergence_guesser: float = 0.0
    flagged: list[str] = field(default_factory=list)
    by_bank: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def share_key_longest(self) -> float:
        return self.key_longest / self.questions if self.questions else 0.0

    @property
    def passed(self) -> bool:
        return self.share_key_longest <= LONGEST_KEY_LIMIT

    def lines(self) -> list[str]:
        """The report as printed by ``b12course quizzes audit``."""
        out = [f"Single-choice questions (case parts included): {self.questions}",
               f"Key is the longest option: {self.key_longest} of {self.questions} = "
               f"{self.share_key_longest:.0%} (limit {LONGEST_KEY_LIMIT:.0%}; "
               f"chance with these option counts {self.chance:.0%})",
               "A student who never read the course, expected share right:",
               f"  guessing blindly                 {self.chance:.0%}",
               f"  always picking the longest       {self.longest_guesser:.0%}",
               f"  always picking the shortest      {self.shortest_guesser:.0%}",
               f"  picking the most question words  {self.overlap_guesser:.0%}",
               f"  picking the most shared words    {self.convergence_guesser:.0%}",
               "Per bank (key longest / single-choice questions):"]
        out += [f"  {name}: {longest} / {total}" for name, (total, longest)
                in self.by_bank.items()]
        if self.flagged:
            out.append("Key longest in: " + ", ".join(self.flagged))
        return out


def cue_report(banks=None) -> CueReport:
    """Audit every bank (or the given {name: Bank}) for length and word-overlap cues."""
    banks = load_all() if banks is None else banks
    report = CueReport()
    strategies = {"chance": lambda q: 1 / len(q.choices),
                  "longest_guesser": lambda q: _share_right(q, _longest),
                  "shortest_guesser": lambda q: _share_right(q, _shortest),
                  "overlap_guesser": lambda q: _share_right(q, _overlap),
                  "convergence_guesser": lambda q: _share_right(q, _convergence)}
    totals = dict.fromkeys(strategies, 0.0)
    for name, bank in banks.items():
        questions = single_choice({name: bank})
        flagged = [q.id for q in questions if key_is_longest(q)]
        report.by_bank[name] = (len(questions), len(flagged))
        report.flagged += flagged
        for q in questions:
            for strategy, share in strategies.items():
                totals[strategy] += share(q)
    n = report.questions = sum(total for total, _ in report.by_bank.values())
    report.key_longest = len(report.flagged)
    for strategy, total in totals.items():
        setattr(report, strategy, total / n if n else 0.0)
    return report
