"""CSV and TSV: detected encoding, sniffed delimiter, rows numbered as a spreadsheet shows them.

A record is one spreadsheet row: the header is row 1 (or lower, after leading blank lines), a
quoted cell spanning several lines is still one row, and a blank line or an all-empty row is a
row that yields nothing. Rows shorter than the header are padded with blank cells (exports
drop trailing empties); a row with more non-empty cells than the header fails on its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice

from contactctl.errors import InputError
from contactctl.model import RawRow
from contactctl.readers.base import ReadOptions, Table
from contactctl.readers.columns import header_row
from contactctl.readers.decoding import (
    BoundedLines,
    TextInput,
    failed_line,
    open_text,
    oversize_header,
    oversize_problem,
    undecodable,
)
from contactctl.readers.source import ByteInput

DELIMITERS = (",", ";", "\t", "|")
SNIFF_RECORDS = 50


def open_delimited(data: ByteInput, options: ReadOptions, *, tab: bool) -> Table:
    """A CSV (delimiter sniffed unless given) or TSV (`tab`: tab unless given) file."""
    text = open_text(data, options.encoding)
    delimiter = options.delimiter or ("\t" if tab else sniff_delimiter(text.sample))
    lines = BoundedLines(text.text, options.max_record_chars)
    # A cell spread over many short lines is bounded here (the lines bound the rest).
    csv.field_size_limit(options.max_record_chars)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header_number, cells = _header(reader, data.source)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _read_error(text, reader, exc) from exc
    if lines.oversized:
        raise oversize_header(data.source, header_number, options.max_record_chars)
    header = header_row(cells)
    rows = _rows(reader, text, lines, header.names, header_number)
    return Table(data.source, header.names, rows, header.notes)


def sniff_delimiter(sample: str) -> str:
    """The candidate that splits the first records into the same number (> 1) of cells.

    Ties go to the earlier candidate, so a one-column file is read as comma-separated.
    """

    def score(delimiter: str) -> tuple[int, int]:
        records = csv.reader(io.StringIO(sample), delimiter=delimiter)
        widths = [len(r) for r in islice(records, SNIFF_RECORDS) if any(r)]
        if not widths or widths[0] < 2:
            return (0, 0)
        return (widths.count(widths[0]), widths[0])

    try:
        return max(DELIMITERS, key=score)
    except csv.Error:  # a sample too odd to split: let the real read report it
        return DELIMITERS[0]


def _header(reader: Iterator[list[str]], source: str) -> tuple[int, list[str]]:
    """The first non-blank record and its row number (blank lines before it count)."""
    for number, cells in enumerate(reader, start=1):
        if any(cell.strip() for cell in cells):
            return number, cells
    raise InputError(f"{source} is empty (no header row).", "Give a file with a header row.")


def _rows(
    reader: Iterator[list[str]],
    text: TextInput,
    lines: BoundedLines,
    headers: list[str],
    number: int,
) -> Iterator[RawRow]:
    # The hot loop: one length check and one dict per row; anything unusual goes aside.
    source = text.source
    width = len(headers)
    try:
        for values in reader:
            number += 1
            if lines.oversized:
                lines.oversized = 0
                yield RawRow(source, number, {}, oversize_problem(lines.limit))
                continue
            if lines.ended and _quote_left_open(values, lines.last_line):
                raise _unclosed_quote(source, number)
            if len(values) == width:
                if any(values):
                    # strict=False: the lengths were just compared, and strict costs 20%.
                    yield RawRow(source, number, dict(zip(headers, values, strict=False)))
            elif values:
                uneven = _uneven_row(source, number, headers, values)
                if uneven is not None:
                    yield uneven
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _read_error(text, reader, exc) from exc


def _quote_left_open(values: list[str], last_line: str) -> bool:
    """Whether the record the text ended in is a quoted cell that swallowed the file's end.

    Left lenient, csv hands back a quote never closed as one cell holding every line after it;
    a quote closed on the last line leaves that line's closing quote out of the cell.
    """
    cell = values[-1] if values else ""
    return bool(last_line) and ("\n" in cell or "\r" in cell) and cell.endswith(last_line)


def _unclosed_quote(source: str, number: int) -> InputError:
    return InputError(
        f"{source} row {number}: a quote opened in this row is never closed, so every line"
        " after it would be one cell.",
        'Close the quote (or double it, "", inside a quoted cell).',
    )


def _uneven_row(source: str, number: int, headers: list[str], values: list[str]) -> RawRow | None:
    width = len(headers)
    if len(values) < width:
        values = values + [""] * (width - len(values))
    elif any(cell.strip() for cell in values[width:]):
        problem = f"row has {len(values)} cells but the header has {width}"
        return RawRow(source, number, dict(zip(headers, values[:width], strict=True)), problem)
    if not any(values):
        return None
    return RawRow(source, number, dict(zip(headers, values[:width], strict=True)))


def _read_error(text: TextInput, reader: object, exc: Exception) -> InputError:
    line_num = getattr(reader, "line_num", 0)
    if isinstance(exc, UnicodeDecodeError):
        return undecodable(text.source, text.encoding, exc, failed_line(line_num, exc))
    if "field larger than field limit" in str(exc):
        return InputError(
            f"{text.source} line {line_num}: a cell longer than {csv.field_size_limit():,}"
            " characters, or a quote opened and never closed.",
            "Close the quote; if the cell is real, raise max_record_chars in the config.",
        )
    return InputError(
        f"{text.source} line {line_num}: cannot split the line into cells ({exc}).",
        "Check for a quote that is opened and never closed on that line or before it.",
    )
