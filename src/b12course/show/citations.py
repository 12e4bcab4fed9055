"""How a citation looks to a student: reference lists in notebooks and citations in widgets.

Keys are found, resolved and worded by ``sources.references``; this module only displays them,
the same way in quizzes, explorers and the lab interpreter.
"""

from __future__ import annotations

import html

from b12course.sources import references


def citation_items(keys) -> list[str]:
    """'KEY1; KEY2' (or a list) -> one HTML item per key: '[KEY] citation (status) link'.

    An unknown key is shown as such, never raised: a widget must not fail on a typo in a table.
    """
    if isinstance(keys, str):
        keys = references.split_keys(keys)
    items = []
    for key in dict.fromkeys(keys):
        try:
            ref = references.resolve(key)
        except ValueError:
            items.append(f"[{html.escape(key)}] (not found in data/references.csv)")
            continue
        text = f"[{html.escape(key)}] {html.escape(ref.citation)}"
        if ref.label:  # '(superseded)', '(draft)', '(secondary source)'
            text += f" <em>{html.escape(ref.label)}</em>"
        if ref.url:
            url = html.escape(ref.url, quote=True)
            text += f' <a href="{url}" target="_blank" rel="noopener">link</a>'
        items.append(text)
    return items


def show(keys) -> None:
    """Display a reference list in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(references.markdown(keys)))


def show_for_notebook(name: str) -> None:
    """Display the reference list of everything a notebook and its quiz bank cite."""
    show(references.cited_in_notebook(name))
