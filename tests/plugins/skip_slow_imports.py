"""pytest plugin, loaded by ``addopts = "-p skip_slow_imports"`` in pyproject.toml.

It skips a slow optional import (~0.85 s) in every pytest process, controller and xdist workers
alike; see :mod:`b12course.fast_imports` for what is skipped and why. ``-p`` plugins are imported
before entry-point plugins such as nbval (which imports nbformat, and so jsonschema), so this runs
early enough; a conftest.py would be too late. pytest finds this file because the ini's
``pythonpath = ["tests/plugins"]`` is applied before ``-p`` plugins are imported (pytest >= 8.4,
pytest-dev/pytest#12536).

Delete this file (and the ``-p`` option) together with ``b12course.fast_imports`` once
``tests/test_start_pieces.py::test_jsonschema_still_imports_the_slow_grammar_eagerly`` fails.
"""

from b12course.fast_imports import skip_iri_grammar

skip_iri_grammar()
