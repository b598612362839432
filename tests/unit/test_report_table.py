"""The terminal table at a narrow width: numbers and statuses whole, headers whole, no line
wider than the console."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from contactctl.model import RowResult, Status
from contactctl.report import Reporter, ReportSettings, ShowMode

LONG_REASON = "phone number not valid for GB: '+447400124628' is a premium rate number"
HEADERS = ["Source", "Row", "Name", "Phone", "Email", "Status", "Reason"]


def _rows() -> list[RowResult]:
    base = RowResult("customers-2024-export.csv", 1234, Status.FAILED, LONG_REASON)
    return [
        replace(
            base,
            phone="+447400124628",
            name="Jean-Philippe Dupont-Aignan",
            email="jean.philippe.dupont@example.com",
        ),
        replace(base, row=1235, status=Status.SKIPPED, reason="duplicate of row 12"),
        replace(base, row=1236, reason="no phone", phone="+33612345678", name="Ann"),
    ]


def _table(width: int, **settings: Any) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, force_terminal=False)
    reporter = Reporter(
        ReportSettings(provider="octopush", dry_run=False, **settings), console, console
    )
    for result in _rows():
        reporter.add(result)
    reporter.finish()
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 100, 120])
def test_table_fits_the_width_with_numbers_statuses_and_headers_whole(width: int) -> None:
    lines = _table(width)
    assert max(len(line) for line in lines) <= width
    assert lines[0].split() == HEADERS  # no header broken over two lines
    text = "\n".join(lines)
    assert re.search(r"\s\+447400124628\s", text)  # the E.164 number on one line, whole
    assert re.search(r"\s\+33612345678\s", text)
    assert re.search(r"\sfailed\s", text)
    assert re.search(r"\sskipped\s", text)


def test_rows_with_short_reasons_take_one_line_at_80_columns() -> None:
    lines = _table(80)
    short = [line for line in lines if "no phone" in line or "duplicate of row 12" in line]
    assert len(short) == 2
    assert all("1235" in line or "1236" in line for line in short)


def test_the_long_reason_wraps_in_its_column_and_loses_nothing() -> None:
    lines = _table(80)
    reason_at = lines[0].index("Reason")
    start = next(i for i, line in enumerate(lines) if "1234" in line)
    end = next(i for i, line in enumerate(lines) if "1235" in line or "1236" in line)
    assert end - start > 1  # wrapped: the other columns did not take its place
    wrapped = "".join(line[reason_at:] for line in lines[start:end])
    assert wrapped.replace(" ", "") == LONG_REASON.replace(" ", "")


def test_a_console_too_narrow_runs_over_rather_than_splitting_numbers() -> None:
    lines = _table(40)
    assert any(re.search(r"\s\+447400124628\s", line) for line in lines)
    assert lines[0].split() == HEADERS


def test_summary_line_names_the_report(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    lines = _table(80, report_path=report, show=ShowMode.PROBLEMS)
    assert (
        lines[-1]
        == f"3 rows: 0 added, 0 updated, 0 upserted, 1 skipped, 2 failed; report: {report}"
    )
