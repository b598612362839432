"""JSON: an array of contact objects, or an object with such an array under one key.

The array is streamed item by item (see json_stream), so its size is not limited by memory.
A row is the item's 1-based position in the array. In a wrapping object the array is the one
under "contacts", or else the first key whose array starts with an object; other keys are
skipped. Headers are the union of every object's keys (`with_every_key`: two streamed passes);
an item that is not an object fails on its own row.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from contactctl.errors import InputError
from contactctl.model import RawRow
from contactctl.readers.base import ReadOptions, Table
from contactctl.readers.decoding import TextInput, open_text, undecodable
from contactctl.readers.json_stream import JsonScanner, JsonSyntaxError
from contactctl.readers.json_values import record_cells, with_every_key
from contactctl.readers.source import ByteInput

_SHAPE_HINT = 'Give an array of objects, or an object with a "contacts" array of objects.'
_END = object()


def open_json(data: ByteInput, options: ReadOptions) -> Table:
    headers, rows = with_every_key(data, lambda d: _read(d, options))
    return Table(data.source, headers, rows)


def _read(data: ByteInput, options: ReadOptions) -> Iterator[RawRow]:
    text = open_text(data, options.encoding)
    try:
        items = _contact_items(JsonScanner(text.text, options.max_record_chars), data.source)
    except (JsonSyntaxError, UnicodeDecodeError) as exc:
        raise _read_error(text, exc) from exc
    return _rows(items, text)


def _contact_items(scanner: JsonScanner, source: str) -> Iterator[Any]:
    first = scanner.peek()
    if first == "[":
        scanner.take("[")
        return _whole_array(scanner)
    if first == "{":
        return _wrapped_array(scanner, source)
    found = f"it starts with {first!r}" if first else "it holds only white space"
    raise InputError(f"{source} is not a JSON array of contacts: {found}.", _SHAPE_HINT)


def _whole_array(scanner: JsonScanner) -> Iterator[Any]:
    yield from _array_items(scanner)
    if scanner.peek():
        raise JsonSyntaxError("extra data after the array", scanner.line)


def _array_items(scanner: JsonScanner) -> Iterator[Any]:
    """The items of an array whose "[" was just taken, up to and including its "]"."""
    if scanner.peek() == "]":
        scanner.take("]")
        return
    while True:
        yield scanner.value()
        if scanner.peek() != ",":
            scanner.take("]")
            return
        scanner.take(",")


def _wrapped_array(scanner: JsonScanner, source: str) -> Iterator[Any]:
    scanner.take("{")
    while scanner.peek() != "}":
        key = scanner.value()
        if not isinstance(key, str):
            raise JsonSyntaxError("expected a key in double quotes", scanner.line)
        scanner.take(":")
        if scanner.peek() == "[":
            scanner.take("[")
            items = _array_items(scanner)
            first = next(items, _END)
            if key.casefold() == "contacts" or isinstance(first, dict):
                return chain([] if first is _END else [first], items)
            for _ in items:  # an array of something else (tags, ids): skip it
                pass
        else:
            scanner.value()
        if scanner.peek() != ",":
            break
        scanner.take(",")
    raise InputError(f"{source} has no array of contact objects.", _SHAPE_HINT)


def _rows(items: Iterator[Any], text: TextInput) -> Iterator[RawRow]:
    source = text.source
    try:
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                yield RawRow(source, number, record_cells(item))
            else:
                yield RawRow(source, number, {}, "item is not an object")
    except (JsonSyntaxError, UnicodeDecodeError) as exc:
        raise _read_error(text, exc) from exc


def _read_error(text: TextInput, exc: JsonSyntaxError | UnicodeDecodeError) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return undecodable(text.source, text.encoding, exc, line=None)
    return InputError(
        f"{text.source} line {exc.line}: not valid JSON ({exc.reason}).",
        "Fix the file there, or export it again.",
    )
