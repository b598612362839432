"""The generator's output files, written row by row (nothing is held back in memory)."""

from __future__ import annotations

import csv
import json
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO, Any

# In a real workbook these cells are numbers (that is how the damage happened), not text.
NUMERIC_KINDS = {"float", "sci", "precision_lost"}
TRUTH_HEADERS = ("row", "kind", "e164", "duplicate_of")


class Writers:
    """contacts.csv / .jsonl / .xlsx (those asked for) and truth.csv, side by side."""

    def __init__(self, out: Path, formats: list[str], headers: tuple[str, ...]) -> None:
        self._out = out
        self._formats = formats
        self._headers = headers
        self._stack = ExitStack()
        self._csv: Any = None
        self._jsonl: IO[str] | None = None
        self._sheet: Any = None
        self._workbook: Any = None
        self._row = 1

    def __enter__(self) -> Writers:
        self._truth = csv.writer(self._open("truth.csv"))
        self._truth.writerow(TRUTH_HEADERS)
        if "csv" in self._formats:
            self._csv = csv.writer(self._open("contacts.csv"))
            self._csv.writerow(self._headers)
        if "jsonl" in self._formats:
            self._jsonl = self._open("contacts.jsonl")
        if "xlsx" in self._formats:
            self._start_workbook()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._workbook is not None and exc is None:
                self._workbook.save(self._out / "contacts.xlsx")
        finally:
            self._stack.close()

    def write(self, cells: tuple[str, ...], kind: str, e164: str, duplicate_of: int | None) -> None:
        self._row += 1
        self._truth.writerow((self._row, kind, e164, duplicate_of or ""))
        if self._csv is not None:
            self._csv.writerow(cells)
        if self._jsonl is not None:
            record = dict(zip(self._headers, cells, strict=True))
            self._jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
        if self._sheet is not None:
            self._sheet.append(_sheet_cells(cells, kind, self._headers.index("Phone")))

    def _open(self, name: str) -> IO[str]:
        return self._stack.enter_context((self._out / name).open("w", encoding="utf-8", newline=""))

    def _start_workbook(self) -> None:
        # openpyxl is a test extra of contactctl; the benchmark needs it anyway (figure 3).
        from openpyxl import Workbook  # type: ignore[import-untyped]

        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet("Contacts")
        self._sheet.append(list(self._headers))


def _sheet_cells(cells: tuple[str, ...], kind: str, phone_index: int) -> list[str | float]:
    row: list[str | float] = list(cells)
    if kind in NUMERIC_KINDS:
        row[phone_index] = float(cells[phone_index])
    return row
