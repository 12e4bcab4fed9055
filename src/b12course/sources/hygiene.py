"""Notebook hygiene: valid nbformat, saved without outputs, one kernelspec.

Used by the test suite and by ``b12course check-notebooks`` so a maintainer sees the same
messages locally as CI prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import nbformat

KERNEL_NAME = "python3"
SKIP_PARTS = {".ipynb_checkpoints", ".venv", "venv", "node_modules", "artifacts", ".git"}


def find_notebooks(folders: Iterable[Path]) -> list[Path]:
    """Every ``.ipynb`` below the folders, skipping checkpoints, virtual envs and artefacts."""
    found: list[Path] = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.ipynb")):
            if not SKIP_PARTS.intersection(path.parts):
                found.append(path)
    return found


def problems(path: Path) -> list[str]:
    """Plain-English problems with one notebook; an empty list means it is clean."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path}: not readable as notebook JSON ({exc})"]
    try:
        nb = nbformat.from_dict(raw)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several ValidationError flavours
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [f"{path}: not a valid nbformat 4 notebook ({first_line})"]
    return list(_content_problems(path, nb))


def _content_problems(path: Path, nb) -> Iterator[str]:
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        yield f"{path}: kernelspec is {kernel!r}; every course notebook uses {KERNEL_NAME!r}"
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            yield f"{path}: cell {index} was saved with outputs (run nbstripout on it)"
        if cell.get("execution_count") is not None:
            yield f"{path}: cell {index} was saved with an execution count (run nbstripout on it)"


def notebook_hygiene_problems(folders: Iterable[Path]) -> list[str]:
    """Hygiene problems (outputs, execution counts, kernelspec, format) across the folders."""
    messages: list[str] = []
    for path in find_notebooks(folders):
        messages.extend(problems(path))
    return messages
