"""CSV and TSV: sniffed delimiter, detected encoding, spreadsheet row numbers.

A record is a spreadsheet row: the header is row 1, a quoted cell spanning several lines is
still one row, and a blank line is a row that yields nothing (a spreadsheet shows it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from contactctl.errors import InputError
from contactctl.model import RawRow
from contactctl.readers.headers import unique_headers
from contactctl.readers.text import decode_error, open_text

if TYPE_CHECKING:
    from contactctl.readers import Table

CANDIDATES = (",", ";", "\t", "|")
csv.field_size_limit(1 << 24)  # a 16 MB cell is absurd, but must not crash the reader


def read(stream: BinaryIO, source: str, delimiter: str | None, encoding: str | None) -> Table:
    from contactctl.readers import Table

    text, chosen = open_text(stream, source, encoding)
    sep = delimiter or sniff(_first_line(text))
    reader = csv.reader(text, delimiter=sep)
    try:
        header_cells = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _error(text, source, reader.line_num, exc, chosen) from None
    if header_cells is None:
        raise InputError(f"{source} is empty.")
    headers = unique_headers(header_cells)
    return Table(source, headers, _rows(text, reader, source, headers, chosen))


def _first_line(text: io.TextIOWrapper) -> str:
    """The header line, decoded from a peek at the buffer (nothing is consumed)."""
    buffer = text.buffer
    raw = buffer.peek(8192)[:8192] if isinstance(buffer, io.BufferedReader) else b""
    decoded = raw.decode(text.encoding, errors="ignore").lstrip("\ufeff")
    return decoded.splitlines()[0] if decoded else ""


def sniff(line: str) -> str:
    """The candidate that splits the header line most; a comma when none does."""
    counts = {sep: line.count(sep) for sep in CANDIDATES}
    best = max(CANDIDATES, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _rows(
    text: io.TextIOWrapper,
    reader: Any,
    source: str,
    headers: list[str],
    encoding: str,
) -> Iterator[RawRow]:
    width = len(headers)
    row = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _error(text, source, reader.line_num, exc, encoding) from None
        row += 1
        if not any(values):
            continue  # a blank or all-empty row: it is a row, but has nothing to report
        if len(values) > width and any(values[width:]):
            problem = f"row has {len(values)} cells but the header has {width}"
            yield RawRow(source, row, dict(zip(headers, values, strict=False)), problem)
            continue
        if len(values) < width:
            values += [""] * (width - len(values))
        yield RawRow(source, row, dict(zip(headers, values, strict=False)))


def _error(
    text: io.TextIOWrapper, source: str, line: int, exc: Exception, encoding: str
) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return decode_error(source, _bad_line(text, encoding) or line, exc, encoding)
    if "NUL" in str(exc) or "\x00" in str(exc):
        return InputError(f"{source} line {line}: NUL byte; this is not a text contact file.")
    return InputError(f"{source} line {line}: {exc}.")


def _bad_line(text: io.TextIOWrapper, encoding: str) -> int | None:
    """The first line that does not decode, found by re-reading the file from the start.

    The decoder reads ahead in chunks, so the csv reader's line count at the error is only
    approximate; a person needs the exact line to fix the file.
    """
    buffer: Any = text.buffer
    try:
        buffer.seek(0)
    except (OSError, ValueError):
        return None
    for number, line in enumerate(buffer, start=1):
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            return number
        except LookupError:
            return None
    return None
