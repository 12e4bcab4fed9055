"""The package's layers hold: import-linter contracts in pyproject.toml, plus no import cycles.

Layers, top to bottom: cli, grading | launch, exercises | quiz, show, clinical, sources (README).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

from b12course.sources.paths import REPO_ROOT


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_import_cycles_anywhere_in_the_package():
    """Counts imports inside functions too: a lazy import may not close a cycle either."""
    graph = grimp.build_graph("b12course", cache_dir=None)
    cycles = [(a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
              if a != b and graph.chain_exists(importer=b, imported=a)]
    assert not cycles, f"import cycles: {sorted(cycles)[:10]}"
