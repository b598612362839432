"""Readers: a contact file → a Table of RawRows, streamed, each with its source and row.

`open_table(path, options)` picks the reader by `options.fmt` or the file's extension. Every
problem with the file as a whole becomes an InputError (exit 2) with one clear line; a
problem with one record becomes that RawRow's `problem`, so only that row fails.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from contactctl.errors import InputError
from contactctl.model import InputFormat, RawRow

EXTENSIONS = {
    ".csv": InputFormat.CSV,
    ".txt": InputFormat.CSV,
    ".tsv": InputFormat.TSV,
    ".tab": InputFormat.TSV,
    ".json": InputFormat.JSON,
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".xlsx": InputFormat.XLSX,
    ".vcf": InputFormat.VCF,
    ".vcard": InputFormat.VCF,
}
STDIN = "<stdin>"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    fmt: InputFormat | None = None
    sheet: str | None = None
    delimiter: str | None = None
    encoding: str | None = None


@dataclass
class Table:
    source: str
    headers: list[str]
    rows: Iterator[RawRow]


def detect_format(path: str) -> InputFormat:
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from the extension.",
            "Pass --input-format csv|tsv|json|jsonl|xlsx|vcf.",
        )
    return fmt


@contextmanager
def open_table(path: str, options: ReadOptions, stdin: BinaryIO | None = None) -> Iterator[Table]:
    if path == "-":
        if options.fmt is None:
            raise InputError(
                "Reading from standard input needs --input-format csv|tsv|json|jsonl|xlsx|vcf."
            )
        stream: BinaryIO = io.BytesIO((stdin or sys.stdin.buffer).read())
        with _reader(stream, STDIN, options.fmt, options) as table:
            yield table
        return
    fmt = options.fmt or detect_format(path)
    file_path = Path(path)
    if file_path.is_dir():
        raise InputError(f"{path} is a folder, not a contact file.")
    try:
        handle = file_path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror}).") from None
    with handle, _reader(handle, path, fmt, options) as table:
        yield table


@contextmanager
def _reader(
    stream: BinaryIO, source: str, fmt: InputFormat, options: ReadOptions
) -> Iterator[Table]:
    from contactctl.readers import delimited, jsonfiles, vcard, xlsx

    if fmt in (InputFormat.CSV, InputFormat.TSV):
        delimiter = (
            "\t" if fmt is InputFormat.TSV and options.delimiter is None else options.delimiter
        )
        yield delimited.read(stream, source, delimiter, options.encoding)
    elif fmt is InputFormat.JSON:
        yield jsonfiles.read_json(stream, source, options.encoding)
    elif fmt is InputFormat.JSONL:
        yield jsonfiles.read_jsonl(stream, source, options.encoding)
    elif fmt is InputFormat.XLSX:
        yield xlsx.read(stream, source, options.sheet)
    else:
        yield vcard.read(stream, source, options.encoding)
