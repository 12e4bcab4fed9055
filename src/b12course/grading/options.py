"""Command-line arguments of ``b12course grade`` (kept apart so ``--help`` stays fast)."""

from __future__ import annotations

import argparse

DEFAULT_TIMEOUT = 60.0
DEFAULT_OUTPUT_LIMIT_MB = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the grader's arguments to a (sub)parser."""
    parser.add_argument(
        "submissions", nargs="+",
        help="student folders (folder name = student), files named "
             "STUDENT__NN_slug_exercises.ipynb, or a class folder of student folders")
    parser.add_argument("--out", required=True, help="gradebook CSV to write (one row per "
                        "student x task); totals and item analysis go to OUT_summary.csv")
    parser.add_argument("--jobs", type=int, default=1,
                        help="submissions graded at once (default 1; use the number of cores)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds one cell may run (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--solutions", help="solution notebooks folder (default: solutions/)")
    parser.add_argument("--output-limit", type=float, default=DEFAULT_OUTPUT_LIMIT_MB,
                        help="MB of output one notebook may produce before grading stops "
                             f"(default {DEFAULT_OUTPUT_LIMIT_MB:g})")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
