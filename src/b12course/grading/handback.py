"""``b12course grade marks`` and ``b12course grade feedback``: the steps after grading.

Kept apart from ``options`` (grading's own arguments): ``cli`` hands ``grade marks ...`` and
``grade feedback ...`` here, so ``b12course grade FOLDERS...`` keeps its arguments unchanged.
"""

from __future__ import annotations

import argparse

SUBCOMMANDS = ("marks", "feedback")
EPILOG = ("After grading: 'b12course grade marks --gradebook G --submissions DIR' lists the "
          "written answers for marking ('--apply SHEET' folds the marks in); 'b12course grade "
          "feedback --gradebook G --out FOLDER' writes one HTML page per student. Each has "
          "--help.")


def run(argv: list[str]) -> int:
    """Parse ``marks ...`` or ``feedback ...`` and run it."""
    from b12course.grading import feedback, marking

    parser = argparse.ArgumentParser(prog="b12course grade",
                                     description="After grading: mark written answers and "
                                                 "write feedback for each student.")
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("marks", help="list written answers for marking, or --apply the marks",
                       description=marking.__doc__.split("\n\n")[1].replace("``", "'"))
    marking.add_arguments(p)
    p.set_defaults(func=marking.main)
    p = sub.add_parser("feedback", help="write one HTML feedback page per student",
                       description=feedback.__doc__.split("\n\n")[0].replace("``", "'"))
    feedback.add_arguments(p)
    p.set_defaults(func=feedback.main)
    args = parser.parse_args(argv)
    return args.func(args)
