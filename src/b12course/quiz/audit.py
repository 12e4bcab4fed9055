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
#: ...or when a test-wise strategy beats blind guessing by more than this, over all banks,
STRATEGY_MARGIN = 0.10
#: ...or by more than this in one bank with at least BANK_MINIMUM single-choice questions
#: (a bank of two or three questions cannot show a pattern).
BANK_MARGIN = 0.15
BANK_MINIMUM = 8
STRATEGY_NAMES = {"longest_guesser": "always picking the longest",
                  "shortest_guesser": "always picking the shortest",
                  "middle_guesser": "avoiding the longest and shortest",
                  "overlap_guesser": "picking the most question words",
                  "convergence_guesser": "picking the most shared words"}
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


def _middle(q: Question, choice) -> int:
    """1 for an option that is neither the longest nor the shortest: when writers shorten keys
    and lengthen distractors too eagerly, the key ends up in the middle ("avoid the extremes")."""
    lengths = [_length(c.answer) for c in q.choices]
    return int(min(lengths) < _length(choice.answer) < max(lengths))


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
    middle_guesser: float = 0.0
    overlap_guesser: float = 0.0
    convergence_guesser: float = 0.0
    flagged: list[str] = field(default_factory=list)
    by_bank: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: per bank: {strategy: expected share right}, "chance" included
    bank_strategies: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def share_key_longest(self) -> float:
        return self.key_longest / self.questions if self.questions else 0.0

    @property
    def problems(self) -> list[str]:
        """Why the audit fails, one line each (empty when it passes)."""
        out = []
        if self.share_key_longest > LONGEST_KEY_LIMIT:
            out.append(f"the key is the longest option in {self.share_key_longest:.0%} of "
                       f"single-choice questions (limit {LONGEST_KEY_LIMIT:.0%})")
        for strategy, name in STRATEGY_NAMES.items():
            if getattr(self, strategy) > self.chance + STRATEGY_MARGIN:
                out.append(f"{name} scores {getattr(self, strategy):.0%} over all banks, more "
                           f"than {STRATEGY_MARGIN * 100:.0f} points above blind guessing")
        for bank, figures in self.bank_strategies.items():
            if self.by_bank[bank][0] < BANK_MINIMUM:
                continue
            for strategy, name in STRATEGY_NAMES.items():
                if figures[strategy] > figures["chance"] + BANK_MARGIN:
                    out.append(f"{bank}: {name} scores {figures[strategy]:.0%} (blind guessing "
                               f"{figures['chance']:.0%}; limit +{BANK_MARGIN * 100:.0f} points)")
        return out

    @property
    def passed(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """The report as printed by ``b12course quizzes audit``."""
        out = [f"Single-choice questions (case parts included): {self.questions}",
               f"Key is the longest option: {self.key_longest} of {self.questions} = "
               f"{self.share_key_longest:.0%} (limit {LONGEST_KEY_LIMIT:.0%}; "
               f"chance with these option counts {self.chance:.0%})",
               "A student who never read the course, expected share right "
               f"(limit: blind guessing + {STRATEGY_MARGIN * 100:.0f} points):",
               f"  {'guessing blindly':<34}{self.chance:.0%}"]
        out += [f"  {name:<34}{getattr(self, strategy):.0%}"
                for strategy, name in STRATEGY_NAMES.items()]
        out.append("Per bank: single-choice questions, key longest, and the best strategy "
                   f"(limit: blind guessing + {BANK_MARGIN * 100:.0f} points in banks of "
                   f"{BANK_MINIMUM} or more):")
        for bank, (total, longest) in self.by_bank.items():
            figures = self.bank_strategies[bank]
            best = max(STRATEGY_NAMES, key=lambda s: figures[s])
            out.append(f"  {bank}: {total} questions, key longest {longest}; "
                       f"{STRATEGY_NAMES[best]} {figures[best]:.0%} "
                       f"(blind {figures['chance']:.0%})")
        if self.flagged:
            out.append("Key longest in: " + ", ".join(self.flagged))
        out += [f"FAIL: {problem}" for problem in self.problems]
        return out


def cue_report(banks=None) -> CueReport:
    """Audit every bank (or the given {name: Bank}) for length and word-overlap cues."""
    banks = load_all() if banks is None else banks
    report = CueReport()
    strategies = {"chance": lambda q: 1 / len(q.choices),
                  "longest_guesser": lambda q: _share_right(q, _longest),
                  "shortest_guesser": lambda q: _share_right(q, _shortest),
                  "middle_guesser": lambda q: _share_right(q, _middle),
                  "overlap_guesser": lambda q: _share_right(q, _overlap),
                  "convergence_guesser": lambda q: _share_right(q, _convergence)}
    totals = dict.fromkeys(strategies, 0.0)
    for name, bank in banks.items():
        questions = single_choice({name: bank})
        flagged = [q.id for q in questions if key_is_longest(q)]
        report.by_bank[name] = (len(questions), len(flagged))
        report.flagged += flagged
        mine = dict.fromkeys(strategies, 0.0)
        for q in questions:
            for strategy, share in strategies.items():
                mine[strategy] += share(q)
        for strategy, total in mine.items():
            totals[strategy] += total
        report.bank_strategies[name] = {s: t / len(questions) if questions else 0.0
                                        for s, t in mine.items()}
    n = report.questions = sum(total for total, _ in report.by_bank.values())
    report.key_longest = len(report.flagged)
    for strategy, total in totals.items():
        setattr(report, strategy, total / n if n else 0.0)
    return report
