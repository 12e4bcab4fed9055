"""pytest plugin: ``-p b12course.pytest_startup`` skips a slow import in every test process.

``-p`` plugins load before entry-point plugins such as nbval (which imports nbformat, and so
jsonschema), so this runs early enough; a conftest.py would be too late. See
:mod:`b12course.fast_imports` for what is skipped and why.
"""

from b12course.fast_imports import skip_iri_grammar

skip_iri_grammar()
