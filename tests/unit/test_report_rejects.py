"""The rejects file: failed rows in their original columns plus `error`, re-importable."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rich.console import Console

from contactctl.model import Cell, RawRow, RowResult, Status
from contactctl.report import OutputMode, Reporter, ReportSettings


def write_rejects(path: Path, results: list[RowResult]) -> None:
    quiet = Console(file=io.StringIO())
    reporter = Reporter(
        ReportSettings("octopush", False, OutputMode.QUIET, rejects_path=path), quiet, quiet
    )
    for result in results:
        reporter.add(result)
    reporter.finish()


def read_back(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def result(
    source: str, row: int, status: Status, cells: dict[str, Cell], reason: str | None = None
) -> RowResult:
    return RowResult(source, row, status, reason, raw=RawRow(source, row, cells))


def test_failed_rows_round_trip_with_original_columns_and_error(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    multi_line = 'Flat 2\n"The Old Mill", Main St'
    write_rejects(
        path,
        [
            result("c.csv", 2, Status.ADDED, {"Name": "Ann", "Mobile": "+33612345678", "Addr": ""}),
            result(
                "c.csv",
                3,
                Status.FAILED,
                {"Name": "Bob", "Mobile": "12", "Addr": multi_line},
                "phone number not valid: '12'",
            ),
            result("c.csv", 4, Status.SKIPPED, {"Name": "Ann", "Mobile": "+33612345678"}, "dup"),
            result(
                "c.csv",
                5,
                Status.FAILED,
                {"Name": "Cy", "Mobile": "+33612345678", "Addr": "x", "Tags": ["vip", "fr"]},
                "rejected by Octopush: blacklisted",
            ),
        ],
    )
    header, rows = read_back(path)
    assert header == ["Name", "Mobile", "Addr", "Tags", "error"]
    assert rows == [
        {
            "Name": "Bob",
            "Mobile": "12",
            "Addr": multi_line,
            "Tags": "",
            "error": "phone number not valid: '12'",
        },
        {
            "Name": "Cy",
            "Mobile": "+33612345678",
            "Addr": "x",
            "Tags": "vip, fr",
            "error": "rejected by Octopush: blacklisted",
        },
    ]


def test_several_sources_give_the_union_of_headers_and_where_each_row_came_from(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rejects.csv"
    write_rejects(
        path,
        [
            result("a.csv", 2, Status.FAILED, {"Phone": "1", "Name": "A"}, "bad a"),
            result(
                "b.json", 1, Status.FAILED, {"name": "B", "phone": "2", "city": "Lyon"}, "bad b"
            ),
            result("a.csv", 3, Status.FAILED, {"Phone": "3", "Name": "C"}, "bad c"),
        ],
    )
    header, rows = read_back(path)
    assert header == ["Phone", "Name", "name", "phone", "city", "error", "rejected_from"]
    assert rows[2] == {
        "Phone": "",
        "Name": "",
        "name": "B",
        "phone": "2",
        "city": "Lyon",
        "error": "bad b",
        "rejected_from": "b.json row 1",
    }
    # File order: a.csv was met first, and its rows come in row order.
    assert [row["rejected_from"] for row in rows] == ["a.csv row 2", "a.csv row 3", "b.json row 1"]


def test_one_source_has_no_location_column(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    write_rejects(
        path,
        [
            result("a.csv", 2, Status.FAILED, {"Phone": "1"}, "bad"),
            result("b.csv", 2, Status.ADDED, {"Phone": "+33612345678"}),
        ],
    )
    assert read_back(path)[0] == ["Phone", "error"]


def test_no_failures_still_writes_the_header(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    write_rejects(path, [result("a.csv", 2, Status.ADDED, {"Phone": "+33612345678", "Name": "A"})])
    assert path.read_bytes() == b"Phone,Name,error\r\n"


def test_no_rows_at_all_writes_an_error_only_header(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    write_rejects(path, [])
    assert read_back(path) == (["error"], [])


def test_cells_are_defused_but_e164_phones_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    cells: dict[str, Cell] = {
        "Phone": "+33612345678",
        "Other phone": "+33 6 12 34 56 78",
        "Note": "=cmd|' /C calc'!A0",
        "Sign": "-",
    }
    write_rejects(path, [result("a.csv", 2, Status.FAILED, cells, "@reason")])
    (row,) = read_back(path)[1]
    assert row == {
        "Phone": "+33612345678",
        "Other phone": "'+33 6 12 34 56 78",
        "Note": "'=cmd|' /C calc'!A0",
        "Sign": "'-",
        "error": "'@reason",
    }


def test_a_reimported_rejects_file_gets_its_error_replaced_not_doubled(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    cells: dict[str, Cell] = {"Phone": "12", "error": "old reason"}
    write_rejects(path, [result("rejects.csv", 2, Status.FAILED, cells, "new reason")])
    assert read_back(path) == (["Phone", "error"], [{"Phone": "12", "error": "new reason"}])


def test_a_failed_row_without_raw_cells_writes_what_it_has(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    write_rejects(
        path,
        [
            result("a.csv", 2, Status.FAILED, {"Phone": "1"}, "bad"),
            RowResult("a.csv", 3, Status.FAILED, "not sent: run aborted"),
        ],
    )
    assert read_back(path)[1] == [
        {"Phone": "1", "error": "bad"},
        {"Phone": "", "error": "not sent: run aborted"},
    ]


def test_rejects_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    path.write_text("old,content\n1,2\n", encoding="utf-8")
    write_rejects(path, [result("a.csv", 2, Status.FAILED, {"Phone": "1"}, "bad")])
    assert read_back(path) == (["Phone", "error"], [{"Phone": "1", "error": "bad"}])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rejects.csv"]
