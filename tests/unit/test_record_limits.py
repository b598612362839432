"""One record over max_record_chars fails on its own row; the rows around it are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactctl.readers.decoding import OVERSIZE_MARK
from tests.unit.readers_fixtures import input_error, read, write, write_xlsx

LIMIT = 1_000
TOO_LONG = "x" * 5_000
PROBLEM = "record longer than 1,000 characters"


def _outcome(path: Path) -> list[tuple[int, str | None, str]]:
    """Each row's number, problem and phone cell."""
    return [
        (row.row, row.problem, str(row.cells.get("Mobile", row.cells.get("Phone", ""))))
        for row in read(path, max_record_chars=LIMIT)[1]
    ]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_csv_line_over_the_limit_fails_alone_and_rows_keep_their_numbers(
    tmp_path: Path, ending: str
) -> None:
    lines = ["Mobile,Notes", "+33612345678,short", f"+33612345679,{TOO_LONG}", "+33612345680,ok"]
    path = write(tmp_path, "c.csv", ending.join(lines) + ending)
    assert _outcome(path) == [
        (2, None, "+33612345678"),
        (3, PROBLEM + " (raise max_record_chars if it is real)", ""),
        (4, None, "+33612345680"),
    ]


def test_a_csv_cell_over_the_limit_spread_over_short_lines_stops_the_file(
    tmp_path: Path,
) -> None:
    notes = "\n".join(["y" * 50] * 100)  # 5,100 characters, no line over 50
    path = write(tmp_path, "c.csv", f'Mobile,Notes\n+33612345678,"{notes}"\n')
    assert "a cell longer than 1,000 characters" in input_error(path, max_record_chars=LIMIT)


def test_a_csv_header_over_the_limit_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "Mobile," + ",".join(["c"] * 2_000) + "\n+33612345678\n")
    assert "line 1: the header is longer than 1,000 characters" in input_error(
        path, max_record_chars=LIMIT
    )


def test_the_limit_is_what_the_options_say(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", f"Mobile,Notes\n+33612345678,{TOO_LONG}\n")
    rows = read(path, max_record_chars=10_000)[1]
    assert rows[0].problem is None
    assert rows[0].cells["Notes"] == TOO_LONG


def test_a_json_lines_line_over_the_limit_fails_alone(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.jsonl",
        '{"Mobile": "+33612345678"}\n'
        f'{{"Mobile": "+33612345679", "Notes": "{TOO_LONG}"}}\n'
        "\n"
        '{"Mobile": "+33612345680"}',
    )
    assert [(n, p is not None, phone) for n, p, phone in _outcome(path)] == [
        (1, False, "+33612345678"),
        (2, True, ""),
        (4, False, "+33612345680"),
    ]


def test_a_vcard_over_the_limit_fails_alone(tmp_path: Path) -> None:
    def card(phone: str, note: str) -> str:
        return (
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nTEL:{phone}\r\nNOTE:{note}\r\nEND:VCARD\r\n"
        )

    folded = "\r\n ".join(["z" * 70] * 30)  # a NOTE folded over 30 short lines
    text = card("+33612345678", "hi") + card("+33612345679", folded)
    text += card("+33612345670", TOO_LONG) + card("+33612345680", "hi")
    outcome = _outcome(write(tmp_path, "c.vcf", text))
    assert [(n, p is not None and PROBLEM in p, phone) for n, p, phone in outcome] == [
        (1, False, "+33612345678"),
        (2, True, ""),
        (3, True, ""),
        (4, False, "+33612345680"),
    ]


def test_an_xlsx_row_over_the_limit_fails_alone(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "c.xlsx",
        {"Sheet1": [["Mobile", "Notes"], ["+33612345678", "a"], ["+33612345679", TOO_LONG]]},
    )
    assert _outcome(path) == [
        (2, None, "+33612345678"),
        (3, PROBLEM + " (raise max_record_chars if it is real)", ""),
    ]


def test_the_placeholder_for_a_long_line_is_not_read_as_data(tmp_path: Path) -> None:
    # A file that holds the placeholder character itself is just data.
    path = write(tmp_path, "c.csv", f"Mobile,Notes\n+33612345678,{OVERSIZE_MARK}\n")
    assert read(path, max_record_chars=LIMIT)[1][0].problem is None
