"""Header rows as people write them, made into unique, stable column names.

A blank header becomes "column_N" (N is its 1-based position) and a repeated one "Phone_2",
"Phone_3", so no cell is lost and the mapping can name each column. Each rename is described in
a note the caller can show the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HeaderRow:
    names: list[str]
    notes: list[str]


def header_row(cells: Sequence[str]) -> HeaderRow:
    """Strip stray spaces (and a byte-order mark), then name blank and repeated headers."""
    wanted = [cell.strip().lstrip("\ufeff").strip() for cell in cells]
    taken = set(wanted)
    names: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(wanted, start=1):
        if not name:
            unique = _free(f"column_{position}", taken)
            notes.append(f"column {position} has no header; it is called {unique!r}")
        elif name in seen:
            unique = _free(name, taken)
            notes.append(f"header {name!r} appears more than once; column {position} is {unique!r}")
        else:
            unique = name
        seen.add(name)
        taken.add(unique)
        names.append(unique)
    return HeaderRow(names, notes)


def _free(name: str, taken: set[str]) -> str:
    """`name` if no column has it yet, else the first of name_2, name_3, ... that is free."""
    if name not in taken:
        return name
    suffix = 2
    while f"{name}_{suffix}" in taken:
        suffix += 1
    return f"{name}_{suffix}"
