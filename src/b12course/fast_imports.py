"""Skip a slow optional import in the course's own tool processes (tests, CLI, grading workers).

Anything that reads notebooks imports nbformat, which imports jsonschema, which eagerly imports
the optional ``rfc3987_syntax`` package: it compiles ~35 Earley grammars at import and costs
~0.85 s per process (upstream python-jsonschema/jsonschema#1428). It only serves the "iri" and
"iri-reference" JSON-schema formats, which no notebook schema uses. The grader starts a fresh
process per submission and pytest one per xdist worker, so the cost adds up; these entry points
call :func:`skip_iri_grammar` before importing nbformat: ``b12course.cli``,
``b12course.grading.worker`` and, for pytest, the test plugin ``tests/plugins/skip_slow_imports.py``
(``-p skip_slow_imports`` in pyproject.toml). Notebook kernels never import jsonschema and are
untouched.

This is the one place for the shim. ``tests/test_start_pieces.py`` fails, saying so, once
``import jsonschema`` no longer imports ``rfc3987_syntax`` eagerly: then delete this module, the
test plugin and their calls.
"""

from __future__ import annotations

import sys

SKIPPED_MODULE = "rfc3987_syntax"


def skip_iri_grammar() -> bool:
    """Mark ``rfc3987_syntax`` unavailable unless jsonschema is already loaded; True if skipped.

    ``None`` in ``sys.modules`` makes the import raise ImportError, which jsonschema expects for
    an optional format checker and handles by not registering that format.
    """
    if "jsonschema" in sys.modules:
        return False
    sys.modules.setdefault(SKIPPED_MODULE, None)
    return sys.modules[SKIPPED_MODULE] is None
