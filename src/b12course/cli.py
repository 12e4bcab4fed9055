"""The ``b12course`` command line: maintainer and instructor tasks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from b12course import hygiene
from b12course.paths import repo_path


def _check_notebooks(args: argparse.Namespace) -> int:
    folders = [Path(f) for f in args.folders] or [repo_path(f) for f in
                                                  ("notebooks", "exercises", "solutions")]
    messages = hygiene.check(folders)
    for message in messages:
        print(message)
    print("notebooks clean" if not messages else f"{len(messages)} problem(s)")
    return 1 if messages else 0


def _course_map(_args: argparse.Namespace) -> int:
    from b12course import coursemap

    print(coursemap.markdown(link_prefix="notebooks/"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b12course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check-notebooks",
                       help="check notebooks are valid and saved without outputs")
    p.add_argument("folders", nargs="*", help="folders to check (default: all course folders)")
    p.set_defaults(func=_check_notebooks)
    p = sub.add_parser("course-map", help="print the course map as Markdown (for the README)")
    p.set_defaults(func=_course_map)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
