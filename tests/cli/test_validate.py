"""`contactctl validate` through the real command: statuses, row numbers, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.cli.helpers import rows_by_number, run_cli, write_csv

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.mark.parametrize(
    ("name", "total"),
    [
        ("contacts.csv", 61),
        ("contacts.xlsx", 20),
        ("contacts.jsonl", 15),
        ("contacts.vcf", 8),
        ("messy-cp1252.csv", 3),
        ("contacts-utf16.tsv", 2),
    ],
)
def test_clean_samples_validate_with_exit_0(name: str, total: int) -> None:
    run = run_cli("validate", SAMPLES / name, "--output", "json", "-r", "FR")
    assert run.exit_code == 0, run.stderr
    document = run.json()
    assert document["summary"]["total"] == total
    assert document["summary"]["failed"] == 0


def test_messy_sample_shows_every_failure_reason_at_its_row() -> None:
    run = run_cli("validate", SAMPLES / "messy.csv", "--output", "json", "-p", "octopush")
    rows = rows_by_number(run.json())
    assert run.exit_code == 1
    expected = {
        3: ("skipped", "recovered from spreadsheet damage: '33612345679.0'"),
        4: ("skipped", "recovered from spreadsheet damage: '3.3612345680E+10'"),
        5: ("failed", "precision lost in a spreadsheet"),
        6: ("skipped", "apostrophe"),
        7: ("failed", "invalid phone number '12': too short"),
        8: ("failed", "too long"),
        9: ("failed", "not a phone number: 'call me'"),
        10: ("failed", "invalid phone number '3131'"),
        11: ("failed", "fixed-line number +33142685300 cannot receive SMS messages"),
        12: ("skipped", "extension 12 dropped"),
        13: ("failed", "invalid e-mail 'bad@@example'"),
        14: ("failed", "no phone number (Octopush needs one)"),
        15: ("skipped", "duplicate of"),
        16: ("skipped", "valid"),
        18: ("skipped", "valid"),
        19: ("failed", "row has 8 cells but the header has 6"),
        20: ("failed", "no country for '0612345686'"),
    }
    for row, (status, reason) in expected.items():
        assert rows[row]["status"] == status, (row, rows[row])
        assert reason in rows[row]["reason"], (row, rows[row])
    assert 17 not in rows  # a blank line is a row, but reports nothing


def test_xlsx_numeric_phone_cells_keep_every_digit(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Mobile"])
    sheet.append(["Int", 33612345678])
    sheet.append(["Float", 447400123456.0])
    book.save(tmp_path / "numbers.xlsx")
    run = run_cli("validate", tmp_path / "numbers.xlsx", "--output", "json")
    phones = [r["phone"] for r in run.json()["rows"]]
    assert phones == ["+33612345678", "+447400123456"]


def test_region_precedence_row_country_then_region_option(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "r.csv", "Mobile,Country\n0612345678,FR\n07400 123456,\n")
    run = run_cli("validate", source, "--region", "GB", "--output", "json")
    assert [r["phone"] for r in run.json()["rows"]] == ["+33612345678", "+447400123456"]


def test_standard_input_needs_and_uses_input_format() -> None:
    text = "Mobile\n+33612345678\n"
    refused = run_cli("validate", "-", input=text)
    assert refused.exit_code == 2
    assert "--input-format" in refused.stderr
    run = run_cli("validate", "-", "--input-format", "csv", "--output", "json", input=text)
    assert run.json()["rows"][0]["source"] == "<stdin>"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "NUL byte"),
        (b"Name,Notes\nAxelle,x\n", "nophone.csv", "No phone or e-mail column"),
        (b"not a zip", "fake.xlsx", "not a spreadsheet at all"),
        (b"not a zip", "fake.ods", "not a spreadsheet at all"),
        (b"not ole2", "fake.xls", "not a spreadsheet at all"),
        (b"[1, 2", "broken.json", "not valid JSON"),
        (b"hello", "notes.docx", "cannot tell the format"),
    ],
)
def test_bad_files_exit_2_with_one_line_and_no_traceback(
    tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    run = run_cli("validate", path)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_missing_file_and_folder_exit_2(tmp_path: Path) -> None:
    assert "no such file" in run_cli("validate", tmp_path / "missing.csv").stderr
    assert run_cli("validate", tmp_path / "missing.csv").exit_code == 2
    assert "is a folder" in run_cli("validate", tmp_path, "--input-format", "csv").stderr


def test_unmapped_columns_are_warned_once(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "x.csv", "Mobile,Favourite Colour\n+33612345678,blue\n")
    run = run_cli("validate", source)
    assert run.stderr.count("Favourite Colour") == 1


def test_explicit_mapping_wins(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "x.csv", "Phone,Portable\n+33142685300,+33612345678\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("phone: Portable\n")
    run = run_cli("validate", source, "--mapping", mapping, "--output", "json")
    assert run.json()["rows"][0]["phone"] == "+33612345678"


def test_report_files_and_rejects(tmp_path: Path) -> None:
    run = run_cli(
        "validate",
        SAMPLES / "messy.csv",
        "--report",
        tmp_path / "r.csv",
        "--rejects",
        tmp_path / "rejects.csv",
        "--output",
        "quiet",
    )
    assert run.exit_code == 1
    assert run.stdout == ""
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0].endswith(",error")
    assert any("precision lost" in line for line in rejects)
    junit = tmp_path / "r.xml"
    run_cli("validate", SAMPLES / "messy.csv", "--report", junit, "--output", "quiet")
    assert "<failure" in junit.read_text()


def test_json_output_is_exactly_one_document() -> None:
    run = run_cli("validate", SAMPLES / "contacts.csv", "--output", "json")
    document = json.loads(run.stdout)
    assert document["summary"]["skipped"] == 61
