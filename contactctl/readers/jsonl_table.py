"""JSON Lines: one object a line; a row is its line number (blank lines count, yield nothing).

A line that is not valid JSON, or not an object, fails on its own row: one bad line in a
million is the line's problem, not the file's. Headers are the union of every object's keys
(`with_every_key`: two streamed passes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from contactctl.model import RawRow
from contactctl.readers.base import ReadOptions, Table
from contactctl.readers.decoding import (
    BoundedLines,
    TextInput,
    failed_line,
    open_text,
    oversize_problem,
    undecodable,
)
from contactctl.readers.json_values import DECODER, record_cells, with_every_key
from contactctl.readers.source import ByteInput


def open_jsonl(data: ByteInput, options: ReadOptions) -> Table:
    limit = options.max_record_chars
    headers, rows = with_every_key(data, lambda d: _rows(open_text(d, options.encoding), limit))
    return Table(data.source, headers, rows)


def _rows(text: TextInput, limit: int) -> Iterator[RawRow]:
    source = text.source
    number = 0
    lines = BoundedLines(text.text, limit)
    try:
        for line in lines:
            number += 1
            if lines.oversized:
                lines.oversized = 0
                yield RawRow(source, number, {}, oversize_problem(limit))
            elif not line.isspace():
                yield parse_line(source, number, line)
    except UnicodeDecodeError as exc:
        raise undecodable(source, text.encoding, exc, failed_line(number, exc)) from exc


def parse_line(source: str, number: int, line: str) -> RawRow:
    """One line's object as a row, or a row that fails with what is wrong with the line."""
    try:
        value = DECODER.decode(line.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {exc.msg.lower()} at column {exc.colno}"
        return RawRow(source, number, {}, reason)
    except RecursionError:
        return RawRow(source, number, {}, "not valid JSON: nested too deeply")
    if not isinstance(value, dict):
        return RawRow(source, number, {}, "item is not an object")
    return RawRow(source, number, record_cells(value))
