from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from contactctl.model import InputFormat, RowResult, Status
from contactctl.readers import ReadOptions, open_table
from contactctl.report import OutputMode
from contactctl.report.progress import UPDATE_EVERY_ROWS, InputMeter, ProgressSink


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


def _big_csv(tmp_path: Path, rows: int = 20_000) -> Path:
    # Far past the first block the readers keep in memory, so reading takes many steps.
    path = tmp_path / "big.csv"
    lines = ["Name,Mobile"] + [f"Person {i},+336{i:08d}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_meter_follows_the_bytes_of_a_file_as_its_rows_are_read(tmp_path: Path) -> None:
    path = _big_csv(tmp_path)
    with open_table(str(path), ReadOptions()) as table:
        meter = InputMeter([table])
        assert meter.total == path.stat().st_size
        rows = iter(table.rows)
        for _ in range(10_000):
            next(rows)
        halfway = meter.done()
        assert 0 < halfway < meter.total
        for _ in rows:
            pass
        assert meter.done() == meter.total


def test_bar_shows_the_share_read_the_rates_and_the_time_left(tmp_path: Path) -> None:
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=150)
    with open_table(str(_big_csv(tmp_path)), ReadOptions()) as table:
        meter = InputMeter([table])
        with ProgressSink(lambda _: None, terminal, OutputMode.TABLE, meter) as sink:
            for raw in table.rows:
                sink(RowResult("big.csv", raw.row, Status.ADDED))
    shown = strip_ansi(out.getvalue())
    assert "100%" in shown  # the whole file was read
    assert "20,000 rows (" in shown
    assert "20,000 contacts written (" in shown
    assert "/s)" in shown
    assert "--:--" in shown  # the time-left column, before any speed is known


def test_standard_input_shows_rows_without_a_share(tmp_path: Path) -> None:
    data = _big_csv(tmp_path, rows=300).read_bytes()
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=150)
    options = ReadOptions(fmt=InputFormat.CSV)
    with open_table("-", options, stdin=io.BytesIO(data)) as table:
        meter = InputMeter([table])
        assert meter.total is None  # a stream's size is not known
        with ProgressSink(lambda _: None, terminal, OutputMode.TABLE, meter) as sink:
            for raw in table.rows:
                sink(RowResult("<stdin>", raw.row, Status.SKIPPED))
    shown = strip_ansi(out.getvalue())
    assert "300 rows (" in shown
    assert "%" not in shown


def test_a_quiet_terminal_gets_no_display() -> None:
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, quiet=True)
    with ProgressSink(lambda _: None, terminal, OutputMode.TABLE) as sink:
        for row in _rows(UPDATE_EVERY_ROWS * 2):
            sink(row)
    assert out.getvalue() == ""


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
