"""JSON values → cells.

Numbers are kept exactly as the file writes them (the decoder hands them over as text), so a
phone written 33612345678.0 or 3.3612345678E+10 reaches the normaliser intact and the row can
say what was repaired. Nested objects become dotted keys ("address.city").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from contactctl.model import Cell, RawRow

# Numbers and NaN/Infinity as written: no float rounding, no int digit limit.
DECODER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)


def record_cells(record: dict[str, Any]) -> dict[str, Cell]:
    """An object's values as cells in key order, nested objects flattened to dotted keys.

    Iterative rather than recursive, so a deeply nested object cannot exhaust the stack.
    """
    cells: dict[str, Cell] = {}
    stack: list[tuple[str, Iterator[tuple[str, Any]]]] = [("", iter(record.items()))]
    while stack:
        prefix, items = stack[-1]
        for key, value in items:
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                if value:
                    stack.append((f"{name}.", iter(value.items())))
                    break
                value = None  # an empty object is a blank cell
            cells[name] = cell(value)
        else:
            stack.pop()
    return cells


def cell(value: Any) -> Cell:
    """A JSON value as a cell: text, or a list of texts for an array."""
    if isinstance(value, list):
        return [scalar_text(item) for item in value if item is not None]
    return scalar_text(value)


def scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        # Rare inside a contact (an array of objects): kept as compact JSON rather than lost.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def headers_from_first_object(
    rows: Iterator[RawRow], lookahead_rows: int = 1000
) -> tuple[list[RawRow], list[str]]:
    """The keys of the first readable object, and the rows read to find it (to replay them).

    Leading items that are not objects (or not JSON) fail on their own rows; the search gives
    up after `lookahead_rows` so a file of garbage is not held in memory.
    """
    seen: list[RawRow] = []
    for row in rows:
        seen.append(row)
        if row.problem is None:
            return seen, list(row.cells)
        if len(seen) >= lookahead_rows:
            break
    return seen, []
