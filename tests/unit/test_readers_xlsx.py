"""Excel .xlsx: raw cell values (numeric phones keep their digits), sheets, broken workbooks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from contactctl.model import InputFormat
from contactctl.readers import xlsx_table
from tests.unit.readers_fixtures import cells, input_error, read, write, write_xlsx


def test_number_cells_keep_every_digit_of_a_phone(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "c.xlsx",
        {"Contacts": [["Name", "Mobile"], ["Int", 33612345678], ["Float", 33612345678.0],
                      ["Sci", 4.4791112345e11], ["Text", "'+33612345678"]]},
    )  # fmt: skip
    assert [row["Mobile"] for row in cells(path)] == [
        "33612345678",
        "33612345678",
        "447911123450",
        "'+33612345678",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),
        (True, "true"),
        (False, "false"),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05"),
        ("  spaced  ", "  spaced  "),
        (None, ""),
    ],
)
def test_other_cell_types_become_text(tmp_path: Path, value: Any, text: str) -> None:
    rows: list[list[Any]] = [["Name", "Value"], ["A", value]]
    path = write_xlsx(tmp_path / "c.xlsx", {"S": rows})
    assert cells(path) == [{"Name": "A", "Value": text}]


def test_rows_are_excel_row_numbers_and_blank_rows_yield_nothing(tmp_path: Path) -> None:
    rows: list[list[Any]] = [[], ["Name", "Mobile"], ["Ana", "1"], [], [None, None], ["Bo", "2"]]
    table, read_rows = read(write_xlsx(tmp_path / "c.xlsx", {"S": rows}))
    assert table.headers == ["Name", "Mobile"]
    assert [(r.row, dict(r.cells)) for r in read_rows] == [
        (3, {"Name": "Ana", "Mobile": "1"}),
        (6, {"Name": "Bo", "Mobile": "2"}),
    ]


def test_cells_beyond_the_headers_get_a_column_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", {"S": [["Mobile", "Mobile"], ["1", "2", "x"]]})
    table, rows = read(path)
    assert table.headers == ["Mobile", "Mobile_2", "column_3"]
    assert dict(rows[0].cells) == {"Mobile": "1", "Mobile_2": "2", "column_3": "x"}
    assert len(table.notes) == 2


def test_sheet_option_picks_a_sheet_and_the_first_is_the_default(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "c.xlsx", {"First": [["Mobile"], ["1"]], "Second": [["Phone"], ["2"]]}
    )
    assert cells(path) == [{"Mobile": "1"}]
    assert cells(path, sheet="Second") == [{"Phone": "2"}]


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", {"First": [["Mobile"]], "Second": [["Phone"]]})
    assert input_error(path, sheet="Third") == (
        f"{path} has no sheet 'Third'. Its sheets: First, Second."
    )


def test_an_empty_sheet_is_an_input_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", {"Empty": [], "Full": [["Mobile"], ["1"]]})
    assert f"{path}: sheet 'Empty' is empty" in input_error(path)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"Name,Mobile\nAna,1\n", id="a renamed csv"),
        pytest.param(b"PK\x03\x04" + bytes(200), id="a broken zip"),
        pytest.param(_zip({"hello.txt": b"hi"}), id="a zip that is no workbook"),
        pytest.param(
            _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<<<"}),
            id="broken xml",
        ),
    ],
)
def test_a_file_that_is_no_workbook_is_an_input_error(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "c.xlsx", content)
    assert input_error(path).startswith(f"{path} is not a readable Excel workbook: ")


def test_a_workbook_that_unpacks_too_large_is_refused_unopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", {"S": [["Mobile"], ["1"]]})
    monkeypatch.setattr(xlsx_table, "MAX_UNPACKED_BYTES", 1000)
    assert "refused as unsafe" in input_error(path)


def test_a_workbook_from_standard_input(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", {"S": [["Mobile"], [33612345678]]})
    table, rows = read("-", stdin=path.read_bytes(), fmt=InputFormat.XLSX)
    assert table.source == "<stdin>"
    assert [(r.source, r.row, dict(r.cells)) for r in rows] == [
        ("<stdin>", 2, {"Mobile": "33612345678"})
    ]
