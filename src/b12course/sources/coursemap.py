"""The course map: one table (``data/course_map.csv``) shown in notebook 00 and the README."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from b12course.sources import data
from b12course.sources.paths import repo_path


@dataclass(frozen=True)
class Session:
    """One notebook of the learning path."""

    number: str
    slug: str
    title: str
    minutes: int
    objectives: str

    @property
    def filename(self) -> str:
        return f"{self.number}_{self.slug}.ipynb"

    def exists(self) -> bool:
        return repo_path("notebooks", self.filename).exists()


def sessions(path: Path | None = None) -> list[Session]:
    """Read the course map in order (``path``: another file checked by the same schema)."""
    return [Session(row["number"], row["slug"], row["title"], int(row["minutes"]),
                    row["objectives"]) for row in data.validate("course_map", path=path)]


def markdown(link_prefix: str = "") -> str:
    """The map as a Markdown table; notebooks that exist are linked, planned ones say so."""
    lines = ["| # | Notebook | Minutes | You will be able to |", "|---|---|---|---|"]
    for s in sessions():
        name = f"[{s.title}]({link_prefix}{s.filename})" if s.exists() else f"{s.title} (planned)"
        lines.append(f"| {s.number} | {name} | {s.minutes} | {s.objectives} |")
    return "\n".join(lines)


