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
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult
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
    Status.DELETED: "magenta",
    Status.RESTORED: "cyan",
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
    # A console too narrow for even the floors: lines run over rather than numbers split.
    table_width = max(console.width, sum(widths) + _GAP * (len(columns) - 1))
    first = True
    for chunk in _chunks(records(), _CHUNK_ROWS):
        table = _table(chunk, columns, widths, show_header=first)
        console.print(_AtWidth(table, table_width), crop=False)
        first = False


class _AtWidth:
    """A renderable laid out at `width` cells, even past the console's width."""

    def __init__(self, inner: ConsoleRenderable, width: int) -> None:
        self._inner = inner
        self._width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from console.render(self._inner, options.update_width(self._width))


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


# How each column gives way when the table is wider than the console. Row, phone and status
# never shrink (a split number is misread); the shortened ones end in "…" on one line; the
# reason wraps, and gives up width only after the others are down to their floor.
_NEVER_SHRUNK = ("row", "phone", "status")
_SHORTENED = ("source", "name", "email", "id")
_SHORTENED_FLOOR = 8
_REASON_COMFORT = 40  # the reason keeps this much while the shortened columns still give
_REASON_FLOOR = 12
# A phone cell of a failed row may hold whatever the file held: past this it is shortened.
# An E.164 number is at most 16 characters, so a valid one is never cut.
_PHONE_MAX = 20
# SIMPLE box without edges, paddings collapsed: two cells between two columns.
_GAP = 2


def _fit(widths: list[int], columns: Sequence[tuple[str, str]], console_width: int) -> list[int]:
    """Widths that fit `console_width` if they can: shortened columns first, the reason last.

    No column gets narrower than its header, so headers are never broken.
    """
    keys = [key for _, key in columns]
    fitted = list(widths)
    if "phone" in keys:
        phone = keys.index("phone")
        fitted[phone] = min(fitted[phone], max(_PHONE_MAX, cell_len(columns[phone][0])))
    budget = console_width - _GAP * (len(columns) - 1)
    floors = {i: max(_SHORTENED_FLOOR, cell_len(columns[i][0])) for i, key in enumerate(keys)}
    shortened = [i for i, key in enumerate(keys) if key in _SHORTENED]
    reason = [i for i, key in enumerate(keys) if key == "reason"]
    stages = (
        (shortened + reason, {**floors, **dict.fromkeys(reason, _REASON_COMFORT)}),
        (reason, dict.fromkeys(reason, _REASON_FLOOR)),
    )
    for candidates, floor in stages:
        while sum(fitted) > budget:
            giving = [i for i in candidates if fitted[i] > floor[i]]
            if not giving:
                break
            widest = max(giving, key=lambda i: fitted[i])
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
    table = Table(
        box=box.SIMPLE,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        show_header=show_header,
    )
    for (title, key), width in zip(columns, widths, strict=True):
        if key == "reason":
            table.add_column(title, width=width, overflow="fold")
        else:
            table.add_column(title, width=width, no_wrap=True, overflow="ellipsis")
    for record in records:
        table.add_row(*(_cell(key, record[key]) for _, key in columns))
    return table


def _cell(key: str, value: Any) -> Text:
    # Text, never a str: rich would read "[bold]" in a name as markup and ":x:" as an emoji.
    text = _cell_text(value)
    style = STATUS_STYLES.get(Status(text), "") if key == "status" else ""
    return Text(text, style=style)
