"""JSON (an array of objects, or an object holding one) and JSON Lines (an object a line)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

from contactctl.errors import InputError
from contactctl.model import Cell, RawRow
from contactctl.readers.text import decode_error, open_text

if TYPE_CHECKING:
    from contactctl.readers import Table

MAX_JSON_BYTES = 512 * 1024 * 1024  # a JSON array is read whole; beyond this use JSON Lines


def read_json(stream: BinaryIO, source: str, encoding: str | None) -> Table:
    from contactctl.readers import Table

    text, chosen = open_text(stream, source, encoding)
    try:
        content = text.read(MAX_JSON_BYTES + 1)
    except UnicodeDecodeError as exc:
        raise decode_error(source, 1, exc, chosen) from None
    if len(content) > MAX_JSON_BYTES:
        raise InputError(f"{source} is over 512 MB of JSON.", "Convert it to JSON Lines.")
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply to be contacts.") from None
    items = _records(data, source)
    headers = list(flatten(items[0])) if items and isinstance(items[0], Mapping) else []
    rows = (_raw(source, index, item) for index, item in enumerate(items, start=1))
    return Table(source, headers, iter(rows))


def _records(data: Any, source: str) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        if "contacts" in data and isinstance(data["contacts"], list):
            return list(data["contacts"])
        if len(lists) == 1:
            return lists[0]
    raise InputError(
        f"{source}: expected an array of contacts, or an object with a 'contacts' array."
    )


def read_jsonl(stream: BinaryIO, source: str, encoding: str | None) -> Table:
    from contactctl.readers import Table

    text, chosen = open_text(stream, source, encoding)
    lines = _numbered_lines(text, source, chosen)
    first = next(lines, None)
    if first is None:
        raise InputError(f"{source} has no contacts.")
    headers = list(flatten(first[1])) if isinstance(first[1], Mapping) else []

    def rows() -> Iterator[RawRow]:
        for number, item in _chain(first, lines):
            yield _raw(source, number, item)

    return Table(source, headers, rows())


def _chain(first: tuple[int, Any], rest: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    yield first
    yield from rest


class _BadLine:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _numbered_lines(text: Any, source: str, encoding: str) -> Iterator[tuple[int, Any]]:
    number = 0
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise decode_error(source, number + 1, exc, encoding) from None
        if not line:
            return
        number += 1
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, _BadLine(f"not valid JSON: {exc.msg}")
        except RecursionError:
            yield number, _BadLine("JSON nested too deeply")


def _raw(source: str, row: int, item: Any) -> RawRow:
    if isinstance(item, _BadLine):
        return RawRow(source, row, {}, item.reason)
    if not isinstance(item, Mapping):
        return RawRow(source, row, {}, "item is not an object")
    return RawRow(source, row, flatten(item))


def flatten(item: Mapping[str, Any], prefix: str = "") -> dict[str, Cell]:
    """Nested objects become dotted keys; scalars become text that keeps every digit."""
    cells: dict[str, Cell] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            cells |= flatten(value, f"{name}.")
        elif isinstance(value, list):
            cells[name] = [as_text(v) for v in value if v is not None]
        else:
            cells[name] = as_text(value)
    return cells


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
