"""Readers: a contact file → a Table of RawRows, streamed, each with its source and row number.

`open_table(path, options)` picks the reader by `options.fmt` or the file's extension. A
problem with the file as a whole is an InputError (exit 2) with one line that says what to do;
a problem with one record is that RawRow's `problem`, so only that row fails. Third-party
errors (decoding, csv, json, zip, calamine, vobject) are translated here, also while the rows
are being read, never let through.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO

from contactctl.errors import InputError
from contactctl.model import InputFormat
from contactctl.readers.base import ReadOptions, Table
from contactctl.readers.compressed import compression_of, decompressed
from contactctl.readers.csv_table import open_delimited
from contactctl.readers.json_table import open_json
from contactctl.readers.jsonl_table import open_jsonl
from contactctl.readers.source import STDIN_PATH, ByteInput, open_bytes
from contactctl.readers.vcard_table import open_vcard
from contactctl.readers.xlsx_table import open_xlsx

__all__ = ["EXTENSIONS", "ReadOptions", "Table", "detect_format", "open_table"]

EXTENSIONS: dict[str, InputFormat] = {
    ".csv": InputFormat.CSV,
    ".txt": InputFormat.CSV,  # delimiter sniffed, so tab-separated .txt exports work too
    ".tsv": InputFormat.TSV,
    ".tab": InputFormat.TSV,
    ".json": InputFormat.JSON,
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    # Every workbook python-calamine reads goes through the one spreadsheet reader.
    ".xlsx": InputFormat.XLSX,
    ".xlsm": InputFormat.XLSX,
    ".xlsb": InputFormat.XLSX,
    ".xls": InputFormat.XLSX,
    ".ods": InputFormat.XLSX,
    ".vcf": InputFormat.VCF,
    ".vcard": InputFormat.VCF,
}
_FORMATS = "csv|tsv|json|jsonl|xlsx|vcf"

Reader = Callable[[ByteInput, ReadOptions], Table]
_READERS: dict[InputFormat, Reader] = {
    InputFormat.CSV: partial(open_delimited, tab=False),
    InputFormat.TSV: partial(open_delimited, tab=True),
    InputFormat.JSON: open_json,
    InputFormat.JSONL: open_jsonl,
    InputFormat.XLSX: open_xlsx,
    InputFormat.VCF: open_vcard,
}


def detect_format(path: str, inner: str | None = None) -> InputFormat:
    """The format a file's extension names (`inner`: the name of the file in an archive)."""
    name = inner if inner is not None else path
    suffix = Path(name).suffix.lower()
    fmt = EXTENSIONS.get(suffix)
    if fmt is not None:
        return fmt
    shown = f"{path} (the file inside: {name})" if inner is not None else path
    if suffix == ".numbers":
        raise InputError(
            f"{shown}: Numbers workbooks are not read.", "Export it as .xlsx or CSV and try again."
        )
    raise InputError(
        f"{shown}: cannot tell the format from the file name.", f"Pass --input-format {_FORMATS}."
    )


@contextmanager
def open_table(path: str, options: ReadOptions, stdin: BinaryIO | None = None) -> Iterator[Table]:
    """Open `path` ("-": standard input) and yield its Table; the file closes on exit.

    Headers are read now, so a wrong file fails before anything is sent; rows are read as
    the caller iterates `table.rows`.
    """
    if path == STDIN_PATH and options.fmt is None:
        raise InputError(f"Reading from standard input needs --input-format {_FORMATS}.")
    with ExitStack() as stack:
        raw = data = open_bytes(path, stack, stdin)
        inner = None
        kind = compression_of(path, raw.head)
        if kind is not None:
            data, inner = decompressed(raw, kind, stack)
        fmt = options.fmt or detect_format(path, inner)
        table = _READERS[fmt](data, options)
        if fmt is not InputFormat.XLSX:  # a workbook is a zip read out of order: no meter
            # The file's own bytes: for an archive, how much of it was unpacked so far.
            table.size, table.bytes_read = _byte_meter(raw)
        yield table


def _byte_meter(data: ByteInput) -> tuple[int | None, Callable[[], int] | None]:
    """The input's size and how far it has been read; (None, None) but for a regular file."""
    try:
        status = os.fstat(data.rest.fileno())
    except (AttributeError, OSError, ValueError):  # io.BytesIO has no file descriptor
        return None, None
    if not stat.S_ISREG(status.st_mode):
        return None, None
    size = status.st_size

    def bytes_read() -> int:
        try:
            return min(data.rest.tell(), size)
        except (OSError, ValueError):  # closed: it was read to its end or abandoned
            return size

    return size, bytes_read
