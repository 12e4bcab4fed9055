"""Command-line arguments of ``b12course grade`` (kept apart so ``--help`` stays fast)."""

from __future__ import annotations

import argparse

DEFAULT_TIMEOUT = 60.0
DEFAULT_OUTPUT_LIMIT_MB = 2.0
DEFAULT_MEMORY_LIMIT_MB = 2048.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the grader's arguments to a (sub)parser."""
    parser.add_argument(
        "submissions", nargs="+",
        help="student folders (folder name = student), files named "
             "STUDENT__NN_slug_exercises.ipynb, a class folder of student folders, or a "
             "Canvas / Moodle download (its folder or its .zip)")
    parser.add_argument("--out", required=True, help="gradebook CSV to write (one row per "
                        "student x task); totals and item analysis go to OUT_summary.csv")
    parser.add_argument("--jobs", type=int, default=1,
                        help="submissions graded at once (default 1; use the number of cores)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds one cell may run (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--solutions", help="solution notebooks folder (default: solutions/)")
    parser.add_argument("--output-limit", type=float, default=DEFAULT_OUTPUT_LIMIT_MB,
                        help="MB of output kept per notebook; output past it is cut off "
                             f"(default {DEFAULT_OUTPUT_LIMIT_MB:g})")
    parser.add_argument("--memory-limit", type=float, default=DEFAULT_MEMORY_LIMIT_MB,
                        help="MB of memory (address space) each notebook's kernel may use; "
                             f"0 = no cap (default {DEFAULT_MEMORY_LIMIT_MB:g})")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    add_lms_arguments(parser, "also write the totals as")


def add_lms_arguments(parser: argparse.ArgumentParser, purpose: str) -> None:
    """--canvas-csv, --canvas-assignment and --moodle-csv, for grading and for the apply step of
    ``grade marks``; ``purpose`` starts the help of each file option."""
    parser.add_argument("--canvas-csv", metavar="PATH",
                        help=f"{purpose} a Canvas gradebook import CSV (Student, ID, SIS User "
                             "ID, SIS Login ID, Section, one column per exercise)")
    parser.add_argument("--canvas-assignment", metavar="'NAME (ID)'",
                        help="name the Canvas column after an existing assignment, as in "
                             "Canvas's own gradebook export, e.g. 'Exercise 3 (4567)'")
    parser.add_argument("--moodle-csv", metavar="PATH",
                        help=f"{purpose} a Moodle grading worksheet (Identifier, Full name, "
                             "Grade, ...): one file per exercise if several")
