"""How rows and results cross to worker processes and back (parallel.py): plain tuples.

Pickling the dataclasses themselves costs several times more: each is rebuilt field by
field, enums through their class, and a result would carry its raw row back although the
main process still holds it. A result travels as its fields without `raw`, enums as their
text, and gets the main process's own RawRow back on arrival.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from contactctl.model import Cell, Contact, PhoneType, RawRow, RowResult, Status

WireRow = tuple[str, int, Mapping[str, Cell], str | None]
# ("c", Contact fields but raw) or ("r", RowResult fields but raw); enums as their text.
WireResult = tuple[Any, ...]

_CONTACT = "c"
_RESULT = "r"
_contact_fields = attrgetter(
    "source", "row", "phone", "phone_type", "email", "first_name", "last_name", "name",
    "external_id", "tags", "lists", "attributes", "opt_in", "country", "notes",
)  # fmt: skip
_result_fields = attrgetter("source", "row", "status", "reason", "name", "phone", "email", "id")
_PHONE_TYPES: dict[str | None, PhoneType | None] = {None: None, **{t.value: t for t in PhoneType}}
_STATUSES = {status.value: status for status in Status}
_PHONE_TYPE_AT = 3  # index of phone_type among the Contact fields
_STATUS_AT = 2  # index of status among the RowResult fields


def row_to_wire(raw: RawRow) -> WireRow:
    return raw.source, raw.row, raw.cells, raw.problem


def row_from_wire(wire: WireRow) -> RawRow:
    return RawRow(*wire)


def result_to_wire(item: Contact | RowResult) -> WireResult:
    if isinstance(item, Contact):
        fields = list(_contact_fields(item))
        kind = fields[_PHONE_TYPE_AT]
        fields[_PHONE_TYPE_AT] = kind.value if kind is not None else None
        return (_CONTACT, *fields)
    fields = list(_result_fields(item))
    fields[_STATUS_AT] = item.status.value
    return (_RESULT, *fields)


def result_from_wire(wire: WireResult, raw: RawRow) -> Contact | RowResult:
    """The worker's result again, with this process's `raw` row attached."""
    fields: list[Any] = list(wire[1:])
    if wire[0] == _CONTACT:
        fields[_PHONE_TYPE_AT] = _PHONE_TYPES[fields[_PHONE_TYPE_AT]]
        fields.append(raw)  # raw is the last field
        return Contact(*fields)
    fields[_STATUS_AT] = _STATUSES[fields[_STATUS_AT]]
    fields.append(raw)
    return RowResult(*fields)
