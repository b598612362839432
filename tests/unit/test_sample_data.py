"""The sample files are what sample_data/README.md says they are, checked with the libraries
directly (phonenumbers, email-validator, csv, openpyxl) rather than with contactctl's own stages.
"""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

import openpyxl
import phonenumbers
import pytest
from email_validator import validate_email
from phonenumbers import PhoneNumberType

from tests.unit.readers_fixtures import read

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _e164_mobile(text: str, region: str | None) -> str:
    """The number in E.164, asserting that phonenumbers calls it a valid mobile."""
    number = phonenumbers.parse(text, region)
    assert phonenumbers.is_valid_number(number), text
    assert phonenumbers.number_type(number) in MOBILE_TYPES, text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (SAMPLES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_contacts_csv_is_clean_varied_and_has_exactly_three_duplicates() -> None:
    rows = _csv_rows("contacts.csv")
    assert list(rows[0]) == ["First Name", "Last Name", "Mobile", "Email", "Country", "Tags"]
    assert 55 <= len(rows) <= 70
    assert len({row["Country"].upper() for row in rows}) >= 10
    phones = [_e164_mobile(row["Mobile"], row["Country"].upper()) for row in rows]
    for row in rows:
        validate_email(row["Email"], check_deliverability=False)
    assert len(phones) - len(set(phones)) == 3
    written = {row["Mobile"] for row in rows}
    assert len(written) == len(rows)  # each duplicate is written differently
    assert any(text.startswith("00") for text in written)
    assert any(text.startswith("+") for text in written)
    assert any(text.startswith("0") and not text.startswith("00") for text in written)


def test_contacts_xlsx_stores_phones_as_number_cells() -> None:
    book = openpyxl.load_workbook(SAMPLES / "contacts.xlsx")
    sheet = book.worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("First Name", "Last Name", "Mobile")
    assert 15 <= len(rows) <= 25
    for row in rows:
        assert isinstance(row[2], int | float)
        _e164_mobile(f"+{int(row[2])}", None)


def test_contacts_jsonl_has_one_valid_contact_a_line_some_with_tag_arrays() -> None:
    lines = (SAMPLES / "contacts.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    assert len(records) == 15
    assert sum(isinstance(record.get("tags"), list) for record in records) >= 3
    for record in records:
        _e164_mobile(record["phone"], record["country"])
        validate_email(record["email"], check_deliverability=False)


def test_contacts_vcf_mixes_versions_and_several_numbers_per_card() -> None:
    text = (SAMPLES / "contacts.vcf").read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 8
    assert "VERSION:3.0" in text
    assert "VERSION:4.0" in text
    assert "CATEGORIES:" in text
    rows = read(SAMPLES / "contacts.vcf")[1]
    assert all(row.problem is None for row in rows)
    for row in rows:
        _e164_mobile(str(row.cells["Phone"]), None)
    assert any(row.cells["Other Phones"] for row in rows)


def test_messy_csv_has_the_damage_it_is_meant_to_show() -> None:
    raw = (SAMPLES / "messy.csv").read_bytes()
    text = raw.decode("utf-8")
    for damage in ("33612345679.0", "E+10", "3.36123E+10", "'+33", "ext.", "@@", "\n\n", "Björk"):
        assert damage in text, damage
    table, rows = read(SAMPLES / "messy.csv")
    assert len(table.headers) == 6
    multi_line = [row for row in rows if "\n" in str(row.cells.get("Notes", ""))]
    assert len(multi_line) == 1
    assert [row.row for row in rows if row.problem] == [19]  # the ragged row
    assert 17 not in [row.row for row in rows]  # the blank line


def test_messy_cp1252_csv_is_windows_1252_with_semicolons() -> None:
    raw = (SAMPLES / "messy-cp1252.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "René" in text
    assert text.splitlines()[0].count(";") == 4
    regions = {"France": "FR", "FR": "FR", "España": "ES"}
    for row in csv.DictReader(text.splitlines(), delimiter=";"):
        _e164_mobile(row["Portable"], regions[row["Pays"]])


def test_utf16_tsv_has_a_byte_order_mark_and_tabs() -> None:
    raw = (SAMPLES / "contacts-utf16.tsv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)
    rows = list(csv.DictReader(raw.decode("utf-16").splitlines(), delimiter="\t"))
    assert list(rows[0]) == ["Name", "Phone", "Email"]
    for row in rows:
        _e164_mobile(row["Phone"], None)


def test_readme_describes_every_sample_file() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for path in SAMPLES.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path.name
