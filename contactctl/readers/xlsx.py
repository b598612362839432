"""Excel .xlsx through python-calamine, reading raw cell values.

A phone stored as a number keeps all its digits: an integral float cell becomes its integer
text (33612345678.0 → "33612345678"), never Excel's display form (3.36E+10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from contactctl.errors import InputError
from contactctl.model import RawRow
from contactctl.readers.headers import unique_headers

if TYPE_CHECKING:
    from contactctl.readers import Table

MAX_XLSX_BYTES = 256 * 1024 * 1024


def read(stream: BinaryIO, source: str, sheet: str | None) -> Table:
    from contactctl.readers import Table

    rows = _sheet_rows(stream, source, sheet)
    try:
        header = next(rows, None)
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise _unreadable(source, exc) from None
    if header is None:
        raise InputError(f"{source}: the sheet is empty.")
    headers = unique_headers([cell_text(v) for v in header])
    return Table(source, headers, _records(rows, source, headers))


def _sheet_rows(stream: BinaryIO, source: str, sheet: str | None) -> Iterator[list[Any]]:
    import zipfile

    from python_calamine import CalamineWorkbook

    head = stream.read(4)
    stream.seek(0)
    if head != b"PK\x03\x04":
        raise InputError(f"{source} is not an Excel .xlsx workbook (it is not a zip file).")
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _unreadable(source, exc) from None
    if unpacked > MAX_XLSX_BYTES * 4:
        raise InputError(f"{source}: the workbook unpacks to {unpacked >> 20} MB; refusing it.")
    stream.seek(0)
    try:
        book = CalamineWorkbook.from_filelike(stream)
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise InputError(f"{source} has no sheet {sheet!r}.", f"Sheets: {', '.join(names)}.")
        chosen = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
        return iter(chosen.iter_rows())
    except InputError:
        raise
    except Exception as exc:  # calamine's errors are not one documented type
        raise _unreadable(source, exc) from None


def _records(rows: Iterator[list[Any]], source: str, headers: list[str]) -> Iterator[RawRow]:
    width = len(headers)
    number = 1
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a broken part deep in the workbook
            raise _unreadable(source, exc) from None
        number += 1
        cells = [cell_text(v) for v in values]
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            problem = f"row has {len(cells)} cells but the header has {width}"
            yield RawRow(source, number, dict(zip(headers, cells, strict=False)), problem)
            continue
        cells += [""] * (width - len(cells))
        yield RawRow(source, number, dict(zip(headers, cells, strict=False)))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip() if isinstance(value, str) else str(value)


def _unreadable(source: str, exc: Exception) -> InputError:
    detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return InputError(f"{source} is not a readable Excel workbook: {detail}.")
