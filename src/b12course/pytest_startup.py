"""pytest plugin that trims a slow import from every test process (``-p b12course.pytest_startup``).

nbval imports nbformat, which imports jsonschema, which eagerly imports the optional
``rfc3987_syntax`` package: it compiles ~35 Earley grammars at import and costs ~0.85 s in each
pytest process (the controller and every xdist worker; upstream python-jsonschema/jsonschema#1428).
It only serves the "iri"/"iri-reference" JSON-schema formats, which no notebook schema uses, so
the test processes mark it unavailable before anything imports jsonschema. ``-p`` plugins load
before entry-point plugins such as nbval, which is why this must be a plugin and not a conftest.
Kernels and the course itself are unaffected: they never import jsonschema.
"""

from __future__ import annotations

import sys

SKIPPED_MODULE = "rfc3987_syntax"

if "jsonschema" not in sys.modules:
    # None in sys.modules makes "import rfc3987_syntax" raise ImportError, which jsonschema
    # expects for an optional format checker and handles by not registering it.
    sys.modules.setdefault(SKIPPED_MODULE, None)
