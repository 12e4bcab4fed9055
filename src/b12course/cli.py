"""The ``b12course`` command line: maintainer and instructor tasks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from b12course.fast_imports import skip_iri_grammar

skip_iri_grammar()  # the CLI reads notebooks: skip 0.85 s of unused imports first

from b12course.sources import hygiene  # noqa: E402
from b12course.sources.paths import repo_path  # noqa: E402


def _check_notebooks(args: argparse.Namespace) -> int:
    folders = [Path(f) for f in args.folders] or [repo_path(f) for f in
                                                  ("notebooks", "exercises", "solutions")]
    messages = hygiene.notebook_hygiene_problems(folders)
    for message in messages:
        print(message)
    print("notebooks clean" if not messages else f"{len(messages)} problem(s)")
    return 1 if messages else 0


def _course_map(_args: argparse.Namespace) -> int:
    from b12course.sources import coursemap

    print(coursemap.markdown(link_prefix="notebooks/"))
    return 0


def _data_dictionary(args: argparse.Namespace) -> int:
    from b12course.sources import datadict
    from b12course.sources.paths import repo_path

    if not (args.write or args.check):
        print(datadict.markdown())
        return 0
    readme = repo_path("data", "README.md")
    text = readme.read_text(encoding="utf-8")
    problems = datadict.problems(text)
    if args.write and datadict.render(text) != text:
        readme.write_text(datadict.render(text), encoding="utf-8")
        problems = datadict.problems(readme.read_text(encoding="utf-8"))
        print(f"updated {readme}")
    for problem in problems:
        print(f"data/README.md: {problem}")
    if not problems:
        print("data dictionary up to date")
    return 1 if problems else 0


def _data_snapshot(args: argparse.Namespace) -> int:
    from b12course.sources import snapshot

    if args.update:
        changes = snapshot.update()
        print("\n".join(changes) or "no change")
        print(f"wrote {snapshot.path()}: commit it with a clinical re-read of each change")
        return 0
    changes = snapshot.diff(snapshot.committed(), snapshot.current())
    print("\n".join(changes) or "clinical values match the reviewed snapshot")
    if changes:
        print(f"{len(changes)} change(s) from {snapshot.path()}; after a clinical re-read "
              f"(instructors/clinical_review.md) record them with `{snapshot.UPDATE_COMMAND}`")
    return 1 if changes else 0


def _exercises(args: argparse.Namespace) -> int:
    from b12course.exercises import build

    src = Path(args.solutions) if args.solutions else None
    out = Path(args.out) if args.out else None
    if args.action == "samples":
        from b12course.grading import samples

        if out is None:
            print("b12course exercises samples: give --out FOLDER for the fake submissions")
            return 2
        made = samples.make_class(out, src, n=args.n)
        print(f"{len(made)} generated (fake) student folders in {out}")
        return 0
    if args.check:
        messages = build.stale_exercises(src, out)
        for message in messages:
            print(message)
        print("exercises up to date" if not messages else f"{len(messages)} problem(s)")
        return 1 if messages else 0
    print(build.describe(build.build(src, out)))
    return 0


def _grade(args: argparse.Namespace) -> int:
    from b12course.grading import runner

    return runner.main(args)


def _hub_link(args: argparse.Namespace) -> int:
    from b12course import hub
    from b12course.sources.paths import REPO_ROOT, in_clone

    repo = args.repo or (hub.clone_origin(REPO_ROOT) if in_clone() else None)
    if not repo:
        print("b12course hub-link: give the course repository's address with --repo URL "
              "(this copy of the course has no git remote to use instead)", file=sys.stderr)
        return 2
    try:
        link = hub.hub_link(args.hub, repo, branch=args.branch,
                            urlpath=hub.start_page(lab=True) if args.lab else None)
    except hub.HubLinkError as error:
        print(f"b12course hub-link: {error}", file=sys.stderr)
        return 2
    print(link)
    return 0


def _progress(args: argparse.Namespace) -> int:
    if args.action == "analyse":
        from b12course.quiz import items

        return items.main(args.paths, out=args.out, plot=args.plot, banks=args.bank)
    if args.action == "samples":
        return _progress_samples(args)
    from b12course.quiz.progress import export_progress, progress_path

    try:
        out = export_progress(args.file, student=args.name)
    except OSError as exc:
        print(f"Could not write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Quiz progress from {progress_path()} exported to {out}")
    return 0


def _progress_samples(args: argparse.Namespace) -> int:
    from b12course.quiz import items, samples
    from b12course.quiz.model import BankError

    try:
        if args.write_guide:
            written = items.write_guide()
            print("updated " + ", ".join(str(p) for p in written))
            return 0
        if not args.out or args.n < 1:
            print("b12course progress samples: give --out FOLDER for the invented exports "
                  "and -n of 1 or more", file=sys.stderr)
            return 2
        made = samples.make_samples(args.out, n=args.n, seed=args.seed,
                                    with_problems=args.with_problems)
    except (BankError, ValueError, OSError) as exc:
        print(f"b12course progress samples: {exc}", file=sys.stderr)
        return 2
    print(samples.made_line(made, args.out))
    return 0


def _quizzes(args: argparse.Namespace) -> int:
    from b12course.quiz.audit import cue_report
    from b12course.quiz.model import BankError

    try:
        report = cue_report()
    except BankError as exc:
        print(f"b12course quizzes audit: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    if not report.passed:
        print("FAILED: options give the key away (see FAIL lines above); rewrite them so "
              "that neither length nor wording points to the answer.", file=sys.stderr)
        return 1
    return 0


def _sources(args: argparse.Namespace) -> int:
    from b12course.sources import references

    status, older = args.status, args.older_than
    if status is not None and status not in references.STATUSES:
        print(f"b12course sources: unknown status {status!r}; choose one of "
              f"{', '.join(references.STATUSES)}", file=sys.stderr)
        return 2
    days = None
    if older is not None:
        if not older.strip().isdigit():
            print(f"b12course sources: --older-than takes a whole number of days (0 or more), "
                  f"not {older!r}", file=sys.stderr)
            return 2
        days = int(older)
    groups = references.by_status(status, days)
    if not groups:
        wanted = [f"status {status}" if status else "",
                  f"checked more than {days} days ago" if days is not None else ""]
        print(f"No sources match ({', '.join(w for w in wanted if w)}).")
        return 0
    for name, refs in groups.items():
        print(f"{name} ({len(refs)} source{'s' if len(refs) != 1 else ''})")
        for ref in refs:
            citation = ref.citation if len(ref.citation) <= 70 else ref.citation[:69] + "…"
            age = ref.age_days()
            print(f"  {ref.key:<22} checked {ref.checked}, {age} day{'s' if age != 1 else ''} "
                  f"ago  {citation}")
    return 0


def _start(args: argparse.Namespace) -> int:
    from b12course import launch

    return launch.run(lab=args.lab, port=args.port, open_browser=not args.no_browser,
                      work_dir=args.work_dir, fresh=args.fresh or (),
                      extra=args.server_options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b12course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check-notebooks",
                       help="check notebooks are valid and saved without outputs")
    p.add_argument("folders", nargs="*", help="folders to check (default: all course folders)")
    p.set_defaults(func=_check_notebooks)
    p = sub.add_parser("course-map", help="print the course map as Markdown (for the README)")
    p.set_defaults(func=_course_map)
    p = sub.add_parser("data-dictionary", help="print the data dictionary generated from the "
                                               "table schemas (--write: update data/README.md)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true",
                       help="rewrite the generated tables in data/README.md")
    group.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 if data/README.md is stale")
    p.set_defaults(func=_data_dictionary)
    p = sub.add_parser("data-snapshot", help="compare the clinical values with the reviewed "
                                             "snapshot (--update: record them after review)")
    p.add_argument("--update", action="store_true",
                   help="write tests/snapshots/clinical_values.json from the tables")
    p.set_defaults(func=_data_snapshot)
    p = sub.add_parser("exercises", help="build exercises/ from solutions/ (or check it)")
    p.add_argument("action", choices=["build", "samples"],
                   help="build: write exercises/ from solutions/; samples: write fake student "
                        "submissions to --out (for trying the grader)")
    p.add_argument("-n", type=int, default=14, help="samples: how many students (default 14)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if exercises/ differs from a fresh build")
    p.add_argument("--solutions", help="solution notebooks folder (default: solutions/)")
    p.add_argument("--out", help="exercise notebooks folder (default: exercises/)")
    p.set_defaults(func=_exercises)
    p = sub.add_parser("grade", help="grade submitted exercise notebooks into a gradebook CSV")
    from b12course.grading.options import add_arguments

    add_arguments(p)
    p.set_defaults(func=_grade)
    from b12course.grading.handback import EPILOG  # grade marks / grade feedback

    p.epilog = EPILOG
    p = sub.add_parser("hub-link", help="print the one link that puts the course in each "
                                        "student's JupyterHub home and opens it (nbgitpuller)")
    p.add_argument("--hub", required=True, metavar="URL",
                   help="the hub's address, e.g. https://hub.example.edu")
    p.add_argument("--repo", metavar="URL",
                   help="the course repository to pull (default: this clone's git origin)")
    p.add_argument("--branch", default="main", help="branch to pull (default main)")
    p.add_argument("--lab", action="store_true",
                   help="open JupyterLab (code visible) instead of the course with code hidden")
    p.set_defaults(func=_hub_link)
    p = sub.add_parser("progress", help="quiz progress: export it for an instructor; analyse "
                                        "a class's exports (item analysis)")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("export", help="write your saved quiz progress to a file")
    a.add_argument("file", help="output file: .csv for a table, anything else for JSON")
    a.add_argument("--name", default="", help="your name, stored in a JSON export")
    a.set_defaults(func=_progress)
    a = actions.add_parser("analyse", aliases=["analyze"],
                           help="item analysis of students' exports: difficulty, commonest "
                                "wrong answer, discrimination")
    a.add_argument("paths", nargs="+", metavar="PATH",
                   help="export files (.json or .csv) or folders of them (read recursively)")
    a.add_argument("--out", help="write the table (one row per question) to this CSV file")
    a.add_argument("--plot", help="write the difficulty-discrimination plot to this PNG file")
    a.add_argument("--bank", action="extend", nargs="+", metavar="NN_slug",
                   help="only these banks (e.g. 03_regimens_by_cause); put it after the paths")
    a.set_defaults(func=_progress, action="analyse")
    a = actions.add_parser("samples", help="write invented students' exports for trying "
                                           "'progress analyse'")
    a.add_argument("--out", help="folder for the invented exports")
    a.add_argument("-n", type=int, default=30, help="how many students (default 30)")
    a.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    a.add_argument("--with-problems", action="store_true",
                   help="add a broken file, a notebook, an empty export, an older duplicate, an "
                        "answer to a retired question and answers saved before answers were kept")
    a.add_argument("--write-guide", action="store_true",
                   help="maintainers: regenerate the sample run in instructors/README.md and "
                        "instructors/item_analysis_sample.png")
    a.set_defaults(func=_progress)
    p = sub.add_parser("quizzes", help="audit the question banks for answer cues (exit 1 if "
                                       "the key is the longest option too often)")
    p.add_argument("action", choices=["audit"], help="audit: length and word-overlap cues")
    p.set_defaults(func=_quizzes)
    p = sub.add_parser("sources", help="list the cited sources by status and by how long ago "
                                       "they were last checked")
    p.add_argument("--status", help="only this status: current, secondary, superseded or draft")
    p.add_argument("--older-than", metavar="DAYS",
                   help="only sources last checked more than DAYS days ago")
    p.set_defaults(func=_sources)
    p = sub.add_parser("start", help="students: open the course in your browser (code hidden; "
                                     "--lab for the code view) on your own copy of the notebooks")
    p.add_argument("--lab", action="store_true",
                   help="open JupyterLab (code visible, cells you can edit and run) instead")
    p.add_argument("--port", type=int,
                   help="port to try first (default 8866, or 8888 with --lab; the next free one "
                        "is used if it is taken)")
    p.add_argument("--no-browser", action="store_true",
                   help="do not open a browser; just print the address")
    p.add_argument("--work-dir", metavar="FOLDER",
                   help="where your copies of the notebooks live (default: my-work/ in the "
                        "course folder, or $B12COURSE_WORK)")
    p.add_argument("--fresh", action="append", metavar="NOTEBOOK",
                   help="replace your copy of one notebook (03, 03_regimens_by_cause, "
                        "03_regimens_by_cause_exercises or 'all') "
                        "with the course's current version; your copy is moved to "
                        "replaced/ in your work folder, never deleted (repeat for more)")
    p.add_argument("server_options", nargs="*", metavar="-- OPTION",
                   help="extra options for Voilà or JupyterLab, after --")
    p.set_defaults(func=_start)
    return parser


def main(argv: list[str] | None = None) -> int:
    from b12course.sources.data import DataError
    from b12course.sources.paths import CloneOnlyError

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["grade"] and argv[1:2] and argv[1] in ("marks", "feedback"):
        from b12course.grading import handback  # after grading: marks, feedback

        return handback.run(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CloneOnlyError, DataError) as error:  # no clone; a broken table row: say which
        print(f"b12course: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (`... | head`): not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
