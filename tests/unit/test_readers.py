"""open_table as callers use it: format by extension, standard input, and no foreign exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactctl.errors import InputError
from contactctl.model import InputFormat
from contactctl.readers import detect_format
from contactctl.readers.base import Table
from tests.unit.readers_fixtures import input_error, read, write, write_xlsx


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("contacts.csv", InputFormat.CSV),
        ("EXPORT.CSV", InputFormat.CSV),
        ("notes.txt", InputFormat.CSV),
        ("a.tsv", InputFormat.TSV),
        ("a.tab", InputFormat.TSV),
        ("a.json", InputFormat.JSON),
        ("a.jsonl", InputFormat.JSONL),
        ("a.ndjson", InputFormat.JSONL),
        ("dir.v2/a.xlsx", InputFormat.XLSX),
        ("a.xlsm", InputFormat.XLSX),
        ("a.xls", InputFormat.XLSX),
        ("a.xlsb", InputFormat.XLSX),
        ("a.ods", InputFormat.XLSX),
        ("a.vcf", InputFormat.VCF),
        ("a.vcard", InputFormat.VCF),
    ],
)
def test_format_from_the_extension(name: str, fmt: InputFormat) -> None:
    assert detect_format(name) is fmt


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("contacts.docx", "Pass --input-format csv|tsv|json|jsonl|xlsx|vcf."),
        ("contacts", "Pass --input-format csv|tsv|json|jsonl|xlsx|vcf."),
        ("budget.numbers", "Export it as .xlsx or CSV and try again."),
    ],
)
def test_unknown_extension_says_how_to_name_the_format(name: str, hint: str) -> None:
    with pytest.raises(InputError) as caught:
        detect_format(name)
    assert caught.value.hint == hint


def test_input_format_overrides_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "export.dat", '{"Mobile": "1"}\n')
    table, rows = read(path, fmt=InputFormat.JSONL)
    assert table.headers == ["Mobile"]
    assert [r.row for r in rows] == [1]


@pytest.mark.parametrize(
    ("fmt", "content", "first_row"),
    [
        (InputFormat.CSV, b"Mobile;Name\n+33612345678;Ana\n", 2),
        (InputFormat.TSV, b"Mobile\tName\n+33612345678\tAna\n", 2),
        (InputFormat.JSON, b'[{"Mobile": "+33612345678", "Name": "Ana"}]', 1),
        (InputFormat.JSONL, b'\n{"Mobile": "+33612345678", "Name": "Ana"}\n', 2),
        (InputFormat.VCF, b"BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nTEL:+33612345678\nEND:VCARD\n", 1),
    ],
)
def test_standard_input_in_each_text_format(
    fmt: InputFormat, content: bytes, first_row: int
) -> None:
    table, rows = read("-", stdin=content, fmt=fmt)
    assert table.source == "<stdin>"
    assert [(r.source, r.row) for r in rows] == [("<stdin>", first_row)]
    assert "+33612345678" in rows[0].cells.values()


def test_standard_input_needs_a_format() -> None:
    assert input_error("-", stdin=b"Mobile\n1\n") == (
        "Reading from standard input needs --input-format csv|tsv|json|jsonl|xlsx|vcf."
    )


def test_empty_standard_input() -> None:
    assert input_error("-", stdin=b"", fmt=InputFormat.CSV) == "<stdin> is empty."


def test_rows_are_read_lazily_after_the_headers(tmp_path: Path) -> None:
    # The bad byte is far from the header: opening works, iterating fails when it gets there.
    from contactctl.readers import ReadOptions, open_table

    path = write(tmp_path, "c.csv", b"Mobile\n" + b"+33612345678\n" * 10_000 + b"\xff\n")
    with open_table(str(path), ReadOptions(encoding="utf-8")) as table:
        assert table.headers == ["Mobile"]
        seen, error = rows_until_error(table)
    assert seen == list(range(2, 10002))
    assert "line 10002: undecodable bytes" in str(error)


def rows_until_error(table: Table) -> tuple[list[int], InputError]:
    """The row numbers a table yields before it raises, and what it raised."""
    seen = []
    try:
        for row in table.rows:
            seen.append(row.row)
    except InputError as exc:
        return seen, exc
    raise AssertionError("the table ended without an error")


@pytest.mark.parametrize(
    ("name", "header", "line", "bad_line"),
    [
        ("c.csv", b"Mobile\n", b"+33612345678\n", b"+3361234\xff5678\n"),
        ("c.jsonl", b"", b'{"phone": "+33612345678"}\n', b'{"phone": "\xe9"}\n'),
        (
            "c.vcf",
            b"",
            b"BEGIN:VCARD\nVERSION:3.0\nFN:A\nTEL:+33612345678\nEND:VCARD\n",
            b"BEGIN:VCARD\nVERSION:3.0\nFN:\xe9\nTEL:+33612345678\nEND:VCARD\n",
        ),
    ],
)
def test_every_record_before_undecodable_bytes_is_read(
    tmp_path: Path, name: str, header: bytes, line: bytes, bad_line: bytes
) -> None:
    # Far past the first block (so UTF-8 is chosen) and mid-chunk for the text layer.
    from contactctl.readers import ReadOptions, open_table

    records = 9_999
    before = header + line * records
    path = write(tmp_path, name, before + bad_line + line * 10)
    bad_byte = b"\xff" if b"\xff" in bad_line else b"\xe9"
    bad_line_number = before.count(b"\n") + bad_line[: bad_line.index(bad_byte)].count(b"\n") + 1
    with open_table(str(path), ReadOptions(encoding="utf-8")) as table:
        seen, error = rows_until_error(table)
    assert len(seen) == records
    assert f"line {bad_line_number}: undecodable bytes" in str(error)


def _fuzz_seed(suffix: str) -> bytes:
    """A valid file of each format, for the property test to start from."""
    if suffix != ".xlsx":
        return {
            ".csv": b"Name,Mobile\nAna,+33612345678\n",
            ".json": b'[{"Name": "Ana", "Mobile": 33612345678.0}]',
            ".jsonl": b'{"Name": "Ana"}\n[1]\n',
            ".vcf": b"BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nTEL;TYPE=CELL:1\nEND:VCARD\n",
        }[suffix]
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "s.xlsx", {"S": [["Mobile"], [33612345678]]})
        return path.read_bytes()


def _mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, or the seed with random spans overwritten (closer to real damage)."""
    spans = st.lists(st.tuples(st.integers(0, max(len(seed) - 1, 0)), st.binary(max_size=8)))

    def damage(edits: list[tuple[int, bytes]]) -> bytes:
        data = bytearray(seed)
        for at, replacement in edits:
            data[at : at + len(replacement)] = replacement
        return bytes(data)

    return st.one_of(st.binary(max_size=512), spans.map(damage))


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".xlsx", ".vcf"])
def test_any_bytes_give_rows_or_an_input_error_never_another_exception(suffix: str) -> None:
    seed = _fuzz_seed(suffix)

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(content=_mutated(seed))
    def check(content: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"fuzz{suffix}"
            path.write_bytes(content)
            try:
                table, rows = read(path)
            except InputError as exc:
                message = str(exc)
            else:
                assert all(row.row >= 1 for row in rows)
                assert all(isinstance(header, str) for header in table.headers)
                return
            assert message.strip()
            assert "\n" not in message

    check()


def test_a_bom_does_not_shift_the_line_of_undecodable_bytes(tmp_path: Path) -> None:
    # Excel's "CSV UTF-8" starts with a BOM; the bad byte opens line 4, in the first block.
    from contactctl.readers import ReadOptions, open_table

    content = b"\xef\xbb\xbfname,phone\nAnn,+33612345678\nBob,+33612345679\n\xc9mile,+336\n"
    path = write(tmp_path, "bom.csv", content)
    with open_table(str(path), ReadOptions(encoding="utf-8")) as table:
        seen, error = rows_until_error(table)
    assert seen == [2, 3]
    assert "line 4: undecodable bytes" in str(error)
