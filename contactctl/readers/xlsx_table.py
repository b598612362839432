"""Excel .xlsx through python-calamine, reading raw cell values, never their display form.

A phone stored as a number keeps every digit: an integral number cell becomes its integer
text (33612345678.0 → "33612345678"), not Excel's "3.36E+10"; one whose digits Excel already
lost (33612300000, from a typed "3.36123E+10") is shown as Excel shows it, and fails. The
first non-empty row of the sheet is the header; rows are numbered as Excel numbers them.
calamine holds one sheet in memory, so a workbook is checked before it is opened: it must be
a zip archive that does not unpack to more than `MAX_UNPACKED_BYTES` (a zip bomb is refused,
not opened).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from contactctl.errors import InputError
from contactctl.model import RawRow
from contactctl.readers.base import ReadOptions, Table
from contactctl.readers.columns import header_row
from contactctl.readers.decoding import oversize_problem
from contactctl.readers.source import ByteInput

MAX_STDIN_BYTES = 512 << 20
MAX_UNPACKED_BYTES = 2 << 30
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .xlsm, .xlsb, .ods
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


def open_xlsx(data: ByteInput, options: ReadOptions) -> Table:
    stream = _workbook_stream(data)
    name, rows = _sheet_rows(stream, data.source, options.sheet)
    number, cells = _header_cells(rows, data.source)
    if not cells:
        raise InputError(f"{data.source}: sheet {name!r} is empty.", "Pick another with --sheet.")
    header = header_row(cells)
    records = _records(rows, data.source, header.names, number, options.max_record_chars)
    return Table(data.source, header.names, records, header.notes)


def _header_cells(rows: Iterator[list[Any]], source: str) -> tuple[int, list[str]]:
    """The first non-empty row's number and cells; (0, []) for an empty sheet."""
    try:
        for number, values in enumerate(rows, start=1):
            cells = [cell_text(value) for value in values]
            if any(cells):
                return number, cells
    except Exception as exc:  # a broken part found while reading
        raise _unreadable(source, _first_line(exc)) from exc
    return 0, []


def cell_text(value: Any) -> str:
    """A raw cell value as text that loses nothing a phone number needs."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _integer_text(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return _integer_text(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return "" if value is None else str(value)


def _integer_text(number: int) -> str:
    """An integral number cell's digits; one of 10+ digits with at most 6 significant ones
    then only zeros is what Excel keeps of a typed "3.36123E+10": its lost digits are shown
    as Excel shows them, so the phone fails with "precision lost in a spreadsheet" exactly as
    the same text in a CSV does (SPEC 5.1), rather than being sent as a stranger's number."""
    digits = str(abs(number))
    significant = digits.rstrip("0")
    if len(digits) < 10 or len(significant) > 6:
        return str(number)
    sign = "-" if number < 0 else ""
    mantissa = f"{significant[0]}.{significant[1:]}" if len(significant) > 1 else significant
    return f"{sign}{mantissa}E+{len(digits) - 1:02d}"


def _workbook_stream(data: ByteInput) -> BinaryIO:
    import io

    is_old_xls = data.head.startswith(_OLE2_MAGIC)
    if not data.head.startswith(_ZIP_MAGIC) and not is_old_xls:
        raise InputError(
            f"{data.source} is not a readable Excel workbook: "
            "it is not a spreadsheet at all (neither .xlsx/.ods nor .xls).",
            "If it is CSV or another text format, pass the right --input-format.",
        )
    stream = data.rewound() or io.BytesIO(data.read_all(MAX_STDIN_BYTES, "a workbook"))
    if is_old_xls:
        return stream  # no zip inside to weigh
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # zipfile raises assorted types for a corrupt archive
        raise _unreadable(data.source, str(exc) or type(exc).__name__) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise _unreadable(data.source, f"it unpacks to {unpacked >> 20} MB, refused as unsafe")
    stream.seek(0)
    return stream


def _sheet_rows(
    stream: BinaryIO, source: str, sheet: str | None
) -> tuple[str, Iterator[list[Any]]]:
    """The chosen sheet's name and its rows, from row 1 (calamine includes leading blanks)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(stream)
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise InputError(
                f"{source} has no sheet {sheet!r}.", f"Its sheets: {', '.join(names)}."
            )
        if not names:
            raise InputError(f"{source} has no sheets.")
        name = sheet if sheet is not None else names[0]
        return name, iter(book.get_sheet_by_name(name).iter_rows())
    except InputError:
        raise
    except Exception as exc:  # calamine raises assorted types for broken workbooks
        raise _unreadable(source, _first_line(exc)) from exc


def _records(
    rows: Iterator[list[Any]], source: str, headers: list[str], number: int, limit: int
) -> Iterator[RawRow]:
    # The workbook is already in calamine's memory; the limit keeps a row's size the same
    # rule as in the text formats (Excel itself stops a cell at 32,767 characters).
    width = len(headers)
    try:
        for values in rows:
            number += 1
            # Most cells are text already: only the others pay for a call (a third of the
            # time a row took went into calling cell_text on every cell).
            cells = [value if type(value) is str else cell_text(value) for value in values]
            if sum(map(len, cells)) > limit:
                yield RawRow(source, number, {}, oversize_problem(limit))
                continue
            if len(cells) != width:
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    problem = f"row has {len(cells)} cells but the header has {width}"
                    cut = dict(zip(headers, cells, strict=False))
                    yield RawRow(source, number, cut, problem)
                    continue
                cells = (cells + [""] * width)[:width]
            if any(cells):
                yield RawRow(source, number, dict(zip(headers, cells, strict=True)))
    except Exception as exc:  # a broken part found while reading on
        raise _unreadable(source, _first_line(exc)) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


def _unreadable(source: str, detail: str) -> InputError:
    return InputError(
        f"{source} is not a readable Excel workbook: {detail}.",
        "Open and save it again in a spreadsheet, or export it as CSV.",
    )
