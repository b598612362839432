"""The terminal table: problem rows first (a bounded number of them), or every row.

A big run's table is printed in chunks with fixed column widths, so printing every row of a
million-row run never builds a million-row table in memory.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from contactctl.model import RowResult, Status
from contactctl.report.spool import ROW_FIELDS, RowRecord

STATUS_STYLES = {
    Status.ADDED: "green",
    Status.UPDATED: "cyan",
    Status.UPSERTED: "blue",
    Status.SKIPPED: "yellow",
    Status.FAILED: "red",
}
BASE_COLUMNS = (
    ("Source", "source"),
    ("Row", "row"),
    ("Name", "name"),
    ("Phone", "phone"),
    ("Email", "email"),
    ("Status", "status"),
    ("Reason", "reason"),
)
ID_COLUMN = ("Id", "id")
_CHUNK_ROWS = 500


class ProblemRows:
    """The failed and skipped rows the table shows: at most `limit` of each, lowest rows first.

    A bounded heap per status keeps memory flat however many rows fail; `failed` and
    `skipped` still count every one of them, for the "and K more" line.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._heaps: dict[Status, list[tuple[int, int, int, RowResult]]] = {
            Status.FAILED: [],
            Status.SKIPPED: [],
        }
        self._arrivals = 0
        self._source_order: dict[str, int] = {}

    def add(self, result: RowResult) -> None:
        heap = self._heaps.get(result.status)
        if heap is None:
            return
        self._arrivals += 1
        source_index = self._source_order.setdefault(result.source, len(self._source_order))
        # Negated keys make heapq's min-heap drop the row furthest down the files first;
        # the arrival number keeps keys unique, so RowResults are never compared.
        heapq.heappush(heap, (-source_index, -result.row, -self._arrivals, result))
        if len(heap) > self.limit:
            heapq.heappop(heap)

    def shown(self) -> list[RowResult]:
        """Failed rows, then skipped rows, each in file order; `limit` rows at most."""
        rows: list[RowResult] = []
        for status in (Status.FAILED, Status.SKIPPED):
            ordered = sorted(self._heaps[status], reverse=True)
            rows.extend(entry[3] for entry in ordered)
        return rows[: self.limit]


def print_table(
    console: Console, records: Callable[[], Iterable[Mapping[str, Any]]], *, with_id: bool
) -> None:
    """Print `records()` as one table; it is called twice (widths, then rows)."""
    columns = (*BASE_COLUMNS, ID_COLUMN) if with_id else BASE_COLUMNS
    widths = _fit(_column_widths(records(), columns), columns, console.width)
    first = True
    for chunk in _chunks(records(), _CHUNK_ROWS):
        console.print(_table(chunk, columns, widths, show_header=first))
        first = False


def result_records(results: Iterable[RowResult]) -> Iterator[RowRecord]:
    for result in results:
        yield {name: getattr(result, name) for name in ROW_FIELDS}


def _column_widths(
    records: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> list[int]:
    widths = [cell_len(title) for title, _ in columns]
    for record in records:
        for index, (_, key) in enumerate(columns):
            widths[index] = max(widths[index], _text_width(_cell_text(record[key])))
    return widths


# Columns that give up width first when the table is wider than the console.
_SHRINKABLE = ("reason", "name", "email", "source")
_MIN_WIDTH = 8


def _fit(widths: list[int], columns: Sequence[tuple[str, str]], console_width: int) -> list[int]:
    """Shrink the widest wrapping columns until the table fits (cells then fold)."""
    fitted = list(widths)
    budget = console_width - 2 * len(columns)  # SIMPLE box: padding between columns
    shrinkable = [i for i, (_, key) in enumerate(columns) if key in _SHRINKABLE]
    while sum(fitted) > budget:
        widest = max(shrinkable, key=lambda i: fitted[i])
        if fitted[widest] <= _MIN_WIDTH:
            break
        fitted[widest] -= 1
    return fitted


def _text_width(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def _chunks(records: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    chunk: list[Mapping[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _table(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    widths: Sequence[int],
    *,
    show_header: bool,
) -> Table:
    # No outer edge: the chunks print one under the other as one seamless table.
    table = Table(box=box.SIMPLE, show_edge=False, show_header=show_header)
    for (title, _), width in zip(columns, widths, strict=True):
        table.add_column(title, width=width, overflow="fold")
    for record in records:
        table.add_row(*(_cell(key, record[key]) for _, key in columns))
    return table


def _cell(key: str, value: Any) -> Text:
    # Text, never a str: rich would read "[bold]" in a name as markup and ":x:" as an emoji.
    text = _cell_text(value)
    style = STATUS_STYLES.get(Status(text), "") if key == "status" else ""
    return Text(text, style=style)
