"""Report files list rows in file order, whatever order the rows finished in."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from contactctl.model import RawRow, RowResult, Status
from contactctl.report import OutputMode, Reporter, ReportSettings
from contactctl.report.ordering import in_order


def _result(source: str, row: int, status: Status = Status.FAILED) -> RowResult:
    reason = "phone number not valid" if status is Status.FAILED else None
    raw = RawRow(source, row, {"Phone": f"{source}-{row}"})
    return RowResult(source, row, status, reason, raw=raw)


# As a run delivers them: b.csv's check failure before a.csv's rows came back from the vendor.
ARRIVAL = [
    _result("b.csv", 3),
    _result("a.csv", 5),
    _result("a.csv", 2, Status.ADDED),
    _result("b.csv", 2),
    _result("a.csv", 3),
]
FILE_ORDER = [("a.csv", 2), ("a.csv", 3), ("a.csv", 5), ("b.csv", 2), ("b.csv", 3)]


def _run(tmp_path: Path, report: str) -> Path:
    quiet = Console(file=io.StringIO())
    settings = ReportSettings(
        "octopush",
        False,
        OutputMode.QUIET,
        report_path=tmp_path / report,
        rejects_path=tmp_path / "rejects.csv",
    )
    reporter = Reporter(settings, quiet, quiet)
    reporter.expect_sources(["a.csv", "b.csv"])  # the order the run read them in
    for result in ARRIVAL:
        reporter.add(result)
    reporter.finish()
    return tmp_path / report


def test_json_report_rows_are_in_file_order(tmp_path: Path) -> None:
    rows = json.loads(_run(tmp_path, "r.json").read_text())["rows"]
    assert [(r["source"], r["row"]) for r in rows] == FILE_ORDER


def test_csv_report_rows_are_in_file_order(tmp_path: Path) -> None:
    with _run(tmp_path, "r.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["source"], int(r["row"])) for r in rows] == FILE_ORDER


def test_junit_report_suites_and_cases_are_in_file_order(tmp_path: Path) -> None:
    root = ET.parse(_run(tmp_path, "r.xml")).getroot()
    assert [suite.get("name") for suite in root.iter("testsuite")] == ["a.csv", "b.csv"]
    cases = [case.get("name") for case in root.iter("testcase")]
    assert [name.split()[-1] for name in cases if name] == ["2", "3", "5", "2", "3"]


def test_rejects_are_in_file_order(tmp_path: Path) -> None:
    _run(tmp_path, "r.json")
    with (tmp_path / "rejects.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["rejected_from"] for r in rows] == [
        "a.csv row 3",
        "a.csv row 5",
        "b.csv row 2",
        "b.csv row 3",
    ]


def test_sorting_in_runs_on_disk_gives_the_order_of_one_sort() -> None:
    values = [[f"s{n % 3}", (n * 7919) % 1000] for n in range(1000)]
    key = lambda v: (int(v[0][1]), v[1])  # noqa: E731
    assert list(in_order(values, key, run_values=64)) == sorted(values, key=key)
