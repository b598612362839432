"""CSV and TSV: encodings, delimiters, spreadsheet row numbers, odd rows, bad bytes, streaming."""

from __future__ import annotations

import codecs
import tracemalloc
from pathlib import Path

import pytest

from contactctl.model import InputFormat
from contactctl.readers import ReadOptions, open_table
from tests.unit.readers_fixtures import cells, input_error, numbers, read, write

ACCENTED = "Prénom,Nom,Mobile\nZoë,Lefèvre,+33612345678\nJosé,Núñez,+34612345678\n"
EXPECTED = [
    {"Prénom": "Zoë", "Nom": "Lefèvre", "Mobile": "+33612345678"},
    {"Prénom": "José", "Nom": "Núñez", "Mobile": "+34612345678"},
]


@pytest.mark.parametrize(
    ("encoded"),
    [
        pytest.param(ACCENTED.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + ACCENTED.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(ACCENTED.encode("utf-16"), id="utf-16 native BOM"),
        pytest.param(codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le"), id="utf-16 LE BOM"),
        pytest.param(codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be"), id="utf-16 BE BOM"),
        pytest.param(ACCENTED.encode("cp1252"), id="cp1252"),
        pytest.param(ACCENTED.encode("utf-32"), id="utf-32 BOM"),
    ],
)
def test_every_encoding_reads_the_same_cells_and_headers(tmp_path: Path, encoded: bytes) -> None:
    table, rows = read(write(tmp_path, "c.csv", encoded))
    assert table.headers == ["Prénom", "Nom", "Mobile"]  # no BOM left on the first header
    assert [dict(r.cells) for r in rows] == EXPECTED


def test_cp1252_detection_prefers_western_accents_over_central_european(tmp_path: Path) -> None:
    # "è" and "ñ" are other letters in cp1250; a short sample fits both code pages equally.
    path = write(tmp_path, "c.csv", "Nom,Tel\nLefèvre,1\nMuñoz,2\n", encoding="cp1252")
    assert [r["Nom"] for r in cells(path)] == ["Lefèvre", "Muñoz"]


def test_encoding_option_overrides_detection(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "Nom\nÀ\n", encoding="utf-8")
    assert cells(path, encoding="latin-1") == [{"Nom": "Ã\x80"}]


def test_explicit_utf8_still_drops_the_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", codecs.BOM_UTF8 + b"Mobile\n1\n")
    assert read(path, encoding="utf-8")[0].headers == ["Mobile"]


def test_unknown_encoding_is_an_input_error(tmp_path: Path) -> None:
    assert "Unknown encoding 'klingon'" in input_error(
        write(tmp_path, "c.csv", "a\n1\n"), encoding="klingon"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Name,Mobile\nAna,+33612345678\n", {"Name": "Ana", "Mobile": "+33612345678"}),
        ("Name;Mobile\nAna;1,5\n", {"Name": "Ana", "Mobile": "1,5"}),
        ("Name\tMobile\nAna, Bo\t2\n", {"Name": "Ana, Bo", "Mobile": "2"}),
        ("Name|Mobile\nAna;x|3\n", {"Name": "Ana;x", "Mobile": "3"}),
        ('Name,Mobile\n"Smith; Ana",4\n', {"Name": "Smith; Ana", "Mobile": "4"}),
    ],
    ids=["comma", "semicolon", "tab", "pipe", "quoted"],
)
def test_delimiter_is_sniffed(tmp_path: Path, text: str, expected: dict[str, str]) -> None:
    assert cells(write(tmp_path, "c.csv", text)) == [expected]


def test_single_column_file_reads_as_one_column(tmp_path: Path) -> None:
    assert cells(write(tmp_path, "c.csv", "Mobile\n+33612345678\n")) == [{"Mobile": "+33612345678"}]


def test_delimiter_option_overrides_sniffing(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "a;b,c\n1;2,3\n")
    assert cells(path, delimiter=",") == [{"a;b": "1;2", "c": "3"}]


def test_tsv_forces_tab_even_when_commas_abound(tmp_path: Path) -> None:
    path = write(tmp_path, "c.tsv", "Name\tTags\nAna\ta,b,c\n")
    assert cells(path) == [{"Name": "Ana", "Tags": "a,b,c"}]


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    text = (
        "Name,Mobile\n"  # row 1
        "Ana,1\n"  # row 2
        '"Multi\nline\nname",2\n'  # row 3, three physical lines
        "\n"  # row 4: blank line, no result
        "Bo,3\n"  # row 5
        ",\n"  # row 6: all-empty row, no result
        "Cy,4\r\n"  # row 7
    )
    path = write(tmp_path, "c.csv", text)
    assert numbers(path) == [2, 3, 5, 7]
    assert cells(path)[1]["Name"] == "Multi\nline\nname"


def test_blank_lines_before_the_header_count_as_rows(tmp_path: Path) -> None:
    table, rows = read(write(tmp_path, "c.csv", "\n\nName,Mobile\nAna,1\n"))
    assert table.headers == ["Name", "Mobile"]
    assert [r.row for r in rows] == [4]


def test_short_rows_are_padded_and_long_rows_fail_alone(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "a,b,c\n1,2\n1,2,3,4\n5,6,7,,\n8,9,10\n")
    rows = read(path)[1]
    assert [(r.row, dict(r.cells), r.problem) for r in rows] == [
        (2, {"a": "1", "b": "2", "c": ""}, None),
        (3, {"a": "1", "b": "2", "c": "3"}, "row has 4 cells but the header has 3"),
        (4, {"a": "5", "b": "6", "c": "7"}, None),  # trailing empty cells are not data
        (5, {"a": "8", "b": "9", "c": "10"}, None),
    ]


def test_blank_and_repeated_headers_get_stable_unique_names(tmp_path: Path) -> None:
    table, rows = read(write(tmp_path, "c.csv", " Phone ,Phone,,Email\n1,2,3,4\n"))
    assert table.headers == ["Phone", "Phone_2", "column_3", "Email"]
    assert dict(rows[0].cells) == {"Phone": "1", "Phone_2": "2", "column_3": "3", "Email": "4"}
    assert len(table.notes) == 2
    assert "'Phone_2'" in table.notes[0]
    assert "'column_3'" in table.notes[1]


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    table, rows = read(write(tmp_path, "c.csv", "Name,Mobile\n"))
    assert table.headers == ["Name", "Mobile"]
    assert rows == []


@pytest.mark.parametrize("content", [b"", b"\n\n\n", b"   \n", codecs.BOM_UTF8])
def test_empty_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "c.csv", content)
    assert input_error(path).startswith(f"{path} is empty")


def test_undecodable_bytes_name_the_line_and_suggest_an_encoding(tmp_path: Path) -> None:
    # Valid UTF-8 for the first 64 KiB, so UTF-8 is chosen; the bad byte comes much later.
    lines = [b"Name,Mobile"] + [b"Ana,+33612345678"] * 20_000
    lines[17_000] = b"Ren\xe9,+33612345678"  # line 17001
    path = write(tmp_path, "c.csv", b"\n".join(lines) + b"\n")
    assert input_error(path) == (
        f"{path} line 17001: undecodable bytes for utf-8 (b'\\xe9'). "
        "Pass --encoding, e.g. --encoding cp1252."
    )


def test_undecodable_bytes_in_the_header_name_line_one(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", b"Nom\xff,Tel\n1,2\n")
    assert input_error(path, encoding="utf-8").startswith(f"{path} line 1: undecodable bytes")


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", 3),
        (b"Name,Mobile\nAna,1\nB\x00o,2\n", 3),
        (b"Name,Mobile\n" + b"Ana,+33612345678\n" * 10_000 + b"\x00\n", 10_002),
    ],
    ids=["png", "early", "after the first block"],
)
def test_nul_bytes_are_refused_naming_the_line(tmp_path: Path, content: bytes, line: int) -> None:
    path = write(tmp_path, "c.csv", content)
    message = input_error(path)
    assert message.startswith(f"{path} line {line}: NUL bytes")
    assert "--encoding utf-16-le" in message


def test_a_quote_never_closed_is_an_input_error_not_a_csv_error(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", 'Name,Mobile\nAna,"open\n' + "x,y\n" * 40_000)
    assert "row 2: a quote opened in this row is never closed" in input_error(path)
    small = write(tmp_path, "s.csv", 'Name,Mobile\nBo,+33612345679\nAna,"open\nx,y\nz,w')
    assert "row 3: a quote opened in this row is never closed" in input_error(small)


def test_a_quoted_cell_closed_on_the_last_line_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", 'Name,Mobile\nAna,"+336\n12345678"')
    assert cells(path) == [{"Name": "Ana", "Mobile": "+336\n12345678"}]
    path = write(tmp_path, "d.csv", 'Name,Mobile\n"Ana\nx,y\n",+33612345678\n')
    assert cells(path) == [{"Name": "Ana\nx,y\n", "Mobile": "+33612345678"}]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert (
        input_error(tmp_path / "nope.csv")
        == f"{tmp_path / 'nope.csv'}: no such file. Check the path."
    )
    assert "is a folder" in input_error(tmp_path, fmt=InputFormat.CSV)


def test_source_is_the_path_as_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "c.csv", "Mobile\n1\n")
    monkeypatch.chdir(tmp_path)
    table, rows = read("./c.csv")
    assert table.source == "./c.csv"
    assert rows[0].source == "./c.csv"


def test_rows_stream_without_holding_the_file(tmp_path: Path) -> None:
    # Few, long cells: the file is large but each row costs tracemalloc few allocations.
    line = "+33612345678,someone.with.a.rather.long.address@example.com;Lefevre;Paris\n"
    path = tmp_path / "big.csv"
    path.write_text("Mobile,Notes\n" + line * 200_000, encoding="utf-8")
    size = path.stat().st_size
    count = 0
    tracemalloc.start()
    try:
        with open_table(str(path), ReadOptions()) as table:
            for _ in table.rows:
                count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < size / 4
