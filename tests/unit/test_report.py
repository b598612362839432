"""The Reporter: totals, path checks, what lands on standard output, and flat memory."""

from __future__ import annotations

import io
import json
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from contactctl.errors import ExitCode, UsageError
from contactctl.model import RawRow, RowResult, Status
from contactctl.report import (
    TABLE_PROBLEM_LIMIT,
    OutputMode,
    Reporter,
    ReportSettings,
    ReportWriteError,
    ShowMode,
    Summary,
    check_report_path,
)
from contactctl.report.summary import IMPORT_STATUSES, UNDO_STATUSES


def console(buffer: io.StringIO) -> Console:
    return Console(file=buffer, width=200, no_color=True, force_terminal=False)


class Run:
    """A Reporter with captured standard output and standard error."""

    def __init__(self, **settings: Any) -> None:
        defaults: dict[str, Any] = {"provider": "octopush", "dry_run": False}
        self.out, self.err = io.StringIO(), io.StringIO()
        self.reporter = Reporter(
            ReportSettings(**{**defaults, **settings}),
            console(self.out),
            console(self.err),
        )

    def add(self, *results: RowResult) -> Run:
        for result in results:
            self.reporter.add(result)
        return self


def row(number: int, status: Status, reason: str | None = None, **fields: Any) -> RowResult:
    plain = RowResult(source="contacts.csv", row=number, status=status, reason=reason)
    return replace(plain, **fields)


# -- Summary ------------------------------------------------------------------------------


IMPORT = [status for status in Status if status.value in IMPORT_STATUSES]
UNDO = [status for status in Status if status.value in UNDO_STATUSES]


@given(st.lists(st.sampled_from(IMPORT), max_size=60))
def test_totals_always_reconcile(statuses: list[Status]) -> None:
    run = Run(output=OutputMode.QUIET)
    run.add(*(row(n + 2, status, "r") for n, status in enumerate(statuses)))
    summary = run.reporter.finish()
    counts = summary.as_dict()
    assert counts["total"] == len(statuses)
    assert counts["total"] == sum(value for key, value in counts.items() if key != "total")
    for status in IMPORT:
        assert counts[status.value] == statuses.count(status)


@given(st.lists(st.sampled_from(UNDO), max_size=60))
def test_undo_totals_reconcile_over_its_own_statuses(statuses: list[Status]) -> None:
    summary = Summary(shown=UNDO_STATUSES)
    for status in statuses:
        summary.count(status)
    counts = summary.as_dict()
    assert list(counts) == ["total", "deleted", "restored", "skipped", "failed"]
    assert counts["total"] == sum(value for key, value in counts.items() if key != "total")
    for status in UNDO:
        assert counts[status.value] == statuses.count(status)


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([], ExitCode.OK),
        ([Status.ADDED, Status.SKIPPED, Status.UPSERTED, Status.UPDATED], ExitCode.OK),
        ([Status.ADDED, Status.FAILED], ExitCode.ROWS_FAILED),
    ],
)
def test_exit_code_is_rows_failed_only_when_a_row_failed(
    statuses: list[Status], code: ExitCode
) -> None:
    summary = Summary()
    for status in statuses:
        summary.count(status)
    assert summary.exit_code is code


def test_summary_line_names_every_status() -> None:
    summary = Summary()
    for status in [Status.ADDED] * 57 + [Status.SKIPPED] * 3:
        summary.count(status)
    assert summary.line() == "60 rows: 57 added, 0 updated, 0 upserted, 3 skipped, 0 failed"


def test_summary_property_is_a_copy() -> None:
    run = Run(output=OutputMode.QUIET).add(row(2, Status.ADDED))
    run.reporter.summary.count(Status.FAILED)
    assert run.reporter.summary.failed == 0


# -- paths -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.json", "out.csv", "out.xml", "OUT.JSON"])
def test_known_report_extensions_are_accepted(tmp_path: Path, name: str) -> None:
    check_report_path(tmp_path / name)


@pytest.mark.parametrize("name", ["out.txt", "out", "out.json.gz", "out.xlsx"])
def test_unknown_report_extension_is_a_usage_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match=r"\.json, \.csv or \.xml"):
        check_report_path(tmp_path / name)


def test_report_in_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        check_report_path(tmp_path / "nope" / "out.json")


def test_report_path_that_is_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "out.json").mkdir()
    with pytest.raises(UsageError, match="is a folder"):
        check_report_path(tmp_path / "out.json")


def _settings(report: Path | None = None, rejects: Path | None = None) -> object:
    """The one place report paths are checked: when the run's plan is built."""
    from contactctl.plan import report_settings

    return report_settings(
        provider="octopush",
        dry_run=False,
        output="table",
        show="problems",
        report=report,
        rejects=rejects,
        command="import",
    )


def test_the_same_file_for_report_and_rejects_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="both name"):
        _settings(report=tmp_path / "x.csv", rejects=tmp_path / "x.csv")


def test_rejects_in_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        _settings(rejects=tmp_path / "nope" / "rejects.csv")


# -- standard output ---------------------------------------------------------------------


def test_output_json_puts_exactly_one_document_on_stdout() -> None:
    run = Run(output=OutputMode.JSON).add(
        row(2, Status.ADDED, name="Zoë « Ω »", phone="+33612345678"),
        row(3, Status.FAILED, "phone number not valid: '12'"),
    )
    run.reporter.note("journal: 1 row unchanged")
    run.reporter.finish("done")
    document = json.loads(run.out.getvalue())  # the whole of stdout, nothing else
    assert document["summary"] == {
        "total": 2,
        "added": 1,
        "updated": 0,
        "upserted": 0,
        "skipped": 0,
        "failed": 1,
    }
    assert [r["row"] for r in document["rows"]] == [2, 3]
    assert document["rows"][0]["name"] == "Zoë « Ω »"
    assert document["notes"] == ["journal: 1 row unchanged"]
    assert "2 rows: 1 added" in run.err.getvalue()
    assert "done" in run.err.getvalue()


def test_quiet_prints_nothing_on_stdout_and_the_summary_on_stderr() -> None:
    run = Run(output=OutputMode.QUIET).add(row(2, Status.FAILED, "bad"), row(3, Status.ADDED))
    run.reporter.finish()
    assert run.out.getvalue() == ""
    assert "2 rows: 1 added, 0 updated, 0 upserted, 0 skipped, 1 failed" in run.err.getvalue()


def test_notes_go_to_stderr_not_stdout() -> None:
    run = Run()
    run.reporter.note("journal: 120 rows unchanged")
    run.reporter.finish()
    assert "journal: 120 rows unchanged" in run.err.getvalue()
    assert "journal" not in run.out.getvalue()


def test_table_lists_failures_before_skips_then_counts_the_rest() -> None:
    run = Run().add(
        row(2, Status.ADDED),
        row(3, Status.SKIPPED, "duplicate of contacts.csv row 2"),
        row(4, Status.UPDATED),
        row(5, Status.FAILED, "phone number not valid: 'abc'"),
        row(6, Status.UPSERTED, "vendor does not say"),
    )
    run.reporter.finish("dry run: nothing sent")
    lines = run.out.getvalue().splitlines()
    failed = next(i for i, line in enumerate(lines) if "phone number not valid" in line)
    skipped = next(i for i, line in enumerate(lines) if "duplicate of" in line)
    assert failed < skipped
    assert not any(" added " in line or "upserted " in line.split(":")[0] for line in lines[:-3])
    assert lines[-3:] == [
        "… and 3 more rows added/updated/upserted",
        "5 rows: 1 added, 1 updated, 1 upserted, 1 skipped, 1 failed",
        "dry run: nothing sent",
    ]


def test_table_header_has_the_columns_and_id_only_when_a_row_has_one() -> None:
    without = Run().add(row(2, Status.FAILED, "bad"))
    without.reporter.finish()
    header = without.out.getvalue().splitlines()[0].split()
    assert header == ["Source", "Row", "Name", "Phone", "Email", "Status", "Reason"]
    with_id = Run().add(row(2, Status.SKIPPED, "exists, kept", id="c-17"))
    with_id.reporter.finish()
    assert with_id.out.getvalue().splitlines()[0].split()[-1] == "Id"
    assert "c-17" in with_id.out.getvalue()


def test_table_caps_problem_rows_and_points_to_the_report(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    run = Run(report_path=report)
    # Arrive in reverse: the table still shows the first rows of the file.
    run.add(*(row(n, Status.FAILED, f"bad {n}") for n in range(300, 1, -1)))
    run.add(*(row(n, Status.SKIPPED, "dup") for n in range(400, 410)))
    run.reporter.finish()
    text = run.out.getvalue()
    shown = [line for line in text.splitlines() if "contacts.csv" in line and "failed" in line]
    assert len(shown) == TABLE_PROBLEM_LIMIT
    assert shown[0].split()[1] == "2"
    assert shown[-1].split()[1] == str(TABLE_PROBLEM_LIMIT + 1)
    assert "dup" not in text
    assert f"… and {299 + 10 - TABLE_PROBLEM_LIMIT} more problems (see {report})" in text


def test_no_problems_prints_no_table_only_the_summary() -> None:
    run = Run().add(row(2, Status.ADDED), row(3, Status.UPDATED))
    run.reporter.finish()
    assert run.out.getvalue().splitlines() == [
        "2 rows: 1 added, 1 updated, 0 upserted, 0 skipped, 0 failed"
    ]


def test_show_all_lists_every_row_in_file_order() -> None:
    run = Run(show=ShowMode.ALL)
    arrival = [7, 2, 5, *range(10, 1210)]
    run.add(*(row(n, Status.ADDED if n % 2 else Status.SKIPPED, "r") for n in arrival))
    run.reporter.finish()
    rows = [
        int(line.split()[1]) for line in run.out.getvalue().splitlines() if "contacts.csv" in line
    ]
    assert rows == sorted(arrival)
    assert "more rows" not in run.out.getvalue()


def test_table_cells_are_text_not_markup() -> None:
    run = Run().add(row(2, Status.FAILED, "bad [bold]x[/bold] :smile:", name="[red]Ann"))
    run.reporter.finish()
    assert "bad [bold]x[/bold] :smile:" in run.out.getvalue()
    assert "[red]Ann" in run.out.getvalue()


def test_unwritable_report_raises_after_everything_else_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    rejects = tmp_path / "rejects.csv"
    run = Run(report_path=folder / "r.json", rejects_path=rejects).add(row(2, Status.FAILED, "x"))
    folder.rmdir()  # the folder vanishes during the run
    with pytest.raises(ReportWriteError, match=r"r\.json"):
        run.reporter.finish()
    assert rejects.exists()
    assert "1 row: 0 added" in run.out.getvalue()


def test_finish_twice_is_a_programming_error() -> None:
    run = Run(output=OutputMode.QUIET)
    run.reporter.finish()
    with pytest.raises(RuntimeError):
        run.reporter.finish()


# -- streaming -----------------------------------------------------------------------------


def test_memory_stays_flat_while_100k_rows_stream_through(tmp_path: Path) -> None:
    run = Run(
        show=ShowMode.PROBLEMS,
        report_path=tmp_path / "r.json",
        rejects_path=tmp_path / "rejects.csv",
    )
    raw_cells = {"Phone": "+33612345678", "Name": "Axelle Durand", "Email": "a@example.com"}
    tracemalloc.start()
    try:
        for number in range(2, 100_002):
            run.reporter.add(
                RowResult(
                    source="big.csv",
                    row=number,
                    status=Status.ADDED,
                    name="Axelle Durand",
                    phone="+33612345678",
                    email="a@example.com",
                    id=f"id-{number}",
                    raw=RawRow("big.csv", number, raw_cells),
                )
            )
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Keeping the rows would take well over 10 MB; a streaming reporter stays near constant.
    assert peak_bytes < 1_000_000
    run.reporter.finish()
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["added"] == 100_000
