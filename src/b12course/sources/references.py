"""Citations: resolve source keys against ``data/references.csv`` and render reference lists.

Every source has a ``status`` (current, secondary, superseded, draft: see data/README.md) and a
``checked`` date. A superseded or draft source never backs a keyed answer or a first-shown regimen
on its own (:func:`only_superseded_or_draft`), reference lists label it after the citation, and
:func:`by_status` lists sources by status and age for ``b12course sources``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from b12course.sources.cells import split_keys
from b12course.sources.data import SOURCE_STATUSES
from b12course.sources.paths import data_dir

STATUSES = SOURCE_STATUSES
LIST_ORDER = ("draft", "superseded", "secondary", "current")  # most limited first
NOT_ALONE = ("superseded", "draft")  # may support a statement, never back it on its own
LABELS = {"current": "", "secondary": "(secondary source)", "superseded": "(superseded)",
          "draft": "(draft)"}


@dataclass(frozen=True)
class Reference:
    """One cited source."""

    key: str
    citation: str
    year: str
    url: str
    kind: str
    status: str = "current"
    checked: str = ""  # ISO date the status and citation were last checked

    @property
    def label(self) -> str:
        """'(superseded)', '(draft)', '(secondary source)', or '' for a current source."""
        return LABELS.get(self.status, f"({self.status})")

    @property
    def backs_alone(self) -> bool:
        """False for a superseded or draft source: something else must back the statement too."""
        return self.status not in NOT_ALONE

    @property
    def checked_date(self) -> date:
        return date.fromisoformat(self.checked)

    def age_days(self, today: date | None = None) -> int:
        """Days since the source was last checked (relative to today unless given)."""
        return ((today or date.today()) - self.checked_date).days

    def markdown(self) -> str:
        label = f" {self.label}" if self.label else ""
        link = f" <{self.url}>" if self.url else ""
        return f"**{self.key}**: {self.citation}{label}{link}"


def load() -> dict[str, Reference]:
    """All references by key (checked by sources.data's schema; re-read when the file changes)."""
    path = data_dir() / "references.csv"
    stamp = path.stat().st_mtime_ns if path.is_file() else -1
    return _load(str(path.parent), stamp)


@cache
def _load(folder: str, _stamp: int) -> dict[str, Reference]:
    from pathlib import Path

    from b12course.sources import data

    return {row["key"]: Reference(row["key"], row["citation"], row["year"], row["url"],
                                  row["kind"], row["status"], row["checked"])
            for row in data.validate("references", Path(folder))}


def by_status(status: str | None = None, older_than: int | None = None,
              today: date | None = None) -> dict[str, list[Reference]]:
    """Sources grouped by status (draft, superseded, secondary, current), oldest check first.

    ``status`` keeps one group; ``older_than`` keeps sources last checked more than that many
    days before ``today`` (default: the real today).
    """
    if status is not None and status not in STATUSES:
        raise ValueError(f"Unknown status {status!r}. Statuses: {', '.join(STATUSES)}.")
    if older_than is not None and older_than < 0:
        raise ValueError(f"--older-than must be 0 or more days, not {older_than}.")
    today = today or date.today()
    groups: dict[str, list[Reference]] = {}
    for wanted in LIST_ORDER if status is None else (status,):
        refs = [r for r in load().values() if r.status == wanted
                and (older_than is None or r.age_days(today) > older_than)]
        if refs:
            groups[wanted] = sorted(refs, key=lambda r: (r.checked_date, r.key))
    return groups


def only_superseded_or_draft(keys) -> bool:
    """True when every key (an iterable or a 'A; B' string) is a superseded or draft source."""
    if isinstance(keys, str):
        keys = split_keys(keys)
    keys = list(keys)
    return bool(keys) and all(not resolve(k).backs_alone for k in keys)


def join_keys(*groups) -> str:
    """'A; B; C': the keys of every group (a 'A; B' string or an iterable of keys) in order of
    first appearance, without repeats: how the course writes the sources behind one statement."""
    keys: list[str] = []
    for group in groups:
        keys.extend(k for item in ([group] if isinstance(group, str) or not
                                   isinstance(group, Iterable) else group)
                    for k in split_keys(item))
    return "; ".join(dict.fromkeys(keys))


def unresolved(keys) -> list[str]:
    """The keys (from an iterable or a 'A; B' string) that are not in references.csv."""
    if isinstance(keys, str):
        keys = split_keys(keys)
    known = load()
    return [k for k in keys if k not in known]


def resolve(key: str) -> Reference:
    """The reference for a key; a clear error names keys that do not exist."""
    try:
        return load()[key]
    except KeyError:
        raise ValueError(f"Unknown source key {key!r}: add it to data/references.csv") from None


def markdown(keys) -> str:
    """A numbered Markdown reference list for the keys, in the order given, without repeats."""
    if isinstance(keys, str):
        keys = split_keys(keys)
    ordered = list(dict.fromkeys(keys))
    return "\n".join(f"{i}. {resolve(k).markdown()}" for i, k in enumerate(ordered, start=1))


_KEY = r"[A-Z][A-Z0-9]+(?:-[A-Za-z0-9]+)*"
# [KEY] or [KEY1; KEY2], not a Markdown link [text](url)
_CITATION = re.compile(rf"\[({_KEY}(?:\s*;\s*{_KEY})*)\](?!\()")


def cited_in_text(text: str) -> list[str]:
    """Source keys cited inline as [KEY] or [KEY1; KEY2], in order of first appearance."""
    keys: list[str] = []
    for group in _CITATION.findall(text):
        keys.extend(split_keys(group))
    return list(dict.fromkeys(keys))


def cited_in_notebook(name: str) -> list[str]:
    """Keys cited in a notebook's markdown, then those of its quiz bank (if it has one)."""
    import json

    from b12course.sources.paths import repo_path

    path = repo_path("notebooks", f"{name}.ipynb")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join(
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
    )
    keys = cited_in_text(text)
    bank = data_dir() / "quizzes" / f"{name}.json"
    if bank.exists():
        keys.extend(_bank_sources(json.loads(bank.read_text(encoding="utf-8"))))
    return list(dict.fromkeys(keys))


def _bank_sources(node) -> list[str]:
    """Every 'source' value anywhere in a quiz bank, split into keys."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                found.extend(split_keys(value))
            else:
                found.extend(_bank_sources(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_bank_sources(item))
    return found


# -------------------------------------------------------------- labelling superseded/draft

# Words that tell a reader a cited source is not current guidance.
STATUS_WORDS = re.compile(r"\b(draft|superseded|historical|replaced|withdrawn|no longer current|"
                          r"earlier version)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<!vs\.)(?<=[.!?])\s+(?=\S)")


def _text_units(text: str) -> list[str]:
    """Table rows, list items and paragraphs of Markdown text, each as one string."""
    units: list[str] = []
    current: list[str] = []

    def flush():
        if current:
            units.append(" ".join(current))
            current.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("|"):
            flush()
            units.append(stripped)
        elif _LIST_ITEM.match(line) or stripped.startswith("#"):
            flush()
            current.append(stripped)
        else:
            current.append(stripped)
    flush()
    return units


def cited_without_label(text: str) -> list[tuple[str, str]]:
    """(key, context) for each inline citation of a superseded or draft source whose sentence
    (or table row) never says "draft", "superseded", "historical" or the like.

    A table row is one context; elsewhere the sentence holding the citation is (a citation at
    the end of a sentence belongs to it).
    """
    found: list[tuple[str, str]] = []
    known = load()
    for unit in _text_units(text):
        parts = [unit] if unit.startswith("|") else _SENTENCE_END.split(unit)
        for part in parts:
            labelled = bool(STATUS_WORDS.search(_CITATION.sub("", part)))  # not the keys' own
            for key in cited_in_text(part):
                ref = known.get(key)
                if ref is not None and not ref.backs_alone and not labelled:
                    found.append((key, part))
    return found
