"""Where reading stopped: the rows of each file that a stopped run never read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from contactctl.model import RawRow, RowResult
from contactctl.readers.source import STDIN_PATH, STDIN_SOURCE

if TYPE_CHECKING:
    from contactctl.intake.mapping import ColumnMap
    from contactctl.readers import Table

Inputs = list[tuple["Table", "ColumnMap"]]


class ReadTracker:
    """Follows the rows read from each file and the rows reported.

    Rows reach the report as a prefix of the input (the sender reports every row it took,
    also when stopped), so a file is read to its end only if its reader finished and its
    last row read was reported; otherwise what follows its last reported row was not read.
    """

    def __init__(self, sources: Iterable[str]) -> None:
        # As typed until the files are open; then each table's own name ("<stdin>" for "-").
        self._sources = [STDIN_SOURCE if path == STDIN_PATH else path for path in sources]
        self._last_read: dict[str, int] = {}
        self._finished: set[str] = set()
        self._last_reported: dict[str, int] = {}

    def track(self, inputs: Inputs) -> Inputs:
        """The same inputs, their rows counted as they are read."""
        self._sources = [table.source for table, _ in inputs]
        return [(replace(table, rows=self._rows(table)), columns) for table, columns in inputs]

    def _rows(self, table: Table) -> Iterator[RawRow]:
        for raw in table.rows:
            self._last_read[table.source] = raw.row
            yield raw
        self._finished.add(table.source)

    def counting(self, forward: Callable[[RowResult], None]) -> Callable[[RowResult], None]:
        """`forward`, noting each reported row on the way."""

        def report(result: RowResult) -> None:
            if result.row > self._last_reported.get(result.source, 0):
                self._last_reported[result.source] = result.row
            forward(result)

        return report

    def not_read(self) -> list[dict[str, str | int]]:
        """`[{"source": "x.csv", "from_row": 547}]`: empty when every row was read."""
        unread: list[dict[str, str | int]] = []
        for source in self._sources:
            reported = self._last_reported.get(source)
            if source in self._finished and reported == self._last_read.get(source):
                continue
            # Nothing of it reported: from its first line.
            unread.append({"source": source, "from_row": (reported or 0) + 1})
        return unread


def not_read_line(unread: list[dict[str, str | int]]) -> str | None:
    """`not read: x.csv from row 547, y.csv from row 1` for the summary, or None."""
    if not unread:
        return None
    parts = (f"{item['source']} from row {item['from_row']}" for item in unread)
    return "not read: " + ", ".join(parts)
