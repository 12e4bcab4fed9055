"""Quiz item analysis: how hard each question was and how well it told students apart.

An instructor collects the progress files students export (``b12course progress export``) and
runs ``b12course progress analyse FOLDER``. Per question (each part of a case counts as one):
difficulty (share right first time), the commonest wrong first answer, and discrimination: the
upper-lower index D and the corrected item-rest point-biserial r, both against each student's
first-try score on the OTHER questions they attempted. Counts are per student, never per row.
A bad file is reported in one line and skipped; nothing here raises on a student's file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from b12course.quiz import progress

EXPORT_FORMAT = progress.FORMAT + "-export"
#: Share of students in each of the upper and lower groups for the index D (Kelley's 27 %).
GROUP_SHARE = 0.27
FEW_STUDENTS = 10
VERY_EASY, VERY_HARD, WEAK = 0.9, 0.3, 0.2
FLAG_EASY = "very easy"
FLAG_HARD = "very hard"
FLAG_WEAK = "weak discrimination"
FLAG_NEGATIVE = "negative discrimination: check the key"
FLAG_FEW = f"too few students (n < {FEW_STUDENTS}): figures unstable"
COLUMNS = ["bank", "question_id", "type", "students", "difficulty", "mean_attempts",
           "wrong_first", "wrong_first_recorded", "wrong_answer", "wrong_answer_text",
           "wrong_answer_misconception", "wrong_answer_count", "wrong_answer_share",
           "discrimination_d", "point_biserial", "flags"]
_CSV_NEEDS = ("question_id", "attempts", "first_score")
_MISSING = "no such file or folder"
GUIDE = ("instructors", "README.md")
GUIDE_PLOT = ("instructors", "item_analysis_sample.png")
GUIDE_BEGIN, GUIDE_END = "<!-- item-report:begin -->", "<!-- item-report:end -->"
GUIDE_COMMAND = "b12course progress samples --write-guide"


class Skip(Exception):
    """A file that cannot be analysed; the message is the plain-words reason."""


@dataclass
class Export:
    """One student's exported progress: who, when, and a record per question id."""

    path: Path
    name: str
    student: str
    learner: str
    exported: str
    questions: dict

    @property
    def answers(self) -> int:
        """Attempts saved in the file (breaks a tie between two exports of one learner)."""
        return sum(r["attempts"] for r in self.questions.values())


@dataclass
class Item:
    """The figures for one question (or case part)."""

    bank: str
    question_id: str
    type: str
    students: int = 0
    difficulty: float | None = None
    mean_attempts: float | None = None
    wrong_first: int = 0
    wrong_first_recorded: int = 0
    wrong_answer: str = ""
    wrong_answer_text: str = ""
    wrong_answer_misconception: str = ""
    wrong_answer_count: int = 0
    discrimination_d: float | None = None
    point_biserial: float | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def wrong_answer_share(self) -> float | None:
        """Share of the wrong first answers (with a recorded answer) that gave this one."""
        if not self.wrong_first_recorded or not self.wrong_answer:
            return None
        return self.wrong_answer_count / self.wrong_first_recorded

    @property
    def discrimination(self) -> float | None:
        """The figure flags and the plot use: r when it exists, else D."""
        return self.point_biserial if self.point_biserial is not None else self.discrimination_d


@dataclass
class Analysis:
    """Everything the report, the CSV and the plot need, plus what was left out and why."""

    roots: list[str]
    found: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)
    bank_problems: list[str] = field(default_factory=list)
    no_first_response: int = 0
    no_first_response_students: int = 0
    items: list[Item] = field(default_factory=list)


# ---------------------------------------------------------------- finding and reading files


def find_files(paths, exclude=()) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Export files under the given files/folders (recursively), each with the name to show,
    and the paths left out with a reason. Hidden files and the report's own outputs are ignored."""
    excluded = {Path(p).expanduser().resolve() for p in exclude if p}
    found: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    for raw in paths:
        root = Path(raw).expanduser()
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                rel = path.relative_to(root)
                if any(part.startswith(".") for part in rel.parts) or path.resolve() in excluded:
                    continue
                name = str(Path(raw) / rel) if len(paths) > 1 else rel.as_posix()
                if path.suffix.lower() in (".json", ".csv"):
                    found.append((path, name))
                else:
                    skipped.append((name, "not a .json or .csv file"))
        elif root.is_file():
            if root.resolve() not in excluded:
                found.append((root, str(raw)))
        else:
            skipped.append((str(raw), _MISSING))
    return found, skipped


def read_export(path: Path, name: str = "") -> Export:
    """One export (.csv by its suffix, anything else as JSON); Skip says why it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Skip("unreadable: not a text file (was the export renamed or zipped?)") from None
    except OSError as exc:
        raise Skip(f"unreadable: {exc.strerror or exc}") from None
    if not text.strip():
        raise Skip("empty file (nothing in it): ask the student to export again")
    reader = _read_csv if path.suffix.lower() == ".csv" else _read_json
    export = reader(path, name or path.name, text)
    if not export.questions:
        raise Skip("empty: no quiz answers saved yet (the student never pressed Check)")
    return export


def _read_json(path: Path, name: str, text: str) -> Export:
    """A JSON export (or a student's progress.json itself)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" at line {exc.lineno}" if hasattr(exc, "lineno") else ""
        raise Skip(f"unreadable: damaged JSON{where} (cut short in the download?)") from None
    if not isinstance(data, dict):
        raise Skip("not a progress export (the JSON is not an object)")
    if "cells" in data and "nbformat" in data:
        raise Skip("not a progress export (it is a Jupyter notebook)")
    if data.get("format") not in (EXPORT_FORMAT, progress.FORMAT) or not isinstance(
            data.get("questions"), dict):
        raise Skip("not a progress export (no 'b12course-quiz-progress' format and questions)")
    questions = {str(k): _record(k, v) for k, v in data["questions"].items()}
    stamps = [r.get("last_attempt") or "" for r in questions.values()]
    return Export(path, name, str(data.get("student") or ""), str(data.get("learner") or ""),
                  str(data.get("exported") or max(stamps, default="")), questions)


def _read_csv(path: Path, name: str, text: str) -> Export:
    """A CSV export: one row per question; no learner key, so it cannot be matched as a copy."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "difficulty" in header and "discrimination_d" in header:
        raise Skip("not a progress export (it is an item-analysis report)")
    if not all(column in header for column in _CSV_NEEDS):
        raise Skip("not a progress export (a CSV without the columns "
                   f"{', '.join(_CSV_NEEDS)})")
    questions: dict[str, dict] = {}
    for row in reader:
        qid = (row.get("question_id") or "").strip()
        if not qid:
            continue
        record = _record(qid, {**row, "attempts": _number(row, "attempts", qid, int),
                               "first_score": _number(row, "first_score", qid, float)})
        old = questions.get(qid)
        if old is None or record["attempts"] > old["attempts"]:
            questions[qid] = record  # a repeated row counts once: the fuller one
    stamps = [r.get("last_attempt") or "" for r in questions.values()]
    return Export(path, name, "", "", max(stamps, default=""), questions)


def _number(row: dict, key: str, qid: str, kind):
    """A number from a CSV cell; Skip names the question when it is not one."""
    try:
        return kind(float(row.get(key) or ""))
    except ValueError:
        raise Skip(f"damaged: question {qid!r} has no readable {key}") from None


def _record(qid, record) -> dict:
    """A record checked for what the analysis needs: attempts (1 or more) and a first score."""
    if not isinstance(record, dict):
        raise Skip(f"damaged: the entry for question {qid!r} is not a record")
    attempts, score = record.get("attempts"), record.get("first_score")
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise Skip(f"damaged: question {qid!r} has no attempt count")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise Skip(f"damaged: question {qid!r} has no first-try score")
    return record


def _when(text: str) -> datetime:
    """An ISO time for ordering exports; unreadable or missing sorts first."""
    try:
        stamp = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def drop_duplicates(exports: list[Export]) -> tuple[list[Export], list[str]]:
    """One export per learner key: the newest ``exported`` (then the one with more answers)."""
    groups: dict[str, list[Export]] = {}
    for export in exports:
        groups.setdefault(export.learner or f"file:{export.path}", []).append(export)
    kept, notes = [], []
    for group in groups.values():
        ranked = sorted(group, key=lambda e: (_when(e.exported), e.answers, e.name))
        keep = ranked[-1]
        kept.append(keep)
        for other in ranked[:-1]:
            same = _when(other.exported) == _when(keep.exported)
            why = "more answers, same export time" if same else "the later export"
            names = {e.student for e in (keep, other) if e.student}
            warn = (f"; the names differ ({' / '.join(sorted(names))}): check they are one "
                    "person" if len(names) > 1 else "")
            notes.append(f"{other.name} and {keep.name} are the same learner: kept {keep.name} "
                         f"({why}){warn}")
    return sorted(kept, key=lambda e: e.name), sorted(notes)


# ---------------------------------------------------------------- banks


@dataclass
class Catalogue:
    """The questions to analyse, in bank order, and every id any bank knows."""

    leaves: dict  # question id -> Question (a gradable leaf)
    known: set
    broken: dict  # bank name -> problem (banks that failed to load)


def catalogue(banks=None, folder=None) -> Catalogue:
    """Load the banks (all, or the listed ones); a bank that fails to load is noted, not fatal.
    ValueError names an unknown bank."""
    from b12course.quiz.model import BankError, _raw_ids, bank_names, load_bank, quizzes_dir

    folder = Path(folder) if folder else quizzes_dir()
    names = bank_names(folder)
    wanted = list(dict.fromkeys(banks or names))
    unknown = [b for b in wanted if b not in names]
    if unknown:
        raise ValueError(f"no question bank named {', '.join(map(repr, unknown))}; banks: "
                         f"{', '.join(names)} (put --bank after the files)")
    leaves, known, broken = {}, set(), {}
    for name in names:
        try:
            bank = load_bank(name, folder)
        except BankError as exc:
            with contextlib.suppress(OSError, ValueError):  # its own check reports it
                known.update(_raw_ids(json.loads((folder / f"{name}.json").read_text("utf-8"))))
            if name in wanted:
                broken[name] = exc.problem
            continue
        known.update(bank.question_ids())
        if name in wanted:
            leaves.update((leaf.id, leaf) for q in bank.questions for leaf in q.leaves())
    return Catalogue(leaves, known, broken)


# ---------------------------------------------------------------- responses


def response_key(question, response):
    """A saved answer in one comparable form (a CSV cell or JSON value); None if unusable.

    multiple_choice -> option id; many_choice -> tuple of ids; numeric -> the tidied text;
    order -> tuple of step indices (0 = the first step of the correct order).
    """
    if response is None or response == "" or response == []:
        return None
    if question.type in ("many_choice", "order"):
        items = response if isinstance(response, list) else str(response).split(";")
        items = [str(i).strip() for i in items if str(i).strip()]
        if question.type == "many_choice":
            return tuple(sorted(items)) or None
        return tuple(int(i) for i in items) if items and all(i.isdigit() for i in items) else None
    return str(response).strip() if isinstance(response, str | int | float) else None


def _steps(order) -> str:
    """Step indices as 1-based step numbers of the correct order: (1, 0, 2) -> '2-1-3'."""
    return "-".join(str(i + 1) for i in order)


def _option(question, option_id: str) -> tuple[str, str]:
    """An option's shown text and misconception, or a note that the bank no longer has it."""
    try:
        choice = question.choice(option_id)
    except KeyError:
        return "(no longer an option in the bank)", ""
    return choice.answer, choice.misconception


def _numeric_note(question, text: str) -> str:
    """The bank's feedback for a typed wrong value it lists as a common mistake, else ''."""
    from b12course.sources import units

    try:
        quantity = units.parse_quantity(text)
    except ValueError:
        try:
            quantity = units.Quantity(units.parse_number(text), "")
        except ValueError:
            return ""
    for answer in (a for a in question.numeric if not a.correct):
        try:
            value = (units.convert(quantity.value, quantity.unit, answer.unit)
                     if quantity.unit and answer.unit else quantity.value)
        except (KeyError, ValueError):
            continue
        if bool(quantity.unit) == bool(answer.unit) and answer.matches(value):
            return re.sub(r"<[^>]+>", "", answer.feedback).strip()
    return ""


def commonest_wrong(question, wrong: list) -> tuple[str, str, str, int]:
    """The commonest wrong first answer (answer, shown text, misconception, students).

    For many_choice: the wrong option most often ticked; for order: the commonest wrong order.
    Ties go to the answer that sorts first, so the result never depends on file order."""
    if question.type == "many_choice":
        right = {c.id for c in question.choices if c.correct}
        counts = Counter(i for answer in wrong for i in set(answer) if i not in right)
    else:
        counts = Counter(wrong)
    if not counts:
        return "", "", "", 0
    answer, count = min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    if question.type in ("multiple_choice", "many_choice"):
        text, misconception = _option(question, answer)
        return answer, text, misconception, count
    if question.type == "order":
        moved = next((p for p, i in enumerate(answer) if i != p), 0)
        step = question.steps[answer[moved]] if answer[moved] < len(question.steps) else "?"
        return (_steps(answer), f"first out of place: position {moved + 1} holds step "
                                f"{answer[moved] + 1} ({step})", "", count)
    return answer, answer, _numeric_note(question, answer), count


# ---------------------------------------------------------------- discrimination


def _group_mean(pairs: list[tuple[float, float]], seats: int) -> float:
    """Mean item score of the first ``seats`` students of ``pairs`` (already ranked); students
    tied at the cut share the remaining seats, so the result never depends on file order."""
    total, left, i = 0.0, seats, 0
    while left > 0 and i < len(pairs):
        tied = [x for rest, x in pairs[i:] if rest == pairs[i][0]]
        weight = min(1.0, left / len(tied))
        total += weight * sum(tied)
        left -= weight * len(tied)
        i += len(tied)
    return total / seats


def upper_lower_index(pairs: list[tuple[float, float]], share: float = GROUP_SHARE):
    """D = share right in the top group minus in the bottom group (groups: ``share`` of the
    students by rest score, at least one each). ``pairs`` are (rest score, item 0/1)."""
    if len(pairs) < 2:
        return None
    seats = max(1, int(share * len(pairs) + 0.5))
    ranked = sorted(pairs, key=lambda p: p[0])
    return _group_mean(ranked[::-1], seats) - _group_mean(ranked, seats)


def point_biserial(pairs: list[tuple[float, float]]):
    """Pearson r between the item (0/1) and the rest score; None when either never varies."""
    n = len(pairs)
    if n < 3:
        return None
    mean_r = sum(r for r, _ in pairs) / n
    mean_x = sum(x for _, x in pairs) / n
    sxy = sum((r - mean_r) * (x - mean_x) for r, x in pairs)
    sxx = sum((x - mean_x) ** 2 for _, x in pairs)
    srr = sum((r - mean_r) ** 2 for r, _ in pairs)
    if sxx <= 1e-12 or srr <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * srr)


def flags_for(item: Item) -> list[str]:
    """Plain-words warnings for one item (thresholds at the top of this module)."""
    flags = []
    if item.difficulty is not None and item.difficulty > VERY_EASY:
        flags.append(FLAG_EASY)
    if item.difficulty is not None and item.difficulty < VERY_HARD:
        flags.append(FLAG_HARD)
    index = item.discrimination
    if index is not None and index < 0:
        flags.append(FLAG_NEGATIVE)
    elif index is not None and index < WEAK:
        flags.append(FLAG_WEAK)
    if item.students < FEW_STUDENTS:
        flags.append(FLAG_FEW)
    return flags


# ---------------------------------------------------------------- the analysis


def _item(question, records: list[dict], rests: list) -> Item:
    """Figures for one question from the records of the students who attempted it."""
    item = Item(question.bank, question.id, question.type, students=len(records))
    right = [float(r["first_score"]) >= 1 for r in records]
    item.difficulty = sum(right) / len(records)
    item.mean_attempts = sum(r["attempts"] for r in records) / len(records)
    wrong = [response_key(question, r.get("first_response"))
             for r, ok in zip(records, right, strict=True) if not ok]
    item.wrong_first = len(wrong)
    wrong = [w for w in wrong if w is not None]
    item.wrong_first_recorded = len(wrong)
    (item.wrong_answer, item.wrong_answer_text, item.wrong_answer_misconception,
     item.wrong_answer_count) = commonest_wrong(question, wrong)
    pairs = [(rest, float(ok)) for rest, ok in zip(rests, right, strict=True) if rest is not None]
    item.discrimination_d = upper_lower_index(pairs)
    item.point_biserial = point_biserial(pairs)
    item.flags = flags_for(item)
    return item


def items_for(exports: list[Export], leaves: dict) -> list[Item]:
    """One Item per question someone attempted, in bank order."""
    totals = []
    for export in exports:
        mine = [float(r["first_score"]) for q, r in export.questions.items() if q in leaves]
        totals.append((sum(mine), len(mine)))
    items = []
    for qid, question in leaves.items():
        records, rests = [], []
        for export, (total, count) in zip(exports, totals, strict=True):
            record = export.questions.get(qid)
            if record is None:
                continue
            records.append(record)
            rests.append(round((total - float(record["first_score"])) / (count - 1), 9)
                         if count > 1 else None)  # rounded: equal shares tie exactly
        if records:
            items.append(_item(question, records, rests))
    return items


def analyse(paths, banks=None, folder=None, exclude=()) -> Analysis:
    """Read, check and de-duplicate the exports, then compute every question's figures."""
    cat = catalogue(banks, folder)
    analysis = Analysis(roots=[str(p) for p in paths])
    found, analysis.skipped = find_files(list(paths), exclude)
    analysis.found = len(found) + sum(r != _MISSING for _n, r in analysis.skipped)
    exports = []
    for path, name in found:
        try:
            exports.append(read_export(path, name))
        except Skip as reason:
            analysis.skipped.append((name, str(reason)))
    analysis.skipped.sort()
    analysis.exports, analysis.duplicates = drop_duplicates(exports)
    for export in analysis.exports:
        old = 0
        for qid, record in export.questions.items():
            if qid not in cat.known:
                analysis.unknown[qid] += 1
            elif qid in cat.leaves and record.get("first_response") in (None, "", []):
                old += 1  # saved before answers were kept (or a blank cell of an old CSV)
        analysis.no_first_response += old
        analysis.no_first_response_students += bool(old)
    analysis.bank_problems = [f"bank {name} could not be loaded ({problem}); its questions "
                              "are left out" for name, problem in sorted(cat.broken.items())]
    analysis.items = items_for(analysis.exports, cat.leaves)
    return analysis


# ---------------------------------------------------------------- the printed report


def _num(value, digits: int = 2) -> str:
    """A figure for the terminal; '–' when it cannot be computed."""
    return "–" if value is None else f"{value:.{digits}f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def header_lines(analysis: Analysis) -> list[str]:
    """What was read, skipped, merged and ignored, in plain words."""
    n, dupes = len(analysis.exports), len(analysis.duplicates)
    lines = [f"Quiz item analysis of {', '.join(analysis.roots)}",
             f"Files: {analysis.found} looked at: {n} analysed (one student each), "
             f"{len(analysis.skipped)} skipped, {dupes} duplicate{'' if dupes == 1 else 's'} "
             "left out."]
    if analysis.skipped:
        lines.append(f"Skipped {_plural(len(analysis.skipped), 'file')}:")
        lines.extend(f"  {name}: {reason}" for name, reason in analysis.skipped)
    if analysis.duplicates:
        lines.append("Duplicates (same learner key in two files):")
        lines.extend(f"  {note}" for note in analysis.duplicates)
    if analysis.unknown:
        shown = ", ".join(f"{qid} ({_plural(k, 'student')})"
                          for qid, k in sorted(analysis.unknown.items()))
        lines.append(f"Question ids no bank knows (ignored; removed or renamed?): {shown}")
    if analysis.no_first_response:
        lines.append(f"{_plural(analysis.no_first_response, 'answer')} from "
                     f"{_plural(analysis.no_first_response_students, 'student')} were saved "
                     "before answers were kept: they count for difficulty, not for the "
                     "commonest wrong answer.")
    lines.extend(analysis.bank_problems)
    return lines


def _wrong_cell(item: Item, width: int = 24) -> str:
    """'answer (count/wrong first answers)', shortened to fit the column."""
    if not item.wrong_answer:
        return ""
    tail = f" ({item.wrong_answer_count}/{item.wrong_first_recorded})"
    answer = item.wrong_answer
    if len(answer) + len(tail) > width:
        answer = answer[:max(3, width - len(tail) - 1)] + "…"
    return answer + tail


def table_lines(items: list[Item]) -> list[str]:
    """One line per question, under a line naming its bank."""
    width = max([len(i.question_id) for i in items] + [8]) + 2
    lines = [f"{'question':<{width}}{'n':>4}{'right 1st':>11}{'tries':>7}{'D':>7}{'r':>7}  "
             f"{'commonest wrong (of wrong 1st)':<32}flags"]
    bank = None
    for item in items:
        if item.bank != bank:
            bank = item.bank
            lines.append(bank)
        lines.append(f"  {item.question_id:<{width - 2}}{item.students:>4}"
                     f"{_num(item.difficulty):>11}{_num(item.mean_attempts, 1):>7}"
                     f"{_num(item.discrimination_d):>7}{_num(item.point_biserial):>7}  "
                     f"{_wrong_cell(item):<32}{'; '.join(item.flags)}".rstrip())
    return lines


def summary_lines(analysis: Analysis) -> list[str]:
    """Totals, flag counts, and which questions to look at first."""
    items = analysis.items
    if not items:
        return ["No answers to questions of the selected banks were found."]
    banks = {i.bank for i in items}
    rs = sorted(i.discrimination for i in items if i.discrimination is not None)
    median_d = sorted(i.difficulty for i in items)[len(items) // 2]
    lines = [f"Summary: {_plural(len(items), 'question')} from {_plural(len(banks), 'bank')}, "
             f"{_plural(len(analysis.exports), 'student')}; median difficulty "
             f"{median_d:.2f}, median discrimination {_num(rs[len(rs) // 2] if rs else None)}."]
    counts = Counter(f for i in items for f in i.flags)
    order = (FLAG_NEGATIVE, FLAG_HARD, FLAG_WEAK, FLAG_EASY, FLAG_FEW)
    flagged = sum(bool(i.flags) for i in items)
    lines.append(f"Flagged: {flagged} of {len(items)}" + (": " if counts else ".")
                 + ", ".join(f"{counts[f]} {f}" for f in order if counts[f]))
    negative = sorted((i for i in items if FLAG_NEGATIVE in i.flags),
                      key=lambda i: (i.discrimination, i.question_id))
    if negative:
        lines.append("Check the key first: " + ", ".join(
            f"{i.question_id} ({i.discrimination:+.2f})" for i in negative[:6])
            + (f" and {len(negative) - 6} more" if len(negative) > 6 else ""))
    hardest = sorted(items, key=lambda i: (i.difficulty, i.question_id))[:3]
    lines.append("Hardest first time: " + ", ".join(
        f"{i.question_id} ({i.difficulty:.2f})" for i in hardest))
    return lines


def _wrapped(lines: list[str], width: int = 100) -> list[str]:
    """Long prose lines folded for a terminal, continuation lines indented."""
    import textwrap

    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()))
        out.extend(textwrap.wrap(line, width, subsequent_indent=indent + "  ",
                                 break_on_hyphens=False, break_long_words=False) or [""])
    return out


def report_text(analysis: Analysis) -> str:
    """The whole printed report."""
    parts = [_wrapped(header_lines(analysis)),
             table_lines(analysis.items) if analysis.items else [],
             _wrapped(summary_lines(analysis)) if analysis.exports else []]
    return "\n\n".join("\n".join(p) for p in parts if p)


# ---------------------------------------------------------------- files written


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def csv_text(analysis: Analysis) -> str:
    """One row per question (COLUMNS); empty cells where a figure cannot be computed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in analysis.items:
        row = {name: getattr(item, name) for name in COLUMNS if name != "flags"}
        writer.writerow([_cell(row.get(c)) for c in COLUMNS[:-1]] + ["; ".join(item.flags)])
    return buffer.getvalue()


def write_plot(analysis: Analysis, path) -> Path:
    """Difficulty against discrimination, one labelled point per question, as a PNG."""
    from b12course.show.item_plot import difficulty_discrimination

    points = [(i.question_id, i.difficulty, i.discrimination) for i in analysis.items
              if i.discrimination is not None]
    title = (f"Quiz item analysis: {_plural(len(analysis.exports), 'student')}, "
             f"{_plural(len(points), 'question')}")
    return difficulty_discrimination(points, path, title, easy=VERY_EASY, hard=VERY_HARD,
                                     weak=WEAK)


def main(paths, out=None, plot=None, banks=None, folder=None) -> int:
    """The ``analyse`` command: print the report, write the CSV and the plot; 0 if any file
    was analysed, 2 if none (or a --bank name is unknown), 1 if an output cannot be written."""
    import sys

    from b12course.sources.fileio import write_atomic

    try:
        analysis = analyse(paths, banks, folder, exclude=(out, plot))
    except ValueError as exc:
        print(f"b12course progress analyse: {exc}", file=sys.stderr)
        return 2
    print(report_text(analysis))
    if not analysis.exports:
        print("\nNo export could be analysed, so nothing was written. Students make the file "
              "with `b12course progress export NAME.json`.")
        return 2
    written = []
    try:
        if out:
            write_atomic(Path(out).expanduser(), csv_text(analysis))
            written.append(f"Table: {out}")
        if plot and analysis.items:
            write_plot(analysis, Path(plot).expanduser())
            written.append(f"Plot: {plot}")
    except OSError as exc:
        print(f"b12course progress analyse: could not write ({exc.strerror or exc})",
              file=sys.stderr)
        return 1
    if written:
        print("\n".join(written))
    return 0


# ---------------------------------------------------------------- the sample in the guide


def _trim(text: str, keep: int) -> str:
    """The report with only the first ``keep`` question lines of its table (marked)."""
    head, table, *rest = text.split("\n\n")
    rows = table.split("\n")
    shown, questions = [], 0
    for row in rows:
        questions += row.startswith("  ")
        if questions > keep:
            break
        shown.append(row)
    left = sum(r.startswith("  ") for r in rows) - keep
    if left > 0:
        shown.append(f"[... {left} more question lines trimmed for this guide ...]")
    return "\n\n".join([head, "\n".join(shown), *rest])


def guide_block(plot=None, keep: int = 15) -> str:
    """The sample run shown in the instructor guide (regenerated, never typed by hand);
    also draws its plot to ``plot`` when given."""
    import tempfile

    from b12course.quiz import samples

    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        made = samples.make_samples(where / "s", n=30, seed=1)
        analysis = analyse([where / "s"])
        report = _trim(report_text(analysis), keep)
        if plot:
            write_plot(analysis, plot)
        made_p = samples.make_samples(where / "p", n=6, seed=1, with_problems=True)
        problems = _wrapped(header_lines(analyse([where / "p"])))
    lines = ["```text", "$ b12course progress samples --out /tmp/s -n 30 --seed 1",
             samples.made_line(made, "/tmp/s"),
             "$ b12course progress analyse /tmp/s --out /tmp/report.csv --plot /tmp/report.png",
             report, "Table: /tmp/report.csv", "Plot: /tmp/report.png", "```", "",
             "With problem files (`--with-problems`), the top of the report reads:", "",
             "```text", "$ b12course progress samples --out /tmp/p -n 6 --seed 1 --with-problems",
             *_wrapped([samples.made_line(made_p, "/tmp/p")]),
             "$ b12course progress analyse /tmp/p", *problems,
             "[... question table and summary trimmed for this guide ...]", "```"]
    return "\n".join(lines).replace(str(where), "/tmp")


def _guide_parts(text: str) -> tuple[str, str, str]:
    """The guide split around the item-report markers; ValueError if they are missing."""
    start, end = text.find(GUIDE_BEGIN), text.find(GUIDE_END)
    if start < 0 or end < start:
        raise ValueError(f"markers {GUIDE_BEGIN} ... {GUIDE_END} not found")
    return text[:start + len(GUIDE_BEGIN)], text[start + len(GUIDE_BEGIN):end], text[end:]


def write_guide() -> list[Path]:
    """Regenerate the sample block of the instructor guide and its plot (for maintainers)."""
    from b12course.sources.fileio import write_atomic
    from b12course.sources.paths import repo_path

    guide, image = repo_path(*GUIDE), repo_path(*GUIDE_PLOT)
    block = guide_block(plot=image)
    before, _old, after = _guide_parts(guide.read_text(encoding="utf-8"))
    write_atomic(guide, f"{before}\n{block}\n{after}")
    return [guide, image]


def guide_is_current(block: str | None = None) -> bool:
    """True when the guide's sample block matches a fresh run (``block`` saves a rerun)."""
    from b12course.sources.paths import repo_path

    _before, current, _after = _guide_parts(repo_path(*GUIDE).read_text(encoding="utf-8"))
    return current.strip("\n") == (block if block is not None else guide_block()).strip("\n")
