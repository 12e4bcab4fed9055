"""The data dictionary of data/README.md, generated from the schemas.

The command is ``b12course data-dictionary``.

Each table's column table in data/README.md sits between a ``<!-- data-dictionary NAME ... -->``
line and ``<!-- /data-dictionary -->``, and is rendered from ``SCHEMAS[NAME]`` in
:mod:`b12course.sources.data` (meaning, unit and allowed values of every column). The prose
around the tables is written by hand. ``b12course data-dictionary --write`` rewrites the tables
in place; tests/sources/test_data_dictionary.py fails when they are stale.
"""

from __future__ import annotations

import re

from b12course.sources.data import SCHEMAS

BEGIN = ("<!-- data-dictionary {name}: generated from its schema in src/b12course/sources/data.py "
         "by `b12course data-dictionary --write`; edit the schema, not this table -->")
END = "<!-- /data-dictionary -->"
_BLOCK = re.compile(r"^<!-- data-dictionary (\w+):[^\n]*-->\n(.*?)^<!-- /data-dictionary -->$",
                    re.M | re.S)


def table(name: str) -> str:
    """One table's generated block: the begin marker, the column table, the end marker."""
    return f"{BEGIN.format(name=name)}\n{SCHEMAS[name].dictionary()}\n{END}"


def markdown() -> str:
    """Every table's column table under its ``### `file` `` heading (what the CLI prints)."""
    return "\n\n".join(f"### `{name}.csv`\n\n{SCHEMAS[name].dictionary()}" for name in SCHEMAS)


def blocks(text: str) -> dict[str, str]:
    """The generated blocks found in a README text, by table name."""
    return {m.group(1): m.group(0) for m in _BLOCK.finditer(text)}


def problems(text: str) -> list[str]:
    """What is stale in a README text: tables missing, unknown or out of date (empty: current)."""
    found = blocks(text)
    out = [f"no generated table for {name}.csv" for name in SCHEMAS if name not in found]
    out += [f"a generated table names {name!r}, which has no schema" for name in found
            if name not in SCHEMAS]
    out += [f"the table of {name}.csv is stale" for name, block in found.items()
            if name in SCHEMAS and block != table(name)]
    return out


def render(text: str) -> str:
    """The README text with every generated table brought up to date (known tables only)."""
    return _BLOCK.sub(lambda m: table(m.group(1)) if m.group(1) in SCHEMAS else m.group(0), text)
