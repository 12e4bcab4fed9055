"""Citations: resolve source keys against ``data/references.csv`` and render reference lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from b12course.paths import data_dir


@dataclass(frozen=True)
class Reference:
    """One cited source."""

    key: str
    citation: str
    year: str
    url: str
    kind: str

    def markdown(self) -> str:
        link = f" <{self.url}>" if self.url else ""
        return f"**{self.key}**: {self.citation}{link}"


@cache
def load() -> dict[str, Reference]:
    """All references by key (read once per process; checked by b12course.data's schema)."""
    from b12course import data

    return {row["key"]: Reference(row["key"], row["citation"], row["year"], row["url"],
                                  row["kind"]) for row in data.validate("references")}


def split_keys(source: str) -> list[str]:
    """'A; B' -> ['A', 'B'] (data rows may cite several sources)."""
    return [k.strip() for k in str(source).split(";") if k.strip()]


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


def show(keys) -> None:
    """Display a reference list in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(markdown(keys)))


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

    from b12course.paths import repo_path

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


def show_for_notebook(name: str) -> None:
    """Display the reference list of everything a notebook and its quiz bank cite."""
    show(cited_in_notebook(name))
