"""Helpers for the reader tests: read a real file through open_table, or get its InputError."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from contactctl.errors import InputError
from contactctl.model import InputFormat, RawRow
from contactctl.readers import ReadOptions, Table, open_table


def read(
    path: Path | str, stdin: bytes | None = None, **options: Any
) -> tuple[Table, list[RawRow]]:
    """The table and every row, read through the public API."""
    stream = io.BytesIO(stdin) if stdin is not None else None
    with open_table(str(path), ReadOptions(**options), stdin=stream) as table:
        return table, list(table.rows)


def cells(path: Path | str, **options: Any) -> list[dict[str, Any]]:
    return [dict(row.cells) for row in read(path, **options)[1]]


def numbers(path: Path | str, **options: Any) -> list[int]:
    return [row.row for row in read(path, **options)[1]]


def input_error(path: Path | str, stdin: bytes | None = None, **options: Any) -> str:
    """The one-line message of the InputError reading `path` raises (at open or while reading)."""
    with pytest.raises(InputError) as caught:
        read(path, stdin=stdin, **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """A real workbook made with openpyxl: sheet name → rows of raw values (None: empty)."""
    import openpyxl

    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


__all__ = ["InputFormat", "cells", "input_error", "numbers", "read", "write", "write_xlsx"]
