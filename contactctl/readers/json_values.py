"""JSON values → cells.

Numbers are kept exactly as the file writes them (the decoder hands them over as text), so a
phone written 33612345678.0 or 3.3612345678E+10 reaches the normaliser intact and the row can
say what was repaired. Nested objects become dotted keys ("address.city").
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, cast

from contactctl.errors import InputError
from contactctl.model import Cell, RawRow
from contactctl.readers.source import ByteInput

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


def with_every_key(
    data: ByteInput, read: Callable[[ByteInput], Iterator[RawRow]]
) -> tuple[list[str], Iterator[RawRow]]:
    """The union of every object's keys, in order of first appearance, and the rows.

    Two streamed passes: the first only collects keys (a key first seen in the 500th object
    still maps), the second yields the rows; memory holds the keys, never the file. Standard
    input is copied to a temporary file first so it can be read twice. A read error in the
    first pass ends it: before any object it is raised now, as a wrong file; after one, the
    second pass meets it again at its row, as before.
    """
    data = _rereadable(data)
    keys: dict[str, None] = {}
    try:
        for row in read(data):
            keys.update(dict.fromkeys(row.cells))
    except InputError:
        if not keys:  # nothing readable before it: the file is wrong, say so now
            raise
    if not data.is_whole:  # else the rest was never read
        data.rest.seek(len(data.head))
    return list(keys), read(data)


def _rereadable(data: ByteInput) -> ByteInput:
    try:
        if data.is_whole or data.rest.seekable():
            return data
    except OSError:
        pass
    # Deleted when closed, or when the process ends; the rows iterator keeps it open.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    spool.write(data.head)
    shutil.copyfileobj(data.rest, spool)
    spool.seek(len(data.head))
    return ByteInput(data.source, data.head, cast(BinaryIO, spool))
