"""A progress line on standard error while rows are processed, only when it is a terminal."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from contactctl.model import RowResult, Status
from contactctl.report import OutputMode

# Redrawing on every row would cost more than the rows themselves on big files.
UPDATE_EVERY_ROWS = 97


class ProgressSink:
    """Passes each result on, and counts rows and contacts per second for the display."""

    def __init__(
        self, forward: Callable[[RowResult], None], stderr: Console, output: OutputMode
    ) -> None:
        self._forward = forward
        self._rows = 0
        self._written = 0
        self._progress: Progress | None = None
        if stderr.is_terminal and output is not OutputMode.QUIET:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=stderr,
                transient=True,
            )
            self._task = self._progress.add_task("starting", total=None)

    def __call__(self, result: RowResult) -> None:
        self._rows += 1
        if result.status in (Status.ADDED, Status.UPDATED, Status.UPSERTED):
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
            description=(
                f"{self._rows:,} rows ({rate:,.0f}/s), {self._written:,} contacts written "
                f"({sent_rate:,.0f}/s)"
            ),
        )

    def stop(self) -> None:
        """Clear the display (before the table is printed; a second call does nothing)."""
        if self._progress is not None:
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
