from __future__ import annotations

import io

from rich.console import Console

from contactctl.model import RowResult, Status
from contactctl.progress import UPDATE_EVERY_ROWS, ProgressSink
from contactctl.report import OutputMode


def _rows(n: int) -> list[RowResult]:
    return [RowResult("a.csv", i + 2, Status.ADDED) for i in range(n)]


def test_progress_shows_rows_and_rates_on_a_terminal() -> None:
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=120)
    seen: list[RowResult] = []
    with ProgressSink(seen.append, terminal, OutputMode.TABLE) as sink:
        for row in _rows(UPDATE_EVERY_ROWS * 3):
            sink(row)
        terminal.file.flush()
    assert len(seen) == UPDATE_EVERY_ROWS * 3  # every result still reaches the report
    assert "contacts written" in out.getvalue()


def test_no_progress_when_stderr_is_not_a_terminal_or_quiet() -> None:
    for console, mode in (
        (Console(file=io.StringIO(), force_terminal=False), OutputMode.TABLE),
        (Console(file=io.StringIO(), force_terminal=True), OutputMode.QUIET),
    ):
        seen: list[RowResult] = []
        with ProgressSink(seen.append, console, mode) as sink:
            for row in _rows(UPDATE_EVERY_ROWS * 2):
                sink(row)
        assert len(seen) == UPDATE_EVERY_ROWS * 2
        assert isinstance(console.file, io.StringIO)
        assert console.file.getvalue() == ""
