"""The rejects file: failed rows in their original columns plus `error`, ready to fix and re-import.

Failed rows wait in a temporary file, not in memory: a wrong mapping can fail every row of a
large file. Only the column names are kept in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import TextIO

from contactctl.model import Cell, RowResult, Status
from contactctl.report.ordering import SourceOrder, in_order
from contactctl.report.safety import spreadsheet_safe
from contactctl.report.spool import JsonLinesSpool

ERROR_COLUMN = "error"
# Added after `error` only when failed rows come from more than one file.
ORIGIN_COLUMN = "rejected_from"


class RejectsCollector:
    """Collects failed rows as they arrive; `write` produces the CSV at the end."""

    def __init__(self, order: SourceOrder | None = None) -> None:
        self._order = order or SourceOrder()
        # Column names in order of first appearance, across every source (a dict keeps order).
        self._headers: dict[str, None] = {}
        self._sources_seen: set[str] = set()
        self._failed_sources: set[str] = set()
        self._spool = JsonLinesSpool()
        self.count = 0

    def add(self, result: RowResult) -> None:
        raw = result.raw
        if raw is not None and result.source not in self._sources_seen:
            # A file's first row gives its columns even when none of its rows fails, so the
            # header-only file of a clean run still matches the input.
            self._sources_seen.add(result.source)
            self._headers.update(dict.fromkeys(raw.cells))
        if result.status is not Status.FAILED:
            return
        cells = {} if raw is None else _flat_cells(raw.cells)
        self._headers.update(dict.fromkeys(cells))
        self._failed_sources.add(result.source)
        self._spool.append([cells, result.reason or "failed", result.source, result.row])
        self.count += 1

    def write(self, out: TextIO) -> None:
        """Header (always, even with no failed rows), then one line per failed row."""
        added = [ERROR_COLUMN, ORIGIN_COLUMN] if len(self._failed_sources) > 1 else [ERROR_COLUMN]
        # A re-imported rejects file already has an `error` column: the new reason replaces it.
        header = [name for name in self._headers if name not in added] + added
        writer = csv.writer(out)
        writer.writerow([_safe(name) for name in header])
        rank = self._order.rank
        for cells, error, source, row in in_order(self._spool, lambda v: (rank(v[2]), v[3])):
            origin = f"{source} row {row}"
            line: dict[str, str] = {**cells, ERROR_COLUMN: error, ORIGIN_COLUMN: origin}
            writer.writerow([_safe(line.get(name, "")) for name in header])

    def close(self) -> None:
        self._spool.close()


def _flat_cells(cells: Mapping[str, Cell]) -> dict[str, str]:
    """List cells (JSON arrays, vCard categories) as one text, the way a CSV cell holds them."""
    return {
        name: value if isinstance(value, str) else ", ".join(value) for name, value in cells.items()
    }


def _safe(text: str) -> str:
    # Which original column holds the phone is the mapping's business, not known here: any
    # cell that is exactly an E.164 number is left alone, whatever its column.
    return spreadsheet_safe(text, phone=True)
