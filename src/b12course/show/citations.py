"""Reference lists in a notebook: every source a notebook (and its quiz bank) cites, numbered.

Keys are found, resolved and worded by ``sources.references``; this module only displays them.
"""

from __future__ import annotations

from b12course.sources import references


def show(keys) -> None:
    """Display a reference list in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(references.markdown(keys)))


def show_for_notebook(name: str) -> None:
    """Display the reference list of everything a notebook and its quiz bank cite."""
    show(references.cited_in_notebook(name))
