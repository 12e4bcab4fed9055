"""Benchmark: time from a quiz Check click to feedback, per question type (target p95 < 50 ms).

Builds a widget for every question of every bank in data/quizzes, sets a right or a wrong answer
and clicks Check, timing the whole callback (grading, feedback HTML with citation, atomic progress
save). Progress goes to a temporary file, never to the real per-user file. Prints figures; it is
not a test. Run: ``.venv/bin/python benchmarks/bench_quiz.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

TARGET_MS = 50.0


def _responses(q):
    """A right and a wrong response for a question, plus a bad one for typed answers."""
    from b12course.quiz.scoring import key_response

    right = key_response(q)
    if q.type == "multiple_choice":  # options are answered by their stable id, never position
        return [right, next(c.id for c in q.choices if not c.correct)]
    if q.type == "many_choice":
        return [right, [q.choices[0].id]]
    if q.type == "order":
        return [right, list(reversed(right))]
    answer = next(a for a in q.numeric if a.correct)
    return [right, f"{answer.value * 3 + 7:g} {answer.unit or ''}".strip(), "NaN"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="clicks per response (default 5)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-quiz-", ))
    os.environ["B12COURSE_PROGRESS"] = str(folder / "progress.json")
    try:
        from b12course.quiz.model import load_all
        from b12course.quiz.progress import QuizProgress
        from b12course.quiz.widgets import CaseView, QuestionView

        store = QuizProgress()
        timings: dict[str, list[float]] = {}
        banks = load_all()
        for bank in banks.values():
            for question in bank.questions:
                if question.type == "case":
                    views = [(v, "case (parts)") for v in CaseView(question, store).parts]
                else:
                    views = [(QuestionView(question, store), question.type)]
                for view, label in views:
                    leaf = view.question
                    for response in _responses(leaf):
                        for _ in range(args.rounds):
                            view.set_response(response)
                            start = time.perf_counter()
                            view.check.click()
                            elapsed = (time.perf_counter() - start) * 1000
                            timings.setdefault(label, []).append(elapsed)
        n_questions = sum(len(q.leaves()) for b in banks.values() for q in b.questions)
        print(f"Quiz Check -> feedback, {len(banks)} banks, {n_questions} questions, "
              f"{args.rounds} clicks per response (progress saved to a temp file)")
        print(f"{'type':<16} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target p95 < "
              f"{TARGET_MS:.0f} ms")
        worst = 0.0
        for qtype in sorted(timings):
            values = timings[qtype]
            p95 = percentile(values, 0.95)
            worst = max(worst, p95)
            print(f"{qtype:<16} {len(values):>5} {statistics.median(values):>8.2f} {p95:>8.2f} "
                  f"{max(values):>8.2f}  {'ok' if p95 < TARGET_MS else 'SLOW'}")
        print(f"worst p95: {worst:.2f} ms ({'meets' if worst < TARGET_MS else 'misses'} target)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
