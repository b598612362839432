"""The progress bar on standard error while rows are processed, only when it is a terminal.

It shows the share of the input read (bytes of the files; a stream's size is unknown, so
standard input shows its rows only), rows and contacts written per second, and the time
left. rich redraws it from its own thread a few times a second; rows only update numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from contactctl.model import WRITTEN_STATUSES, RowResult
from contactctl.report import OutputMode

if TYPE_CHECKING:
    from contactctl.readers import Table

# Updating the numbers on every row would cost more than the rows themselves on big files.
UPDATE_EVERY_ROWS = 97
# Redraws a second: enough to look alive, few enough to cost nothing and not flicker a log.
REDRAWS_PER_SECOND = 4


class InputMeter:
    """How many bytes of the inputs were read, of how many; `total` None when unknown."""

    def __init__(self, tables: Iterable[Table]) -> None:
        meters = [(table.size, table.bytes_read) for table in tables]
        self._readers = [read for _, read in meters if read is not None]
        known = all(size is not None and read is not None for size, read in meters)
        self.total = sum(size or 0 for size, _ in meters) if known and meters else None

    def done(self) -> int:
        return sum(read() for read in self._readers)


class ProgressSink:
    """Passes each result on, and counts rows and contacts per second for the display."""

    def __init__(
        self,
        forward: Callable[[RowResult], None],
        stderr: Console,
        output: OutputMode,
        meter: InputMeter | None = None,
    ) -> None:
        self._forward = forward
        self._rows = 0
        self._written = 0
        self._meter = meter if meter is not None and meter.total is not None else None
        self._progress: Progress | None = None
        if stderr.is_terminal and not stderr.quiet and output is not OutputMode.QUIET:
            self._progress = Progress(
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.description}"),
                TextColumn("ETA"),
                TimeRemainingColumn(compact=True),
                console=stderr,
                transient=True,
                refresh_per_second=REDRAWS_PER_SECOND,
            )
            total = self._meter.total if self._meter is not None else None
            self._task = self._progress.add_task("starting", total=total)

    def __call__(self, result: RowResult) -> None:
        self._rows += 1
        if result.status in WRITTEN_STATUSES:
            self._written += 1
        self._forward(result)
        if self._progress is not None and self._rows % UPDATE_EVERY_ROWS == 0:
            self._refresh()

    def _refresh(self) -> None:
        assert self._progress is not None
        elapsed = self._progress.tasks[0].elapsed or 0.0
        rate = self._rows / elapsed if elapsed > 0 else 0.0
        sent_rate = self._written / elapsed if elapsed > 0 else 0.0
        self._progress.update(
            self._task,
            completed=self._meter.done() if self._meter is not None else self._rows,
            description=(
                f"{self._rows:,} rows ({rate:,.0f}/s), {self._written:,} contacts written "
                f"({sent_rate:,.0f}/s)"
            ),
        )

    def stop(self) -> None:
        """Clear the display (before the table is printed; a second call does nothing)."""
        if self._progress is not None:
            self._refresh()
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> ProgressSink:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
