"""The first rows of a file, looked at before anything is sent: columns that hold phones.

A column whose values parse as phone numbers is never silently ignored (SPEC 5.1): when
nothing maps to the phone but such a column exists, the run stops before sending and says
which mapping line would use it. `contactctl mapping` shows the same first values.
"""

from __future__ import annotations

from itertools import chain, islice

from contactctl.errors import InputError
from contactctl.intake.countries import region_for
from contactctl.intake.mapping import ColumnMap, MappingSpec
from contactctl.intake.phones import PhoneProblem, normalize_phone
from contactctl.model import Cell, RawRow
from contactctl.readers import Table

SAMPLE_ROWS = 50


def peek(table: Table, count: int = SAMPLE_ROWS) -> list[RawRow]:
    """The first `count` rows; the table still yields every row, these included."""
    first = list(islice(table.rows, count))
    table.rows = chain(first, table.rows)
    return first


def first_values(header: str, rows: list[RawRow], most: int = 3) -> list[str]:
    """A column's first non-blank values, as text."""
    values = (_text(row.cells.get(header)) for row in rows if row.problem is None)
    return list(islice((value for value in values if value), most))


def phone_columns_left_out(
    columns: ColumnMap, rows: list[RawRow], default_region: str | None
) -> list[str]:
    """Unmapped columns where most non-blank values of `rows` are valid phone numbers."""
    found: list[str] = []
    for header in columns.unmapped:
        tried = valid = 0
        for row in rows:
            text = _text(row.cells.get(header)) if row.problem is None else ""
            if not text:
                continue
            tried += 1
            valid += _is_phone(text, _row_region(columns, row) or default_region)
        if tried and valid * 2 > tried:
            found.append(header)
    return found


def map_columns(table: Table, spec: MappingSpec | None, default_region: str | None) -> ColumnMap:
    """The file's column map; InputError (exit 2) when nothing maps to the phone but a
    column holds phones, or when no column gives a phone or an e-mail."""
    columns = ColumnMap.build(table.source, table.headers, spec, require_key=False)
    if not columns.field_columns.get("phone"):  # the first rows are looked at only then
        stop_if_phones_left_out(table.source, columns, peek(table), default_region)
    columns.check_key(table.source, table.headers)
    return columns


def stop_if_phones_left_out(
    source: str, columns: ColumnMap, rows: list[RawRow], default_region: str | None
) -> None:
    """InputError (exit 2) when nothing maps to the phone but a column holds phones."""
    if columns.field_columns.get("phone"):
        return
    left_out = phone_columns_left_out(columns, rows, default_region)
    if left_out:
        header = left_out[0]
        raise InputError(
            f"{source}: column {header!r} holds phone numbers, but nothing maps to the phone.",
            f"Add `phone: {header}` to the mapping (--mapping or the config's mapping:), "
            f"or `ignore: [{header}]` to leave it out.",
        )


def _row_region(columns: ColumnMap, row: RawRow) -> str | None:
    country = columns.apply(row).fields.get("country")
    return region_for(_text(country)) if country is not None else None


def _is_phone(text: str, region: str | None) -> bool:
    try:
        normalize_phone(text, region)
    except PhoneProblem:
        return False
    return True


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    text = cell if isinstance(cell, str) else next((v for v in cell if v.strip()), "")
    return text.strip()
